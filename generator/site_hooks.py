"""MkDocs hooks of every generated site (copied next to its mkdocs.yml).

The second line of defence for the site, as `markup.sanitize` is for the PDFs: each
page's HTML is cleaned before the theme wraps it, so no script, event handler or
`javascript:` link from any source reaches a reader.

And the navigation of a big site: Material renders the whole navigation into every page,
so mkdocs.yml lists tracks, areas and the programme's own pages only, and each topic's
pages get, on their own pages alone, their track opened on the topic and its sessions
(`extra.mentorkit.local_nav`, written by `site.write_project`). What a page costs no
longer grows with the library.
"""

from __future__ import annotations

import copy
from typing import Any

from mkdocs.structure.nav import Navigation, Section

from generator.markup import sanitize

_files: dict[str, Any] = {}


def on_page_content(html: str, **_kwargs: Any) -> str:
    return sanitize(html)


def on_files(files: Any, **_kwargs: Any) -> Any:
    _files["files"] = files
    return files


def on_page_context(context: dict[str, Any], page: Any, config: Any, nav: Navigation) -> Any:
    local = (config["extra"].get("mentorkit") or {}).get("local_nav")
    if not local:
        return context
    key = local["page_section"].get(page.file.src_uri)
    if key is None:
        return context
    section = local["sections"][key]
    files = _files["files"]
    pages = [files.get_file_from_path(uri).page for uri in section["pages"]]
    topic = Section(section["title"], pages)
    topic.active = True
    opened = copy.copy(nav)
    opened.items = [_open(item, section["parent"], topic) for item in nav.items]
    context["nav"] = opened
    return context


def _open(item: Any, parent: str, topic: Section) -> Any:
    """`item`, or a copy of it in which the page `parent` holds the topic's section."""
    if item.is_page and item.file.src_uri == parent:
        opened = Section(item.title, [item, topic])
        opened.active = True
        return opened
    if item.is_section:
        children = [_open(child, parent, topic) for child in item.children]
        if any(new is not old for new, old in zip(children, item.children, strict=True)):
            section = Section(item.title, children)
            section.active = True
            return section
    return item
