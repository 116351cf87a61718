"""The output folder: mentorkit's own, or not written at all.

A build (or a report) writes only into a folder that is missing, empty, or marked by an
earlier run (`.mentorkit/`), and replaces nothing there but its own outputs. One run
holds a folder at a time; leftovers of a run that was killed are removed by the next.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError

MARKER = ".mentorkit"  # the folder that says an output folder is mentorkit's own
STAGING_PREFIX = "build-"


@contextmanager
def output_folder(out: Path) -> Iterator[Path]:
    """Take `out` for this build and give a staging folder inside it.

    `out` must be missing, empty, or marked by an earlier build: mentorkit never writes
    into, nor replaces anything in, a folder of the user's own. One build at a time holds
    the folder; leftovers of a build that was killed are removed first.
    """
    claim(out)
    marker = out / MARKER
    marker.mkdir(exist_ok=True)
    with (marker / "lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(
                f"{out}: another build is writing into this folder; wait for it to finish"
            ) from None
        for leftover in [*marker.glob(STAGING_PREFIX + "*"), *out.glob(".mentorkit-build-*")]:
            shutil.rmtree(leftover, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=marker))
        try:
            yield stage
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def claim(out: Path) -> None:
    """Refuse an output folder that holds anything mentorkit did not make."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out}: this is not a folder; name a folder for the outputs")
    if not out.exists():
        out.mkdir(parents=True)
        return
    if (out / MARKER).is_dir() and not (out / MARKER).is_symlink():
        return
    if any(out.iterdir()):
        raise UsageError(
            f"{out}: this folder already holds files that mentorkit did not make, and a build "
            "would replace some of them; build into a new or empty folder instead (for example "
            f"--out {out / 'mentorkit'})"
        )
