"""A personal pack for every pair, and a certificate for every participant.

WeasyPrint's cost is mostly per document, so what all pairs share (the session plans,
with agenda times counted from the start of the session, and the feedback forms) is laid
out once; the personal pages of many pairs (cover with their own dates, the agreement
filled in with their names, two certificates) are laid out as one batch document and cut
apart; pikepdf then puts each pack together, with bookmarks. Batches run on the same
executor as the other PDFs: local processes or a Dask cluster.

Roster data stays in `pairs/` and `certificates/`: the site never sees it.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import calendar as calendars
from .artefacts import Artefact, Plan
from .errors import Place, Problems, UsageError
from .markup import to_html
from .match import Pair
from .model import WEEKDAYS, Project
from .pdf import (
    JobResult,
    _css_context,
    _page_context,
    allowed_roots,
    layout,
    split_points,
)
from .render import Renderer
from .roster import Person, Roster
from .schedule import Timeline, pair_schedule, timeline, undated

PAIRS_PER_JOB = 10
PARTS = ("cover", "agreement", "cert-mentor", "cert-mentee")


@dataclass(frozen=True)
class PairInfo:
    """What the personal pages of a pair show: names, slot, their own dates."""

    id: str
    mentor: Person
    mentee: Person
    weekday: str
    time: str
    timezone: str
    reasons: tuple[str, ...]
    timeline: Timeline
    slot: str = ""

    @property
    def first(self) -> Any:
        return self.timeline.sessions[0].start if self.timeline.sessions else None

    @property
    def last(self) -> Any:
        return self.timeline.sessions[-1].start if self.timeline.sessions else None

    @property
    def count(self) -> int:
        return len(self.timeline.sessions)

    @property
    def people(self) -> tuple[Person, Person]:
        return (self.mentor, self.mentee)


@dataclass(frozen=True)
class PackJob:
    """Personal pages of some pairs, and the shared pages every pack ends with."""

    name: str
    html: str
    css: str
    allowed_roots: tuple[str, ...]
    pairs: tuple[tuple[str, str, str, str], ...]  # pair id, mentor id, mentee id, pack title
    certificate_title: str


@dataclass
class PackReport:
    pairs: int = 0
    certificates: int = 0
    pages: int = 0
    seconds: float = 0.0
    unmatched: list[str] = field(default_factory=list)


# --- the pairs to print ---------------------------------------------------------------


def read_pairs(path: Path, roster: Roster) -> list[Pair]:
    """pairs.csv (from `mentorkit match`, perhaps edited by hand), checked against the roster."""
    if not path.is_file():
        raise UsageError(f"{path}: no such pairs file")
    display = path.name
    problems = Problems()
    people = roster.by_id()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        problems.add(Place(display, 1, 1), "the pairs file is empty")
        problems.raise_if_any()
    header = [h.strip().lower() for h in rows[0]]
    columns = {name: i for i, name in enumerate(header)}
    for name in ("mentor_id", "mentee_id", "weekday", "time", "timezone"):
        if name not in columns:
            problems.add(Place(display, 1, len(header) + 1), f"the column `{name}` is missing")
    problems.raise_if_any()
    pairs: list[Pair] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def place(name: str, number: int = number) -> Place:
            return Place(display, number, columns.get(name, 0) + 1)

        found: dict[str, Person] = {}
        for role in ("mentor", "mentee"):
            person_id = cell(f"{role}_id")
            person = people.get(person_id)
            if person is None:
                problems.add(
                    place(f"{role}_id"),
                    f"{role}_id: no one with the id {person_id!r} in the roster",
                )
            elif person.role != role:
                problems.add(
                    place(f"{role}_id"),
                    f"{role}_id: {person_id!r} is a {person.role} in the roster",
                )
            elif person_id in seen:
                problems.add(
                    place(f"{role}_id"),
                    f"{role}_id: {person_id!r} is already in the pair on row {seen[person_id]}",
                )
            else:
                found[role] = person
        weekday = cell("weekday").lower()
        if weekday not in WEEKDAYS:
            problems.add(
                place("weekday"), f"weekday: {cell('weekday')!r} is not a day such as tuesday"
            )
        clock = cell("time")
        if not _is_clock(clock):
            problems.add(place("time"), f"time: {clock!r} is not a time such as 15:00")
        if len(found) == 2 and weekday in WEEKDAYS and _is_clock(clock):
            for person in found.values():
                seen[person.id] = number
            score = cell("score")
            pairs.append(
                Pair(
                    found["mentor"],
                    found["mentee"],
                    int(score) if score.isdigit() else 0,
                    tuple(r.strip() for r in cell("reasons").split(";") if r.strip()),
                    weekday,
                    clock,
                )
            )
    problems.raise_if_any()
    return pairs


def _is_clock(text: str) -> bool:
    parts = text.split(":")
    return (
        len(parts) == 2
        and all(p.isdigit() for p in parts)
        and int(parts[0]) < 24
        and int(parts[1]) < 60
    )


def pair_infos(project: Project, pairs: Iterable[Pair], renderer: Renderer) -> list[PairInfo]:
    """Each pair with its own dates: the programme's cadence on the pair's day and time."""
    schedule = project.programme.schedule
    infos = []
    for pair in pairs:
        zone = pair.mentee.timezone
        line = (
            timeline(project, pair_schedule(schedule, pair.weekday, pair.time, zone))
            if schedule
            else timeline(project)
        )
        day = renderer.vocabulary["weekdays"][pair.weekday]
        slot = renderer.gettext("%(day)s at %(time)s (%(zone)s)") % {
            "day": day,
            "time": pair.time,
            "zone": zone,
        }
        infos.append(
            PairInfo(
                pair.id,
                pair.mentor,
                pair.mentee,
                pair.weekday,
                pair.time,
                zone,
                pair.reasons,
                line,
                slot,
            )
        )
    return infos


# --- preparing the jobs (main process) -------------------------------------------------


def shared_pages(renderer: Renderer, plan: Plan) -> tuple[str, str, tuple[str, ...], list[str]]:
    """HTML of the pages every pack ends with: undated session plans, then the forms."""
    project = renderer.project
    shared_renderer = Renderer(
        project, undated(renderer.timeline), plan, pdf=True, translations=renderer.translations
    )
    # Session plans in programme order, then the feedback forms.
    parts = [a for a in plan.artefacts if a.batch == "plans"]
    parts += [a for a in plan.artefacts if a.batch == "forms"]
    documents, anchors, titles = [], [], []
    for artefact in parts:
        anchor = f"shared-{artefact.key}"
        html = to_html(shared_renderer.markdown(artefact), id_prefix=f"{artefact.key}-")
        documents.append(
            {
                "artefact": artefact,
                "body": _markup(html.body),
                "headings": html.headings,
                "anchor": anchor,
            }
        )
        anchors.append(anchor)
        titles.append(
            artefact.title
            if artefact.batch == "forms"
            else f"{artefact.context['index']}. {artefact.title}"
        )
    page = renderer.html(
        "pdf/document.html.j2", _page_context(renderer, "sheet", documents, project.programme.title)
    )
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    return page, css, tuple(anchors), titles


def personal_jobs(renderer: Renderer, infos: list[PairInfo]) -> Iterator[PackJob]:
    """Batches of personal pages, each ready to lay out as soon as it is made."""
    project = renderer.project
    _ = renderer.gettext
    roles = project.programme.roles
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    roots = allowed_roots(project)
    for start in range(0, len(infos), PAIRS_PER_JOB):
        chunk = infos[start : start + PAIRS_PER_JOB]
        documents = []
        entries = []
        for info in chunk:
            title = _("Reverse mentoring pack: %(mentor)s and %(mentee)s") % {
                "mentor": info.mentor.name,
                "mentee": info.mentee.name,
            }
            parts = [
                ("cover", "pairs/pack.md.j2", _("Your pair"), {}),
                ("agreement", "site/agreement.md.j2", _("Mentoring agreement"), {}),
                (
                    "cert-mentor",
                    "pairs/certificate.md.j2",
                    _("Certificate"),
                    {"person": info.mentor},
                ),
                (
                    "cert-mentee",
                    "pairs/certificate.md.j2",
                    _("Certificate"),
                    {"person": info.mentee},
                ),
            ]
            for suffix, template, part_title, extra in parts:
                artefact = Artefact(
                    f"{info.id}-{suffix}",
                    template,
                    "",
                    part_title,
                    style="sheet",
                    subtitle=f"{roles.mentor}: {info.mentor.name} · "
                    f"{roles.mentee}: {info.mentee.name}",
                    context={"pair": info, **extra},
                )
                html = to_html(renderer.markdown(artefact), id_prefix=f"{artefact.key}-")
                documents.append(
                    {
                        "artefact": artefact,
                        "body": _markup(html.body),
                        "headings": html.headings,
                        "anchor": f"part-{artefact.key}",
                        "kind": "certificate" if suffix.startswith("cert") else "",
                    }
                )
            entries.append((info.id, info.mentor.id, info.mentee.id, title))
        page = renderer.html(
            "pdf/document.html.j2",
            _page_context(renderer, "sheet", documents, project.programme.title),
        )
        yield PackJob(
            f"packs-{start // PAIRS_PER_JOB + 1}",
            page,
            css,
            roots,
            tuple(entries),
            _("Certificate of completion"),
        )


def _markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)  # noqa: S704 - Markdown output; user text was escaped


# --- rendering (worker processes) --------------------------------------------------------


def render_shared(
    html: str, css: str, roots: tuple[str, ...], anchors: tuple[str, ...]
) -> tuple[bytes, list[int]]:
    """The shared pages as one PDF, and the first page of each part."""
    document = layout(html, css, roots)
    ranges = split_points(document, list(anchors))
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1")), [first for first, _ in ranges]


def render_packs(job: PackJob) -> JobResult:
    """Lay out a batch of personal pages; cut out each pair's pages and certificates.

    The batch is written as one PDF (one font subset, one paint) and cut with pikepdf,
    which is many times cheaper than asking WeasyPrint for a file per part. The pair's
    pages are returned as `personal/<pair id>.pdf`, to be joined to the shared pages.
    """
    import pikepdf

    started = time.perf_counter()
    document = layout(job.html, job.css, job.allowed_roots)
    anchors = []
    for pair_id, _mentor, _mentee, _title in job.pairs:
        anchors += [f"part-{pair_id}-{part}" for part in PARTS]
    ranges = split_points(document, anchors)
    batch = pikepdf.open(io.BytesIO(document.write_pdf()))
    outputs: dict[str, bytes] = {}
    for number, (pair_id, mentor_id, mentee_id, title) in enumerate(job.pairs):
        cover, agreement, cert_mentor, cert_mentee = ranges[number * 4 : number * 4 + 4]
        personal = _pages(pikepdf, batch, cover[0], agreement[1], title)
        personal.docinfo["/MentorkitAgreementPage"] = agreement[0] - cover[0]
        outputs[f"personal/{pair_id}.pdf"] = _saved(personal)
        for person_id, (first, last) in ((mentor_id, cert_mentor), (mentee_id, cert_mentee)):
            outputs[f"certificates/{person_id}.pdf"] = _saved(
                _pages(pikepdf, batch, first, last, job.certificate_title)
            )
    return JobResult(job.name, len(document.pages), outputs, time.perf_counter() - started)


def assemble(
    personal: bytes, shared: Any, bookmarks: tuple[tuple[str, int], ...], names: tuple[str, str]
) -> bytes:
    """A pair's pack: their own pages, then the shared ones, with a bookmark for each part."""
    import pikepdf

    pack = pikepdf.open(io.BytesIO(personal))
    agreement = int(pack.docinfo.get("/MentorkitAgreementPage", 1))
    del pack.docinfo["/MentorkitAgreementPage"]
    offset = len(pack.pages)
    pack.pages.extend(shared.pages)
    with pack.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(names[0], 0))
        outline.root.append(pikepdf.OutlineItem(names[1], agreement))
        for name, page in bookmarks:
            outline.root.append(pikepdf.OutlineItem(name, offset + page))
    return _saved(pack)


def _pages(pikepdf: Any, source: Any, first: int, last: int, title: str) -> Any:
    part = pikepdf.new()
    part.pages.extend(source.pages[first:last])
    part.docinfo["/Title"] = title
    part.docinfo["/Creator"] = "mentorkit"
    return part


def _saved(pdf: Any) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True)
    return buffer.getvalue()


# --- running ---------------------------------------------------------------------------


def build_packs(
    renderer: Renderer,
    plan: Plan,
    infos: list[PairInfo],
    pool: Executor,
    out: Path,
    progress: Callable[[int], None],
) -> PackReport:
    """Render every pair's pack and certificates into `out` (pairs/ and certificates/).

    The shared pages and the batches of personal pages are laid out side by side; each
    pack is joined in this process as its batch comes back.
    """
    import pikepdf

    started = time.perf_counter()
    _ = renderer.gettext
    report = PackReport(pairs=len(infos), certificates=2 * len(infos))
    html, css, anchors, titles = shared_pages(renderer, plan)
    shared_future = pool.submit(render_shared, html, css, allowed_roots(renderer.project), anchors)
    futures: list[Future[JobResult]] = []
    for job in personal_jobs(renderer, infos):
        futures.append(pool.submit(render_packs, job))
    shared_bytes, firsts = shared_future.result()
    shared = pikepdf.open(io.BytesIO(shared_bytes))
    bookmarks = tuple(zip(titles, firsts, strict=True))
    names = (_("Your pair"), _("Mentoring agreement"))
    for future in futures:
        result = future.result()
        report.pages += result.pages
        for name, data in result.outputs.items():
            if name.startswith("personal/"):
                pair_id = name.removeprefix("personal/").removesuffix(".pdf")
                target = out / "pairs" / pair_id / f"{pair_id}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(assemble(data, shared, bookmarks, names))
            else:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
                (out / name).write_bytes(data)
        progress(sum(1 for n in result.outputs if n.startswith("personal/")))
    for info in infos:
        target = out / "pairs" / info.id / f"{info.id}.ics"
        target.write_bytes(pair_calendar(renderer, info))
    report.seconds = time.perf_counter() - started
    return report


def pair_calendar(renderer: Renderer, info: PairInfo) -> bytes:
    """The pair's own sessions and checkpoints, at their own day and time."""
    return calendars.programme_calendar(
        renderer.project,
        info.timeline,
        renderer.gettext,
        uid_prefix=info.id,
        name=f"{renderer.project.programme.title}: {info.mentor.name} · {info.mentee.name}",
    )
