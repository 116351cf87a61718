"""Stamping: personal pages laid out once and each pair's values printed onto them.

Stamping is a speed-up that must never show: these tests hold the stamped pages against
the same pages laid out directly, pixel by pixel and word by word, and check that every
case stamping cannot handle falls back to laying the pages out.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator import packs, stamps
from generator.build import BuildOptions, build
from generator.match import match
from generator.pdf import _css_context, layout
from generator.render import Renderer
from generator.roster import read_roster

from .conftest import ACME, FIXTURES, renderer_for

ROSTER = FIXTURES / "roster.csv"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed"
)


def _infos(renderer: Renderer, roster: Path = ROSTER) -> list[packs.PairInfo]:
    pairs = match(read_roster(roster), renderer.project).pairs
    return packs.pair_infos(renderer.project, list(pairs), renderer)


def _stamped(renderer: Renderer, infos: list[packs.PairInfo]) -> tuple[Any, list[str]]:
    """Every pair stamped in one job: its result, and the pairs left to lay out."""
    css = renderer.html("pdf/print.css.j2", _css_context(renderer))
    plan = packs.plan_stencils(renderer, infos)
    laid_out = packs.render_stencils(
        plan.html, css, packs.allowed_roots(renderer.project), plan.anchors
    )
    jobs, direct = packs.stamp_jobs(renderer, infos, plan, laid_out, css)
    assert len(jobs) == 1
    return packs.render_stamped(jobs[0]), [info.id for info in direct]


def _direct(renderer: Renderer, infos: list[packs.PairInfo]) -> Any:
    job = next(packs.personal_jobs(renderer, infos))
    return packs.render_packs(job)


@pytest.fixture(scope="module")
def both() -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The ACME pairs' personal pages and certificates, stamped and laid out directly."""
    renderer = renderer_for(ACME)
    infos = _infos(renderer)
    stamped, direct = _stamped(renderer, infos)
    assert direct == [] and stamped.retry == ()  # every ACME pair can be stamped
    return stamped.outputs, _direct(renderer, infos).outputs


def _pixels(pdf: bytes, folder: Path, name: str) -> list[Any]:
    from PIL import Image

    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", source, folder / name], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob(f"{name}-*.png"))]


@needs_poppler
@pytest.mark.parametrize(
    "name", ["personal/ops-grad--ceo.pdf", "personal/mkt-exec--cfo.pdf", "certificates/cmo.pdf"]
)
def test_stamped_pages_look_like_pages_laid_out_directly(
    both: tuple[dict[str, bytes], dict[str, bytes]], name: str, tmp_path: Path
) -> None:
    from PIL import ImageChops

    stamped = _pixels(both[0][name], tmp_path, "stamped")
    direct = _pixels(both[1][name], tmp_path, "direct")
    assert len(stamped) == len(direct) > 0
    for one, other in zip(stamped, direct, strict=True):
        assert one.size == other.size
        histogram = ImageChops.difference(one, other).histogram()
        # Anti-aliasing may move a few pixels; a misplaced word moves hundreds.
        assert sum(histogram[64:]) < 60


def _words(pdf: bytes) -> list[str]:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()


def test_every_value_reads_once_as_on_a_page_laid_out_directly(
    both: tuple[dict[str, bytes], dict[str, bytes]],
) -> None:
    for name in ("personal/ops-grad--ceo.pdf", "certificates/ceo.pdf"):
        stamped, direct = _words(both[0][name]), _words(both[1][name])
        assert sorted(stamped) == sorted(direct), name
    cover = " ".join(_words(both[0]["personal/ops-grad--ceo.pdf"]))
    assert cover.count("Nia Brown") == cover.count("Alex Morgan") == 4  # title, table, 2 signatures
    assert "Mar 4, 2027, 9:00" in cover and "outside each other's reporting line" in cover


def test_a_value_too_long_for_its_blank_is_laid_out_directly() -> None:
    renderer = renderer_for(ACME)
    infos = _infos(renderer)
    long_name = " ".join(["Wolfeschlegelsteinhausenbergerdorff"] * 6)
    first = infos[0]
    infos[0] = dataclasses.replace(first, mentor=dataclasses.replace(first.mentor, name=long_name))
    result, direct = _stamped(renderer, infos)
    assert direct == []
    assert result.retry == (first.id,)
    assert f"personal/{first.id}.pdf" not in result.outputs
    assert f"personal/{infos[1].id}.pdf" in result.outputs


def test_a_pair_whose_stencil_nobody_shares_is_laid_out_directly() -> None:
    renderer = renderer_for(ACME)
    infos = _infos(renderer)
    lone = dataclasses.replace(infos[0], reasons=("chosen by hand",))
    plan = packs.plan_stencils(renderer, [lone, *infos[1:]])
    assert [info.id for info in plan.direct] == [lone.id]
    assert set(plan.parts) == {info.id for info in infos[1:]}


def _roster_with(tmp_path: Path, names: dict[str, str]) -> Path:
    rows = list(csv.DictReader(ROSTER.open(encoding="utf-8")))
    for row in rows:
        row["name"] = names.get(row["id"], row["name"])
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_packs_print_every_name_whichever_way_they_are_made(tmp_path: Path) -> None:
    """A long name is laid out directly, markup is printed as text, everyone is named."""
    long_name = "Maria " + " ".join(["Wolfeschlegelsteinhausenbergerdorff"] * 6)
    roster = _roster_with(tmp_path, {"ops-grad": long_name, "mkt-exec": "Tom <b>Li</b> *Jr*"})
    out = tmp_path / "dist"
    build(ACME, BuildOptions(out=out, workers=1, roster=roster, only=frozenset({"calendar"})))
    words = _words((out / "pairs" / "ops-grad--ceo" / "ops-grad--ceo.pdf").read_bytes())
    assert words.count("Wolfeschlegelsteinhausenbergerdorff") >= 6 * 3
    text = " ".join(_words((out / "pairs" / "mkt-exec--cfo" / "mkt-exec--cfo.pdf").read_bytes()))
    assert "Tom <b>Li</b> *Jr* and Sam Patel" in text
    certificate = " ".join(_words((out / "certificates" / "mkt-exec.pdf").read_bytes()))
    assert "Tom <b>Li</b> *Jr*" in certificate


def test_a_template_that_prints_names_itself_still_names_everyone(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    template = project / "templates" / "pairs" / "certificate.md.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text('# Well done\n\n<p class="certificate-name">{{ person.name }}</p>\n')
    renderer = renderer_for(project)
    infos = _infos(renderer)
    assert len(packs.plan_stencils(renderer, infos).direct) == len(infos)
    out = tmp_path / "dist"
    build(project, BuildOptions(out=out, workers=1, roster=ROSTER, only=frozenset({"calendar"})))
    for person, name in (("ceo", "Alex Morgan"), ("ops-grad", "Nia Brown")):
        text = " ".join(_words((out / "certificates" / f"{person}.pdf").read_bytes()))
        assert "Well done" in text and name in text


def _blanks(body: str) -> list[stamps.Blank] | None:
    html = f'<html><body style="width: 400px">{body}</body></html>'
    return stamps.find_blanks(layout(html, "", ()), 0, 1)


def test_a_blank_must_end_its_line_or_fill_it_alone() -> None:
    blank = '<span class="stamp" data-stamp="0">&#160;</span>'
    alone = _blanks(f"<p>{blank}</p>")
    assert alone is not None and len(alone) == 1 and alone[0].width > 300
    after_a_label = _blanks(f"<p><b>Name:</b> {blank}</p>")
    assert after_a_label is not None
    assert after_a_label[0].x > alone[0].x and after_a_label[0].width < alone[0].width
    assert _blanks(f"<p>{blank} (mentor)</p>") is None  # text after the blank would move
    assert _blanks(f'<p style="text-align: center"><b>Name:</b> {blank}</p>') is None
    assert _blanks(f"<p><u>{blank}</u></p>") is None  # not a child of the line itself


def test_the_stamp_filter_escapes_and_records(tmp_path: Path) -> None:
    recorder = stamps.Recorder()
    renderer = renderer_for(ACME)
    template = renderer.markdown_env.from_string("{{ name | stamp }}|{{ other | stamp }}")
    blank = template.render(name="<b>x</b>", other="*y*", stamps=recorder)
    assert blank.count('data-stamp="') == 2 and "x" not in blank
    assert recorder.values == ["&lt;b&gt;x&lt;/b&gt;", "&#42;y&#42;"]
    direct = template.render(name="<b>x</b>", other="*y*")
    assert direct == (
        '<span class="stamp">&lt;b&gt;x&lt;/b&gt;</span>|<span class="stamp">&#42;y&#42;</span>'
    )


def test_a_second_build_reuses_the_shared_layouts_and_makes_the_same_packs(
    tmp_path: Path,
) -> None:
    """Editing pairs.csv and building again does not lay out the shared pages twice."""
    out = tmp_path / "dist"
    options = BuildOptions(out=out, workers=1, roster=ROSTER, only=frozenset({"calendar"}))
    first = build(ACME, options)
    pack = out / "pairs" / "ops-grad--ceo" / "ops-grad--ceo.pdf"
    certificate = out / "certificates" / "ceo.pdf"
    made = pack.read_bytes(), certificate.read_bytes()
    cached = sorted(p.name for p in (out / ".mentorkit" / "packs").iterdir())
    assert first.pack_layouts_reused == 0 and len(cached) == 4  # shared pages, stencils
    second = build(ACME, options)
    assert second.pack_layouts_reused == 2
    assert (pack.read_bytes(), certificate.read_bytes()) == made
    # A change to the programme makes new layouts; the old ones are removed.
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    programme = project / "program.yaml"
    programme.write_text(programme.read_text().replace("Acme Reverse", "Acme New"))
    third = build(project, options)
    assert third.pack_layouts_reused == 0
    assert len(list((out / ".mentorkit" / "packs").iterdir())) == 4
    assert sorted(p.name for p in (out / ".mentorkit" / "packs").iterdir()) != cached
    assert "Acme New" in " ".join(_words(pack.read_bytes()))
