"""`make bench`: where the time goes, for the default programme and a library of 500 topics.

For each case: load and validate, render every page to Markdown, then a cold build (site,
PDFs, calendar) and a second build with nothing changed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from generator.artefacts import plan
from generator.build import BuildOptions, BuildReport, build
from generator.loader import load_project
from generator.pdf import default_workers
from generator.render import Renderer
from generator.schedule import timeline

from .library import write_library


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


def _pdf_files(report: BuildReport) -> int:
    return next((o.files for o in report.outputs if o.name == "pdf"), 0)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--topics", type=int, default=500, help="size of the generated library")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    print(f"mentorkit benchmark: {args.workers} PDF worker(s)")
    measure("default programme (built-in library)", None, args.workers)
    with tempfile.TemporaryDirectory() as folder:
        project = write_library(Path(folder) / "bench", args.topics)
        measure(
            f"generated library of {args.topics} topics, all in the programme",
            project,
            args.workers,
        )


if __name__ == "__main__":
    main()
