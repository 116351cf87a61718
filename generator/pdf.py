"""Print-ready PDFs with WeasyPrint, the way its maintainers advise.

WeasyPrint's cost is mostly per document, so one-page sheets (session plans, forms) are
laid out many at a time as one document and split afterwards; guides are documents of
their own. Jobs run in worker processes, each with one shared `FontConfiguration` and
image cache, and a URL fetcher that serves only local files inside the project, the
layers and the package: nothing is fetched from the network.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
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
#: Sheets meant to fit one page: set more compactly when they would not.
ONE_PAGE_BATCHES = frozenset({"plans"})
#: Markdown this long never fits one sheet in the normal style (no built-in plan does,
#: the shortest is 3,358 characters): such a sheet is set compact at once, rather than
#: laid out twice. Shorter ones are tried in the normal style first.
COMPACT_FROM = 3000


#: The id `session-plan.md.j2` gives what is printed after a plan: the video-call variant,
#: the fallback and the handouts. It starts on a page of its own and does not count
#: against the plan's one page.
APPENDIX_ID = "plan-appendix"


def starts_compact(batch: str | None, markdown: str) -> bool:
    """Whether a sheet is set in the compact style from the start (see COMPACT_FROM)."""
    plan = markdown.split(f'id="{APPENDIX_ID}"', 1)[0]
    return batch in ONE_PAGE_BATCHES and len(plan) >= COMPACT_FROM


def sheet_body(body: str, anchor: str) -> str:
    """A sheet's HTML with its appendix's id made unique in the batch (`<anchor>-appendix`)."""
    return body.replace(f'id="{APPENDIX_ID}"', f'id="{anchor}-appendix"', 1)


def plan_lengths(document: Any, anchors: list[str], ranges: list[tuple[int, int]]) -> list[int]:
    """How many pages each sheet takes before its appendix (all its pages if it has none)."""
    first_page: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, index)
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
    compact: bool = False  # set in the compact style from the start


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
    fit: bool = False  # sheets that run over a page are set again, smaller, to fit one

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
                compact = starts_compact(batch, markdown[artefact.key])
                documents.append(
                    {
                        "artefact": artefact,
                        "body": Markup(sheet_body(sheet.body, anchor)),  # noqa: S704 - as above
                        "headings": sheet.headings,
                        "anchor": anchor,
                        "kind": "compact" if compact else _FILLABLE.get(batch, ""),
                    }
                )
                title = (
                    f"{artefact.title} – {artefact.subtitle}"
                    if artefact.subtitle
                    else artefact.title
                )
                assert artefact.pdf is not None
                splits.append(Split(artefact.pdf, anchor, title, compact))
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
                    fit=batch in ONE_PAGE_BATCHES,
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


def _worker_setup() -> None:
    """Run once in each worker: quiet loggers, one font configuration for all jobs."""
    global _font_config
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _font_config = FontConfiguration()


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
    return HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[_stylesheet(css, roots, id(_font_config))],
        font_config=_font_config,
        cache=_image_cache,
    )


@functools.lru_cache(maxsize=4)
def _stylesheet(css: str, roots: tuple[str, ...], fonts: int) -> Any:
    """The print stylesheet, parsed once per process and font configuration (`fonts`):
    packs lay out a document per pair."""
    from weasyprint import CSS

    return CSS(string=css, font_config=_font_config, url_fetcher=_fetcher_class()(roots))


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
    pages = len(document.pages)
    notes: list[str] = []
    long = []
    for split, length in zip(job.splits, plan_lengths(document, anchors, ranges), strict=True):
        if length > 1 and split.compact:
            notes.append(f"{split.filename}: the session plan runs to {length} pages")
        elif length > 1:
            long.append(split)
    compact: dict[str, tuple[Any, int, int]] = {}
    if job.fit and long:
        # Set the sheets that ran over again, more compactly, in a document of their own.
        anchors = [s.anchor for s in long]
        kept = compact_articles("".join(_articles(job.html, anchors)), anchors)
        head = job.html[: job.html.index("<article")]
        second = layout(head + kept + "</body></html>", job.css, job.allowed_roots)
        pages += len(second.pages)
        long_anchors = [s.anchor for s in long]
        long_ranges = split_points(second, long_anchors)
        long_lengths = plan_lengths(second, long_anchors, long_ranges)
        for split, (first, last), length in zip(long, long_ranges, long_lengths, strict=True):
            compact[split.anchor] = (second, first, last)
            if length > 1:
                notes.append(f"{split.filename}: the session plan runs to {length} pages")
    for split, (first, last) in zip(job.splits, ranges, strict=True):
        source, start, end = compact.get(split.anchor, (document, first, last))
        outputs[split.filename] = pages_as_pdf(source, start, end, split.title)
    return JobResult(job.name, pages, outputs, time.perf_counter() - started, tuple(notes))


def compact_articles(html: str, anchors: Iterable[str]) -> str:
    """The batch HTML with the sheets of the given ids set in the compact style."""
    for anchor in anchors:
        start = html.rindex("<article", 0, html.index(f'id="{anchor}"'))
        head = html.index(">", start)
        tag = html[start:head]
        if 'class="sheet ' in tag and "compact" not in tag:
            html = (
                html[:start]
                + tag.replace('class="sheet ', 'class="sheet compact ', 1)
                + html[head:]
            )
    return html


def _articles(html: str, anchors: list[str]) -> list[str]:
    """The <article> elements of a batch with the given ids, in order."""
    found = []
    for anchor in anchors:
        start = html.index(f'id="{anchor}"')
        start = html.rindex("<article", 0, start)
        end = html.index("</article>", start) + len("</article>")
        found.append(html[start:end])
    return found


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
