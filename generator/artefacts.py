"""The plan: which artefacts a project yields, where each lands in the site and as a PDF.

An artefact is one Markdown source rendered from one template; the site publishes it as
a page and the PDF step prints the very same text, so the two never disagree. This
module decides names and places only; `render.py` fills them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from markupsafe import Markup

from .forms import forms as make_forms
from .model import Project, Topic
from .placeholders import in_sentence
from .reference import reference as format_reference
from .schedule import Timeline

#: How a PDF is made: a standalone document (cover, contents, page N of M), or a sheet
#: printed in a batch with its siblings and split afterwards (session plans, forms).
PrintStyle = Literal["document", "sheet"]
Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Artefact:
    """One page of the site and, when `pdf` is set, one printable file."""

    key: str  # unique and stable: also the cache key
    template: str  # path under templates/, such as "site/session-plan.md.j2"
    page: str  # path of the Markdown page in the site, such as "topics/x/index.md"
    title: str
    pdf: str | None = None  # file name under pdf/, such as "mentor-guide.pdf"
    style: PrintStyle = "document"
    batch: str | None = None  # sheets of one batch are printed together
    subtitle: str | None = None
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class NavItem:
    """An entry of the site's navigation: a page, or a section holding more entries."""

    title: str
    page: str | None = None
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class Plan:
    artefacts: tuple[Artefact, ...]
    nav: tuple[NavItem, ...]

    def by_key(self, key: str) -> Artefact:
        return next(a for a in self.artefacts if a.key == key)

    @property
    def printed(self) -> list[Artefact]:
        return [a for a in self.artefacts if a.pdf is not None]


def session_key(topic_id: str, session_id: str) -> str:
    return f"{topic_id}--{session_id}"


def plan(
    project: Project,
    timeline: Timeline,
    gettext: Gettext = str,
    results: dict[str, Any] | None = None,
) -> Plan:
    """Every artefact of the project and the site navigation that links them; `results`
    are the programme-level results `mentorkit report` published, if the programme asks."""
    _ = gettext
    programme = project.programme
    roles = programme.roles
    items: list[Artefact] = []

    def add(artefact: Artefact) -> Artefact:
        items.append(artefact)
        return artefact

    home = add(Artefact("home", "site/home.md.j2", "index.md", programme.title))
    guide = add(
        Artefact(
            "programme-guide",
            "site/programme-guide.md.j2",
            "programme/index.md",
            _("Programme guide"),
            pdf="programme-guide.pdf",
            subtitle=_("For the %(role)s") % {"role": in_sentence(roles.coordinator)},
        )
    )
    agreement = add(
        Artefact(
            "agreement",
            "site/agreement.md.j2",
            "programme/agreement.md",
            _("Mentoring agreement"),
            pdf="mentoring-agreement.pdf",
            style="sheet",
            batch="agreement",
            subtitle=_("%(mentor)s and %(mentee)s")
            % {"mentor": roles.mentor, "mentee": in_sentence(roles.mentee)},
        )
    )
    forms = []
    for form in make_forms(programme, timeline, _):
        checkpoint = next((c for c in timeline.checkpoints if c.slug == form.checkpoint), None)
        forms.append(
            add(
                Artefact(
                    "feedback-session" if checkpoint is None else f"feedback-{checkpoint.slug}",
                    "site/feedback-form.md.j2",
                    f"programme/feedback/{checkpoint.slug if checkpoint else form.id}.md",
                    form.title,
                    pdf=form.pdf,
                    style="sheet",
                    batch="forms",
                    subtitle=_("A two-minute pulse")
                    if checkpoint is None
                    else _checkpoint_subtitle(checkpoint.checkpoint.kind, _),
                    context={"checkpoint": checkpoint, "form": form.as_template()},
                )
            )
        )
    shared: list[NavItem] = []
    if results is not None and programme.report.publish:
        page = add(
            Artefact(
                "results",
                "site/results.md.j2",
                "programme/results.md",
                _("Results so far"),
                context={"results": results},
            )
        )
        shared.append(NavItem(page.title, page.page))
    mentor = add(
        Artefact(
            "mentor-guide",
            "site/mentor-guide.md.j2",
            "guides/mentor.md",
            _("%(role)s's guide") % {"role": roles.mentor},
            pdf="mentor-guide.pdf",
            subtitle=programme.title,
        )
    )
    mentee = add(
        Artefact(
            "mentee-guide",
            "site/mentee-guide.md.j2",
            "guides/mentee.md",
            _("%(role)s's guide") % {"role": roles.mentee},
            pdf="mentee-guide.pdf",
            subtitle=programme.title,
        )
    )
    guides = [mentor, mentee]
    onboarding_nav: list[NavItem] = []
    if project.workshops or project.event_workshops:
        guides.append(
            add(
                Artefact(
                    "trainer-handbook",
                    "site/trainer-handbook.md.j2",
                    "guides/trainer.md",
                    _("%(role)s's handbook") % {"role": roles.trainer},
                    pdf="trainer-handbook.pdf",
                    subtitle=_("Onboarding workshops") if project.workshops else _("Group events"),
                )
            )
        )
        for workshop in project.workshops:
            onboarding_nav.append(_topic_section(add, workshop, "onboarding", _, workshop=True))
    track_nav: list[NavItem] = []
    for track in programme.tracks:
        overview = add(
            Artefact(
                f"track-{track.id}",
                "site/track.md.j2",
                f"tracks/{track.id}/index.md",
                track.title,
                context={"track": track},
            )
        )
        sections = [
            _topic_section(add, project.topics[topic_id], "topics", _, workshop=False)
            for topic_id in track.topics
        ]
        track_nav.append(NavItem(track.title, overview.page, tuple(sections)))
    library = add(Artefact("library", "site/library.md.j2", "library/index.md", _("Topic library")))
    area_pages: list[NavItem] = []
    areas = programme.area_titles(_)
    for area in sorted({t.area for t in project.library_topics}, key=_area_order(areas)):
        page = add(
            Artefact(
                f"library-{area}",
                "site/library-area.md.j2",
                f"library/{area}.md",
                areas.get(area, area),
                context={"area": area},
            )
        )
        area_pages.append(NavItem(page.title, page.page))
    # For the organisations that write their own programme and topics: every key of both
    # formats, generated from the models (the same text as docs/format.md). Documentation
    # for whoever runs the programme, not a topic: listed under Programme, linked from the
    # library's page, at the address it always had.
    reference = add(
        Artefact(
            "format-reference",
            "site/format-reference.md.j2",
            "library/format.md",
            _("Format reference"),
            context={"reference": Markup(format_reference())},  # noqa: S704 - from the models
        )
    )
    shared.append(NavItem(reference.title, reference.page))

    nav: list[NavItem] = [
        NavItem(_("Home"), home.page),
        NavItem(
            _("Programme"),
            None,
            (
                NavItem(guide.title, guide.page),
                NavItem(agreement.title, agreement.page),
                NavItem(_("Feedback forms"), None, tuple(NavItem(f.title, f.page) for f in forms)),
                *shared,
            ),
        ),
        NavItem(_("Guides"), None, tuple(NavItem(g.title, g.page) for g in guides)),
    ]
    if onboarding_nav:
        nav.append(NavItem(_("Onboarding"), None, tuple(onboarding_nav)))
    nav.extend(track_nav)
    nav.append(NavItem(library.title, library.page, tuple(area_pages)))
    return Plan(tuple(items), tuple(nav))


def _topic_section(
    add: Any, topic: Topic, folder: str, gettext: Gettext, *, workshop: bool
) -> NavItem:
    _ = gettext
    overview = add(
        Artefact(
            f"{folder}-{topic.id}",
            "site/topic.md.j2",
            f"{folder}/{topic.id}/index.md",
            topic.title,
            context={"topic": topic},
        )
    )
    pages = []
    for index, session in enumerate(topic.sessions, start=1):
        key = session_key(topic.id, session.id)
        prefix = "workshop" if workshop else "plan"
        artefact = add(
            Artefact(
                f"{prefix}-{key}",
                "site/session-plan.md.j2",
                f"{folder}/{topic.id}/{session.id}.md",
                session.title,
                pdf=f"{prefix}-{key}.pdf",
                style="sheet",
                batch="workshops" if workshop else "plans",
                subtitle=(
                    _("%(topic)s · part %(n)s of %(total)s")
                    if workshop
                    else _("%(topic)s · session %(n)s of %(total)s")
                )
                % {"topic": topic.title, "n": index, "total": len(topic.sessions)},
                context={"topic": topic, "session": session, "index": index},
            )
        )
        pages.append(NavItem(artefact.title, artefact.page))
    # The whole topic to read or print at once, and the key points a leader keeps. Under
    # a folder of their own, so that no session id can take their names.
    whole = add(
        Artefact(
            f"whole-{topic.id}",
            "site/topic-whole.md.j2",
            f"{folder}/{topic.id}/all/whole-topic.md",
            _("The whole topic"),
            pdf=f"topic-{topic.id}.pdf",
            subtitle=topic.title,
            context={"topic": topic},
        )
    )
    pages.append(NavItem(whole.title, whole.page))
    if not workshop:
        points = add(
            Artefact(
                f"key-points-{topic.id}",
                "site/topic-key-points.md.j2",
                f"{folder}/{topic.id}/all/key-points.md",
                _("Key points"),
                pdf=f"key-points-{topic.id}.pdf",
                style="sheet",
                batch="key-points",
                subtitle=topic.title,
                context={"topic": topic},
            )
        )
        pages.append(NavItem(points.title, points.page))
    return NavItem(topic.title, overview.page, tuple(pages))


def _checkpoint_subtitle(kind: str, _: Gettext) -> str:
    return {
        "check-in": _("Early check-in"),
        "survey": _("Programme survey"),
        "evaluation": _("Final evaluation"),
    }.get(kind, kind)


def _area_order(areas: dict[str, str]) -> Any:
    order = list(areas)

    def key(area: str) -> tuple[int, str]:
        return (order.index(area) if area in order else len(order), area)

    return key
