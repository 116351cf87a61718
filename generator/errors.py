"""The small exception tree: the command line catches `MentorkitError` and prints it.

Every problem in a user's files is a `Problem` with a place (`path:line:column`); a run
collects all of them in a `Problems` list and raises `InvalidProject` once at the end,
so that a user fixes ten typos in one run, not ten runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Place:
    """Where something stands in a file: a path for display and a 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One problem in the user's input, printed as `path:line:column: message`."""

    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class Problems:
    """Collects problems across a whole run; reported once, sorted, without duplicates."""

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self._seen: set[Problem] = set()

    def add(self, place: Place, message: str) -> None:
        problem = Problem(place, message)
        if problem not in self._seen:
            self._seen.add(problem)
            self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem.place, problem.message)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(self._items, key=_sort_key))

    def raise_if_any(self, hint: Callable[[Problem], Problem] | None = None) -> None:
        """Raise `InvalidProject` with every problem (each passed through `hint`)."""
        if self._items:
            problems = list(self)
            raise InvalidProject([hint(p) for p in problems] if hint else problems)


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    place = problem.place
    return (place.path, place.line, place.column, problem.message)


def shorten(value: object, limit: int = 60) -> str:
    """A value quoted in a message: one line, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MentorkitError(Exception):
    """Base of every error the tool reports to its user in words rather than a traceback."""

    def lines(self) -> list[str]:
        """What the command line prints, one line each."""
        return [str(self)]


class InvalidProject(MentorkitError):
    """The project's files have problems; nothing was built."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class UsageError(MentorkitError):
    """The command was called with something that cannot work (a missing folder, say)."""


class BuildError(MentorkitError):
    """Building an output failed for a reason outside the user's YAML (a template, a tool)."""
