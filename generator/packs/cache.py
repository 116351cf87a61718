"""The cache: layouts kept between builds, by a digest of everything that made them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..pdf import files_digest

T = TypeVar("T")


class LayoutCache:
    """Layouts by a digest of their HTML, stylesheet, files and versions. The pages every
    pack shares depend on the programme and the templates, never on the roster; a pair's
    own pages depend on that pair only. A coordinator who edits a row of pairs.csv and
    builds again waits for that pair's pages alone. Entries not used by a build are
    removed after it, so a pair no longer in the programme leaves nothing behind."""

    def __init__(self, folder: Path | None, salt: str, roots: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.salt = salt
        self.roots = roots
        self.used: set[str] = set()
        self.hits = 0

    def key(self, kind: str, *parts: str) -> str:
        hasher = hashlib.sha256(self.salt.encode())
        for part in (kind, *parts, files_digest(*parts, roots=self.roots)):
            hasher.update(part.encode())
            hasher.update(b"\0")
        return f"{kind}-{hasher.hexdigest()[:32]}"

    def get(self, key: str, read: Callable[[Any], T | None]) -> tuple[bytes, T] | None:
        """The layout kept under `key` with its pages as `read` makes them of its record,
        or None when there is none or it is damaged (a build stopped while writing it, a
        full disk, pages `read` does not take): then it is laid out again."""
        self.used.add(key)
        if self.folder is None:
            return None
        try:
            data = (self.folder / f"{key}.pdf").read_bytes()
            record = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("sha256") != _digest(data):
            return None
        pages = read(record.get("meta"))
        if pages is None:
            return None
        self.hits += 1
        return data, pages

    def put(self, key: str, pdf_bytes: bytes, meta: Any) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{key}.pdf").write_bytes(pdf_bytes)
        record = {"sha256": _digest(pdf_bytes), "meta": meta}
        (self.folder / f"{key}.json").write_text(json.dumps(record), encoding="utf-8")

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used:
                path.unlink()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
