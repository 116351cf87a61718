"""Markdown to HTML for print, with exactly the extensions the site is built with.

The site generator (MkDocs or Zensical) and the PDF step read the same Markdown with the
same Python-Markdown extensions, so a page and its PDF cannot disagree.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import markdown

#: The Markdown dialect of every artefact; written into mkdocs.yml as well.
EXTENSIONS: list[str] = [
    "toc",
    "tables",
    "attr_list",
    "admonition",
    "md_in_html",
    "def_list",
    "sane_lists",
]
SITE_EXTENSION_CONFIG: dict[str, dict[str, Any]] = {"toc": {"permalink": True}}


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Html:
    body: str
    headings: tuple[Heading, ...]


def site_extensions() -> list[Any]:
    """The `markdown_extensions` list of mkdocs.yml."""
    return [
        {name: SITE_EXTENSION_CONFIG[name]} if name in SITE_EXTENSION_CONFIG else name
        for name in EXTENSIONS
    ]


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread, reset between documents (building one costs as much as
    converting a small page, and pair packs convert thousands)."""
    converter: markdown.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={"toc": {"toc_depth": "1-3", "permalink": False}},
            output_format="html",
        )
        _local.converter = converter
    return converter.reset()


def to_html(text: str, *, id_prefix: str = "") -> Html:
    """Convert one artefact's Markdown; `id_prefix` keeps ids unique in a batch."""
    converter = _converter()
    body = converter.convert(text)
    tokens: list[dict[str, Any]] = getattr(converter, "toc_tokens", [])
    headings = tuple(_flatten(tokens))
    if id_prefix:
        body = _prefix_ids(body, headings, id_prefix)
        headings = tuple(Heading(h.level, id_prefix + h.id, h.title) for h in headings)
    return Html(body, headings)


def _flatten(tokens: list[dict[str, Any]]) -> list[Heading]:
    found = []
    for token in tokens:
        found.append(Heading(int(token["level"]), str(token["id"]), _plain(str(token["name"]))))
        found.extend(_flatten(token.get("children", [])))
    return found


def _plain(name: str) -> str:
    # toc names keep HTML entities; the print template escapes again, so undo them once.
    import html

    return html.unescape(name)


def _prefix_ids(body: str, headings: tuple[Heading, ...], prefix: str) -> str:
    for heading in headings:
        body = body.replace(f'id="{heading.id}"', f'id="{prefix}{heading.id}"', 1)
        body = body.replace(f'href="#{heading.id}"', f'href="#{prefix}{heading.id}"')
    return body
