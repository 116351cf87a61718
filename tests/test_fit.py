"""One-page session plans: the normal style when it fits, the compact one when it does not."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import pdf

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, renderer_for, write_tree


def _plans_job(project: Path) -> pdf.PrintJob:
    renderer = renderer_for(project)
    plans = [a for a in renderer.plan.artefacts if a.batch == "plans"]
    markdown = {a.key: renderer.markdown(a) for a in plans}
    (job,) = pdf.prepare(renderer, markdown, plans)
    assert job.fit
    return job


def _project(tmp_path: Path, questions: int, words: int) -> Path:
    question = " ".join(["word"] * words)
    discussion = "".join(f"      - Question {n}, {question}?\n" for n in range(questions))
    topic = TINY_TOPIC + "    discussion:\n" + discussion
    return write_tree(tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/t.yaml": topic})


def test_a_plan_that_fits_keeps_the_normal_style(tmp_path: Path) -> None:
    job = _plans_job(_project(tmp_path, questions=3, words=4))
    assert 'class="sheet compact' not in job.html
    result = pdf.render_job(job)
    assert result.pages == 1 and result.notes == ()


def test_a_plan_that_runs_over_is_set_again_compact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "COMPACT_FROM", 10**9)  # always try the normal style first
    job = _plans_job(_project(tmp_path, questions=60, words=8))
    assert 'class="sheet compact' not in job.html
    result = pdf.render_job(job)
    # Laid out twice: two pages in the normal style, then one compact page that is kept.
    assert result.pages == 3 and result.notes == ()
    (data,) = result.outputs.values()
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_a_long_plan_is_compact_from_the_start_and_prints_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path, questions=60, words=8)
    job = _plans_job(project)
    assert 'class="sheet compact' in job.html  # its Markdown is over COMPACT_FROM
    result = pdf.render_job(job)
    assert result.pages == 1 and result.notes == ()  # laid out once, on one page
    monkeypatch.setattr(pdf, "COMPACT_FROM", 10**9)
    twice = pdf.render_job(_plans_job(project))
    assert twice.pages == 3 and twice.outputs == result.outputs


def test_a_plan_too_long_even_compact_is_reported(tmp_path: Path) -> None:
    job = _plans_job(_project(tmp_path, questions=160, words=6))
    result = pdf.render_job(job)
    (note,) = result.notes
    assert note.startswith("plan-tiny--only.pdf: the session plan runs to ")
    assert note.endswith(" pages")
