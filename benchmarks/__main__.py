"""`make bench`: where the time goes, and the goals of issue 14 as ratios in one run.

Each case runs in a fresh process, so that one case's memory and heap do not colour the
next. In order: matching and pair packs (`--packs`: those alone); the generator (YAML to Markdown and print HTML)
on a 500-topic library; the site of 300 and 1,000 topics against Material's floor; builds
with nothing changed (the default programme with every output, the 500-topic library's
site) and with one topic changed, each compared with a cold build byte for byte; PDFs of
a library on the process pool and on a Dask LocalCluster of 2 workers, in the order pool,
Dask, Dask, pool (`--pdfs`: those alone, `--pdf-topics` sets the library's size,
`--pdf-pairs` the number of pairs of builds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.pdf import default_workers

from .cases import measure_matching, measure_packs
from .executors import measure_executors
from .generator import measure_generator
from .library import write_library
from .rebuild import measure_rebuilds
from .site import measure_site


def _isolated(case: Callable[..., object], *args: Any) -> None:
    process = multiprocessing.get_context("spawn").Process(target=case, args=args)
    process.start()
    process.join()
    if process.exitcode:
        raise SystemExit(f"benchmark case {case.__name__} failed (exit code {process.exitcode})")
    print(f"  (load average {os.getloadavg()[0]:.1f} after this case)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--topics", type=int, default=500, help="size of the generated library")
    parser.add_argument(
        "--site-topics", default="300,1000", help="library sizes whose site is measured"
    )
    parser.add_argument(
        "--pdf-topics",
        type=int,
        default=None,
        help="library size for the PDF executors (default: --topics, the 500-topic case)",
    )
    parser.add_argument(
        "--pdf-pairs",
        type=int,
        default=2,
        help="pairs of PDF builds, pool and Dask, which goes first alternating (default 2: "
        "pool, Dask, Dask, pool); 3 or more also give a confidence interval",
    )
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--people",
        default="10000,100000",
        help="sizes of the matching rosters, separated by commas",
    )
    parser.add_argument("--pairs", type=int, default=200, help="pair packs to print")
    parser.add_argument(
        "--quick", action="store_true", help="the issue 14 goals at 300 topics only (~3 min)"
    )
    parser.add_argument("--full", action="store_true", help="Zensical at every size")
    parser.add_argument(
        "--matching", action="store_true", help="the matching cases only (issue 15, ~5 min)"
    )
    parser.add_argument(
        "--packs",
        action="store_true",
        help="the pair packs only, on --workers workers (issue 10, about a minute)",
    )
    parser.add_argument(
        "--pdfs",
        action="store_true",
        help="the PDFs on the pool and on Dask only, at --pdf-topics (issue 14, goal 4)",
    )
    args = parser.parse_args()
    if args.pdf_pairs < 1:
        parser.error("--pdf-pairs: at least one pair of builds")
    sizes = [int(n) for n in args.site_topics.split(",") if n]
    if args.quick:
        sizes = sizes[:1]
    pdf_topics = args.topics if args.pdf_topics is None else args.pdf_topics
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"mentorkit benchmark, {now}: {os.cpu_count()} cores, {args.workers} PDF worker(s), "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    if args.packs:
        _isolated(measure_packs, None, args.pairs, (args.workers,))
        return
    if args.pdfs:
        with tempfile.TemporaryDirectory() as folder:
            library = write_library(Path(folder) / "bench", pdf_topics)
            _isolated(measure_executors, library, pdf_topics, args.workers, args.pdf_pairs)
        return
    if not args.quick:
        for people in (int(n) for n in args.people.split(",")):
            measure_matching(people)  # each solver in a fresh process of its own
        if args.matching:
            return
        _isolated(measure_packs, None, args.pairs, (1, 2))
    _isolated(measure_generator, None, "default programme")
    with tempfile.TemporaryDirectory() as folder:
        library = write_library(Path(folder) / "bench", args.topics)
        _isolated(measure_generator, library, f"generated library of {args.topics} topics")
        for index, size in enumerate(sizes):
            engines = ("mkdocs", "zensical") if index == 0 or args.full else ("mkdocs",)
            _isolated(measure_site, size, engines)
        _isolated(measure_rebuilds, "default programme, every output", None, args.workers)
        _isolated(
            measure_rebuilds,
            f"generated library of {args.topics} topics",
            library,
            args.workers,
            frozenset({"site", "calendar"}),
            library / "topics" / "social-media" / "bench-topic-1.yaml",
        )
        if not args.quick:
            pdfs = (
                library
                if pdf_topics == args.topics
                else write_library(Path(folder) / f"pdf-{pdf_topics}", pdf_topics)
            )
            _isolated(measure_executors, pdfs, pdf_topics, args.workers, args.pdf_pairs)


if __name__ == "__main__":
    main()
