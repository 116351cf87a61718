"""The site at scale against Material's floor: the same pages with a one-entry navigation.

The machine is shared, so each build is timed twice: wall-clock seconds, and the CPU
seconds it used (this process and its children: Zensical runs as one). The goal's ratio is
taken on CPU seconds, which other people's work on the machine disturbs far less.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from generator import site
from generator.build import prepare
from generator.loader import load_project
from generator.render import Renderer

from .library import write_library


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of `work`."""

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    wall, used = time.perf_counter(), cpu()
    work()
    return time.perf_counter() - wall, cpu() - used


def _pages(project: Path) -> tuple[Renderer, dict[str, str]]:
    renderer = prepare(load_project(project))
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
    return renderer, markdown


def floor_seconds(renderer: Renderer, markdown: dict[str, str]) -> tuple[float, float]:
    """Material building mentorkit's own pages with a navigation of one entry (templates,
    search and Markdown alone): the least any navigation can cost."""
    with tempfile.TemporaryDirectory() as folder:
        config_file = site.write_project(
            renderer.project, renderer.plan, markdown, Path(folder) / "src", pdfs=False
        )
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        config["nav"] = ["index.md"]
        config["extra"]["mentorkit"].pop("local_nav", None)
        config["validation"]["nav"]["omitted_files"] = "info"
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        return _timed(lambda: site.build(config_file, "mkdocs", Path(folder) / "out"))


def site_seconds(
    renderer: Renderer, markdown: dict[str, str], engine: site.Engine
) -> tuple[float, float]:
    """mentorkit's site step: writing the generated project (its navigation included) and
    building it with `engine`."""
    with tempfile.TemporaryDirectory() as folder:

        def work() -> None:
            config_file = site.write_project(
                renderer.project,
                renderer.plan,
                markdown,
                Path(folder) / "src",
                pdfs=False,
                gettext=renderer.gettext,
                engine=engine,
            )
            site.build(config_file, engine, Path(folder) / "out")

        return _timed(work)


def measure_site(topics: int, engines: tuple[site.Engine, ...] = ("mkdocs",)) -> None:
    with tempfile.TemporaryDirectory() as folder:
        renderer, markdown = _pages(write_library(Path(folder) / "bench", topics))
        print(f"\nsite of a generated {topics:,}-topic project ({len(markdown):,} pages)")
        floor_wall, floor_cpu = floor_seconds(renderer, markdown)
        print(
            f"  {'Material floor':<16} {floor_cpu:>7,.1f} CPU s {floor_wall:>7,.1f} s   "
            "(one-entry nav, the same pages)"
        )
        for engine in engines:
            wall, cpu = site_seconds(renderer, markdown, engine)
            print(
                f"  {engine:<16} {cpu:>7,.1f} CPU s {wall:>7,.1f} s   ratio to the floor "
                f"{cpu / floor_cpu:.2f} CPU, {wall / floor_wall:.2f} wall (goal <= 1.5)"
            )
