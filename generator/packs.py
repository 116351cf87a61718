"""A personal pack for every pair, and a certificate for every participant.

WeasyPrint's cost is in laying out text, so nothing is laid out twice that can be laid
out once. What all pairs share (the session plans, with agenda times counted from the
start of the session, and the feedback forms) is laid out once. The personal pages (the
cover with the pair's own dates, the agreement filled in with their names, two
certificates) are laid out once as stencils with a blank for every stamped value, and
each pair's values are printed onto them (see `stamps`). Pairs that cannot be stamped
have their personal pages laid out directly, many pairs as one batch document cut apart.
pikepdf then puts each pack together, with bookmarks. Jobs run on the same executor as
the other PDFs: local processes or a Dask cluster.

Roster data stays in `pairs/` and `certificates/`: the site never sees it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import calendar as calendars
from . import stamps
from .artefacts import Artefact, Plan
from .markup import to_html
from .match import Pair
from .model import Project
from .pdf import (
    JobResult,
    LayoutJob,
    _css_context,
    _page_context,
    allowed_roots,
    files_digest,
    layout,
    sheet_body,
    split_points,
)
from .render import Renderer
from .roster import Person
from .schedule import Timeline, onboarding_sittings, timeline, undated, with_sittings

PAIRS_PER_JOB = 10  # pairs laid out directly, per batch document
PAIRS_PER_STAMP_JOB = 20  # pairs stamped, per job
PARTS = ("cover", "agreement", "cert-mentor", "cert-mentee")
SHARED_PLAN = "shared-plan-"  # anchors of the session plans among the shared pages


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
    changes: tuple[str, ...] = ()  # sessions moved off the usual slot, and why
    both_roles: tuple[str, ...] = ()  # ids of the two who mentor in one pair and learn in another
    location: str = ""  # the pair's own place (pairs.csv), else the programme's

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
class PackJob(LayoutJob):
    """Personal pages of some pairs, laid out directly as one batch document."""

    pairs: tuple[tuple[str, str, str, str], ...]  # pair id, mentor id, mentee id, pack title
    certificate_title: str


@dataclass
class PackReport:
    pairs: int = 0
    certificates: int = 0
    pages: int = 0
    seconds: float = 0.0
    unmatched: list[str] = field(default_factory=list)
    laid_out: int = 0  # pairs whose personal pages were laid out directly, not stamped
    reused: int = 0  # layouts taken from the cache of an earlier build


# --- the pairs to print ---------------------------------------------------------------


def pair_infos(project: Project, pairs: Iterable[Pair], renderer: Renderer) -> list[PairInfo]:
    """Each pair with its own dates: every session where both are free on its real date,
    and the onboarding sittings that suit each of them."""
    pairs = list(pairs)
    people = {p.id: p for pair in pairs for p in (pair.mentor, pair.mentee)}
    sittings = onboarding_sittings(project, renderer.timeline, list(people.values()))
    both = {p.mentor.id for p in pairs} & {p.mentee.id for p in pairs}
    infos = []
    for pair in pairs:
        zone = pair.zone
        dated = pair.dates and project.programme.schedule is not None
        line = timeline(project, dates=pair.dates, zone=zone) if dated else timeline(project)
        # Sittings are printed in the programme's time zone, as for every pair: pairs
        # in the same sittings then share their cover's layout (see `stamps`).
        home = project.programme.schedule.timezone if project.programme.schedule else zone
        line = with_sittings(line, sittings, (pair.mentor, pair.mentee), home)
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
                pair.changes,
                tuple(p.id for p in (pair.mentor, pair.mentee) if p.id in both),
                pair.location,
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
        anchor = f"{SHARED_PLAN if artefact.batch == 'plans' else 'shared-'}{artefact.key}"
        markdown = shared_renderer.markdown(artefact)
        html = to_html(markdown, id_prefix=f"{artefact.key}-")
        documents.append(
            {
                "artefact": artefact,
                "body": _markup(sheet_body(html.body, anchor)),
                "headings": html.headings,
                "anchor": anchor,
                "kind": "plan" if artefact.batch == "plans" else "",
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


def part_artefacts(
    renderer: Renderer, info: PairInfo, recorders: list[stamps.Recorder] | None = None
) -> list[Artefact]:
    """The pair's personal parts, in PARTS order; with recorders, as stencils."""
    _ = renderer.gettext
    parts = [
        ("cover", "pairs/pack.md.j2", _("Your pair"), {}),
        ("agreement", "site/agreement.md.j2", _("Mentoring agreement"), {}),
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
    artefacts = []
    for number, (suffix, template, title, extra) in enumerate(parts):
        context: dict[str, Any] = {"pair": info, **extra}
        if recorders is not None:
            context["stamps"] = recorders[number]
        artefacts.append(
            Artefact(f"{info.id}-{suffix}", template, "", title, style="sheet", context=context)
        )
    return artefacts


def _document(artefact: Artefact, markdown: str, key: str, anchor: str) -> dict[str, Any]:
    html = to_html(markdown, id_prefix=f"{key}-")
    return {
        "artefact": artefact,
        "body": _markup(html.body),
        "headings": html.headings,
        "anchor": anchor,
        "kind": "certificate" if artefact.key.endswith(("cert-mentor", "cert-mentee")) else "",
    }


def _title(renderer: Renderer, info: PairInfo) -> str:
    return renderer.gettext("Reverse mentoring pack: %(mentor)s and %(mentee)s") % {
        "mentor": info.mentor.name,
        "mentee": info.mentee.name,
    }


def personal_jobs(renderer: Renderer, infos: list[PairInfo]) -> Iterator[PackJob]:
    """Batches of personal pages laid out directly, each ready as soon as it is made."""
    project = renderer.project
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    roots = allowed_roots(project)
    for start in range(0, len(infos), PAIRS_PER_JOB):
        chunk = infos[start : start + PAIRS_PER_JOB]
        documents = []
        entries = []
        for info in chunk:
            for artefact in part_artefacts(renderer, info):
                markdown = renderer.markdown(artefact)
                documents.append(
                    _document(artefact, markdown, artefact.key, f"part-{artefact.key}")
                )
            entries.append((info.id, info.mentor.id, info.mentee.id, _title(renderer, info)))
        page = renderer.html(
            "pdf/document.html.j2",
            _page_context(renderer, "sheet", documents, project.programme.title),
        )
        yield PackJob(
            f"packs-{info.id}",
            page,
            css,
            roots,
            tuple(entries),
            renderer.gettext("Certificate of completion"),
        )


# --- stamping (main process) -------------------------------------------------------------


@dataclass
class Stencils:
    """Which pairs share which stencil, and the values each pair prints on it."""

    html: str = ""
    anchors: tuple[str, ...] = ()
    # per pair id: per part, (stencil number, the values for its blanks)
    parts: dict[str, list[tuple[int, list[str]]]] = field(default_factory=dict)
    direct: list[PairInfo] = field(default_factory=list)


def plan_stencils(renderer: Renderer, infos: list[PairInfo]) -> Stencils:
    """Render every pair's personal parts with blanks, and group the pairs that match.

    A pair is stamped when each of its parts matches the stencil of at least one other
    pair; otherwise (a lone pair, or a template that prints personal values without
    `stamp`) its pages are laid out directly.
    """
    groups: dict[tuple[int, str], list[tuple[str, list[str]]]] = {}
    rendered: dict[str, list[tuple[tuple[int, str], list[str]]]] = {}
    artefacts: dict[tuple[int, str], Artefact] = {}
    for info in infos:
        recorders = [stamps.Recorder() for _ in PARTS]
        rendered[info.id] = []
        for number, artefact in enumerate(part_artefacts(renderer, info, recorders)):
            key = (number, renderer.markdown(artefact))
            groups.setdefault(key, []).append((info.id, recorders[number].values))
            artefacts.setdefault(key, artefact)
            rendered[info.id].append((key, recorders[number].values))
    shared = {key for key, members in groups.items() if len(members) > 1}
    numbers = {key: number for number, key in enumerate(sorted(shared, key=list(groups).index))}
    stencils = Stencils()
    for info in infos:
        if all(key in shared for key, _values in rendered[info.id]):
            stencils.parts[info.id] = [(numbers[key], values) for key, values in rendered[info.id]]
        else:
            stencils.direct.append(info)
    documents = []
    for key, number in numbers.items():
        documents.append(_document(artefacts[key], key[1], f"stencil{number}", f"stencil-{number}"))
    stencils.anchors = tuple(f"stencil-{number}" for number in numbers.values())
    if documents:
        stencils.html = renderer.html(
            "pdf/document.html.j2",
            _page_context(renderer, "sheet", documents, renderer.project.programme.title),
        )
    return stencils


@dataclass(frozen=True)
class Stencil:
    """A personal part laid out once: its pages in the stencils' PDF, and their blanks.

    All stencils live in one PDF, so a pack that uses two of them carries their fonts once.
    """

    first: int
    last: int
    blanks: tuple[stamps.Blank, ...] | None  # None: this stencil cannot be stamped


@dataclass(frozen=True)
class StampedPair:
    id: str
    mentor_id: str
    mentee_id: str
    title: str
    parts: tuple[tuple[int, tuple[str, ...]], ...]  # per part: stencil, snippet keys


@dataclass(frozen=True)
class StampJob(LayoutJob):
    """The values of some pairs, to lay out as snippets and print onto the stencils."""

    stencils_pdf: bytes
    stencils: dict[int, Stencil]
    pairs: tuple[StampedPair, ...]
    certificate_title: str


def stamp_jobs(
    renderer: Renderer,
    infos: list[PairInfo],
    stencils: Stencils,
    laid_out: tuple[bytes, list[Stencil]],
    css: str,
) -> tuple[list[StampJob], list[PairInfo]]:
    """Jobs for the pairs whose stencils can be stamped, and the pairs left to lay out."""
    roots = allowed_roots(renderer.project)
    lang = renderer.project.programme.locale.replace("_", "-")
    pdf, laid_out_stencils = laid_out
    ready: list[PairInfo] = []
    direct = list(stencils.direct)
    for info in infos:
        wanted = stencils.parts.get(info.id)
        if wanted is None:
            continue
        if all(
            laid_out_stencils[n].blanks is not None
            and len(laid_out_stencils[n].blanks or ()) == len(values)
            for n, values in wanted
        ):
            ready.append(info)
        else:
            direct.append(info)
    jobs = []
    for start in range(0, len(ready), PAIRS_PER_STAMP_JOB):
        chunk = ready[start : start + PAIRS_PER_STAMP_JOB]
        # A value set alike in the same room is laid out once for the whole batch: many
        # pairs share their dates, slots and reasons. Each value becomes a form of its
        # own, holding only its own text, so sharing leaks nothing between packs.
        keys_of: dict[tuple[str, float, float, str], str] = {}
        items: list[tuple[str, stamps.Blank, str]] = []
        pairs = []
        used: dict[int, Stencil] = {}
        for info in chunk:
            placed: list[tuple[int, tuple[str, ...]]] = []
            for number, values in stencils.parts[info.id]:
                stencil = used.setdefault(number, laid_out_stencils[number])
                keys = []
                for blank, value in zip(stencil.blanks or (), values, strict=True):
                    alike = (blank.style, round(blank.width, 2), round(blank.height, 2), value)
                    key = keys_of.get(alike)
                    if key is None:
                        key = keys_of[alike] = f"v{len(keys_of)}"
                        items.append((key, blank, value))
                    keys.append(key)
                placed.append((number, tuple(keys)))
            pairs.append(
                StampedPair(
                    info.id, info.mentor.id, info.mentee.id, _title(renderer, info), tuple(placed)
                )
            )
        html, snippet_css = stamps.snippet_html(items, lang, css)
        jobs.append(
            StampJob(
                f"stamps-{chunk[0].id}",
                html,
                snippet_css,
                roots,
                pdf,
                used,
                tuple(pairs),
                renderer.gettext("Certificate of completion"),
            )
        )
    return jobs, direct


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


def render_stencils(
    html: str, css: str, roots: tuple[str, ...], anchors: tuple[str, ...]
) -> tuple[bytes, list[Stencil]]:
    """Lay out every stencil once, as one PDF; find the pages and the blanks of each."""
    document = layout(html, css, roots)
    stencils = []
    for first, last in split_points(document, list(anchors)):
        blanks = stamps.find_blanks(document, first, last)
        stencils.append(Stencil(first, last, None if blanks is None else tuple(blanks)))
    return bytes(document.write_pdf()), stencils


def render_stamped(job: StampJob) -> JobResult:
    """Lay out the values of a batch of pairs and print them onto copies of the stencils.

    Pairs with a value that does not fit its blank are handed back (`retry`), to be laid
    out directly.
    """
    import pikepdf

    started = time.perf_counter()
    document = layout(job.html, job.css, job.allowed_roots)
    blanks: dict[str, stamps.Blank] = {}
    for pair in job.pairs:
        for number, keys in pair.parts:
            blanks.update(zip(keys, job.stencils[number].blanks or (), strict=True))
    sheets = stamps.SnippetSheets(document.write_pdf(), stamps.find_snippets(document, blanks))
    source = pikepdf.open(io.BytesIO(job.stencils_pdf))
    outputs: dict[str, bytes] = {}
    retry = []
    pages = 0

    def stamped(target: Any, parts: list[tuple[int, tuple[str, ...]]]) -> list[int]:
        firsts = []
        for number, keys in parts:
            stencil = job.stencils[number]
            first = len(target.pages)
            firsts.append(first)
            target.pages.extend(source.pages[stencil.first : stencil.last])
            placed = list(zip(keys, stencil.blanks or (), strict=True))
            for index in range(stencil.last - stencil.first):
                sheets.stamp(
                    target,
                    first + index,
                    [(key, blank) for key, blank in placed if blank.page == index],
                    pikepdf,
                )
        return firsts

    for pair in job.pairs:
        if not sheets.fits(key for _number, keys in pair.parts for key in keys):
            retry.append(pair.id)
            continue
        personal = _new(pikepdf, pair.title)
        _cover, agreement = stamped(personal, list(pair.parts[:2]))
        personal.docinfo["/MentorkitAgreementPage"] = agreement
        pages += len(personal.pages)
        outputs[f"personal/{pair.id}.pdf"] = _saved(personal)
        for person_id, part in ((pair.mentor_id, pair.parts[2]), (pair.mentee_id, pair.parts[3])):
            certificate = _new(pikepdf, job.certificate_title)
            stamped(certificate, [part])
            pages += len(certificate.pages)
            outputs[f"certificates/{person_id}.pdf"] = _saved(certificate)
    return JobResult(job.name, pages, outputs, time.perf_counter() - started, retry=tuple(retry))


def _new(pikepdf: Any, title: str) -> Any:
    pdf = pikepdf.new()
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Creator"] = "mentorkit"
    return pdf


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
    part = _new(pikepdf, title)
    part.pages.extend(source.pages[first:last])
    return part


def _saved(pdf: Any) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True)
    return buffer.getvalue()


# --- running ---------------------------------------------------------------------------


class LayoutCache:
    """Layouts kept between builds, by a digest of everything that made them.

    The pages every pack shares and the stencils depend on the programme and the
    templates, never on the roster: a coordinator who edits pairs.csv and builds again
    does not wait for them twice. Entries not used by a build are removed after it.
    """

    def __init__(self, folder: Path | None, salt: str, roots: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.salt = salt
        self.roots = roots
        self.used: set[str] = set()
        self.hits = 0

    def key(self, kind: str, *parts: str) -> str:
        hasher = hashlib.sha256(self.salt.encode())
        for part in (kind, *parts, files_digest(*parts, roots=self.roots)):
            hasher.update(part.encode())
            hasher.update(b"\0")
        return f"{kind}-{hasher.hexdigest()[:32]}"

    def get(self, key: str) -> tuple[bytes, Any] | None:
        self.used.add(key)
        if self.folder is None:
            return None
        try:
            found = (
                (self.folder / f"{key}.pdf").read_bytes(),
                json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8")),
            )
        except (OSError, ValueError):
            return None
        self.hits += 1
        return found

    def put(self, key: str, pdf_bytes: bytes, meta: Any) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{key}.pdf").write_bytes(pdf_bytes)
        (self.folder / f"{key}.json").write_text(json.dumps(meta), encoding="utf-8")

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used:
                path.unlink()


def _stencils_meta(stencils: list[Stencil]) -> list[Any]:
    return [dataclasses.asdict(stencil) for stencil in stencils]


def _stencils_from(meta: list[Any]) -> list[Stencil]:
    return [
        Stencil(
            m["first"],
            m["last"],
            None if m["blanks"] is None else tuple(stamps.Blank(**b) for b in m["blanks"]),
        )
        for m in meta
    ]


def build_packs(
    renderer: Renderer,
    plan: Plan,
    infos: list[PairInfo],
    pool: Executor,
    out: Path,
    progress: Callable[[int], None],
    cache: LayoutCache | None = None,
) -> PackReport:
    """Render every pair's pack and certificates into `out` (pairs/ and certificates/).

    The shared pages and the stencils are laid out side by side (or taken from the
    cache); then the pairs are stamped in batches (or laid out directly, when they
    cannot be), and each pack is joined in this process as its batch comes back.
    """
    import pikepdf

    started = time.perf_counter()
    _ = renderer.gettext
    cache = cache or LayoutCache(None, "")
    people = {p.id for info in infos for p in info.people}  # a mentor may take several
    report = PackReport(pairs=len(infos), certificates=len(people))
    roots = allowed_roots(renderer.project)
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    # The stencils first (the stamping waits for them), then the shared pages; this
    # process writes the calendars meanwhile.
    stencils = plan_stencils(renderer, infos)
    stencil_key = cache.key("stencils", stencils.html, css, *stencils.anchors)
    stencil_hit = cache.get(stencil_key) if stencils.anchors else None
    stencil_future = (
        pool.submit(render_stencils, stencils.html, css, roots, stencils.anchors)
        if stencils.anchors and stencil_hit is None
        else None
    )
    html, _css, anchors, titles = shared_pages(renderer, plan)
    shared_key = cache.key("shared", html, css, *anchors)
    shared_hit = cache.get(shared_key)
    shared_future = (
        pool.submit(render_shared, html, css, roots, anchors) if shared_hit is None else None
    )
    for info in infos:
        target = out / "pairs" / info.id / f"{info.id}.ics"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pair_calendar(renderer, info))
    laid_out: tuple[bytes, list[Stencil]] = (b"", [])
    if stencil_hit is not None:
        laid_out = (stencil_hit[0], _stencils_from(stencil_hit[1]))
    elif stencil_future is not None:
        laid_out = stencil_future.result()
        cache.put(stencil_key, laid_out[0], _stencils_meta(laid_out[1]))
    jobs, direct = stamp_jobs(renderer, infos, stencils, laid_out, css)
    futures: list[Future[JobResult]] = [pool.submit(render_stamped, job) for job in jobs]
    futures += [pool.submit(render_packs, job) for job in personal_jobs(renderer, direct)]
    if shared_future is not None:
        shared_bytes, firsts = shared_future.result()
        cache.put(shared_key, shared_bytes, firsts)
    else:
        assert shared_hit is not None
        shared_bytes, firsts = shared_hit
    shared = pikepdf.open(io.BytesIO(shared_bytes))
    bookmarks = tuple(zip(titles, firsts, strict=True))
    names = (_("Your pair"), _("Mentoring agreement"))
    by_id = {info.id: info for info in infos}
    while futures:
        result = futures.pop(0).result()
        report.pages += result.pages
        for name, data in result.outputs.items():
            if name.startswith("personal/"):
                pair_id = name.removeprefix("personal/").removesuffix(".pdf")
                target = out / "pairs" / pair_id / f"{pair_id}.pdf"
                target.write_bytes(assemble(data, shared, bookmarks, names))
            else:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
                (out / name).write_bytes(data)
        if result.retry:
            report.laid_out += len(result.retry)
            retry = [by_id[pair_id] for pair_id in result.retry]
            futures += [pool.submit(render_packs, job) for job in personal_jobs(renderer, retry)]
        progress(sum(1 for n in result.outputs if n.startswith("personal/")))
    report.laid_out += len(direct)
    report.reused = cache.hits
    cache.prune()
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
        location=info.location or None,
    )
