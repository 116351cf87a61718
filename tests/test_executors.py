"""Where jobs run: every executor runs them with room for their calls and their objects."""

from __future__ import annotations

import gc
import inspect
import resource
import sys
import threading

import pytest

from generator.executors import JOB_COLLECTION_THRESHOLD, _roomy, executor


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


def _threshold() -> int:
    return gc.get_threshold()[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_every_executor_runs_its_jobs_with_a_roomier_youngest_generation(workers: int) -> None:
    before = gc.get_threshold()
    with executor(None, workers) as pool:
        assert pool.submit(_threshold).result() == JOB_COLLECTION_THRESHOLD == 10_000
    assert gc.get_threshold() == before  # one worker is this process: its own comes back


def test_the_threshold_comes_back_when_the_last_of_overlapping_jobs_ends() -> None:
    """Jobs in threads of one process (a Dask worker with several threads) overlap: the
    threshold stays raised until the last one ends, then is the process's own again."""
    before = gc.get_threshold()
    first_in, second_done, release = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        first_in.set()
        release.wait(5)
        seen.append(_threshold())

    def second() -> None:
        first_in.wait(5)
        seen.append(_threshold())

    one = threading.Thread(target=_roomy, args=(first,))
    one.start()
    two = threading.Thread(target=lambda: (_roomy(second), second_done.set()))
    two.start()
    assert second_done.wait(5)
    assert gc.get_threshold()[0] == JOB_COLLECTION_THRESHOLD  # the first job still runs
    release.set()
    one.join()
    two.join()
    assert seen == [JOB_COLLECTION_THRESHOLD, JOB_COLLECTION_THRESHOLD]
    assert gc.get_threshold() == before


def test_a_process_with_automatic_collection_off_keeps_it_off() -> None:
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        assert _roomy(_threshold) == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
