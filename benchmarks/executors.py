"""PDFs of a large library on the process pool and on a Dask cluster of 2 workers."""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.build import BuildOptions, build

from .rebuild import same


def measure_executors(project: Path, topics: int, workers: int) -> None:
    import logging

    from distributed import LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)

    only = frozenset({"pdf"})
    print(f"\nPDFs of a {topics:,}-topic library, {workers} workers")
    with tempfile.TemporaryDirectory() as folder:
        pool_out = Path(folder) / "pool"
        pool = build(project, BuildOptions(out=pool_out, workers=workers, only=only))
        _line("process pool", pool.timings["pdf"], pool.pdf_pages)
        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address.removeprefix("tcp://")
            dask_out = Path(folder) / "dask"
            options = BuildOptions(out=dask_out, only=only, executor=f"dask://{address}")
            dask = build(project, options)
        _line("Dask LocalCluster", dask.timings["pdf"], dask.pdf_pages)
        ratio = dask.timings["pdf"] / pool.timings["pdf"]
        print(f"  {'Dask / pool':<22} {ratio:>8,.2f}   (goal <= 1.0)")
        print(f"  {'Dask vs pool files':<22} {same(dask_out, pool_out)}")


def _line(label: str, seconds: float, pages: int) -> None:
    print(f"  {label:<22} {seconds:>8,.1f} s  {pages:,} pages, {pages / seconds:,.1f} pages/s")
