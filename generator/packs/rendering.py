"""Rendering, in the worker processes: WeasyPrint lays out and writes tagged PDFs."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..pdf import PDF_OPTIONS, layout, split_points
from .fonts import stylesheet
from .planning import PairsJob


@dataclass(frozen=True)
class LaidOutPair:
    """A pair's own pages as one tagged PDF, and the pages of each of its PARTS."""

    id: str
    mentor_id: str
    mentee_id: str
    pdf: bytes
    parts: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class PairsResult:
    name: str
    pages: int
    pairs: tuple[LaidOutPair, ...]
    seconds: float
    cpu: float  # seconds of CPU the worker spent


def render_shared(
    html: str, css: str, roots: tuple[str, ...], anchors: tuple[str, ...]
) -> tuple[bytes, list[int]]:
    """The shared pages as one tagged PDF, and the first page of each part."""
    document = layout(html, css, roots)
    ranges = split_points(document, list(anchors))
    return bytes(document.write_pdf(**PDF_OPTIONS)), [first for first, _ in ranges]


def render_shared_job(
    html: str, css: str, roots: tuple[str, ...], anchors: tuple[str, ...]
) -> tuple[bytes, list[int], float]:
    """`render_shared` as a worker's job: also the seconds of CPU it took."""
    cpu = time.process_time()
    data, firsts = render_shared(html, css, roots, anchors)
    return data, firsts, time.process_time() - cpu


def render_pairs(job: PairsJob) -> PairsResult:
    """Lay out each pair's own pages and write them as a tagged PDF (PDF/UA-1)."""
    started, cpu = time.perf_counter(), time.process_time()
    pairs = []
    pages = 0
    css, roots = job.css, job.allowed_roots
    if job.fonts:
        css, folder = stylesheet(css, job.fonts)
        roots = (*roots, folder)
    for document in job.documents:
        laid_out = layout(document.html, css, roots)
        ranges = split_points(laid_out, [f"part-{document.id}-{part}" for part in document.parts])
        pages += len(laid_out.pages)
        pairs.append(
            LaidOutPair(
                document.id,
                document.mentor_id,
                document.mentee_id,
                bytes(laid_out.write_pdf(**PDF_OPTIONS)),
                tuple(ranges),
            )
        )
    return PairsResult(
        job.name, pages, tuple(pairs), time.perf_counter() - started, time.process_time() - cpu
    )
