"""A personal pack for every pair, and a certificate for every participant.

WeasyPrint's cost is in laying out text, so nothing is laid out twice that can be laid
out once. The parts are the way the work flows:

- `reading`: each pair with the people, the slot and the dates its pages show;
- `planning`: the HTML of the pages every pack shares, and of each pair's own pages;
- `fonts`: the house and CJK fonts cut to the characters of the pairs' pages;
- `rendering`: WeasyPrint, in the worker processes, writing tagged PDFs (PDF/UA-1);
- `assembly`: each pack and certificate cut and joined with its tags (`tagged`);
- `cache`: layouts kept between builds (the shared pages, and each pair's own pages).

Jobs run on the same executor as the other PDFs: local processes or a Dask cluster.
Roster data stays in `pairs/` and `certificates/`: the site never sees it.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import calendar as calendars
from .. import glyphs, personal
from ..artefacts import Plan, session_key
from ..pdf import _css_context, allowed_roots
from ..render import Renderer
from ..tagged import Base, Tagged
from . import fonts
from .assembly import Labels, Shared, certificates, pack
from .cache import LayoutCache
from .planning import (
    SHARED_PLAN,
    TERMS,
    PairDocument,
    SharedPages,
    known_characters,
    pack_title,
    pair_document,
    pair_jobs,
    shared_pages,
)
from .reading import PairInfo, pair_infos
from .rendering import LaidOutPair, PairsResult, render_pairs, render_shared_job

FIRST_JOBS = 2  # pairs' jobs handed out before the shared pages are made: one a worker

__all__ = ["LayoutCache", "PackReport", "PairInfo", "build_packs", "pair_calendar", "pair_infos"]


@dataclass
class PackReport:
    pairs: int = 0
    certificates: int = 0
    pages: int = 0
    seconds: float = 0.0
    unmatched: list[str] = field(default_factory=list)
    reused: int = 0  # layouts taken from the cache of an earlier build (shared, pairs')
    worker_cpu: float = 0.0  # seconds of CPU the workers spent on the pairs' own pages
    shared_cpu: float = 0.0  # and on the pages every pack shares, when laid out


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

    The pairs' own pages are laid out a few pairs a job, the first jobs handed out as soon
    as their pages are made; then the shared pages (or they are taken from the cache);
    each pack is joined in this process as its job comes back. A pair whose own pages
    are unchanged since the last build is taken from the cache and joined while the
    workers lay out the others.
    """
    started = time.perf_counter()
    _ = renderer.gettext
    cache = cache or LayoutCache(None, "")
    people = {p.id for info in infos for p in info.people}  # a mentor may take several
    given = renderer.project.programme.recognition.certificate
    report = PackReport(pairs=len(infos), certificates=len(people) if given else 0)
    roots = allowed_roots(renderer.project)
    context = _css_context(renderer)
    context["font_stack"] = fonts.with_cut_families(context["font_stack"])
    css = renderer.html("pdf/print.css.j2", context)
    programme = renderer.project.programme
    labels = Labels(
        lang=programme.locale.replace("_", "-"),
        author=programme.organisation.name,
        cover=_("Your pair"),
        agreement=_("Mentoring agreement"),
        certificate=_("Certificate of completion: %(name)s"),
    )
    by_id = {info.id: info for info in infos}
    own_track = personal.personal_track(programme) is not None
    # The shared pages: laid out once (or taken from the cache), started after the first
    # pairs' jobs.
    layouts: list[_SharedLayout] = []

    def start_shared() -> None:
        html = shared_pages(renderer, plan)
        key = cache.key("shared", html.html, css, *html.anchors)
        hit = cache.get(key, functools.partial(_firsts, count=len(html.anchors)))
        future = (
            pool.submit(render_shared_job, html.html, css, roots, html.anchors)
            if hit is None
            else None
        )
        layouts.append(_SharedLayout(html, key, hit, future))

    def shared_ready() -> bool:
        return bool(layouts) and (layouts[0].future is None or layouts[0].future.done())

    @functools.cache
    def shared() -> Shared:
        layout = layouts[0]
        if layout.future is not None:
            shared_bytes, numbers, report.shared_cpu = layout.future.result()
            cache.put(layout.key, shared_bytes, numbers)
            firsts = tuple(numbers)
        else:
            assert layout.hit is not None
            shared_bytes, firsts = layout.hit
        return Shared(Base(shared_bytes), layout.html.anchors, layout.html.titles, firsts)

    def assemble(laid_out: Sequence[LaidOutPair]) -> None:
        every = shared()
        for pair in laid_out:
            info = by_id[pair.id]
            source = Tagged(pair.pdf)
            wanted = own_parts(info, every.anchors) if own_track else None
            target = out / "pairs" / pair.id / f"{pair.id}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(
                pack(source, pair, pack_title(renderer, info), every, labels, wanted)
            )
            names = (info.mentor.name, info.mentee.name)
            for person_id, data in certificates(source, pair, names, labels).items():
                target = out / "certificates" / f"{person_id}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        progress(len(laid_out))

    # The fonts are cut to the characters the pairs' pages are made of, known from the
    # first pair's pages and every pair's own values: the workers start on the first
    # pairs while this process makes the pages of the others. A page with a character
    # beyond them (none is expected) is laid out with the whole fonts.
    project = renderer.project
    house = glyphs.project_house(project.programme, project.root, project.template_dirs)
    documents = (pair_document(renderer, info) for info in infos)
    first = next(documents, None)
    known = known_characters(renderer, infos, first.html if first else "")
    cut = fonts.cut_fonts([known], house)
    within = known.union(fonts.BASE)

    # A pair whose own pages are exactly as the last build laid them out (a coordinator
    # edited another row of pairs.csv) is taken from the cache and joined at once, or as
    # soon as the shared pages are laid out; the others go to the workers.
    waiting: list[LaidOutPair] = []
    keys: dict[str, str] = {}

    def to_lay_out(
        documents: Iterable[PairDocument],
    ) -> Iterator[tuple[PairDocument, tuple[fonts.CutFont, ...]]]:
        for document in documents:
            chars = frozenset(document.html)
            # A pair's layout depends on a cut font only when it has a character of it.
            own = cut if chars <= within else ()
            key = cache.key("pair", document.html, css, *fonts.uses(chars, own))
            hit = cache.get(key, functools.partial(_page_ranges, count=len(document.parts)))
            if hit is None:
                keys[document.id] = key
                yield document, own
                continue
            data, parts = hit
            pair = LaidOutPair(document.id, document.mentor_id, document.mentee_id, data, parts)
            if shared_ready():
                assemble([pair])
            else:
                waiting.append(pair)

    jobs = pair_jobs(to_lay_out(itertools.chain([first] if first else [], documents)), css, roots)
    futures: list[Future[PairsResult]] = [
        pool.submit(render_pairs, job) for job in itertools.islice(jobs, FIRST_JOBS)
    ]
    start_shared()  # while the workers lay out the first pairs
    futures += [pool.submit(render_pairs, job) for job in jobs]
    for info in infos:
        target = out / "pairs" / info.id / f"{info.id}.ics"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pair_calendar(renderer, info))
    shared()  # laid out (and kept) even when no pack needs it yet
    assemble(waiting)  # while the workers lay out the others
    while futures:
        result = futures.pop(0).result()
        report.pages += result.pages
        report.worker_cpu += result.cpu
        for pair in result.pairs:
            cache.put(keys[pair.id], pair.pdf, pair.parts)
        assemble(result.pairs)
    report.reused = cache.hits
    cache.prune()
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _SharedLayout:
    """The pages every pack shares, and their layout: kept from an earlier build (`hit`)
    or being made (`future`)."""

    html: SharedPages
    key: str
    hit: tuple[bytes, tuple[int, ...]] | None
    future: Future[tuple[bytes, list[int], float]] | None


def _firsts(value: Any, count: int) -> tuple[int, ...] | None:
    """The first page of each of `count` shared parts, in order, as a kept layout gives
    them; None if they are not that (the layout is then made again)."""
    if (
        isinstance(value, list)
        and len(value) == count
        and all(type(n) is int for n in value)
        and value == sorted(value)
    ):
        return tuple(value)
    return None


def _page_ranges(value: Any, count: int) -> tuple[tuple[int, int], ...] | None:
    """The first and end page of each of a pair's `count` parts, as a kept layout gives
    them; None if they are not that (the layout is then made again)."""
    if not isinstance(value, list) or len(value) != count:
        return None
    ranges = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and all(type(n) is int for n in item)):
            return None
        ranges.append((item[0], item[1]))
    return tuple(ranges)


def own_parts(info: PairInfo, anchors: tuple[str, ...]) -> list[str]:
    """The shared parts of a pair on a personal track: the agreement's terms, the plans of
    their own sessions in their order, then the forms."""
    plans = [
        f"{SHARED_PLAN}plan-{session_key(s.topic.id, s.session.id)}" for s in info.timeline.sessions
    ]
    return [TERMS, *plans, *(a for a in anchors if a != TERMS and not a.startswith(SHARED_PLAN))]


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
