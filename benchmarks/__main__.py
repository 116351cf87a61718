"""`make bench`: where the time goes, for the default programme and a library of 500 topics.

For each case: load and validate, render every page to Markdown, then a cold build (site,
PDFs, calendar) and a second build with nothing changed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.pdf import default_workers

from .cases import measure, measure_matching, measure_packs
from .library import write_library


def _isolated(case: Callable[..., object], *args: Any) -> None:
    process = multiprocessing.get_context("spawn").Process(target=case, args=args)
    process.start()
    process.join()
    if process.exitcode:
        raise SystemExit(f"benchmark case {case.__name__} failed (exit code {process.exitcode})")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--topics", type=int, default=500, help="size of the generated library")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--people",
        default="10000,100000",
        help="sizes of the matching rosters, separated by commas",
    )
    parser.add_argument("--pairs", type=int, default=200, help="pair packs to print")
    args = parser.parse_args()
    print(f"mentorkit benchmark: {args.workers} PDF worker(s)")
    # Each in a fresh process, so that one case's memory and heap do not colour the next.
    for people in (int(n) for n in args.people.split(",")):
        measure_matching(people)
    _isolated(measure_packs, None, args.pairs, (1, 2))
    _isolated(measure, "default programme (built-in library)", None, args.workers)
    with tempfile.TemporaryDirectory() as folder:
        project = write_library(Path(folder) / "bench", args.topics)
        _isolated(
            measure,
            f"generated library of {args.topics} topics, all in the programme",
            project,
            args.workers,
        )


if __name__ == "__main__":
    main()
