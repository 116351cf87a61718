"""Pairing mentors with mentees: hard rules first, then the best total fit, exactly.

Hard rules: never the same person, never the same department, never anyone in either
person's reporting line, and a common window of a whole session in every week a session
falls in, on real dates (see `windows`). Among the pairs allowed, the assignment first
pairs as many people as possible, then covers as many of the leaders' wishes as
possible, then prefers the soft goals (more common time, nearer time zones) with the
programme's weights. The three levels are weighted so that no lower one can outweigh a
higher one (each level's weight exceeds the most all lower levels can add up to), and
the sparse problem is solved exactly (scipy's `min_weight_full_bipartite_matching`):
only the allowed pairs are ever built. Nothing is random: the same roster always gives
the same pairs.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from . import i18n
from .errors import UsageError
from .model import WEEKDAYS, MatchingWeights, Project
from .roster import Person, Roster
from .windows import Spans, Weeks, best_slot, book, free, intersect, starts

MINUTE = dt.timedelta(minutes=1)
WEEK_MINUTES = 7 * 24 * 60
PIECE = 360  # minutes: free time is cut into pieces this long to find overlaps quickly
BATCH = 4_000_000  # overlapping pieces looked at at once (bounds memory)
MAX_EDGES = 12_000_000  # allowed pairs weighed at once: under 2 GB in all (measured)
LEVEL_CAP = 10  # each soft goal scores 0 to 10
EXACT = 2.0**52  # weights stay whole numbers a float holds exactly
Solver = Literal["sparse", "dense"]


@dataclass(frozen=True)
class Pair:
    mentor: Person
    mentee: Person
    score: int  # share of the leader's wishes the mentor can teach, 0 to 100
    reasons: tuple[str, ...]
    weekday: str  # the pair's usual slot: weekday and time in `timezone`
    time: str
    timezone: str = ""  # the pair's time zone (default: the leader's)
    changes: tuple[str, ...] = ()  # sessions moved from the usual slot, and why
    pair_id: str = ""  # a coordinator's own name for the pair (pairs.csv)
    dates: tuple[dt.datetime, ...] = ()  # every session's start, in `timezone`
    location: str = ""  # where the pair meets, when not the programme's `schedule.location`
    topics: str = ""  # their sessions in a personal track, chosen by hand (pairs.csv)

    @property
    def id(self) -> str:
        return self.pair_id or f"{self.mentor.id}--{self.mentee.id}"

    @property
    def zone(self) -> str:
        return self.timezone or self.mentee.timezone


@dataclass(frozen=True)
class Unmatched:
    person: Person
    reason: str
    role: str = ""  # the side they were not paired on (for role both)


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    notes: tuple[str, ...]  # wishes or offers that match no topic, for example
    objective: tuple[int, int, int] = (0, 0, 0)  # pairs, wishes covered, soft-goal points
    edges: int = 0  # allowed pairs weighed


class _Topics:
    """What a wish or an offer means: topic ids, and the topics a tag stands for."""

    def __init__(self, project: Project | None) -> None:
        self.by_tag: dict[str, set[str]] = {}
        self.ids: set[str] = set()
        if project is not None:
            for topic in project.topics.values():
                self.ids.add(topic.id)
                for tag in topic.tags:
                    self.by_tag.setdefault(tag, set()).add(topic.id)
        self.known = bool(project)

    def units(self, item: str) -> frozenset[str]:
        found = set(self.by_tag.get(item, ()))
        if item in self.ids or not found:
            found.add(item)
        return frozenset(found)

    def unknown(self, item: str) -> bool:
        return self.known and item not in self.ids and item not in self.by_tag

    def suggestion(self, item: str) -> str:
        close = difflib.get_close_matches(item, sorted(self.ids | set(self.by_tag)), n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""


def match(roster: Roster, project: Project | None = None, solver: Solver = "sparse") -> MatchResult:
    """Pair every mentor and mentee that the rules allow, as well as they can be."""
    mentors = sorted(roster.mentors, key=lambda p: p.id)
    mentees = sorted(roster.mentees, key=lambda p: p.id)
    topics = _Topics(project)
    notes = _notes(roster.people, topics)
    words = _Words.of(project)
    if not mentors or not mentees:
        missing = "mentors" if not mentors else "mentees"
        reason = f"the roster has no {missing}"
        return MatchResult((), tuple(Unmatched(p, reason) for p in roster.people), notes)
    weights = project.programme.matching.weights if project else MatchingWeights()
    weeks = Weeks.of(project, {p.timezone for p in roster.people})
    graph = Graph.build(roster.people, mentors, mentees, weeks, topics, weights)
    chosen = graph.solve(solver)

    pairs: list[Pair] = []
    for i, j in chosen:
        pairs.append(_pair(mentors[i], mentees[j], weeks, topics, words, graph.common(i, j)))
    taken_m = {i for i, _ in chosen}
    taken_e = {j for _, j in chosen}
    seats_full = len(chosen) == sum(p.capacity for p in mentors)
    unmatched = [
        Unmatched(p, graph.why(p, i, "mentor", len(taken_e) == len(mentees)), "mentor")
        for i, p in enumerate(mentors)
        if i not in taken_m
    ] + [
        Unmatched(p, graph.why(p, j, "mentee", seats_full), "mentee")
        for j, p in enumerate(mentees)
        if j not in taken_e
    ]
    pairs.sort(key=lambda pair: (pair.mentee.id, pair.mentor.id))
    return MatchResult(
        tuple(pairs), tuple(unmatched), notes, graph.objective(chosen), len(graph.mentor)
    )


Index = NDArray[np.int64]
Small = NDArray[np.int32]


@dataclass
class Graph:
    """The allowed pairs (mentor index, mentee index) and what each is worth."""

    mentors: list[Person]
    mentees: list[Person]
    mentor: Small  # per allowed pair
    mentee: Small
    wishes: Small  # wishes of the leader the mentor can teach
    soft: Small  # soft-goal points, 0 to 10 per goal, weighted
    soft_max: int
    # what `why` needs to explain an unmatched person
    departments_m: dict[str, int] = field(default_factory=dict)
    departments_e: dict[str, int] = field(default_factory=dict)
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spans: list[list[Spans]] = field(default_factory=list)  # per kind of week, per signature
    sig_m: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sig_e: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    weeks: int = 1
    some_weeks: set[tuple[str, int]] = field(default_factory=set)
    degree_m: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    degree_e: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    below: dict[str, set[str]] = field(default_factory=dict)
    teachers: dict[str, Person] = field(default_factory=dict)
    learners: dict[str, Person] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        people: Sequence[Person],
        mentors: list[Person],
        mentees: list[Person],
        weeks: Weeks,
        topics: _Topics,
        weights: MatchingWeights,
    ) -> Graph:
        # People who share a time zone and availability share their windows: the
        # overlaps are found once per such signature, then spread to the people.
        signatures: dict[tuple[str, tuple[object, ...]], int] = {}
        sig_m = np.array(
            [signatures.setdefault((p.timezone, p.availability), len(signatures)) for p in mentors]
        )
        sig_e = np.array(
            [signatures.setdefault((p.timezone, p.availability), len(signatures)) for p in mentees]
        )
        keys = list(signatures)
        count = len(keys)
        # The sweep runs on the week of the first session; the other kinds of week (other
        # clocks) only check the pairs it found.
        first_kind = weeks.kinds[0]
        by_kind = [
            [starts(free(zone, slots, sample), weeks.minutes) for zone, slots in keys]  # type: ignore[arg-type]
            for sample in weeks.samples
        ]
        common, spare_of = _overlaps(
            by_kind[first_kind], _distinct(sig_m), _distinct(sig_e), count, len(people)
        )
        first_weeks = common
        for kind, spans in enumerate(by_kind):
            if kind == first_kind or not len(common):
                continue
            # Both windows moved by the same amount overlap as before: only pairs with a
            # window that moved differently (a clock changed) need looking at again.
            shift = _shift(weeks.samples[first_kind], weeks.samples[kind])
            same = np.array(
                [
                    tuple((a - shift, b - shift) for a, b in moved) == before
                    for moved, before in zip(spans, by_kind[first_kind], strict=True)
                ]
            )
            left, right = common // count, common % count
            check = np.flatnonzero(~(same[left] & same[right]))
            keep = np.ones(len(common), dtype=bool)
            keep[check] = _still_overlap(spans, left[check], right[check])
            common, spare_of = common[keep], spare_of[keep]
        lost = (  # signature pairs free together in the first week, not in every week
            first_weeks[~np.isin(first_weeks, common, assume_unique=True)]
            if len(first_weeks) != len(common)
            else first_weeks[:0]
        )
        del first_weeks
        m, e, spare_pairs = _expand(common // count, common % count, spare_of, sig_m, sig_e)
        del common, spare_of

        index = {p.id: k for k, p in enumerate(people)}
        person_m = np.array([index[p.id] for p in mentors], dtype=np.int64)
        person_e = np.array([index[p.id] for p in mentees], dtype=np.int64)
        depts = {d: k for k, d in enumerate(sorted({p.department.lower() for p in people}))}
        dept_m = np.array([depts[p.department.lower()] for p in mentors])
        dept_e = np.array([depts[p.department.lower()] for p in mentees])
        chains = reporting_chains(people)
        lines = _reporting_lines(chains, index)
        keep = (dept_m[m] != dept_e[e]) & (person_m[m] != person_e[e])
        if lines.size:
            pair_keys = person_m[m] * len(people) + person_e[e]
            at = np.minimum(np.searchsorted(lines, pair_keys), len(lines) - 1)
            keep &= lines[at] != pair_keys
        m, e = m[keep].astype(np.int32), e[keep].astype(np.int32)
        spare_pairs = spare_pairs[keep].astype(np.int32)
        del keep
        if len(m) > MAX_EDGES:
            raise UsageError(_too_big(len(people), len(m)))

        wishes = _wishes(mentors, mentees, m, e, topics)
        first = weeks.starts[0]
        offsets = {
            zone: (first.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta()) // MINUTE
            for zone in {p.timezone for p in people}
        }
        off_m = np.array([offsets[p.timezone] for p in mentors], dtype=np.int64)
        off_e = np.array([offsets[p.timezone] for p in mentees], dtype=np.int64)
        common_time = np.minimum(LEVEL_CAP, spare_pairs // 60)
        nearby = np.maximum(0, LEVEL_CAP - np.abs(off_m[m] - off_e[e]) // 60)
        soft = weights.common_time * common_time + weights.nearby_time_zones * nearby
        graph = cls(
            mentors,
            mentees,
            m,
            e,
            wishes.astype(np.int32),
            soft.astype(np.int32),
            LEVEL_CAP * (weights.common_time + weights.nearby_time_zones),
        )
        graph.chains = chains
        graph.spans, graph.sig_m, graph.sig_e = by_kind, sig_m, sig_e
        graph._explain(mentors, mentees, weeks, lost, sig_m, sig_e, count)
        return graph

    def common(self, i: int, j: int) -> list[Spans]:
        """When mentor i and mentee j can both start a session, in a week of each kind."""
        m, e = int(self.sig_m[i]), int(self.sig_e[j])
        return [intersect(spans[m], spans[e]) for spans in self.spans]

    # --- solving ------------------------------------------------------------------------

    def levels(self) -> tuple[int, int]:
        """The weights of a pair and of a wish: each more than all lower levels together."""
        most_pairs = min(sum(p.capacity for p in self.mentors), len(self.mentees))
        wish = most_pairs * self.soft_max + 1
        most_wishes = int(self.wishes.max()) if self.wishes.size else 0
        pair = most_pairs * (most_wishes * wish + self.soft_max) + 1
        if pair * 4 > EXACT:
            raise UsageError(_too_big(len(self.mentors) + len(self.mentees), len(self.mentor)))
        return pair, wish

    def objective(self, chosen: Iterable[tuple[int, int]]) -> tuple[int, int, int]:
        """Pairs, wishes covered and soft-goal points of an assignment."""
        chosen = list(chosen)
        if not chosen:
            return (0, 0, 0)
        size = len(self.mentees)
        keys = self.mentor.astype(np.int64) * size + self.mentee
        order = np.argsort(keys)
        wanted = np.array([i * size + j for i, j in chosen], dtype=np.int64)
        at = order[np.searchsorted(keys[order], wanted)]
        return (len(chosen), int(self.wishes[at].sum()), int(self.soft[at].sum()))

    def solve(self, solver: Solver = "sparse") -> list[tuple[int, int]]:
        """The best pairs: (mentor index, mentee index), each mentor up to their capacity."""
        if not len(self.mentor):
            return []
        pair, wish = self.levels()
        capacity = np.array([p.capacity for p in self.mentors], dtype=np.int64)
        first_column = np.concatenate(([0], np.cumsum(capacity)[:-1])).astype(np.int32)
        seats = int(capacity.sum())
        count = len(self.mentees)
        # A mentor who takes n leaders is n columns; every leader also has a column of
        # their own meaning "not paired", so that a full matching always exists.
        value = pair + self.wishes.astype(np.float64) * wish + self.soft + 1
        if seats == len(self.mentors):  # everyone takes one leader: no copies needed
            rows, columns = self.mentee, self.mentor
        else:
            repeat = capacity[self.mentor]
            rows = np.repeat(self.mentee, repeat)
            seat = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
            columns = (np.repeat(first_column[self.mentor], repeat) + seat).astype(np.int32)
            value = np.repeat(value, repeat)
        if solver == "dense":
            matrix = np.zeros((count, seats + count))
            matrix[rows, columns] = value
            matrix[np.arange(count), seats + np.arange(count)] = 1
            got_rows, got_columns = linear_sum_assignment(matrix, maximize=True)
        else:
            rows = np.concatenate((rows, np.arange(count, dtype=np.int32)))
            columns = np.concatenate((columns, seats + np.arange(count, dtype=np.int32)))
            value = np.concatenate((value, np.ones(count)))
            order = np.argsort(rows, kind="stable")
            pointers = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=count))))
            matrix = csr_matrix(
                (value[order], columns[order].astype(np.int32), pointers.astype(np.int32)),
                shape=(count, seats + count),
            )
            del rows, columns, value, order
            got_rows, got_columns = min_weight_full_bipartite_matching(matrix, maximize=True)
        owners = np.repeat(np.arange(len(self.mentors)), capacity)
        return sorted(
            (int(owners[c]), int(r))
            for r, c in zip(got_rows.tolist(), got_columns.tolist(), strict=True)
            if c < seats
        )

    # --- explaining -----------------------------------------------------------------------

    def _explain(
        self,
        mentors: list[Person],
        mentees: list[Person],
        weeks: Weeks,
        lost: Index,
        sig_m: Index,
        sig_e: Index,
        count: int,
    ) -> None:
        for p in mentors:
            key = p.department.lower()
            self.departments_m[key] = self.departments_m.get(key, 0) + 1
        for p in mentees:
            key = p.department.lower()
            self.departments_e[key] = self.departments_e.get(key, 0) + 1
        self.weeks = len(weeks.starts)
        self.degree_m = np.bincount(self.mentor, minlength=len(mentors))
        self.degree_e = np.bincount(self.mentee, minlength=len(mentees))
        below: dict[str, set[str]] = {}
        for person_id, above in self.chains.items():
            for boss in above:
                below.setdefault(boss, set()).add(person_id)
        self.below = below
        self.teachers = {p.id: p for p in mentors}
        self.learners = {p.id: p for p in mentees}
        if len(lost):
            for role, sigs, side in (
                ("mentor", sig_m, lost // count),
                ("mentee", sig_e, lost % count),
            ):
                present = _distinct(side)
                at = np.minimum(np.searchsorted(present, sigs), max(0, len(present) - 1))
                hit = present[at] == sigs if len(present) else np.zeros(len(sigs), dtype=bool)
                self.some_weeks.update((role, k) for k in np.flatnonzero(hit).tolist())

    def why(self, person: Person, index: int, role: str, full: bool) -> str:
        """Why someone is not paired, in words a coordinator can act on."""
        other = "mentee" if role == "mentor" else "mentor"
        allowed = int((self.degree_m if role == "mentor" else self.degree_e)[index])
        if allowed:
            why = (
                f"there are more {role}s than {other}s" + (" can take" if role == "mentee" else "")
                if full
                else "pairing them would have left someone else without a pair"
            )
            who = f"the {other} who could" if allowed == 1 else f"all {allowed} {other}s who could"
            where = "is in another pair" if allowed == 1 else "are in other pairs"
            return f"{who} be paired with them {where}: {why}"
        everyone = self.departments_e if role == "mentor" else self.departments_m
        total = sum(everyone.values()) - (1 if person.role == "both" else 0)
        same = everyone.get(person.department.lower(), 0) - (1 if person.role == "both" else 0)
        different = total - same
        if different <= 0:
            return f"every {other} works in the same department ({person.department})"
        others = self.learners if role == "mentor" else self.teachers
        related = set(self.chains.get(person.id, ())) | self.below.get(person.id, set())
        in_line = sum(
            1
            for p in (others[i] for i in related if i in others)
            if p.department.lower() != person.department.lower()
        )
        outside = different - in_line
        if outside <= 0:
            return f"every {other} from another department is in their reporting line"
        if (role, index) in self.some_weeks:
            return (
                f"no {other} from another department and outside their reporting line is free "
                f"at the same time for a whole session in every one of the {self.weeks} weeks "
                "with a session (the clocks change during the programme)"
            )
        return (
            f"no {other} from another department and outside their reporting line is free at "
            f"the same time for a whole session ({different} checked, time zones converted)"
        )


def _overlaps(
    spans: list[tuple[tuple[int, int], ...]],
    mentor_sigs: Index,
    mentee_sigs: Index,
    count: int,
    people: int,
) -> tuple[Index, NDArray[np.float64]]:
    """Signature pairs (mentor * count + mentee) whose start windows overlap, and by how much.

    Windows are cut into pieces of at most PIECE minutes; then the pieces of one side
    that can overlap a piece of the other lie in one sorted run, found by binary search.
    """

    lengths = [b - a for s in (*mentor_sigs.tolist(), *mentee_sigs.tolist()) for a, b in spans[s]]
    # Pieces about as long as most windows: few windows are cut, few candidates are false.
    piece = int(min(PIECE, max(15, np.percentile(lengths, 90)))) if lengths else PIECE

    def pieces(sigs: Index) -> tuple[Index, Index, Index]:
        owner = [s for s in sigs.tolist() for _ in spans[s]]
        a = [span[0] for s in sigs.tolist() for span in spans[s]]
        b = [span[1] for s in sigs.tolist() for span in spans[s]]
        own, start, end = (np.array(x, dtype=np.int64) for x in (owner, a, b))
        parts = -(-(end - start) // piece)
        own = np.repeat(own, parts)
        base = np.repeat(start, parts)
        step = np.arange(len(own)) - np.repeat(np.cumsum(parts) - parts, parts)
        first = base + step * piece
        return own, first, np.minimum(first + piece, np.repeat(end, parts))

    own_m, a_m, b_m = pieces(mentor_sigs)
    own_e, a_e, b_e = pieces(mentee_sigs)
    order = np.argsort(a_m, kind="stable")
    own_m, a_m, b_m = own_m[order], a_m[order], b_m[order]
    low = np.searchsorted(a_m, a_e - piece, side="right")
    high = np.searchsorted(a_m, b_e, side="left")
    counts = high - low
    if int(counts.sum()) > 4 * MAX_EDGES:  # refuse before the memory is spent, not after
        raise UsageError(_too_big(people, int(counts.sum()) // 3, about="roughly "))
    found: list[Index] = []
    overlap: list[NDArray[np.int64]] = []
    ends = np.cumsum(counts)
    begin = 0
    while begin < len(counts):
        limit = (ends[begin - 1] if begin else 0) + BATCH
        stop = max(begin + 1, int(np.searchsorted(ends, limit, side="right")))
        chunk = counts[begin:stop]
        e_rep = np.repeat(np.arange(begin, stop), chunk)
        offset = np.arange(len(e_rep)) - np.repeat(np.cumsum(chunk) - chunk, chunk)
        m_rep = np.repeat(low[begin:stop], chunk) + offset
        length = np.minimum(b_m[m_rep], b_e[e_rep]) - np.maximum(a_m[m_rep], a_e[e_rep])
        keep = length > 0
        found.append(own_m[m_rep[keep]] * count + own_e[e_rep[keep]])
        overlap.append(length[keep])
        begin = stop
        if sum(len(f) for f in found) > 2 * MAX_EDGES:
            raise UsageError(_too_big(people, 2 * MAX_EDGES, about="more than "))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    every = np.concatenate(found)
    order = np.argsort(every, kind="stable")
    every = every[order]
    if not len(every):
        return every, np.zeros(0, dtype=np.float64)
    starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
    sums = np.add.reduceat(np.concatenate(overlap)[order], starts)
    return every[starts], sums.astype(np.float64)


def _shift(first: dt.datetime, other: dt.datetime) -> int:
    """How far an unchanged clock's minutes move between two weeks: their starts are
    whole weeks apart, less the programme's own clock change."""
    apart = int((other - first).total_seconds() // 60)
    change = (apart + WEEK_MINUTES // 2) % WEEK_MINUTES - WEEK_MINUTES // 2
    return -change


def _still_overlap(spans: list[Spans], left: Index, right: Index) -> NDArray[np.bool_]:
    """For each signature pair, whether their windows of this kind of week overlap."""
    widest = max((len(s) for s in spans), default=0)
    if widest == 0:
        return np.zeros(len(left), dtype=bool)
    table = np.full((len(spans), widest, 2), -1, dtype=np.int32)
    for sig, windows in enumerate(spans):
        if windows:
            table[sig, : len(windows)] = windows
    found = np.zeros(len(left), dtype=bool)
    starts_, ends = table[:, :, 0], table[:, :, 1]
    for p in range(widest):
        a0, a1 = starts_[left, p], ends[left, p]
        for q in range(widest):
            b0, b1 = starts_[right, q], ends[right, q]
            found |= np.maximum(a0, b0) < np.minimum(a1, b1)
    return found


def _distinct(values: Index) -> Index:
    """Sorted distinct values (by sorting: faster than hashing for these arrays)."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _expand(
    sig_m_of: Index, sig_e_of: Index, spare: NDArray[np.float64], sig_m: Index, sig_e: Index
) -> tuple[Index, Index, NDArray[np.float64]]:
    """From signature pairs to the pairs of people who have them."""
    count = int(max(sig_m.max(), sig_e.max())) + 1
    order_m = np.argsort(sig_m, kind="stable")
    order_e = np.argsort(sig_e, kind="stable")
    per_m = np.bincount(sig_m, minlength=count)
    per_e = np.bincount(sig_e, minlength=count)
    first_m = np.concatenate(([0], np.cumsum(per_m)[:-1]))
    first_e = np.concatenate(([0], np.cumsum(per_e)[:-1]))
    cm, ce = per_m[sig_m_of], per_e[sig_e_of]
    sizes = cm * ce
    total = int(sizes.sum())
    if total > MAX_EDGES * 2:
        raise UsageError(_too_big(len(sig_m) + len(sig_e), total, about="up to "))
    which = np.repeat(np.arange(len(sizes)), sizes)
    step = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    across = ce[which]
    m = order_m[first_m[sig_m_of[which]] + step // across]
    e = order_e[first_e[sig_e_of[which]] + step % across]
    return m, e, spare[which]


def _too_big(people: int, pairs: int, about: str = "") -> str:
    """Refuse a roster that allows too many pairs, saying how small each part should be:
    the pairs allowed grow with the square of the people."""
    size = max(2, int(people * (MAX_EDGES / max(pairs, 1)) ** 0.5 * 0.8))
    size = size // 1000 * 1000 if size > 2000 else size
    return (
        f"the roster of {people:,} people allows {about}{pairs:,} "
        f"possible pairs, more than can be weighed at once ({MAX_EDGES:,}); split it into "
        f"rosters of at most about {size:,} people (by region or business unit, keeping "
        "together the people who should meet) and match each one"
    )


def reporting_chains(people: Sequence[Person]) -> dict[str, tuple[str, ...]]:
    """Everyone above each person, up the whole chain (the roster has no circles)."""
    managers = {p.id: p.manager_id for p in people}
    chains: dict[str, tuple[str, ...]] = {}
    for person in people:
        path: list[str] = []
        current: str | None = person.id
        while current is not None and current not in chains:
            path.append(current)
            current = managers.get(current)
        for node in reversed(path):
            boss = managers.get(node)
            chains[node] = (boss, *chains.get(boss, ())) if boss is not None else ()
    return chains


def _reporting_lines(chains: dict[str, tuple[str, ...]], index: dict[str, int]) -> Index:
    """Sorted keys (person * N + person) of every two people where one is above the
    other in the reporting line, both ways round."""
    size = len(index)
    keys = [
        key
        for person_id, above in chains.items()
        if person_id in index
        for boss in above
        if boss in index
        for key in (index[boss] * size + index[person_id], index[person_id] * size + index[boss])
    ]
    return np.unique(np.array(keys, dtype=np.int64))


def _wishes(
    mentors: list[Person], mentees: list[Person], m: Index, e: Index, topics: _Topics
) -> Index:
    """How many of each leader's wishes each allowed mentor can teach."""
    wished = sorted({w for p in mentees for w in p.wants})
    number = {w: k for k, w in enumerate(wished)}
    teachers: dict[str, list[int]] = {}
    for i, p in enumerate(mentors):
        for unit in {u for item in p.offers for u in topics.units(item)}:
            teachers.setdefault(unit, []).append(i)
    covers = np.zeros((len(mentors), max(1, len(wished))), dtype=bool)
    for k, wish in enumerate(wished):
        for unit in topics.units(wish):
            covers[teachers.get(unit, []), k] = True
    widest = max((len(dict.fromkeys(p.wants)) for p in mentees), default=0)
    wants = np.full((len(mentees), max(1, widest)), -1, dtype=np.int64)
    for j, p in enumerate(mentees):
        for k, w in enumerate(dict.fromkeys(p.wants)):
            wants[j, k] = number[w]
    total = np.zeros(len(m), dtype=np.int64)
    for k in range(wants.shape[1]):
        wish = wants[e, k]
        total += (wish >= 0) & covers[m, np.maximum(wish, 0)]
    return total


@dataclass(frozen=True)
class _Words:
    """The reasons a pair is given are printed in their pack: in the programme's language."""

    gettext: Callable[[str], str]
    days: dict[str, str]

    @classmethod
    def of(cls, project: Project | None) -> _Words:
        if project is None:
            return cls(lambda text: text, {day: day.capitalize() for day in WEEKDAYS})
        from .render import vocabulary

        locale = project.programme.locale.replace("-", "_")
        translations = i18n.translations(project.programme.locale, project.template_dirs)
        return cls(translations.gettext, vocabulary(translations.gettext, locale)["weekdays"])


def _pair(
    mentor: Person,
    mentee: Person,
    weeks: Weeks,
    topics: _Topics,
    words: _Words,
    common: list[Spans],
) -> Pair:
    _ = words.gettext
    offered = {unit for item in mentor.offers for unit in topics.units(item)}
    taught = [w for w in dict.fromkeys(mentee.wants) if topics.units(w) & offered]
    wishes = len(dict.fromkeys(mentee.wants))
    score = round(100 * len(taught) / wishes) if wishes else 0
    zone = mentee.timezone
    slot = best_slot(weeks, mentor, mentee, zone, common)
    assert slot is not None, "an allowed pair has a common window in every week"
    booking = book(weeks, mentor, mentee, *slot, zone, words.gettext, common)
    reasons = []
    if taught:
        reasons.append(
            _("can teach %(topics)s (%(count)s of %(wishes)s wishes)")
            % {"topics": ", ".join(taught), "count": len(taught), "wishes": wishes}
        )
    else:
        reasons.append(_("teaches none of the wishes: agree the topics in the first session"))
    reasons.append(
        _("different departments (%(mentor)s and %(mentee)s)")
        % {"mentor": mentor.department, "mentee": mentee.department}
    )
    reasons.append(_("outside each other's reporting line"))
    reasons.append(
        _("both free on %(day)s at %(time)s (%(zone)s)")
        % {"day": words.days[booking.weekday], "time": booking.time, "zone": zone}
    )
    return Pair(
        mentor,
        mentee,
        score,
        tuple(reasons),
        booking.weekday,
        booking.time,
        zone,
        booking.changes,
        dates=tuple(s.start for s in booking.sessions),
    )


def _notes(people: Iterable[Person], topics: _Topics) -> tuple[str, ...]:
    """One note for each offer or wish that names no topic, with the rows that use it."""
    rows: dict[tuple[str, str], list[int]] = {}
    for person in people:
        for kind, items in (("offers", person.offers), ("wants", person.wants)):
            for item in dict.fromkeys(items):
                if topics.unknown(item):
                    rows.setdefault((kind, item), []).append(person.row)
    notes = []
    for (kind, item), where in sorted(rows.items(), key=lambda entry: entry[1][0]):
        more = f" and {len(where) - 3:,} more rows" if len(where) > 3 else ""
        shown = ", ".join(str(r) for r in where[:3])
        notes.append(
            f"row{'s' if len(where) > 1 else ''} {shown}{more}: {kind} {item!r} is neither a "
            f"topic id nor a tag of the library{topics.suggestion(item)}; it only matches "
            "the same word"
        )
    return tuple(notes)
