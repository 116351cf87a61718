"""Layers: a project's topics and programme build on the built-in library through `extends`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import Place, Problems
from generator.layers import merge
from generator.loader import load_project
from generator.yamlsource import Node, to_plain

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder, problems_of

HERE = Place("t.yaml", 1, 1)


def node(value: object) -> Node:
    """A Node tree from plain data (every place the same)."""
    if isinstance(value, dict):
        return Node({k: node(v) for k, v in value.items()}, HERE)
    if isinstance(value, list):
        return Node([node(v) for v in value], HERE)
    return Node(value, HERE)  # type: ignore[arg-type]


def merged(base: object, override: object) -> object:
    problems = Problems()
    result = to_plain(merge(node(base), node(override), problems))[0]
    assert not problems
    return result


def test_mappings_merge_and_lists_replace() -> None:
    base = {"a": 1, "org": {"name": "A", "colors": {"primary": "#000000"}}, "goals": ["x", "y"]}
    override = {"org": {"colors": {"accent": "#ffffff"}}, "goals": ["z"]}
    assert merged(base, override) == {
        "a": 1,
        "org": {"name": "A", "colors": {"primary": "#000000", "accent": "#ffffff"}},
        "goals": ["z"],
    }


def test_sessions_merge_by_id_and_new_ones_are_appended() -> None:
    base = {
        "sessions": [{"id": "one", "title": "One", "minutes": 60}, {"id": "two", "title": "Two"}]
    }
    override = {"sessions": [{"id": "two", "title": "Second"}, {"id": "three", "title": "Three"}]}
    assert merged(base, override) == {
        "sessions": [
            {"id": "one", "title": "One", "minutes": 60},
            {"id": "two", "title": "Second"},
            {"id": "three", "title": "Three"},
        ]
    }


def test_tracks_merge_by_id_but_nested_lists_replace() -> None:
    base = {"tracks": [{"id": "t", "title": "T", "topics": ["a", "b"]}]}
    override = {"tracks": [{"id": "t", "topics": ["c"]}]}
    assert merged(base, override) == {"tracks": [{"id": "t", "title": "T", "topics": ["c"]}]}


def test_items_merged_by_id_need_an_id() -> None:
    problems = Problems()
    merge(node({"sessions": [{"id": "a"}]}), node({"sessions": [{"title": "x"}]}), problems)
    assert [str(p) for p in problems] == [
        "t.yaml:1:1: each item of `sessions` in a file that extends another needs an `id`, "
        "to say which one it changes (a new id adds one)"
    ]


# Associativity holds where a key always holds the same kind of value, as in real files
# (a scalar replacing a whole mapping is a type error that validation reports anyway).
scalar = st.integers(0, 3) | st.sampled_from(["a", "b"])
inner = st.fixed_dictionaries({}, optional={"p": scalar, "q": st.lists(scalar, max_size=2)})
mappings = st.fixed_dictionaries(
    {}, optional={"x": scalar, "y": st.lists(scalar, max_size=3), "z": inner}
)


@settings(max_examples=200, deadline=None)
@given(mappings, mappings, mappings)
def test_merging_mappings_is_associative(a: dict, b: dict, c: dict) -> None:
    assert merged(merged(a, b), c) == merged(a, merged(b, c))


@settings(max_examples=100, deadline=None)
@given(mappings)
def test_merging_with_nothing_changes_nothing(a: dict) -> None:
    assert merged(a, {}) == a
    assert merged({}, a) == a


OVERRIDE = """
extends: tiny
title: A tiny topic, our way
sessions:
  - id: only
    title: Our only session
  - id: extra
    title: An extra session
    minutes: 10
    objectives: [Try one more thing]
    agenda: [{title: Try, minutes: 10, kind: hands-on}]
"""


def test_an_organisation_overrides_a_topic_of_a_lower_layer(tree: TreeBuilder) -> None:
    # The "lower layer" here is a pack-like second file loaded first in the same project:
    # a topic and its override in the same layer is refused, so use the built-in library
    # pattern: the override lives in the project, the base in a programme-less fixture.
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/variant.yaml": OVERRIDE.replace(
                "extends: tiny", "id: tiny-variant\nextends: tiny"
            ),
        }
    )
    project = load_project(root)
    variant = project.topic("tiny-variant")
    assert variant.title == "A tiny topic, our way"
    assert [s.id for s in variant.sessions] == ["only", "extra"]
    assert variant.sessions[0].title == "Our only session"
    assert variant.sessions[0].minutes == 30  # inherited
    assert project.topic("tiny").title == "A tiny topic"  # the base is unchanged


def test_same_id_twice_in_one_layer_names_both_files(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/again/tiny-copy.yaml": TINY_TOPIC,
        }
    )
    assert problems_of(root) == [
        "topics/tiny.yaml:1:5: the topic id 'tiny' is already used by "
        "topics/again/tiny-copy.yaml; ids must be unique"
    ]


def test_extending_an_unknown_topic(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/x.yaml": "id: x\nextends: tinny\n",
        }
    )
    assert problems_of(root) == [
        "topics/x.yaml:2:10: extends: there is no topic 'tinny' (did you mean 'tiny'?)"
    ]


def test_extends_names_one_topic_in_plain_words(tree: TreeBuilder) -> None:
    """A list or a mapping given to `extends` printed Python's insides; a topic that extends
    itself was offered its own name. Neither topic is then also "no such topic" in a track."""
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("topics: [tiny]", "topics: [tiny, a, b]"),
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/a.yaml": "id: a\nextends: [tiny, other]\n",
            "topics/b.yaml": "id: b\nextends: {x: 1}\n",
            "topics/mine.yaml": "id: lonely\nextends: lonely\n",
            "topics/typo.yaml": "id: my-tiny\nextends: my-tin\n",
        }
    )
    assert problems_of(root) == [
        "topics/a.yaml:2:10: extends: names the one topic this file builds on, by its id, such "
        "as `extends: data-dashboards`, but here it is a list",
        "topics/b.yaml:2:10: extends: names the one topic this file builds on, by its id, such "
        "as `extends: data-dashboards`, but here it is a group of `key: value` lines",
        "topics/mine.yaml:2:10: extends: a topic cannot extend itself: 'lonely' is this "
        "file's own id, and no topic of the built-in library or a pack has it to build on; "
        "leave `extends` out to make a new topic, or name the topic it builds on",
        "topics/typo.yaml:2:10: extends: there is no topic 'my-tin' (did you mean 'tiny'?)",
    ]


def test_a_programme_extends_one_built_in_programme(tree: TreeBuilder) -> None:
    root = tree({"program.yaml": "extends: [default, inclusion]\n" + MINIMAL_PROGRAMME})
    assert problems_of(root) == [
        "program.yaml:1:10: extends: names the one built-in programme this file builds on, "
        "such as `extends: default`, but here it is a list; built-in programmes are "
        "ai-at-work, default, default-fr, digital-leadership, inclusion"
    ]


def test_topics_extending_each_other_in_a_loop(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/a.yaml": "id: a\nextends: b\n",
            "topics/b.yaml": "id: b\nextends: a\n",
        }
    )
    assert problems_of(root) == [
        "topics/a.yaml:1:1: extends: topics extend each other in a loop: a → b → a"
    ]


# --- !reset and !override (issue 13) -------------------------------------------------------


def test_a_programme_replaces_and_drops_what_it_inherits(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                checkpoints: !reset []
                summary: !reset
                tracks: !override
                  - {id: mine, title: My track, topics: [short-form-video]}
                """
        }
    )
    project = load_project(root)
    assert [t.id for t in project.programme.tracks] == ["mine"]
    assert project.programme.checkpoints == []
    assert project.programme.summary is None
    assert project.programme.onboarding  # everything else is still inherited


def test_an_item_reset_removes_one_inherited_track(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                tracks:
                  - !reset {id: voices-and-audiences}
                """
        }
    )
    assert [t.id for t in load_project(root).programme.tracks] == ["digital-foundations"]


def test_an_empty_list_of_tracks_means_none(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                tracks: []
                checkpoints: []
                """
        }
    )
    assert load_project(root).programme.tracks == []


def test_layering_tags_are_checked(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                tracks:
                  - !reset {id: no-such-track}
                goals: !!python/object/apply:os.system [echo]
                """
        }
    )
    assert problems_of(root) == [
        "program.yaml:5:5: `!reset` removes an inherited item of `tracks`, but none has the id "
        "'no-such-track' (inherited: digital-foundations, voices-and-audiences)",
        "program.yaml:6:8: the tag tag:yaml.org,2002:python/object/apply:os.system is not "
        "allowed; mentorkit knows only !reset (drop an inherited value) and !override "
        "(replace it instead of merging)",
    ]


def test_explain_shows_where_each_value_comes_from(tree: TreeBuilder) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                schedule: {start: 2027-03-02}
                """
        }
    )
    result = CliRunner().invoke(cli, ["explain", str(root), "schedule"])
    assert result.exit_code == 0
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0] == "program.yaml:4 schedule.start: 2027-03-02"
    assert any(
        line.startswith("built-in:curriculum/default.yaml:")
        and line.endswith(" schedule.cadence: fortnightly")
        for line in lines
    )
    missing = CliRunner().invoke(cli, ["explain", str(root), "scedule"])
    assert missing.exit_code == 1
    assert (
        "error: the programme has no key 'scedule'; its keys are after_programme, checkpoints,"
        in missing.stderr
    )


def test_explain_a_key_no_file_sets_says_so_and_what_it_is_for(tree: TreeBuilder) -> None:
    """`explain . events` said "the programme has no key 'events'" of a valid key."""
    from click.testing import CliRunner

    from generator.cli import cli
    from generator.model import Programme

    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    result = CliRunner().invoke(cli, ["explain", str(root), "events"])
    assert result.exit_code == 0
    assert result.stdout == (
        "events: not set; no file of this programme gives it. It is for: Group meetings "
        "during the programme, beside the pair sessions: group supervision, peer support, a "
        "networking event. To set it, add it to program.yaml (the site's Format reference "
        "page describes every key).\n"
    )
    library = CliRunner().invoke(cli, ["explain", str(root), "library"])
    assert "Without it, mentorkit uses `used`." in library.stdout
    deeper = CliRunner().invoke(cli, ["explain", str(root), "schedule.holidays.country"])
    assert deeper.stdout.startswith("schedule.holidays.country: not set; ")
    for name in set(Programme.model_fields) - {"id", "title", "schedule", "tracks"}:
        each = CliRunner().invoke(cli, ["explain", str(root), name])
        assert (each.exit_code, each.stdout.split(";")[0]) == (0, f"{name}: not set"), name


def test_explain_a_track_item_or_topic_the_programme_does_not_have_says_which_it_has(
    tree: TreeBuilder,
) -> None:
    """`explain . tracks.nosuch.personal` said "not set", as if the track existed."""
    from click.testing import CliRunner

    from generator.cli import cli

    programme = MINIMAL_PROGRAMME + textwrap.dedent(
        """
        checkpoints:
          - {kind: check-in, title: First check-in, after_session: 1}
          - {kind: final, title: Final evaluation, after_session: 1}
        """
    )
    root = tree({"program.yaml": programme, "topics/tiny.yaml": TINY_TOPIC})

    def explain(key: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["explain", str(root), key])
        return result.exit_code, result.stdout, result.stderr

    assert explain("tracks.nosuch.personal") == (
        1,
        "",
        "error: tracks.nosuch.personal: there is no track 'nosuch' in tracks; its tracks "
        "are main (such as tracks.main.personal)\n",
    )
    assert explain("tracks.main.personal")[1].startswith("tracks.main.personal: not set; ")
    assert explain("tracks.main.topics.nosuch") == (
        1,
        "",
        "error: tracks.main.topics.nosuch: there is no topic 'nosuch' in tracks.main.topics: "
        "it lists tiny (`mentorkit explain tracks.main.topics` shows where it is set)\n",
    )
    code, shown, _ = explain("tracks.main.topics.tiny")  # the list it is in
    assert (code, " ".join(shown.split())) == (0, "program.yaml:5 tracks.main.topics: [tiny]")
    assert explain("checkpoints.2.title") == (
        1,
        "",
        "error: checkpoints.2.title: there is no checkpoint 2 in checkpoints: it has 2, "
        "counted from 0: checkpoints.0 and checkpoints.1\n",
    )
    code, shown, _ = explain("checkpoints[1].title")
    assert (code, " ".join(shown.split())) == (
        0,
        "program.yaml:9 checkpoints.1.title: Final evaluation",
    )


def test_a_template_that_replaces_nothing_and_is_included_nowhere_is_a_note(
    tree: TreeBuilder,
) -> None:
    """A typo in an override's name used to do nothing and say nothing; a new partial that
    an override imports is used, and says nothing."""
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/mentor-guid.md.j2": "# Mentors\n",
            "templates/mentee-guide.md.j2": "# Leaders\n",
            "templates/site/home.md": "# Home\n",
            "templates/site/new-page.md.j2": "# New\n",
            "templates/site/home.md.j2": '{% import "partials/ours.md.j2" as o %}{{ o.hi() }}\n',
            "templates/partials/ours.md.j2": "{% macro hi() %}Hi{% endmacro %}\n",
            "templates/README.md": "What each template makes.\n",
        }
    )
    assert [n for n in load_project(root).notes if n.startswith("templates/")] == [
        "templates/mentee-guide.md.j2:1:1: no built-in template has this name and no template "
        "includes it, so it is not used; did you mean site/mentee-guide.md.j2?",
        "templates/site/home.md:1:1: no built-in template has this name and no template "
        "includes it, so it is not used; did you mean site/home.md.j2?",
        "templates/site/mentor-guid.md.j2:1:1: no built-in template has this name and no "
        "template includes it, so it is not used; did you mean site/mentor-guide.md.j2?",
        "templates/site/new-page.md.j2:1:1: no built-in template has this name and no template "
        "includes it, so it is not used; to replace a built-in template, give the file its "
        "path, such as site/mentor-guide.md.j2",
    ]


def test_explain_with_a_key_alone_shows_the_built_in_programme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mentorkit explain schedule.start` took the key for a folder ("no such file or
    folder"): with no project named, a key explains the built-in default programme."""
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "schedule.start"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("curriculum/default.yaml:") and "schedule.start: 2027-" in line
    track = CliRunner().invoke(cli, ["explain", "tracks.nosuch.personal"])
    assert track.exit_code == 1 and "there is no track 'nosuch' in tracks" in track.stderr
    # A folder of that name is still a project, and a name that is no key a missing folder.
    (tmp_path / "schedule").mkdir()
    folder = CliRunner().invoke(cli, ["explain", "schedule"])
    assert folder.exit_code == 1 and "has no program.yaml" in folder.stderr
    typo = CliRunner().invoke(cli, ["explain", "acme-typo"])
    assert typo.exit_code == 1 and "acme-typo: no such file or folder" in typo.stderr
