"""Pair packs at scale: the batched way mentorkit prints them, against one document a pack."""

from __future__ import annotations

import time
from pathlib import Path

from generator import i18n
from generator.artefacts import Artefact
from generator.artefacts import plan as make_plan
from generator.loader import load_project
from generator.markup import to_html
from generator.match import match
from generator.packs import pair_infos
from generator.pdf import _css_context, _page_context, allowed_roots, layout
from generator.render import Renderer
from generator.roster import read_roster
from generator.schedule import timeline


def whole_pack_seconds(project: Path | None, roster: Path, sample: int = 10) -> float:
    """Seconds a pack takes when each pack is laid out as a document of its own."""
    loaded = load_project(project)
    translations = i18n.translations(loaded.programme.locale, loaded.template_dirs)
    loaded = i18n.localize(loaded, translations.gettext)
    line = timeline(loaded)
    the_plan = make_plan(loaded, line, translations.gettext)
    renderer = Renderer(loaded, line, the_plan, pdf=True, translations=translations)
    pairs = list(match(read_roster(roster), loaded).pairs)[:sample]
    infos = pair_infos(loaded, pairs, renderer)
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    shared = [a for a in the_plan.artefacts if a.batch in ("plans", "forms")]
    started = time.perf_counter()
    for info in infos:
        pair_renderer = Renderer(
            loaded, info.timeline, the_plan, pdf=True, translations=translations
        )
        documents = []
        parts = [
            Artefact(
                f"{info.id}-cover",
                "pairs/pack.md.j2",
                "",
                "pack",
                style="sheet",
                context={"pair": info},
            ),
            Artefact(
                f"{info.id}-agreement",
                "site/agreement.md.j2",
                "",
                "agreement",
                style="sheet",
                context={"pair": info},
            ),
            *shared,
            *(
                Artefact(
                    f"{info.id}-{p.id}",
                    "pairs/certificate.md.j2",
                    "",
                    "certificate",
                    style="sheet",
                    context={"pair": info, "person": p},
                )
                for p in info.people
            ),
        ]
        for artefact in parts:
            html = to_html(pair_renderer.markdown(artefact), id_prefix=f"{artefact.key}-")
            documents.append(
                {
                    "artefact": artefact,
                    "body": html.body,
                    "headings": html.headings,
                    "anchor": artefact.key,
                }
            )
        page = renderer.html(
            "pdf/document.html.j2", _page_context(renderer, "sheet", documents, "pack")
        )
        layout(page, css, allowed_roots(loaded)).write_pdf()
    return (time.perf_counter() - started) / len(infos)
