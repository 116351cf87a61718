"""Assembly: a pair's pack and its two certificates, cut and joined with their tags.

Runs in the main process as each job comes back. `tagged.join` keeps the structure tree,
the language and the reading order of the pages it copies, so packs and certificates are
PDF/UA-1 like the programme's own PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..tagged import Part, Tagged, join
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
    """The shared pages, opened once, and a bookmark (title, first page) for each part."""

    source: Tagged
    bookmarks: tuple[tuple[str, int], ...]


def pack(source: Tagged, pair: LaidOutPair, title: str, shared: Shared, labels: Labels) -> bytes:
    """The pair's cover and agreement front, then the shared pages, bookmarked."""
    (cover, _), (agreement, end) = pair.parts[0], pair.parts[1]
    own = end - cover
    outline = [(labels.cover, 0), (labels.agreement, agreement - cover)]
    outline += [(name, own + page) for name, page in shared.bookmarks]
    return join(
        [Part(source, cover, end), Part(shared.source, 0, len(shared.source))],
        title,
        labels.lang,
        outline,
        labels.author,
    )


def certificates(
    source: Tagged, pair: LaidOutPair, names: tuple[str, str], labels: Labels
) -> dict[str, bytes]:
    """Each person's certificate as a file of its own, by person id."""
    made = {}
    for person_id, name, (first, last) in zip(
        (pair.mentor_id, pair.mentee_id), names, pair.parts[2:], strict=True
    ):
        title = labels.certificate % {"name": name}
        made[person_id] = join([Part(source, first, last)], title, labels.lang, (), labels.author)
    return made
