"""Pictures and fonts a project hands in: checked before anything reads or publishes them.

A logo is copied into the site and drawn in every PDF, a font is embedded in PDFs and
served by the site, so both are untrusted files. Each must be of the type its name says
(by its first bytes, not only its name), within a size limit, and an SVG must be a plain
picture: no script, no event handler, no link or file it would load from elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

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
_SVG_BANNED = frozenset({"script", "foreignobject", "iframe", "object", "embed", "handler"})
_SVG_LINKS = frozenset({"href", "src"})
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!#|data:image/)[^)]*\)|@import|expression\(", re.I)


def image_problem(path: Path) -> str | None:
    """Why a logo cannot be used, or None when it is fine."""
    return _size_problem(path, IMAGE_LIMIT) or (
        _svg_problem(path) if path.suffix.lower() == ".svg" else _signature_problem(path)
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


def _svg_problem(path: Path) -> str | None:
    text = path.read_bytes()
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        return "the SVG declares a DOCTYPE or entities; save it again as plain SVG"
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - no DTD or entity (checked above)
    except ElementTree.ParseError as error:
        return f"the SVG cannot be read ({error}); save it again as plain SVG"
    if _local(root.tag) != "svg":
        return "the file is not an SVG picture, though its name ends in .svg"
    for element in root.iter():
        name = _local(element.tag).lower()
        if name in _SVG_BANNED:
            return f"the SVG holds a <{name}> element, which could run code; remove it"
        for attribute, value in element.attrib.items():
            key = _local(attribute).lower()
            if key.startswith("on"):
                return f"the SVG has an event handler ({key}), which could run code; remove it"
            if key in _SVG_LINKS and not value.strip().startswith(("#", "data:image/")):
                return (
                    "the SVG links to another file or page, which a reader's browser would "
                    "load; embed the picture in the SVG instead"
                )
            if key == "style" and _CSS_URL.search(value):
                return "the SVG's style loads something from elsewhere; remove the url()"
        if name == "style" and _CSS_URL.search(element.text or ""):
            return "the SVG's style sheet loads something from elsewhere; remove the url()"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
