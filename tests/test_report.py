"""`mentorkit report`: located errors for bad responses, figures checked by hand, privacy
(the threshold, --anonymous, never in the site), and the whole report from the example."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.charts import Chart, Series, svg
from generator.cli import cli
from generator.errors import InvalidProject, Place
from generator.forms import by_id, forms
from generator.layers import library_root
from generator.loader import load_project
from generator.progress import learning, progress
from generator.report import read_pair_ids, response_context
from generator.responses import Response, read_responses
from generator.schedule import timeline

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder

EXAMPLES = library_root() / "curriculum" / "examples" / "responses"
RESPONSES = EXAMPLES / "default-responses.csv"
PAIRS = EXAMPLES / "default-pairs.csv"
HEADER = "form,role,pair_id,session,submitted,held,useful,objectives,learned\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    errors = "\n".join(line for line in result.stderr.splitlines() if line.strip())
    return result.exit_code, result.stdout, errors


def mini(tree: TreeBuilder) -> Path:
    return tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})


# --- bad responses: every problem located, in one run, nothing written ---------------------


def test_every_bad_cell_is_reported_with_its_place_and_nothing_is_written(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = mini(tree)
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER
        + "after-each-session,mentee,ana-souza--li-wei,1,2027-01-12,held,4,yes,Good start\n"
        + "after-each-sesion,mentee,,1,2027-01-12,held,4,yes,\n"
        + "after-each-session,boss,,1,2027-01-12,held,9,perhaps,\n"
        + "after-each-session,mentor,,7,2026-05-01,held,4,yes,\n"
        + "after-each-session,mentor,,1,12/01/2027,,=cmd|' /C calc'!A0,,\n",
        encoding="utf-8",
    )
    code, _, err = run("report", str(answers), str(project), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert err.splitlines()[:8] == [
        "answers.csv:3:1: unknown form `after-each-sesion`; the forms are after-each-session",
        "answers.csv:4:2: the role `boss` is neither mentor nor mentee",
        "answers.csv:4:7: `9` is not a rating from 1 to 5",
        "answers.csv:4:8: `perhaps` is not one of the answers: yes, partly, no",
        "answers.csv:5:4: the session `7` is not a session number from 1 to 1",
        "answers.csv:5:5: the date 2026-05-01 is outside the programme (2027-01-12 to "
        "2027-01-12, and 120 days after for late answers)",
        "answers.csv:6:5: the date `12/01/2027` is not a date such as 2027-03-09",
        "answers.csv:6:7: `=cmd|' /C calc'!A0` is not a rating from 1 to 5",
    ]
    assert "8 problems found" in err
    assert not (tmp_path / "dist" / "report").exists()


def test_unknown_questions_and_missing_columns_are_reported_in_the_header(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = mini(tree)
    answers = tmp_path / "answers.csv"
    answers.write_text("form,role,session,submitted,usefull\n", encoding="utf-8")
    code, _, err = run("report", str(answers), str(project), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert err.splitlines()[:2] == [
        "answers.csv:1:5: unknown question `usefull`; the question ids are in the forms' "
        "JSON files and CSV templates (forms/)",
        "answers.csv:1:6: the column `pair_id` is missing; the first columns are form, role, "
        "pair_id, session, submitted (see the CSV templates in forms/)",
    ]


def test_answers_saved_with_semicolons_are_read_as_such(tree: TreeBuilder, tmp_path: Path) -> None:
    """Excel in a country whose decimal mark is a comma saves "CSV" with semicolons: the
    cells are read in their columns, and a problem in the file names the separator."""
    project = mini(tree)
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER.replace(",", ";")
        + "after-each-session;mentee;;1;2027-01-12;held;9;yes;Good, and useful\n",
        encoding="utf-8",
    )
    code, _, err = run("report", str(answers), str(project), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert err.splitlines()[:2] == [
        "answers.csv:1:1: the columns are separated by semicolons, not commas (as Excel saves "
        "CSV in some countries); if the problems below are not in the responses file, save it "
        "as CSV with commas: in Excel, File › Save As › CSV UTF-8 (Comma delimited)",
        "answers.csv:2:7: `9` is not a rating from 1 to 5",
    ]


def test_a_question_of_another_form_is_an_error(tree: TreeBuilder, tmp_path: Path) -> None:
    project = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME
            + "checkpoints: [{at: end, kind: evaluation, title: The end}]\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "form,role,pair_id,session,submitted,recommend\n"
        "after-each-session,mentor,,1,2027-01-12,yes\n",
        encoding="utf-8",
    )
    code, _, err = run("report", str(answers), str(project), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert err.splitlines()[0] == (
        "answers.csv:2:6: the question `recommend` is not on the form `after-each-session`"
    )


def test_a_file_that_is_not_utf8_is_located(tree: TreeBuilder, tmp_path: Path) -> None:
    project = mini(tree)
    answers = tmp_path / "export.csv"
    answers.write_bytes(
        (HEADER + "after-each-session,mentee,,1,2027-01-12,held,4,yes,Très bien\n").encode(
            "latin-1"
        )
    )
    code, _, err = run("report", str(answers), str(project), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert err.splitlines()[0] == (
        "export.csv:2:54: the file is not UTF-8 text; save it again as “CSV UTF-8” "
        "(in Excel: File › Save As › CSV UTF-8)"
    )


def test_hostile_cells_do_not_crash_it(tree: TreeBuilder, tmp_path: Path) -> None:
    project = mini(tree)
    loaded = load_project(project)
    line = timeline(loaded)
    context = response_context(loaded, line, by_id(forms(loaded.programme, line)), None)
    huge = tmp_path / "huge.csv"
    huge.write_text(
        HEADER + "after-each-session,mentee,,1,2027-01-12,held,4,yes," + "x" * 200_000 + "\n",
        encoding="utf-8",
    )
    long_text = tmp_path / "long.csv"
    long_text.write_text(
        HEADER + "after-each-session,mentee,,1,2027-01-12,held,4,yes," + "y" * 6000 + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidProject) as caught:
        read_responses([huge, long_text], context)
    assert [str(p) for p in caught.value.problems] == [
        "huge.csv:2:1: a cell of this row is longer than 131,072 characters; answers are kept "
        "to 5,000 characters",
        "long.csv:2:9: the answer is 6,000 characters long; answers are kept to 5,000 characters",
    ]
    sneaky = tmp_path / "sneaky.csv"
    sneaky.write_bytes(
        b"\xef\xbb\xbf"
        + (
            HEADER + "after-each-session,MENTEE,,1,2027-01-12,held,4,yes,"
            '"=HYPERLINK(""http://evil.example"")\x07\x1b[31m\u202eok"\n'
        ).encode("utf-8")
    )
    (answer,) = read_responses([sneaky], context).items
    assert answer.role == "mentee"
    assert answer.answers["learned"] == '=HYPERLINK("http://evil.example")[31mok'
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(InvalidProject) as caught:
        read_responses([broken], context)
    assert [str(p) for p in caught.value.problems] == [
        "broken.pdf:1:1: this PDF cannot be read; is it damaged or encrypted?"
    ]


def test_duplicates_are_reported_and_the_later_answer_kept(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = mini(tree)
    loaded = load_project(project)
    line = timeline(loaded)
    context = response_context(loaded, line, by_id(forms(loaded.programme, line)), None)
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER
        + "after-each-session,mentee,ana-souza--li-wei,1,2027-01-14,held,5,yes,\n"
        + "after-each-session,mentee,ana-souza--li-wei,1,2027-01-12,held,2,no,\n",
        encoding="utf-8",
    )
    read = read_responses([answers], context)
    assert [r.answers["useful"] for r in read.items] == [5]
    assert read.notes == [
        "answers.csv:3:1: the mentee of pair ana-souza--li-wei answered after-each-session, "
        "session 1 twice (also at answers.csv:2:1); the later answer (answers.csv:2:1) is kept"
    ]


def test_pairs_not_in_the_pairs_file_are_errors(tree: TreeBuilder, tmp_path: Path) -> None:
    project = mini(tree)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("pair_id,mentor_id,mentee_id\nana-souza--li-wei,ana-souza,li-wei\n")
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER + "after-each-session,mentee,ana-souza--li-we,1,2027-01-12,held,4,yes,\n",
        encoding="utf-8",
    )
    code, _, err = run(
        "report", str(answers), str(project), "--pairs", str(pairs), "--out", str(tmp_path / "d")
    )
    assert code == 1
    assert err.splitlines()[0] == (
        "answers.csv:2:3: the pair `ana-souza--li-we` is not in the pairs file; check the id, "
        "or leave it empty for an anonymous answer"
    )


# --- the figures, against hand-computed ones ------------------------------------------------


def _default() -> tuple[object, object, dict[str, object]]:
    project = load_project(None)
    line = timeline(project)
    return project, line, by_id(forms(project.programme, line))  # type: ignore[return-value]


def session_answer(pair: str, role: str, number: int, day: str, **answers: int | str) -> Response:
    return Response(
        "after-each-session",
        role,
        pair,
        number,
        dt.date.fromisoformat(day),
        answers,
        Place("answers.csv", number),
    )


LEADERS = ["kofi-boateng", "sanna-virtanen", "rafael-gomes", "anjali-iyer", "olga-petrova"]
PAIRS_OF_FIVE = [f"m{n}--{leader}" for n, leader in enumerate(LEADERS)]


def test_learning_matches_a_paired_t_test_computed_by_hand() -> None:
    # Five leaders, session 1 (collaboration suites): before 2,3,2,1,3; after 4,4,3,3,4.
    before, after = [2, 3, 2, 1, 3], [4, 4, 3, 3, 4]
    rows = [
        session_answer(
            pair, "mentee", 1, "2027-01-12", **{"confidence-before": b, "confidence-after": a}
        )
        for pair, b, a in zip(PAIRS_OF_FIVE, before, after, strict=True)
    ]
    result = learning("Collaboration suites", rows)
    # Changes 2,1,1,2,1: mean 1.4; SD sqrt((2·0.6² + 3·0.4²) / 4) = sqrt(0.3);
    # t = 1.4 / (sqrt(0.3) / sqrt(5)) = 5.7155 with 4 degrees of freedom.
    assert result.before == pytest.approx(2.2)
    assert result.after == pytest.approx(3.6)
    assert result.change == pytest.approx(1.4)
    assert result.spread == pytest.approx(math.sqrt(0.3))
    assert result.t == pytest.approx(1.4 / (math.sqrt(0.3) / math.sqrt(5)))
    assert result.t == pytest.approx(5.7155, abs=1e-4)
    # t tables, 4 degrees of freedom: 4.604 (two-sided 0.01) < 5.7155 < 8.610 (0.001).
    assert result.p is not None and 0.001 < result.p < 0.01
    # Four leaders are too few: nothing is computed, nothing can leak.
    small = learning("Collaboration suites", rows[:4])
    assert small.suppressed and small.before is None and small.t is None


def test_a_leader_counts_once_per_topic() -> None:
    rows = [
        session_answer(
            pair, "mentee", 1, "2027-01-12", **{"confidence-before": 1, "confidence-after": 3}
        )
        for pair in PAIRS_OF_FIVE
    ] + [
        session_answer(
            PAIRS_OF_FIVE[0],
            "mentee",
            2,
            "2027-01-26",
            **{"confidence-before": 3, "confidence-after": 5},
        )
    ]
    result = learning("Collaboration suites", rows)
    # The first leader's mean is (1+3)/2 = 2 before and (3+5)/2 = 4 after.
    assert result.respondents == 5 and result.answers == 6
    assert result.before == pytest.approx((2 + 1 + 1 + 1 + 1) / 5)
    assert result.after == pytest.approx((4 + 3 + 3 + 3 + 3) / 5)
    assert result.t is None  # every change is +2: no spread, no test


def test_engagement_ratings_at_risk_and_the_threshold() -> None:
    project, line, all_forms = _default()
    rows = []
    useful = [5, 4, 4, 3, 2]
    for pair, score in zip(PAIRS_OF_FIVE, useful, strict=True):
        rows.append(session_answer(pair, "mentee", 1, "2027-02-09", held="held", useful=score))
    # Session 2 (23 Feb): three held, one moved, one missed; session 3: the missed pair moves.
    for pair, held in zip(PAIRS_OF_FIVE, ["held", "held", "held", "moved", "missed"], strict=True):
        rows.append(session_answer(pair, "mentor", 2, "2027-02-23", held=held))
    rows.append(session_answer(PAIRS_OF_FIVE[4], "mentor", 3, "2027-03-09", held="moved"))
    rows.append(session_answer(PAIRS_OF_FIVE[0], "mentor", 3, "2027-03-09", useful=4))
    rows.append(session_answer(PAIRS_OF_FIVE[0], "mentor", 4, "2027-03-23", useful=4))
    figures = progress(
        project.programme,
        line,
        all_forms,
        rows,
        [*PAIRS_OF_FIVE, "extra--pair"],  # type: ignore[attr-defined]
    )
    assert figures.as_of == dt.date(2027, 3, 23)
    assert figures.pairs == 6
    assert [(w.label, w.scheduled, w.held, w.moved, w.missed) for w in figures.weeks] == [
        ("2027-02-08", 6, 5, 0, 0),
        ("2027-02-22", 6, 3, 1, 1),
        ("2027-03-08", 6, 1, 1, 0),
        ("2027-03-22", 6, 1, 0, 0),
    ]
    (track,) = figures.tracks
    assert (track.label, track.scheduled, track.held) == ("Digital foundations", 24, 10)
    first = figures.by_session[0]
    assert first.stat.value == pytest.approx(18 / 5) and first.stat.answers == 5
    assert figures.by_session[2].stat.suppressed  # one answer: withheld
    assert figures.by_session[2].stat.value is None
    risk = {a.pair_id: a.reasons for a in figures.at_risk}
    assert risk == {
        PAIRS_OF_FIVE[4]: (
            "sessions 2 and 3 in a row were missed or moved",
            "the leader's latest rating is 2 of 5 (session 1)",
        ),
        "extra--pair": ("no form at all since the programme started",),
    }
    anonymous = progress(
        project.programme,
        line,
        all_forms,
        rows,
        PAIRS_OF_FIVE,
        anonymous=True,  # type: ignore[attr-defined]
    )
    assert anonymous.at_risk == []


def test_a_pair_gone_quiet_for_a_month_is_at_risk() -> None:
    project, line, all_forms = _default()
    rows = [session_answer(p, "mentee", 1, "2027-01-12", useful=4) for p in PAIRS_OF_FIVE]
    rows += [session_answer(p, "mentee", 4, "2027-02-23", useful=4) for p in PAIRS_OF_FIVE[1:]]
    figures = progress(project.programme, line, all_forms, rows, PAIRS_OF_FIVE)  # type: ignore[attr-defined]
    assert [(a.pair_id, a.reasons) for a in figures.at_risk] == [
        (PAIRS_OF_FIVE[0], ("no form for 42 days (the last on 2027-01-12)",))
    ]


def test_charts_are_byte_stable_and_described() -> None:
    chart = Chart(
        "held",
        "Sessions held, week by week",
        "Week starting",
        "Pair sessions",
        ("2027-01-11", "2027-01-25"),
        (Series("Scheduled", (8.0, 8.0)), Series("Held", (7.0, None))),
        alt="Scheduled: 8 and 8. Held: 7, then withheld.",
    )
    first, second = svg(chart), svg(chart)
    assert first == second
    assert first.startswith('<svg role="img" aria-labelledby="held-title held-desc"')
    assert '<title id="held-title">Sessions held, week by week</title>' in first
    assert '<desc id="held-desc">Scheduled: 8 and 8. Held: 7, then withheld.</desc>' in first
    assert "<dc:date>" not in first


# --- the whole report, from the shipped example ---------------------------------------------


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "dist"
    code, stdout, _ = run("report", str(RESPONSES), "--pairs", str(PAIRS), "--out", str(out))
    assert code == 0, stdout
    return out / "report"


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_the_example_gives_a_full_report(example_report: Path) -> None:
    html = (example_report / "index.html").read_text(encoding="utf-8")
    for section in ("engagement", "reaction", "learning", "behaviour", "results", "comments"):
        assert f'<section id="{section}">' in html
    charts = sorted(p.name for p in (example_report / "charts").iterdir())
    assert charts == [
        "behaviour-practice.svg",
        "engagement-tracks.svg",
        "engagement-weeks.svg",
        "learning-confidence.svg",
        "reaction-sessions.svg",
        "results-goals.svg",
    ]
    for name in charts:
        document = (example_report / "charts" / name).read_text(encoding="utf-8")
        assert "<title id=" in document and "<desc id=" in document
        assert f'<img src="charts/{name}" alt="' in html
    assert html.count("<table") >= len(charts)
    assert "Pairs to call this week" in html
    assert "fatima-el-idrissi--thomas-muller" in html
    assert "sessions 8 and 9 in a row were missed or moved" in html
    assert "t = " in html  # a paired test was run
    text = _text(example_report / "report.pdf")
    assert "Progress report" in text and "Level 4: results" in text
    assert "Pairs to call this week" in text


@pytest.mark.slow
def test_the_anonymous_report_names_no_pair(tmp_path: Path) -> None:
    code, _, _ = run(
        "report", str(RESPONSES), "--pairs", str(PAIRS), "--out", str(tmp_path), "--anonymous"
    )
    assert code == 0
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    text = _text(tmp_path / "report" / "report.pdf")
    pair_ids = [line.split(",")[0] for line in PAIRS.read_text().splitlines()[1:]]
    for document in (html, text):
        assert "Pairs to call this week" not in document
        for pair in pair_ids:
            assert pair not in document
            for person in pair.split("--"):
                assert person not in document


def test_groups_under_five_are_withheld_in_the_report(tree: TreeBuilder, tmp_path: Path) -> None:
    project = mini(tree)
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER
        + "".join(
            f"after-each-session,mentee,p{n}--l{n},1,2027-01-12,held,{score},yes,Note {n}\n"
            for n, score in enumerate([5, 1, 2, 4])
        ),
        encoding="utf-8",
    )
    code, _, _ = run("report", str(answers), str(project), "--out", str(tmp_path / "d"))
    assert code == 0
    html = (tmp_path / "d" / "report" / "index.html").read_text(encoding="utf-8")
    assert "fewer than 5 answered: not shown" in html
    assert not re.search(r'<td class="num">3[.,]0</td>', html)  # the mean of the four


def test_the_report_never_goes_into_the_project_nor_a_site(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = mini(tree)
    answers = tmp_path / "answers.csv"
    answers.write_text(HEADER, encoding="utf-8")
    code, _, err = run("report", str(answers), str(project), "--out", str(project / "dist"))
    assert code == 1
    assert err.strip() == (
        f"error: {project / 'dist'}: the report holds personal data; write it outside the "
        "project folder, which is shared and often published (use --out)"
    )
    code, _, err = run("report", str(answers), str(project), "--out", str(tmp_path / "site"))
    assert code == 1
    assert "the report never goes into a site folder" in err


@pytest.mark.slow
def test_a_programme_that_asks_publishes_programme_level_results_on_the_site(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    from generator.artefacts import plan
    from generator.report import published_results

    from .conftest import renderer_for

    project = tree({"program.yaml": "extends: default\nreport: {publish: true}\n"})
    out = tmp_path / "dist"
    code, _, _ = run(
        "report", str(RESPONSES), str(project), "--pairs", str(PAIRS), "--out", str(out)
    )
    assert code == 0
    results = published_results(out)
    assert results is not None
    renderer = renderer_for(project)
    the_plan = plan(renderer.project, renderer.timeline, renderer.gettext, results)
    page = the_plan.by_key("results")
    assert page.page == "programme/results.md"
    text = renderer.markdown(page)
    assert "## How useful the sessions were (mean, 1 to 5)" in text
    assert "| Collaboration suites: working in the open | 4" in text
    assert "none about fewer than 5 people, and no names" in text
    for pair in PAIRS.read_text().splitlines()[1:]:
        for person in pair.split(",")[0].split("--"):
            assert person not in text
    # Without `publish`, the same results stay off the site.
    quiet = renderer_for(tree({"program.yaml": "extends: default\n"}))
    unpublished = plan(quiet.project, quiet.timeline, quiet.gettext, results)
    assert "results" not in [a.key for a in unpublished.artefacts]


def test_an_excel_export_reads_as_the_csv_does(tree: TreeBuilder, tmp_path: Path) -> None:
    import openpyxl

    project = mini(tree)
    loaded = load_project(project)
    line = timeline(loaded)
    context = response_context(loaded, line, by_id(forms(loaded.programme, line)), None)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    # As Microsoft Forms exports: a real date and time, numbers as numbers.
    sheet.append(
        [
            "after-each-session",
            "Leader",
            "",
            1,
            dt.datetime(2027, 1, 12, 16, 5),
            "held",
            4.0,
            "Partly",
            "Ça marche",
        ]
    )
    sheet.append(["after-each-session", "mentor", "", 1, "2027-01-12", "held", "=2+2", "yes"])
    workbook.save(tmp_path / "export.xlsx")
    (tmp_path / "export.csv").write_text(
        HEADER + "after-each-session,mentee,,1,2027-01-12,held,4,partly,Ça marche\n",
        encoding="utf-8",
    )
    from_excel, formula = read_responses([tmp_path / "export.xlsx"], context).items
    (from_csv,) = read_responses([tmp_path / "export.csv"], context).items
    # A formula is never evaluated: with no value saved by Excel, the question is unanswered.
    assert dict(formula.answers) == {"held": "held", "objectives": "yes"}
    assert (from_excel.role, from_excel.submitted, dict(from_excel.answers)) == (
        from_csv.role,
        from_csv.submitted,
        dict(from_csv.answers),
    )
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(InvalidProject) as caught:
        read_responses([tmp_path / "broken.xlsx"], context)
    assert [str(p) for p in caught.value.problems] == [
        "broken.xlsx:1:1: this Excel file cannot be read; is it damaged?"
    ]


def test_every_other_problem_has_its_own_plain_message(tree: TreeBuilder, tmp_path: Path) -> None:
    import pikepdf

    project = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME
            + "checkpoints: [{after_session: 1, kind: check-in, title: Early check-in}]\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    loaded = load_project(project)
    line = timeline(loaded)
    context = response_context(loaded, line, by_id(forms(loaded.programme, line)), None)
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "twice.csv").write_text(
        "form,role,pair_id,session,submitted,useful,useful\n", encoding="utf-8"
    )
    (tmp_path / "rows.csv").write_text(
        "form,role,pair_id,session,submitted,practice,sessions\n"
        "after-each-session,mentor,,1,2027-01-12,maybe,,extra cell\n"
        "after-each-session,mentor,,1,2027-01-12,maybe,\n"
        ",mentor,,1,2027-01-12,,\n"
        f"01-check-in,mentee,{'x' * 201},,2027-01-13,,a few\n",
        encoding="utf-8",
    )
    blank = pikepdf.new()
    blank.add_blank_page()
    blank.save(tmp_path / "scan.pdf")
    with pytest.raises(InvalidProject) as caught:
        read_responses(
            [tmp_path / n for n in ("empty.csv", "twice.csv", "rows.csv", "scan.pdf")], context
        )
    assert [str(p) for p in caught.value.problems] == [
        "empty.csv:1:1: the file is empty; it needs a header row and answers",
        "rows.csv:2:8: this row has 8 cells but the header has 7 columns",
        "rows.csv:3:6: `maybe` is not yes or no",
        "rows.csv:4:1: the form is missing; the forms are after-each-session, 01-check-in",
        "rows.csv:5:3: the pair id is longer than 200 characters",
        "rows.csv:5:7: `a few` is not a whole number from 0 to 100",
        "scan.pdf:1:1: this PDF has no mentorkit form fields; fill in the PDF forms from "
        "pdf/feedback-*.pdf",
        "twice.csv:1:7: the column `useful` appears twice",
    ]


def test_files_that_are_missing_or_not_pairs_are_explained(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = mini(tree)
    answers = tmp_path / "answers.csv"
    answers.write_text(HEADER, encoding="utf-8")
    code, _, err = run("report", str(tmp_path / "gone.csv"), str(project))
    assert (code, err) == (1, f"error: {tmp_path / 'gone.csv'}: no such responses file")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nli-wei,Li Wei\n", encoding="utf-8")
    code, _, err = run(
        "report", str(answers), str(project), "--pairs", str(roster), "--out", str(tmp_path / "d")
    )
    assert code == 1
    assert err.splitlines()[0] == (
        "roster.csv:1:3: the column `pair_id` is missing; use the pairs.csv that "
        "`mentorkit match` wrote"
    )
    code, _, err = run("report", str(project))
    assert code == 1
    assert err == "error: give at least one responses file (CSV, Excel, or a filled PDF form)"


def test_the_pairs_file_given_to_report_may_use_semicolons(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id;mentor_id;mentee_id\nana-souza--li-wei;ana-souza;li-wei\n", encoding="utf-8"
    )
    assert read_pair_ids(pairs) == {"ana-souza--li-wei"}


def test_the_report_says_how_many_of_the_pairs_answered(tree: TreeBuilder, tmp_path: Path) -> None:
    """With the pairs file, "13 forms from 11 pairs" read as if every pair had answered
    when 7 had: the count is of the pairs that answered, out of all."""
    project = mini(tree)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id\n" + "".join(f"p{n}--l{n},p{n},l{n}\n" for n in range(3)),
        encoding="utf-8",
    )
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER
        + "after-each-session,mentee,p0--l0,1,2027-01-12,held,5,yes,Note\n"
        + "after-each-session,mentor,p0--l0,1,2027-01-12,held,4,yes,Note\n",
        encoding="utf-8",
    )
    out = tmp_path / "d"
    code, _, _ = run("report", str(answers), str(project), "--pairs", str(pairs), "--out", str(out))
    assert code == 0
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "2 forms from 1 of 3 pairs." in html


def test_the_report_counts_one_form_and_one_pair_in_the_singular(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    """It said "1 forms from 1 pairs"; in French too."""
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER + "after-each-session,mentee,p0--l0,1,2027-01-12,held,5,yes,Note\n",
        encoding="utf-8",
    )
    english = mini(tree)
    french = tree(
        {
            "fr/program.yaml": MINIMAL_PROGRAMME + "locale: fr\n",
            "fr/topics/tiny.yaml": TINY_TOPIC,
        }
    )
    seen = []
    for project, out in ((english, tmp_path / "en"), (french / "fr", tmp_path / "fr")):
        code, _, _ = run("report", str(answers), str(project), "--out", str(out))
        assert code == 0
        seen.append((out / "report" / "index.html").read_text(encoding="utf-8"))
    assert ": 1 form from 1 pair." in seen[0]
    assert " : 1 formulaire de 1 binôme." in seen[1]
