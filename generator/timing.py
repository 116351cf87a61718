"""Sessions that fit the slot: agendas scaled to the programme's `session_minutes`.

Topics are written for one length (the library's for an hour) while programmes book 30,
45, 60 or 90 minutes. Each agenda item is either fixed or flexible between a minimum and
any longer length: an item's `min_minutes` says so, and without it a check-in or next
steps keep their length while other steps may shrink to half (five minutes at least).
To fit a shorter slot the flexible items give up time in proportion to what they can
spare; to fill a longer one they grow in proportion to their length (a session whose
steps are all fixed keeps its length and ends early). Minutes are whole
and always add up to the slot. Activities that share an item's title follow it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import AgendaItem, Session

#: Steps that keep their length unless the topic gives a `min_minutes`.
FIXED_KINDS = frozenset({"check-in", "next-steps"})
SHORTEST = 5


def minimum(item: AgendaItem) -> int:
    """The fewest minutes an agenda item can take."""
    if item.min_minutes is not None:
        return min(item.min_minutes, item.minutes)
    if item.kind in FIXED_KINDS:
        return item.minutes
    return min(item.minutes, max(SHORTEST, (item.minutes + 1) // 2))


def shortest(session: Session) -> int:
    """The fewest minutes a session can be shortened to."""
    return sum(minimum(item) for item in session.agenda)


def fit(session: Session, minutes: int) -> Session | str:
    """The session scaled to `minutes`, or why it cannot be (a sentence for the user)."""
    if session.minutes == minutes or session.agenda_minutes != session.minutes:
        return session  # the same length, or an agenda that is reported as wrong anyway
    agenda = session.agenda
    lows = [minimum(item) for item in agenda]
    if minutes < session.minutes:
        spare = [item.minutes - low for item, low in zip(agenda, lows, strict=True)]
        cut = session.minutes - minutes
        if cut > sum(spare):
            least = shortest(session)
            return (
                f"it cannot be shortened to {minutes} minutes: its fixed steps and the "
                f"shortest its other steps may be add up to {least} minutes, "
                f"{least - minutes} too many; give more steps a lower `min_minutes`, or "
                "write a shorter version of the session in your project"
            )
        new = [
            item.minutes - share for item, share in zip(agenda, _shares(cut, spare), strict=True)
        ]
    else:
        weights = [
            item.minutes - low if item.minutes > low else 0
            for item, low in zip(agenda, lows, strict=True)
        ]
        if not any(weights):
            return session  # nothing may grow: the session keeps its length and ends early
        grow = _shares(
            minutes - session.minutes,
            [item.minutes if w else 0 for item, w in zip(agenda, weights, strict=True)],
        )
        new = [item.minutes + share for item, share in zip(agenda, grow, strict=True)]
    by_title = {item.title: length for item, length in zip(agenda, new, strict=True)}
    activities = [
        a.model_copy(update={"minutes": by_title[a.title]})
        if a.minutes is not None and a.title in by_title
        else a
        for a in session.activities
    ]
    scaled = session.model_copy(
        update={
            "minutes": minutes,
            "agenda": [
                item.model_copy(update={"minutes": length})
                for item, length in zip(agenda, new, strict=True)
            ],
            "activities": activities,
        }
    )
    scaled._written = session.written_minutes
    return scaled


def _shares(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` in whole numbers (largest remainders),
    never more than a weight where the weights are limits."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(
        range(len(weights)), key=lambda i: (exact[i] - shares[i], weights[i]), reverse=True
    )
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares
