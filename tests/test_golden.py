"""Golden files: the Markdown of a small fixture project, as a human has read it.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_golden.py`
(or `make golden`), then read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.artefacts import plan
from generator.loader import load_project
from generator.render import Renderer
from generator.schedule import timeline

from .conftest import ACME

GOLDEN = Path(__file__).parent / "golden" / "acme"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def rendered() -> dict[str, str]:
    project = load_project(ACME)
    line = timeline(project)
    the_plan = plan(project, line)
    renderer = Renderer(project, line, the_plan, pdf=True)
    # Library pages list the built-in topics too, which change with the library.
    return {
        a.page: renderer.markdown(a) for a in the_plan.artefacts if not a.key.startswith("library")
    }


PAGES = rendered()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_matches_golden(page: str) -> None:
    golden = GOLDEN / page
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(PAGES[page], encoding="utf-8")
    assert golden.is_file(), f"no golden file for {page}: run with UPDATE_GOLDEN=1"
    assert PAGES[page] == golden.read_text(encoding="utf-8")


def test_no_stale_golden_files() -> None:
    present = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    assert present == set(PAGES)


def test_rendering_twice_gives_the_same_bytes() -> None:
    assert rendered() == PAGES
