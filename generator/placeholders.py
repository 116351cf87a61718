"""Words in the YAML text that follow the programme: `{mentee}`, `{session_minutes}`, ...

Built-in text (the onboarding workshops, the default programme) is read by programmes with
other role labels, session lengths and rhythms. A placeholder in braces lets such text say
"Plan a {session_minutes}-minute session" or "{Mentee} orientation" and still be right in
every programme. Validation reports an unknown name with its place; `fill` writes the
programme's values in, before anything is scheduled or rendered.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from .errors import Problems
from .forms import standard_questions
from .model import N_, ROLE_LABELS, Programme, Project, Roles, Schedule
from .yamlsource import Loc, Node, walk_strings

#: What each placeholder stands for, as the format reference explains it.
PLACEHOLDERS: dict[str, str] = {
    "mentor": "the mentor's label as it reads in a sentence (`roles.mentor`), such as "
    "*reverse mentor*; `{Mentor}` starts it with a capital",
    "mentee": "the mentee's label (`roles.mentee`), such as *leader*; `{Mentee}` starts it "
    "with a capital",
    "coordinator": "the coordinator's label (`roles.coordinator`); also `{Coordinator}`",
    "trainer": "the trainer's label (`roles.trainer`); also `{Trainer}`",
    "sponsor": "the sponsor's label (`roles.sponsor`); also `{Sponsor}`",
    "line_manager": "the line manager's label (`roles.line_manager`); also `{Line_manager}`",
    "session_minutes": "the length of a pair session in minutes (`schedule.session_minutes`), "
    "such as 45",
    "sessions": "how many pair sessions the programme has, such as 6",
    "cadence": "how often pairs meet (`schedule.cadence`), such as *every two weeks*",
}

ROLE_NAMES = ROLE_LABELS

#: `{name}`, with the article before it ("a {mentee}" may need to read "an executive");
#: `{{` and `}}` stand for a brace itself.
_PATTERN = re.compile(r"\{\{|\}\}|(?:(?<!\w)([Aa]) )?\{([A-Za-z_][A-Za-z0-9_]*)\}")

#: Values that are never prose: paths, links and role labels (which placeholders name).
_NOT_PROSE = frozenset(
    {"url", "website", "logo", "regular", "bold", "italic", "bold_italic", "roles"}
)


def known(name: str) -> bool:
    return name in PLACEHOLDERS or (name[:1].isupper() and name.lower() in ROLE_NAMES)


def check(node: Node, problems: Problems) -> None:
    """Every `{name}` in the text of a file must be one the generator fills in."""
    for loc, text, place in walk_strings(node):
        if _skipped(loc) or "{" not in text:
            continue
        for match in _PATTERN.finditer(text):
            name = match.group(2)
            if name is None or known(name):
                continue
            suggestion = _close(name)
            problems.add(
                place,
                f"{{{name}}} is not a placeholder mentorkit knows{suggestion}; the placeholders "
                f"are {', '.join('{' + n + '}' for n in PLACEHOLDERS)}; write {{{{ and }}}} "
                "for a brace that is meant as it is",
            )


def _skipped(loc: Loc) -> bool:
    if loc[:1] == ("roles",):  # the labels are what placeholders stand for
        return len(loc) < 3
    return any(isinstance(part, str) and part in _NOT_PROSE for part in loc)


def _close(name: str) -> str:
    lowered = name.lower()
    if lowered in PLACEHOLDERS:
        return f" (did you mean {{{lowered}}}?)"
    match = difflib.get_close_matches(lowered, PLACEHOLDERS, n=1, cutoff=0.6)
    return f" (did you mean {{{match[0]}}}?)" if match else ""


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Reverse Mentor" -> "reverse mentor", while
    a word written in capitals (NHS) or with capitals inside (McKinsey) keeps them."""
    return " ".join(
        word[:1].lower() + word[1:] if word[1:] == word[1:].lower() else word
        for word in label.split(" ")
    )


#: How often pairs meet, as `{cadence}` says it (the same words as the guides).
CADENCES = {
    "weekly": N_("every week"),
    "fortnightly": N_("every two weeks"),
    "monthly": N_("every month"),
}


def values(project: Project, gettext: Callable[[str], str] = str) -> dict[str, str]:
    """What every placeholder stands for in this project (labels already localised)."""
    programme = project.programme
    roles: Roles = programme.roles
    schedule = programme.schedule
    minutes = (
        schedule.session_minutes if schedule else Schedule.model_fields["session_minutes"].default
    )
    cadence = schedule.cadence if schedule else Schedule.model_fields["cadence"].default
    sessions = sum(
        len(project.topics[t].sessions) for t in programme.topic_ids if t in project.topics
    )
    result = {"session_minutes": str(minutes), "sessions": str(sessions)}
    result["cadence"] = gettext(CADENCES[str(cadence)])
    for name in ROLE_NAMES:
        label = str(getattr(roles, name))
        result[name] = in_sentence(label)
        result[name[:1].upper() + name[1:]] = label[:1].upper() + label[1:]
    return result


def fill(project: Project, gettext: Callable[[str], str] = str) -> Project:
    """The project with every placeholder in its text replaced by the programme's value."""
    words = values(project, gettext)

    def text(value: str) -> str:
        if "{" not in value and "}" not in value:
            return value
        return _PATTERN.sub(lambda m: _word(m, words), value)

    programme = _measured(_filled(project.programme, text), gettext)
    roles = programme.roles
    programme = programme.model_copy(
        update={
            "roles": roles.model_copy(
                update={"who": _filled(roles.who, text), "does": _filled(roles.does, text)}
            )
        }
    )
    topics = {key: _filled(topic, text) for key, topic in project.topics.items()}
    assert isinstance(programme, Programme)
    return replace(project, programme=programme, topics=topics)


def _measured(programme: Programme, gettext: Callable[[str], str]) -> Programme:
    """Each goal's `questions` written before its `measure`, as the programme's own
    checkpoints of that kind and the questions' numbers on their forms: a goal never names a
    checkpoint the programme does not have (a kind it has none of is left out)."""
    if not any(goal.questions for goal in programme.goals):
        return programme
    _ = gettext
    goals = []
    for goal in programme.goals:
        parts = []
        for kind, ids in goal.questions.items():
            titles = [f"*{c.title}*" for c in programme.checkpoints if c.kind == kind]
            order = [q.id for q in standard_questions(programme, kind)]
            numbers = sorted({order.index(q) + 1 for q in ids if q in order})
            if not titles or not numbers:
                continue
            forms = _listed(titles, _)
            listed = _listed([str(n) for n in numbers], _)
            if len(numbers) == 1:
                parts.append(
                    _("%(forms)s, question %(numbers)s") % {"forms": forms, "numbers": listed}
                )
            else:
                parts.append(
                    _("%(forms)s, questions %(numbers)s") % {"forms": forms, "numbers": listed}
                )
        asked = "; ".join(parts)
        if asked:
            measure = f"{asked}. {goal.measure}" if goal.measure else f"{asked}."
            goal = goal.model_copy(update={"measure": measure})
        goals.append(goal)
    return programme.model_copy(update={"goals": goals})


def _listed(items: list[str], gettext: Callable[[str], str]) -> str:
    """`3`, `3 and 4`, `3, 4 and 5`."""
    if len(items) == 1:
        return items[0]
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _word(match: re.Match[str], words: dict[str, str]) -> str:
    whole = match.group(0)
    if whole in ("{{", "}}"):
        return whole[0]
    article, name = match.group(1), match.group(2)
    value = words.get(name)
    if value is None:
        return whole
    if article is None:
        return value
    if _vowel_sound(value):
        article += "n"
    return f"{article} {value}"


def _vowel_sound(value: str) -> bool:
    """Whether English says "an" before it: "an executive", "an 80-minute", "an NHS
    mentor" (not "a user", "a BBC producer")."""
    if value[:1].isdigit():
        number = value.split("-")[0]
        return number.startswith("8") or number in ("11", "18")
    first = value.split(" ")[0]
    if len(first) > 1 and first.isupper():  # an acronym, said letter by letter: "an NHS"
        return first[0] in "AEFHILMNORSX"
    return value[:1].lower() in "aeio"


def _filled(value: Any, text: Callable[[str], str]) -> Any:
    """A copy of a model, list or text with `text` applied to every piece of prose; the
    same object where nothing changed (most of a library has no placeholder)."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        items = [_filled(item, text) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, BaseModel):
        changes = {
            name: new
            for name in type(value).model_fields
            if name not in _NOT_PROSE
            for old in [getattr(value, name)]
            for new in [_filled(old, text)]
            if new is not old
        }
        return value.model_copy(update=changes) if changes else value
    return value
