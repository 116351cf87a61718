"""The cases `make bench` measures; each runs in a fresh process (see `__main__`)."""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, build
from generator.errors import UsageError
from generator.loader import load_project
from generator.match import DIRECT, match
from generator.roster import read_roster

from .packs import whole_pack_seconds
from .roster import write_roster
from .world import write_world_roster

GOALS = {10_000: 2.0, 100_000: 60.0}  # issue 15: seconds on the clock, under 2 GB, 2 cores
MEMORY_GOAL = 2048  # MB


def measure_matching(people: int) -> None:
    """The sparse solver and the dense one on the same generated roster, each in a fresh
    process (so that each peak of memory is its own), with the default programme's dates.
    The time counted is what the user waits for: reading the roster, then matching."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_roster(Path(folder) / "roster.csv", people)
        print(
            f"\nmatching a roster of {people:,} people (default programme, 12 sessions), "
            f"load average {os.getloadavg()[0]:.1f}"
        )
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
            rounds = result["rounds"]
            how = (
                "solved at once"
                if solver == "dense" or result["edges"] <= DIRECT
                else f"{rounds} restricted problem{'s' if rounds > 1 else ''}, priced"
            )
            print(
                f"  {solver:<6} read and match {result['wall']:>6,.2f} s on the clock, "
                f"{result['cpu']:,.2f} CPU s (read {result['read']:,.2f} s / "
                f"{result['read cpu']:,.2f} CPU s), peak {result['peak']:>6,.0f} MB; "
                f"{result['pairs']:,} pairs, {result['unmatched']:,} not paired, "
                f"{result['edges']:,} allowed pairs weighed ({how})"
            )
        sparse, dense = results["sparse"], results["dense"]
        if "objective" in sparse and "objective" in dense:
            same = "yes" if sparse["objective"] == dense["objective"] else "NO"
            print(f"  same optimum (pairs, wishes, soft points): {same} {sparse['objective']}")
        goal = GOALS.get(people)
        if goal is not None and "wall" in sparse:
            met = sparse["wall"] <= goal and sparse["peak"] <= MEMORY_GOAL
            # On a shared machine the clock runs slow: what 2 idle cores would take is at
            # most the CPU seconds, at least half of them.
            print(
                f"  goal {people:,} people in {goal:,.0f} s under 2 GB on 2 cores: "
                f"{'met' if met else 'NOT met'} on this clock ({sparse['wall']:,.1f} s, "
                f"{sparse['peak']:,.0f} MB); CPU {sparse['cpu']:,.1f} s, so "
                f"{sparse['cpu'] / 2:,.1f} to {sparse['cpu']:,.1f} s on 2 idle cores"
            )


def _match_once(path: Path, solver: str, queue: Any) -> None:
    project = load_project(None)
    wall, cpu = time.perf_counter(), _cpu()
    roster = read_roster(path)
    read, read_cpu = time.perf_counter() - wall, _cpu() - cpu
    if solver == "dense":
        mentees, seats = len(roster.mentees), sum(p.capacity for p in roster.mentors)
        need = mentees * (seats + mentees) * 8 / 1e9
        if need > 2:
            queue.put(
                {"would need": f"{need:,.0f} GB (a {mentees:,} x {seats + mentees:,} matrix)"}
            )
            return
    try:
        result = match(roster, project, solver=solver)  # type: ignore[arg-type]
    except UsageError as error:
        queue.put({"refused": str(error), "read": read})
        return
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put(
        {
            "wall": time.perf_counter() - wall,
            "cpu": _cpu() - cpu,
            "read": read,
            "read cpu": read_cpu,
            "peak": (own + children) / 1024,  # every process the match used
            "pairs": len(result.pairs),
            "unmatched": len(result.unmatched),
            "edges": result.edges,
            "rounds": result.rounds,
            "objective": result.objective,
        }
    )


def _cpu() -> float:
    """Processor seconds of this process (every thread) and of any process it waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure_packs(project: Path | None, pairs: int, workers: tuple[int, ...]) -> None:
    print(
        f"\npair packs for {pairs} pairs (certificates included), default programme, "
        "names in twelve scripts"
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
            worker_cpu, shared_cpu = report.pack_worker_cpu, report.pack_shared_cpu
            if count <= 1:  # one worker is this process (`executors.InProcess`): the
                # layouts are counted once
                own -= worker_cpu + shared_cpu
            print(
                f"  {count} worker(s): {report.pairs / seconds:>8,.1f} packs/s "
                f"({report.pairs} packs in {seconds:,.1f} s); CPU a pair: "
                f"{worker_cpu / report.pairs:,.3f} s in the workers (layout, PDF), "
                f"{own / report.pairs:,.3f} s in the main process (templates, matching, "
                f"assembly), and {shared_cpu:,.1f} s once for the pages every pack shares, "
                f"so {2 * report.pairs / (own + worker_cpu + shared_cpu):,.1f} packs/s "
                "on 2 idle cores"
            )
        # New pairs for the same programme (a second cohort): the shared pages are cached.
        cache = options.out / ".mentorkit" / "packs"
        for path in cache.glob("pair-*"):
            path.unlink()
        again = build(project, options)
        seconds = again.timings["packs"]
        print(
            f"  new pairs, shared pages kept: {again.pairs / seconds:>6,.1f} packs/s "
            f"({again.pack_layouts_reused} layout reused, {count} worker(s))"
        )
        # A coordinator who gives one pair a room in pairs.csv and builds again.
        edited = Path(folder) / "pairs.csv"
        rows = (options.out / "pairs" / "pairs.csv").read_text(encoding="utf-8").splitlines()
        edited.write_text(
            "\n".join([rows[0], rows[1] + "Room 4.12", *rows[2:]]) + "\n", encoding="utf-8"
        )
        one = build(project, replace(options, pairs=edited))
        print(
            f"  one row of pairs.csv changed: {one.timings['packs']:,.1f} s for {one.pairs} "
            f"packs ({one.pack_layouts_reused} of {one.pairs + 1} layouts reused)"
        )
        whole = whole_pack_seconds(project, roster)
        print(
            f"  one document a pack: {1 / whole:>6,.1f} packs/s (measured on 10 packs, 1 process)"
        )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory: {own:,.0f} MB in the main process, {children:,.0f} MB in a worker")
