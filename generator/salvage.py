"""The valid parts of a programme or topic that failed validation, for the checks.

Validation reports every problem of a file; the checks that look across values (ids
used twice, an agenda adding up, a checkpoint within the programme) then run on what is
left, so that their problems come in the same run, not after the first are fixed.

What is left: every field that validated, and of a list with invalid items, the valid
items (an item with an invalid part of its own keeps its valid parts, if it still has
every field it needs). `Broken` says what was left out, so that a check that needs it
says nothing rather than something that follows from a problem already reported.

An item's whole-item rules (`Model.RULES`, such as "a track needs `topics` or
`personal`") are run here on the valid parts of an item that pydantic stopped at, so
that they are reported in the same run; an item that breaks a rule keeps its other
parts, without the fields the rule reads.
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Tag, TypeAdapter, ValidationError

from .yamlsource import Loc

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

#: A list that lost items: the places in the file of the items it kept.
Kept = tuple[int, ...]
#: A whole-item rule an item breaks: the item's key path and what is wrong, in words.
RuleProblem = tuple[Loc, str]


@dataclass(frozen=True)
class Broken:
    """What a salvaged value left out, by key path: None where a value was dropped whole
    (or a rule it breaks read it), the indices of the items kept where a list lost some."""

    at: dict[Loc, Kept | None] = field(default_factory=dict)

    def indexed(self, loc: Loc, items: Sequence[T]) -> Iterator[tuple[int, T]]:
        """The items of the list at `loc`, each with its index in the file."""
        kept = self.at.get(loc)
        return zip(kept if kept is not None else range(len(items)), items, strict=True)

    def whole(self, loc: Loc = ()) -> bool:
        """Nothing at or under `loc` was left out."""
        size = len(loc)
        return not any(at[:size] == loc for at in self.at)

    def dropped(self, loc: Loc) -> bool:
        """The value at `loc` was left out whole (the model's default stands in)."""
        return loc in self.at and self.at[loc] is None

    def lost_items(self, loc: Loc) -> bool:
        """The list at `loc` was dropped, or lost items (what it kept may still be partial)."""
        return loc in self.at


_DROPPED = object()


def salvage(
    model: type[M], data: object, error: ValidationError, stand_ins: dict[str, Any]
) -> tuple[M, Broken, list[RuleProblem]]:
    """The valid parts of `data`, which failed as `model` with `error`; `stand_ins` give
    required fields that are missing or invalid, so that the result can be named. Also
    the whole-item rules that pydantic did not get to and that the valid parts break."""
    errors = [tuple(d["loc"]) for d in error.errors(include_url=False)]
    found = _Found()
    source = data if isinstance(data, dict) else {}
    values = _fields(model, source, errors, (), found)
    _rules(model, source, values, errors, (), found, report=True)
    for name, value in stand_ins.items():
        values.setdefault(name, value)
    result = model.model_construct(_fields_set=set(values), **values)
    return result, found.broken, found.rules


@dataclass
class _Found:
    broken: Broken = field(default_factory=Broken)
    rules: list[RuleProblem] = field(default_factory=list)


def _fields(
    model: type[BaseModel], data: dict[Any, Any], errors: list[Loc], at: Loc, found: _Found
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    broken = found.broken
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            if info.is_required():
                broken.at[(*at, key)] = None
            continue
        mine = [loc[1:] for loc in errors if loc[:1] == (key,)]
        if not mine:
            values[name] = _adapter(model, name).validate_python(data[key])
            continue
        value = _value(info.annotation, data[key], mine, (*at, key), found)
        if value is _DROPPED:
            broken.at[(*at, key)] = None
        else:
            values[name] = value
    return values


def _rules(
    model: type[BaseModel],
    data: dict[Any, Any],
    values: dict[str, Any],
    errors: list[Loc],
    at: Loc,
    found: _Found,
    *,
    report: bool,
) -> bool:
    """Run the rules of `model` whose fields are all valid on the item's valid parts
    (`values`); a broken rule takes its fields out of `values` and is reported when
    `report` (pydantic has not). Whether a rule was broken."""
    rules: Mapping[str, tuple[str, ...]] = getattr(model, "RULES", {})
    fields = model.model_fields
    keys = {info.alias or name for name, info in fields.items()}
    # An unknown key may be a field of the rule misspelt: the rule cannot tell.
    unknown = [loc[0] for loc in errors if len(loc) == 1 and loc[0] not in keys]
    broke = False
    for name, reads in rules.items():
        read_keys = [fields[f].alias or f for f in reads]
        sure = all(
            (f in values and found.broken.whole((*at, key)))
            if key in data
            else not fields[f].is_required()
            for f, key in zip(reads, read_keys, strict=True)
        ) and not any(
            isinstance(u, str) and difflib.get_close_matches(u, read_keys, n=1, cutoff=0.6)
            for u in unknown
        )
        if not sure:
            continue
        item = model.model_construct(**{f: values[f] for f in reads if f in values})
        try:
            getattr(item, name)()  # the rule, as a plain method of the model
        except ValueError as problem:
            broke = True
            if report:
                found.rules.append((at, str(problem)))
            for f, key in zip(reads, read_keys, strict=True):
                values.pop(f, None)
                found.broken.at[(*at, key)] = None
    return broke


def _value(annotation: Any, data: object, errors: list[Loc], at: Loc, found: _Found) -> object:
    """What is valid of one value with errors (`errors` relative to it)."""
    members = _tagged(annotation)
    if members is not None:
        # A union with a discriminator: its errors are those of the member the value is
        # (one region, or a list of them), under that member's tag.
        tag = next((loc[0] for loc in errors if loc and loc[0] in members), None)
        if tag is None:
            return _DROPPED
        mine = [loc[1:] for loc in errors if loc[:1] == (tag,)]
        return _value(members[tag], data, mine, at, found)
    inner = _unwrap(annotation)
    # The value itself is wrong: its type, its length, or a rule of its model.
    itself = () in errors
    origin = typing.get_origin(inner)
    if origin is list and isinstance(data, list) and not itself:
        (item_type,) = typing.get_args(inner)
        kept: list[int] = []
        items: list[Any] = []
        for index, item in enumerate(data):
            mine = [loc[1:] for loc in errors if loc[:1] == (index,)]
            if mine:
                value = _value(item_type, item, mine, (*at, index), found)
            else:
                value = _item_adapter(item_type).validate_python(item)
            if value is not _DROPPED:
                kept.append(index)
                items.append(value)
        if len(kept) < len(data):
            found.broken.at[at] = tuple(kept)
        return items
    if isinstance(inner, type) and issubclass(inner, BaseModel) and isinstance(data, dict):
        values = _fields(inner, data, [loc for loc in errors if loc], at, found)
        # An item whose fields are all valid broke a rule (pydantic said so): which one.
        broke = _rules(inner, data, values, errors, at, found, report=not itself)
        if itself and not broke:
            return _DROPPED
        required = {n for n, info in inner.model_fields.items() if info.is_required()}
        if not required <= set(values):
            return _DROPPED
        return inner.model_construct(_fields_set=set(values), **values)
    return _DROPPED


def untagged(model: type[BaseModel], loc: Loc) -> Loc:
    """An error's key path as the file has it: without the tag pydantic adds for the member
    of a union with a discriminator (`holidays.list[1]` is `holidays[1]`)."""
    result: list[str | int] = []
    current: Any = model
    for part in loc:
        members = _tagged(current)
        if members is not None and part in members:
            current = members[part]
            continue
        result.append(part)
        inner = _unwrap(current)
        if isinstance(part, int) and typing.get_origin(inner) is list:
            current = typing.get_args(inner)[0]
        elif (
            isinstance(inner, type) and issubclass(inner, BaseModel) and part in inner.model_fields
        ):
            current = inner.model_fields[str(part)].annotation
        else:
            current = Any
    return tuple(result)


def _tagged(annotation: Any) -> dict[str, Any] | None:
    """The members of a union with a discriminator, by their tags; None for other types."""
    inner = _unwrap(annotation)
    if typing.get_origin(inner) not in (typing.Union, types.UnionType):
        return None
    members = {}
    for member in typing.get_args(inner):
        tag = next((m.tag for m in getattr(member, "__metadata__", ()) if isinstance(m, Tag)), None)
        if tag is None:
            return None
        members[tag] = member
    return members


def _unwrap(annotation: Any) -> Any:
    """The type inside Annotated[...] and Optional[...]."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            others = [a for a in args if a is not type(None)]
            if len(others) != 1:
                return annotation
            annotation = others[0]
        else:
            return annotation


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


@functools.cache
def _item_adapter(annotation: Any) -> TypeAdapter[Any]:
    """A list item's validator, made once a type (as `_adapter` is, a field): a list of
    many valid items asks for the same one each time."""
    return TypeAdapter(annotation)
