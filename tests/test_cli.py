"""The command line contract: commands, exit codes, messages, and untouched outputs on failure."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli

from .conftest import ACME, MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_validate_a_valid_project() -> None:
    code, out, _ = run("validate", str(ACME))
    assert code == 0
    assert out.startswith("✓ Acme Reverse Mentoring Pilot: the programme and ")
    assert "(1 track, 2 pair sessions, 1 onboarding workshop)" in out


def test_validate_reports_every_problem_then_exits_1(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("cadence: weekly", "cadence: daily"),
            "topics/tiny.yaml": TINY_TOPIC.replace("minutes: 30", "minutes: 31"),
        }
    )
    code, out, err = run("validate", str(root))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "program.yaml:3:40: schedule.cadence: `daily` is not allowed here; use one of: "
        "weekly, fortnightly or monthly",
        "topics/tiny.yaml:12:7: sessions[0].agenda: the agenda adds up to 30 minutes but the "
        "session lasts 31; make them match",
        "2 problems found; fix them and run the command again. Nothing was written.",
    ]


def test_one_problem_is_one_thing_to_fix(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("cadence: weekly", "cadence: daily"),
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    code, _, err = run("validate", str(root))
    assert code == 1
    assert err.splitlines()[-1] == (
        "1 problem found; fix it and run the command again. Nothing was written."
    )


def test_a_missing_project_is_explained(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "nope"))
    assert code == 1
    assert err.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"


def test_build_writes_the_contract_layout(tmp_path: Path) -> None:
    code, out, _ = run("build", str(ACME), "--out", str(tmp_path), "--jobs", "1")
    assert code == 0
    assert "Built Acme Reverse Mentoring Pilot" in out
    assert (tmp_path / "site" / "index.html").is_file()
    assert list((tmp_path / "pdf").glob("*.pdf"))
    assert [p.name for p in (tmp_path / "calendar").iterdir()] == ["acme-pilot.ics"]
    assert not list(tmp_path.glob(".mentorkit-build-*"))  # no staging folder left behind


def test_only_builds_the_outputs_asked_for(tmp_path: Path) -> None:
    code, _, _ = run("build", str(ACME), "--out", str(tmp_path), "--only", "calendar")
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["calendar"]


def test_only_refuses_unknown_outputs(tmp_path: Path) -> None:
    code, _, err = run("build", str(ACME), "--out", str(tmp_path), "--only", "site,video")
    assert code == 2
    assert "video: choose from site, pdf, calendar" in err


def test_a_failed_build_leaves_the_outputs_exactly_as_they_were(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    out = tmp_path / "dist"
    assert run("build", str(project), "--out", str(out), "--jobs", "1")[0] == 0
    before = snapshot(out)
    programme = project / "program.yaml"
    programme.write_text(programme.read_text().replace("cadence: weekly", "cadence: yearly"))
    code, _, err = run("build", str(project), "--out", str(out))
    assert code == 1
    assert "schedule.cadence: `yearly` is not allowed here" in err
    assert snapshot(out) == before


def test_a_template_error_fails_cleanly_and_touches_nothing(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    out = tmp_path / "dist"
    assert run("build", str(project), "--out", str(out), "--only", "calendar")[0] == 0
    before = snapshot(out)
    (project / "templates" / "site").mkdir(parents=True)
    (project / "templates" / "site" / "home.md.j2").write_text("# {{ nope }}\n")
    code, _, err = run("build", str(project), "--out", str(out))
    assert code == 1
    assert err.strip() == "error: templates/site/home.md.j2:1: 'nope' is undefined"
    assert snapshot(out) == before
    assert not list(out.glob(".mentorkit-build-*"))
    # A first build starts its print workers while it renders; stopped by the same
    # mistake, it says only that, as a command of its own (where a thread that failed
    # would have its say too), and leaves no folder behind.
    first = tmp_path / "first"
    command = [sys.executable, "-m", "generator", "build", str(project), "--out", str(first)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: templates/site/home.md.j2:1: 'nope' is undefined"
    assert not first.exists()


def test_schema_writes_json_schemas(tmp_path: Path) -> None:
    code, out, _ = run("schema", "--out", str(tmp_path))
    assert code == 0
    topic = json.loads((tmp_path / "topic.schema.json").read_text())
    programme = json.loads((tmp_path / "programme.schema.json").read_text())
    assert topic["title"] == "mentorkit topic module"
    assert topic["additionalProperties"] is False
    assert "sessions" in topic["else"]["required"]
    assert "extends" in topic["properties"]
    assert programme["properties"]["schedule"]
    assert "yaml-language-server: $schema=" in out
    # The issue-12 fields reach the editors, with the words that explain them.
    session = topic["$defs"]["Session"]["properties"]
    for key in ("prep_minutes", "practice_minutes", "remote", "fallback", "if_short", "exchange"):
        assert session[key]["description"], key
    kinds = topic["$defs"]["Handout"]["properties"]["kind"]
    assert kinds["enum"] == ["cards", "worksheet", "handout", "checklist", "evidence"]
    assert "sources" in topic["properties"]
    goals = programme["properties"]["goals"]["items"]["anyOf"]
    assert {"type": "string"} in goals and any("$ref" in g for g in goals)
    holidays = programme["$defs"]["PublicHolidays"]["properties"]
    assert set(holidays) == {"country", "subdivision"}


def test_python_dash_m_generator_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(ACME)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "Acme Reverse Mentoring Pilot" in result.stdout


def test_output_into_a_closed_pipe_ends_quietly() -> None:
    """`mentorkit template | head -1` printed "error: Broken pipe" (or, when the output
    was still buffered at exit, Python's "Exception ignored ... BrokenPipeError")."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    commands = [
        ["template"],  # click.echo, line by line
        ["template", "site/home.md.j2"],  # one write
        ["explain", str(ACME)],
        ["validate", str(ACME)],  # Rich
        ["--help"],
    ]
    for command in commands:
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before the first line, as `head` is after one
        try:
            result = subprocess.run(
                [sys.executable, "-m", "generator", *command],
                stdout=writer,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=root,
                check=False,
            )
        finally:
            os.close(writer)
        assert (result.returncode, result.stderr) == (1, ""), command


def test_a_broken_pipe_other_than_the_output_is_still_reported() -> None:
    """Only a closed standard output ends quietly: a broken pipe the command met
    elsewhere (a lost connection, a helper program gone) is said, as any error is."""
    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys, generator.cli as cli\n"
        "def gone(*args, **kwargs):\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "cli.load_project = gone\n"
        f"cli.main(['validate', {str(ACME)!r}])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        cwd=root,
        check=False,
    )
    assert (result.returncode, result.stderr.strip()) == (1, "error: Broken pipe")
