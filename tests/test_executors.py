"""Where jobs run: every executor runs them with room for their calls."""

from __future__ import annotations

import inspect
import resource
import sys
import threading

import pytest

from generator.executors import _roomy, executor


def _deep(depth: int) -> int:
    return 0 if depth == 0 else _deep(depth - 1) + 1


def _back_and_forth() -> None:
    """Calls that go deeper than a chunk of frames and back, over and over, as laying
    out a document does."""
    for _ in range(1000):
        _deep(300)


def _faults(job: object) -> int:
    """The page faults `job` takes, run in a thread of its own (a fresh stack of frames,
    as a Dask worker's thread has)."""
    counted: list[int] = []

    def run() -> None:
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        job()  # type: ignore[operator]
        counted.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return counted[0]


def test_a_job_run_with_room_for_its_calls_takes_no_page_faults_going_back_and_forth() -> None:
    assert _faults(lambda: _roomy(_back_and_forth)) < 100
    if sys.version_info < (3, 13):  # CPython gh-142183: each crossing maps a chunk again
        assert _faults(_back_and_forth) > 2000


def _caller_stacksize() -> int:
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_code.co_stacksize


@pytest.mark.parametrize("workers", [1, 2])
def test_every_executor_runs_its_jobs_with_room_for_their_calls(workers: int) -> None:
    with executor(None, workers) as pool:
        assert pool.submit(_caller_stacksize).result() == 65536
