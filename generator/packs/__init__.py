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
    pack_title,
    pair_document,
    pair_jobs,
    shared_pages,
)
from .reading import PairInfo, pair_infos
from .rendering import LaidOutPair, PairsResult, render_pairs, render_shared

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

    The shared pages are laid out first (or taken from the cache); the pairs' own pages
    are laid out meanwhile, a few pairs a job, and each pack is joined in this process
    as its job comes back. A pair whose own pages are unchanged since the last build is
    taken from the cache and joined while the workers lay out the others.
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
    shared_html = shared_pages(renderer, plan)
    shared_key = cache.key("shared", shared_html.html, css, *shared_html.anchors)
    shared_hit = cache.get(shared_key, functools.partial(_firsts, count=len(shared_html.anchors)))
    shared_future = (
        pool.submit(render_shared, shared_html.html, css, roots, shared_html.anchors)
        if shared_hit is None
        else None
    )
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

    @functools.cache
    def shared() -> Shared:
        if shared_future is not None:
            shared_bytes, numbers = shared_future.result()
            cache.put(shared_key, shared_bytes, numbers)
            firsts = tuple(numbers)
        else:
            assert shared_hit is not None
            shared_bytes, firsts = shared_hit
        return Shared(Base(shared_bytes), shared_html.anchors, shared_html.titles, firsts)

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

    # A pair whose own pages are exactly as the last build laid them out (a coordinator
    # edited another row of pairs.csv) is taken from the cache and joined at once, or as
    # soon as the shared pages are laid out; the others go to the workers.
    waiting: list[LaidOutPair] = []
    keys: dict[str, str] = {}

    # Every pair's own pages first: the CJK fonts are cut to the characters of them all.
    # A pair's layout depends on a cut font only when it has a character of it.
    documents = [pair_document(renderer, info) for info in infos]
    chars = {document.id: frozenset(document.html) for document in documents}
    project = renderer.project
    house = glyphs.project_house(project.programme, project.root, project.template_dirs)
    cut = fonts.cut_fonts(chars.values(), house)

    def to_lay_out(documents: Iterable[PairDocument]) -> Iterator[PairDocument]:
        for document in documents:
            key = cache.key("pair", document.html, css, *fonts.uses(chars[document.id], cut))
            hit = cache.get(key, functools.partial(_page_ranges, count=len(document.parts)))
            if hit is None:
                keys[document.id] = key
                yield document
                continue
            data, parts = hit
            pair = LaidOutPair(document.id, document.mentor_id, document.mentee_id, data, parts)
            if shared_future is None or shared_future.done():
                assemble([pair])
            else:
                waiting.append(pair)

    futures: list[Future[PairsResult]] = [
        pool.submit(render_pairs, job) for job in pair_jobs(to_lay_out(documents), css, roots, cut)
    ]
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
