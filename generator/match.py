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
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
from babel.dates import format_date, get_day_names
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from . import i18n
from .errors import UsageError
from .model import WEEKDAYS, MatchingWeights, Project
from .roster import Person, Roster, Slot, without_cycle_collection
from .windows import (
    Spans,
    SpanTable,
    Weeks,
    best_slot,
    book,
    closed_sessions,
    intersect,
    usual_booking,
    usual_slot,
)

MINUTE = dt.timedelta(minutes=1)
WEEK_MINUTES = 7 * 24 * 60
PIECE = 360  # minutes: free time is cut into pieces this long to find overlaps quickly
BATCH = 2_000_000  # overlapping pieces looked at at once (bounds memory)
WORKERS = min(2, os.cpu_count() or 1)  # threads that list and weigh the allowed pairs
MAX_EDGES = 80_000_000  # allowed pairs kept (12 bytes each): under 2 GB in all (measured)
MAX_CANDIDATES = 4 * MAX_EDGES  # windows that may overlap: more, and the roster is refused
DIRECT = 200_000  # up to this many allowed pairs are solved at once, more by pricing
CHOICES = 48  # the best pairs of each leader that pricing starts from
LEVEL_CAP = 10  # each soft goal scores 0 to 10
EXACT = 2.0**52  # weights stay whole numbers a float holds exactly
Solver = Literal["sparse", "dense"]
T = TypeVar("T")


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
    # The numbers of the sessions off the usual slot (`changes` says why), and of those
    # on a closed day with no other time that week, which the pair agree another time for.
    moved_sessions: tuple[int, ...] = ()
    to_agree: tuple[int, ...] = ()

    @property
    def moved(self) -> int:
        """How many sessions are off the usual slot."""
        return len(self.moved_sessions)

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
    rounds: int = 0  # restricted problems solved: 1 when solved at once, more when priced


class _Topics:
    """What a wish or an offer means: topic ids, and the topics a tag stands for."""

    def __init__(self, project: Project | None) -> None:
        self.by_tag: dict[str, set[str]] = {}
        self.ids: set[str] = set()
        self.titles: dict[str, str] = {}  # a reason names a topic by its title
        self.seen: dict[str, frozenset[str]] = {}  # units of each item asked for
        if project is not None:
            for topic in project.topics.values():
                self.ids.add(topic.id)
                # A semicolon would split the reason in two in pairs.csv's `reasons`.
                self.titles[topic.id] = topic.title.replace(";", ",")
                for tag in topic.tags:
                    self.by_tag.setdefault(tag, set()).add(topic.id)
        self.known = bool(project)

    def units(self, item: str) -> frozenset[str]:
        known = self.seen.get(item)
        if known is not None:
            return known
        found = set(self.by_tag.get(item, ()))
        if item in self.ids or not found:
            found.add(item)
        self.seen[item] = frozenset(found)
        return self.seen[item]

    def title(self, item: str) -> str:
        """A wish as a reason names it: a topic by its title, a tag as the roster has it."""
        return self.titles.get(item, item)

    def unknown(self, item: str) -> bool:
        return self.known and item not in self.ids and item not in self.by_tag

    def suggestion(self, item: str) -> str:
        close = difflib.get_close_matches(item, sorted(self.ids | set(self.by_tag)), n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""


def match(roster: Roster, project: Project | None = None, solver: Solver = "sparse") -> MatchResult:
    """Pair every mentor and mentee that the rules allow, as well as they can be."""
    with without_cycle_collection():
        return _match(roster, project, solver)


def _match(roster: Roster, project: Project | None, solver: Solver) -> MatchResult:
    mentors = sorted(roster.mentors, key=lambda p: p.id)
    mentees = sorted(roster.mentees, key=lambda p: p.id)
    topics = _Topics(project)
    notes = _notes(roster.people, topics) + holiday_notes(roster.people, project)
    words = Words.of(project)
    if not mentors or not mentees:
        missing = "mentors" if not mentors else "mentees"
        reason = f"the roster has no {missing}"
        return MatchResult((), tuple(Unmatched(p, reason) for p in roster.people), notes)
    weights = project.programme.matching.weights if project else MatchingWeights()
    weeks = Weeks.of(project, {p.timezone for p in roster.people})
    graph = Graph.build(roster.people, mentors, mentees, weeks, topics, weights)
    chosen = graph.solve(solver)
    objective, edges = graph.objective(chosen), len(graph.mentor)
    graph.release()  # the allowed pairs are no longer needed: free them before booking

    pairs: list[Pair] = []
    # Most pairs have one common window a week, at the same local time all year: their
    # slot is found from arrays; the others' windows are intersected one pair at a time.
    for (i, j), single in zip(chosen, graph.single_windows(chosen), strict=True):
        slot = usual_slot(weeks, mentees[j].timezone, single) if single else None
        common = graph.common(i, j) if slot is None else []
        pairs.append(_pair(mentors[i], mentees[j], weeks, topics, words, common, slot))
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
        tuple(pairs),
        tuple(unmatched),
        notes,
        objective,
        edges,
        graph.rounds,
    )


Index = NDArray[np.int64]
Small = NDArray[np.int32]
Tiny = NDArray[np.int16]


@dataclass
class Graph:
    """The allowed pairs (mentor index, mentee index) and what each is worth."""

    mentors: list[Person]
    mentees: list[Person]
    mentor: Small  # per allowed pair
    mentee: Small
    rank: NDArray[Any]  # wishes of the leader the mentor can teach * (soft_max + 1) + soft
    soft_max: int  # soft-goal points: 0 to 10 per goal, weighted
    # each leader's best pairs (indexes of allowed pairs): where the solving starts
    choices: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # what `why` needs to explain an unmatched person
    departments_m: dict[str, int] = field(default_factory=dict)
    departments_e: dict[str, int] = field(default_factory=dict)
    people: Sequence[Person] = ()
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict)  # found when needed
    spans: list[SpanTable] = field(default_factory=list)  # per kind of week
    sig_m: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sig_e: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    weeks: int = 1
    some_weeks: set[tuple[str, int]] = field(default_factory=set)
    degree_m: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    degree_e: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    below: dict[str, set[str]] | None = None  # everyone under each person (when needed)
    teachers: dict[str, Person] = field(default_factory=dict)
    learners: dict[str, Person] = field(default_factory=dict)
    chosen: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rounds: int = 0  # restricted problems solved (1 when solved at once)
    level_weights: tuple[int, int] | None = None

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
        # windows are found once per such calendar, then the overlaps per pair of
        # calendars, then spread to the people who have them.
        signatures: dict[tuple[str, tuple[object, ...]], int] = {}
        sig_m = np.array(
            [signatures.setdefault((p.timezone, p.availability), len(signatures)) for p in mentors],
            dtype=np.int64,
        )
        sig_e = np.array(
            [signatures.setdefault((p.timezone, p.availability), len(signatures)) for p in mentees],
            dtype=np.int64,
        )
        keys: list[tuple[str, tuple[Slot, ...]]] = list(signatures)  # type: ignore[arg-type]
        count = len(keys)
        tables = SpanTable.weeks(keys, weeks.samples, weeks.minutes)
        # The overlaps are found in the week of the first session; in the other kinds of
        # week (other clocks) only the pairs whose windows moved differently are checked.
        first_kind = weeks.kinds[0]
        later = []
        for kind, table in enumerate(tables):
            shift, odd = _moves(tables[first_kind], table)
            if kind != first_kind and (odd.any() or len(np.unique(shift)) > 1):
                later.append((_Windows.of(table), shift, odd))
        # Calendars whose windows move alike in every later kind of week overlap in every
        # week when they do in the first: only pairs of calendars that move apart are checked.
        alike, unsure = np.zeros(count, dtype=np.int64), np.zeros(count, dtype=bool)
        if later:
            moved = np.stack([shift for _, shift, _ in later], axis=1)
            alike = np.unique(moved, axis=0, return_inverse=True)[1].ravel()
            unsure = np.logical_or.reduce([odd for _, _, odd in later])

        index = {p.id: k for k, p in enumerate(people)}
        person_m = np.array([index[p.id] for p in mentors], dtype=np.int64)
        person_e = np.array([index[p.id] for p in mentees], dtype=np.int64)
        depts = {d: k for k, d in enumerate(sorted({p.department.lower() for p in people}))}
        dept_m = np.array([depts[p.department.lower()] for p in mentors], dtype=np.int64)
        dept_e = np.array([depts[p.department.lower()] for p in mentees], dtype=np.int64)
        lines = _Lines(people, index)
        wishes_of = _Wishes(mentors, mentees, topics)
        # Nearby time zones: points per pair of zones, from their clocks in the first week.
        first = weeks.starts[0]
        zones = sorted({p.timezone for p in people})
        offsets = np.array(
            [
                (first.astimezone(ZoneInfo(z)).utcoffset() or dt.timedelta()) // MINUTE
                for z in zones
            ],
            dtype=np.int64,
        )
        near = np.maximum(0, LEVEL_CAP - np.abs(offsets[:, None] - offsets[None, :]) // 60)
        near = (weights.nearby_time_zones * near).ravel()
        zone_of = {z: k for k, z in enumerate(zones)}
        zone_m = np.array([zone_of[p.timezone] * len(zones) for p in mentors], dtype=np.int64)
        zone_e = np.array([zone_of[p.timezone] for p in mentees], dtype=np.int64)
        soft_max = LEVEL_CAP * (weights.common_time + weights.nearby_time_zones)
        levels = soft_max + 1  # a pair's rank: wishes * levels + soft points
        top = wishes_of.most * levels + soft_max
        rank_type = np.int16 if top < 2**15 else np.int32
        spread = _Spread(sig_m, sig_e, count)

        lost_m = np.zeros(count, dtype=bool)  # free together in the first week, not in all
        lost_e = np.zeros(count, dtype=bool)
        best: list[Index] = []
        sweep = _Sweep(tables[first_kind], _distinct(sig_m), _distinct(sig_e), count, len(people))
        store = _Store(min(MAX_EDGES, sweep.total) + 1, rank_type)
        degree_m = np.zeros(len(mentors), dtype=np.int64)  # allowed pairs of each person
        degree_e = np.zeros(len(mentees), dtype=np.int64)

        def weigh(sweep: _Sweep, begin: int, stop: int) -> _Block:
            """One block's allowed pairs and what each is worth (run on both cores: numpy
            lets go of the interpreter while it works on whole arrays)."""
            left, right, spare = sweep.block(begin, stop)
            lost: list[tuple[Index, Index]] = []
            check = np.flatnonzero((alike[left] != alike[right]) | unsure[left] | unsure[right])
            if len(check):
                one, two = left[check], right[check]
                fine = np.ones(len(check), dtype=bool)
                for windows, shift, odd in later:
                    moves = (shift[one] != shift[two]) | odd[one] | odd[two]
                    sub = np.flatnonzero(fine & moves)
                    fine[sub] = windows.overlap(one[sub], two[sub])
                gone = check[~fine]
                lost.append((left[gone], right[gone]))
                keep = np.ones(len(left), dtype=bool)
                keep[gone] = False
                left, right, spare = left[keep], right[keep], spare[keep]
            sizes = spread.sizes(left, right)
            size = int(sizes.sum())
            if size > MAX_EDGES:
                return _Block(stop, size, lost)
            m, e, spare_pairs = spread.pairs(left, right, spare, sizes)
            # (Someone who both mentors and learns is in their own department.)
            keep = dept_m[m] != dept_e[e]
            keep &= ~lines.related(person_m[m], person_e[e])
            m, e, spare_pairs = m[keep], e[keep], spare_pairs[keep]
            rank = wishes_of.count(m, e) * levels
            rank += weights.common_time * np.minimum(LEVEL_CAP, spare_pairs // 60)
            rank += near[zone_m[m] + zone_e[e]]
            # Blocks hold whole leaders: each leader's best pairs are found here.
            chosen = np.flatnonzero(spread.best(e, rank, top))
            small = m, e, rank.astype(rank_type)  # (m and e are int32 already)
            degrees = (
                np.bincount(m, minlength=len(mentors)),
                np.bincount(e, minlength=len(mentees)),
            )
            return _Block(stop, size, lost, *small, chosen, degrees)

        for block in _in_order(partial(weigh, sweep), sweep.bounds()):
            for left, right in block.lost:
                lost_m[left] = True
                lost_e[right] = True
            kept = store.size
            sweep.reached = int(sweep.ends[block.stop - 1])
            if kept + block.size > MAX_EDGES:
                done = sweep.done()
                pairs = int((kept + block.size) / done) if done < 1 else kept + block.size
                raise UsageError(
                    _too_big(len(people), pairs, about="up to " if done >= 1 else "roughly ")
                )
            best.append(block.chosen + kept)
            store.add(block.m, block.e, block.rank)
            if block.degrees is not None:
                degree_m += block.degrees[0]
                degree_e += block.degrees[1]
        del sweep

        graph = cls(mentors, mentees, *store.arrays(), soft_max)
        graph.choices = np.concatenate(best) if best else np.zeros(0, dtype=np.int64)
        graph.people = people
        graph.spans, graph.sig_m, graph.sig_e = tables, sig_m, sig_e
        graph.degree_m, graph.degree_e = degree_m, degree_e
        graph._explain(mentors, mentees, weeks, lost_m, lost_e)
        return graph

    def release(self) -> None:
        """Let the allowed pairs go (the largest arrays): what explains and books stays."""
        # New empty arrays: a slice of the old ones would keep them in memory.
        self.mentor = np.zeros(0, dtype=self.mentor.dtype)
        self.mentee = np.zeros(0, dtype=self.mentee.dtype)
        self.rank = np.zeros(0, dtype=self.rank.dtype)
        self.choices = np.zeros(0, dtype=np.int64)
        self.chosen = np.zeros(0, dtype=np.int64)

    def common(self, i: int, j: int) -> list[Spans]:
        """When mentor i and mentee j can both start a session, in a week of each kind."""
        m, e = int(self.sig_m[i]), int(self.sig_e[j])
        return [intersect(spans[m], spans[e]) for spans in self.spans]

    def single_windows(self, chosen: Sequence[tuple[int, int]]) -> list[Spans | None]:
        """For each (mentor, leader), their one common window in a week of each kind, or
        None when they have several in a week: each window of one against each of the other."""
        if not chosen:
            return []
        m = self.sig_m[np.array([i for i, _ in chosen], dtype=np.int64)]
        e = self.sig_e[np.array([j for _, j in chosen], dtype=np.int64)]
        single = np.ones(len(m), dtype=bool)
        starts, ends = [], []
        every = np.arange(len(m))
        for spans in self.spans:
            windows = _Windows.of(spans)
            low = np.maximum(windows.a[:, None, m], windows.a[None, :, e]).reshape(-1, len(m))
            high = np.minimum(windows.b[:, None, m], windows.b[None, :, e]).reshape(-1, len(m))
            both = low < high
            single &= both.sum(axis=0) == 1
            at = both.argmax(axis=0)
            starts.append(low[at, every])
            ends.append(high[at, every])
        a = np.stack(starts, axis=1).tolist() if starts else [[] for _ in chosen]
        b = np.stack(ends, axis=1).tolist() if ends else [[] for _ in chosen]
        return [
            tuple(zip(a[k], b[k], strict=True)) if one else None
            for k, one in enumerate(single.tolist())
        ]

    # --- solving ------------------------------------------------------------------------

    def levels(self) -> tuple[int, int]:
        """The weights of a pair and of a wish: each more than all lower levels together."""
        if self.level_weights is None:
            self.level_weights = self._levels()
        return self.level_weights

    def _levels(self) -> tuple[int, int]:
        most_pairs = min(sum(p.capacity for p in self.mentors), len(self.mentees))
        wish = most_pairs * self.soft_max + 1
        most_wishes = int(self.rank.max()) // (self.soft_max + 1) if self.rank.size else 0
        pair = most_pairs * (most_wishes * wish + self.soft_max) + 1
        if pair * 4 > EXACT:
            raise UsageError(_too_big(len(self.mentors) + len(self.mentees), len(self.mentor)))
        return pair, wish

    def value(self, edges: Index | slice, ranks: bool = False) -> Index:
        """What each allowed pair is worth: a pair, its wishes, its soft points (and 1).
        With `ranks`, what a pair of each given rank is worth."""
        pair, wish = self.levels()
        if ranks:
            wishes, soft = np.divmod(np.asarray(edges), self.soft_max + 1)
        else:
            wishes, soft = self.parts(edges)
        return pair + wishes * wish + soft + 1

    def parts(self, edges: Index | slice) -> tuple[Index, Index]:
        """The wishes covered and the soft points of allowed pairs."""
        return np.divmod(self.rank[edges].astype(np.int64), self.soft_max + 1)

    def objective(self, chosen: Iterable[tuple[int, int]]) -> tuple[int, int, int]:
        """Pairs, wishes covered and soft-goal points of an assignment."""
        chosen = list(chosen)
        if not chosen:
            return (0, 0, 0)
        wishes, soft = self.parts(self._find(chosen))
        return (len(chosen), int(wishes.sum()), int(soft.sum()))

    def _find(self, chosen: list[tuple[int, int]]) -> Index:
        """The allowed pair of each (mentor, mentee)."""
        size = len(self.mentees)
        wanted = np.array([i * size + j for i, j in chosen], dtype=np.int64)
        known = self.chosen
        keys = self.mentor[known].astype(np.int64) * size + self.mentee[known]
        if len(known) == len(wanted) and np.array_equal(np.sort(keys), np.sort(wanted)):
            order = np.argsort(keys)
            return known[order[np.searchsorted(keys[order], wanted)]]
        found = np.full(len(wanted), -1, dtype=np.int64)
        order = np.argsort(wanted)
        ordered = wanted[order]
        for begin in range(0, len(self.mentor), BATCH):
            keys = self.mentor[begin : begin + BATCH].astype(np.int64) * size
            keys += self.mentee[begin : begin + BATCH]
            at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
            hit = np.flatnonzero(ordered[at] == keys)
            found[order[at[hit]]] = hit + begin
        return found

    def solve(self, solver: Solver = "sparse") -> list[tuple[int, int]]:
        """The best pairs: (mentor index, mentee index), each mentor up to their capacity."""
        if not len(self.mentor):
            return []
        self.levels()  # refuses weights a float cannot hold exactly
        if solver == "dense" or len(self.mentor) <= DIRECT:
            everything = np.arange(len(self.mentor), dtype=np.int64)
            self.chosen = self._assign(everything, dense=solver == "dense")
            self.rounds = 1
        else:
            self.chosen = self._price(self.choices)
        return sorted(
            zip(self.mentor[self.chosen].tolist(), self.mentee[self.chosen].tolist(), strict=True)
        )

    def _price(self, edges: Index) -> Index:
        """The best pairs among all allowed ones, found by solving among a few.

        Solve among each leader's best pairs; then prices for every mentor and leader
        (the duals of that solution, from shortest paths) show whether any pair left
        out would do better. If one would, it is added and the problem solved again;
        if none would, the solution is the best of all, exactly (the duals prove it).
        """
        while True:
            self.rounds += 1
            chosen = self._assign(edges, quick=True)
            u, v = self._duals(edges, chosen)
            better: list[Index] = []
            improves = False
            worth = self.value(np.arange(int(self.rank.max()) + 1), ranks=True)
            # A pair can only be worth its leader's and mentor's prices if its rank is at
            # least the lowest rank worth the leader's price: most pairs are ruled out by rank.
            floor = (np.searchsorted(worth, v, side="left") - 1).astype(self.rank.dtype)
            parts = ((b, b + BATCH) for b in range(0, len(self.mentor), BATCH))
            scan = partial(self._worth_prices, (u, v, floor, worth))
            for found_part, gains in _in_order(scan, parts):
                better.append(found_part)
                improves = improves or gains
            if not improves:
                return chosen
            # The pairs that would do better are added, and with them those worth exactly
            # their prices (left out, they are often the ones the next prices favour: one
            # restricted problem less, measured at 100,000 people).
            found = np.concatenate(better)
            found = found[~_member(found, edges)]
            edges = np.sort(np.concatenate((edges, found)))

    def _worth_prices(
        self, prices: tuple[Index, Index, NDArray[Any], Index], begin: int, stop: int
    ) -> tuple[Index, bool]:
        """The allowed pairs from `begin` to `stop` worth at least their mentor's and
        leader's prices (u, v), and whether any is worth more (ranks at most `floor` of
        the leader's are worth less; `worth` is what a pair of each rank is worth)."""
        u, v, floor, worth = prices
        part = slice(begin, stop)
        rank = self.rank[part]
        at = np.flatnonzero(rank > floor[self.mentee[part]]) + begin
        gain = worth[self.rank[at]] - v[self.mentee[at]] - u[self.mentor[at]]
        return at[gain >= 0], bool((gain > 0).any())

    def _duals(self, edges: Index, chosen: Index) -> tuple[Index, Index]:
        """A price for each mentor (u) and leader (v) such that every pair in `edges` is
        worth at most u + v, and each chosen pair exactly u + v (the proof of optimality).

        A mentor with a free seat costs 0; a full mentor costs the least a leader of
        theirs would lose by moving to another mentor (who then costs that mentor's
        price), found by Bellman-Ford on these moves. A leader left unpaired sits in a
        seat of their own worth 1.
        """
        mentors, mentees = len(self.mentors), len(self.mentees)
        value = self.value(edges)
        capacity = np.array([p.capacity for p in self.mentors], dtype=np.int64)
        load = np.bincount(self.mentor[chosen], minlength=mentors)
        # Nodes: mentors, then each leader's own "unpaired" seat.
        node = mentors + np.arange(mentees, dtype=np.int64)  # where each leader sits
        node[self.mentee[chosen]] = self.mentor[chosen]
        worth = np.ones(mentees, dtype=np.int64)  # what their seat is worth to them
        worth[self.mentee[chosen]] = self.value(chosen)
        rows = self.mentee[edges].astype(np.int64)
        paired = np.flatnonzero(node < mentors)
        source = np.concatenate((node[rows], node[paired]))
        target = np.concatenate((self.mentor[edges].astype(np.int64), mentors + paired))
        length = np.concatenate((worth[rows] - value, worth[paired] - 1))
        order = np.argsort(source, kind="stable")
        source, target, length = source[order], target[order], length[order]
        heads = np.flatnonzero(np.concatenate(([True], source[1:] != source[:-1])))
        owners = source[heads]
        infinite = np.iinfo(np.int64).max // 4
        price = np.full(mentors + mentees, infinite, dtype=np.int64)
        price[:mentors][load < capacity] = 0
        price[mentors + paired] = 0
        # A leader's own seat with no move out of it (no other pair in `edges`): 0 too.
        idle = np.ones(mentors + mentees, dtype=bool)
        idle[owners] = False
        price[idle] = np.minimum(price[idle], 0)
        for _ in range(mentors + mentees + 1):
            through = np.minimum.reduceat(length + price[target], heads)
            lower = through < price[owners]
            if not lower.any():
                break
            price[owners[lower]] = through[lower]
        u = price[:mentors]
        v = worth - price[node]
        return u, v

    def _assign(self, edges: Index, dense: bool = False, quick: bool = False) -> Index:
        """The best assignment among `edges`: the indexes of the pairs chosen. `quick`
        leaves out the columns for "not paired" when every leader can be paired anyway
        (the same optimum, about half the columns)."""
        capacity = np.array([p.capacity for p in self.mentors], dtype=np.int64)
        first_column = np.concatenate(([0], np.cumsum(capacity)[:-1])).astype(np.int32)
        seats = int(capacity.sum())
        count = len(self.mentees)
        mentor, mentee = self.mentor[edges], self.mentee[edges]
        # A mentor who takes n leaders is n columns; every leader also has a column of
        # their own meaning "not paired", so that a full matching always exists.
        value = self.value(edges).astype(np.float64)
        if seats == len(self.mentors):  # everyone takes one leader: no copies needed
            rows, columns = mentee, mentor
        else:
            repeat = capacity[mentor]
            rows = np.repeat(mentee, repeat)
            seat = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
            columns = (np.repeat(first_column[mentor], repeat) + seat).astype(np.int32)
            value = np.repeat(value, repeat)
        if dense:
            matrix = np.zeros((count, seats + count))
            matrix[rows, columns] = value
            matrix[np.arange(count), seats + np.arange(count)] = 1
            got_rows, got_columns = linear_sum_assignment(matrix, maximize=True)
        else:
            got_rows, got_columns = _solve_sparse(rows, columns, value, count, seats, quick)
        got_rows, got_columns = np.asarray(got_rows), np.asarray(got_columns)
        paired = got_columns < seats
        owners = np.repeat(np.arange(len(self.mentors)), capacity)
        mentor_of, mentee_of = owners[got_columns[paired]], got_rows[paired]
        # Back from (mentor, leader) to the allowed pair: each pair is allowed once.
        mentor_of_leader = np.full(count, -1, dtype=np.int64)
        mentor_of_leader[mentee_of] = mentor_of
        return np.sort(edges[mentor_of_leader[mentee] == mentor])

    # --- explaining -----------------------------------------------------------------------

    def _explain(
        self,
        mentors: list[Person],
        mentees: list[Person],
        weeks: Weeks,
        lost_m: NDArray[np.bool_],
        lost_e: NDArray[np.bool_],
    ) -> None:
        for p in mentors:
            key = p.department.lower()
            self.departments_m[key] = self.departments_m.get(key, 0) + 1
        for p in mentees:
            key = p.department.lower()
            self.departments_e[key] = self.departments_e.get(key, 0) + 1
        self.weeks = len(weeks.starts)
        self.teachers = {p.id: p for p in mentors}
        self.learners = {p.id: p for p in mentees}
        self.some_weeks.update(("mentor", int(k)) for k in np.flatnonzero(lost_m[self.sig_m]))
        self.some_weeks.update(("mentee", int(k)) for k in np.flatnonzero(lost_e[self.sig_e]))

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
        if self.below is None:  # found once, and only if someone needs it
            self.chains = reporting_chains(self.people)
            self.below = {}
            for person_id, above in self.chains.items():
                for boss in above:
                    self.below.setdefault(boss, set()).add(person_id)
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


class _Store:
    """The allowed pairs, written block by block into arrays made once (and made larger
    only if needed): the memory of a block's work is used again by the next block,
    rather than left in pieces between the pairs kept."""

    def __init__(self, capacity: int, rank_type: type) -> None:
        self.m = np.empty(capacity, dtype=np.int32)
        self.e = np.empty(capacity, dtype=np.int32)
        self.rank: NDArray[Any] = np.empty(capacity, dtype=rank_type)
        self.size = 0

    def add(self, m: Small, e: Small, rank: NDArray[Any]) -> None:
        end = self.size + len(m)
        if end > len(self.m):
            grown = max(end, 2 * len(self.m))
            for name in ("m", "e", "rank"):
                old = getattr(self, name)
                new = np.empty(grown, dtype=old.dtype)
                new[: self.size] = old[: self.size]
                setattr(self, name, new)
        self.m[self.size : end] = m
        self.e[self.size : end] = e
        self.rank[self.size : end] = rank
        self.size = end

    def arrays(self) -> tuple[Small, Small, NDArray[Any]]:
        # Views: pages past the end were never written, so they take no memory.
        return self.m[: self.size], self.e[: self.size], self.rank[: self.size]


def _solve_sparse(
    rows: NDArray[Any],
    columns: NDArray[Any],
    value: NDArray[np.float64],
    count: int,
    seats: int,
    quick: bool,
) -> tuple[Index, Index]:
    """The best full matching of the rows (leaders) to columns (seats, then each leader's
    own "not paired" column)."""

    def matrix(
        rows: NDArray[Any], columns: NDArray[Any], value: NDArray[np.float64], width: int
    ) -> csr_matrix:
        order = np.argsort(rows, kind="stable")
        pointers = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=count))))
        return csr_matrix(
            (value[order], columns[order].astype(np.int32), pointers.astype(np.int32)),
            shape=(count, width),
        )

    if quick:
        seated = matrix(rows, columns, value, seats)
        if (maximum_bipartite_matching(seated, perm_type="column") >= 0).all():
            got_rows, got_columns = min_weight_full_bipartite_matching(seated, maximize=True)
            return np.asarray(got_rows), np.asarray(got_columns)
        del seated
    rows = np.concatenate((rows, np.arange(count, dtype=np.int32)))
    columns = np.concatenate((columns, seats + np.arange(count, dtype=np.int32)))
    value = np.concatenate((value, np.ones(count)))
    got_rows, got_columns = min_weight_full_bipartite_matching(
        matrix(rows, columns, value, seats + count), maximize=True
    )
    return np.asarray(got_rows), np.asarray(got_columns)


class _Sweep:
    """Pairs of calendars whose start windows overlap, and by how many minutes, found
    in blocks of whole mentee calendars (so that memory stays bounded).

    Windows are cut into pieces of at most PIECE minutes; then the mentor pieces that
    can overlap a mentee piece lie in one sorted run, found by binary search.
    """

    def __init__(
        self, table: SpanTable, mentor_sigs: Index, mentee_sigs: Index, count: int, people: int
    ) -> None:
        owners = table.owners()
        is_m = np.zeros(count, dtype=bool)
        is_m[mentor_sigs] = True
        is_e = np.zeros(count, dtype=bool)
        is_e[mentee_sigs] = True
        sel_m, sel_e = is_m[owners], is_e[owners]
        lengths = (table.b - table.a)[sel_m | sel_e]
        # Pieces about as long as most windows: few windows are cut, few candidates are false.
        self.piece = int(min(PIECE, max(15, np.percentile(lengths, 90)))) if len(lengths) else PIECE
        own_m, a_m, b_m = _cut(owners[sel_m], table.a[sel_m], table.b[sel_m], self.piece)
        order = np.argsort(a_m, kind="stable")
        self.own_m = own_m[order]
        self.a_m, self.b_m = a_m[order].astype(np.int32), b_m[order].astype(np.int32)
        self.own_e, self.a_e, self.b_e = _cut(
            owners[sel_e], table.a[sel_e], table.b[sel_e], self.piece
        )
        self.low = np.searchsorted(self.a_m, self.a_e - self.piece, side="right")
        counts = np.searchsorted(self.a_m, self.b_e, side="left") - self.low
        self.counts = counts
        self.ends = np.cumsum(counts)
        self.total = int(self.ends[-1]) if len(counts) else 0
        if self.total > MAX_CANDIDATES:  # refuse before the memory is spent, not after
            # About half the windows that may overlap do, in generated rosters.
            raise UsageError(_too_big(people, self.total // 2, about="roughly "))
        self.count = count
        self.reached = 0

    def done(self) -> float:
        """The share of the candidates looked at."""
        return self.reached / self.total if self.total else 1.0

    def bounds(self) -> Iterator[tuple[int, int]]:
        """The blocks: runs of mentee pieces, about BATCH candidates each, that end where a
        mentee calendar does; at least two when there are more than a few (so that both
        cores have one). They depend on the roster only, never on the threads."""
        n = len(self.counts)
        if not n:
            return
        batch = min(BATCH, max(BATCH // 8, -(-self.total // 2)))
        heads = np.flatnonzero(np.concatenate(([True], self.own_e[1:] != self.own_e[:-1])))
        cuts = np.append(heads, n)  # a block ends where a mentee calendar does
        before = np.concatenate(([0], self.ends))[cuts]
        begin = 0
        while begin < n:
            start = int(self.ends[begin - 1]) if begin else 0
            k = int(np.searchsorted(before, start + batch, side="right")) - 1
            stop = int(cuts[k])
            if stop <= begin:
                stop = int(cuts[np.searchsorted(cuts, begin, side="right")])
            yield begin, stop
            begin = stop

    def block(self, begin: int, stop: int) -> tuple[Index, Index, Index]:
        """(mentor calendar, mentee calendar, minutes both can start) of each pair of
        calendars whose windows overlap, for the mentee pieces from `begin` to `stop`."""
        chunk = self.counts[begin:stop]
        # Mentor pieces of a mentee piece are a run: numbered on from its first.
        m_rep = np.arange(int(chunk.sum()), dtype=np.int64)
        m_rep += np.repeat(self.low[begin:stop] - (np.cumsum(chunk) - chunk), chunk)
        length = np.minimum(self.b_m[m_rep], np.repeat(self.b_e[begin:stop], chunk))
        length -= np.maximum(self.a_m[m_rep], np.repeat(self.a_e[begin:stop], chunk))
        keep = length > 0
        # One number per candidate: the pair of calendars, then the minutes (< 2**15).
        packed = self.own_m[m_rep[keep]] * self.count
        packed += np.repeat(self.own_e[begin:stop], chunk)[keep]
        packed <<= 15
        packed |= length[keep]
        del m_rep, length, keep
        packed.sort()
        key = packed >> 15
        if not len(key):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        heads_k = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        spare = np.add.reduceat(packed & 0x7FFF, heads_k)
        key = key[heads_k]
        return key // self.count, key % self.count, spare


@dataclass
class _Block:
    """What one block of the sweep gives: its allowed pairs, their ranks, each leader's
    best among them (indexes into the block), and the pairs of calendars that were free
    together in the first week but not in another."""

    stop: int
    size: int
    lost: list[tuple[Index, Index]]
    m: Small = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    e: Small = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    rank: NDArray[Any] = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    chosen: Index = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    degrees: tuple[Index, Index] | None = None  # allowed pairs of each mentor, each leader


def _in_order(work: Callable[[int, int], T], bounds: Iterable[tuple[int, int]]) -> Iterator[T]:
    """`work` on each block, on WORKERS threads, the results in the blocks' order (so the
    pairs are the same whatever the number of threads); a few blocks ahead at most, so
    that memory stays bounded."""
    bounds = iter(bounds)
    if WORKERS <= 1:
        for begin, stop in bounds:
            yield work(begin, stop)
        return
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="mentorkit-match") as pool:
        pending: deque[Future[T]] = deque()
        for begin, stop in bounds:
            pending.append(pool.submit(work, begin, stop))
            if len(pending) > WORKERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _cut(owner: Index, a: Index, b: Index, piece: int) -> tuple[Index, Index, Index]:
    """Windows cut into pieces of at most `piece` minutes, in the same order."""
    parts = -(-(b - a) // piece)
    own = np.repeat(owner, parts)
    base = np.repeat(a, parts)
    step = np.arange(len(own)) - np.repeat(np.cumsum(parts) - parts, parts)
    first = base + step * piece
    return own, first, np.minimum(first + piece, np.repeat(b, parts))


class _Spread:
    """From pairs of calendars to the pairs of people who have them."""

    def __init__(self, sig_m: Index, sig_e: Index, count: int) -> None:
        # (int32: the pairs of people are listed in int32, as they are kept)
        self.order_m = np.argsort(sig_m, kind="stable").astype(np.int32)
        self.order_e = np.argsort(sig_e, kind="stable").astype(np.int32)
        self.per_m = np.bincount(sig_m, minlength=count)
        self.per_e = np.bincount(sig_e, minlength=count)
        self.first_m = np.concatenate(([0], np.cumsum(self.per_m)[:-1]))
        self.first_e = np.concatenate(([0], np.cumsum(self.per_e)[:-1]))
        self.place_e = np.empty(len(sig_e), dtype=np.int64)  # where each mentee is in order_e
        self.place_e[self.order_e] = np.arange(len(sig_e))

    def best(self, e: Index, rank: Index, top: int) -> NDArray[np.bool_]:
        """The pairs among each leader's CHOICES best (the first in the block's order among
        equal ranks). The leaders of a block are neighbours in `order_e`: a small table of
        counts per rank."""
        if not len(e):
            return np.zeros(0, dtype=bool)
        local = self.place_e[e]
        low = int(local.min())
        local -= low
        rows, width = int(local.max()) + 1, top + 1
        if rows * width > 16 * BATCH:  # a huge block of one calendar: sort instead
            order = np.lexsort((-rank, e))
            ordered = e[order]
            head = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
            place = np.arange(len(order)) - np.repeat(head, np.diff(np.append(head, len(order))))
            sorted_ = np.zeros(len(e), dtype=bool)
            sorted_[order[place < CHOICES]] = True
            return sorted_
        key = local * width + (top - rank)  # a leader's best rank first
        counts = np.bincount(key, minlength=rows * width).reshape(rows, width)
        # How many pairs of its rank a leader may still take, after those of better ranks.
        room = (CHOICES - (np.cumsum(counts, axis=1) - counts)).ravel()[key]
        chosen: NDArray[np.bool_] = room >= counts.ravel()[key]
        # Where a rank has more pairs than room, the first ones (in the block's order).
        some = np.flatnonzero((room > 0) & ~chosen)
        if len(some):
            some = some[np.argsort(key[some], kind="stable")]
            grouped = key[some]
            head = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
            place = np.arange(len(some)) - np.repeat(head, np.diff(np.append(head, len(some))))
            chosen[some[place < room[some]]] = True
        return chosen

    def sizes(self, left: Index, right: Index) -> Index:
        """How many pairs of people each pair of calendars stands for."""
        found: Index = self.per_m[left] * self.per_e[right]
        return found

    def pairs(
        self, left: Index, right: Index, spare: Index, sizes: Index
    ) -> tuple[Small, Small, Index]:
        """The pairs of people of each pair of calendars (`sizes` of them), in order."""
        m, e = self.order_m[self.first_m[left]], self.order_e[self.first_e[right]]
        many = np.flatnonzero(sizes > 1)
        if not len(many):  # one person a calendar: the common case
            return m, e, spare
        # Calendars shared by several people: only their pairs are spread out, in place.
        m, e, spare = np.repeat(m, sizes), np.repeat(e, sizes), np.repeat(spare, sizes)
        counts, across = sizes[many], self.per_e[right[many]]
        which = np.repeat(np.arange(len(many)), counts)
        step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        at = np.repeat((np.cumsum(sizes) - sizes)[many], counts) + step
        across = across[which]
        m[at] = self.order_m[self.first_m[left[many][which]] + step // across]
        e[at] = self.order_e[self.first_e[right[many][which]] + step % across]
        return m, e, spare


@dataclass(frozen=True)
class _Windows:
    """Each calendar's i-th window (start `a[i]`, end `b[i]`; -1 where it has fewer), to
    check many pairs of calendars at once, one window of each at a time."""

    a: NDArray[np.int32]  # (most windows of a calendar, calendars)
    b: NDArray[np.int32]

    @classmethod
    def of(cls, spans: SpanTable) -> _Windows:
        widths = np.diff(spans.first)
        widest = int(widths.max()) if len(widths) else 0
        a = np.full((max(1, widest), len(spans)), -1, dtype=np.int32)
        b = np.full((max(1, widest), len(spans)), -1, dtype=np.int32)
        owners = spans.owners()
        column = np.arange(len(owners)) - np.repeat(spans.first[:-1], widths)
        a[column, owners] = spans.a
        b[column, owners] = spans.b
        return cls(a, b)

    def overlap(self, left: Index, right: Index) -> NDArray[np.bool_]:
        """For each pair of calendars, whether their windows overlap."""
        found = np.zeros(len(left), dtype=bool)
        step = BATCH // 2
        for begin in range(0, len(left), step):
            one, two = left[begin : begin + step], right[begin : begin + step]
            hit = found[begin : begin + step]
            low, high = np.empty(len(one), dtype=np.int32), np.empty(len(one), dtype=np.int32)
            seen = np.empty(len(one), dtype=bool)
            theirs = [(a[two], b[two]) for a, b in zip(self.a, self.b, strict=True)]
            for a, b in zip(self.a, self.b, strict=True):
                a_one, b_one = a[one], b[one]
                for a_two, b_two in theirs:
                    np.maximum(a_one, a_two, out=low)
                    np.minimum(b_one, b_two, out=high)
                    hit |= np.less(low, high, out=seen)
        return found


def _moves(first: SpanTable, other: SpanTable) -> tuple[Index, NDArray[np.bool_]]:
    """For each calendar, how far its windows moved from `first` to `other` when they all
    moved alike, and whether they did not (a clock changed within the week, or a window
    was cut at the week's edge). Two calendars that moved alike overlap as before."""
    n_f, n_o = np.diff(first.first), np.diff(other.first)
    odd: NDArray[np.bool_] = np.not_equal(n_f, n_o)
    shift = np.zeros(len(n_f), dtype=np.int64)
    has = np.flatnonzero(~odd & (n_f > 0))
    shift[has] = other.a[other.first[has]] - first.a[first.first[has]]
    sel_o, sel_f = np.repeat(~odd, n_o), np.repeat(~odd, n_f)
    owner = other.owners()[sel_o]
    differs = other.a[sel_o] - first.a[sel_f] != shift[owner]
    differs |= other.b[sel_o] - first.b[sel_f] != shift[owner]
    odd[owner[differs]] = True
    return shift, odd


def _shift(first: dt.datetime, other: dt.datetime) -> int:
    """How far an unchanged clock's minutes move between two weeks: their starts are
    whole weeks apart, less the programme's own clock change."""
    apart = int((other - first).total_seconds() // 60)
    change = (apart + WEEK_MINUTES // 2) % WEEK_MINUTES - WEEK_MINUTES // 2
    return -change


def _member(values: Index, ordered: Index) -> NDArray[np.bool_]:
    """Whether each value is in the sorted array `ordered`."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    found: NDArray[np.bool_] = ordered[at] == values
    return found


def _distinct(values: Index) -> Index:
    """Sorted distinct values (by sorting: faster than hashing for these arrays)."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


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


class _Lines:
    """Whether two people are in one reporting line: numbered in the order a walk down
    the org chart meets them, everyone under a person is a run of numbers after theirs,
    so one pair is two comparisons (exact, whatever the depth of the chart)."""

    def __init__(self, people: Sequence[Person], index: dict[str, int]) -> None:
        parent = [index.get(p.manager_id, -1) if p.manager_id else -1 for p in people]
        children: list[list[int]] = [[] for _ in people]
        roots = []
        for k, boss in enumerate(parent):
            if boss >= 0:
                children[boss].append(k)
            else:
                roots.append(k)
        order: list[int] = []  # everyone, each before the people under them
        stack = roots[::-1]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(reversed(children[node]))
        size = [1] * len(people)
        for node in reversed(order):
            if parent[node] >= 0:
                size[parent[node]] += size[node]
        # (A circle of managers, refused when the roster is read, is nobody's line here.)
        self.begin = np.full(len(people), -1, dtype=np.int64)
        self.begin[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
        self.end = np.where(self.begin >= 0, self.begin + np.array(size, dtype=np.int64), -1)

    def related(self, a: Index, b: Index) -> NDArray[np.bool_]:
        """Whether each a is above b or b above a (or they are the same person)."""
        a_begin, b_begin = self.begin[a], self.begin[b]
        found: NDArray[np.bool_] = (a_begin <= b_begin) & (b_begin < self.end[a])
        found |= (b_begin <= a_begin) & (a_begin < self.end[b])
        return found


class _Wishes:
    """How many of each leader's wishes each mentor can teach: a table by what the
    mentor offers and what the leader wants (few distinct lists in a large roster)."""

    def __init__(self, mentors: list[Person], mentees: list[Person], topics: _Topics) -> None:
        offered: dict[frozenset[str], int] = {}
        self.offer_of = np.array(
            [
                offered.setdefault(
                    frozenset(u for item in p.offers for u in topics.units(item)), len(offered)
                )
                for p in mentors
            ],
            dtype=np.int64,
        )
        wanted: dict[tuple[str, ...], int] = {}
        self.want_of = np.array(
            [wanted.setdefault(tuple(sorted(set(p.wants))), len(wanted)) for p in mentees],
            dtype=np.int64,
        )
        self.most = max((len(w) for w in wanted), default=0)
        units = {w: topics.units(w) for wants in wanted for w in wants}
        self.table = np.zeros(0, dtype=np.int64)
        if len(offered) * len(wanted) <= 4 * BATCH:
            # Which wish each offer list covers, times which wishes each want list holds.
            wishes = {w: k for k, w in enumerate(sorted(units))}
            covers = np.zeros((len(offered), max(1, len(wishes))), dtype=np.int64)
            for units_offered, row in offered.items():
                for w, k in wishes.items():
                    covers[row, k] = bool(units[w] & units_offered)
            holds = np.zeros((max(1, len(wanted)), max(1, len(wishes))), dtype=np.int64)
            for wants, column in wanted.items():
                holds[column, [wishes[w] for w in wants]] = 1
            self.table = (covers @ holds.T).ravel()
            self.offer_of *= max(1, len(wanted))
        else:  # nearly every mentor offers something else: count per pair instead
            self.offers = list(offered)
            self.wants = list(wanted)
            self.units = units

    def count(self, m: Index, e: Index) -> Index:
        if self.table.size:
            found: Index = self.table[self.offer_of[m] + self.want_of[e]]
            return found
        return np.array(
            [
                sum(1 for w in self.wants[k] if self.units[w] & self.offers[i])
                for i, k in zip(self.offer_of[m].tolist(), self.want_of[e].tolist(), strict=True)
            ],
            dtype=np.int64,
        )


@dataclass(frozen=True)
class Words:
    """The reasons a pair is given are printed in their pack: in the programme's language."""

    gettext: Callable[[str], str]
    days: dict[str, str]
    date: Callable[[dt.date], str]  # `26 Mar 2027`, as the pack's dates are written

    @classmethod
    def of(cls, project: Project | None) -> Words:
        if project is None:
            days: dict[str, str] = {day: day.capitalize() for day in WEEKDAYS}
            return cls(lambda text: text, days, dt.date.isoformat)
        # The renderer's weekday names and dates, without loading the renderer (a tenth of
        # a second).
        locale = project.programme.locale.replace("-", "_")
        translations = i18n.translations(project.programme.locale, project.template_dirs)
        names = get_day_names("wide", locale=locale)
        days = {str(day): str(names[k]) for k, day in enumerate(WEEKDAYS)}
        return cls(translations.gettext, days, partial(_date, locale=locale))


def _date(day: dt.date, locale: str) -> str:
    return str(format_date(day, "medium", locale=locale))


def _slot_reason(words: Words, weekday: str, time: str, zone: str) -> str:
    """The reason that names a pair's usual time, in the programme's language."""
    _ = words.gettext
    return _("both free on %(day)s at %(time)s (%(zone)s)") % {
        "day": words.days[weekday],
        "time": time,
        "zone": zone,
    }


def restate_slot(
    reasons: Sequence[str], project: Project | None, weekday: str, time: str, zone: str
) -> tuple[str, ...]:
    """A pair's reasons with the one naming its usual time restated for the time it has
    now: a coordinator who moves a pair in pairs.csv changes its time, not its reasons,
    and the pack must not print the time `match` first found."""
    words = Words.of(project)
    parts = re.split(r"%\(\w+\)s", words.gettext("both free on %(day)s at %(time)s (%(zone)s)"))
    pattern = re.compile(".+?".join(re.escape(part) for part in parts))
    fresh = _slot_reason(words, weekday, time, zone)
    return tuple(fresh if pattern.fullmatch(reason) else reason for reason in reasons)


def _pair(
    mentor: Person,
    mentee: Person,
    weeks: Weeks,
    topics: _Topics,
    words: Words,
    common: list[Spans],
    usual: tuple[int, int] | None = None,
) -> Pair:
    """A pair's reasons and sessions; `usual` is their weekday and time when every session
    is at it (found for many pairs at once), else they are found from `common`."""
    _ = words.gettext
    offered = {unit for item in mentor.offers for unit in topics.units(item)}
    taught = [w for w in dict.fromkeys(mentee.wants) if topics.units(w) & offered]
    wishes = len(dict.fromkeys(mentee.wants))
    score = round(100 * len(taught) / wishes) if wishes else 0
    zone = mentee.timezone
    own = weeks.for_pair(mentor, mentee)  # the days closed for either of them
    if usual is not None:
        if closed_sessions(own, *usual, zone):  # they move to an open day
            booking = book(own, mentor, mentee, *usual, zone, words.gettext, date=words.date)
        else:
            booking = usual_booking(weeks, *usual, zone)
    else:
        slot = best_slot(own, mentor, mentee, zone, common)
        assert slot is not None, "an allowed pair has a common window in every week"
        booking = book(own, mentor, mentee, *slot, zone, words.gettext, common, words.date)
    reasons = []
    if taught:
        reasons.append(
            _("can teach %(topics)s (%(count)s of %(wishes)s wishes)")
            % {
                "topics": ", ".join(topics.title(wish) for wish in taught),
                "count": len(taught),
                "wishes": wishes,
            }
        )
    else:
        reasons.append(_("teaches none of the wishes: agree the topics in the first session"))
    reasons.append(
        _("different departments (%(mentor)s and %(mentee)s)")
        % {"mentor": mentor.department, "mentee": mentee.department}
    )
    reasons.append(_("outside each other's reporting line"))
    reasons.append(_slot_reason(words, booking.weekday, booking.time, zone))
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
        moved_sessions=booking.moved_sessions,
        to_agree=booking.to_agree,
    )


def holiday_notes(people: Iterable[Person], project: Project | None) -> tuple[str, ...]:
    """A roster that names some people's own public holidays and leaves others' cells
    empty: those follow the programme's (on their own dates), which a coordinator may not
    expect of someone in another country; said once, with the rows."""
    people = list(people)
    own = sum(1 for person in people if person.holidays)
    empty = [person.row for person in people if not person.holidays]
    if not own or not empty:
        return ()
    schedule = project.programme.schedule if project else None
    regions = schedule.regions if schedule is not None else []
    locale = project.programme.locale if project else "en"
    if regions:
        named = " and ".join(region.label(locale, in_sentence=True) for region in regions)
        follow = f"have the public holidays of {named} off (the programme's schedule.holidays)"
    else:
        follow = "have no public holidays off (the programme names none)"
    more = f" and {len(empty) - 3:,} more rows" if len(empty) > 3 else ""
    shown = ", ".join(str(row) for row in empty[:3])
    return (
        f"row{'s' if len(empty) > 1 else ''} {shown}{more}: no holidays cell, so "
        f"{'these people' if len(empty) > 1 else 'this person'} {follow}, on their own "
        f"dates, while {own:,} other{'s' if own > 1 else ''} name their own; give each "
        "their own region (such as AE or CA-QC) where that is not right",
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
