"""The forms: one definition (ids, kinds, levels) for the sheet, the fillable PDF, the JSON
definition and the CSV template; filled PDFs read back to the same answers as a CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pikepdf
import pypdf
import pytest

from generator import pdf as pdf_module
from generator.build import BuildOptions, build
from generator.forms import META_COLUMNS, by_id, csv_template, forms, json_definition
from generator.loader import load_project
from generator.responses import pdf_fields, read_responses
from generator.schedule import timeline

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder, renderer_for

KINDS = {"scale", "choice", "yesno", "number", "text"}


def default_forms() -> dict[str, object]:
    project = load_project(None)
    return by_id(forms(project.programme, timeline(project)))  # type: ignore[return-value]


def test_every_form_has_stable_unique_ids_kinds_and_levels() -> None:
    all_forms = default_forms()
    assert list(all_forms) == ["after-each-session", "01-check-in", "02-survey", "03-evaluation"]
    for form in all_forms.values():
        ids = [q.id for q in form.questions]  # type: ignore[attr-defined]
        assert len(ids) == len(set(ids)), form
        assert not set(ids) & set(META_COLUMNS)
        for question in form.questions:  # type: ignore[attr-defined]
            assert question.kind in KINDS
            assert question.level in (1, 2, 3, 4)
            if question.kind in ("choice", "yesno"):
                assert question.choices and len(question.choices) == len(question.labels)
    session = all_forms["after-each-session"]
    assert [q.id for q in session.questions] == [  # type: ignore[attr-defined]
        "held",
        "useful",
        "objectives",
        "confidence-before",
        "confidence-after",
        "practice",
        "learned",
        "change",
    ]


def test_the_json_definition_has_the_contract_shape() -> None:
    evaluation = default_forms()["03-evaluation"]
    data = json.loads(json_definition(evaluation))  # type: ignore[arg-type]
    assert set(data) == {"id", "title", "checkpoint", "questions"}
    assert data["id"] == "03-evaluation"
    assert data["checkpoint"] == "03-evaluation"
    assert data["title"] == "Final evaluation"
    goal = next(q for q in data["questions"] if q["id"] == "goal-1")
    assert goal == {
        "id": "goal-1",
        "text": "The programme moved us towards this goal: Raise the digital fluency of the "
        "leadership team, one practical skill at a time",
        "kind": "scale",
        "min": 1,
        "max": 5,
        "level": 4,
    }
    recommend = next(q for q in data["questions"] if q["id"] == "recommend")
    assert recommend["choices"] == ["yes", "maybe", "no"]
    assert recommend["level"] == 1
    session = json.loads(json_definition(default_forms()["after-each-session"]))  # type: ignore[arg-type]
    assert session["checkpoint"] is None


def test_the_csv_template_has_the_response_columns_then_the_question_ids() -> None:
    survey = default_forms()["02-survey"]
    header = next(csv.reader(io.StringIO(csv_template(survey))))  # type: ignore[arg-type]
    assert header == [
        "form",
        "role",
        "pair_id",
        "session",
        "submitted",
        "worth-time",
        "on-topic",
        "candid",
        "actions",
        "can-now-do",
        "change",
    ]


def test_checkpoint_questions_from_the_programme_get_stable_ids(tree: TreeBuilder) -> None:
    project = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME
            + "goals: [Leaders post on the intranet themselves]\n"
            + "checkpoints:\n"
            + "  - {after_session: 1, kind: check-in, title: First look,"
            + " questions: [Which tool surprised you?, What would you drop?]}\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    loaded = load_project(project)
    form = by_id(forms(loaded.programme, timeline(loaded)))["01-check-in"]
    extra = [q for q in form.questions if q.id.startswith("extra-")]
    assert [(q.id, q.text, q.kind) for q in extra] == [
        ("extra-1", "Which tool surprised you?", "text"),
        ("extra-2", "What would you drop?", "text"),
    ]


@pytest.mark.slow
def test_build_writes_a_definition_and_a_csv_template_for_every_form(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME
            + "checkpoints: [{at: end, kind: evaluation, title: Looking back}]\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    out = tmp_path / "dist"
    build(project, BuildOptions(out=out, only=frozenset({"pdf"}), workers=1))
    names = sorted(p.name for p in (out / "forms").iterdir())
    assert names == [
        "01-evaluation.csv",
        "01-evaluation.json",
        "after-each-session.csv",
        "after-each-session.json",
    ]
    with pikepdf.open(out / "pdf" / "feedback-01-evaluation.pdf") as printed:
        fields = {str(f.T) for f in printed.Root.AcroForm.Fields if "/Parent" not in f}
    definition = json.loads((out / "forms" / "01-evaluation.json").read_text())
    assert fields == {"form", "role", "pair_id", "submitted"} | {
        q["id"] for q in definition["questions"]
    }
    # Only with the forms: a build of the calendar alone writes no forms/.
    build(project, BuildOptions(out=tmp_path / "cal", only=frozenset({"calendar"})))
    assert not (tmp_path / "cal" / "forms").exists()
    definition = json.loads((out / "forms" / "after-each-session.json").read_text())
    header = (out / "forms" / "after-each-session.csv").read_text().splitlines()[0]
    assert header.split(",") == [*META_COLUMNS, *(q["id"] for q in definition["questions"])]


def test_the_printed_form_shows_each_question_id(tree: TreeBuilder) -> None:
    renderer = renderer_for(
        tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    )
    text = renderer.markdown(renderer.plan.by_key("feedback-session"))
    # The id is for the form tools; a screen reader names the choices by their question,
    # and the ends of a scale by what they mean.
    assert '<span class="qid" aria-hidden="true">useful</span>' in text
    assert (
        '<p class="choices scale" role="radiogroup" aria-label="How useful was this session?">'
        in text
    )
    assert (
        '<input type="radio" name="useful" value="1" title="1" aria-label="1, Not at all">' in text
    )
    assert '<input type="radio" name="useful" value="5" title="5" aria-label="5, Very">' in text
    assert '<p class="choices" role="radiogroup" aria-label="I am the">' in text
    assert '<textarea name="learned"' in text
    assert 'name="form" title="Form" value="after-each-session"' in text


# --- the fillable PDF, filled by a PDF library, reads back as the CSV does -------------


def _forms_pdfs(project: Path) -> dict[str, bytes]:
    renderer = renderer_for(project)
    sheets = [a for a in renderer.plan.artefacts if a.batch == "forms"]
    markdown = {a.key: renderer.markdown(a) for a in sheets}
    (job,) = pdf_module.prepare(renderer, markdown, sheets)
    return pdf_module.render_job(job).outputs


def _fill(blank: bytes, values: dict[str, str]) -> bytes:
    """Fill a form as a person would in a PDF reader: a radio button by its option."""
    with pikepdf.open(io.BytesIO(blank)) as document:
        options = {
            str(field.T): [str(o) for o in field.Opt]
            for field in document.Root.AcroForm.Fields
            if "/Opt" in field
        }
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(blank))
    filled = {
        name: f"/{options[name].index(value)}" if name in options else value
        for name, value in values.items()
    }
    for page in writer.pages:
        writer.update_page_form_field_values(page, filled, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.slow
def test_filled_pdf_forms_read_back_to_the_same_answers_as_the_csv(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    project = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    blank = _forms_pdfs(project)["feedback-after-each-session.pdf"]
    answers = {
        "role": "mentee",
        "pair_id": "zanele-dlamini--bjorn-aasen",
        "session": "1",
        "submitted": "2027-01-12",
        "held": "held",
        "useful": "4",
        "objectives": "partly",
        "confidence-before": "2",
        "confidence-after": "4",
        "practice": "no",
        "learned": "Ich kann jetzt einen Kanal anlegen – und Dateien teilen.",
        "change": "",
    }
    (tmp_path / "filled.pdf").write_bytes(_fill(blank, answers))
    fields = pdf_fields((tmp_path / "filled.pdf").read_bytes())
    assert fields["form"] == "after-each-session"
    assert fields["useful"] == "4"
    assert fields["objectives"] == "partly"

    header = ["form", *answers]
    row = ["after-each-session", *answers.values()]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row])
    (tmp_path / "answers.csv").write_text(buffer.getvalue(), encoding="utf-8")

    from generator.report import response_context

    loaded = load_project(project)
    line = timeline(loaded)
    context = response_context(loaded, line, by_id(forms(loaded.programme, line)), None)
    (from_pdf,) = read_responses([tmp_path / "filled.pdf"], context).items
    (from_csv,) = read_responses([tmp_path / "answers.csv"], context).items
    assert dict(from_pdf.answers) == dict(from_csv.answers)
    assert dict(from_pdf.answers) == {
        "held": "held",
        "useful": 4,
        "objectives": "partly",
        "confidence-before": 2,
        "confidence-after": 4,
        "practice": "no",
        "learned": "Ich kann jetzt einen Kanal anlegen – und Dateien teilen.",
    }
    assert (from_pdf.role, from_pdf.pair_id, from_pdf.session, from_pdf.submitted) == (
        from_csv.role,
        from_csv.pair_id,
        from_csv.session,
        from_csv.submitted,
    )
