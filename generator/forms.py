"""The feedback forms: every question with its stable id, kind and Kirkpatrick level.

One definition per form feeds everything made from it: the printed sheet and the site
page (`templates/site/feedback-form.md.j2`), the fillable PDF (field names are question
ids), the CSV template a form tool exports to, the JSON definition in `DIR/forms/`, and
`mentorkit report`, which reads the answers back. Ids never depend on the language.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .model import CheckpointKind, Programme
from .schedule import CheckpointDate, Timeline

Kind = Literal["scale", "choice", "yesno", "number", "text"]
FormKind = Literal["session", "check-in", "survey", "evaluation"]
Gettext = Callable[[str], str]

#: The columns every response carries before its answers (CSV header, PDF fields).
META_COLUMNS: tuple[str, ...] = ("form", "role", "pair_id", "session", "submitted")
ROLES: tuple[str, ...] = ("mentor", "mentee")
SESSION_FORM = "after-each-session"
#: The largest number a `number` question accepts (sessions held, actions tried).
NUMBER_MAX = 100


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a form; `choices` are the stored values, `labels` what is printed."""

    id: str
    text: str
    kind: Kind
    level: int  # Kirkpatrick: 1 reaction, 2 learning, 3 behaviour, 4 results
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    low: str = ""  # words at the ends of a scale
    high: str = ""
    lines: int = 2  # room for a written answer on paper

    def label(self, value: str) -> str:
        """The printed words for a stored choice value."""
        if value in self.choices and self.labels:
            return self.labels[self.choices.index(value)]
        return value

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "text": self.text, "kind": self.kind}
        if self.min is not None:
            data["min"] = self.min
            data["max"] = self.max
        if self.choices:
            data["choices"] = list(self.choices)
            data["labels"] = list(self.labels)
        data["level"] = self.level
        return data


@dataclass(frozen=True, slots=True)
class Form:
    """A form of the programme: after each session, or at one checkpoint."""

    id: str
    title: str
    kind: FormKind
    checkpoint: str | None  # the checkpoint's id (its slug), None for the session form
    questions: tuple[Question, ...]
    pdf: str  # file name of its printed (and fillable) PDF under pdf/

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def columns(self) -> tuple[str, ...]:
        """The header of its CSV template: the response columns, then one per question."""
        return (*META_COLUMNS, *(q.id for q in self.questions))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "checkpoint": self.checkpoint,
            "questions": [q.as_json() for q in self.questions],
        }

    def as_template(self) -> dict[str, Any]:
        """Plain data for templates (they never see objects with methods)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "questions": [
                {
                    "id": q.id,
                    "text": q.text,
                    "kind": q.kind,
                    "level": q.level,
                    "min": q.min,
                    "max": q.max,
                    "options": list(zip(q.choices, q.labels, strict=True)),
                    "low": q.low,
                    "high": q.high,
                    "lines": q.lines,
                }
                for q in self.questions
            ],
        }


def forms(programme: Programme, timeline: Timeline, gettext: Gettext = str) -> tuple[Form, ...]:
    """Every form of the programme, the session form first, then one per checkpoint."""
    _ = gettext
    result = [
        Form(
            SESSION_FORM,
            _("After each session"),
            "session",
            None,
            _session_questions(_, programme.roles.mentee),
            f"feedback-{SESSION_FORM}.pdf",
        )
    ]
    for checkpoint in timeline.checkpoints:
        result.append(checkpoint_form(programme, checkpoint, _))
    return tuple(result)


def standard_questions(
    programme: Programme, kind: CheckpointKind, gettext: Gettext = str
) -> tuple[Question, ...]:
    """The questions every checkpoint of a kind asks, in their printed order (before any
    `questions` of its own); goals name them by id and number."""
    mentee = programme.roles.mentee
    if kind == "check-in":
        return _check_in_questions(gettext, mentee)
    if kind == "survey":
        return _survey_questions(gettext, mentee)
    return _evaluation_questions(gettext, mentee, [g.goal for g in programme.goals])


def checkpoint_form(programme: Programme, checkpoint: CheckpointDate, gettext: Gettext) -> Form:
    kind = checkpoint.checkpoint.kind
    standard = standard_questions(programme, kind, gettext)
    extra_level = {"check-in": 1, "survey": 3, "evaluation": 4}[kind]
    extra = tuple(
        Question(f"extra-{n}", " ".join(text.split()), "text", extra_level)
        for n, text in enumerate(checkpoint.checkpoint.questions, start=1)
    )
    return Form(
        checkpoint.slug,
        checkpoint.checkpoint.title,
        kind,
        checkpoint.slug,
        standard + extra,
        f"feedback-{checkpoint.slug}.pdf",
    )


def by_id(all_forms: tuple[Form, ...]) -> dict[str, Form]:
    return {form.id: form for form in all_forms}


def csv_template(form: Form) -> str:
    """The header row a form tool's export must have (UTF-8, comma-separated)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(form.columns)
    return buffer.getvalue()


def json_definition(form: Form) -> str:
    return json.dumps(form.as_json(), ensure_ascii=False, indent=2) + "\n"


# --- the standard questions ------------------------------------------------------------


def _scale(qid: str, text: str, level: int, low: str, high: str) -> Question:
    return Question(qid, text, "scale", level, 1, 5, low=low, high=high)


def _choice(qid: str, text: str, level: int, options: list[tuple[str, str]]) -> Question:
    values, labels = zip(*options, strict=True)
    return Question(qid, text, "choice", level, choices=values, labels=labels)


def _yesno(qid: str, text: str, level: int, _: Gettext) -> Question:
    return Question(qid, text, "yesno", level, choices=("yes", "no"), labels=(_("Yes"), _("No")))


def _number(qid: str, text: str, level: int) -> Question:
    return Question(qid, text, "number", level, 0, NUMBER_MAX)


def _text(qid: str, text: str, level: int, lines: int = 2) -> Question:
    return Question(qid, text, "text", level, lines=lines)


def _session_questions(_: Gettext, mentee: str) -> tuple[Question, ...]:
    who = {"role": mentee}
    return (
        _choice(
            "held",
            _("Did the session take place as booked?"),
            1,
            [("held", _("Yes")), ("moved", _("Moved to another day")), ("missed", _("Missed"))],
        ),
        _scale("useful", _("How useful was this session?"), 1, _("Not at all"), _("Very")),
        _choice(
            "objectives",
            _("Did you reach the session's objectives?"),
            2,
            [("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))],
        ),
        _scale(
            "confidence-before",
            _("%(role)s only: how confident were you with this topic before the session?") % who,
            2,
            _("Not at all"),
            _("Very"),
        ),
        _scale(
            "confidence-after",
            _("%(role)s only: and how confident are you now?") % who,
            2,
            _("Not at all"),
            _("Very"),
        ),
        _yesno(
            "practice",
            _("Was the practice task from the last session done?"),
            3,
            _,
        ),
        _text("learned", _("One thing I can now do, or now see differently:"), 2),
        _text("change", _("One thing to change next time:"), 1),
    )


def _check_in_questions(_: Gettext, mentee: str) -> tuple[Question, ...]:
    return (
        _number("sessions", _("How many sessions have you held so far?"), 1),
        _yesno("agreement", _("Have you both signed the mentoring agreement?"), 1, _),
        _choice(
            "as-booked",
            _("Are sessions happening as booked?"),
            1,
            [("always", _("Always")), ("mostly", _("Mostly")), ("rarely", _("Rarely"))],
        ),
        _scale(
            "candid",
            _("How comfortable are you being candid with each other?"),
            1,
            _("Not at all"),
            _("Completely"),
        ),
        _number(
            "actions",
            _("How many things has the %(mentee)s tried at work because of the sessions?")
            % {"mentee": mentee.lower()},
            3,
        ),
        _text("going-well", _("What is going well?"), 1),
        _text(
            "concerns",
            _("Is anything getting in the way, or is there anything you want to raise privately?"),
            1,
            3,
        ),
    )


def _survey_questions(_: Gettext, mentee: str) -> tuple[Question, ...]:
    agree = (_("Disagree"), _("Agree"))
    return (
        _scale("worth-time", _("The sessions are worth the time they take."), 1, *agree),
        _scale("on-topic", _("Sessions keep to their topic and objectives."), 1, *agree),
        _scale("candid", _("I feel able to speak candidly in our sessions."), 1, *agree),
        _number(
            "actions",
            _("How many things has the %(mentee)s tried at work because of the sessions?")
            % {"mentee": mentee.lower()},
            3,
        ),
        _text(
            "can-now-do",
            _("What can you (or your %(mentee)s) now do that you could not before?")
            % {"mentee": mentee.lower()},
            2,
            3,
        ),
        _text("change", _("What should change for the rest of the programme?"), 1, 3),
    )


def _evaluation_questions(_: Gettext, mentee: str, goals: list[str]) -> tuple[Question, ...]:
    agree = (_("Disagree"), _("Agree"))
    goal_questions = tuple(
        _scale(
            f"goal-{n}",
            _("The programme moved us towards this goal: %(goal)s")
            % {"goal": " ".join(goal.split())},
            4,
            _("Not at all"),
            _("A lot"),
        )
        for n, goal in enumerate(goals, start=1)
    )
    return (
        _scale("worth-time", _("Overall, the programme was worth the time I gave it."), 1, *agree),
        _choice(
            "recommend",
            _("Would you recommend it to a colleague?"),
            1,
            [("yes", _("Yes")), ("maybe", _("Maybe")), ("no", _("No"))],
        ),
        _text("can-now-do", _("Name two things you can now do that you could not do before."), 2),
        _scale(
            "confidence",
            _("How confident are you in the topics you covered, compared with the start?"),
            2,
            _("Less"),
            _("Much more"),
        ),
        _number(
            "actions",
            _("How many things has the %(mentee)s tried at work because of the sessions?")
            % {"mentee": mentee.lower()},
            3,
        ),
        _text(
            "differently",
            _(
                "What do you do differently at work because of the programme? Give one "
                "example from the last month."
            ),
            3,
            4,
        ),
        *goal_questions,
        _text(
            "team-change",
            _("Has anything changed for your team or the organisation? (optional)"),
            4,
            3,
        ),
        _choice(
            "quote",
            _("May we quote your answers when we report on the programme?"),
            4,
            [
                ("named", _("Yes, with my name")),
                ("anonymous", _("Yes, anonymously")),
                ("no", _("No")),
            ],
        ),
    )


def write_forms(all_forms: tuple[Form, ...], folder: Path) -> list[Path]:
    """`<form id>.json` (the definition) and `<form id>.csv` (the empty CSV template)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for form in all_forms:
        for path, text in (
            (folder / f"{form.id}.json", json_definition(form)),
            (folder / f"{form.id}.csv", csv_template(form)),
        ):
            path.write_text(text, encoding="utf-8", newline="")
            written.append(path)
    return written
