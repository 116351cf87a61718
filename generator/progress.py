"""The programme's progress, computed from the responses: every figure of the report.

Plain data out (dataclasses of numbers and words), so that the report's template and its
charts only lay them out. Privacy is decided here, once: a figure about fewer than
`THRESHOLD` respondents carries no value, only the fact that it was withheld; with
`anonymous`, pair ids and the list of pairs at risk are left out altogether.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .forms import SESSION_FORM, Form
from .model import Programme
from .responses import Response
from .schedule import Timeline

#: No figure about fewer respondents than this is shown (nor kept in the data).
THRESHOLD = 5
#: A pair with no form for this long is at risk.
QUIET_DAYS = 30
#: A rating at or below this (out of 5) puts a pair at risk.
LOW_RATING = 2

Gettext = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Stat:
    """A mean (or share) about a group; `value` is None when the group is too small."""

    value: float | None
    answers: int
    respondents: int

    @property
    def suppressed(self) -> bool:
        return self.respondents < THRESHOLD


def stat(values: Sequence[float], respondents: int) -> Stat:
    if respondents < THRESHOLD or not values:
        return Stat(None, len(values), respondents)
    return Stat(sum(values) / len(values), len(values), respondents)


@dataclass(frozen=True, slots=True)
class EngagementRow:
    label: str  # a week (its Monday) or a track
    scheduled: int
    held: int | None  # None when fewer than THRESHOLD pairs
    moved: int | None
    missed: int | None

    @property
    def suppressed(self) -> bool:
        return self.held is None


@dataclass(frozen=True, slots=True)
class AtRisk:
    pair_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RatingRow:
    label: str  # a session or a topic
    stat: Stat


@dataclass(frozen=True, slots=True)
class Learning:
    """Confidence before and after, for one topic: the change and a paired t-test."""

    topic: str
    answers: int  # answers giving both before and after
    respondents: int
    before: float | None
    after: float | None
    change: float | None
    spread: float | None  # standard deviation of the change
    t: float | None  # paired t statistic, when there are enough answers and some spread
    p: float | None

    @property
    def suppressed(self) -> bool:
        return self.respondents < THRESHOLD


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    context: str  # the sessions it was written after, never a name
    count: int = 1  # how many people wrote exactly this


@dataclass(frozen=True, slots=True)
class CommentGroup:
    form: str
    question: str
    comments: tuple[Comment, ...]
    withheld: int  # answers not shown (fewer than THRESHOLD, in an anonymous report)


@dataclass
class Progress:
    """Everything the report shows, section by section."""

    as_of: dt.date | None
    responses: int
    pairs: int
    anonymous: bool
    #: Pairs named by an answer, of `pairs`; None when some answers name no pair.
    answering: int | None = None
    weeks: list[EngagementRow] = field(default_factory=list)
    tracks: list[EngagementRow] = field(default_factory=list)
    at_risk: list[AtRisk] = field(default_factory=list)
    by_session: list[RatingRow] = field(default_factory=list)
    by_topic: list[RatingRow] = field(default_factory=list)
    checkpoint_ratings: list[RatingRow] = field(default_factory=list)
    objectives: list[RatingRow] = field(default_factory=list)  # share who reached them
    learning: list[Learning] = field(default_factory=list)
    practice: list[RatingRow] = field(default_factory=list)  # share who practised
    actions: list[RatingRow] = field(default_factory=list)  # mean actions per checkpoint
    goals: list[RatingRow] = field(default_factory=list)
    recommend: list[RatingRow] = field(default_factory=list)  # share per answer
    comments: list[CommentGroup] = field(default_factory=list)


def progress(
    programme: Programme,
    timeline: Timeline,
    forms: Mapping[str, Form],
    responses: Sequence[Response],
    pairs: Iterable[str] | None,
    *,
    anonymous: bool = False,
    gettext: Gettext = str,
) -> Progress:
    """Compute every figure of the report from the responses."""
    _ = gettext
    known_pairs = sorted(
        set(pairs) if pairs is not None else {r.pair_id for r in responses if r.pair_id}
    )
    dates = [r.submitted for r in responses]
    last_session = (
        timeline.sessions[-1].start.date()
        if timeline.sessions and timeline.sessions[-1].start
        else None
    )
    as_of = max(dates) if dates else last_session
    result = Progress(as_of, len(responses), len(known_pairs), anonymous)
    if all(r.pair_id for r in responses):
        result.answering = len({r.pair_id for r in responses} & set(known_pairs))
    sessions = [r for r in responses if r.form == SESSION_FORM and r.session is not None]
    topic_of = {s.number: s.topic.title for s in timeline.sessions}
    status = _statuses(sessions)
    _engagement(result, timeline, known_pairs, status, as_of, _)
    if not anonymous:
        titles = {form.id: form.title for form in forms.values()}
        result.at_risk = _at_risk(
            known_pairs, responses, status, timeline, as_of, programme, titles, _
        )

    # Level 1: reaction.
    for s in timeline.sessions:
        rows = [r for r in sessions if r.session == s.number and "useful" in r.answers]
        result.by_session.append(
            RatingRow(
                _("Session %(n)s: %(title)s") % {"n": s.number, "title": s.session.title},
                _mean(rows, "useful"),
            )
        )
    for topic in _unique(topic_of.values()):
        rows = [
            r for r in sessions if topic_of.get(r.session or 0) == topic and "useful" in r.answers
        ]
        result.by_topic.append(RatingRow(topic, _mean(rows, "useful")))
    for form in forms.values():
        if form.id == SESSION_FORM:
            continue
        for question in form.questions:
            if question.level == 1 and question.kind == "scale":
                rows = [r for r in responses if r.form == form.id and question.id in r.answers]
                result.checkpoint_ratings.append(
                    RatingRow(f"{form.title}: {question.text}", _mean(rows, question.id))
                )

    # Level 2: learning.
    for topic in _unique(topic_of.values()):
        rows = [r for r in sessions if topic_of.get(r.session or 0) == topic]
        answered = [r for r in rows if "objectives" in r.answers]
        result.objectives.append(RatingRow(topic, _share(answered, "objectives", "yes")))
        result.learning.append(learning(topic, rows))

    # Level 3: behaviour.
    for topic in _unique(topic_of.values()):
        rows = [
            r for r in sessions if topic_of.get(r.session or 0) == topic and "practice" in r.answers
        ]
        result.practice.append(RatingRow(topic, _share(rows, "practice", "yes")))
    for form in forms.values():
        if form.question("actions") is not None:
            rows = [r for r in responses if r.form == form.id and "actions" in r.answers]
            result.actions.append(RatingRow(form.title, _mean(rows, "actions")))

    # Level 4: results.
    for form in forms.values():
        if form.kind != "evaluation":
            continue
        for number, goal in enumerate(programme.goals, start=1):
            rows = [r for r in responses if r.form == form.id and f"goal-{number}" in r.answers]
            result.goals.append(
                RatingRow(" ".join(goal.goal.split()), _mean(rows, f"goal-{number}"))
            )
        recommend = form.question("recommend")
        if recommend is not None:
            rows = [r for r in responses if r.form == form.id and "recommend" in r.answers]
            for value in recommend.choices:
                result.recommend.append(
                    RatingRow(recommend.label(value), _share(rows, "recommend", value))
                )

    # What people wrote.
    for form in forms.values():
        for question in form.questions:
            if question.kind != "text":
                continue
            rows = [r for r in responses if r.form == form.id and question.id in r.answers]
            if not rows:
                continue
            comments = _comments(rows, question.id, _)
            withheld = 0
            if anonymous and _respondents(rows) < THRESHOLD:
                comments, withheld = (), len(rows)
            result.comments.append(CommentGroup(form.title, question.text, comments, withheld))
    return result


def learning(topic: str, rows: Sequence[Response]) -> Learning:
    """Confidence before and after, from the answers that give both, one value a person."""
    both = [r for r in rows if "confidence-before" in r.answers and "confidence-after" in r.answers]
    respondents = _respondents(both)
    if respondents < THRESHOLD:
        return Learning(topic, len(both), respondents, None, None, None, None, None, None)
    # One pair of values per person (their mean over the topic's sessions): the same
    # leader's answers are not independent, the people are.
    people: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in both:
        people[r.respondent].append(
            (float(r.answers["confidence-before"]), float(r.answers["confidence-after"]))
        )
    before = [sum(b for b, _ in values) / len(values) for values in people.values()]
    after = [sum(a for _, a in values) / len(values) for values in people.values()]
    changes = [a - b for a, b in zip(after, before, strict=True)]
    n = len(changes)
    mean_change = sum(changes) / n
    spread = math.sqrt(sum((c - mean_change) ** 2 for c in changes) / (n - 1)) if n > 1 else 0.0
    t = p = None
    if n >= THRESHOLD and spread > 0:
        from scipy import stats

        test = stats.ttest_rel(after, before)
        t, p = float(test.statistic), float(test.pvalue)
    return Learning(
        topic, len(both), respondents, sum(before) / n, sum(after) / n, mean_change, spread, t, p
    )


# --- engagement --------------------------------------------------------------------------


def _statuses(sessions: Sequence[Response]) -> dict[tuple[str, int], str]:
    """What happened to each pair's session: held, moved or missed (the latest record wins)."""
    status: dict[tuple[str, int], tuple[dt.date, str]] = {}
    for r in sorted(sessions, key=lambda r: r.submitted):
        if not r.pair_id or r.session is None:
            continue
        value = str(r.answers.get("held", "held"))
        key = (r.pair_id, r.session)
        if key in status and status[key][1] == "held" and value != "held":
            continue  # one side says it was held: it was
        status[key] = (r.submitted, value)
    return {key: value for key, (_, value) in status.items()}


def _engagement(
    result: Progress,
    timeline: Timeline,
    pairs: list[str],
    status: Mapping[tuple[str, int], str],
    as_of: dt.date | None,
    _: Gettext,
) -> None:
    due = [s for s in timeline.sessions if s.start and as_of and s.start.date() <= as_of]
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    tracks: dict[str, list[int]] = defaultdict(list)
    for s in due:
        assert s.start is not None
        day = s.start.date()
        weeks[day - dt.timedelta(days=day.weekday())].append(s.number)
        tracks[s.track.title].append(s.number)

    def row(label: str, numbers: list[int]) -> EngagementRow:
        scheduled = len(numbers) * len(pairs)
        if len(pairs) < THRESHOLD:
            return EngagementRow(label, scheduled, None, None, None)
        counts = Counter(status.get((p, n), "none") for p in pairs for n in numbers)
        return EngagementRow(label, scheduled, counts["held"], counts["moved"], counts["missed"])

    result.weeks = [row(week.isoformat(), numbers) for week, numbers in sorted(weeks.items())]
    result.tracks = [row(track, numbers) for track, numbers in tracks.items()]


def _at_risk(
    pairs: list[str],
    responses: Sequence[Response],
    status: Mapping[tuple[str, int], str],
    timeline: Timeline,
    as_of: dt.date | None,
    programme: Programme,
    forms_title: Mapping[str, str],
    _: Gettext,
) -> list[AtRisk]:
    if as_of is None:
        return []
    due = [s.number for s in timeline.sessions if s.start and s.start.date() <= as_of]
    first = (
        timeline.sessions[0].start.date()
        if timeline.sessions and timeline.sessions[0].start
        else as_of
    )
    roles = {"mentor": programme.roles.mentor, "mentee": programme.roles.mentee}
    by_pair: dict[str, list[Response]] = defaultdict(list)
    for r in sorted(responses, key=lambda r: r.submitted):
        if r.pair_id:
            by_pair[r.pair_id].append(r)
    found = []
    for pair in pairs:
        reasons = []
        for a, b in itertools.pairwise(due):
            if status.get((pair, a)) in ("moved", "missed") and status.get((pair, b)) in (
                "moved",
                "missed",
            ):
                reasons.append(
                    _("sessions %(a)s and %(b)s in a row were missed or moved") % {"a": a, "b": b}
                )
                break
        own = by_pair.get(pair, [])
        if own:
            quiet = (as_of - own[-1].submitted).days
            if quiet > QUIET_DAYS:
                reasons.append(
                    _("no form for %(days)s days (the last on %(date)s)")
                    % {"days": quiet, "date": own[-1].submitted.isoformat()}
                )
        elif (as_of - first).days > QUIET_DAYS:
            reasons.append(_("no form at all since the programme started"))
        for role in ("mentor", "mentee"):
            for key in ("useful", "candid", "worth-time"):
                rated = [r for r in own if r.role == role and key in r.answers]
                if not rated or int(rated[-1].answers[key]) > LOW_RATING:
                    continue
                latest = rated[-1]
                where = (
                    _("session %(n)s") % {"n": latest.session}
                    if latest.session
                    else forms_title.get(latest.form, latest.form)
                )
                reasons.append(
                    _("the %(role)s's latest rating is %(score)s of 5 (%(where)s)")
                    % {"role": roles[role].lower(), "score": latest.answers[key], "where": where}
                )
        if reasons:
            found.append(AtRisk(pair, tuple(reasons)))
    return found


def _comments(rows: Sequence[Response], question: str, _: Gettext) -> tuple[Comment, ...]:
    """The answers in the order they came, the same words written again counted once."""
    sessions: dict[str, list[int]] = {}
    counts: Counter[str] = Counter()
    for r in sorted(rows, key=lambda r: (r.session or 0, r.submitted, str(r.answers[question]))):
        text = " ".join(str(r.answers[question]).split())
        counts[text] += 1
        numbers = sessions.setdefault(text, [])
        if r.session and r.session not in numbers:
            numbers.append(r.session)
    found = []
    for text, numbers in sessions.items():
        context = ""
        if len(numbers) == 1:
            context = _("session %(n)s") % {"n": numbers[0]}
        elif numbers:
            context = _("sessions %(list)s") % {"list": ", ".join(str(n) for n in numbers)}
        found.append(Comment(text, context, counts[text]))
    return tuple(found)


# --- helpers -------------------------------------------------------------------------------


def _respondents(rows: Iterable[Response]) -> int:
    return len({r.respondent for r in rows})


def _mean(rows: Sequence[Response], question: str) -> Stat:
    return stat([float(r.answers[question]) for r in rows], _respondents(rows))


def _share(rows: Sequence[Response], question: str, value: str) -> Stat:
    """The share of answers that are `value`, as a percentage."""
    return stat([100.0 if r.answers[question] == value else 0.0 for r in rows], _respondents(rows))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
