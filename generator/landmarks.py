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

#: The class of the named box a table sits in (see site/stylesheets/extra.css).
TABLE_BOX = "mk-table"
_HIDDEN = "mk-hidden"  # text only screen readers read (site/stylesheets/extra.css)
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


# The tags that name landmarks, found by one regular expression: a page is scanned, not
# parsed (Python's HTMLParser took 3 ms a page, 6 s of a 1,859-page site).
_TAG = re.compile(r"<(/?)(nav|label|title|article|h[1-6]|table)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
# Where tags are no tags: scripts, styles and comments.
_OPAQUE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_PERMALINK = re.compile(r"<a\b[^>]*\bheaderlink\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_LAST_START_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)([^>]*)>(?:[^<]|</[^>]*>)*\Z")


def _attributes(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(text):
        value = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4) or ""
        values.setdefault(m.group(1).lower(), html.unescape(value))
    return values


def _text(page: str, start: int, end: int) -> list[str]:
    return [html.unescape(_ANY_TAG.sub("", _PERMALINK.sub("", page[start:end])))]


class _Reader:
    """Where a page's navs, toggles, headings and tables are, and their text."""

    def __init__(self, page: str) -> None:
        self.navs: list[_Nav] = []
        self.labels: dict[str, tuple[int, list[str]]] = {}  # id: end of start tag, text
        self.tables: list[_Table] = []
        self.title: list[str] = []
        opaque = [(m.start(), m.end()) for m in _OPAQUE.finditer(page)]
        open_navs: list[int] = []
        texts: list[tuple[str, int, list[str]]] = []  # tag, where its text starts, the text
        headings: list[tuple[int, list[str]]] = []  # level, text: the open sections
        article = 0
        hidden = 0  # index in `opaque`
        for m in _TAG.finditer(page):
            start, end = m.span()
            while hidden < len(opaque) and opaque[hidden][1] <= start:
                hidden += 1
            if hidden < len(opaque) and opaque[hidden][0] <= start:
                continue
            closing, tag = m.group(1), m.group(2).lower()
            if closing:
                if tag == "nav" and open_navs:
                    open_navs.pop()
                elif tag == "article":
                    article -= 1
                elif tag == "table" and self.tables and self.tables[-1].end < 0:
                    self.tables[-1].end = end
                if texts and texts[-1][0] == tag:
                    _, begin, text = texts.pop()
                    text.extend(_text(page, begin, start))
                continue
            values = _attributes(m.group(3))
            classes = values.get("class", "").split()
            if tag == "nav":
                self.navs.append(
                    _Nav(
                        start,
                        end,
                        values.get("aria-label"),
                        values.get("aria-labelledby"),
                        open_navs[-1] if open_navs else None,
                        "md-nav--secondary" in classes,
                    )
                )
                open_navs.append(len(self.navs) - 1)
            elif tag == "label" and "id" in values:
                self.labels[values["id"]] = (end, [])
                texts.append((tag, end, self.labels[values["id"]][1]))
            elif tag == "label" and "md-nav__title" in classes and open_navs:
                texts.append((tag, end, self.navs[open_navs[-1]].title))
            elif tag == "title":
                texts.append((tag, end, self.title))
            elif tag == "article":
                article += 1
            elif tag[0] == "h" and article:
                level = int(tag[1])
                while headings and headings[-1][0] >= level:
                    headings.pop()
                headings.append((level, []))
                texts.append((tag, end, headings[-1][1]))
            elif tag == "table" and "class" not in values and article:
                before = _LAST_START_TAG.search(page, max(0, start - 400), start)
                boxed = (
                    before is not None
                    and before.group(1).lower() == "div"
                    and _attributes(before.group(2)).get("class") == TABLE_BOX
                )
                named = ["".join(t).strip() for _, t in reversed(headings)]
                self.tables.append(_Table(start, headings=[h for h in named if h], boxed=boxed))


def name_landmarks(page: str) -> str:
    """`page` (a whole HTML page) with every landmark named, and each name its own."""
    if "<nav" not in page and "<table" not in page:
        return page
    reader = _Reader(page)
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
