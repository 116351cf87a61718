"""Reading feedback back in: CSV and Excel exports of form tools, and filled PDF forms.

Responses are personal and untrusted: every file is read as data only (no formula is
evaluated, control characters are dropped, cells have a size limit), and every problem is
reported with its place, `file:row:column: message`, all in one run. A PDF counts as one
row (row 1) whose columns are those of its form's CSV template.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Place, Problems, UsageError
from .forms import META_COLUMNS, SESSION_FORM, Form, Question
from .roster import separator, separator_hint

#: The largest text answer kept, in characters; longer cells are an error, not a crash.
MAX_CELL = 5000
#: Columns read from a workbook (the response columns and every question, with room).
MAX_COLUMNS = 500
#: The largest response file read, in bytes.
MAX_FILE = 50 * 1024 * 1024
#: After the last session, answers may still come in for this long (final evaluation).
GRACE_DAYS = 120

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
_YES = {"yes", "y", "true", "1", "oui"}
_NO = {"no", "n", "false", "0", "non"}

Answer = int | str


@dataclass(frozen=True, slots=True)
class Response:
    """One filled form: who (role, and the pair unless anonymous), when, and the answers."""

    form: str
    role: str  # mentor | mentee
    pair_id: str | None
    session: int | None  # the programme session number, for the after-session form
    submitted: dt.date
    answers: Mapping[str, Answer]  # by question id; scale and number answers are ints
    place: Place  # file and row, for messages

    @property
    def respondent(self) -> str:
        """Who answered, as far as the answers say: a pair's role, or this one row."""
        if self.pair_id:
            return f"{self.pair_id}/{self.role}"
        return f"{self.place.path}:{self.place.line}"


@dataclass(frozen=True, slots=True)
class Context:
    """What responses are checked against: the forms, the programme's dates and pairs."""

    forms: Mapping[str, Form]
    sessions: int  # how many pair sessions the programme has
    first: dt.date | None  # the programme's first day (onboarding included)
    last: dt.date | None  # its last session
    pairs: frozenset[str] | None = None  # known pair ids, from --pairs
    role_words: Mapping[str, str] = field(default_factory=dict)  # printed label → role


@dataclass
class Responses:
    items: list[Response]
    notes: list[str]  # duplicates, reported but not errors


def read_responses(
    paths: Iterable[Path],
    context: Context,
    progress: Callable[[int], None] | None = None,
) -> Responses:
    """Every response of every file; raises `InvalidProject` with all the problems found."""
    problems = Problems()
    items: list[Response] = []
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such responses file")
        display = path.name
        data = path.read_bytes() if path.stat().st_size <= MAX_FILE else None
        if data is None:
            problems.add(Place(display), f"the file is larger than {MAX_FILE // 2**20} MB")
        elif data.startswith(b"%PDF"):
            items.extend(_read_pdf(data, display, context, problems))
        elif data.startswith(b"PK") and path.suffix.lower() == ".xlsx":
            items.extend(_read_xlsx(data, display, context, problems))
        else:
            items.extend(_read_csv(data, display, context, problems))
        if progress:
            progress(1)
    problems.raise_if_any()
    kept, notes = _without_duplicates(items)
    return Responses(kept, notes)


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(data: bytes, display: str, context: Context, problems: Problems) -> list[Response]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(
            Place(display, line, column),
            "the file is not UTF-8 text; save it again as “CSV UTF-8” "
            "(in Excel: File › Save As › CSV UTF-8)",
        )
        return []
    delimiter = separator(text)  # a "CSV" that Excel saved with semicolons is read as such
    before = len(problems)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    responses = _read_rows(rows, display, context, problems)
    if delimiter != "," and len(problems) > before:
        problems.add(Place(display, 1, 1), separator_hint(delimiter, "responses file"))
    return responses


def _read_xlsx(data: bytes, display: str, context: Context, problems: Problems) -> list[Response]:
    """The first sheet of an Excel workbook (as Microsoft Forms exports it), read as values:
    a formula gives the value Excel saved with it, and is never evaluated."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or hostile file: say so, never a traceback
        problems.add(Place(display), "this Excel file cannot be read; is it damaged?")
        return []
    try:
        sheet = workbook.worksheets[0]
        rows = (
            [_xlsx_cell(value) for value in row]
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        )
        return _read_rows(rows, display, context, problems)
    except Exception:
        problems.add(Place(display), "this Excel file cannot be read; is it damaged?")
        return []
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[: MAX_CELL + 1]


def _read_rows(
    reader: Iterator[list[str]], display: str, context: Context, problems: Problems
) -> list[Response]:
    """Rows of cells, the first a header: shared by CSV files and Excel workbooks."""
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.add(Place(display), f"the header row cannot be read: {error}")
        return []
    if header is None or not any(h.strip() for h in header):
        problems.add(Place(display), "the file is empty; it needs a header row and answers")
        return []
    columns = [_clean(h).strip().lower() for h in header]
    header_ok = _check_header(columns, display, context, problems)
    items = []
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.add(Place(display, number), _csv_problem(error))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            problems.add(
                Place(display, number, len(columns) + 1),
                f"this row has {len(cells)} cells but the header has {len(columns)} columns",
            )
            continue
        if not header_ok:
            continue
        row = {
            name: (index + 1, cells[index] if index < len(cells) else "")
            for index, name in enumerate(columns)
            if name
        }
        response = _response(row, display, number, context, problems)
        if response is not None:
            items.append(response)
    return items


def _check_header(columns: list[str], display: str, context: Context, problems: Problems) -> bool:
    ok = True
    for name in META_COLUMNS:
        if name not in columns:
            problems.add(
                Place(display, 1, len(columns) + 1),
                f"the column `{name}` is missing; the first columns are "
                f"{', '.join(META_COLUMNS)} (see the CSV templates in forms/)",
            )
            ok = False
    known = {q.id for form in context.forms.values() for q in form.questions}
    seen: set[str] = set()
    for index, name in enumerate(columns, start=1):
        if not name:
            continue
        if name in seen:
            problems.add(Place(display, 1, index), f"the column `{name}` appears twice")
            ok = False
        seen.add(name)
        if name not in META_COLUMNS and name not in known:
            problems.add(
                Place(display, 1, index),
                f"unknown question `{_shown(name)}`; the question ids are in the forms' "
                "JSON files and CSV templates (forms/)",
            )
            ok = False
    return ok


# --- PDF ----------------------------------------------------------------------------------


def _read_pdf(data: bytes, display: str, context: Context, problems: Problems) -> list[Response]:
    try:
        fields = pdf_fields(data)
    except Exception:  # a damaged or hostile file: say so, never a traceback
        problems.add(Place(display), "this PDF cannot be read; is it damaged or encrypted?")
        return []
    if "form" not in fields:
        problems.add(
            Place(display),
            "this PDF has no mentorkit form fields; fill in the PDF forms from pdf/feedback-*.pdf",
        )
        return []
    form = context.forms.get(fields["form"].strip())
    order = list(form.columns) if form else list(META_COLUMNS)
    extra = sorted(name for name in fields if name not in order)
    row = {
        name: (order.index(name) + 1 if name in order else len(order) + 1, fields.get(name, ""))
        for name in [*order, *extra]
    }
    response = _response(row, display, 1, context, problems)
    return [response] if response else []


def pdf_fields(data: bytes) -> dict[str, str]:
    """The values of a filled PDF form by field name; a radio group gives its chosen value."""
    import pikepdf

    values: dict[str, str] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        acroform = pdf.Root.get("/AcroForm")
        if acroform is None:
            return values
        for item in acroform.get("/Fields", []):
            if "/Parent" in item or "/T" not in item:
                continue
            name = str(item.T)[:200]
            kind = item.get("/FT")
            if kind == "/Btn" and "/Opt" in item:
                values[name] = _radio_value(item)
            elif kind == "/Btn":
                state = item.get("/V", item.get("/AS"))
                values[name] = "" if state in (None, pikepdf.Name.Off) else "yes"
            else:
                value = item.get("/V")
                values[name] = "" if value is None else str(value)[: MAX_CELL + 1]
    return values


def _radio_value(group: object) -> str:
    """The chosen option of a radio group; its kids' states are indexes into /Opt."""
    import pikepdf

    assert isinstance(group, pikepdf.Dictionary)
    options = [str(o) for o in group.Opt]
    states = [group.get("/V")] + [kid.get("/V") for kid in group.get("/Kids", [])]
    states += [kid.get("/AS") for kid in group.get("/Kids", [])]
    for state in states:
        if state is None or state == pikepdf.Name.Off:
            continue
        key = str(state).lstrip("/")
        if key.isdigit() and int(key) < len(options):
            return options[int(key)]
        return key
    return ""


# --- one row ------------------------------------------------------------------------------


def _response(
    row: Mapping[str, tuple[int, str]],
    display: str,
    number: int,
    context: Context,
    problems: Problems,
) -> Response | None:
    before = len(problems)

    def where(name: str) -> Place:
        return Place(display, number, row[name][0] if name in row else 1)

    def cell(name: str) -> str:
        return _clean(row[name][1]).strip() if name in row else ""

    form_id = cell("form")
    form = context.forms.get(form_id)
    if form is None:
        known = ", ".join(context.forms)
        what = f"unknown form `{_shown(form_id)}`" if form_id else "the form is missing"
        problems.add(where("form"), f"{what}; the forms are {known}")
        return None
    role = _role(cell("role"), context)
    if role is None:
        problems.add(
            where("role"),
            f"the role `{_shown(cell('role'))}` is neither mentor nor mentee",
        )
    pair_id = cell("pair_id") or None
    if pair_id and len(pair_id) > 200:
        problems.add(where("pair_id"), "the pair id is longer than 200 characters")
    elif pair_id and context.pairs is not None and pair_id not in context.pairs:
        problems.add(
            where("pair_id"),
            f"the pair `{_shown(pair_id)}` is not in the pairs file; check the id, "
            "or leave it empty for an anonymous answer",
        )
    session = None
    if form.id == SESSION_FORM:
        text = cell("session")
        if not text.isdigit() or not 1 <= int(text) <= context.sessions:
            problems.add(
                where("session"),
                f"the session `{_shown(text)}` is not a session number from 1 to "
                f"{context.sessions}",
            )
        else:
            session = int(text)
    submitted = _date(cell("submitted"))
    if submitted is None:
        problems.add(
            where("submitted"),
            f"the date `{_shown(cell('submitted'))}` is not a date such as 2027-03-09",
        )
    elif (
        context.first
        and context.last
        and not (context.first <= submitted <= context.last + dt.timedelta(days=GRACE_DAYS))
    ):
        problems.add(
            where("submitted"),
            f"the date {submitted.isoformat()} is outside the programme "
            f"({context.first.isoformat()} to {context.last.isoformat()}, and "
            f"{GRACE_DAYS} days after for late answers)",
        )
    answers: dict[str, Answer] = {}
    for name in row:
        if name in META_COLUMNS:
            continue
        text = cell(name)
        question = form.question(name)
        if question is None:
            if text:
                problems.add(
                    where(name), f"the question `{_shown(name)}` is not on the form `{form.id}`"
                )
            continue
        if not text:
            continue
        value = _answer(question, text)
        if isinstance(value, _Bad):
            problems.add(where(name), value.message)
        else:
            answers[name] = value
    if len(problems) > before or role is None or submitted is None:
        return None
    return Response(form.id, role, pair_id, session, submitted, answers, Place(display, number))


@dataclass(frozen=True, slots=True)
class _Bad:
    message: str


def _answer(question: Question, text: str) -> Answer | _Bad:
    if question.kind in ("scale", "number"):
        low, high = question.min or 0, question.max or 0
        number = text[:-2] if text.endswith(".0") else text
        if not number.isdigit() or not low <= int(number) <= high:
            what = "a rating" if question.kind == "scale" else "a whole number"
            return _Bad(f"`{_shown(text)}` is not {what} from {low} to {high}")
        return int(number)
    if question.kind == "text":
        if len(text) > MAX_CELL:
            return _Bad(
                f"the answer is {len(text):,} characters long; answers are kept to "
                f"{MAX_CELL:,} characters"
            )
        return text
    word = text.lower()
    if question.kind == "yesno":
        if word in _YES or word == question.label("yes").lower():
            return "yes"
        if word in _NO or word == question.label("no").lower():
            return "no"
        return _Bad(f"`{_shown(text)}` is not yes or no")
    for value, label in zip(question.choices, question.labels, strict=True):
        if word in (value.lower(), label.lower()):
            return value
    return _Bad(f"`{_shown(text)}` is not one of the answers: {', '.join(question.choices)}")


def _csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return (
            f"a cell of this row is longer than {csv.field_size_limit():,} characters; "
            f"answers are kept to {MAX_CELL:,} characters"
        )
    return f"this row cannot be read ({error}); save the file again from your spreadsheet"


def _role(text: str, context: Context) -> str | None:
    word = text.lower()
    if word in ("mentor", "mentee"):
        return word
    return context.role_words.get(word)


def _date(text: str) -> dt.date | None:
    """An ISO date; a date and time as form tools export it is cut to its date."""
    candidate = text[:10].replace("/", "-")
    try:
        return dt.date.fromisoformat(candidate)
    except ValueError:
        return None


def _clean(text: str) -> str:
    """Without control and direction-changing characters (line breaks and tabs stay)."""
    return _CONTROL.sub("", text)


def _shown(text: str) -> str:
    """A value quoted in a message: one line, and cut short."""
    line = " ".join(_clean(text).split())
    return line if len(line) <= 40 else line[:39] + "…"


def _without_duplicates(items: list[Response]) -> tuple[list[Response], list[str]]:
    """Keep one answer per form, pair, role and session: the latest (by date, then order)."""
    latest: dict[tuple[str, str, str, int | None], Response] = {}
    notes = []
    kept: list[Response] = []
    for response in items:
        if not response.pair_id:
            kept.append(response)  # anonymous answers cannot be told apart
            continue
        key = (response.form, response.pair_id, response.role, response.session)
        earlier = latest.get(key)
        if earlier is not None:
            later = earlier if earlier.submitted > response.submitted else response
            session = f", session {response.session}" if response.session else ""
            notes.append(
                f"{response.place}: the {response.role} of pair {response.pair_id} answered "
                f"{response.form}{session} twice (also at {earlier.place}); the later answer "
                f"({later.place}) is kept"
            )
            latest[key] = later
        else:
            latest[key] = response
    kept.extend(latest.values())
    kept.sort(key=lambda r: (r.place.path, r.place.line))
    return kept, notes
