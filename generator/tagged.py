"""Pages of tagged PDFs joined into one tagged PDF, their structure kept.

A pair's pack is its own pages (laid out for the pair) followed by the pages every pack
shares (laid out once); a certificate is one page of the pair's document. Both come out
of WeasyPrint as PDF/UA-1: a structure tree that says what each piece of text is (heading,
paragraph, table cell) in reading order, and the language. Copying pages with a PDF
library keeps what is drawn but drops that tree, so a screen reader would get an untagged
file. `join` copies the tree with the pages.

It relies only on what the PDF standard (ISO 32000-1, 14.7) says a tagged PDF holds, and
on one property of WeasyPrint's output that `Tagged` checks rather than assumes: every
element under the document's root element lies on one page (`/Pg`), so the elements of a
page can be taken without the rest. The text of the page margins stays outside the tree,
as WeasyPrint leaves it (see its issue 1836: a screen reader should not read the running
head on every page).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String


class UntaggedError(ValueError):
    """A PDF that is not tagged the way `join` needs."""


class Tagged:
    """A tagged PDF, opened once and indexed: the elements of each page.

    Opening detaches each top-level element from its parent (in this copy only), so that
    copying an element copies its own subtree, never the whole document through `/P`.
    """

    def __init__(self, data: bytes) -> None:
        self.pdf = pikepdf.open(io.BytesIO(data))
        root = self.pdf.Root.get("/StructTreeRoot")
        if root is None:
            raise UntaggedError("the PDF has no structure tree")
        kids = root.K if isinstance(root.K, Array) else Array([root.K])
        number: dict[Any, int] = {page.objgen: n for n, page in enumerate(self.pdf.pages)}
        documents = {document.objgen for document in kids}
        tops = [element for document in kids for element in _kids(document)]
        parents = _number_tree(root.get("/ParentTree"))
        # WeasyPrint marks the text of the page margins (running heads, page numbers) with
        # the document as parent but leaves it out of the document's kids, so that a screen
        # reader skips it: `margins` keeps those apart, to be copied the same way.
        listed = {element.objgen for element in tops}
        margins = []
        for value in parents.values():
            for element in value if isinstance(value, Array) else [value]:
                top = _top(element, documents)
                if top is not None and top.objgen not in listed:
                    listed.add(top.objgen)
                    margins.append(top)
        # Per page: its elements, and its margins' (kept out of the document's kids).
        found: dict[int, tuple[list[Any], list[Any]]] = {n: ([], []) for n in number.values()}
        for side, elements in ((0, tops), (1, margins)):
            for element in elements:
                if not isinstance(element, Dictionary) or "/Pg" not in element:
                    raise UntaggedError("an element of the document is on no page")
                page = number.get(element.Pg.objgen)
                if page is None:
                    raise UntaggedError("an element of the document is on no page of it")
                del element["/P"]  # detached: copying it copies its own subtree only
                found[page][side].append(element)
        # Held as indirect arrays, once: `join` copies them into every file it makes.
        self.holders = {
            page: (self.pdf.make_indirect(Array(own)), self.pdf.make_indirect(Array(margin)))
            for page, (own, margin) in found.items()
        }
        self.parents = {
            key: value if value.is_indirect else self.pdf.make_indirect(value)
            for key, value in parents.items()
        }

    def __len__(self) -> int:
        return len(self.pdf.pages)


@dataclass(frozen=True)
class Part:
    """Pages `first` to `last` (excluded) of a tagged PDF."""

    source: Tagged
    first: int
    last: int


def join(
    parts: Sequence[Part],
    title: str,
    lang: str,
    outline: Sequence[tuple[str, int]] = (),
    author: str = "",
) -> bytes:
    """One PDF/UA file of the parts' pages in order, with their structure, the language,
    the title shown instead of the file name, and a bookmark per (title, page)."""
    pdf = pikepdf.new()
    for part in parts:  # the pages first: elements copied next point at these copies
        pdf.pages.extend(part.source.pdf.pages[part.first : part.last])
    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, P=tree_root, K=Array())
    )
    numbers: Any = Array()  # the parent tree: key, then what it maps to
    key = 0
    index = 0
    for part in parts:
        source = part.source
        for number in range(part.first, part.last):
            page = pdf.pages[index]
            index += 1
            old = int(source.pdf.pages[number].obj.get("/StructParents", -1))
            elements, margins = source.holders[number]
            for element in pdf.copy_foreign(elements):
                element.P = document
                document.K.append(element)
            for element in pdf.copy_foreign(margins):
                element.P = document  # outside the document's kids, as WeasyPrint makes them
            if old in source.parents:
                numbers.extend([key, pdf.copy_foreign(source.parents[old])])
                page.obj.StructParents = key
                key += 1
            elif "/StructParents" in page.obj:
                del page.obj["/StructParents"]
            for annotation in page.obj.get("/Annots", Array()):
                parent = int(annotation.get("/StructParent", -1))
                if parent in source.parents:
                    numbers.extend([key, pdf.copy_foreign(source.parents[parent])])
                    annotation.StructParent = key
                    key += 1
    tree_root.K = Array([document])
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=numbers))
    tree_root.ParentTreeNextKey = key
    pdf.Root.StructTreeRoot = tree_root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String(lang)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    pdf.Root.Metadata = pdf.make_stream(_xmp(title, author), Type=Name.Metadata, Subtype=Name.XML)
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Creator"] = "mentorkit"
    if author:
        pdf.docinfo["/Author"] = author
    if outline:
        with pdf.open_outline() as tree:
            for name, page_number in outline:
                tree.root.append(pikepdf.OutlineItem(name, page_number))
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        deterministic_id=True,
        compress_streams=True,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,  # copied as they are
        object_stream_mode=pikepdf.ObjectStreamMode.generate,  # smaller, and faster here
        min_version="1.7",
    )
    return buffer.getvalue()


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _top(element: Any, documents: set[tuple[int, int]]) -> Any:
    """The element's ancestor whose parent is a document element, if any."""
    while isinstance(element, Dictionary) and "/P" in element:
        if element.P.objgen in documents:
            return element
        element = element.P
    return None


def _number_tree(node: Any) -> dict[int, Any]:
    """A number tree (ISO 32000-1, 7.9.7) as a dictionary, kids included."""
    found: dict[int, Any] = {}
    if node is None:
        return found
    numbers = node.get("/Nums")
    if numbers is not None:
        for n in range(0, len(numbers) - 1, 2):
            found[int(numbers[n])] = numbers[n + 1]
    for kid in node.get("/Kids", Array()):
        found.update(_number_tree(kid))
    return found


def _xmp(title: str, author: str) -> bytes:
    """The metadata PDF/UA asks for: the part of the standard the file claims, its title."""
    creator = (
        f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>"
        if author
        else ""
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" pdfuaid:part="1"'
        ' xmp:CreatorTool="mentorkit">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
        f"</rdf:Alt></dc:title>{creator}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()
