"""The live preview: serves the site, shows problems instead of dying, rebuilds on change."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.request
from pathlib import Path

from generator.serve import VERSION_PATH, running

from .conftest import ACME


def fetch(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.read().decode()


def wait_for(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_preview_serves_rebuilds_and_shows_problems(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    with running(project, port=0) as (server, preview, _loop):
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            home = fetch(base, "/")
            assert "Acme Reverse Mentoring Pilot" in home
            assert VERSION_PATH in home  # the page reloads itself after a rebuild
            first = fetch(base, VERSION_PATH)

            programme = project / "program.yaml"
            original = programme.read_text()
            programme.write_text(original.replace("cadence: weekly", "cadence: hourly"))
            assert wait_for(lambda: bool(preview.problems))
            page = fetch(base, "/guides/mentor/")
            assert "1 problem(s) to fix" in page
            assert "schedule.cadence: `hourly` is not allowed here" in page

            programme.write_text(original.replace("Acme Reverse Mentoring Pilot", "Acme Pilot II"))
            assert wait_for(lambda: not preview.problems and "Acme Pilot II" in fetch(base, "/"))
            assert fetch(base, VERSION_PATH) != first
        finally:
            server.shutdown()
