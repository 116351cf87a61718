"""The cases `make bench` measures; each runs in a fresh process (see `__main__`)."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from generator.build import BuildOptions, build
from generator.match import match
from generator.roster import read_roster

from .packs import whole_pack_seconds
from .roster import write_roster


def measure_matching(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_roster(Path(folder) / "roster.csv", people)
        started = time.perf_counter()
        roster = read_roster(path)
        read = time.perf_counter() - started
        result = match(roster)
        matched = time.perf_counter() - started - read
    print(f"\nmatching a roster of {people:,} people")
    print(f"  {'read roster s':<18} {read:>12,.2f}")
    print(f"  {'match s':<18} {matched:>12,.2f}")
    print(f"  {'pairs':<18} {len(result.pairs):>12,}")
    print(f"  {'not paired':<18} {len(result.unmatched):>12,}")


def measure_packs(project: Path | None, pairs: int, workers: tuple[int, ...]) -> None:
    print(f"\npair packs for {pairs} pairs (certificates included), default programme")
    with tempfile.TemporaryDirectory() as folder:
        roster = write_roster(Path(folder) / "roster.csv", 2 * pairs, seed=11, easy=True)
        for count in workers:
            options = BuildOptions(
                out=Path(folder) / f"dist-{count}",
                workers=count,
                roster=roster,
                only=frozenset({"calendar"}),
            )
            report = build(project, options)
            seconds = report.timings["packs"]
            print(
                f"  {count} worker(s): {report.pairs / seconds:>8,.1f} packs/s "
                f"({report.pairs} packs in {seconds:,.1f} s; "
                f"{report.pairs - report.pairs_laid_out} stamped, "
                f"{report.pairs_laid_out} laid out one by one)"
            )
        # A coordinator who edits pairs.csv and builds again: shared layouts are cached.
        again = build(project, options)
        seconds = again.timings["packs"]
        print(
            f"  built again:  {again.pairs / seconds:>8,.1f} packs/s "
            f"({again.pack_layouts_reused} shared layouts reused, {count} worker(s))"
        )
        whole = whole_pack_seconds(project, roster)
        print(
            f"  one document a pack: {1 / whole:>6,.1f} packs/s (measured on 10 packs, 1 process)"
        )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory: {own:,.0f} MB in the main process, {children:,.0f} MB in a worker")
