"""The generator alone: programme YAML to Markdown pages and print HTML, on one core.

Timed in CPU seconds of this process (`time.process_time`): the machine is shared, and
the generator runs on one core, so its own CPU time is what it costs. Three passes over
the same pages: templates compiled in the pass (a first build), compiled code read from
the cache a build keeps in its output folder (every later build), and compiled code
already in memory (Jinja's own rendering, the floor)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import pdf
from generator.build import prepare
from generator.loader import load_project
from generator.markup import kept_conversions, to_html
from generator.render import Renderer


def measure_generator(project: Path | None, label: str) -> None:
    started = time.process_time()
    loaded = load_project(project)
    load = time.process_time() - started
    print(f"\ngenerator, one core (CPU seconds): {label}")
    print(f"  {'load+validate s':<34} {load:>8,.2f}")
    with tempfile.TemporaryDirectory() as cache:
        first = prepare(loaded)
        first.keep_compiled(Path(cache))
        artefacts = first.plan.artefacts
        printed = [a for a in artefacts if a.pdf is not None]
        # Markdown to HTML is Python-Markdown's work (the same MkDocs does for the site):
        # timed on its own and taken out of the print step, to leave mentorkit's part.
        converted: dict[tuple[str, str | None], Any] = {}

        def convert(text: str, id_prefix: str | None = None) -> Any:
            key = (text, id_prefix)
            if key not in converted:
                converted[key] = to_html(text, id_prefix=id_prefix)
            return converted[key]

        pages = len(artefacts)
        with first.batch():
            markdown = {a.key: first.markdown(a) for a in artefacts}
            started = time.process_time()
            for artefact in printed:
                convert(markdown[artefact.key])
                if artefact.batch is not None:
                    convert(markdown[artefact.key], id_prefix=f"{artefact.key}-")
            conversion = time.process_time() - started
        print(
            f"  {'Markdown to HTML':<34} {len(printed) / conversion:>8,.0f}   pages/s "
            "(Python-Markdown and nh3, as for the site; not counted below)"
        )
        # The first pass above compiled and cached the templates; time it again afresh.
        rates = []
        for name, renderer in (
            ("templates compiled in the run", _fresh(loaded, None)),
            ("compiled code from the cache", _fresh(loaded, Path(cache))),
        ):
            rates.append(_pass(name, renderer, convert, pages))
        rates.append(_pass("compiled code in memory", renderer, convert, pages))
        print(f"  {'goal':<34} {'>= 1,000':>8}   pages/s on one core")
        _rebuilt_print(renderer, Path(cache) / "html.json")


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
        f"  {'print documents, cold':<34} {cold:>8,.2f}   s ({first.converted:,} Markdown "
        "conversions)"
    )
    print(
        f"  {'the same, one topic changed':<34} {warm:>8,.2f}   s ({again.converted:,} "
        "converted again, the rest kept by the last build)"
    )


def _fresh(loaded: Any, cache: Path | None) -> Renderer:
    renderer = prepare(loaded)
    if cache is not None:
        renderer.keep_compiled(cache)
    return renderer


def _pass(name: str, renderer: Renderer, convert: Callable[..., Any], pages: int) -> float:
    """One pass of Markdown pages and print HTML; the rate in pages a second."""
    real = pdf.to_html
    pdf.to_html = convert  # type: ignore[assignment]  # Markdown conversion left out
    try:
        with renderer.batch():
            started = time.process_time()
            markdown = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
            middle = time.process_time()
            jobs = pdf.prepare(renderer, markdown, renderer.plan.artefacts)
            ended = time.process_time()
    finally:
        pdf.to_html = real
    rate = pages / (ended - started)
    print(
        f"  {name:<34} {rate:>8,.0f}   pages/s: {pages:,} Markdown pages in "
        f"{middle - started:,.2f} s, {len(jobs):,} print documents in {ended - middle:,.2f} s"
    )
    return rate
