"""Assembly: a pair's pack and its two certificates, cut and joined with their tags.

Runs in the main process as each job comes back. `tagged.join` keeps the structure tree,
the language and the reading order of the pages it copies, so packs and certificates are
PDF/UA-1 like the programme's own PDFs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..tagged import Base, Part, Tagged, join
from .rendering import LaidOutPair


@dataclass(frozen=True)
class Labels:
    """The words of the files' titles and bookmarks, in the programme's language."""

    lang: str
    author: str
    cover: str  # bookmark of the pair's first page
    agreement: str  # bookmark of the agreement's front
    certificate: str  # "Certificate of completion: %(name)s"


@dataclass(frozen=True)
class Shared:
    """The shared pages: each part's anchor, bookmark and pages; `base` puts a pair's pages
    in front of all of them without copying them."""

    base: Base
    anchors: tuple[str, ...]
    titles: tuple[str, ...]
    firsts: tuple[int, ...]

    @functools.cached_property
    def source(self) -> Tagged:
        """The shared pages opened for copying, only when a pack takes some of them."""
        return Tagged(self.base.data)

    def pages(self, number: int) -> tuple[int, int]:
        if number + 1 < len(self.firsts):
            return self.firsts[number], self.firsts[number + 1]
        return self.firsts[number], len(self.base.page_numbers)


def pack(
    source: Tagged,
    pair: LaidOutPair,
    title: str,
    shared: Shared,
    labels: Labels,
    wanted: Sequence[str] | None = None,
) -> bytes:
    """The pair's cover and agreement front, then the shared parts (all, or those whose
    anchors are `wanted`, in that order: a personal track's own plans), bookmarked.

    With all the shared parts in their order, the pack is the shared file with the pair's
    pages put in front (`Base.prepend`); a personal track's selection is joined afresh."""
    (cover, _), (agreement, end) = pair.parts[0], pair.parts[1]
    own = Part(source, cover, end)
    outline = [(labels.cover, 0), (labels.agreement, agreement - cover)]
    page = end - cover
    numbers = {anchor: n for n, anchor in enumerate(shared.anchors)}
    ranges = []
    for anchor in shared.anchors if wanted is None else wanted:
        number = numbers[anchor]
        first, last = shared.pages(number)
        outline.append((shared.titles[number], page))
        ranges.append((first, last))
        page += last - first
    if wanted is None and shared.firsts[:1] == (0,):  # every shared page, in its order
        return shared.base.prepend(own, title, labels.lang, outline, labels.author)
    parts = [own, *(Part(shared.source, first, last) for first, last in ranges)]
    return join(parts, title, labels.lang, outline, labels.author)


def certificates(
    source: Tagged, pair: LaidOutPair, names: tuple[str, str], labels: Labels
) -> dict[str, bytes]:
    """Each person's certificate as a file of its own, by person id (none when the
    programme gives no certificates)."""
    made: dict[str, bytes] = {}
    if len(pair.parts) == 2:
        return made
    for person_id, name, (first, last) in zip(
        (pair.mentor_id, pair.mentee_id), names, pair.parts[2:], strict=True
    ):
        title = labels.certificate % {"name": name}
        made[person_id] = join([Part(source, first, last)], title, labels.lang, (), labels.author)
    return made
