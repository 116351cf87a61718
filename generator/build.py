"""Building a project: load, plan, render, and write the outputs atomically.

Everything is built into a staging folder beside the outputs and swapped in only when
all of it succeeded; a failed build leaves the output folder exactly as it was. A
manifest of content hashes lets a second build reuse every PDF and the site when
nothing they depend on has changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import __version__, calendar, digests, executors, forms, glyphs, i18n, pdf, site
from .artefacts import plan as make_plan
from .errors import BuildError, MentorkitError, UsageError
from .layers import library_root
from .loader import load_project
from .markup import kept_conversions
from .model import ALL_OUTPUTS, Output, Project
from .outputs import MARKER, STAGING_PREFIX, output_folder
from .pages import KeptPages
from .render import Renderer
from .report import PUBLISHED, published_results
from .roster import read_roster
from .schedule import timeline as make_timeline

if TYPE_CHECKING:
    from .match import Pair, Unmatched

log = logging.getLogger("mentorkit")

OUTPUTS = ALL_OUTPUTS
MANIFEST = ".mentorkit/manifest.json"
PACKS_CACHE = ".mentorkit/packs"  # layouts every pack shares, kept for the next build
COMPILED = "templates"  # under .mentorkit/: compiled templates, kept for the next build
CONVERTED = "html.json"  # under .mentorkit/: Markdown converted for print, kept likewise
PAGES = "pages.json"  # under .mentorkit/: each page's Markdown and the topics it read
SITE_RECORD = "site.json"  # under .mentorkit/: what the site's pages hold, for keeping them


class Reporter(Protocol):
    """What a build tells its caller while it runs (the CLI shows progress bars)."""

    def start(self, task: str, total: int) -> None: ...

    def advance(self, task: str, amount: int = 1) -> None: ...

    def finish(self, task: str) -> None: ...


class Silent:
    def start(self, task: str, total: int) -> None:
        pass

    def advance(self, task: str, amount: int = 1) -> None:
        pass

    def finish(self, task: str) -> None:
        pass


@dataclass
class BuildOptions:
    out: Path = Path("dist")
    only: frozenset[Output] | None = None
    engine: site.Engine = "mkdocs"
    workers: int = field(default_factory=pdf.default_workers)
    executor: str | None = None  # dask://HOST:PORT to render on a Dask cluster
    roster: Path | None = None  # participants: a pack for every pair, certificates
    pairs: Path | None = None  # pairs.csv from `mentorkit match`; matched afresh without it
    reporter: Reporter = field(default_factory=Silent)


@dataclass
class OutputReport:
    name: str
    path: Path
    files: int
    reused: int = 0
    seconds: float = 0.0


@dataclass
class BuildReport:
    project: Project | None  # None when nothing changed: the project was not even loaded
    outputs: list[OutputReport] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    markdown_pages: int = 0
    markdown_rendered: int = 0  # the others were kept: nothing they read changed
    pdf_pages: int = 0
    pdf_rendered: int = 0
    pairs: int = 0
    pack_layouts_reused: int = 0  # layouts taken from the last build: shared, pairs' own
    pack_worker_cpu: float = 0.0  # CPU seconds the workers spent on the pairs' own pages
    pack_shared_cpu: float = 0.0  # and on the pages every pack shares (0 when kept)
    certificates: int = 0  # certificates printed (none when the programme gives none)
    unmatched: list[Unmatched] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = ""  # the programme's title
    unchanged: bool = False  # nothing changed since the last build: every output kept
    site_pages: int = 0
    site_kept: int = 0  # pages of the site neither converted nor rendered again


def build(
    project_path: Path | str | None = None, options: BuildOptions | None = None
) -> BuildReport:
    """Build a project into `options.out`; raise `InvalidProject` or `BuildError` on failure."""
    options = options or BuildOptions()
    started = time.perf_counter()
    kept = _unchanged(project_path, options, started)
    if kept is not None:
        return kept
    with contextlib.ExitStack() as resources:  # the print workers, once started
        return _build(project_path, options, started, resources)


def _build(
    project_path: Path | str | None,
    options: BuildOptions,
    started: float,
    resources: contextlib.ExitStack,
) -> BuildReport:
    # The inputs as they are before anything is read: recorded at the end only if they
    # are still the same then, so that an edit made during the build is never missed.
    before = _inputs_now(project_path, options)
    # With a roster there are packs to print: the print workers start before anything is
    # read, on the core this process leaves idle while it reads the project and the
    # roster, matches and renders (about a second and a half to load WeasyPrint and the
    # fonts). A mistake in the project or the roster still stops the build at once.
    pool = (
        resources.enter_context(executors.executor(options.executor, options.workers, warm=True))
        if options.roster is not None
        else None
    )
    project = load_project(project_path)
    loaded = time.perf_counter()
    report = BuildReport(project, title=project.programme.title, notes=list(project.notes))
    report.timings["load"] = loaded - started

    wanted = [o for o in OUTPUTS if o in project.programme.outputs]
    if options.only is not None:
        wanted = [o for o in wanted if o in options.only]
    if not wanted:
        raise UsageError(
            "nothing to build: the programme's `outputs` and --only have nothing in common"
        )

    pairs = _pairs(project, options, report)
    # Where there will be printing (every PDF of a first build), the print workers start
    # now, once the project has been read without a mistake, on the core this process
    # leaves idle while it renders: they are ready at the first job. A later build may
    # keep every PDF, and starts them only for a job.
    if pool is None:
        first = not (options.out / MARKER).is_dir()
        pool = resources.enter_context(
            executors.executor(options.executor, options.workers, warm="pdf" in wanted and first)
        )
    if "pdf" in wanted or pairs is not None:  # the jobs read the project's files by path
        executors.check_folders(pool, pdf.allowed_roots(project))

    results = published_results(options.out) if project.programme.report.publish else None
    renderer = prepare(project, pdf="pdf" in wanted, results=results)
    project, timeline, plan = renderer.project, renderer.timeline, renderer.plan
    gettext = renderer.gettext
    report.project = project
    marker = options.out / MARKER
    ours = marker.is_dir() and not marker.is_symlink()
    if ours or not os.path.lexists(marker):  # a folder of ours, or one to be: keep compiled code
        renderer.keep_compiled(marker / COMPILED)
    pages = KeptPages(marker / PAGES if ours else None, renderer)
    cpu = time.process_time()
    with renderer.batch():
        markdown = {a.key: pages.markdown(a) for a in plan.artefacts}
    report.timings["render-cpu"] = time.process_time() - cpu
    report.markdown_pages = len(markdown)
    report.markdown_rendered = pages.rendered
    report.timings["render"] = time.perf_counter() - loaded

    out = options.out
    salt = _salt(project, renderer)
    with output_folder(out) as stage:
        manifest = _read_manifest(out)
        new_manifest: dict[str, Any] = {"mentorkit": __version__}
        jobs: list[pdf.PrintJob] = []
        conversions = None
        if "pdf" in wanted:
            t = time.perf_counter()
            converted = marker / CONVERTED if marker.is_dir() and not marker.is_symlink() else None
            with renderer.batch(), kept_conversions(converted, save=False) as conversions:
                jobs = pdf.prepare(renderer, markdown, plan.artefacts)
            report.timings["pdf-prepare"] = time.perf_counter() - t
        pdfs = _PdfRun(jobs, out / "pdf", stage / "pdf", manifest, salt, options, pool)
        if "site" in wanted:
            t, cpu = time.perf_counter(), time.process_time()
            digest, site_record = _build_site(
                project, plan, markdown, stage, out, manifest, options, pdfs, gettext, report
            )
            new_manifest["site"] = digest
            report.timings["site"] = time.perf_counter() - t
            report.timings["site-cpu"] = time.process_time() - cpu  # the PDFs run elsewhere
        pdfs.wait()
        if "pdf" in wanted:
            report.timings["pdf"] = pdfs.seconds
            report.timings["pdf-jobs"] = pdfs.job_seconds
            report.pdf_pages = pdfs.pages
            report.pdf_rendered = pdfs.rendered
            report.notes.extend(sorted(pdfs.notes))
            new_manifest["pdf"] = pdfs.manifest
        if "site" in wanted and "pdf" in wanted:
            site.add_downloads(stage / "site", stage / "pdf", [f for j in jobs for f in j.files])
        if "calendar" in wanted:
            t = time.perf_counter()
            folder = stage / "calendar"
            folder.mkdir()
            (folder / f"{project.programme.id}.ics").write_bytes(
                calendar.programme_calendar(project, timeline, gettext)
            )
            report.timings["calendar"] = time.perf_counter() - t
        # The forms' definitions and CSV templates (for `mentorkit report` and form tools)
        # come with the forms themselves: the site's pages and the PDFs.
        personal: list[str] = []
        if "site" in wanted or "pdf" in wanted:
            forms.write_forms(forms.forms(project.programme, timeline, gettext), stage / "forms")
            personal.append("forms")
        if pairs is not None:
            from . import packs  # matching and packs (SciPy): loaded only with a roster
            from .pairs import write_pairs

            t = time.perf_counter()
            options.reporter.start("packs", len(pairs))
            infos = packs.pair_infos(project, pairs, renderer)
            certificates = project.programme.recognition.certificate
            (stage / "pairs").mkdir()
            if certificates:
                (stage / "certificates").mkdir()
            made = packs.build_packs(
                renderer,
                plan,
                infos,
                pool,
                stage,
                lambda done: options.reporter.advance("packs", done),
                packs.LayoutCache(out / PACKS_CACHE, salt, pdf.allowed_roots(project)),
            )
            write_pairs(pairs, stage / "pairs" / "pairs.csv", project)
            options.reporter.finish("packs")
            report.timings["packs"] = time.perf_counter() - t
            report.pairs = len(pairs)
            report.pack_layouts_reused = made.reused
            report.pack_worker_cpu = made.worker_cpu
            report.pack_shared_cpu = made.shared_cpu
            personal += ["pairs", "certificates"] if certificates else ["pairs"]
            report.certificates = made.certificates
        for name in [*wanted, *personal]:
            files = sum(1 for p in (stage / name).rglob("*") if p.is_file())
            reused = (
                pdfs.reused
                if name == "pdf"
                else int(name == "site" and _site_reused(new_manifest, manifest))
            )
            report.outputs.append(OutputReport(name, out / name, files, reused))
        _swap(stage, out, [*wanted, *personal])
        if "site" in wanted:
            _write_site_record(out, site_record)
        if pairs is None:
            new_manifest["inputs"] = _inputs_record(
                project_path, project, options, wanted, report, before
            )
        _write_manifest(out, manifest, new_manifest, wanted)
        # Kept for the next build only now, when everything succeeded.
        renderer.save_compiled()
        if marker.is_dir() and not marker.is_symlink():
            pages.save(marker / PAGES)
        if conversions is not None:
            conversions.save()
    report.timings["total"] = time.perf_counter() - started
    return report


# --- nothing changed? --------------------------------------------------------------------


def _options_key(project_path: Path | str | None, options: BuildOptions) -> str:
    """The options that change what a build writes (not how fast: workers, executor)."""
    where = "" if project_path is None else str(Path(project_path).resolve())
    only = "" if options.only is None else ",".join(sorted(options.only))
    return f"{where}\0{only}\0{options.engine}"


def _inputs_now(
    project_path: Path | str | None, options: BuildOptions
) -> tuple[list[str], str | None] | None:
    """The input folders a build will likely read, and their digest, before it reads them."""
    if options.roster is not None or options.pairs is not None:
        return None
    record = _read_manifest(options.out).get("inputs")
    if isinstance(record, dict) and isinstance(record.get("roots"), list):
        roots = [str(r) for r in record["roots"]]  # packs included
    else:
        try:
            roots = digests.likely_roots(project_path, options.out / "report" / PUBLISHED)
        except MentorkitError:
            return None  # loading reports the problem
    return roots, digests.digest(roots, options.out)


def _inputs_record(
    project_path: Path | str | None,
    project: Project,
    options: BuildOptions,
    wanted: list[Output],
    report: BuildReport,
    before: tuple[list[str], str | None] | None,
) -> dict[str, Any] | None:
    """What the next build compares with: the inputs' digest and the outputs' fingerprints;
    nothing when the inputs changed while the build ran, or lie beyond what was digested
    before it started (a pack just added: the next build knows its folder)."""
    roots = digests.input_roots(project, options.out / "report" / PUBLISHED)
    unknown = {"roots": roots}  # no digest: the next build is a full one, and knows the roots
    if before is None or before[0] != roots or before[1] is None:
        return unknown
    digest = digests.digest(roots, options.out)
    if digest != before[1]:
        return unknown
    return {
        "options": _options_key(project_path, options),
        "roots": roots,
        "digest": digest,
        "title": project.programme.title,
        "outputs": {name: digests.outputs_fingerprint(options.out / name) for name in wanted},
        "counts": {o.name: o.files for o in report.outputs},
        "markdown_pages": report.markdown_pages,
    }


def _unchanged(
    project_path: Path | str | None, options: BuildOptions, started: float
) -> BuildReport | None:
    """The report of a build that has nothing to do, decided from the input digests before
    anything is loaded or rendered; None when something changed (or cannot be told)."""
    if options.roster is not None or options.pairs is not None:
        return None  # personal outputs are always made afresh
    record = _read_manifest(options.out).get("inputs")
    if not isinstance(record, dict):
        return None
    if _leftovers(options.out):
        return None  # a killed build's leftovers: a full build removes them
    if record.get("options") != _options_key(project_path, options):
        return None
    outputs = record.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return None
    for name, fingerprint in outputs.items():
        folder = options.out / str(name)
        if not folder.is_dir() or digests.outputs_fingerprint(folder) != fingerprint:
            return None
    if digests.digest(record.get("roots", []), options.out) != record.get("digest"):
        return None
    report = BuildReport(None, title=str(record.get("title", "")), unchanged=True)
    report.markdown_pages = int(record.get("markdown_pages", 0))
    for name, count in (record.get("counts") or {}).items():
        report.outputs.append(
            OutputReport(str(name), options.out / str(name), int(count), reused=int(count))
        )
    report.timings["total"] = time.perf_counter() - started
    return report


def _leftovers(out: Path) -> bool:
    marker = out / MARKER
    return any(marker.glob(STAGING_PREFIX + "*")) or any(out.glob(".mentorkit-build-*"))


def prepare(project: Project, *, pdf: bool = True, results: Any = None) -> Renderer:
    """Localise, schedule and plan a loaded project: the renderer of its artefacts
    (`results`: the programme-level figures a report published, for the site)."""
    translations = i18n.translations(project.programme.locale, project.template_dirs)
    project = i18n.localize(project, translations.gettext)
    timeline = make_timeline(project)
    plan = make_plan(project, timeline, translations.gettext, results)
    return Renderer(project, timeline, plan, pdf=pdf, translations=translations)


def rehearse(project: Project) -> None:
    """Render every page and print document without writing anything: what `validate`
    runs so that it reports every template problem a build would stop on."""
    renderer = prepare(project)
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
        pdf.prepare(renderer, markdown, renderer.plan.artefacts)


def _pairs(project: Project, options: BuildOptions, report: BuildReport) -> list[Pair] | None:
    """The pairs to print: read from --pairs, or matched from the roster now."""
    if options.roster is None:
        if options.pairs is not None:
            raise UsageError("--pairs needs --roster: the pairs name people of a roster")
        return None
    roster_path = options.roster.resolve()
    shared = project.root.resolve()
    if shared != library_root():
        if roster_path.is_relative_to(shared):
            raise UsageError(
                f"{options.roster}: the roster is personal data; keep it outside the project "
                "folder, which is shared and often published"
            )
        if options.out.resolve().is_relative_to(shared):
            raise UsageError(
                f"{options.out}: packs and certificates are personal data; build them into a "
                "folder outside the project folder, which is shared and often published "
                "(for example --out ../acme-packs)"
            )
    from .match import holiday_notes, match  # SciPy: loaded only with a roster
    from .pairs import read_pairs

    roster = read_roster(options.roster)
    glyphs.check_roster(roster, project)
    if options.pairs is not None:
        edited = read_pairs(options.pairs, roster, project)
        report.notes.extend(holiday_notes(roster.people, project))
        report.notes.extend(edited.warnings)
        return list(edited.pairs)
    result = match(roster, project)
    report.unmatched = list(result.unmatched)
    report.notes.extend(result.notes)
    return list(result.pairs)


def _salt(project: Project, renderer: Renderer) -> str:
    """What every cached output depends on beyond its own text: versions, fonts (the
    project's and the system's), logo."""
    hasher = hashlib.sha256(__version__.encode())
    import weasyprint

    hasher.update(weasyprint.__version__.encode())
    hasher.update(digests.system_fonts().encode())  # a name or text may fall back on them
    files = list(renderer.sources)
    if project.logo:
        files.append(project.logo)
    for path in files:
        hasher.update(path.as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


# --- PDFs -----------------------------------------------------------------------------


class _PdfRun:
    """Renders the PDF jobs that changed on the executor, while the site builds."""

    def __init__(
        self,
        jobs: list[pdf.PrintJob],
        previous: Path,
        target: Path,
        manifest: dict[str, Any],
        salt: str,
        options: BuildOptions,
        pool: Executor,
    ) -> None:
        self.jobs = jobs
        self.target = target
        self.options = options
        self.manifest: dict[str, list[str]] = {}
        self.futures: list[Future[pdf.JobResult]] = []
        self.pages = 0
        self.rendered = 0
        self.reused = 0
        self.seconds = 0.0
        self.job_seconds = 0.0  # the jobs' own time, where they ran
        self.notes: list[str] = []
        self._started = time.perf_counter()
        if not jobs:
            return
        old: dict[str, list[str]] = manifest.get("pdf", {})
        target.mkdir(parents=True, exist_ok=True)
        reporter = options.reporter
        reporter.start("pdf", sum(len(j.files) for j in jobs))
        todo = []
        for job in jobs:
            digest = job.digest(salt)
            self.manifest[digest] = job.files
            if old.get(digest) == job.files and _reuse(previous, target, job.files):
                self.reused += len(job.files)
                reporter.advance("pdf", len(job.files))
            else:
                todo.append(job)
        # Big jobs first, so that the last one to finish is a small one.
        for job in sorted(todo, key=lambda j: len(j.html), reverse=True):
            future = pool.submit(pdf.render_job, job)
            future.add_done_callback(self._progress)
            self.futures.append(future)

    def _progress(self, future: Future[pdf.JobResult]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.options.reporter.advance("pdf", len(future.result().files))

    def wait(self) -> None:
        if not self.jobs:
            return
        try:
            for future in self.futures:
                result = future.result()
                result.write(self.target)
                self.pages += result.pages
                self.rendered += 1
                self.job_seconds += result.seconds
                self.notes.extend(result.notes)
        except MentorkitError:
            raise
        except Exception as error:  # a worker died or WeasyPrint failed
            raise BuildError(f"a PDF could not be made: {error}") from error
        self.seconds = time.perf_counter() - self._started
        self.options.reporter.finish("pdf")


def _reuse(previous: Path, target: Path, files: list[str]) -> bool:
    """Link the files of an unchanged job from the previous build, if they are all there."""
    sources = [previous / name for name in files]
    if not all(p.is_file() for p in sources):
        return False
    for source in sources:
        _link_or_copy(source, target / source.name)
    return True


# --- the site ---------------------------------------------------------------------------


def _build_site(
    project: Project,
    plan: Any,
    markdown: dict[str, str],
    stage: Path,
    out: Path,
    manifest: dict[str, Any],
    options: BuildOptions,
    pdfs: _PdfRun,
    renderer_gettext: Any,
    report: BuildReport,
) -> tuple[str, dict[str, Any]]:
    """Build the site into the staging folder; return the digest of its sources and the
    record that lets the next build keep pages (see `site.build`)."""
    reporter = options.reporter
    reporter.start("site", 1)
    source = stage / ".site-src"
    target = stage / "site"
    config = site.write_project(
        project,
        plan,
        markdown,
        source,
        pdfs=bool(pdfs.jobs),
        gettext=renderer_gettext,
        engine=options.engine,
    )
    digest = _tree_digest(source, extra=[options.engine, *sorted(pdfs.manifest)], skip={config})
    previous = out / "site"
    last = _last_site(out)
    report.site_pages = len(plan.artefacts)
    if manifest.get("site") == digest and (previous / "index.html").is_file() and last:
        _copy_tree(previous, target, skip={"downloads"})
        record = last.record
        report.site_kept = report.site_pages
    else:
        built = site.build(config, options.engine, target, last)
        record = built.record
        report.site_kept = built.kept
    shutil.rmtree(source)
    reporter.advance("site")
    reporter.finish("site")
    return digest, record


def _last_site(out: Path) -> site.LastSite | None:
    """The site in `out` and its build's record, if the site is still as that build left it."""
    try:
        data = json.loads((out / MARKER / SITE_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    previous = out / "site"
    if (
        not isinstance(data, dict)
        or data.get("mentorkit") != __version__
        or not isinstance(data.get("record"), dict)
        or not previous.is_dir()
        or data.get("fingerprint") != digests.outputs_fingerprint(previous)
    ):
        return None
    return site.LastSite(previous, data["record"])


def _write_site_record(out: Path, record: dict[str, Any]) -> None:
    data = {
        "mentorkit": __version__,
        "fingerprint": digests.outputs_fingerprint(out / "site"),
        "record": record,
    }
    path = out / MARKER / SITE_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _site_reused(new: dict[str, Any], old: dict[str, Any]) -> bool:
    return "site" in new and new.get("site") == old.get("site")


def _tree_digest(folder: Path, extra: list[str], skip: set[Path]) -> str:
    hasher = hashlib.sha256("\0".join(extra).encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            hasher.update(path.relative_to(folder).as_posix().encode())
            if path not in skip:
                hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _copy_tree(source: Path, target: Path, skip: set[str]) -> None:
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if rel.parts and rel.parts[0] in skip:
            continue
        destination = target / rel
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(path, destination)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# --- staging and swapping ---------------------------------------------------------------


def _swap(stage: Path, out: Path, names: list[str]) -> None:
    """Replace each output folder with its freshly built one, one rename each."""
    for name in names:
        fresh = stage / name
        current = out / name
        if current.exists():
            current.rename(stage / f"old-{name}")
        fresh.rename(current)


def _read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("mentorkit") != __version__:
        return {}
    return data


def _write_manifest(
    out: Path, old: dict[str, Any], new: dict[str, Any], built: list[Output]
) -> None:
    merged = {k: v for k, v in old.items() if k not in built}
    merged.update(new)
    path = out / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1, sort_keys=True), encoding="utf-8")


Progress = Callable[[str, int], None]
