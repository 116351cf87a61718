"""Pages of tagged PDFs joined into one tagged PDF, their structure kept.

A pair's pack is its own pages (laid out for the pair) followed by the pages every pack
shares (laid out once); a certificate is one page of the pair's document. Both come out
of WeasyPrint as PDF/UA-1: a structure tree that says what each piece of text is (heading,
paragraph, table cell) in reading order, and the language. Copying pages with a PDF
library keeps what is drawn but drops that tree, so a screen reader would get an untagged
file. `join` copies the tree with the pages; `Base.prepend` puts pages with their tree in
front of a tagged file without copying it, by an incremental update.

It relies only on what the PDF standard (ISO 32000-1, 14.7) says a tagged PDF holds, and
on one property of WeasyPrint's output that `Tagged` checks rather than assumes: every
element under the document's root element lies on one page (`/Pg`), so the elements of a
page can be taken without the rest. The text of the page margins stays outside the tree,
as WeasyPrint leaves it (see its issue 1836: a screen reader should not read the running
head on every page).
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
        known: dict[tuple[int, int], Any] = {}
        for value in parents.values():
            for element in value if isinstance(value, Array) else [value]:
                top = _top(element, documents, known)
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


class Base:
    """A tagged PDF that other pages are put in front of, by an incremental update.

    Every pack ends with the same shared pages. Copying them object by object into a new
    file for each pair was most of a pack's assembly time; instead a pack is the shared
    file's bytes as they are, followed by an update section (ISO 32000-1, 7.5.6) that adds
    the pair's own pages with their elements and writes again only the objects that list
    pages or elements: the page tree, the document element, the parent tree, the structure
    tree root and the catalogue, with a new title, outline and metadata. A reader sees
    the last version of each object, so the file is the pair's pages, then the shared ones.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.digest = hashlib.md5(data, usedforsecurity=False).digest()
        tail = data[data.rindex(b"startxref") :].split()
        self.startxref = int(tail[1])
        pdf = pikepdf.open(io.BytesIO(data))
        self.size = int(pdf.trailer.Size)
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        if tree is None:
            raise UntaggedError("the PDF has no structure tree")
        kids = tree.K if isinstance(tree.K, Array) else Array([tree.K])
        if len(kids) != 1 or not kids[0].is_indirect or not tree.ParentTree.is_indirect:
            raise UntaggedError("the PDF's structure tree is not one document element")
        document = kids[0]
        same: Callable[[Any], bytes] = _same
        self.catalog = root.objgen[0]
        self.catalog_entries = _entries(
            root, same, drop=("/Outlines", "/Metadata", "/Lang", "/MarkInfo", "/ViewerPreferences")
        )
        self.pages = root.Pages.objgen[0]
        self.page_numbers = [page.objgen[0] for page in pdf.pages]
        self.tree = tree.objgen[0]
        self.tree_entries = _entries(tree, same, drop=("/ParentTree", "/ParentTreeNextKey"))
        self.document = document.objgen[0]
        self.document_entries = _entries(document, same, drop=("/K",))
        self.document_kids = b" ".join(_value(kid, same) for kid in _kids(document))
        parents = _number_tree(tree.ParentTree)
        self.parent_tree = tree.ParentTree.objgen[0]
        self.parent_entries = b" ".join(
            b"%d %s" % (key, _value(parents[key], same)) for key in sorted(parents)
        )
        self.next_key = max(parents, default=-1) + 1
        pdf.close()

    def prepend(
        self,
        part: Part,
        title: str,
        lang: str,
        outline: Sequence[tuple[str, int]] = (),
        author: str = "",
    ) -> bytes:
        """The base's bytes with `part`'s pages put in front of its own, with their
        elements, the language, the title shown instead of the file name, and a bookmark
        per (title, page) counted in the whole file."""
        source = part.source
        writer = _Writer(self.size, source.pdf)
        document, pages_ref = b"%d 0 R" % self.document, b"%d 0 R" % self.pages
        # Pages the update does not take are not carried along: a reference to one is null.
        taken = range(part.first, part.last)
        for number, other in enumerate(source.pdf.pages):
            if number not in taken:
                writer.fixed[other.obj.objgen] = None
        new_pages: list[bytes] = []
        new_kids: list[bytes] = []
        new_parents: list[bytes] = []
        key = self.next_key
        for number in taken:
            page: Any = source.pdf.pages[number].obj
            changes: dict[str, bytes | None] = {"/Parent": pages_ref, "/StructParents": None}
            old = int(page.get("/StructParents", -1))
            elements, margins = source.holders[number]
            for element in [*elements, *margins]:
                writer.changes[element.objgen] = {"/P": document}
            new_kids += [writer.ref(element) for element in elements]
            for element in margins:
                writer.ref(element)  # outside the document's kids, as WeasyPrint makes them
            if old in source.parents:
                new_parents.append(b"%d %s" % (key, writer.ref(source.parents[old])))
                changes["/StructParents"] = b"%d" % key
                key += 1
            for annotation in page.get("/Annots", Array()):
                parent = int(annotation.get("/StructParent", -1))
                if parent in source.parents:
                    if not annotation.is_indirect:
                        raise UntaggedError("a link of the PDF is not an object of its own")
                    new_parents.append(b"%d %s" % (key, writer.ref(source.parents[parent])))
                    found: Any = annotation.objgen
                    writer.changes[found] = {"/StructParent": b"%d" % key}
                    key += 1
            writer.changes[page.objgen] = changes
            new_pages.append(writer.ref(page))
        writer.flush()
        base_pages = [b"%d 0 R" % n for n in self.page_numbers]
        all_pages = [*new_pages, *base_pages]
        writer.put(
            self.pages,
            b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(all_pages), b" ".join(all_pages)),
        )
        writer.put(
            self.document,
            b"<< %s /K [%s %s] >>"
            % (self.document_entries, b" ".join(new_kids), self.document_kids),
        )
        writer.put(
            self.parent_tree,
            b"<< /Nums [%s %s] >>" % (self.parent_entries, b" ".join(new_parents)),
        )
        writer.put(
            self.tree,
            b"<< %s /ParentTree %d 0 R /ParentTreeNextKey %d >>"
            % (self.tree_entries, self.parent_tree, key),
        )
        metadata = _xmp(title, author)
        metadata_number = writer.add(
            b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream"
            % (len(metadata), metadata),
            stream=True,
        )
        catalog = [
            self.catalog_entries,
            b"/Metadata %d 0 R" % metadata_number,
            b"/Lang " + String(lang).unparse(),
            b"/MarkInfo << /Marked true >> /ViewerPreferences << /DisplayDocTitle true >>",
        ]
        if outline:
            catalog.append(b"/Outlines %d 0 R" % writer.outline(outline, all_pages))
        writer.put(self.catalog, b"<< %s >>" % b" ".join(catalog))
        info = [b"/Title " + String(title).unparse(), b"/Creator (mentorkit)"]
        if author:
            info.append(b"/Author " + String(author).unparse())
        info_number = writer.add(b"<< %s >>" % b" ".join(info))
        return writer.finish(self.data, self.digest, self.startxref, self.catalog, info_number)


class _Writer:
    """The objects of an incremental update: those copied from another PDF (renumbered
    from `start`, with `changes` to some of their entries) and those written anew."""

    def __init__(self, start: int, source: pikepdf.Pdf) -> None:
        self.source = source  # the PDF the objects are copied from
        self.next = start
        self.fixed: dict[tuple[int, int], int | None] = {}
        self.numbers: dict[tuple[int, int], int] = {}
        self.changes: dict[tuple[int, int], dict[str, bytes | None]] = {}
        self.queue: list[tuple[int, Any]] = []
        self.bodies: dict[int, bytes] = {}
        self.streams: set[int] = set()  # objects that are streams: never in an object stream

    def ref(self, obj: Any) -> bytes:
        return self._reference(obj.objgen, obj)

    def _reference(self, found: tuple[int, int], obj: Any = None) -> bytes:
        """The new reference to the object numbered `found` in the source, which is queued
        to be copied the first time (`obj`, or looked up by its number)."""
        if found in self.fixed:
            number = self.fixed[found]
            return b"null" if number is None else b"%d 0 R" % number
        number = self.numbers.get(found)
        if number is None:
            number = self.numbers[found] = self.next
            self.next += 1
            self.queue.append((number, obj if obj is not None else self.source.get_object(found)))
        return b"%d 0 R" % number

    def flush(self) -> None:
        """Copy every object queued, and those they refer to."""
        while self.queue:
            number, obj = self.queue.pop()
            changes = self.changes.get(obj.objgen)
            if isinstance(obj, pikepdf.Stream):
                raw = obj.read_raw_bytes()
                changes = {**(changes or {}), "/Length": b"%d" % len(raw)}
                head = _dictionary(obj.stream_dict, self.ref, changes)
                self.bodies[number] = b"%s\nstream\n%s\nendstream" % (head, raw)
                self.streams.add(number)
            elif changes is not None:
                self.bodies[number] = _dictionary(obj, self.ref, changes)
            else:  # as the PDF library writes it, its references renumbered
                self.bodies[number] = _REFERENCE.sub(self._renumber, obj.unparse(resolved=True))

    def _renumber(self, match: re.Match[bytes]) -> bytes:
        if match[1] is None:  # a string, kept as it is
            return match[0]
        return self._reference((int(match[1]), int(match[2])))

    def put(self, number: int, body: bytes) -> None:
        self.bodies[number] = body

    def add(self, body: bytes, stream: bool = False) -> int:
        number = self.next
        self.next += 1
        self.bodies[number] = body
        if stream:
            self.streams.add(number)
        return number

    def outline(self, items: Sequence[tuple[str, int]], pages: list[bytes]) -> int:
        root = self.add(b"")
        numbers = [self.add(b"") for _ in items]
        for n, ((name, page), number) in enumerate(zip(items, numbers, strict=True)):
            entries = [
                b"/Title " + String(name).unparse(),
                b"/Parent %d 0 R" % root,
                b"/Dest [%s /Fit]" % pages[page],
            ]
            if n:
                entries.append(b"/Prev %d 0 R" % numbers[n - 1])
            if n + 1 < len(numbers):
                entries.append(b"/Next %d 0 R" % numbers[n + 1])
            self.bodies[number] = b"<< %s >>" % b" ".join(entries)
        self.bodies[root] = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
            numbers[0],
            numbers[-1],
            len(numbers),
        )
        return root

    def finish(self, base: bytes, digest: bytes, previous: int, root: int, info: int) -> bytes:
        """The base, then the new streams, the other objects packed in one compressed
        object stream (as the base packs its own), and a cross-reference stream pointing
        back at the base's."""
        out = io.BytesIO()
        out.write(base if base.endswith(b"\n") else base + b"\n")
        rows: dict[int, tuple[int, int, int]] = {}  # number: (type, offset or stream, index)
        for number in sorted(self.streams):
            rows[number] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, self.bodies[number]))
        packed = [number for number in sorted(self.bodies) if number not in self.streams]
        if packed:
            packer = self.next
            self.next += 1
            heads, bodies, offset = [], [], 0
            for position, number in enumerate(packed):
                heads.append(b"%d %d" % (number, offset))
                bodies.append(self.bodies[number])
                offset += len(self.bodies[number]) + 1
                rows[number] = (2, packer, position)
            head = b" ".join(heads) + b"\n"
            # Level 1: a third of the time of the default level, the file 0.5% larger.
            data = zlib.compress(head + b"\n".join(bodies), 1)
            rows[packer] = (1, out.tell(), 0)
            out.write(
                b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>"
                b"\nstream\n%s\nendstream\nendobj\n"
                % (packer, len(packed), len(head), len(data), data)
            )
        xref = self.next
        rows[xref] = (1, out.tell(), 0)
        numbers = sorted(rows)
        runs: list[int] = []
        for number in numbers:  # runs of consecutive numbers: first, count
            if runs and runs[-2] + runs[-1] == number:
                runs[-1] += 1
            else:
                runs += [number, 1]
        table = b"".join(
            bytes([rows[n][0]]) + rows[n][1].to_bytes(4, "big") + rows[n][2].to_bytes(2, "big")
            for n in numbers
        )
        # The file's identifier: a digest of the base's (made once) and of the update.
        update = out.getbuffer()[len(base) :]
        identifier = hashlib.md5(digest + update, usedforsecurity=False).hexdigest().encode()
        update.release()
        data = zlib.compress(table)
        out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Prev %d /Root %d 0 R"
            b" /Info %d 0 R /ID [<%s> <%s>] /Filter /FlateDecode /Length %d >>\nstream\n"
            % (
                xref,
                xref + 1,
                b" ".join(b"%d" % n for n in runs),
                previous,
                root,
                info,
                identifier,
                identifier,
                len(data),
            )
        )
        out.write(data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % rows[xref][1])
        return out.getvalue()


#: A reference (`12 0 R`) in an object as pikepdf writes it, or a string, which may hold
#: text like one: a literal string has every bracket in it escaped, a hex string only
#: digits and spaces.
_REFERENCE = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w.])(\d+) (\d+) R\b", re.S)


def _same(obj: Any) -> bytes:
    """A reference to an object of the base itself, under its own number."""
    number, generation = obj.objgen
    return b"%d %d R" % (number, generation)


_NAMES: dict[str, bytes] = {}


def _name(key: str) -> bytes:
    found = _NAMES.get(key)
    if found is None:
        found = _NAMES[key] = Name(key).unparse()
    return found


def _entries(obj: Any, ref: Callable[[Any], bytes], drop: Sequence[str] = ()) -> bytes:
    return b" ".join(
        _name(key) + b" " + _value(value, ref) for key, value in obj.items() if key not in drop
    )


def _dictionary(obj: Any, ref: Callable[[Any], bytes], changes: dict[str, bytes | None]) -> bytes:
    parts = []
    for key, value in obj.items():
        if key in changes:
            continue
        parts.append(_name(key) + b" " + _value(value, ref))
    parts += [_name(key) + b" " + value for key, value in changes.items() if value is not None]
    return b"<< " + b" ".join(parts) + b" >>"


def _value(obj: Any, ref: Callable[[Any], bytes], top: bool = False) -> bytes:
    """`obj` written as PDF syntax, indirect objects as `ref` gives them."""
    kind = type(obj)  # pikepdf gives numbers, booleans and null as Python values
    if kind is int:
        return b"%d" % obj
    if kind is Decimal:
        return format(obj, "f").encode()
    if kind is bool:
        return b"true" if obj else b"false"
    if kind is float:
        return repr(obj).encode()
    if obj is None:
        return b"null"
    if obj.is_indirect and not top:
        return ref(obj)
    if isinstance(obj, Dictionary):
        return _dictionary(obj, ref, {})
    if isinstance(obj, Array):
        return b"[" + b" ".join(_value(item, ref) for item in obj) + b"]"
    return bytes(obj.unparse())


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _top(element: Any, documents: set[tuple[int, int]], known: dict[tuple[int, int], Any]) -> Any:
    """The element's ancestor whose parent is a document element, if any. `known` keeps
    what was found for every element on the way up, so that the parent tree's thousands
    of entries walk each branch once."""
    path: list[tuple[int, int]] = []
    found = None
    while isinstance(element, Dictionary) and "/P" in element:
        key = element.objgen
        if key in known:
            found = known[key]
            break
        if key != (0, 0):  # a direct object has no number to be known by
            path.append(key)
        if element.P.objgen in documents:
            found = element
            break
        element = element.P
    for key in path:
        known[key] = found
    return found


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
