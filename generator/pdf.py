"""Print-ready PDFs with WeasyPrint, the way its maintainers advise.

WeasyPrint's cost is mostly per document, so sheets (session plans, forms) are
laid out many at a time as one document and split afterwards; guides are documents of
their own. Jobs run in worker processes, each with one shared `FontConfiguration` and
image cache, and a URL fetcher that serves only local files inside the project, the
layers and the package: nothing is fetched from the network.
"""

from __future__ import annotations

import atexit
import copy
import dataclasses
import functools
import hashlib
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from . import glyphs
from .artefacts import Artefact
from .markup import Html, to_html
from .model import Project
from .render import Renderer

log = logging.getLogger("mentorkit")

#: Sheets laid out in one WeasyPrint document; big enough to share the fixed cost,
#: small enough to spread a large library over both cores.
SHEETS_PER_JOB = 40
PAGE_HEIGHTS = {"a4": "297mm", "letter": "279.4mm"}
#: Sheets that are plans, by what they are called: the room's side first, then the
#: preparation from a new page, in type no smaller than 10 pt (9 pt in tables). Every one
#: must fit one sheet printed on both sides: the pairs' session plans and the trainer's
#: workshop parts alike.
PLAN_BATCHES = {"plans": "session plan", "workshops": "workshop part"}
ONE_SHEET_BATCHES = frozenset(PLAN_BATCHES)
PLAN_SIDES = 2
#: Ids `session-plan.md.j2` gives the parts of a plan, made unique per sheet by
#: `sheet_body`: the end of the front, the back (the mentor's preparation), its end, and
#: what is printed after the sheet (the video-call variant, the fallback, the handouts,
#: which start on a page of their own and do not count against the plan's two sides).
FRONT_END_ID = "plan-front-end"
BACK_ID = "plan-back"
BACK_END_ID = "plan-end"
APPENDIX_ID = "plan-appendix"
_PLAN_IDS = (FRONT_END_ID, BACK_ID, BACK_END_ID, APPENDIX_ID)


def sheet_kind(batch: str | None) -> str:
    """The class a sheet of this batch is printed with: `plan`, `fillable` or none."""
    return "plan" if batch in PLAN_BATCHES else _FILLABLE.get(batch or "", "")


def sheet_body(body: str, anchor: str) -> str:
    """A sheet's HTML with the ids of its parts made unique in the batch (`<anchor>-back`)."""
    for name in _PLAN_IDS:
        body = body.replace(f'id="{name}"', f'id="{anchor}-{name.removeprefix("plan-")}"', 1)
    return body


@dataclass(frozen=True)
class Sides:
    """How a laid-out plan uses its sheet: pages of the front and of the back, and how far
    the last page of a part that runs over is filled (a share of its height)."""

    front: int
    back: int
    front_over: float = 0.0
    back_over: float = 0.0

    @property
    def pages(self) -> int:
        return self.front + self.back


def _first_pages(document: Any) -> dict[str, tuple[int, float]]:
    """The page of every anchor and how far down that page it is (0 top, 1 bottom)."""
    found: dict[str, tuple[int, float]] = {}
    for index, page in enumerate(document.pages):
        for anchor, position in page.anchors.items():  # (x, y), or a box from (x, y)
            found.setdefault(anchor, (index, position[1] / page.height))
    return found


def plan_sides(document: Any, anchors: list[str], ranges: list[tuple[int, int]]) -> list[Sides]:
    """The sides of each sheet that is a plan, read from the anchors WeasyPrint records."""
    found = _first_pages(document)
    sides = []
    for anchor, (first, last) in zip(anchors, ranges, strict=True):
        back = found.get(f"{anchor}-back")
        front_end = found.get(f"{anchor}-front-end")
        back_end = found.get(f"{anchor}-end")
        if back is None or front_end is None or back_end is None:
            sides.append(Sides(plan_lengths(document, [anchor], [(first, last)])[0], 0))
            continue
        front = front_end[0] - first + 1
        behind = back_end[0] - back[0] + 1
        sides.append(
            Sides(
                front,
                behind,
                front_end[1] if front > 1 else 0.0,
                back_end[1] if behind > 1 else 0.0,
            )
        )
    return sides


#: The plan's page margin at the top and its line height in the columns (print.css.j2's
#: `@page plan` and `.sheet.plan`): what turns an overflow into lines of text to cut.
PLAN_TOP_MM = 11
PLAN_LINE_PT = 10 * 1.25
_PX_PER_MM = 96 / 25.4
_PX_PER_PT = 96 / 72


def overflow_lines(pages: int, over: float, page_height_mm: float) -> int:
    """About how many lines of column text a part of a plan has beyond its one page.

    The part's last page holds two balanced columns down to `over` (a share of the page
    height), and the pages between are full: two columns each.
    """
    if pages <= 1:
        return 0
    body = page_height_mm - 2 * PLAN_TOP_MM
    used = max(0.0, over * page_height_mm - PLAN_TOP_MM) + (pages - 2) * body
    return max(1, math.ceil(2 * used * _PX_PER_MM / (PLAN_LINE_PT * _PX_PER_PT)))


def measure_plans(
    renderer: Renderer, artefacts: Iterable[Artefact], cache: Path | None = None
) -> dict[str, Sides]:
    """The sides of every plan among `artefacts`, from their real layout.

    Only the plans are laid out, in batches as a build does; each plan's result is kept in
    `cache` under a digest of its HTML, CSS and the files it reads, so that running this
    again lays out only the plans that changed.
    """
    import weasyprint

    from . import __version__

    plans = [a for a in artefacts if a.batch in ONE_SHEET_BATCHES and a.pdf]
    markdown = {a.key: renderer.markdown(a) for a in plans}
    salt = f"sides {__version__} {weasyprint.__version__}"
    digests = {}
    found: dict[str, Sides] = {}
    for artefact in plans:
        (job,) = prepare(renderer, {artefact.key: markdown[artefact.key]}, [artefact])
        digests[artefact.key] = digest = job.digest(salt)
        known = _read_sides(cache, digest)
        if known is not None:
            found[artefact.key] = known
    missing = [a for a in plans if a.key not in found]
    for job in prepare(renderer, markdown, missing):
        document = layout(job.html, job.css, job.allowed_roots)
        anchors = [s.anchor for s in job.splits]
        sides = plan_sides(document, anchors, split_points(document, anchors))
        for split, measured in zip(job.splits, sides, strict=True):
            key = split.anchor.removeprefix("sheet-")
            found[key] = measured
            _write_sides(cache, digests[key], measured)
    return found


def default_cache() -> Path:
    """Where measurements are kept between runs: the user's cache folder, not the project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mentorkit" / "plan-sides"


def _read_sides(cache: Path | None, digest: str) -> Sides | None:
    if cache is None:
        return None
    try:
        data = json.loads((cache / f"{digest}.json").read_text(encoding="utf-8"))
        return Sides(int(data["front"]), int(data["back"]), data["front_over"], data["back_over"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_sides(cache: Path | None, digest: str, sides: Sides) -> None:
    if cache is None:
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".{digest}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(dataclasses.asdict(sides)), encoding="utf-8")
        temporary.replace(cache / f"{digest}.json")
    except OSError as error:  # a cache that cannot be written only costs time
        log.debug("plan measurements not cached: %s", error)


def plan_lengths(document: Any, anchors: list[str], ranges: list[tuple[int, int]]) -> list[int]:
    """How many pages each sheet takes before its appendix (all its pages if it has none)."""
    first_page = {name: page for name, (page, _y) in _first_pages(document).items()}
    lengths = []
    for anchor, (first, last) in zip(anchors, ranges, strict=True):
        appendix = first_page.get(f"{anchor}-appendix")
        end = appendix if appendix is not None and first < appendix <= last else last
        lengths.append(end - first)
    return lengths


PAPER_SIZES = {"a4": "A4", "letter": "letter"}
#: Sheets whose inputs become PDF form fields (in the forms' own PDFs, not in pair packs).
_FILLABLE = {"forms": "fillable"}
_FIRST_H1 = re.compile(r"<h1[^>]*>.*?</h1>\s*", re.DOTALL)


@dataclass(frozen=True)
class Split:
    """A file cut from a batch document: the pages from `anchor` to the next split."""

    filename: str
    anchor: str
    title: str


@dataclass(frozen=True)
class LayoutJob:
    """A document for WeasyPrint to lay out: HTML, CSS and the folders it may read."""

    name: str
    html: str
    css: str
    allowed_roots: tuple[str, ...]


@dataclass(frozen=True)
class PrintJob(LayoutJob):
    """One WeasyPrint render, and the files written from its pages."""

    title: str
    filename: str | None = None  # a standalone document
    splits: tuple[Split, ...] = ()  # or sheets cut from a batch
    plans: str = ""  # what the sheets are when they are plans ("session plan"): sides counted

    @property
    def files(self) -> list[str]:
        return [self.filename] if self.filename else [s.filename for s in self.splits]

    def digest(self, salt: str) -> str:
        hasher = hashlib.sha256(salt.encode())
        for part in (self.html, self.css, repr(self.splits), str(self.filename)):
            hasher.update(part.encode())
        hasher.update(files_digest(self.html, self.css, roots=self.allowed_roots).encode())
        return hasher.hexdigest()


_FILE_URL = re.compile(r"file://[^\s\"'()<>]+")


def files_digest(*texts: str, roots: tuple[str, ...]) -> str:
    """A digest of the local files a document reads (images, fonts), by their contents.

    A cached PDF is only reused when the pictures and fonts in it are unchanged too, even
    if a file was replaced under the same name. Only files the renderer may read (inside
    `roots`) are opened: a `file:` address in a user's text names nothing that is read.
    """
    hasher = hashlib.sha256()
    allowed = [Path(root) for root in roots]
    for url in sorted({m.group(0) for text in texts for m in _FILE_URL.finditer(text)}):
        hasher.update(url.encode())
        try:
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed) or not path.is_file():
                continue
            stat = path.stat()
        except (OSError, ValueError):
            continue
        hasher.update(_file_digest(str(path), stat.st_mtime_ns, stat.st_size))
    return hasher.hexdigest()


@functools.lru_cache(maxsize=1024)
def _file_digest(path: str, mtime_ns: int, size: int) -> bytes:
    return hashlib.sha256(Path(path).read_bytes()).digest()


@dataclass(frozen=True)
class JobResult:
    """What a job made: PDF files by name (written by the caller, wherever it runs)."""

    name: str
    pages: int
    outputs: dict[str, bytes]
    seconds: float
    notes: tuple[str, ...] = ()
    retry: tuple[str, ...] = ()  # items the job handed back, to be done another way

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(self.outputs)

    def write(self, folder: Path) -> None:
        for name, data in self.outputs.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


# --- preparing jobs (main process) ------------------------------------------------------


def prepare(
    renderer: Renderer, markdown: dict[str, str], artefacts: Iterable[Artefact]
) -> list[PrintJob]:
    """Turn the printed artefacts' Markdown into print jobs (HTML and CSS, no layout yet)."""
    project = renderer.project
    programme = project.programme
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    roots = allowed_roots(project)
    jobs: list[PrintJob] = []
    batches: dict[str, list[Artefact]] = {}
    for artefact in artefacts:
        if artefact.pdf is None:
            continue
        if artefact.style == "sheet":
            batches.setdefault(artefact.batch or "sheets", []).append(artefact)
            continue
        html = to_html(markdown[artefact.key])
        body = _FIRST_H1.sub("", html.body, count=1)
        document = {
            "artefact": artefact,
            "body": Markup(body),  # noqa: S704 - Markdown output; user text was escaped
            "headings": html.headings,
            "anchor": "doc",
        }
        page = renderer.html(
            "pdf/document.html.j2",
            _page_context(renderer, "document", [document], artefact.title),
        )
        jobs.append(PrintJob(artefact.key, page, css, roots, artefact.title, filename=artefact.pdf))
    for batch, sheets in batches.items():
        for start in range(0, len(sheets), SHEETS_PER_JOB):
            chunk = sheets[start : start + SHEETS_PER_JOB]
            documents = []
            splits = []
            for artefact in chunk:
                anchor = f"sheet-{artefact.key}"
                sheet: Html = to_html(markdown[artefact.key], id_prefix=f"{artefact.key}-")
                documents.append(
                    {
                        "artefact": artefact,
                        "body": Markup(sheet_body(sheet.body, anchor)),  # noqa: S704 - as above
                        "headings": sheet.headings,
                        "anchor": anchor,
                        "kind": sheet_kind(batch),
                    }
                )
                title = (
                    f"{artefact.title} – {artefact.subtitle}"
                    if artefact.subtitle
                    else artefact.title
                )
                assert artefact.pdf is not None
                splits.append(Split(artefact.pdf, anchor, title))
            page = renderer.html(
                "pdf/document.html.j2",
                _page_context(renderer, "sheet", documents, f"{programme.title}: {batch}"),
            )
            name = f"{batch}-{start // SHEETS_PER_JOB + 1}"
            jobs.append(
                PrintJob(
                    name,
                    page,
                    css,
                    roots,
                    programme.title,
                    splits=tuple(splits),
                    plans=PLAN_BATCHES.get(batch, ""),
                )
            )
    return jobs


def allowed_roots(project: Project) -> tuple[str, ...]:
    """The folders the PDF renderer may read files from: the layers and the templates."""
    return tuple(sorted({str(p.resolve()) for p in (*project.asset_dirs, *project.template_dirs)}))


def _css_context(renderer: Renderer) -> dict[str, Any]:
    programme = renderer.project.programme
    colors = programme.organisation.colors
    paper = programme.pdf.paper
    return {
        "colors": {
            "primary": colors.primary,
            "accent": colors.accent,
            "primary_light": _tint(colors.primary, 0.85),
            "on_primary": _readable_on(colors.primary),
        },
        "paper": PAPER_SIZES[paper],
        "page_height": PAGE_HEIGHTS[paper],
        "fonts": _fonts_url(renderer),
        "font_faces": font_faces(renderer.project, lambda path: path.resolve().as_uri()),
        "font_stack": font_stack(renderer.project),
        "footer": _css_string(f"{programme.organisation.name} · {programme.title}"),
        "programme_title": _css_string(programme.title),
        "page_of": _page_of(renderer.gettext("Page %(page)s of %(pages)s")),
    }


def _page_of(pattern: str) -> str:
    """A translated "Page %(page)s of %(pages)s" as CSS content with the page counters."""
    parts = re.split(r"(%\((?:page|pages)\)s)", pattern)
    tokens = []
    for part in parts:
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(f'"{_css_string(part)}"')
    return " ".join(tokens)


def _page_context(
    renderer: Renderer, style: str, documents: list[dict[str, Any]], title: str
) -> dict[str, Any]:
    project = renderer.project
    programme = project.programme
    timeline = renderer.timeline
    dates = ""
    if timeline.sessions and timeline.sessions[0].start and timeline.sessions[-1].start:
        dates = (
            f"{renderer.date(timeline.sessions[0].start, 'long')} – "
            f"{renderer.date(timeline.sessions[-1].start, 'long')}"
        )
    return {
        "style": style,
        "documents": documents,
        "title": title,
        "lang": programme.locale.replace("_", "-"),
        "description": f"{title}: {programme.title}, {programme.organisation.name}",
        "logo_url": project.logo.resolve().as_uri() if project.logo else None,
        "dates": dates,
    }


FACE_STYLES = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "italic": (400, "italic"),
    "bold_italic": (700, "italic"),
}


def font_faces(project: Project, url: Callable[[Path], str]) -> list[dict[str, object]]:
    """The organisation's own typeface as @font-face rules (family, url, weight, style)."""
    font = project.programme.organisation.font
    if font is None:
        return []
    faces: list[dict[str, object]] = []
    for style, name in font.files().items():
        weight, slant = FACE_STYLES[style]
        path = project.root / name
        faces.append(
            {"family": _css_string(font.family), "url": url(path), "weight": weight, "style": slant}
        )
    return faces


def font_stack(project: Project) -> str:
    font = project.programme.organisation.font
    own = f'"{_css_string(font.family)}", ' if font else ""
    return f'{own}"Inter", {glyphs.css_families()}, sans-serif'


def _fonts_url(renderer: Renderer) -> str:
    for folder in renderer.project.template_dirs:
        fonts = folder / "pdf" / "fonts"
        if fonts.is_dir():
            return fonts.resolve().as_uri()
    return ""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _tint(colour: str, amount: float) -> str:
    """Mix a `#rrggbb` colour with white: 0 keeps it, 1 is white."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _readable_on(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.6 else "#ffffff"


# --- rendering (worker processes) -------------------------------------------------------

_font_config: Any = None
_image_cache: dict[str, Any] = {}
_drawings_apart: set[str] = set()  # the cache's drawings loaded apart from documents


def _worker_setup() -> None:
    """Run in each worker before a build's jobs: quiet loggers, one font configuration for
    the build's jobs, and nothing kept from an earlier build. A pool worker serves one
    build; a Dask worker serves one build after another, where an image cached by its
    path would print a logo changed since as it was."""
    global _font_config
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _forget()
    _font_config = FontConfiguration()


def _forget() -> None:
    """Drop the fonts, stylesheets and images of the last build. WeasyPrint then removes
    the folder it copied the fonts to, which it cannot do once the interpreter is shutting
    down (a Dask worker stopping printed a traceback and left the folder behind)."""
    global _font_config
    _stylesheet.cache_clear()
    _image_cache.clear()
    _drawings_apart.clear()
    _font_config = None


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves `file:` URLs inside the allowed folders and `data:` URLs; nothing else."""

        def __init__(self, roots: tuple[str, ...]) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.roots = [Path(r) for r in roots]

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise ValueError(f"mentorkit reads no file outside the project: {path}")
            elif parts.scheme != "data":
                raise ValueError(f"mentorkit fetches nothing from the network: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


def layout(html: str, css: str, roots: tuple[str, ...]) -> Any:
    """A WeasyPrint document, laid out with this process's shared fonts and image cache."""
    from weasyprint import HTML

    if _font_config is None:
        _worker_setup()
    fetcher = _fetcher_class()(roots)
    document = HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[_stylesheet(css, roots, id(_font_config))],
        font_config=_font_config,
        cache=_image_cache,
    )
    _load_drawings_apart(fetcher)
    return document


def _load_drawings_apart(fetcher: Any) -> None:
    """Load each drawing (SVG, such as the logo) that the document just laid out has put
    in the image cache again, for a page of its own. WeasyPrint's drawing holds on to
    the layout of the document it was loaded for, so the cache kept a laid-out document
    alive in every worker for as long as the worker lived (351,000 objects in a Dask
    worker after a 12-topic build, walked again by every full collection). A drawing
    loaded for a page of its own keeps that page only. This happens once a build for
    each drawing, not for every document: about a millisecond for a logo. The document
    just laid out keeps its own copy to write its pages."""
    from weasyprint import HTML
    from weasyprint.images import SVGImage

    for url, image in list(_image_cache.items()):
        if isinstance(image, SVGImage) and url not in _drawings_apart:
            _image_cache.pop(url, None)  # a Dask worker may run jobs in several threads
            page = Markup('<img src="{}">').format(url)
            HTML(string=page, url_fetcher=fetcher).render(
                font_config=_font_config, cache=_image_cache
            )
            _drawings_apart.add(url)


@functools.lru_cache(maxsize=4)
def _stylesheet(css: str, roots: tuple[str, ...], fonts: int) -> Any:
    """The print stylesheet, parsed once per process and font configuration (`fonts`):
    packs lay out a document per pair."""
    from weasyprint import CSS

    return CSS(string=css, font_config=_font_config, url_fetcher=_fetcher_class()(roots))


# Dropped before the interpreter's shutdown, while WeasyPrint can still free its fonts.
atexit.register(_forget)


def pages_as_pdf(document: Any, first: int, last: int, title: str) -> bytes:
    """Some pages of a laid-out document as a PDF of their own, with its own title."""
    part = document.copy(document.pages[first:last])
    part.metadata = copy.copy(document.metadata)
    part.metadata.title = title
    return bytes(part.write_pdf(**PDF_OPTIONS))


def render_job(job: PrintJob) -> JobResult:
    """Lay out one job and return its PDF file(s); runs in a worker process."""
    started = time.perf_counter()
    document = layout(job.html, job.css, job.allowed_roots)
    outputs: dict[str, bytes] = {}
    if job.filename is not None:
        outputs[job.filename] = bytes(document.write_pdf(**PDF_OPTIONS))
        return JobResult(job.name, len(document.pages), outputs, time.perf_counter() - started)
    anchors = [s.anchor for s in job.splits]
    ranges = split_points(document, anchors)
    notes: list[str] = []
    if job.plans:
        for split, sides in zip(job.splits, plan_sides(document, anchors, ranges), strict=True):
            if sides.pages > PLAN_SIDES:
                notes.append(
                    f"{split.filename}: the {job.plans} runs to {sides.pages} pages; "
                    "`mentorkit lint` says what to shorten"
                )
    for split, (first, last) in zip(job.splits, ranges, strict=True):
        outputs[split.filename] = pages_as_pdf(document, first, last, split.title)
    return JobResult(
        job.name, len(document.pages), outputs, time.perf_counter() - started, tuple(notes)
    )


def split_points(document: Any, anchors: list[str]) -> list[tuple[int, int]]:
    """The page range of every part, found from the anchors WeasyPrint records per page."""
    first_page: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, index)
    starts = [first_page[anchor] for anchor in anchors]
    ends = [*starts[1:], len(document.pages)]
    return list(zip(starts, ends, strict=True))


# --- workers ---------------------------------------------------------------------------


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
