"""The generator alone: programme YAML to Markdown pages and print HTML, on one core.

Timed in CPU seconds of this process (`time.process_time`): the machine is shared, and
the generator runs on one core, so its own CPU time is what it costs. Each pass renders
every page as a build does, noting which topics each page reads (`generator.pages`), and
each build runs in a new process, as a build does:

- a first build: every template compiled, and the compiled code signed and kept;
- a later build: a new process whose renderer reads the compiled code the first kept;
- the same renderer again (compiled code in memory: Jinja's own rendering, the floor);
- a new renderer without the page tracing, as this case measured before issue 14's
  incremental pages (in the same process as the later build), for comparison.

Markdown to HTML for print is Python-Markdown's work (the same MkDocs does for the site):
it is timed on its own, between the Markdown pages and the print documents, and left out.
Then the Python function calls a first build takes a page, counted by cProfile in a new
process: a figure the machine's load does not change, for comparing code across runs.
"""

from __future__ import annotations

import cProfile
import gc
import multiprocessing
import pickle
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

from generator import pdf
from generator.build import prepare
from generator.loader import load_project
from generator.markup import kept_conversions, to_html
from generator.pages import KeptPages
from generator.render import Renderer

GOAL = 1_000  # pages a second on one core
CONVERTED = "converted.pickle"


def measure_generator(project: Path | None, label: str) -> None:
    started = time.process_time()
    loaded = load_project(project)
    load = time.process_time() - started
    print(f"\ngenerator, one core (CPU seconds): {label}")
    print(f"  {'load+validate s':<36} {load:>8,.2f}")
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        first = prepare(loaded)
        first.keep_compiled(cache)
        with first.batch():
            started = time.process_time()
            markdown = _markdown(first, traced=True)
            pages_seconds = time.process_time() - started
            converted = _convert(first, markdown)
            gc.collect()
            print_seconds, jobs = _print(first, markdown, converted)
        first.save_compiled()
        rate = _line(
            "a first build (compiling)", len(markdown), jobs, pages_seconds + print_seconds
        )
        (cache / CONVERTED).write_bytes(pickle.dumps(converted))
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        for case in ("later", "calls"):
            child = context.Process(target=_child, args=(case, project, cache, results))
            child.start()
            child.join()
        later = results.get()
        if project is None:
            # The goal is a rate at scale: a small programme is done before compiling pays off.
            compiling = 1 - rate / later
            print(
                f"  {'goal':<36} {GOAL:>8,}   pages/s on one core: judged on the library "
                f"below (here {compiling:.0%} of a first build is compiling the templates)"
            )
        else:
            met = "met" if min(rate, later) >= GOAL else "NOT met"
            print(
                f"  {'goal':<36} {GOAL:>8,}   pages/s on one core: {met} for a first and a "
                "later build"
            )
        renderer = prepare(loaded)
        _rebuilt_print(renderer, cache / "html.json")


def _child(case: str, project: Path | None, cache: Path, results: Any) -> None:
    """A later build in a new process (the compiled code kept, then in memory), or the
    calls a first build makes, counted."""
    loaded = load_project(project)
    converted = pickle.loads((cache / CONVERTED).read_bytes())
    if case == "calls":
        renderer = prepare(loaded)
        profile = cProfile.Profile()
        profile.enable()
        with renderer.batch():
            markdown = _markdown(renderer, traced=True)
            _print(renderer, markdown, converted)
        profile.disable()
        calls = int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]
        print(
            f"  {'Python calls a page (first build)':<36} {calls / len(markdown):>8,.0f}   "
            f"({calls:,} calls for {len(markdown):,} pages, counted by cProfile)",
            flush=True,
        )
        return
    later = prepare(loaded)
    later.keep_compiled(cache)
    rates = []
    for name, renderer, traced in (
        ("a later build (compiled code kept)", later, True),
        ("compiled code in memory", later, True),
        ("a new renderer, pages not traced", prepare(loaded), False),
    ):
        with renderer.batch():
            started = time.process_time()
            markdown = _markdown(renderer, traced=traced)
            seconds = time.process_time() - started
            printing, jobs = _print(renderer, markdown, converted)
        rates.append(_line(name, len(markdown), jobs, seconds + printing))
    results.put(rates[0])


def _markdown(renderer: Renderer, *, traced: bool) -> dict[str, str]:
    """Every page's Markdown, as a build renders it (noting the topics each page reads,
    with nothing kept from a last build) or without the noting."""
    if traced:
        pages = KeptPages(None, renderer)
        return {a.key: pages.markdown(a) for a in renderer.plan.artefacts}
    return {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}


def _convert(renderer: Renderer, markdown: dict[str, str]) -> dict[tuple[str, str], Any]:
    """The Markdown to HTML conversions the print documents need, timed on their own."""
    converted: dict[tuple[str, str], Any] = {}
    started = time.process_time()
    printed = [a for a in renderer.plan.artefacts if a.pdf is not None]
    for artefact in printed:
        text = markdown[artefact.key]
        keys = [(text, "")] + ([(text, f"{artefact.key}-")] if artefact.batch else [])
        for key in keys:
            if key not in converted:
                converted[key] = to_html(key[0], id_prefix=key[1])
    seconds = time.process_time() - started
    print(
        f"  {'Markdown to HTML':<36} {len(printed) / seconds:>8,.0f}   pages/s "
        "(Python-Markdown and nh3, as for the site; left out of every pass)"
    )
    return converted


def _print(
    renderer: Renderer, markdown: dict[str, str], converted: dict[tuple[str, str], Any]
) -> tuple[float, int]:
    """CPU seconds of the print documents' HTML, Markdown conversions taken as made."""

    def convert(text: str, id_prefix: str = "") -> Any:
        return converted[(text, id_prefix)]

    with mock.patch.object(pdf, "to_html", convert):  # Markdown conversion left out
        started = time.process_time()
        jobs = pdf.prepare(renderer, markdown, renderer.plan.artefacts)
        return time.process_time() - started, len(jobs)


def _line(name: str, pages: int, jobs: int, seconds: float) -> float:
    rate = pages / seconds
    print(
        f"  {name:<36} {rate:>8,.0f}   pages/s: {pages:,} Markdown pages and {jobs:,} "
        f"print documents in {seconds:,.2f} s",
        flush=True,
    )
    return rate


def _rebuilt_print(renderer: Renderer, kept: Path) -> None:
    """Print documents as a build prepares them, Markdown conversion included: the first
    time, and again with the conversions the first build kept (one topic changed)."""
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
        started = time.process_time()
        with kept_conversions(kept) as first:
            pdf.prepare(renderer, markdown, renderer.plan.artefacts)
        cold = time.process_time() - started
        # One topic changed: its pages' Markdown differs, the rest is as before.
        topic = next(t for a in renderer.plan.artefacts if (t := a.context.get("topic")))
        ours = {
            a.key
            for a in renderer.plan.artefacts
            if getattr(a.context.get("topic"), "id", None) == topic.id
        }
        changed = {
            key: text.replace(topic.title, f"{topic.title} (changed)") if key in ours else text
            for key, text in markdown.items()
        }
        started = time.process_time()
        with kept_conversions(kept) as again:
            pdf.prepare(renderer, changed, renderer.plan.artefacts)
        warm = time.process_time() - started
    assert first is not None and again is not None
    print(
        f"  {'print documents, cold':<36} {cold:>8,.2f}   s ({first.converted:,} Markdown "
        "conversions)"
    )
    print(
        f"  {'the same, one topic changed':<36} {warm:>8,.2f}   s ({again.converted:,} "
        "converted again, the rest kept by the last build)"
    )
