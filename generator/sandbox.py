"""The Jinja sandbox templates run in: data only, and a budget of time, memory and output.

Templates come from organisations and shared packs, so they are untrusted code. They see
the project's data and nothing else: fields of the model and of the planned artefacts,
plain values (text, numbers, dates, lists, mappings) and the few read-only helpers a
class names in `TEMPLATE_API`. No method of a model, a path or a library object can be
reached, so a template can neither run a command nor read a file.

A render also has a budget. A template that loops for too long, builds too much output or
eats memory is stopped with `RenderBudgetExceeded`, which the renderer turns into a located
error: a hostile or careless template never hangs a build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from jinja2.environment import TemplateModule
from jinja2.runtime import LoopContext, Macro, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace, pass_context
from markupsafe import Markup
from pydantic import BaseModel

#: Seconds of processor time one template may use; a real page takes milliseconds, a
#: 1,000-topic index < 1 s. Processor time, not time on the clock: on a busy machine (a CI
#: runner, a laptop building two things) a page waits for the processor without running.
TIME_LIMIT = 20.0
#: Characters one template may produce (a 1,000-topic library page is about 1 MB).
OUTPUT_LIMIT = 50_000_000
#: Memory a render may add to the process before it is stopped.
MEMORY_LIMIT = 400 * 1024 * 1024
#: Longest text or list a template may build with `*` or `+`, and the largest power.
SEQUENCE_LIMIT = 5_000_000
POWER_LIMIT = 10_000

#: Values templates may use with the sandbox's own (read-only) rules.
_PLAIN: tuple[type, ...] = (
    str,
    int,
    float,
    bool,
    type(None),
    dt.date,
    dt.time,
    dt.timedelta,
    dt.tzinfo,
    Markup,
    dict,
    list,
    tuple,
    set,
    frozenset,
    range,
)
#: Jinja's own objects (loops, imported macro modules, namespaces, cyclers).
_JINJA = (LoopContext, TemplateModule, Macro, Namespace, Cycler, Joiner, Undefined)
#: Objects whose `format` methods the sandbox wraps: their attributes take the long way.
_STR_FORMAT = (str,)


class RenderBudgetExceeded(Exception):
    """A template ran past its time, memory or output budget."""


def template_api(cls: type) -> frozenset[str]:
    """What templates may read of one of mentorkit's classes: its fields, the properties it
    defines itself (computed data) and the read-only methods it lists in `TEMPLATE_API`."""
    names: set[str] = set(getattr(cls, "TEMPLATE_API", ()))
    if issubclass(cls, BaseModel):
        names.update(cls.model_fields)
    elif dataclasses.is_dataclass(cls):
        names.update(f.name for f in dataclasses.fields(cls))
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] != __name__.split(".")[0]:
            continue
        names.update(
            name
            for name, member in vars(klass).items()
            if isinstance(member, property | functools.cached_property)
        )
    return frozenset(names)


_api_cache: dict[type, frozenset[str]] = {}


class DataSandbox(ImmutableSandboxedEnvironment):
    """A sandbox whose attribute policy allows data and nothing else.

    The policy depends only on the type of the object and the attribute's name (Jinja's
    own checks look at nothing else), so each answer is worked out once and remembered:
    a page reads hundreds of attributes, and the sandbox must not cost more than them.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Placeholder Latin has no place in a programme's documents, and asked for by the
        # million it runs for as long as the budget lets it.
        self.globals.pop("lipsum", None)
        # Filters that pad or format to a width the template gives: one call could build a
        # text of gigabytes before the budget's next look at the clock.
        for name in ("indent", "center", "format"):
            self.filters[name] = _widths_checked(name, self.filters[name])
        self._policy: dict[tuple[type, str], bool] = {}
        # The attributes read the short way: allowed, and not of a text (whose `format`
        # the sandbox wraps).
        self._direct: dict[tuple[type, str], bool] = {}
        self._calls = 0  # calls and operations made, for `_count`
        self._reads: set[str] | None = None
        self.owners: dict[int, str] = {}  # set before `reads`: the noting reads bind it
        self._finalize_value = self.finalize

    @property
    def reads(self) -> set[str] | None:
        """While a set, every object read (an attribute, an item, or printed whole) whose
        id is in `owners` adds its owner there: which topics a page's render read (see
        `generator.pages`). Only then does a read cost the looking up."""
        return self._reads

    @reads.setter
    def reads(self, reads: set[str] | None) -> None:
        self._reads = reads
        noting = vars(self)  # the noting versions shadow the methods while they are wanted
        if reads is None:
            noting.pop("getattr", None)
            noting.pop("getitem", None)
            self.finalize = self._finalize_value
        else:
            noting["getattr"], noting["getitem"], finalize = self._noting(reads)
            if self._finalize_value is not None:
                self.finalize = finalize

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain mapping, made when the template is loaded.
        Jinja's own is a chain of the template's and the environment's, so every render
        and every `{% import %}` looked each global up through both; as Jinja advises,
        the renderer changes no global once templates are loaded."""
        return {**self.globals, **(d or {})}

    def _noting(
        self, reads: set[str]
    ) -> tuple[Callable[[Any, str], Any], Callable[[Any, Any], Any], Callable[[Any], Any]]:
        """`getattr`, `getitem` and `finalize` that note the owner of what they read in
        `reads` (with this render's `owners`): they run for every read, so what they use
        is bound once here rather than looked up each time."""
        owner_of, note, direct = self.owners.get, reads.add, self._direct.get
        long_getattr = super().getattr
        long_getitem = super().getitem
        finalize = self._finalize_value

        def noting_getattr(obj: Any, attribute: str) -> Any:
            owner = owner_of(id(obj))
            if owner is not None:
                note(owner)
            if direct((type(obj), attribute)):
                try:
                    return getattr(obj, attribute)
                except AttributeError:
                    pass
            return long_getattr(obj, attribute)

        def noting_getitem(obj: Any, argument: Any) -> Any:
            owner = owner_of(id(obj))
            if owner is not None:
                note(owner)
            return long_getitem(obj, argument)

        def noting_finalize(value: Any) -> Any:
            owner = owner_of(id(value))
            if owner is not None:
                note(owner)
            return finalize(value)  # type: ignore[misc]  # only installed with one

        return noting_getattr, noting_getitem, noting_finalize

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        known = self._policy.get(key)
        if known is None:
            known = self._policy[key] = self._decide(obj, attr, value)
            self._direct[key] = known and not isinstance(obj, _STR_FORMAT)
        return known

    def _decide(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, _PLAIN + _JINJA):
            return True
        cls = type(obj)
        allowed = _api_cache.get(cls)
        if allowed is None:
            allowed = _api_cache[cls] = (
                template_api(cls)
                if isinstance(obj, BaseModel) or dataclasses.is_dataclass(obj)
                else frozenset()
            )
        return attr in allowed

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` in a template: the sandbox's rules, with the answer remembered."""
        if self._direct.get((type(obj), attribute)):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)

    def _count(self) -> None:
        """The clock is read every `CHECK_EVERY` calls and operations, not at each: reading
        a thread's processor time is a system call, and a page makes hundreds of calls."""
        self._calls += 1
        if not self._calls % CHECK_EVERY:
            Budget.check()

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._count()
        kind = type(__obj)
        if kind is Macro or kind is _Translation:
            # Jinja's own macros and mentorkit's translation functions: known safe to call,
            # so neither the sandbox's checks (attributes of the callable) nor Jinja's
            # search for what to pass them are repeated. Both get what Jinja gives them:
            # a macro the caller's evaluation context (whether its output is escaped), a
            # translation whether the caller escapes. Jinja's compiled code passes the
            # variables of the loop or block it calls from: a macro takes none, and a
            # translation reads nothing else of the context.
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            if kind is _Translation:
                return __obj.translate(__context.eval_ctx.autoescape, *args, **kwargs)
            return __obj(__context.eval_ctx, *args, **kwargs)
        # A text's own method (`.center(n)`; `.format(...)` comes wrapped by Jinja's sandbox).
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):
            _check_text_method(owner, getattr(__obj, "__name__", ""), args)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        self._count()
        if operator_name == "**":
            if isinstance(right, int) and abs(right) > POWER_LIMIT:
                raise RenderBudgetExceeded(f"the power {right} is too large for a template")
            return operator.pow(left, right)
        if operator_name == "*":
            size = _repeat_size(left, right)
            if size > SEQUENCE_LIMIT:
                raise RenderBudgetExceeded(
                    f"`*` would make a text or list of {size:,} items; the limit is "
                    f"{SEQUENCE_LIMIT:,}"
                )
            return operator.mul(left, right)
        if operator_name == "%":
            if isinstance(left, str):
                _check_percent(left, right)
            return operator.mod(left, right)
        result = operator.add(left, right)
        if isinstance(result, str | list | tuple) and len(result) > SEQUENCE_LIMIT:
            raise RenderBudgetExceeded(f"`+` made a text or list over {SEQUENCE_LIMIT:,} items")
        return result


#: How many calls and operations a template makes between two looks at the clock (the
#: watchdog's timer, in the main thread, looks every `_TICK` seconds besides).
CHECK_EVERY = 16


class _Translation:
    """The newstyle `gettext` Jinja installs, with each text without variables translated
    once: the same labels fill every page."""

    def __init__(self, gettext: Callable[[str], str]) -> None:
        self.gettext = gettext
        self.known: dict[tuple[str, bool], str] = {}

    @pass_context
    def __call__(self, __context: Any, __string: str, **variables: Any) -> str:
        return self.translate(__context.eval_ctx.autoescape, __string, **variables)

    def translate(self, autoescape: Any, string: str, /, **variables: Any) -> str:
        """The text in the programme's language, as Markup where the template escapes."""
        autoescape = bool(autoescape)
        if not variables:
            known = self.known.get((string, autoescape))
            if known is not None:
                return known
        text: str = self.gettext(string)
        if autoescape:
            text = Markup(text)  # noqa: S704 - a translation, from the programme's catalogue
        # As Jinja does: always a format string, even without variables.
        text = text % variables
        if not variables:
            self.known[(string, autoescape)] = text
        return text


def install_translations(env: ImmutableSandboxedEnvironment, translations: Any) -> None:
    """Jinja's newstyle gettext, with texts translated once (see `_Translation`)."""
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    gettext = _Translation(translations.gettext)
    env.globals["gettext"] = gettext
    env.globals["_"] = gettext


#: The widest a template may pad or format a value (`center`, `indent`, `%10s`, `{:>10}`).
WIDTH_LIMIT = 100_000
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:[^{}]*?(\d+)[^{}]*\}")


def _check_width(width: Any, what: str) -> None:
    size = len(width) if isinstance(width, str) else width
    if isinstance(size, int) and size > WIDTH_LIMIT:
        raise RenderBudgetExceeded(
            f"{what} asks for a width of {size:,}; a template may use at most {WIDTH_LIMIT:,}"
        )


def _check_percent(text: str, values: Any) -> None:
    """`text % values`: the widths and precisions it gives, or takes from `values` (`*`)."""
    for match in _PERCENT_SPEC.finditer(text):
        for number in match.groups():
            if number == "*":
                for value in values if isinstance(values, tuple) else (values,):
                    _check_width(value, "`%` formatting")
            elif number:
                _check_width(int(number), "`%` formatting")


def _check_text_method(text: str, name: str, args: tuple[Any, ...]) -> None:
    if name in ("center", "ljust", "rjust", "zfill", "expandtabs") and args:
        _check_width(args[0], f"`{name}`")
    elif name in ("format", "format_map"):
        for match in _BRACE_SPEC.finditer(text):
            _check_width(int(match.group(1)), "`format`")


def _widths_checked(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses a width over WIDTH_LIMIT before it pads or formats."""

    @functools.wraps(function)
    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        if name == "format":
            if isinstance(value, str):
                _check_percent(value, kwargs or args)
        else:
            _check_width(kwargs.get("width", args[0] if args else 0), f"the `{name}` filter")
        return function(value, *args, **kwargs)

    return checked


def _repeat_size(left: Any, right: Any) -> int:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return len(seq) * max(times, 0)
    return 0


RANGE_LIMIT = 100_000


class BudgetedRange:
    """`range` for templates: at most 100,000 numbers (Jinja's own limit), and every loop
    over it checks the budget as it runs, however often it is repeated or nested."""

    def __init__(self, *args: int) -> None:
        self.numbers = range(*args)
        if len(self.numbers) > RANGE_LIMIT:
            raise RenderBudgetExceeded(
                f"range() of {len(self.numbers):,} numbers is too long for a template "
                f"(at most {RANGE_LIMIT:,})"
            )

    def __iter__(self) -> Iterator[int]:
        for index, number in enumerate(self.numbers):
            if index % 1024 == 0:
                Budget.check()
            yield number

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index: int) -> int:
        return self.numbers[index]

    def __contains__(self, number: object) -> bool:
        return number in self.numbers


budgeted_range = BudgetedRange


class Budget:
    """The time and memory one render may use, checked from inside the sandbox and by a
    timer signal (main thread only) that also stops loops which call nothing."""

    _local = threading.local()

    @classmethod
    def check(cls) -> None:
        deadline: float | None = getattr(cls._local, "deadline", None)
        if deadline is not None and time.thread_time() > deadline:
            cls._local.deadline = None
            raise RenderBudgetExceeded(
                f"the template ran for more than {TIME_LIMIT:g} seconds of processor time and "
                "was stopped "
                "(a loop that does not end, or one that repeats too often?)"
            )

    @classmethod
    @contextmanager
    def watching(cls) -> Iterator[None]:
        """One watchdog for a batch of renders (each still has its own deadline): starting
        a timer for every page would cost more than many pages take to render."""
        with _watchdog(cls._local):
            yield

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[None]:
        previous = getattr(cls._local, "deadline", None)
        previous_memory = getattr(cls._local, "start_memory", 0)
        cls._local.deadline = time.thread_time() + TIME_LIMIT
        cls._local.start_memory = _rss()  # each render has the whole memory budget
        with _watchdog(cls._local):
            try:
                yield
            finally:
                cls._local.deadline = previous
                cls._local.start_memory = previous_memory


def _rss() -> int:
    """Resident memory of this process in bytes (Linux), or 0 where unknown. Read with
    the system calls alone: it is read before every render."""
    try:
        handle = os.open(_STATM, os.O_RDONLY)
        try:
            data = os.read(handle, 256)
        finally:
            os.close(handle)
        return int(data.split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


_STATM = "/proc/self/statm"
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

#: How often the watchdog looks at the clock and the memory, in seconds.
_TICK = 0.05


@contextmanager
def _watchdog(state: Any) -> Iterator[None]:
    """In the main thread, a timer signal checks the budget even inside tight loops."""
    usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable or getattr(state, "watching", False):
        yield
        return

    def tick(signum: int, frame: Any) -> None:
        Budget.check()
        start_memory = getattr(state, "start_memory", 0)
        if start_memory and _rss() - start_memory > MEMORY_LIMIT:
            state.deadline = None
            raise RenderBudgetExceeded(
                f"the template used more than {MEMORY_LIMIT // 2**20} MB of memory and was "
                "stopped (a loop that builds too much text?)"
            )

    previous: Callable[..., Any] | int | None = signal.signal(signal.SIGALRM, tick)
    state.watching = True
    signal.setitimer(signal.ITIMER_REAL, _TICK, _TICK)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)
        state.watching = False


def limited_output(chunks: Iterator[str]) -> str:
    """Join a template's output, stopping it when it grows past `OUTPUT_LIMIT`.

    The error is thrown into the template where it stands, so that its traceback (and so
    the message) names the template line that was writing.
    """
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        parts.append(chunk)
        if size > OUTPUT_LIMIT:
            assert isinstance(chunks, Generator)
            chunks.throw(
                RenderBudgetExceeded(
                    f"the template produced more than {OUTPUT_LIMIT // 1_000_000} million "
                    "characters and was stopped"
                )
            )
        if not len(parts) & 63:  # the clock every 64 pieces (the watchdog stops the rest)
            Budget.check()
    return "".join(parts)
