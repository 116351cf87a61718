"""Names of a site page's landmarks, written into the HTML the site serves.

A screen reader lists a page's landmarks by role and name; two alike cannot be told
apart, and one with no name says nothing. Material for MkDocs and Zensical leave three
kinds so: the navigation list of a section that has a page of its own (a track, a topic)
is named by its toggle, which shows an arrow only; a whole topic's table of contents
repeats each session's headings (Activities, Handouts); and a table gets a scrolling box
from the theme's script, with no name. `name_landmarks` names them in the page itself, so
that a reader with scripts off, or before they run, hears the same names: the toggle gets
its section's title as hidden text, a repeated name also gives the section it is in
("Handouts, Kick-off"), and every table sits in a named box that scrolls sideways and
takes keyboard focus. Run on every page, by the MkDocs hook and after a Zensical build.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: The class of the named box a table sits in (see site/stylesheets/extra.css).
TABLE_BOX = "mk-table"
_HIDDEN = "mk-hidden"  # text only screen readers read (site/stylesheets/extra.css)
_HEADING = re.compile(r"h[1-6]")
_ARIA_LABEL = re.compile(r"""\saria-label=(?:"[^"]*"|'[^']*')""")


@dataclass
class _Nav:
    start: int  # offset of `<nav`
    end: int  # offset just after the start tag
    label: str | None  # aria-label
    labelledby: str | None
    parent: int | None  # index of the enclosing nav
    toc: bool  # a table of contents' own landmark (md-nav--secondary)
    title: list[str] = field(default_factory=list)  # text of its .md-nav__title


@dataclass
class _Table:
    start: int
    end: int = -1  # offset just after `</table>`
    headings: list[str] = field(default_factory=list)  # the one above it, then its sections
    boxed: bool = False  # already in a named box (the page was done before)


class _Reader(HTMLParser):
    """Where a page's navs, toggles, headings and tables are, and their text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        self.lines += [m.end() for m in re.finditer("\n", page)]
        self.page = page
        self.navs: list[_Nav] = []
        self.labels: dict[str, tuple[int, list[str]]] = {}  # id: end of start tag, text
        self.tables: list[_Table] = []
        self.title: list[str] = []
        self._open_navs: list[int] = []
        self._texts: list[tuple[str, list[str]]] = []  # elements whose text is wanted
        self._headings: list[tuple[int, list[str]]] = []  # level, text: the open sections
        self._article = 0
        self._skip = 0  # inside a heading's permanent link
        self._last_div: str | None = None  # class of the last <div> opened

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = values.get("class", "").split()
        start = self._offset()
        text = self.get_starttag_text() or ""
        end = start + len(text)
        if tag == "nav":
            self.navs.append(
                _Nav(
                    start,
                    end,
                    values.get("aria-label"),
                    values.get("aria-labelledby"),
                    self._open_navs[-1] if self._open_navs else None,
                    "md-nav--secondary" in classes,
                )
            )
            self._open_navs.append(len(self.navs) - 1)
        elif tag == "label" and "id" in values:
            self.labels[values["id"]] = (end, [])
            self._texts.append((tag, self.labels[values["id"]][1]))
        elif tag == "label" and "md-nav__title" in classes and self._open_navs:
            self._texts.append((tag, self.navs[self._open_navs[-1]].title))
        elif tag == "title":
            self._texts.append((tag, self.title))
        elif tag == "article":
            self._article += 1
        elif _HEADING.fullmatch(tag) and self._article:
            level = int(tag[1])
            while self._headings and self._headings[-1][0] >= level:
                self._headings.pop()
            self._headings.append((level, []))
            self._texts.append((tag, self._headings[-1][1]))
        elif tag == "a" and "headerlink" in classes:
            self._skip += 1
        elif tag == "table" and "class" not in values and self._article:
            boxed = self._last_div == TABLE_BOX
            headings = ["".join(t).strip() for _, t in reversed(self._headings)]
            self.tables.append(_Table(start, headings=[h for h in headings if h], boxed=boxed))
        if tag == "div":
            self._last_div = values.get("class")
        elif tag != "table":
            self._last_div = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._open_navs:
            self._open_navs.pop()
        elif tag == "article":
            self._article -= 1
        elif tag == "a" and self._skip:
            self._skip -= 1
        elif tag == "table" and self.tables and self.tables[-1].end < 0:
            start = self._offset()
            self.tables[-1].end = self.page.index(">", start) + 1
        if self._texts and self._texts[-1][0] == tag:
            self._texts.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            for _, text in self._texts:
                text.append(data)


def name_landmarks(page: str) -> str:
    """`page` (a whole HTML page) with every landmark named, and each name its own."""
    if "<nav" not in page and "<table" not in page:
        return page
    reader = _Reader(page)
    reader.feed(page)
    reader.close()
    names = [_own_name(nav, reader.labels) for nav in reader.navs]
    # The table of contents comes twice (in the side bar and, on narrow screens, in the
    # navigation), one shown at a time: each copy is named alone, against the others.
    trees = [_tree(reader.navs, i) for i in range(len(reader.navs))]
    rest = [i for i, tree in enumerate(trees) if tree is None]
    final = dict(zip(rest, _unique([_chain(reader.navs, names, i) for i in rest]), strict=True))
    taken = set(final.values())
    for root in sorted({t for t in trees if t is not None}):
        members = [i for i, tree in enumerate(trees) if tree == root and i != root]
        chains = [_chain(reader.navs, names, i, stop=root) for i in members]
        final.update(zip(members, _unique(chains, taken), strict=True))
    edits: list[tuple[int, int, str]] = []  # start, end, replacement
    for i, nav in enumerate(reader.navs):
        name = final.get(i)
        if not name:
            continue
        if nav.label is not None and name != nav.label:
            tag = page[nav.start : nav.end]
            at = _ARIA_LABEL.search(tag)
            if at is not None:
                new = f'{tag[: at.start()]} aria-label="{_attr(name)}"{tag[at.end() :]}'
                edits.append((nav.start, nav.end, new))
        elif nav.label is None and nav.labelledby in reader.labels:
            end, text = reader.labels[nav.labelledby]
            if not _clean(text):
                # The theme's script finds the list by this reference: it stays, and the
                # toggle it names (an arrow) gets the section's name as hidden text.
                hidden = f'<span class="{_HIDDEN}">{html.escape(name, quote=False)}</span>'
                edits.append((end, end, hidden))
    fallback = _clean(reader.title)
    tables = [t for t in reader.tables if t.end > 0]
    chains = [t.headings or [fallback] for t in tables]
    for table, name in zip(tables, _unique(chains), strict=True):
        if table.boxed:
            continue
        box = f'<div class="{TABLE_BOX}" role="region" tabindex="0" aria-label="{_attr(name)}">'
        edits.append((table.start, table.start, box))
        edits.append((table.end, table.end, "</div>"))
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        page = page[:start] + new + page[end:]
    return page


def _own_name(nav: _Nav, labels: dict[str, tuple[int, list[str]]]) -> str:
    if nav.label is not None:
        return nav.label
    label = labels.get(nav.labelledby or "")
    return _clean(label[1]) if label and _clean(label[1]) else _clean(nav.title)


def _tree(navs: list[_Nav], index: int) -> int | None:
    """The table of contents `index` is in (its root nav), or None."""
    at: int | None = index
    while at is not None:
        if navs[at].toc:
            return at
        at = navs[at].parent
    return None


def _chain(navs: list[_Nav], names: list[str], index: int, stop: int | None = None) -> list[str]:
    """The nav's own name, then the names of the navs it is in (up to `stop`)."""
    chain = []
    at: int | None = index
    while at is not None and at != stop:
        if names[at]:
            chain.append(names[at])
        at = navs[at].parent
    return chain


def _unique(chains: list[list[str]], taken: Iterable[str] = ()) -> list[str]:
    """A name for each chain (its own name, then the names of what it is in): where two
    names are alike, or one is `taken`, each says what it is in, as far as that tells
    them apart; a number tells apart what is still alike."""
    taken = set(taken)
    depth = [1] * len(chains)

    def name(i: int) -> str:
        return ", ".join(chains[i][: depth[i]])

    while True:
        counts = Counter(name(i) for i in range(len(chains)))
        grow = [
            i
            for i in range(len(chains))
            if (counts[name(i)] > 1 or name(i) in taken) and depth[i] < len(chains[i])
        ]
        if not grow:
            break
        for i in grow:
            depth[i] += 1
    result = []
    used = set(taken)
    for i in range(len(chains)):
        base = name(i)
        final, n = base, 2
        while final in used and base:
            final, n = f"{base} ({n})", n + 1
        used.add(final)
        result.append(final)
    return result


def _clean(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _attr(value: str) -> str:
    return html.escape(value, quote=True)
