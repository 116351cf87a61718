"""The cases `make bench` measures; each runs in a fresh process (see `__main__`)."""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, build
from generator.errors import UsageError
from generator.loader import load_project
from generator.match import match
from generator.roster import read_roster

from .packs import whole_pack_seconds
from .roster import write_roster
from .world import write_world_roster


def measure_matching(people: int) -> None:
    """The sparse solver and the dense one on the same generated roster, each in a fresh
    process (so that each peak of memory is its own), with the default programme's dates."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_roster(Path(folder) / "roster.csv", people)
        print(f"\nmatching a roster of {people:,} people (default programme, 12 sessions)")
        results = {}
        for solver in ("sparse", "dense"):
            queue: Any = multiprocessing.get_context("spawn").Queue()
            process = multiprocessing.get_context("spawn").Process(
                target=_match_once, args=(path, solver, queue)
            )
            process.start()
            result = queue.get()
            process.join()
            results[solver] = result
            if "refused" in result:
                print(f"  {solver:<6} refused: {result['refused']}")
                continue
            if "would need" in result:
                print(f"  {solver:<6} would need {result['would need']}")
                continue
            how = (
                "solved at once"
                if result["rounds"] <= 1
                else f"{result['rounds']} restricted problems, priced"
            )
            print(
                f"  {solver:<6} match {result['seconds']:>6,.2f} s (cpu {result['cpu']:,.2f} s), "
                f"peak {result['peak']:>6,.0f} MB; {result['pairs']:,} pairs, "
                f"{result['unmatched']:,} not paired, {result['edges']:,} allowed pairs "
                f"weighed ({how})"
            )
        sparse, dense = results["sparse"], results["dense"]
        if "objective" in sparse and "objective" in dense:
            same = "yes" if sparse["objective"] == dense["objective"] else "NO"
            print(f"  same optimum (pairs, wishes, soft points): {same} {sparse['objective']}")
        print(f"  read roster {sparse.get('read', 0.0):,.2f} s")


def _match_once(path: Path, solver: str, queue: Any) -> None:
    roster_started = time.perf_counter()
    roster = read_roster(path)
    project = load_project(None)
    read = time.perf_counter() - roster_started
    if solver == "dense":
        mentees, seats = len(roster.mentees), sum(p.capacity for p in roster.mentors)
        need = mentees * (seats + mentees) * 8 / 1e9
        if need > 2:
            queue.put(
                {"would need": f"{need:,.0f} GB (a {mentees:,} x {seats + mentees:,} matrix)"}
            )
            return
    started, cpu = time.perf_counter(), time.process_time()
    try:
        result = match(roster, project, solver=solver)  # type: ignore[arg-type]
    except UsageError as error:
        queue.put({"refused": str(error), "read": read})
        return
    queue.put(
        {
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pairs": len(result.pairs),
            "unmatched": len(result.unmatched),
            "edges": result.edges,
            "rounds": result.rounds,
            "objective": result.objective,
            "read": read,
        }
    )


def measure_packs(project: Path | None, pairs: int, workers: tuple[int, ...]) -> None:
    print(
        f"\npair packs for {pairs} pairs (certificates included), default programme, "
        "names in ten scripts"
    )
    with tempfile.TemporaryDirectory() as folder:
        roster = write_world_roster(Path(folder) / "roster.csv", pairs)
        for count in workers:
            options = BuildOptions(
                out=Path(folder) / f"dist-{count}",
                workers=count,
                roster=roster,
                only=frozenset({"calendar"}),
            )
            before = time.process_time()
            report = build(project, options)
            own = time.process_time() - before
            seconds = report.timings["packs"]
            workers = report.pack_worker_cpu
            print(
                f"  {count} worker(s): {report.pairs / seconds:>8,.1f} packs/s "
                f"({report.pairs} packs in {seconds:,.1f} s); CPU a pair: "
                f"{workers / report.pairs:,.3f} s in the workers (layout, PDF), "
                f"{own / report.pairs:,.3f} s in the main process (templates, matching, "
                f"assembly), so {2 * report.pairs / (own + workers):,.1f} packs/s on 2 idle cores"
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
