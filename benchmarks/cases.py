"""The cases `make bench` measures; each runs in a fresh process (see `__main__`)."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

from generator.artefacts import plan
from generator.build import BuildOptions, BuildReport, build
from generator.loader import load_project
from generator.match import match
from generator.render import Renderer
from generator.roster import read_roster
from generator.schedule import timeline

from .packs import whole_pack_seconds
from .roster import write_roster


def measure(name: str, project: Path | None, workers: int, runs: int = 3) -> dict[str, float]:
    loads = []
    for _ in range(runs):
        started = time.perf_counter()
        loaded = load_project(project)
        loads.append(time.perf_counter() - started)
    line = timeline(loaded)
    the_plan = plan(loaded, line)
    renderer = Renderer(loaded, line, the_plan, pdf=True)
    started = time.perf_counter()
    pages = [renderer.markdown(a) for a in the_plan.artefacts]
    render_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "dist"
        cold = build(project, BuildOptions(out=out, workers=workers))
        warm = build(project, BuildOptions(out=out, workers=workers))
    result = {
        "topics": len(loaded.topics),
        "pair sessions": len(line.sessions),
        "load+validate s": statistics.median(loads),
        "markdown pages": len(pages),
        "markdown pages/s": len(pages) / render_seconds,
        "site build s": cold.timings.get("site", 0.0),
        "pdf files": _pdf_files(cold),
        "pdf pages": cold.pdf_pages,
        "pdf s": cold.timings.get("pdf", 0.0),
        "pdf pages/s": cold.pdf_pages / cold.timings["pdf"] if cold.timings.get("pdf") else 0.0,
        "total cold s": cold.timings["total"],
        "second build s": warm.timings["total"],
    }
    print(f"\n{name}")
    for key, value in result.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"  {key:<18} {shown:>12}")
    return result


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


def _pdf_files(report: BuildReport) -> int:
    return next((o.files for o in report.outputs if o.name == "pdf"), 0)
