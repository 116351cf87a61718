"""PDFs of a large library on the process pool and on a Dask cluster of 2 workers.

The runs come in pairs, pool, Dask, Dask, pool, pool, Dask ... (two pairs unless asked
for more), so that a machine whose speed drifts weighs on both alike; with three pairs or
more, the pairs' ratios also give a confidence interval, which says whether a difference
stands out from the machine's noise. Beside the wall time, the CPU seconds of the worker
processes (for Dask, from the start of each run, their event loops counted apart), the
jobs' own seconds and this process's CPU (the build's rendering, and counted apart the
threads that hand out jobs and take results): where a cluster is slower, these say
whether the jobs themselves were slower, the time went between them, or to the loops.
The coordination line sums what each executor spends besides the jobs."""

from __future__ import annotations

import math
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


def measure_executors(project: Path, topics: int, workers: int, pairs: int = 2) -> None:
    """The library's PDFs on the pool and on Dask in `pairs` pairs of builds, in the order
    pool, Dask, Dask, pool, pool, Dask, ...: the two builds of a pair run one after the
    other, and which goes first alternates, so that a machine whose speed drifts weighs
    on both sides alike. Each stretch of Dask runs on a `LocalCluster` of its own, started
    before it and stopped after it, so that the pool's builds share the cores with nothing
    of Dask's."""
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)

    print(f"\nPDFs of a {topics:,}-topic library, {workers} workers, {pairs} pairs of builds")
    with tempfile.TemporaryDirectory() as folder:
        reference = Path(folder) / "reference"
        pool: list[_Run] = []
        dask: list[_Run] = []
        files: set[str] = set()
        for stretch in range(pairs + 1):
            runs = 1 if stretch in (0, pairs) else 2
            if stretch % 2 == 0:
                for _ in range(runs):
                    out = Path(folder) / "pool" if pool else reference
                    options = BuildOptions(out=out, workers=workers, only=_ONLY)
                    pool.append(_measured(f"process pool, {len(pool) + 1}", project, options))
                    if out != reference:
                        shutil.rmtree(out)
                continue
            with _cluster(workers) as address:
                for _ in range(runs):
                    out = Path(folder) / "dask"
                    options = BuildOptions(out=out, only=_ONLY, executor=f"dask://{address}")
                    dask.append(_measured(f"Dask LocalCluster, {len(dask) + 1}", project, options))
                    files.add(same(out, reference))
                    shutil.rmtree(out)
        _summary(pool, dask)
        print(f"  {'Dask vs pool files':<22} {'; '.join(sorted(files))}, in every run")


_ONLY: frozenset[Output] = frozenset({"pdf"})


@dataclass(frozen=True)
class _Run:
    seconds: float  # the PDF step's, on the clock
    jobs: float  # the jobs' own seconds, where they ran
    coordination: float  # CPU s of Dask's event loops, or of the pool's job handling


@contextmanager
def _cluster(workers: int) -> Iterator[str]:
    """A `LocalCluster` of `workers` single-threaded worker processes with the README's
    settings; yields the scheduler's address."""
    import dask
    from distributed import LocalCluster

    with (
        dask.config.set(DASK_SETTINGS),
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        yield cluster.scheduler_address.removeprefix("tcp://")


def _measured(label: str, project: Path, options: BuildOptions) -> _Run:
    own = time.process_time()
    with _ChildrenCpu() as cpu:
        report = build(project, options)
    loops = cpu.loops if options.executor else None
    _line(label, report, cpu, time.process_time() - own, loops)
    return _Run(report.timings["pdf"], report.timings["pdf-jobs"], cpu.others + (loops or 0.0))


def _summary(pool: list[_Run], dask: list[_Run]) -> None:
    """The ratio of Dask's seconds to the pool's, over all runs and pair by pair, and what
    Dask's own coordination costs: the CPU its event loops take from the jobs' cores."""
    ratio = sum(r.seconds for r in dask) / sum(r.seconds for r in pool)
    # The pool's runs 1, 2, 3 ... pair with Dask's: pool, Dask | Dask, pool | pool, Dask ...
    pairs = [d.seconds / p.seconds for p, d in zip(pool, dask, strict=True)]
    print(
        f"  {'Dask / pool (wall)':<22} {ratio:>8,.2f}   all runs (goal <= 1.0); pair by pair "
        + ", ".join(f"{r:.2f}" for r in pairs)
    )
    if len(pairs) >= 3:
        middle, low, high = _geometric_interval(pairs)
        faster = sum(r < 1 for r in pairs)
        print(
            f"  {'':<22} {middle:>8,.3f}   the pairs' geometric mean, 95% confidence "
            f"interval {low:.3f}-{high:.3f} (Student's t); Dask faster in {faster} of {len(pairs)}"
        )
    own = sum(r.coordination for r in dask) / sum(r.jobs for r in dask)
    theirs = sum(r.coordination for r in pool) / sum(r.jobs for r in pool)
    print(
        f"  {'coordination':<22} {own:>8.1%}   of the jobs' seconds on Dask: its event loops' "
        f"CPU, in the workers and in this process (with the workers' set-up, at a cluster's "
        f"first build); the pool's job handling {theirs:.1%}"
    )


def _geometric_interval(ratios: list[float]) -> tuple[float, float, float]:
    """The geometric mean of `ratios` and its 95% confidence interval, from the mean and
    spread of their logarithms (Student's t: the pairs are few)."""
    from scipy import stats

    logs = [math.log(r) for r in ratios]
    mean, spread = statistics.fmean(logs), statistics.stdev(logs) / math.sqrt(len(logs))
    margin = float(stats.t.ppf(0.975, len(logs) - 1)) * spread
    return math.exp(mean), math.exp(mean - margin), math.exp(mean + margin)


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
