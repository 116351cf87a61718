"""Markdown to HTML for print, with exactly the extensions the site is built with.

The site generator (MkDocs or Zensical) and the PDF step read the same Markdown with the
same Python-Markdown extensions, so a page and its PDF cannot disagree.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import Any

import markdown
import nh3
from markupsafe import Markup, escape

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


_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: A reference-link definition (`[r]: https://...`) starts a line; user text may not make one.
_REFERENCE = re.compile(r"^( {0,3})\[(?=[^\]\n]*\]:)", re.MULTILINE)


def md_escape(value: Any) -> Any:
    """Make user text safe in Markdown: HTML is shown as text, Markdown still works.

    Text is read as Python-Markdown reads it (backslash escapes, then code spans of one
    line), so that what is left alone here is exactly what Markdown treats as code. Outside
    code, `& < >` become entities, `{` is escaped so no attribute list can attach to the
    text, and no line can define a reference link. Used as the Markdown environment's
    `finalize`: the result is `Markup`, so Jinja's autoescape leaves it alone, or (the
    quick way for most texts) a plain text that HTML escaping would leave unchanged.
    """
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    if not _SPECIAL_OR_QUOTE.search(value):
        return value  # HTML escaping leaves it as it is: Jinja's autoescape makes it Markup
    if not _SPECIAL.search(value):
        return Markup(value)  # noqa: S704 - nothing to escape
    return _escaped(str(value))


#: What `md_escape` may change; text without any of these is returned as it is.
_SPECIAL = re.compile(r"[\\`{&<>\[]")
#: The same, and what HTML escaping changes besides (quotes).
_SPECIAL_OR_QUOTE = re.compile(r"[\\`{&<>\[\"']")


@functools.lru_cache(maxsize=8192)
def _escaped(value: str) -> Markup:
    """`md_escape` of a text with something to escape (texts repeat across pages)."""
    text = _REFERENCE.sub(r"\1\\[", value)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] not in _HTML_SPECIAL:
            out.append(text[i : i + 2])  # a backslash escape stays as it is
            i += 2
        elif char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            close = _closing_ticks(text, i + run, run)
            if close is None:
                out.append("`" * run)
                i += run
            else:
                out.append(text[i : close + run])  # Markdown escapes code spans itself
                i = close + run
        elif char == "{":
            out.append("\\{")
            i += 1
        else:
            out.append(_HTML_SPECIAL.get(char, char))
            i += 1
    return Markup("".join(out))  # noqa: S704 - escaped just above


def _closing_ticks(text: str, start: int, run: int) -> int | None:
    """Where a run of exactly `run` backticks closes a code span on the same line."""
    i = start
    while i < len(text) and text[i] != "\n":
        if text[i] == "`":
            length = len(text[i:]) - len(text[i:].lstrip("`"))
            if length == run and i > start:
                return i
            i += length
        else:
            i += 1
    return None


def link_targets(text: str) -> tuple[list[str], list[str]]:
    """The links and the pictures a user's text makes, read by Markdown itself: what a
    reader would get, after escaping, references and every other rule are applied."""
    if "](" not in text:
        return [], []
    converter = _converter()
    finder = _Targets()
    finder.feed(converter.convert(str(md_escape(text))))
    return finder.links, finder.images


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") is not None:
            self.links.append(str(values["href"]))
        elif tag == "img":
            self.images.append(str(values.get("src") or ""))


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Html:
    body: str
    headings: tuple[Heading, ...]


def site_extensions(permalink_title: str = "Permanent link") -> list[Any]:
    """The `markdown_extensions` list of mkdocs.yml; `permalink_title` is what a heading's
    anchor says (as its title), in the site's language."""
    config = {**SITE_EXTENSION_CONFIG}
    config["toc"] = {**config["toc"], "permalink_title": permalink_title}
    return [{name: config[name]} if name in config else name for name in EXTENSIONS]


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


#: What the HTML of a page may hold: the tags and attributes Markdown and the built-in
#: templates make, form fields for the fillable forms, and links to the web and to email.
SAFE_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i input ins kbd label li mark ol option p pre s section select "
    "small span strong sub sup table tbody td textarea tfoot th thead tr u ul".split()
)
SAFE_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role"},
    "a": {"href"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "input": {"type", "name", "value", "checked", "disabled", "readonly"},
    "textarea": {"name", "rows", "cols", "readonly"},
    "select": {"name"},
    "option": {"value", "selected"},
    "label": {"for"},
    "abbr": {"title"},
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize(html: str) -> str:
    """The second line of defence: whatever got into a page's HTML, keep only safe markup.

    User text is already escaped before Markdown reads it (`render.md_escape`) and its
    links are checked when the project loads; this pass (nh3, the Ammonia sanitiser) makes
    sure no script, event handler, style sheet or `javascript:` link reaches a reader even
    if a template or an extension lets one through.
    """
    return nh3.clean(
        html,
        tags=set(SAFE_TAGS),
        attributes=SAFE_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        generic_attribute_prefixes={"aria-", "data-"},
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def to_html(text: str, *, id_prefix: str = "") -> Html:
    """Convert one artefact's Markdown; `id_prefix` keeps ids unique in a batch."""
    kept = _KEPT.get()
    if kept is None:
        return _to_html(text, id_prefix)
    return kept.convert(text, id_prefix)


#: A link and its text, as `sanitize` writes it (attributes in double quotes, no link in a link).
_LINK = re.compile(r'<a\b[^>]*?\shref="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
#: Where a link leads out of the document: to the web or to email (the schemes `sanitize`
#: keeps), or within it (`#...`). Anything else is a page of the site.
_LEADS_OUT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//|#")


def unlink_pages(body: str) -> str:
    """Print HTML without the links to other pages of the site (a guide's link to a session
    plan): a PDF is read on its own, printed or sent by email, where such a link leads
    nowhere. Their text stays; links to the web, to email and within the page stay."""
    return _LINK.sub(lambda m: m[0] if _LEADS_OUT.match(m[1]) else m[2], body)


def _to_html(text: str, id_prefix: str) -> Html:
    converter = _converter()
    body = unlink_pages(sanitize(converter.convert(text)))
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


_LITERAL = str.maketrans({c: f"&#{ord(c)};" for c in "*_`[]\\~^|{"})


def literal(value: Any) -> Markup:
    """The `literal` filter: a value (a person's name, a date) as HTML text that reads
    the same in Markdown and in raw HTML: escaped, on one line, every character Markdown
    acts on written as a character reference. Markup (a translated sentence with its
    values escaped) is already HTML."""
    html = value if isinstance(value, Markup) else escape(str(value))
    return Markup(" ".join(str(html).split()).translate(_LITERAL))  # noqa: S704 - escaped


# --- conversions kept between builds -----------------------------------------------------


class KeptConversions:
    """Markdown converted by the last build, kept in a JSON file of the output folder's
    `.mentorkit/` and used again for the same text: after one topic changed, only its pages
    are converted again.

    Each is filed under a digest of its text, its id prefix, this module's own code and the
    versions of Python-Markdown and nh3: whatever else changed, the text is converted
    afresh. A missing or unreadable file only means converting everything once.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.converted = 0
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("code") == _CODE_DIGEST:
            entries = data.get("entries")
            self.known = entries if isinstance(entries, dict) else {}

    def convert(self, text: str, id_prefix: str) -> Html:
        key = hashlib.sha256(f"{id_prefix}\0{text}".encode()).hexdigest()
        entry = self.known.get(key)
        html = _from_json(entry)
        if html is None:
            html = _to_html(text, id_prefix)
            self.converted += 1
            entry = {
                "body": html.body,
                "headings": [[h.level, h.id, h.title] for h in html.headings],
            }
        self.used[key] = entry
        return html

    def save(self) -> None:
        """Keep what this build converted or used (nothing else: the file does not grow)."""
        data = {"code": _CODE_DIGEST, "entries": self.used}
        temporary = self.path.with_name(f".tmp-{self.path.name}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


def _from_json(entry: Any) -> Html | None:
    """A kept conversion, or None when it is not one (a damaged file)."""
    try:
        headings = tuple(
            Heading(int(level), str(id_), str(title)) for level, id_, title in entry["headings"]
        )
        body = entry["body"]
    except (TypeError, KeyError, ValueError):
        return None
    return Html(body, headings) if isinstance(body, str) else None


def _code_digest() -> str:
    """This module's code and the versions of the libraries that shape its HTML."""
    hasher = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("markdown", "nh3"):
        try:
            hasher.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{name}=-".encode())
    return hasher.hexdigest()


_CODE_DIGEST = _code_digest()
_KEPT: ContextVar[KeptConversions | None] = ContextVar("kept_conversions", default=None)


@contextmanager
def kept_conversions(path: Path | None, *, save: bool = True) -> Iterator[KeptConversions | None]:
    """Within: `to_html` uses (and adds to) the conversions kept at `path`; saved on the way
    out when everything went well (or later by the caller: `save=False`). None: convert
    everything, keep nothing."""
    if path is None:
        yield None
        return
    kept = KeptConversions(path)
    token = _KEPT.set(kept)
    try:
        yield kept
    finally:
        _KEPT.reset(token)
    if save:
        kept.save()
