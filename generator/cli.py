"""The `mentorkit` command: every message is written for coordinators, not programmers."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from . import __version__, glyphs
from .build import OUTPUTS, BuildOptions, BuildReport, rehearse
from .build import build as run_build
from .errors import InvalidProject, MentorkitError, UsageError
from .explain import origins, unset
from .layers import builtin_templates
from .lint import lint, long_plans, overdue_sessions
from .loader import load_project, merged_programme
from .model import Output
from .pdf import default_cache as plan_cache
from .pdf import default_workers
from .render import plural
from .report import ReportOptions
from .report import report as run_report
from .roster import read_roster
from .scaffold import available_locales, copy_template, init, template_text
from .schedule import timeline
from .schema import write_schemas
from .serve import serve
from .site import ENGINES, Engine
from .terminal import isolated, literal, markup

F = TypeVar("F", bound=Callable[..., Any])

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

PROJECT_ARGUMENT = click.argument(
    "project",
    required=False,
    type=click.Path(path_type=Path),
    metavar="[PROJECT]",
)


def reports_errors(command: F) -> F:
    """Turn `MentorkitError`s into plain messages and exit code 1, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InvalidProject as error:
            for line in error.lines():
                click.echo(literal(line), err=True)
            count = len(error.problems)
            err.print(
                f"[bold red]{count} problem{'s' if count != 1 else ''} found[/]; "
                f"fix {'them' if count != 1 else 'it'} and run the command again. "
                "Nothing was written."
            )
            sys.exit(1)
        except MentorkitError as error:
            for line in error.lines():
                click.echo(f"error: {literal(line)}", err=True)
            sys.exit(1)
        except BrokenPipeError as error:
            if _output_gone():  # what reads the output stopped (`| head`): main() ends quietly
                raise
            click.echo(literal(f"error: {error.strerror or error}"), err=True)  # another pipe
            sys.exit(1)
        except OSError as error:  # a path that cannot be written or read: say which, and why
            where = error.filename or ""
            reason = error.strerror or str(error)
            click.echo(
                literal(f"error: {where}: {reason}" if where else f"error: {reason}"), err=True
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mentorkit")
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is happening.")
def cli(verbose: bool) -> None:
    """Turn a reverse-mentoring programme written as YAML into guides, session plans,
    a website, printable PDFs and calendars.

    PROJECT is an organisation folder holding program.yaml, or a programme file.
    Without it, the built-in default programme is used.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
    )
    for noisy in ("weasyprint", "fontTools", "mkdocs", "MARKDOWN"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@cli.command()
@PROJECT_ARGUMENT
@reports_errors
def validate(project: Path | None) -> None:
    """Check every file of PROJECT and report all problems at once."""
    loaded = load_project(project)
    rehearse(loaded)  # templates too: whatever a build would stop on
    programme = loaded.programme
    sessions = len(timeline(loaded).sessions)  # a personal track counts its length
    out.print(
        f"[green]✓[/] {markup(programme.title)}: the programme and "
        f"{plural(len(loaded.topics), 'topic')} "
        f"are valid ({plural(len(programme.tracks), 'track')}, "
        f"{plural(sessions, 'pair session')}, "
        f"{plural(len(programme.onboarding), 'onboarding workshop')})."
    )
    for note in loaded.notes:
        err.print(f"note: {markup(note)}")
    for finding in overdue_sessions(loaded):
        click.echo(literal(finding))


@cli.command()
@PROJECT_ARGUMENT
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist"),
    show_default=True,
    help="Folder the outputs go to: site/, pdf/ and calendar/.",
)
@click.option(
    "--only",
    metavar="OUTPUTS",
    callback=lambda _ctx, _param, value: _outputs(value),
    help="Build only some outputs, comma-separated: site,pdf,calendar.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="mkdocs",
    show_default=True,
    help="What builds the site: Material for MkDocs, or its successor Zensical.",
)
@click.option(
    "--jobs",
    "workers",
    type=click.IntRange(1, 64),
    default=default_workers(),
    show_default=True,
    help="How many processes make PDFs at once.",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Participants (CSV): also print a pack for every pair and a certificate for everyone.",
)
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Pairs from `mentorkit match` (CSV); without it the roster is matched afresh.",
)
@click.option(
    "--executor",
    metavar="dask://HOST:PORT",
    default=None,
    help="Render on a Dask cluster instead of this machine's processes.",
)
@reports_errors
def build(
    project: Path | None,
    out_dir: Path,
    only: frozenset[Output] | None,
    engine: Engine,
    workers: int,
    roster: Path | None,
    pairs_file: Path | None,
    executor: str | None,
) -> None:
    """Build PROJECT into a website, printable PDFs and calendars."""
    with _ProgressReporter() as reporter:
        options = BuildOptions(
            out=out_dir,
            only=only,
            engine=engine,
            workers=workers,
            reporter=reporter,
            roster=roster,
            pairs=pairs_file,
            executor=executor,
        )
        report = run_build(project, options)
    _summary(report)


def _outputs(value: str | None) -> frozenset[Output] | None:
    if not value:
        return None
    names = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(names - set(OUTPUTS))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: choose from {', '.join(OUTPUTS)}", param_hint="--only"
        )
    return frozenset(names)  # type: ignore[arg-type]


class _ProgressReporter:
    """Progress bars on the terminal (stderr) while PDFs and the site are made."""

    LABELS: ClassVar[dict[str, str]] = {
        "pdf": "Printing PDFs",
        "site": "Building the site",
        "packs": "Printing pair packs",
        "read": "Reading responses",
        "report": "Writing the report",
    }

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _ProgressReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, task: str, total: int) -> None:
        self.tasks[task] = self.progress.add_task(self.LABELS.get(task, task), total=total)

    def advance(self, task: str, amount: int = 1) -> None:
        if task in self.tasks:
            self.progress.advance(self.tasks[task], amount)

    def finish(self, task: str) -> None:
        if task in self.tasks:
            self.progress.update(
                self.tasks[task], completed=self.progress.tasks[self.tasks[task]].total
            )


def _summary(report: BuildReport) -> None:
    if report.unchanged:
        out.print(
            f"[green]✓[/] Nothing changed since the last build of [bold]{markup(report.title)}[/]"
            f": every output is kept as it was ({report.timings['total']:.1f} s)."
        )
        return
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("output")
    table.add_column("files", justify="right")
    table.add_column("where")
    for output in report.outputs:
        note = f" ({output.reused} unchanged)" if output.reused else ""
        where = output.path / "index.html" if output.name == "site" else output.path
        table.add_row(output.name, f"{output.files}{note}", markup(where))
    out.print(
        f"[green]✓[/] Built [bold]{markup(report.title)}[/] in {report.timings['total']:.1f} s"
    )
    out.print(table)
    if report.pairs:
        given = ", certificates for everyone" if report.certificates else ""
        out.print(f"{plural(report.pairs, 'pair')}: a pack each in pairs/{given}.")
    for note in report.notes:
        err.print(f"note: {markup(note)}")
    for person in report.unmatched:
        err.print(
            f"[yellow]not paired[/]: {isolated(person.person.name)} "
            f"({person.role or person.person.role}): {markup(person.reason)}"
        )


@cli.command("serve")
@PROJECT_ARGUMENT
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Where to listen.")
@reports_errors
def serve_command(project: Path | None, port: int, host: str) -> None:
    """Preview PROJECT's site in a browser; it rebuilds whenever a file changes."""
    logging.getLogger("mentorkit").setLevel(logging.INFO)
    serve(project, host, port)


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--locale",
    default="en",
    show_default=True,
    metavar="LANGUAGE",
    help="The language of the project: its programme, example topic and comments, and "
    f"every label of its outputs ({', '.join(available_locales())}).",
)
@reports_errors
def init_command(folder: Path, locale: str) -> None:
    """Create an organisation project in FOLDER: a programme extending the default,
    an example topic, an example override, template notes and a placeholder logo."""
    files = init(folder, locale)
    out.print(f"[green]✓[/] Created {plural(len(files), 'file')} in {markup(folder)}. Next:")
    out.print(f"  mentorkit build {markup(folder)}      # builds as it is")
    out.print(f"  then edit {markup(folder / 'program.yaml')}: the comments explain every setting")


@cli.command("template")
@click.argument("name", required=False)
@PROJECT_ARGUMENT
@reports_errors
def template_command(name: str | None, project: Path | None) -> None:
    """Get the original of a built-in template, to change it in your project.

    With NAME and PROJECT, copies the template (such as `site/home.md.j2`) into
    PROJECT's templates/ folder, where it replaces the built-in one; with NAME alone,
    prints it; with neither, lists the templates.
    """
    if name is None:
        for each in builtin_templates():
            click.echo(each)
        return
    if project is None:
        click.echo(template_text(name), nl=False)
        return
    copied = copy_template(name, project)
    out.print(
        f"[green]✓[/] Copied the built-in template to {markup(copied)}: change it there, "
        "and build; delete it to go back to the built-in one."
    )


@cli.command("match")
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--project",
    type=click.Path(path_type=Path),
    default=None,
    help="The project whose topics and tags give meaning to offers and wants, "
    "and whose schedule sets the session length. Default: the built-in programme.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the pairs (default: pairs.csv beside the roster).",
)
@reports_errors
def match_command(roster: Path, project: Path | None, out_file: Path | None) -> None:
    """Pair mentors with mentees from ROSTER (a CSV file), and say why."""
    people = read_roster(roster)
    loaded = load_project(project)
    # As `build` will: a name no font prints is said now, before it is in pairs.csv.
    glyphs.check_roster(people, loaded)
    from .match import match  # SciPy: loaded only for matching
    from .pairs import write_pairs

    target = out_file or roster.with_name("pairs.csv")
    if target.resolve() == roster.resolve():
        raise UsageError(
            f"{target}: this is the roster itself; write the pairs to another file (--out)"
        )
    result = match(people, loaded)
    kept = None
    if target.is_file():  # perhaps edited by hand since: kept beside it, not lost
        kept = target.with_name(f"{target.stem}.previous{target.suffix}")
        shutil.copyfile(target, kept)
    write_pairs(result.pairs, target, loaded)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("pair", "fit", "usual slot", "why"):
        table.add_column(column)
    for pair in result.pairs:
        moved = f", {pair.moved} moved" if pair.moved else ""
        if pair.to_agree:
            moved += f", {len(pair.to_agree)} to agree"
        table.add_row(  # Rich pads each column by display cells (wide and combining alike)
            f"{isolated(pair.mentor.name)} → {isolated(pair.mentee.name)}",
            f"{pair.score}%",
            f"{pair.weekday[:3]} {pair.time} {markup(pair.zone)}{moved}",
            markup(pair.reasons[0]),
        )
    out.print(table)
    for note in result.notes:
        err.print(f"note: {markup(note)}")
    for person in result.unmatched:
        err.print(
            f"[yellow]not paired[/]: {isolated(person.person.name)} "
            f"({person.role or person.person.role}): {markup(person.reason)}"
        )
    out.print(
        f"[green]✓[/] {plural(len(result.pairs), 'pair')}, "
        f"{len(result.unmatched)} not paired; written to {markup(target)}"
        + (f" (the one before is kept as {markup(kept.name)})" if kept else "")
    )


@cli.command("explain")
@PROJECT_ARGUMENT
@click.argument("key", required=False)
@reports_errors
def explain_command(project: Path | None, key: str | None) -> None:
    """Show PROJECT's programme as its files merge, and where each value comes from.

    KEY narrows it to one part, such as `schedule`, `tracks` or
    `tracks.digital-foundations.topics`. Values from mentorkit's own library are marked
    `built-in:`; change them in your program.yaml. Without PROJECT (`mentorkit explain
    schedule`), it shows the built-in default programme.
    """
    if key is None and project is not None and _names_a_key(project):
        project, key = None, str(project)  # `mentorkit explain schedule`: the built-in programme
    merged = merged_programme(project)
    found = origins(merged, key)
    if not found:
        click.echo(literal(unset(key or "")))
        return
    width = max(len(o.where) for o in found)
    for origin in found:
        click.echo(literal(f"{origin.where:<{width}}  {origin.key}: {origin.value}"))


def _names_a_key(project: Path) -> bool:
    """Whether what was given as PROJECT is no file or folder but a programme key
    (`schedule`, `tracks.main.topics`), as someone exploring the built-in programme writes."""
    from .model import Programme

    written = str(project)
    top = written.replace("[", ".").split(".")[0]
    return not project.exists() and top in Programme.model_fields


@cli.command("lint")
@PROJECT_ARGUMENT
@click.option("--strict", is_flag=True, help="Exit with 1 when there is any finding.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Check review dates against this day instead of today (YYYY-MM-DD).",
)
@click.option(
    "--no-layout",
    is_flag=True,
    help="Skip laying out the session plans and workshop parts to count their sides (quicker).",
)
@reports_errors
def lint_command(
    project: Path | None, strict: bool, today: dt.datetime | None, no_layout: bool
) -> None:
    """Check the teaching quality of PROJECT's topics: objectives, timing, interaction,
    preparation, review dates, and session plans or workshop parts that run over one
    sheet (two sides).
    Warnings only, unless --strict."""
    loaded = load_project(project)
    findings = lint(loaded, today.date() if today else None)
    if not no_layout:
        findings = sorted({*findings, *long_plans(loaded, plan_cache())})
    for finding in findings:
        click.echo(literal(finding))
    count = len(findings)
    if not count:
        out.print("[green]✓[/] No findings: every session is ready to run as written.")
        return
    out.print(f"{plural(count, 'finding')}.", style="bold yellow" if not strict else "bold red")
    if strict:
        sys.exit(1)


@cli.command("report")
@click.argument(
    "inputs",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
    metavar="RESPONSES... [PROJECT]",
)
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The pairs that should be meeting (pairs.csv from `mentorkit match`): a pair "
    "with no answers at all is then flagged too.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist"),
    show_default=True,
    help="The report goes to report/ in this folder (never into the site).",
)
@click.option(
    "--anonymous",
    is_flag=True,
    help="For sharing with sponsors: no pair ids and no list of pairs at risk.",
)
@reports_errors
def report_command(
    inputs: tuple[Path, ...], pairs_file: Path | None, out_dir: Path, anonymous: bool
) -> None:
    """Read feedback RESPONSES (CSV or Excel exports, or filled PDF forms) and write a progress
    report: engagement, pairs at risk, and the four Kirkpatrick levels, with charts.

    PROJECT (a folder with program.yaml, or a programme file) comes last; without it,
    the built-in default programme is used."""
    files = list(inputs)
    project: Path | None = None
    if files and (files[-1].is_dir() or files[-1].suffix.lower() in (".yaml", ".yml")):
        project = files.pop()
    with _ProgressReporter() as reporter:
        result = run_report(
            files,
            project,
            ReportOptions(
                out=out_dir,
                pairs=pairs_file,
                anonymous=anonymous,
                start=reporter.start,
                advance=reporter.advance,
            ),
        )
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    risk = len(result.progress.at_risk)
    out.print(
        f"[green]✓[/] Report on {plural(result.responses, 'answered form')} written to "
        f"{result.folder / 'index.html'} and {result.folder / 'report.pdf'}"
    )
    if not anonymous:
        out.print(
            f"{plural(risk, 'pair')} at risk"
            + (": see “Pairs to call this week” in the report." if risk else ".")
        )


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist/schema"),
    show_default=True,
    help="Folder to write the schema files to.",
)
@reports_errors
def schema(out_dir: Path) -> None:
    """Write JSON Schemas for topic and programme files, for editors' completion."""
    for path in write_schemas(out_dir):
        out.print(f"wrote {markup(path)}")
    out.print(
        "Point your editor at them; for VS Code's YAML extension, put this first line "
        "in a topic file:\n"
        f"  # yaml-language-server: $schema={(out_dir / 'topic.schema.json').as_posix()}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script and of `python -m generator`."""
    try:
        try:
            cli.main(args=list(argv) if argv is not None else None, prog_name="mentorkit")
        finally:
            # What is still buffered goes now, where a closed pipe can be caught, rather
            # than at exit, where Python would print "Exception ignored ... BrokenPipeError".
            _flush_output()
    except BrokenPipeError:
        _stop_writing()
        sys.exit(1)


def _flush_output() -> None:
    """Send what is buffered on stdout; a broken pipe (`mentorkit template | head -1`, the
    reader gone) raises BrokenPipeError, even where click has already ended the command
    for it (it only hides the error from the flushes it makes itself)."""
    stdout = sys.stdout
    stdout = getattr(stdout, "wrapped", stdout)  # click's wrapper after a broken pipe
    if stdout is not None and not stdout.closed:
        stdout.flush()


def _output_gone() -> bool:
    """Whether what reads the standard output has gone (a pipe whose reader closed it
    reports an error when polled), rather than some other pipe the command used."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _fd, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no real stdout (an embedding, a test)
        return True


def _stop_writing() -> None:
    """The reader of the output has gone, as with `| head -1`: end quietly, as Unix tools
    do. Output still buffered goes to the null device, so that Python's own flush at exit
    does not fail again and print "Broken pipe" (the way the Python documentation of
    SIGPIPE recommends)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (an embedding, a test)
        pass
