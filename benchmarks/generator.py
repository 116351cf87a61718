"""The generator alone: programme YAML to Markdown pages and print HTML, on one core.

Timed in CPU seconds of this process (`time.process_time`): the machine is shared, and
the generator runs on one core, so its own CPU time is what it costs. Each pass renders
every page as a build does, noting which topics each page reads (`generator.pages`):

- a first build, the first render in this process: every template compiled, and the
  compiled code signed and kept for the next build;
- a later build: a new renderer that reads the compiled code the first one kept;
- the same renderer again (compiled code in memory: Jinja's own rendering, the floor);
- a first build without the page tracing (what this case measured before issue 14's
  incremental pages), for comparison.

Markdown to HTML for print is Python-Markdown's work (the same MkDocs does for the site):
it is timed on its own and left out of the passes, to leave mentorkit's part. Then the
Python function calls a page takes, counted by cProfile: a figure the machine's load does
not change, for comparing code across runs.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

from generator import pdf
from generator.build import prepare
from generator.loader import load_project
from generator.markup import kept_conversions, to_html
from generator.pages import KeptPages
from generator.render import Renderer

GOAL = 1_000  # pages a second on one core


class _Converter:
    """Markdown to HTML for print, each text converted once; its CPU time is noted so that
    a pass can leave it out."""

    def __init__(self) -> None:
        self.converted: dict[tuple[str, str | None], Any] = {}
        self.seconds = 0.0

    def __call__(self, text: str, id_prefix: str | None = None) -> Any:
        key = (text, id_prefix)
        if key not in self.converted:
            started = time.process_time()
            self.converted[key] = to_html(text, id_prefix=id_prefix)
            self.seconds += time.process_time() - started
        return self.converted[key]


def measure_generator(project: Path | None, label: str) -> None:
    started = time.process_time()
    loaded = load_project(project)
    load = time.process_time() - started
    print(f"\ngenerator, one core (CPU seconds): {label}")
    print(f"  {'load+validate s':<36} {load:>8,.2f}")
    convert = _Converter()
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        first = _fresh(loaded, cache)
        rates = [_pass("a first build (compiling)", first, convert)]
        first.save_compiled()
        pages = len(first.plan.artefacts)
        printed = sum(1 for a in first.plan.artefacts if a.pdf is not None)
        print(
            f"  {'Markdown to HTML':<36} {printed / convert.seconds:>8,.0f}   pages/s "
            "(Python-Markdown and nh3, as for the site; left out of every pass)"
        )
        later = _fresh(loaded, cache)
        rates.append(_pass("a later build (compiled code kept)", later, convert))
        rates.append(_pass("compiled code in memory", later, convert))
        _pass("a first build, pages not traced", _fresh(loaded, None), convert, traced=False)
        calls = _calls(_fresh(loaded, None), convert)
        print(
            f"  {'Python calls a page (first build)':<36} {calls / pages:>8,.0f}   "
            f"({calls:,} calls for {pages:,} pages, counted by cProfile)"
        )
        met = "met" if min(rates[:2]) >= GOAL else "NOT met"
        print(
            f"  {'goal':<36} {GOAL:>8,}   pages/s on one core: {met} for a first and a later build"
        )
        _rebuilt_print(later, cache / "html.json")


def _fresh(loaded: Any, cache: Path | None) -> Renderer:
    renderer = prepare(loaded)
    if cache is not None:
        renderer.keep_compiled(cache)
    return renderer


def _render(renderer: Renderer, convert: _Converter, traced: bool) -> tuple[int, int]:
    """Every page's Markdown and every print document, as a build makes them."""
    real = pdf.to_html
    pdf.to_html = convert  # type: ignore[assignment]  # Markdown conversion left out
    try:
        with renderer.batch():
            if traced:
                pages = KeptPages(None, renderer)  # nothing kept: every page rendered
                markdown = {a.key: pages.markdown(a) for a in renderer.plan.artefacts}
            else:
                markdown = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
            jobs = pdf.prepare(renderer, markdown, renderer.plan.artefacts)
    finally:
        pdf.to_html = real
    return len(markdown), len(jobs)


def _pass(name: str, renderer: Renderer, convert: _Converter, *, traced: bool = True) -> float:
    """One pass of Markdown pages and print HTML; the rate in pages a second."""
    converting = convert.seconds
    started = time.process_time()
    pages, jobs = _render(renderer, convert, traced)
    seconds = time.process_time() - started - (convert.seconds - converting)
    rate = pages / seconds
    print(
        f"  {name:<36} {rate:>8,.0f}   pages/s: {pages:,} Markdown pages and {jobs:,} "
        f"print documents in {seconds:,.2f} s"
    )
    return rate


def _calls(renderer: Renderer, convert: _Converter) -> int:
    """Python function calls of a first build's pass (compiling included)."""
    profile = cProfile.Profile()
    profile.enable()
    _render(renderer, convert, traced=True)
    profile.disable()
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


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
