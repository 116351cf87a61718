"""Session plans people can read: one sheet, two sides, 10 pt body and 9 pt tables.

The front is what the pair (or the trainer of a workshop part) uses in the room, the back
the mentor's (or the trainer's) preparation. The sizes are read back from the PDFs' text
(pdfplumber), not from the CSS.
"""

from __future__ import annotations

import io
import re
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator import pdf
from generator.cli import cli
from generator.loader import load_project
from generator.model import GlossaryEntry, Session, Topic
from generator.packs import planning, rendering

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, renderer_for, write_tree

MM = 72 / 25.4
#: The plan pages' margins (print.css.j2, `@page plan`): the running footer lives below.
TOP_MARGIN, BOTTOM_MARGIN = 11 * MM, 12 * MM
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\s*[–-]\s*\d{1,2}:\d{2}\b")


def _every_plan_project(root: Path, paper: str) -> Path:
    """A programme that runs every built-in pair topic and workshop, printed on `paper`."""
    library = load_project(None)
    topics = ", ".join(t.id for t in library.topics.values() if not t.is_workshop)
    workshops = ", ".join(t.id for t in library.topics.values() if t.is_workshop)
    return write_tree(
        root,
        {
            "program.yaml": f"""
                extends: default
                pdf: {{paper: {paper}}}
                onboarding: !override [{workshops}]
                tracks: !override
                  - id: everything
                    title: Every built-in topic
                    topics: [{topics}]
                """
        },
    )


def _render_plans(root: Path) -> tuple[list[Any], dict[str, bytes], dict[str, Any]]:
    """Every plan and workshop part of the project laid out as a build does: batch jobs
    split per sheet."""
    renderer = renderer_for(root)
    plans = [a for a in renderer.plan.artefacts if a.batch in pdf.ONE_SHEET_BATCHES]
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in plans}
    jobs = pdf.prepare(renderer, markdown, plans)
    notes: list[str] = []
    outputs: dict[str, bytes] = {}
    for job in jobs:
        result = pdf.render_job(job)
        notes.extend(result.notes)
        outputs.update(result.outputs)
    return notes, outputs, {a.pdf: a for a in plans}


def _layout_paper(args: tuple[str, str]) -> list[tuple[str, int, bytes]]:
    """Every built-in plan and workshop part laid out on one paper as a build does (batches
    of sheets): for each its name, its pages before the appendix, and those pages as a PDF."""
    folder, paper = args
    renderer = renderer_for(_every_plan_project(Path(folder), paper))
    plans = [a for a in renderer.plan.artefacts if a.batch in pdf.ONE_SHEET_BATCHES]
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in plans}
    found = []
    for job in pdf.prepare(renderer, markdown, plans):
        document = pdf.layout(job.html, job.css, job.allowed_roots)
        anchors = [s.anchor for s in job.splits]
        ranges = pdf.split_points(document, anchors)
        lengths = pdf.plan_lengths(document, anchors, ranges)
        for split, (first, _last), length in zip(job.splits, ranges, lengths, strict=True):
            sheet = pdf.pages_as_pdf(document, first, first + min(length, 3), split.title)
            found.append((split.filename, length, sheet))
    return found


def _smallest_sizes(page: Any) -> tuple[float, float, float]:
    """The smallest font size in the page's running text, in its tables and in its
    margins (the running footer), in points. A table is where its column rules are:
    nothing else on a plan draws a vertical line."""
    rules = [line for line in page.lines if abs(line["x0"] - line["x1"]) < 0.5]
    tables = []
    if rules:
        tables.append(
            (
                min(r["x0"] for r in rules),
                min(r["top"] for r in rules),
                max(r["x1"] for r in rules),
                max(r["bottom"] for r in rules),
            )
        )
    body = table = margin = 99.0
    for char in page.chars:
        if not char["text"].strip():
            continue
        size = char["size"]
        x, top = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if top < TOP_MARGIN or top > page.height - BOTTOM_MARGIN:
            margin = min(margin, size)
        elif any(x0 <= x <= x1 and y0 <= top <= y1 for x0, y0, x1, y1 in tables):
            table = min(table, size)
        else:
            body = min(body, size)
    return body, table, margin


def _words(text: str) -> str:
    """The first words of a Markdown item, as they print (no emphasis marks)."""
    plain = re.sub(r"[*_`]", "", text)
    return " ".join(plain.split()[:3])


def _flat(text: str) -> str:
    return " ".join(text.split())


def _columns(page: Any) -> str:
    """A page's text column by column (the left half, then the right): the sides of a
    plan are set in two columns, which `extract_text` reads across, line by line."""
    middle = page.width / 2
    halves = (
        page.crop((0, 0, middle, page.height)),
        page.crop((middle, 0, page.width, page.height)),
    )
    return " ".join(_flat(half.extract_text()) for half in halves)


@pytest.mark.slow
def test_every_built_in_plan_is_one_sheet_in_type_people_can_read(tmp_path: Path) -> None:
    # The topics' text as it prints: placeholders such as {Mentee} filled in.
    library = renderer_for(_every_plan_project(tmp_path / "text", "a4")).project
    sessions = {
        f"{'workshop' if topic.is_workshop else 'plan'}-{topic.id}--{session.id}.pdf": (
            topic,
            session,
        )
        for topic in library.topics.values()
        for session in topic.sessions
    }
    assert sum(name.startswith("workshop-") for name in sessions) >= 4
    papers = [(str(tmp_path / paper), paper) for paper in ("a4", "letter")]
    with ProcessPoolExecutor(2) as pool:  # the two papers side by side
        results = list(pool.map(_layout_paper, papers))
    for (_folder, paper), plans in zip(papers, results, strict=True):
        assert sorted(name for name, _length, _data in plans) == sorted(sessions)
        too_long = [f"{name}: {length} sides" for name, length, _data in plans if length > 2]
        assert too_long == [], paper
        for name, _length, data in plans:
            topic, session = sessions[name]
            where = f"{name} at {paper}"
            with pdfplumber.open(io.BytesIO(data)) as document:
                front, back = document.pages[0], document.pages[1]
                front_text = f"{_flat(front.extract_text())} {_columns(front)}"
                back_text = f"{_flat(back.extract_text())} {_columns(back)}"
                # The front: objectives, the agenda with clock times, the activity steps.
                assert "Objectives" in front_text and "Agenda" in front_text, where
                assert CLOCK.search(front_text), where
                for activity in session.activities:
                    assert _words(activity.steps[-1]) in front_text, where
                assert "Watch out for" not in front_text, where
                if topic.is_workshop:
                    _check_trainers_side(session, back_text, where)
                else:
                    _check_mentors_side(topic, session, back_text, where)
                # The review-by date closes the back: the front took one side, the back
                # the other.
                assert topic.review_by is not None
                assert "Content to be reviewed by" in back_text, where
                for page in (front, back):
                    body, table, margin = _smallest_sizes(page)
                    assert body >= 10 - 0.05, f"{where}: body text at {body:.2f} pt"
                    assert table >= 9 - 0.05, f"{where}: a table at {table:.2f} pt"
                    assert margin >= 9 - 0.05, f"{where}: the footer at {margin:.2f} pt"


def _check_mentors_side(topic: Topic, session: Session, back: str, where: str) -> None:
    """The back of a pair's plan: the mentor's preparation, tips, pitfalls and glossary."""
    assert back.startswith("Reverse mentor's preparation"), where
    assert "Tips" in back and "Watch out for" in back, where
    assert _words(session.mentor_tips[-1]) in back, where
    assert _words(session.pitfalls[-1]) in back, where
    for entry in topic.glossary_for(session):
        assert _flat(entry.term) in back, where


def _check_trainers_side(session: Session, back: str, where: str) -> None:
    """The back of a workshop part: the trainer's preparation, the materials, the
    trainer's tips (facilitation notes), what to watch out for and what to cut if late."""
    assert back.startswith("Trainer's preparation"), where
    assert "Before the workshop" in back and "Materials" in back, where
    assert "Tips" in back and "Watch out for" in back and "If you start late" in back, where
    assert _words(session.before.trainer[-1]) in back, where
    for activity in session.activities:
        assert _words(activity.materials[-1]) in back, where
    assert _words(session.facilitation[-1]) in back, where
    assert _words(session.pitfalls[-1]) in back, where
    assert _words(session.if_short[-1]) in back, where
    assert _words(session.practice[-1]) in back, where


def test_a_glossary_term_counts_in_its_plural_and_as_its_short_form() -> None:
    session = Session.model_validate(
        {
            "id": "s",
            "title": "Feeds",
            "minutes": 30,
            "objectives": ["Explain the FYP"],
            "agenda": [{"title": "Try the hashtags", "minutes": 30}],
        }
    )
    topic = Topic.model_validate(
        {
            "id": "t",
            "title": "T",
            "area": "social-media",
            "summary": "S",
            "objectives": ["Explain"],
            "sessions": [session.model_dump()],
            "glossary": [
                {"term": "For You page (FYP)", "definition": "The feed."},
                {"term": "Hashtag", "definition": "A tag."},
                {"term": "Tag", "definition": "Not a whole word in hashtags."},
            ],
        }
    )
    assert topic.glossary_for(topic.sessions[0]) == [
        GlossaryEntry(term="For You page (FYP)", definition="The feed."),
        GlossaryEntry(term="Hashtag", definition="A tag."),
    ]


def _long_topic(discussion: int, steps: int) -> str:
    """The tiny topic with a long discussion (the back) and many activity steps (the front)."""
    question = "What would change for your team if this worked, and who would notice first?"
    step = "Open the tool, find the setting named in the card and say aloud what it does."
    return (
        TINY_TOPIC
        + "    activities:\n      - title: Try it\n        steps:\n"
        + "".join(f"          - {step}\n" for _ in range(steps))
        + "    discussion:\n"
        + "".join(f"      - {question}\n" for _ in range(discussion))
        + "    mentor_tips: [Let the leader hold the device.]\n"
        + "    pitfalls: [Taking over the keyboard.]\n"
    )


def _lint_lines(root: Path, cache: Path) -> list[str]:
    result = CliRunner(env={"XDG_CACHE_HOME": str(cache)}).invoke(cli, ["lint", str(root)])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if "sides" in line]


def test_lint_says_which_plan_runs_over_its_sheet_and_by_how_much(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p",
        {"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": _long_topic(80, 60)},
    )
    cache = tmp_path / "cache"
    (line,) = _lint_lines(root, cache)
    found = re.fullmatch(
        r"topics/tiny\.yaml:7:5: warning: sessions\[0\]: the plan of session 1 \(The only "
        r"session\) runs to (\d) sides at A4, more than the two sides of one sheet: shorten "
        r"the front \(agenda notes, activity steps\) by about (\d+) lines and shorten the "
        r"back \(preparation, tips, discussion, practice\) by about (\d+) lines",
        line,
    )
    assert found, line
    sides, front, back = (int(n) for n in found.groups())
    assert sides == 4
    # "About N lines" is about right: a step or a question takes two lines of a column.
    fits = _long_topic(80 - (back + 1) // 2 - 1, 60 - (front + 1) // 2 - 1)
    (root / "topics" / "tiny.yaml").write_text(fits, encoding="utf-8")
    assert _lint_lines(root, cache) == []
    short_by_far = _long_topic(80 - back // 4, 60 - front // 4)
    (root / "topics" / "tiny.yaml").write_text(short_by_far, encoding="utf-8")
    assert len(_lint_lines(root, cache)) == 1
    # A letter-size programme is measured on letter paper.
    letter = MINIMAL_PROGRAMME + "pdf: {paper: letter}\n"
    (root / "program.yaml").write_text(letter, encoding="utf-8")
    (lines,) = _lint_lines(root, cache)
    assert " sides at Letter, " in lines


def _long_workshop(notes: int, steps: int) -> str:
    """A one-part workshop with many activity steps (the front) and many facilitation notes
    (the back: the trainer's tips)."""
    note = "Walk the room while tables sort, and ask each one which card caused most debate."
    step = "Read the card aloud, agree where it goes and write the reason on a sticky note."
    return (
        textwrap.dedent("""
            id: induction
            title: Induction
            area: onboarding
            format: workshop
            summary: Both sides meet and agree how they will work.
            objectives: [Sort the cards]
            sessions:
              - id: welcome
                title: Welcome
                minutes: 60
                objectives: [Sort the cards]
                agenda:
                  - {title: Check-in, minutes: 10, lead: trainer, kind: check-in}
                  - {title: Sort the cards, minutes: 40, lead: both, kind: hands-on}
                  - {title: Next steps, minutes: 10, lead: trainer, kind: next-steps}
                pitfalls: [Tables talk about the cards instead of sorting them.]
                activities:
                  - title: Sort the cards
                    materials: [Statement cards, one set per table]
                    steps:
            """).lstrip()
        + "".join(f"          - {step}\n" for _ in range(steps))
        + "    facilitation:\n"
        + "".join(f"      - {note}\n" for _ in range(notes))
    )


def test_lint_and_the_build_say_which_workshop_part_runs_over_its_sheet(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p",
        {
            "program.yaml": MINIMAL_PROGRAMME + "onboarding: [induction]\n",
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/induction.yaml": _long_workshop(80, 60),
        },
    )
    (line,) = _lint_lines(root, tmp_path / "cache")
    found = re.fullmatch(
        r"topics/induction\.yaml:8:5: warning: sessions\[0\]: the plan of part 1 \(Welcome\) "
        r"runs to (\d) sides at A4, more than the two sides of one sheet: shorten the front "
        r"\(agenda notes, activity steps\) by about \d+ lines and shorten the back "
        r"\(preparation, materials, tips, watch out for, practice\) by about \d+ lines",
        line,
    )
    assert found, line
    notes, outputs, _artefacts = _render_plans(root)
    assert notes == [
        f"workshop-induction--welcome.pdf: the workshop part runs to {found.group(1)} pages; "
        "`mentorkit lint` says what to shorten"
    ]
    assert sorted(outputs) == ["plan-tiny--only.pdf", "workshop-induction--welcome.pdf"]


def test_plans_are_measured_once_and_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(
        tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": _long_topic(80, 2)}
    )
    renderer = renderer_for(root)
    cache = tmp_path / "cache"
    first = pdf.measure_plans(renderer, renderer.plan.artefacts, cache)
    assert [(s.front, s.back) for s in first.values()] == [(1, 2)]

    def no_layout(*args: object) -> None:
        raise AssertionError("laid out again")

    monkeypatch.setattr(pdf, "layout", no_layout)
    assert pdf.measure_plans(renderer, renderer.plan.artefacts, cache) == first


def test_a_build_notes_a_plan_that_runs_over_and_shrinks_nothing(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": _long_topic(80, 2)}
    )
    notes, outputs, _artefacts = _render_plans(root)
    assert notes == [
        "plan-tiny--only.pdf: the session plan runs to 3 pages; `mentorkit lint` says what "
        "to shorten"
    ]
    (data,) = outputs.values()
    with pdfplumber.open(io.BytesIO(data)) as document:
        assert len(document.pages) == 3
        sizes = {round(c["size"], 1) for p in document.pages for c in p.chars}
    assert min(sizes) >= 9  # nothing set smaller to make it fit


def test_plans_in_a_pair_pack_are_the_same_two_sides(tmp_path: Path) -> None:
    topic = TINY_TOPIC + textwrap.indent(
        "mentor_tips: [Let the leader hold the device.]\npitfalls: [Taking over.]\n", "    "
    )
    root = write_tree(tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/t.yaml": topic})
    renderer = renderer_for(root)
    shared = planning.shared_pages(renderer, renderer.plan)
    css = renderer.html("pdf/print.css.j2", pdf._css_context(renderer))
    data, firsts = rendering.render_shared(
        shared.html, css, pdf.allowed_roots(renderer.project), shared.anchors
    )
    # The agreement's goals and ground rules, the plan's two sides, then the first form.
    assert firsts[:3] == [0, 1, 3]
    pages = PdfReader(io.BytesIO(data)).pages
    assert "Agenda" in pages[1].extract_text()
    back = pages[2].extract_text()
    assert back.startswith("Reverse mentor's preparation")
    assert "Let the leader hold the device." in back and "Taking over." in back
