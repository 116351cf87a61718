"""Where rendering tasks run: this process, a pool of local processes, or a Dask cluster.

Every task is a plain function of picklable arguments that returns the files it made as
bytes, so the same tasks run anywhere; the caller writes the files.
"""

from __future__ import annotations

import gc
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing import get_context
from typing import Any, TypeVar

from .errors import UsageError

T = TypeVar("T")
DASK_SCHEME = "dask://"


def _roomy(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a job with room for its calls and for its objects: every executor runs its
    jobs through this.

    CPython keeps its function calls' frames in chunks of memory it maps from the system
    as the calls go deeper and gives back as they return. Laying out a document calls
    back and forth across the end of a chunk hundreds of thousands of times, and before
    Python 3.13 each crossing maps and unmaps a chunk again (CPython issue gh-142183):
    a pack's layout took 70,000 page faults in a main thread, 110,000 in a worker's
    thread, 4 to 8% of its time. This function's own frame is declared with a deep
    evaluation stack (below), so the chunk it starts has half a megabyte to spare, which
    the job's calls fill without crossing an end; on any Python it changes nothing
    else. The job also runs with a roomier youngest generation (`_collecting_less`)."""
    with _collecting_less():
        return fn(*args, **kwargs)


# 65,536 slots: a frame of 512 KiB, so its chunk is 1 MiB. Through the public
# `CodeType.replace`; 4,096 and 16,384 slots did as well on the packs benchmark.
_roomy.__code__ = _roomy.__code__.replace(co_stacksize=65536)

#: Objects a job allocates before the cycle collector looks at the youngest ones (700 by
#: default). A document being laid out holds hundreds of thousands of boxes, all alive
#: until it is written: at 700, each tenth collection of the middle generation walked them
#: all again, a tenth of a 40-page document's time (four 40-page layouts on 2 workers, same
#: run: 5.5 s at 700, 5.1 at 5,000, 5.05 at 10,000, 5.15 at 50,000; pairs' 4-page
#: documents alike within noise). Cycles are still collected, a few times a document.
JOB_COLLECTION_THRESHOLD = 10_000

_jobs_lock = threading.Lock()
_jobs_running = 0
_threshold_before: tuple[int, ...] = ()


@contextmanager
def _collecting_less() -> Iterator[None]:
    """While jobs run in this process, the youngest generation is collected every
    `JOB_COLLECTION_THRESHOLD` objects; as the last job running ends, the process's own
    threshold comes back (a Dask worker's, which serves other work too, and this process's
    with one worker). A threshold of 0 (automatic collection off) is left as it is."""
    global _jobs_running, _threshold_before
    with _jobs_lock:
        if _jobs_running == 0:
            _threshold_before = gc.get_threshold()
            if _threshold_before[0]:
                gc.set_threshold(
                    max(JOB_COLLECTION_THRESHOLD, _threshold_before[0]), *_threshold_before[1:]
                )
        _jobs_running += 1
    try:
        yield
    finally:
        with _jobs_lock:
            _jobs_running -= 1
            if _jobs_running == 0:
                gc.set_threshold(*_threshold_before)


class InProcess(Executor):
    """Runs each task at once, in this process: for one worker, and for tests."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(_roomy(fn, *args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def _worker_setup() -> None:
    from . import pdf

    pdf._worker_setup()


def _pool_worker_setup() -> None:
    """Set up a worker of the local pool, which lives for one build. The modules and
    fonts it has just loaded live as long as it does: frozen, the cycle collector stops
    walking them again at every full collection while documents are laid out (about 8%
    of a pair's layout and writing). A Dask worker does it once in its life."""
    _worker_setup()
    gc.collect()
    gc.freeze()


_frozen = False


def _dask_worker_setup() -> tuple[str, str]:
    """Set up a Dask worker for a build, and say which mentorkit and WeasyPrint it runs.
    The first time in a worker's life it also freezes what is loaded then, as a pool
    worker does: a Dask worker outlives builds, so later builds' objects are left to the
    collector as usual (what a build leaves behind must be collectable), and what is
    frozen is what a worker keeps for its whole life anyway: WeasyPrint, its fonts and
    Dask's own modules."""
    global _frozen
    _worker_setup()
    # The last build's fonts go now, and WeasyPrint removes the folder it copied them to:
    # jobs collect cycles seldom (`_collecting_less`), so they could stay for a while.
    gc.collect()
    if not _frozen:
        gc.freeze()
        _frozen = True
    return _versions()


def _versions() -> tuple[str, str]:
    import weasyprint

    from . import __version__

    return __version__, weasyprint.__version__


def _check_workers(address: str, run: Callable[..., dict[str, Any]]) -> None:
    """Set up every worker of the cluster at `address` (`run`: a Dask client's), and stop
    the build with a clear message when there is none, or when one cannot run mentorkit
    or runs other versions than this machine: its PDFs would not be this machine's, and
    the build's cache would take them for them."""
    here = _versions()
    fix = _fix(here)
    try:
        found = run(_dask_worker_setup)
    except (ImportError, AttributeError) as error:
        raise UsageError(
            f"--executor: a Dask worker at {address} cannot run mentorkit ({error}): {fix}"
        ) from None
    if not found:
        raise UsageError(
            f"--executor: the Dask scheduler at {address} has no workers; start one on each "
            f"machine that should print: dask worker tcp://{address} --nthreads 1"
        )
    other = {w: tuple(versions) for w, versions in found.items() if tuple(versions) != here}
    if other:
        raise UsageError(_other_versions(other, here))


def _fix(here: tuple[str, str]) -> str:
    return (
        f"install mentorkit {here[0]} with WeasyPrint {here[1]} on every worker "
        "(pip install 'mentorkit[dask]'), as on this machine"
    )


def _other_versions(other: dict[str, tuple[str, ...]], here: tuple[str, str]) -> str:
    runs = ", ".join(
        f"{worker} runs mentorkit {other[worker][0]} with WeasyPrint {other[worker][1]}"
        for worker in sorted(other)
    )
    return (
        f"--executor: {runs}, not mentorkit {here[0]} with WeasyPrint {here[1]} as here, "
        f"so its PDFs would differ from this machine's: {_fix(here)}"
    )


def _unread(unread: dict[str, list[str]]) -> str | None:
    problems = [
        f"the Dask worker {worker} cannot read {', '.join(missing)}"
        for worker, missing in sorted(unread.items())
        if missing
    ]
    if not problems:
        return None
    return (
        f"--executor: {'; '.join(problems)}: every worker needs the project at the "
        "same path as this machine (a shared folder)"
    )


@dataclass(frozen=True)
class _Build:
    """What every job of a build on Dask carries, for the worker to check at its first."""

    token: str  # this build's
    versions: tuple[str, str]  # mentorkit's and WeasyPrint's on the machine that builds
    folders: tuple[str, ...] = ()  # the project's, which every worker must read


#: The builds whose jobs this worker has checked it can run (`_checked`).
_checked_builds: set[str] = set()


def _checked(build: _Build, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a job on a Dask worker, checking first, at the worker's first job of a build,
    what the build checked of the workers there when it started: a worker that joined the
    cluster since (a machine started late, a worker the cluster brought back) must run the
    same versions and read the project too, or its PDFs would silently differ."""
    if build.token not in _checked_builds:
        from distributed import get_worker

        worker = get_worker().address
        here = _versions()
        if here != build.versions:
            raise UsageError(_other_versions({worker: here}, build.versions))
        problem = _unread({worker: _unread_folders(list(build.folders))})
        if problem:
            raise UsageError(problem)
        _checked_builds.add(build.token)
    return _roomy(fn, *args, **kwargs)


def _ready() -> None:
    """A task that does nothing: it starts a worker before there is work for it."""


def _start(pool: Executor, workers: int) -> None:
    """Start the pool's workers: a worker is started by a task it can take, one each."""
    try:
        for _ in range(workers):
            pool.submit(_ready)
    except RuntimeError:  # the build stopped before they had all started
        pass


@contextmanager
def executor(spec: str | None, workers: int, warm: bool = False) -> Iterator[Executor]:
    """An executor for `--executor` (None or dask://HOST:PORT) and `--jobs`.

    `warm`: the build will print, so the local workers start now, in the background
    (loading WeasyPrint and the fonts takes a second or two, on a core this process
    leaves idle while it reads, matches and renders), rather than at the first job."""
    if spec:
        if not spec.startswith(DASK_SCHEME):
            raise UsageError(f"--executor: {spec!r} is not of the form dask://HOST:PORT")
        with _dask(spec.removeprefix(DASK_SCHEME)) as remote:
            yield remote
        return
    if workers <= 1:
        from . import pdf

        pdf._forget()  # a build in this process starts afresh, as a worker's does
        yield InProcess()
        return
    context = get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "generator.pdf"])
    pool = _Pool(max_workers=workers, mp_context=context, initializer=_pool_worker_setup)
    if warm:
        threading.Thread(
            target=_start, args=(pool, workers), name="mentorkit-start-workers", daemon=True
        ).start()
    try:
        yield pool
    except BaseException:
        # The build stops (a mistake in the project, say): its message comes at once, not
        # after the workers that were still starting have started.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)


class _Pool(ProcessPoolExecutor):
    """The local pool, which runs each job with room for its calls (`_roomy`)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return super().submit(_roomy, fn, *args, **kwargs)


@contextmanager
def _dask(address: str) -> Iterator[Executor]:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--executor dask://… needs Dask: pip install 'mentorkit[dask]'") from None
    try:
        client = Client(f"tcp://{address}", timeout=10)
    except OSError as error:
        raise UsageError(f"--executor: no Dask scheduler answers at {address}: {error}") from None
    try:
        # Each worker imports WeasyPrint and loads its fonts before the jobs come, as the
        # process pool's workers do (a worker that joins later does it at its first job).
        _check_workers(address, client.run)
        yield _Dask(client)
    finally:
        client.close()


class _Dask(Executor):
    """A Dask cluster's executor, which can also tell whether its workers read the
    project's folders at the paths the jobs name (a shared folder)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.inner = client.get_executor(pure=False)
        self.build = _Build(uuid.uuid4().hex, _versions())

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self.inner.submit(  # type: ignore[no-any-return]
            _checked, self.build, fn, *args, **kwargs
        )

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait)

    def check_folders(self, folders: Iterable[str]) -> None:
        """Stop the build when a worker cannot read one of `folders` (the project's, by
        their paths on this machine): its PDFs would lack the logo, the fonts, the images."""
        wanted = sorted(folders)
        problem = _unread(self.client.run(_unread_folders, wanted))
        if problem:
            raise UsageError(problem)
        self.build = replace(self.build, folders=tuple(wanted))


def check_folders(pool: Executor, folders: Iterable[str]) -> None:
    """Where the jobs run on other machines (Dask), that they read the project's folders."""
    if isinstance(pool, _Dask):
        pool.check_folders(folders)


def _unread_folders(folders: list[str]) -> list[str]:
    return [folder for folder in folders if not os.access(folder, os.R_OK | os.X_OK)]
