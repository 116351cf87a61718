"""The second phase: fill templates with the validated project.

Templates run in Jinja's sandbox with strict undefined. Markdown templates escape every
value a user wrote (raw HTML in a topic file is shown, never run) while keeping their
Markdown; HTML templates autoescape as usual. A project's `templates/` folder replaces
built-in templates of the same path.
"""

from __future__ import annotations

import datetime as dt
import gc
import gettext
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import (
    DateTimePattern,
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_day_names,
    get_time_format,
    tokenize_pattern,
)
from babel.lists import format_list
from markupsafe import Markup

from . import calendar as calendars
from . import i18n
from .artefacts import Artefact, Plan
from .errors import BuildError, shorten
from .layers import files_in
from .markup import literal, md_escape
from .model import WEEKDAYS, Event, Handout, Project, PublicHolidays, Source, Topic
from .placeholders import in_sentence
from .sandbox import (
    Budget,
    DataSandbox,
    RenderBudgetExceeded,
    budgeted_range,
    install_translations,
    limited_output,
)
from .schedule import Timeline

_CITATION = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)*)\](?![(\[])")


def inline(value: Any) -> str:
    """One line of text: for list items, headings and table cells."""
    return " ".join(str(value).split())


_HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)


def demote(text: Any) -> Markup:
    """Markdown headings one level down, so that a page can hold another page."""
    return Markup(_HEADING.sub(r"#\1 ", str(text)))  # noqa: S704 - its own output, moved


def nowrap(text: str) -> Markup:
    """Text that is printed on one line (a clock time or a time range): `span.time`."""
    return Markup('<span class="time">{}</span>').format(text)


#: A blank to write in, as a worksheet prompt marks it: "how many? [ ]".
BLANK = "[ ]"


def blanks(value: Any) -> Markup:
    """A worksheet prompt with every `[ ]` printed as a short line to write on, not as
    the two brackets."""
    parts = inline(value).split(BLANK)
    return Markup('<span class="inline-blank"></span>').join(md_escape(part) for part in parts)


def cell(value: Any) -> Markup:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return Markup(md_escape(inline(value)).replace("|", "\\|"))  # noqa: S704 - escaped


def evidence(handout: Handout, topic: Topic) -> dict[str, Any]:
    """An evidence summary as printed: `[source-id]` becomes `[1]`, with the sources cited.

    Sources are numbered in the order the statements first cite them; an id the topic does
    not know (lint reports it) is left as written.
    """
    sources: dict[str, Source] = {source.id: source for source in topic.sources}
    cited: list[Source] = []

    def number(match: re.Match[str]) -> str:
        source = sources.get(match.group(1))
        if source is None:
            return match.group(0)
        if source not in cited:
            cited.append(source)
        return f"[{cited.index(source) + 1}]"

    items = [_CITATION.sub(number, item) for item in handout.items]
    return {"items": items, "sources": cited}


class Renderer:
    """Renders artefacts to Markdown and print documents to HTML, for one project."""

    def __init__(
        self,
        project: Project,
        timeline: Timeline,
        plan: Plan,
        *,
        pdf: bool,
        translations: gettext.NullTranslations | None = None,
    ) -> None:
        self.project = project
        self.timeline = timeline
        self.plan = plan
        self.pdf = pdf
        self.locale = project.programme.locale.replace("-", "_")
        self.translations = translations or i18n.translations(
            project.programme.locale, project.template_dirs
        )
        self.gettext = self.translations.gettext
        self.vocabulary = vocabulary(self.gettext, self.locale)
        self._formatted: dict[tuple[Any, ...], str] = {}
        self._babel_locale = Locale.parse(self.locale)
        # Times of day printed, when the language's short time shows nothing but the
        # clock (no time zone): a programme's sessions start at a few times of day.
        self._clock_only = _shows_clock_only(get_time_format("short", locale=self._babel_locale))
        self._clocks: dict[tuple[int, int, int, int], str] = {}
        loader = ContainedLoader(project.template_dirs)
        common: dict[str, Any] = {
            "loader": loader,
            "undefined": jinja2.StrictUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": True,
            "auto_reload": False,
            "extensions": ["jinja2.ext.i18n"],
        }
        self.markdown_env = DataSandbox(autoescape=True, finalize=md_escape, **common)
        self.html_env = DataSandbox(autoescape=_is_html, **common)
        for env in (self.markdown_env, self.html_env):
            env.policies["ext.i18n.trimmed"] = True
            install_translations(env, self.translations)
            env.filters.update(self._filters())
            env.globals.update(self._globals())
            env.globals["range"] = budgeted_range

    # --- what templates see ---------------------------------------------------------

    def _filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "inline": inline,
            "demote": demote,
            "cell": cell,
            "blanks": blanks,
            "date": self.date,
            "longdate": self.long_date,
            "short_date": self.short_date,
            "time": self.time,
            "datetime": self.datetime,
            "clock": self.clock,
            "clock_range": self.clock_range,
            "time_range": self.time_range,
            "minutes": self.duration,
            "plural": plural,
            "page_url": self.page_url,
            "literal": literal,
            # Role labels inside a sentence: "NHS Mentor" reads "NHS mentor", not "nhs mentor".
            "lower": _lower,
            "capitalize": _capitalize,
            "stamp": literal,  # its name until 2026: kept for templates that use it
            "published": self.published,
            "holiday_region": self.holiday_region,
            "event_place": self.event_place,
            "for_whom": self.for_whom,
        }

    def _globals(self) -> dict[str, Any]:
        programme = self.project.programme
        return {
            **self.vocabulary,
            "programme": programme,
            "org": programme.organisation,
            "roles": programme.roles,
            "schedule": programme.schedule,
            "timeline": self.timeline,
            "topics": self.project.topics,
            "pair_topics": self.project.pair_topics,
            "library_topics": self.project.library_topics,
            "workshops": self.project.workshops,
            "areas": programme.area_titles(self.gettext),
            "plan": self.plan,
            "pdf_enabled": self.pdf,
            "session_dates": self.session_dates,
            "evidence": evidence,
            "pair_place": self.event_place(None),
            "event_workshops": self.project.event_workshops,
        }

    def event_place(self, event: Event | None) -> str:
        """How and where a group event (or, for None, a pair session) is held; an event
        without a place of its own has none, as in the calendars (the pairs' place is theirs)."""
        if event is not None:
            return calendars.where(event.mode, event.location, self.gettext)
        schedule = self.project.programme.schedule
        mode = schedule.mode if schedule else None
        location = schedule.location if schedule else None
        return calendars.where(mode, location, self.gettext)

    def for_whom(self, audience: str) -> str:
        return calendars.for_whom(audience, self.project.programme.roles, self.gettext)

    def date(self, value: dt.date | dt.datetime | None, style: str = "medium") -> str:
        if value is None:
            return ""
        day = value.date() if isinstance(value, dt.datetime) else value
        return self._babel(format_date, day, style)

    def published(self, value: str | None) -> str:
        """A source's date as its author gave it: `2024`, `June 2024` or `11 June 2024`."""
        if not value:
            return ""
        parts = [int(part) for part in value.split("-")]
        if len(parts) == 1:
            return value
        if len(parts) == 2:
            day = dt.date(parts[0], parts[1], 1)
            return str(format_skeleton("yMMMM", day, locale=self.locale))
        return self.date(dt.date(*parts), "long")

    def holiday_region(self, value: PublicHolidays | Sequence[PublicHolidays]) -> str:
        """`England (United Kingdom)`, `Ireland`, or `Quebec (Canada), the Philippines and
        the United Arab Emirates`: whose public holidays are skipped, for a sentence."""
        regions = [value] if isinstance(value, PublicHolidays) else list(value)
        names = [r.label(self.locale, in_sentence=True) for r in regions]
        return str(format_list(names, locale=self.locale))

    def short_date(self, value: dt.date | dt.datetime | None) -> str:
        """`Sat 9 Jan`, `sam. 9 janv.`: a day beside another, on a line that has the year."""
        if value is None:
            return ""
        day = value.date() if isinstance(value, dt.datetime) else value
        key = (format_skeleton, day, None, "MMMEd")
        text = self._formatted.get(key)
        if text is None:
            text = self._formatted[key] = str(format_skeleton("MMMEd", day, locale=self.locale))
        return text

    def long_date(self, value: dt.date | dt.datetime | None) -> str:
        return self.date(value, "full")

    def time(self, value: dt.datetime | dt.time | None) -> str:
        if value is None:
            return ""
        if self._clock_only:  # the same time of day prints the same, whatever the day
            key = (value.hour, value.minute, value.second, value.microsecond)
            text = self._clocks.get(key)
            if text is None:
                text = self._clocks[key] = self._babel(format_time, value, "short")
            return text
        return self._babel(format_time, value, "short")

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return self._babel(format_datetime, value, "medium")

    def _babel(self, function: Callable[..., Any], value: Any, style: str) -> str:
        """Babel's formatting, remembered: the same dates and times fill many pages."""
        # Aware times are equal when they are the same instant, even in different zones:
        # the zone is part of the key, since it changes what is printed.
        key = (function, value, getattr(value, "tzinfo", None), style)
        text = self._formatted.get(key)
        if text is None:
            text = self._formatted[key] = str(
                function(value, format=style, locale=self._babel_locale)
            )
        return text

    def duration(self, minutes: int) -> str:
        """`45 min`, `1 hour`, `1 h 30 min`, in the programme's language."""
        hours, rest = divmod(minutes, 60)
        if hours and not rest:
            return self.translations.ngettext("%(hours)s hour", "%(hours)s hours", hours) % {
                "hours": hours
            }
        if hours:
            return self.gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
        return self.gettext("%(minutes)s min") % {"minutes": minutes}

    def clock(self, start: dt.datetime | None, offset: int) -> str:
        """Clock time `offset` minutes into a session, or `+offset min` when undated."""
        if start is None:
            return f"{offset} min"
        return self.time(start + dt.timedelta(minutes=offset))

    def clock_range(self, offset: int, start: dt.datetime | None, length: int) -> Markup:
        """`15:05–15:30` for an agenda step, or `5–30 min` when the session is undated."""
        if start is None:
            return nowrap(f"{offset}–{offset + length} min")
        return nowrap(f"{self.clock(start, offset)}–{self.clock(start, offset + length)}")

    def time_range(self, start: dt.datetime | None, end: dt.datetime | None) -> Markup:
        """`15:00–16:00`, kept on one line: a time range is read at a glance, not across
        two lines of a table cell."""
        return nowrap(f"{self.time(start)}–{self.time(end)}")

    def session_dates(self, topic_id: str, session_id: str) -> Any:
        return self.timeline.session(topic_id, session_id) or self.timeline.workshop(
            topic_id, session_id
        )

    def page_url(self, target: str, current: str) -> str:
        """A relative link from one generated page to another, as MkDocs resolves it."""
        return _relative(target, current)

    # --- rendering --------------------------------------------------------------------

    def keep_compiled(self, folder: Path) -> None:
        """Use the templates compiled into `folder` by an earlier build, and keep this
        build's there when it calls `save_compiled` (see `CompiledTemplates`)."""
        for kind, env in (("markdown", self.markdown_env), ("html", self.html_env)):
            env.bytecode_cache = CompiledTemplates(folder, kind)

    def save_compiled(self) -> None:
        """Write the templates compiled in this build (once it succeeded), and remove the
        compiled code builds no longer use (see `prune_compiled`)."""
        caches = [
            env.bytecode_cache
            for env in (self.markdown_env, self.html_env)
            if isinstance(env.bytecode_cache, CompiledTemplates)
        ]
        for kept in caches:
            kept.save()
        if caches:
            prune_compiled(caches[0].folder, set().union(*(c.used for c in caches)))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many renders under one watchdog (see `Budget.watching`), with what exists before
        them (the project, the plan, compiled templates) left out of garbage collection:
        renders make many short-lived objects, and each full collection would otherwise
        walk the whole project again (about 6% of a 500-topic build)."""
        frozen = gc.get_freeze_count() == 0  # someone else's freeze is left alone
        if frozen:
            gc.freeze()
        try:
            with Budget.watching():
                yield
        finally:
            if frozen:
                gc.unfreeze()

    def markdown(self, artefact: Artefact) -> str:
        """The artefact's Markdown source, shared by the site page and the PDF."""
        context = {"artefact": artefact, "page": artefact.page, **artefact.context}
        return self._render(self.markdown_env, artefact.template, context)

    def html(self, template: str, context: dict[str, Any]) -> str:
        return self._render(self.html_env, template, context)

    def _render(self, env: DataSandbox, name: str, context: dict[str, Any]) -> str:
        """Render in the sandbox, within budget; any failure is a located `BuildError`."""
        try:
            template = env.get_template(name)
            with Budget.running():
                return limited_output(template.generate(context))
        except jinja2.TemplateSyntaxError as error:
            where = self._display(error.filename or name)
            raise BuildError(f"{where}:{error.lineno}: {error.message}") from None
        except jinja2.TemplateNotFound as error:
            where = self._template_frame(error, name)
            raise BuildError(f"{where}: {_not_found(error.name)}") from None
        except BuildError:
            raise
        except RecursionError as error:
            where = self._template_frame(error, name)
            raise BuildError(
                f"{where}: the template calls itself without end (a macro or include that "
                "repeats itself?)"
            ) from None
        except Exception as error:  # a template is code: anything it raises is its author's
            where = self._template_frame(error, name)
            hint = ""
            if isinstance(error, jinja2.UndefinedError) and where.startswith(PARTIALS):
                hint = (
                    " (a partial sees the programme's own names, such as programme and roles, "
                    "not the page's: give its macro what it needs as an argument)"
                )
            raise BuildError(f"{where}: {_describe_error(error)}{hint}") from None

    def _template_frame(self, error: BaseException, name: str) -> str:
        frames = traceback.extract_tb(error.__traceback__)
        for frame in reversed(frames):
            if frame.filename.endswith((".j2", ".jinja", ".html", ".css", ".md")):
                return f"{self._display(frame.filename)}:{frame.lineno}"
        return f"templates/{name}"

    def _display(self, filename: str) -> str:
        path = Path(filename)
        for folder in self.project.template_dirs:
            if path.is_relative_to(folder):
                return f"templates/{path.relative_to(folder).as_posix()}"
        return f"templates/{filename}"

    @cached_property
    def sources(self) -> list[Path]:
        """Every template file that can affect the output (for cache keys)."""
        found: dict[str, Path] = {}
        for folder in self.project.template_dirs:
            for path in files_in(folder, folder):
                found.setdefault(path.relative_to(folder).as_posix(), path)
        return [found[k] for k in sorted(found)]


#: Fields of a date pattern that show the time of day and nothing else (hours, minutes,
#: seconds and their fractions, the period of the day).
_CLOCK_FIELDS = frozenset("HhKkmsSAaBb")


def _shows_clock_only(pattern: DateTimePattern) -> bool:
    return all(
        kind != "field" or value[0] in _CLOCK_FIELDS
        for kind, value in tokenize_pattern(pattern.pattern)
    )


def _lower(value: Any) -> Any:
    """The `lower` filter, for role labels inside a sentence: "NHS Mentor" reads "NHS
    mentor", not "nhs mentor"."""
    text = in_sentence(str(value))
    return Markup(text) if isinstance(value, Markup) else text  # noqa: S704 - was Markup


def _capitalize(value: Any) -> Any:
    """The `capitalize` filter: the first letter only (Jinja's own lowers the rest, so
    "for every NHS mentor" became "For every nhs mentor")."""
    text = str(value)
    text = text[:1].upper() + text[1:]
    return Markup(text) if isinstance(value, Markup) else text  # noqa: S704 - was Markup


@cache
def _signing_key() -> bytes:
    """A random key of this user's, in their own cache folder (`$XDG_CACHE_HOME/mentorkit`,
    readable by them only), made at first use."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mentorkit"
    path = base / "template-signing.key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "wb") as file:
        file.write(key)
    return key


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by an earlier build, kept in the output folder's `.mentorkit/`.

    Each is filed under a digest of everything its code depends on: the template's own text
    and name, the environment it was compiled for (Markdown or HTML, escaping, whitespace
    rules, extensions) and the versions of Jinja and Python. A template that changed in any
    way has another digest, so it is compiled afresh: the cache never gives old code.
    """

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = folder
        self.kind = kind
        self.compiled: dict[str, bytes] = {}  # written by `save`, when the build succeeded
        self.used: set[str] = set()  # the keys of the code this build ran

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        autoescape = environment.autoescape
        escapes = autoescape(name) if callable(autoescape) else autoescape
        settings = (
            self.kind,
            jinja2.__version__,
            escapes,
            environment.finalize is not None,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.keep_trailing_newline,
            environment.newline_sequence,
            environment.optimized,
            environment.is_async,
            sorted(environment.extensions),
            environment.policies["compiler.ascii_str"],
            environment.policies.get("ext.i18n.trimmed"),
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
        )
        hasher = hashlib.sha256(repr(settings).encode())
        hasher.update(f"\0{name}\0{filename}\0".encode())
        hasher.update(source.encode())
        key = hasher.hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, key)
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Compiled code is Python code: it is run only when signed with this user's own key
        (see `_signing_key`), so whoever can write into an output folder (a restored CI
        cache, a shared drive) cannot make the next build run code of theirs."""
        path = self.folder / bucket.key
        try:
            data = path.read_bytes()
            signature, code = data[:32], data[32:]
            expected = hmac.digest(_signing_key(), bucket.key.encode() + code, "sha256")
            if not hmac.compare_digest(signature, expected):
                raise ValueError("not signed by this user")
            bucket.bytecode_from_string(code)
            self.used.add(bucket.key)
            os.utime(path)  # its last use: what `prune_compiled` keeps the most recent of
        except (OSError, ValueError, EOFError, TypeError):
            bucket.reset()  # missing, unreadable or not ours: compiled again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        try:
            signature = hmac.digest(_signing_key(), bucket.key.encode() + code, "sha256")
        except OSError:
            return  # no key can be kept: nothing is kept either
        self.compiled[bucket.key] = signature + code
        self.used.add(bucket.key)

    def save(self) -> None:
        """Write what was compiled; a cache that cannot be written only costs the next
        build the compiling."""
        for key, code in self.compiled.items():
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            except OSError:
                return
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(code)
                Path(temporary).replace(self.folder / key)
            except OSError:
                Path(temporary).unlink(missing_ok=True)
        self.compiled.clear()


#: Compiled templates kept in an output folder, at most: a build's own, then the most
#: recently used of the others (builds with other options, templates since edited).
COMPILED_LIMIT = 200
_COMPILED_NAME = re.compile(r"[0-9a-f]{64}")


def prune_compiled(folder: Path, used: set[str], limit: int | None = None) -> None:
    """Remove the compiled code of `folder` beyond `limit` files, least recently used
    first, never what this build used; and the leftovers of a build that was stopped."""
    limit = COMPILED_LIMIT if limit is None else limit
    try:
        files = [p for p in folder.iterdir() if p.is_file()]
        others = []
        for path in files:
            if path.name.startswith(".tmp-"):
                path.unlink(missing_ok=True)
            elif _COMPILED_NAME.fullmatch(path.name) and path.name not in used:
                others.append((path.stat().st_mtime_ns, path.name, path))
        others.sort(reverse=True)
        for _, _, path in others[max(0, limit - len(used)) :]:
            path.unlink(missing_ok=True)
    except OSError:
        return  # what cannot be removed costs room only


PARTIALS = "templates/partials/"  # imported once a build, without the page's variables


def _not_found(name: object) -> str:
    """Why a template named by `include`, `import` or `extends` cannot be had."""
    text = str(name)
    if text.startswith("/") or "\\" in text or ".." in text.split("/"):
        return (
            f"the template {shorten(text)!r} is outside the templates folder: a template "
            "includes only other templates, by their path in templates/, such as "
            "partials/form.md.j2"
        )
    return (
        f"the template {shorten(text)!r} was not found: name it by its path in templates/, "
        "such as partials/form.md.j2"
    )


def _describe_error(error: BaseException) -> str:
    if isinstance(error, RenderBudgetExceeded | jinja2.TemplateError):
        return str(error).replace("jinja2.exceptions.", "")
    if isinstance(error, ZeroDivisionError):
        return "division by zero"
    if isinstance(error, MemoryError):
        return "the template used more memory than the machine has"
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]


class ContainedLoader(jinja2.BaseLoader):
    """Loads templates from the layers' `templates/` folders, in order, and never follows a
    link out of them: a template that is a symbolic link to a file elsewhere is refused."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = [Path(f) for f in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not path.is_file():
                continue
            text = contained_text(path, folder, f"templates/{template}")
            return text, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


#: Largest template file read (the biggest built-in template is about 10 kB).
TEMPLATE_SIZE_LIMIT = 1_000_000


def contained_text(path: Path, root: Path, shown: str) -> str:
    """A text file that must really lie inside `root`, read as UTF-8, within a size limit."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise BuildError(
            f"{shown}: this file is a link to a place outside its folder; "
            "copy the file itself into the project instead"
        )
    if real.stat().st_size > TEMPLATE_SIZE_LIMIT:
        raise BuildError(f"{shown}: the file is larger than {TEMPLATE_SIZE_LIMIT:,} bytes")
    try:
        return real.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BuildError(f"{shown}: the file is not UTF-8 text; save it as UTF-8") from None


def _is_html(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html.j2", ".html", ".xml.j2"))


def _relative(target: str, current: str) -> str:
    base = Path(current).parent
    rel = Path(_posix_relpath(target, base.as_posix()))
    return rel.as_posix()


def _posix_relpath(target: str, start: str) -> str:
    target_parts = [p for p in target.split("/") if p]
    start_parts = [p for p in start.split("/") if p and p != "."]
    common = 0
    for a, b in zip(target_parts, start_parts, strict=False):
        if a != b:
            break
        common += 1
    ups = [".."] * (len(start_parts) - common)
    return "/".join(ups + target_parts[common:]) or "."


def vocabulary(gettext: Any, locale: str) -> dict[str, dict[str, str]]:
    """Words for the enumerations of the model, in the programme's language."""
    _ = gettext
    days = get_day_names("wide", locale=locale)
    return {
        "levels": {
            "foundation": _("Foundation"),
            "practitioner": _("Practitioner"),
            "advanced": _("Advanced"),
        },
        "cadences": {
            "weekly": _("every week"),
            "fortnightly": _("every two weeks"),
            "monthly": _("every month"),
        },
        "weekdays": {name: str(days[index]) for index, name in enumerate(WEEKDAYS)},
        "resource_kinds": {
            "article": _("article"),
            "video": _("video"),
            "guide": _("guide"),
            "tool": _("tool"),
            "course": _("course"),
        },
    }


def plural(count: int, singular: str, many: str | None = None) -> str:
    word = singular if count == 1 else (many or singular + "s")
    return f"{count} {word}"


def pages_of(artefacts: Iterable[Artefact]) -> dict[str, Artefact]:
    return {a.page: a for a in artefacts}
