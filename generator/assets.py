"""Pictures and fonts a project hands in: checked before anything reads or publishes them.

A logo is copied into the site and drawn in every PDF, a font is embedded in PDFs and
served by the site, so both are untrusted files. Each must be of the type its name says
(by its first bytes, not only its name), within a size limit, and an SVG must be a plain
picture: no script, no event handler, no link or file it would load from elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from .errors import shorten

#: Largest logo and font accepted (a logo is usually under 200 kB, a font under 1 MB).
IMAGE_LIMIT = 5_000_000
FONT_LIMIT = 20_000_000

_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".ttf": (b"\x00\x01\x00\x00", b"true"),
    ".otf": (b"OTTO", b"\x00\x01\x00\x00"),
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
}
#: Elements that run code or show another document, whatever their namespace.
_SVG_BANNED = frozenset(
    {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"}
)
_XHTML = "http://www.w3.org/1999/xhtml"
_SVG_LINKS = frozenset({"href", "src"})
#: Pictures an SVG may hold inside itself (not SVG: an SVG inside an SVG could script).
_EMBEDDED = re.compile(r"^data:image/(?:png|jpeg|gif|webp)[;,]", re.I)
_ANIMATIONS = frozenset({"set", "animate", "animatecolor", "animatemotion", "animatetransform"})
_ANIMATED_VALUES = ("to", "from", "by", "values")
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_LOADS = re.compile(
    r"url\((?!['\"]?#)|@import|expression\(|image-set\(|image\(|-moz-binding|behavior\s*:",
    re.I,
)
_ADDRESS = re.compile(
    r"(?:^|[;,(\s'\"])(javascript|vbscript|livescript|data|file|https?|ftps?|jar|blob|about"
    r"|filesystem|wss?|smb):",
    re.I,
)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def image_problem(path: Path) -> str | None:
    """Why a logo cannot be used, or None when it is fine (an SVG is read further by
    `svg_problems`, whose problems are placed in the SVG)."""
    return _size_problem(path, IMAGE_LIMIT) or (
        None if path.suffix.lower() == ".svg" else _signature_problem(path)
    )


def font_problem(path: Path) -> str | None:
    """Why a font file cannot be used, or None when it is fine."""
    return _size_problem(path, FONT_LIMIT) or _signature_problem(path)


def _size_problem(path: Path, limit: int) -> str | None:
    size = path.stat().st_size
    if size > limit:
        return (
            f"the file is {size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB allowed; "
            "use a smaller file"
        )
    if size == 0:
        return "the file is empty"
    return None


def _signature_problem(path: Path) -> str | None:
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(16)
    if suffix == ".webp" and head[8:12] != b"WEBP":
        return "the file is not a WebP picture, though its name ends in .webp"
    if not head.startswith(_SIGNATURES.get(suffix, (b"",))):
        kind = suffix.lstrip(".").upper()
        return f"the file is not a {kind} file, though its name ends in {suffix}"
    return None


def svg_problems(path: Path) -> list[tuple[int, int, str]]:
    """Every reason an SVG logo cannot be used, as (line, column, message) in the SVG.

    The file is read by an XML parser (in the encoding its first bytes or its declaration
    give, UTF-16 too), never resolving a DOCTYPE or an entity, and must be a plain picture:
    no DOCTYPE, no processing instruction, no script or element that shows another page,
    no event handler, and no address of anything elsewhere, in any attribute or style
    (CSS escapes such as `\\75 rl(` read as what they stand for)."""
    return _SvgCheck().run(path.read_bytes())


class _Stop(Exception):
    """Nothing after a DOCTYPE is read: its entities are never expanded."""


class _SvgCheck:
    def __init__(self) -> None:
        self.found: list[tuple[int, int, str]] = []
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.parser.ProcessingInstructionHandler = self._instruction
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.ExternalEntityRefHandler = self._external
        self.depth = 0
        self.metadata = 0  # inside <metadata>: a description, never drawn nor loaded
        self.style: list[str] | None = None  # the text of a <style> being read
        self.style_at = (1, 0)

    def run(self, data: bytes) -> list[tuple[int, int, str]]:
        try:
            self.parser.Parse(data, True)
        except _Stop:
            pass
        except expat.ExpatError as error:
            self.found.append(
                (
                    error.lineno,
                    error.offset,
                    f"the SVG cannot be read ({expat.ErrorString(error.code)}); save it "
                    "again as plain SVG",
                )
            )
        return self.found

    def _add(self, message: str, at: tuple[int, int] | None = None) -> None:
        line, column = at or (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber)
        self.found.append((line, column, message))

    def _doctype(self, *_args: object) -> None:
        self._add(
            "the SVG declares a DOCTYPE or entities; save it again as plain SVG",
            (self.parser.CurrentLineNumber, 0),
        )
        raise _Stop

    def _external(self, *_args: object) -> int:
        self._add("the SVG refers to a file through an entity; save it again as plain SVG")
        raise _Stop

    def _instruction(self, target: str, _data: str) -> None:
        self._add(
            f"the SVG holds a processing instruction (<?{shorten(target, 40)} …?>), which "
            "could load a style sheet from elsewhere; remove it"
        )

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, _, local = tag.rpartition(" ")
        name = local.lower()
        self.depth += 1
        if self.depth == 1 and name != "svg":
            self._add("the file is not an SVG picture, though its name ends in .svg")
            raise _Stop
        if name == "metadata":
            self.metadata += 1
        if name in _SVG_BANNED:
            self._add(f"the SVG holds a <{local}> element, which could run code; remove it")
        elif namespace == _XHTML:
            self._add(
                f"the SVG holds an HTML element <{local}>, which could load or run "
                "something; remove it"
            )
        for attribute, value in attributes.items():
            self._attribute(name, attribute.rpartition(" ")[2], value, attributes)
        if name == "style":
            self.style = []
            self.style_at = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber)

    def _attribute(self, element: str, key: str, value: str, attributes: dict[str, str]) -> None:
        key = key.lower()
        if key.startswith("on"):
            self._add(f"the SVG has an event handler ({key}), which could run code; remove it")
            return
        css = _css_text(value)
        plain = _INVISIBLE.sub("", css)
        if key in _SVG_LINKS:
            if not (plain.startswith("#") or _EMBEDDED.match(plain)):
                self._add(
                    "the SVG links to another file or page, which a reader's browser would "
                    "load; embed the picture in the SVG instead"
                )
            return
        if self.metadata:
            return  # rdf:resource="http://creativecommons.org/…" names a licence, loads nothing
        if key == "style":
            if _CSS_LOADS.search(plain):
                self._add("the SVG's style loads something from elsewhere; remove the url()")
            return
        if _CSS_LOADS.search(plain):
            self._add(
                f"the SVG's `{key}` attribute loads something from elsewhere (url(…)); only "
                "url(#…), a part of the SVG itself, is allowed"
            )
        elif found := _ADDRESS.search(plain) or _ADDRESS.search(css):
            self._add(
                f"the SVG's `{key}` attribute holds an address ({found[1].lower()}:…), which a "
                "browser would load or run; remove it"
            )
        elif element in _ANIMATIONS and key in _ANIMATED_VALUES:
            target = attributes.get("attributeName", "").rpartition(":")[2].strip().lower()
            items = [i for i in plain.split(";") if i]
            if target in _SVG_LINKS and not all(i.startswith("#") for i in items):
                self._add(
                    f"the SVG's <{element}> sets a link to another file or page, which a "
                    "reader's browser would load; remove it"
                )

    def _end(self, tag: str) -> None:
        name = tag.rpartition(" ")[2].lower()
        self.depth -= 1
        if name == "metadata":
            self.metadata -= 1
        if name == "style" and self.style is not None:
            css = _INVISIBLE.sub("", _css_text("".join(self.style)))
            if _CSS_LOADS.search(css):
                self._add(
                    "the SVG's style sheet loads something from elsewhere; remove the url()",
                    self.style_at,
                )
            self.style = None

    def _text(self, text: str) -> None:
        if self.style is not None:
            self.style.append(text)


def _css_text(value: str) -> str:
    """CSS as a browser reads it: comments dropped, escapes (`\\75 rl(`) made characters."""

    def unescape(match: re.Match[str]) -> str:
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match[2]

    return _CSS_ESCAPE.sub(unescape, _CSS_COMMENT.sub("", value))
