"""Whole builds: a second build with nothing changed reuses everything, a change redoes little."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import BuildOptions, build

from .conftest import ACME
from .test_cli import snapshot


def test_second_build_reuses_every_pdf_and_the_site(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = build(ACME, BuildOptions(out=out, workers=1))
    assert first.pdf_rendered > 0
    before = snapshot(out / "pdf")
    second = build(ACME, BuildOptions(out=out, workers=1))
    assert second.unchanged  # decided from the inputs' digests: nothing rendered
    assert second.pdf_rendered == 0
    reused = {o.name: o.reused for o in second.outputs}
    assert reused == {o.name: o.files for o in first.outputs}
    assert reused["pdf"] == len(before)
    assert snapshot(out / "pdf") == before
    assert (out / "site" / "downloads" / "mentor-guide.pdf").is_file()


def test_a_change_to_one_topic_re_renders_only_what_uses_it(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    out = tmp_path / "dist"
    build(project, BuildOptions(out=out, workers=1))
    workshop = project / "topics" / "acme-induction.yaml"
    workshop.write_text(workshop.read_text().replace("Seat each pair", "Seat every pair"))
    report = build(project, BuildOptions(out=out, workers=1))
    # Only the trainer handbook, the workshop sheet and the whole workshop in one document
    # carry facilitation notes.
    assert report.pdf_rendered == 3
    assert "Seat every pair" in (out / "site" / "guides" / "trainer.html").read_text()


def test_outputs_not_built_this_time_are_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(ACME, BuildOptions(out=out, workers=1, only=frozenset({"calendar", "site"})))
    site = snapshot(out / "site")
    build(ACME, BuildOptions(out=out, workers=1, only=frozenset({"calendar"})))
    assert snapshot(out / "site") == site
