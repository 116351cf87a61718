"""Calendars (.ics) made with the icalendar library: import once, every date is booked.

Events carry the programme's time zone (with its VTIMEZONE), stable UIDs built from
programme, topic and session ids (re-importing an updated file moves events instead of
duplicating them), and a DTSTAMP that does not change between identical builds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable

from icalendar import Calendar, Event

from . import __version__
from .model import Project, Roles
from .placeholders import in_sentence
from .schedule import Timeline


def programme_calendar(
    project: Project,
    timeline: Timeline,
    gettext: Callable[[str], str] = str,
    uid_prefix: str = "",
    name: str | None = None,
    location: str | None = None,
) -> bytes:
    """One calendar with onboarding, every pair session, every group event and every
    checkpoint.

    `uid_prefix` and `name` make a pair's own calendar: its own event ids and title;
    `location` is the pair's own place, for its sessions.
    """
    _ = gettext
    programme = project.programme
    schedule = programme.schedule
    mode = schedule.mode if schedule else None
    default = where(mode, schedule.location if schedule else None, _)
    here = location or default  # a pair's own place says it all: a room, or a link
    prefix = f"{uid_prefix}." if uid_prefix else ""
    roles = programme.roles
    calendar = _calendar(
        name or programme.title, programme.schedule.timezone if programme.schedule else None
    )
    stamp = _stamp(project)
    for slot in timeline.workshops:
        if slot.start is None or slot.end is None:
            continue
        audience = {
            "mentor": _("for every %(role)s") % {"role": in_sentence(roles.mentor)},
            "mentee": _("for every %(role)s") % {"role": in_sentence(roles.mentee)},
            "both": _("for both sides of every pair"),
        }[slot.topic.audience]
        sitting = f".sitting-{slot.sitting}" if slot.sitting else ""
        who = f" · {slot.who}" if slot.who else ""
        calendar.add_component(
            _event(
                uid=f"{prefix}{programme.id}.onboarding.{slot.topic.id}.{slot.session.id}{sitting}",
                summary=f"{slot.topic.title}: {slot.session.title} ({audience}){who}",
                start=slot.start,
                end=slot.end,
                description=_describe(slot.session.objectives, _("Participants will be able to:")),
                category=_("Onboarding"),
                stamp=stamp,
                # No place: the programme's place and mode are the pair sessions'.
            )
        )
    total = len(timeline.sessions)
    for session in timeline.sessions:
        if session.start is None or session.end is None:
            continue
        calendar.add_component(
            _event(
                uid=f"{prefix}{programme.id}.session.{session.topic.id}.{session.session.id}",
                summary=_("%(programme)s %(n)s/%(total)s: %(title)s")
                % {
                    "programme": programme.short_title or programme.title,
                    "n": session.number,
                    "total": total,
                    "title": session.session.title,
                },
                start=session.start,
                end=session.end,
                description=_describe(
                    session.session.objectives,
                    _(
                        "%(topic)s, session %(n)s of %(total)s, for the %(mentor)s and the "
                        "%(mentee)s. By the end, the %(role)s can:"
                    )
                    % {
                        "mentor": in_sentence(roles.mentor),
                        "mentee": in_sentence(roles.mentee),
                        "topic": session.topic.title,
                        "n": session.index,
                        "total": len(session.topic.sessions),
                        "role": in_sentence(roles.mentee),
                    },
                ),
                category=_("Pair session"),
                stamp=stamp,
                location=here,
            )
        )
    for meeting in timeline.events:
        if meeting.start is None or meeting.end is None:
            continue
        group = meeting.event
        notes = [group.summary or "", attendance(group.attendance, _)]
        calendar.add_component(
            _event(
                uid=f"{prefix}{programme.id}.event.{meeting.slug}",
                summary=f"{group.title} ({meeting.number}/{meeting.total}, "
                f"{for_whom(group.for_, roles, _)})",
                start=meeting.start,
                end=meeting.end,
                description="\n".join(_plain(n) for n in notes if n),
                category=_("Group event"),
                stamp=stamp,
                # Its own place or mode only: the programme's are the pair sessions'.
                location=where(group.mode, group.location, _),
            )
        )
    for checkpoint in timeline.checkpoints:
        if checkpoint.date is None:
            continue
        event = _event(
            uid=f"{prefix}{programme.id}.checkpoint.{checkpoint.slug}",
            summary=_("Checkpoint: %(title)s") % {"title": checkpoint.checkpoint.title},
            start=checkpoint.date,
            end=checkpoint.date + dt.timedelta(days=1),
            description=_("Fill in the form: %(title)s") % {"title": checkpoint.checkpoint.title},
            category=_("Checkpoint"),
            stamp=stamp,
        )
        event.add("transp", "TRANSPARENT")  # a reminder: it does not block the day
        calendar.add_component(event)
    _add_timezone(calendar, timeline)
    return to_ics(calendar)


FOLD = 75  # RFC 5545: a content line is folded before it reaches 75 octets


def to_ics(calendar: Calendar) -> bytes:
    """The calendar as a file, byte for byte what icalendar's `to_ical()` writes.

    icalendar folds every line a character at a time, which was a third of a pair's
    calendar. Here a line is folded by its UTF-8 octets, by the same rule: each piece is
    as many whole characters as fit in 74 octets, and never ends with a backslash or
    caret, which escape the character after them.
    """
    lines = (_fold(str(line).encode("utf-8")) for line in calendar.content_lines() if line)
    return b"\r\n".join(lines) + b"\r\n"


def _fold(line: bytes) -> bytes:
    parts: list[bytes] = []
    start = 0
    while len(line) - start >= FOLD:
        end = start + FOLD - 1
        while line[end] & 0xC0 == 0x80:  # inside a character: back to where it starts
            end -= 1
        if line[end - 1] in b"\\^":
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def _add_timezone(calendar: Calendar, timeline: Timeline) -> None:
    """The VTIMEZONE for the programme's own dates only, not for seventy years."""
    first, last = timeline.first, timeline.last
    if first is None or last is None:
        return
    calendar.add_missing_timezones(
        first_date=first.date() - dt.timedelta(days=366),
        last_date=last.date() + dt.timedelta(days=366),
    )


def _calendar(name: str, timezone: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//mentorkit//mentorkit {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    if timezone:
        calendar.add("x-wr-timezone", timezone)
    return calendar


def _event(
    *,
    uid: str,
    summary: str,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    description: str,
    category: str,
    stamp: dt.datetime,
    location: str = "",
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@mentorkit")
    event.add("dtstamp", stamp)
    event.add("summary", one_line(summary))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("description", lines(description))
    event.add("categories", [one_line(category)])
    if one_line(location):
        event.add("location", one_line(location))
    return event


def mode_name(mode: str | None, gettext: Callable[[str], str] = str) -> str:
    _ = gettext
    names = {
        "online": _("Online"),
        "phone": _("By phone"),
        "in-person": _("In person"),
        "hybrid": _("In person or online"),
    }
    return names.get(mode or "", "")


def where(mode: str | None, location: str | None, gettext: Callable[[str], str] = str) -> str:
    """How and where people meet, in one line: "Online · Teams link from the leader"."""
    return " · ".join(part for part in (mode_name(mode, gettext), location or "") if part)


def for_whom(audience: str, roles: Roles, gettext: Callable[[str], str] = str) -> str:
    _ = gettext
    if audience == "mentors":
        return _("for every %(role)s") % {"role": in_sentence(roles.mentor)}
    if audience == "mentees":
        return _("for every %(role)s") % {"role": in_sentence(roles.mentee)}
    return _("for everyone in the programme")


def attendance(rule: str | None, gettext: Callable[[str], str] = str) -> str:
    """The attendance an event asks for: "Attendance: at least 2 of 3"."""
    _ = gettext
    return _("Attendance: %(rule)s") % {"rule": rule} if rule else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A calendar value of one line: no character that could start a new property."""
    return " ".join(_CONTROL.sub(" ", text).split())


def lines(text: str) -> str:
    """A calendar value of several lines: every kind of line break becomes `\\n`, which
    icalendar escapes; any other control character goes."""
    return "\n".join(one_line(line) for line in re.split(r"\r\n|\r|\n", text))


def _describe(objectives: list[str], intro: str) -> str:
    lines = [intro, *[f"- {_plain(o)}" for o in objectives]]
    return "\n".join(lines)


def _plain(text: str) -> str:
    return " ".join(text.replace("**", "").replace("*", "").split())


def _stamp(project: Project) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else a date fixed by the programme."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    schedule = project.programme.schedule
    day = schedule.start if schedule else dt.date(2000, 1, 1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)
