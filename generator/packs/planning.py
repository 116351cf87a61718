"""Planning the jobs: the HTML of the pages all packs share, and of each pair's own pages.

Runs in the main process, where the templates are. A pair's own pages (the cover, the
front of the agreement filled in with their names and dates, the two certificates) are
one document per pair, so that the fonts embedded in a pair's files hold the glyphs of
that pair's names and no one else's. The pages every pack shares (the agreement's goals
and ground rules, the session plans, the feedback forms) are one document for all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from ..artefacts import Artefact, Plan
from ..markup import to_html
from ..pdf import _page_context, sheet_body
from ..render import Renderer
from ..schedule import undated
from .fonts import CutFont
from .reading import PairInfo

PAIRS_PER_JOB = 5  # pairs laid out by one job: small enough to keep both cores busy
PARTS = ("cover", "agreement", "cert-mentor", "cert-mentee")
SHARED_PLAN = "shared-plan-"  # anchors of the session plans among the shared pages
TERMS = "shared-agreement-terms"  # anchor of the agreement's goals and ground rules


@dataclass(frozen=True)
class PairDocument:
    """One pair's own pages as HTML, with an anchor `part-<pair id>-<part>` per part."""

    id: str
    mentor_id: str
    mentee_id: str
    html: str
    parts: tuple[str, ...] = PARTS  # without the certificates when the programme gives none


@dataclass(frozen=True)
class PairsJob:
    """The own pages of a few pairs, each laid out as a document of its own."""

    name: str
    css: str
    allowed_roots: tuple[str, ...]
    documents: tuple[PairDocument, ...]
    fonts: tuple[CutFont, ...] = ()  # the fonts cut to the roster's characters (none: whole)


@dataclass(frozen=True)
class SharedPages:
    html: str
    anchors: tuple[str, ...]
    titles: tuple[str, ...]


def shared_pages(renderer: Renderer, plan: Plan) -> SharedPages:
    """The pages every pack ends with: the agreement's goals and ground rules, the
    session plans (agenda times counted from the start of the session), the forms."""
    project = renderer.project
    _ = renderer.gettext
    shared_renderer = Renderer(
        project, undated(renderer.timeline), plan, pdf=True, translations=renderer.translations
    )
    terms = Artefact(
        "agreement-terms",
        "site/agreement.md.j2",
        "",
        _("Our goals and ground rules"),
        style="sheet",
        context={"part": "terms"},
    )
    parts = [terms]
    parts += [a for a in plan.artefacts if a.batch == "plans"]
    parts += [_in_pack(a) for a in plan.artefacts if a.batch == "forms"]
    documents, anchors, titles = [], [], []
    for artefact in parts:
        if artefact is terms:
            anchor = TERMS
        elif artefact.batch == "plans":
            anchor = f"{SHARED_PLAN}{artefact.key}"
        else:
            anchor = f"shared-{artefact.key}"
        html = to_html(shared_renderer.markdown(artefact), id_prefix=f"{artefact.key}-")
        documents.append(
            {
                "artefact": artefact,
                "body": _markup(sheet_body(html.body, anchor)),
                "headings": html.headings,
                "anchor": anchor,
                "kind": "plan" if artefact.batch == "plans" else "",  # two sides, as printed alone
            }
        )
        anchors.append(anchor)
        titles.append(
            f"{artefact.context['index']}. {artefact.title}"
            if artefact.batch == "plans"
            else artefact.title
        )
    page = renderer.html(
        "pdf/document.html.j2", _page_context(renderer, "sheet", documents, project.programme.title)
    )
    return SharedPages(page, tuple(anchors), tuple(titles))


def _in_pack(form: Artefact) -> Artefact:
    """A feedback form as every pack prints it: due on the pair's own date (their cover
    gives it), not the programme's, and filled in on paper (a pack has no form fields)."""
    checkpoint = form.context.get("checkpoint")
    context = {**form.context, "pack": True}
    if checkpoint is not None:
        context["checkpoint"] = replace(checkpoint, date=None)
    return replace(form, context=context)


def part_artefacts(renderer: Renderer, info: PairInfo) -> list[Artefact]:
    """The pair's own parts, in PARTS order."""
    _ = renderer.gettext
    parts: list[tuple[str, str, str, dict[str, Any]]] = [
        ("cover", "pairs/pack.md.j2", _("Your pair"), {}),
        ("agreement", "site/agreement.md.j2", _("Mentoring agreement"), {"part": "front"}),
        (
            "cert-mentor",
            "pairs/certificate.md.j2",
            _("Certificate"),
            {"person": info.mentor, "as_role": "mentor"},
        ),
        (
            "cert-mentee",
            "pairs/certificate.md.j2",
            _("Certificate"),
            {"person": info.mentee, "as_role": "mentee"},
        ),
    ]
    if not renderer.project.programme.recognition.certificate:
        parts = parts[:2]  # the programme gives no certificates
    return [
        Artefact(
            f"{info.id}-{suffix}",
            template,
            "",
            title,
            style="sheet",
            context={"pair": info, **extra},
        )
        for suffix, template, title, extra in parts
    ]


def pack_title(renderer: Renderer, info: PairInfo) -> str:
    return renderer.gettext("Reverse mentoring pack: %(mentor)s and %(mentee)s") % {
        "mentor": info.mentor.name,
        "mentee": info.mentee.name,
    }


def pair_document(renderer: Renderer, info: PairInfo) -> PairDocument:
    documents = []
    artefacts = part_artefacts(renderer, info)
    for artefact in artefacts:
        html = to_html(renderer.markdown(artefact), id_prefix=f"{artefact.key}-")
        documents.append(
            {
                "artefact": artefact,
                "body": _markup(html.body),
                "headings": html.headings,
                "anchor": f"part-{artefact.key}",
                "kind": "certificate" if artefact.key.endswith(PARTS[2:]) else "",
            }
        )
    page = renderer.html(
        "pdf/document.html.j2",
        _page_context(renderer, "sheet", documents, pack_title(renderer, info)),
    )
    return PairDocument(info.id, info.mentor.id, info.mentee.id, page, PARTS[: len(artefacts)])


def known_characters(renderer: Renderer, infos: Iterable[PairInfo], sample: str) -> frozenset[str]:
    """The characters the pairs' own pages are made of, known before those pages are made:
    those of one pair's pages (`sample`: the templates' words and markup), every value
    that differs from pair to pair (names, departments, emails, places, times, reasons,
    moved sessions), the titles of every topic, session and checkpoint, and the names of
    the months and days. The fonts are cut to them, so that the first pairs are laid out
    while the others are still being made; a page with a character beyond them is laid
    out with the whole fonts."""
    from babel import dates

    project = renderer.project
    locale = project.programme.locale.replace("-", "_")
    texts: list[str] = [sample]
    for width in ("wide", "abbreviated"):
        texts += dates.get_month_names(width, locale=locale).values()
        texts += dates.get_month_names(width, "stand-alone", locale=locale).values()
        texts += dates.get_day_names(width, locale=locale).values()
    for topic in project.topics.values():
        texts += [topic.title, *(session.title for session in topic.sessions)]
    for info in infos:
        for person in info.people:
            texts += [person.name, person.email, person.department, person.timezone]
        texts += [info.slot, info.other_slot, info.location, info.timezone]
        texts += [*info.reasons, *info.changes]
        texts += [clock.name for clocks in info.other_clocks for clock in clocks]
        line = info.timeline
        texts += [sitting.who for sitting in line.workshops]
        texts += [c.checkpoint.title for c in line.checkpoints]
        texts += [e.event.title for e in line.events]
    return frozenset().union(*texts)


def pair_jobs(
    documents: Iterable[tuple[PairDocument, tuple[CutFont, ...]]],
    css: str,
    roots: tuple[str, ...],
) -> Iterator[PairsJob]:
    """The pairs' documents in jobs of PAIRS_PER_JOB laid out in the same fonts, each job
    ready as soon as its documents are made."""
    chunks: dict[tuple[CutFont, ...], list[PairDocument]] = {}
    for document, fonts in documents:
        chunk = chunks.setdefault(fonts, [])
        chunk.append(document)
        if len(chunk) == PAIRS_PER_JOB:
            yield PairsJob(f"pairs-{chunk[0].id}", css, roots, tuple(chunk), fonts)
            del chunks[fonts]
    for fonts, chunk in chunks.items():
        yield PairsJob(f"pairs-{chunk[0].id}", css, roots, tuple(chunk), fonts)


def _markup(html: str) -> Any:
    return Markup(html)  # noqa: S704 - Markdown output; user text was escaped
