"""MkDocs hooks of every generated site (copied next to its mkdocs.yml).

The second line of defence for the site, as `markup.sanitize` is for the PDFs: each
page's HTML is cleaned before the theme wraps it, so no script, event handler or
`javascript:` link from any source reaches a reader. Then two repairs for screen readers:
a table whose header row is empty (a list of labels and values) loses that row and gets
its labels as row headers, and a page in another language than the site says so. A line
break also leaves a space, so search snippets keep words apart.

And the navigation of a big site: Material renders the whole navigation into every page,
so mkdocs.yml lists tracks, areas and the programme's own pages only, and each topic's
pages get, on their own pages alone, their track opened on the topic and its sessions
(`extra.mentorkit.local_nav`, written by `site.write_project`). What a page costs no
longer grows with the library.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from mkdocs.structure.nav import Navigation, Section

from generator.markup import sanitize

_files: dict[str, Any] = {}


_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_EMPTY_HEAD = re.compile(r"\s*<thead>\s*<tr>\s*(?:<th[^>]*>\s*</th>\s*)+</tr>\s*</thead>")
_ROW_START = re.compile(r"<tr>\s*<td([^>]*)>(.*?)</td>", re.DOTALL)
_FIXED = re.compile(r"<(?:h2|th)(?:\s[^>]*)?>")
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def on_page_content(html: str, page: Any = None, config: Any = None, **_kwargs: Any) -> str:
    html = _TABLE.sub(_label_rows, sanitize(html))
    # Search indexes text as it stands between tags: a line break must leave a space, or a
    # snippet reads "1 hourTuesday".
    html = html.replace("<br>", "<br>\n")
    language = _page_language(page)
    if language:
        html = _in_language(html, language, _site_language(config))
    return html


def _in_language(html: str, language: str, site: str | None) -> str:
    """The page's text in `language`; its section headings and table headers, which the
    templates write in the site's language, keep that one."""
    if site:
        html = _FIXED.sub(lambda m: f'{m.group(0)[:-1]} lang="{site}">', html)
    return f'<div lang="{language}">\n{html}\n</div>'


def _site_language(config: Any) -> str | None:
    theme = getattr(config, "theme", None) if config is not None else None
    value = theme.get("language") if theme is not None else None
    return value if isinstance(value, str) and _LANG.match(value) else None


def _label_rows(match: re.Match[str]) -> str:
    body = match.group(1)
    head = _EMPTY_HEAD.match(body)
    if head is None:
        return match.group(0)
    rows = _ROW_START.sub(r'<tr>\n<th scope="row"\1>\2</th>', body[head.end() :])
    return f"<table>{rows}</table>"


def _page_language(page: Any) -> str | None:
    """The language of a page's own text (a topic in another language than the site)."""
    meta = getattr(page, "meta", None) or {}
    value = meta.get("lang")
    return value if isinstance(value, str) and _LANG.match(value) else None


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
