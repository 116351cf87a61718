"""PDFs of a large library on the process pool and on a Dask cluster of 2 workers.

The runs go pool, Dask, Dask, pool, and the two of each are compared, so that a machine
whose speed drifts steadily during the run weighs on both alike. Beside the wall time, the
CPU seconds of the worker processes (for Dask, from the start of each run, their event
loops counted apart), the jobs' own seconds and this process's CPU (the build's rendering,
and counted apart the threads that hand out jobs and take results): where a cluster is
slower, these say whether the jobs themselves were slower, the time went between them,
or to the loops."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from generator.build import BuildOptions, BuildReport, build
from generator.model import Output

from .rebuild import same


class _ChildrenCpu:
    """CPU seconds of every process this one started (and theirs: pool workers are the
    forkserver's children), sampled while they run: from the start for the processes
    that start meanwhile, from the `with` for those already running (a cluster's workers,
    which serve one build after another). Sampled thread by thread, so that a thread that
    ends during the build still counts, and so that `loops` can take the children's main
    threads alone: in a Dask worker its event loop (the jobs run in a thread of their
    own); in a pool worker, the main thread runs the jobs. `others`: this process's
    threads but its main one (the build) and the sampler's: the pool's threads that hand
    out jobs and take results, or the event loops of Dask's client and of a
    `LocalCluster`'s scheduler and nannies."""

    def __init__(self) -> None:
        self.seen: dict[tuple[int, int], float] = {}  # (process, thread): CPU seconds
        self.base: dict[tuple[int, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _ChildrenCpu:
        self.base = self._now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            self.seen.update(self._now())

    def _now(self) -> dict[tuple[int, int], float]:
        import psutil  # installed with Dask

        here = psutil.Process()
        left_out = {threading.main_thread().native_id, self._thread.native_id}
        found = {
            (here.pid, t.id): t.user_time + t.system_time
            for t in here.threads()
            if t.id not in left_out
        }
        for child in here.children(recursive=True):
            try:
                threads = child.threads()
            except psutil.Error:
                continue
            for t in threads:
                found[child.pid, t.id] = t.user_time + t.system_time
        return found

    def _sum(self, keep: Callable[[int, int], bool]) -> float:
        return sum(cpu - self.base.get(key, 0.0) for key, cpu in self.seen.items() if keep(*key))

    @property
    def seconds(self) -> float:
        return self._sum(lambda process, _: process != os.getpid())

    @property
    def loops(self) -> float:
        return self._sum(lambda process, thread: process == thread != os.getpid())

    @property
    def others(self) -> float:
        return self._sum(lambda process, _: process == os.getpid())


#: Dask settings for workers that run long, CPU-bound jobs, as the README advises for a
#: real cluster. Each worker runs its job in a thread beside an event loop, and the
#: scheduler and the nannies of a `LocalCluster` share an event loop in this process: on a
#: machine with as many workers as cores, every wake-up of a loop takes the processor (or
#: the worker's GIL) from a job. So: no sampling profiler (it walks WeasyPrint's deep
#: stacks a hundred times a second); the loops' health check once a second instead of
#: every 20 ms; the system and memory monitors every 5 s and 1 s instead of 0.5 s and
#: 0.1 s; no work stealing (the scheduler already hands out jobs one at a time as workers
#: free up); and glibc's own way of giving memory back, not the nanny's
#: `MALLOC_TRIM_THRESHOLD_=65536` (which made a pair-pack job 4-6% slower here). No
#: active memory manager (every 2 s in the scheduler: print jobs share no data), and the
#: build's client and the `LocalCluster` ask the scheduler about the cluster every 10 s,
#: not every 2 s and 0.5 s.
#: Measured at 100 topics, runs in the order pool, Dask, these, these, Dask, pool: the
#: build's event loop used 3 CPU s instead of 8-11 and the PDFs took 120 s instead of 133
#: (the pool 114).
DASK_SETTINGS = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
    "distributed.deploy.cluster-repr-interval": "10s",
    "distributed.client.scheduler-info-interval": "10s",
}


def measure_executors(project: Path, topics: int, workers: int) -> None:
    import logging

    import dask
    from distributed import LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)

    only: frozenset[Output] = frozenset({"pdf"})
    print(f"\nPDFs of a {topics:,}-topic library, {workers} workers")
    with tempfile.TemporaryDirectory() as folder:

        def measured(label: str, options: BuildOptions) -> BuildReport:
            own = time.process_time()
            with _ChildrenCpu() as cpu:
                report = build(project, options)
            loops = cpu.loops if options.executor else None
            _line(label, report, cpu, time.process_time() - own, loops)
            return report

        def on_the_pool(name: str) -> float:
            options = BuildOptions(out=Path(folder) / name, workers=workers, only=only)
            return measured(f"process pool, {name}", options).timings["pdf"]

        # The runs in the order pool, Dask, Dask, pool: a shared machine that slows down
        # (or speeds up) steadily during the half hour weighs on both sides alike (with
        # one Dask run between two of the pool, Dask always ran later than the first).
        before = on_the_pool("before")
        with (
            dask.config.set(DASK_SETTINGS),
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
        ):
            address = cluster.scheduler_address.removeprefix("tcp://")
            runs = [
                measured(
                    f"Dask LocalCluster, {n}",
                    BuildOptions(
                        out=Path(folder) / f"dask-{n}", only=only, executor=f"dask://{address}"
                    ),
                ).timings["pdf"]
                for n in ("1", "2")
            ]
        after = on_the_pool("after")
        ratio = sum(runs) / (before + after)
        print(
            f"  {'Dask / pool (wall)':<22} {ratio:>8,.2f}   the two runs of each (goal <= 1.0); "
            f"Dask's first against the pool's before {runs[0] / before:,.2f}, "
            f"its second against the pool's after {runs[1] / after:,.2f}"
        )
        for n in ("1", "2"):
            files = same(Path(folder) / f"dask-{n}", Path(folder) / "before")
            print(f"  {f'Dask {n} vs pool files':<22} {files}")


def _line(
    label: str, report: BuildReport, cpu: _ChildrenCpu, own: float, loops: float | None
) -> None:
    """`own`: this process's CPU, the build's rendering and the threads that hand out jobs
    and take results (`cpu.others`); `loops`, on Dask, the workers' event loops: what the
    jobs share the cores with."""
    seconds, pages = report.timings["pdf"], report.pdf_pages
    in_loops = "" if loops is None else f" (event loops {loops:,.1f})"
    print(
        f"  {label:<22} {seconds:>8,.1f} s  {pages:,} pages, {pages / seconds:,.1f} pages/s; "
        f"jobs {report.timings['pdf-jobs']:,.1f} s in workers, "
        f"workers' CPU {cpu.seconds:,.1f} s{in_loops}, this process {own:,.1f} CPU s "
        f"({cpu.others:,.1f} in the threads that hand out jobs and take results)"
    )
