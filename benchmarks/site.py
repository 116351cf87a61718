"""The site at scale against Material's floor: the same pages with a one-entry navigation."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from generator import site
from generator.build import BuildOptions, build, prepare
from generator.loader import load_project

from .library import write_library


def floor_seconds(project: Path) -> tuple[float, int]:
    """Material building mentorkit's own pages with a navigation of one entry (templates,
    search and Markdown alone): the least any navigation can cost. Returns seconds, pages."""
    renderer = prepare(load_project(project))
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
    with tempfile.TemporaryDirectory() as folder:
        config_file = site.write_project(
            renderer.project, renderer.plan, markdown, Path(folder) / "src", pdfs=False
        )
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        config["nav"] = ["index.md"]
        config["extra"]["mentorkit"].pop("local_nav", None)
        config["validation"]["nav"]["omitted_files"] = "info"
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        started = time.perf_counter()
        site.build(config_file, "mkdocs", Path(folder) / "out")
        return time.perf_counter() - started, len(markdown)


def site_seconds(project: Path, engine: site.Engine) -> float:
    """mentorkit's site step, cold: writing the MkDocs project and building it."""
    with tempfile.TemporaryDirectory() as folder:
        options = BuildOptions(out=Path(folder) / "dist", only=frozenset({"site"}), engine=engine)
        return build(project, options).timings["site"]


def measure_site(topics: int, engines: tuple[site.Engine, ...] = ("mkdocs",)) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = write_library(Path(folder) / "bench", topics)
        floor, pages = floor_seconds(project)
        print(f"\nsite of a generated {topics:,}-topic project ({pages:,} pages)")
        print(f"  {'Material floor s':<18} {floor:>12,.2f}   (one-entry nav, same pages)")
        for engine in engines:
            seconds = site_seconds(project, engine)
            print(
                f"  {engine + ' s':<18} {seconds:>12,.2f}   ratio to the floor "
                f"{seconds / floor:.2f} (goal <= 1.5)"
            )
