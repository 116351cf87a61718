"""The generator alone: programme YAML to Markdown pages and print HTML, on one core.

Timed in CPU seconds of this process (`time.process_time`): the machine is shared, and
the generator runs on one core, so its own CPU time is what it costs."""

from __future__ import annotations

import time
from pathlib import Path

from generator import pdf
from generator.build import prepare
from generator.loader import load_project
from generator.markup import to_html


def measure_generator(project: Path | None, label: str) -> None:
    started = time.process_time()
    loaded = load_project(project)
    load = time.process_time() - started
    renderer = prepare(loaded)
    artefacts = renderer.plan.artefacts
    printed = [a for a in artefacts if a.pdf is not None]
    with renderer.batch():
        started = time.process_time()
        markdown = {a.key: renderer.markdown(a) for a in artefacts}
        pages = time.process_time() - started
        # Markdown to HTML is Python-Markdown's work (the same MkDocs does for the site):
        # timed on its own, then taken out of the print step to leave mentorkit's part.
        started = time.process_time()
        for artefact in printed:
            to_html(markdown[artefact.key])
        convert = time.process_time() - started
        started = time.process_time()
        jobs = pdf.prepare(renderer, markdown, artefacts)
        print_html = max(time.process_time() - started - convert, 1e-9)
        started = time.process_time()
        for artefact in artefacts:  # again, templates compiled and dates formatted
            renderer.markdown(artefact)
        again = time.process_time() - started
    rate = len(markdown) / (pages + print_html)
    print(f"\ngenerator, one core (CPU seconds): {label}")
    print(f"  {'load+validate s':<26} {load:>10,.2f}")
    print(f"  {'Markdown pages':<26} {len(markdown):>10,}   {len(markdown) / pages:>8,.0f} pages/s")
    print(
        f"  {'print HTML documents':<26} {len(jobs):>10,}   ({len(printed):,} printed pages, "
        f"{print_html:,.2f} s of templates)"
    )
    print(
        f"  {'pages/s, Markdown + print':<26} {rate:>10,.0f}   (goal >= 1,000; templates "
        "compiled in this run)"
    )
    print(
        f"  {'Markdown pages, again':<26} {len(markdown) / again:>10,.0f}   pages/s "
        "(templates already compiled)"
    )
    print(
        f"  {'Markdown to HTML':<26} {len(printed) / convert:>10,.0f}   pages/s "
        "(Python-Markdown and nh3, as for the site)"
    )
