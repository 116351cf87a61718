"""MkDocs hooks of every generated site (copied next to its mkdocs.yml).

The second line of defence for the site, as `markup.sanitize` is for the PDFs: each
page's HTML is cleaned before the theme wraps it, so no script, event handler or
`javascript:` link from any source reaches a reader. Then two repairs for screen readers:
a table whose header row is empty (a list of labels and values) loses that row and gets
its labels as row headers, and a page in another language than the site says so. A line
break also leaves a space, so search snippets keep words apart. And each finished page
gets its landmarks named (`landmarks.name_landmarks`), as a Zensical build's pages do.

And the navigation of a big site: Material renders the whole navigation into every page,
so mkdocs.yml lists tracks, areas and the programme's own pages only, and each topic's
pages get, on their own pages alone, their track opened on the topic and its sessions
(`extra.mentorkit.local_nav`, written by `site.write_project`). What a page costs no
longer grows with the library.

And incremental builds: when the navigation, every page's title and everything but some
pages' text is as in the last build (`site.build` decides), the pages whose source is
unchanged are listed in `KEPT_FILE` next to mkdocs.yml. They are read (their titles and
metadata serve the other pages) but neither converted nor rendered: their HTML is the last
build's, copied in afterwards; their anchors and links to anchors are the last build's
(so links are checked as in a full build), and so are their search entries, put back in
the search index in the place a full build gives them. Every build records, in
`PAGES_FILE`, each page's file, anchors and links to anchors, for the next one.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation, Section

from generator.landmarks import name_landmarks
from generator.markup import sanitize

KEPT_FILE = "mentorkit-kept.json"  # written by site.build: the pages kept from the last build
PAGES_FILE = "mentorkit-pages.json"  # written here: what the next build needs of each page
KEPT_TEMPLATE = "mentorkit-kept.html"  # an empty template: MkDocs writes no file for a page
SEARCH_INDEX = ("search", "search_index.json")

_files: dict[str, Any] = {}
_kept: dict[str, Any] = {}  # source path of a kept page: its anchors and links, last build's
_previous: dict[str, Any] = {}  # where the last build's site is
_pages: dict[str, Any] = {}  # this build's record of each page, in the order they are built


def on_config(config: Any, **_kwargs: Any) -> Any:
    _kept.clear()
    _previous.clear()
    _pages.clear()
    sidecar = Path(config.config_file_path).parent / KEPT_FILE
    if sidecar.is_file():
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        _kept.update(data["pages"])
        _previous["site"] = data["site"]
    return config


def on_page_markdown(markdown: str, page: Any, **_kwargs: Any) -> str:
    """A kept page is read, not converted: its first heading alone is left, which gives its
    title when its metadata has none (as the whole page would)."""
    if page.file.src_uri not in _kept:
        return markdown
    page.meta["template"] = KEPT_TEMPLATE
    first = markdown.split("\n", 1)[0]
    return first if first.startswith("# ") else ""


_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_EMPTY_HEAD = re.compile(r"\s*<thead>\s*<tr>\s*(?:<th[^>]*>\s*</th>\s*)+</tr>\s*</thead>")
_ROW_START = re.compile(r"<tr>\s*<td([^>]*)>(.*?)</td>", re.DOTALL)
_FIXED = re.compile(r"<(?:h2|th)(?:\s[^>]*)?>")
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_BREAK = re.compile(r"<br>[ \t\n]*")


def on_page_content(
    html: str, page: Any = None, config: Any = None, files: Any = None, **_kwargs: Any
) -> str:
    kept = _kept.get(page.file.src_uri) if page is not None else None
    if kept is not None:
        # What a full build would know of the page, for checking the other pages' links.
        page.present_anchor_ids = set(kept["anchors"])
        links = {}
        for target, anchors in kept["links"].items():
            file = files.get_file_from_path(target) if files is not None else None
            if file is not None:
                links[file] = dict(anchors)
        page.links_to_anchors = links
        return html
    html = _TABLE.sub(_label_rows, sanitize(html))
    # Search indexes text as it stands between tags: a line break must leave a space, or a
    # snippet reads "1 hourTuesday" (the templates leave one, for Zensical; one is enough).
    html = _BREAK.sub("<br>\n", html)
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


def on_post_page(output: str, **_kwargs: Any) -> str:
    return name_landmarks(output)


def on_files(files: Any, **_kwargs: Any) -> Any:
    _files["files"] = files
    return files


def on_page_context(context: dict[str, Any], page: Any, config: Any, nav: Navigation) -> Any:
    _record(page)
    if page.file.src_uri in _kept:
        return context  # not rendered
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
    # The footer's Previous and Next step through the topic's pages in order, from the
    # track's page and on to the track's next topic (the navigation, which holds neither,
    # gives none).
    here = [p.file.src_uri for p in pages].index(page.file.src_uri)
    parent = files.get_file_from_path(section["parent"])
    after = files.get_file_from_path(section["next"]) if section.get("next") else None
    page.previous_page = pages[here - 1] if here else (parent.page if parent else None)
    page.next_page = pages[here + 1] if here + 1 < len(pages) else (after.page if after else None)
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


def _record(page: Any) -> None:
    links = page.links_to_anchors or {}
    _pages[page.file.src_uri] = {
        "dest": page.file.dest_uri,
        "url": page.url,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links": {
            target.src_uri: dict(sorted(anchors.items()))
            for target, anchors in sorted(links.items(), key=lambda item: item[0].src_uri)
        },
    }


@event_priority(-50)  # after the search plugin writes its index, before offline inlines it
def on_post_build(config: Any, **_kwargs: Any) -> None:
    complete = True
    if _kept:
        complete = _restore_search_entries(Path(config.site_dir))
    record = {"complete": complete, "pages": _pages}
    path = Path(config.config_file_path).parent / PAGES_FILE
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def _restore_search_entries(site_dir: Path) -> bool:
    """Put the kept pages' search entries (the last build's) in the index, in the order of
    the pages, as a full build has them; False when the index holds entries of no page
    (then the caller builds everything)."""
    index = site_dir.joinpath(*SEARCH_INDEX)
    previous = Path(_previous["site"]).joinpath(*SEARCH_INDEX)
    if not index.is_file():
        return True  # no search plugin
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
        old = _by_page(json.loads(previous.read_text(encoding="utf-8"))["docs"])
        new = _by_page(data["docs"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False  # not as the search plugin writes it: the caller builds everything
    urls = {uri: page["url"] for uri, page in _pages.items()}
    if not set(new) <= set(urls.values()):
        return False
    docs = []
    for uri, url in urls.items():
        docs.extend((old if uri in _kept else new).get(url, []))
    data["docs"] = docs
    # As the search plugin writes it.
    index.write_bytes(json.dumps(data, separators=(",", ":"), default=str).encode("utf-8"))
    return True


def _by_page(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    pages: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        pages.setdefault(str(entry["location"]).split("#", 1)[0], []).append(entry)
    return pages
