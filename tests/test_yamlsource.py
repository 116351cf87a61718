"""The YAML reader: places for every value, and clear refusals of unsafe or broken files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import Problems
from generator.yamlsource import Source, load, place_of, to_plain


def read(tmp_path: Path, content: str | bytes) -> tuple[object, list[str]]:
    path = tmp_path / "file.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    problems = Problems()
    document = load(Source(path, "file.yaml"), problems)
    data = to_plain(document.root)[0] if document else None
    return data, [str(p) for p in problems]


def test_values_keep_their_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("id: x\nsessions:\n  - id: one\n    minutes: 60\n", encoding="utf-8")
    document = load(Source(path, "t.yaml"), Problems())
    assert document is not None
    data, marks = to_plain(document.root)
    assert data == {"id": "x", "sessions": [{"id": "one", "minutes": 60}]}
    assert str(marks[("sessions", 0, "minutes")]) == "t.yaml:4:14"
    assert str(place_of(marks, ("sessions", 0, "missing"))) == "t.yaml:3:5"
    assert str(place_of(marks, ("sessions", 0, "minutes"), key=True)) == "t.yaml:4:5"


def test_times_of_day_stay_text_and_dates_become_dates(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "time: 15:00\nstart: 2027-01-12\nflag: yes\n")
    assert problems == []
    assert data == {"time": "15:00", "start": dt.date(2027, 1, 12), "flag": True}


def test_a_date_that_does_not_exist_is_kept_for_validation_to_explain(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "start: 2027-02-30\n")
    assert problems == []
    assert data == {"start": "2027-02-30"}


def test_empty_file(tmp_path: Path) -> None:
    assert read(tmp_path, "")[1] == ["file.yaml:1:1: the file is empty"]
    assert read(tmp_path, "  \n\n")[1] == ["file.yaml:1:1: the file is empty"]


def test_file_with_only_comments(tmp_path: Path) -> None:
    assert read(tmp_path, "# nothing yet\n")[1] == [
        "file.yaml:1:1: the file is empty (it holds only comments)"
    ]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    problems = read(tmp_path, "id: x\ntitle: Caf\xe9\n".encode("latin-1"))[1]
    assert problems == [
        "file.yaml:2:11: the file is not UTF-8 text (byte 0xe9 cannot be read); "
        "save it as UTF-8 in your editor"
    ]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "\ufeffid: x\n".encode())
    assert problems == []
    assert data == {"id": "x"}


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert read(tmp_path, "- a\n- b\n")[1] == [
        "file.yaml:1:1: the top level of the file must be a mapping of `key: value` lines, "
        "not a list"
    ]
    assert read(tmp_path, "just text\n")[1] == [
        "file.yaml:1:1: the top level of the file must be a mapping of `key: value` lines, "
        "not a single value ('just text')"
    ]


def test_duplicate_keys_are_reported_with_the_first_place(tmp_path: Path) -> None:
    problems = read(tmp_path, "id: a\ntitle: A\nid: b\n")[1]
    assert problems == ["file.yaml:3:1: the key `id` appears twice (first at line 1)"]


def test_syntax_error_has_its_place(tmp_path: Path) -> None:
    problems = read(tmp_path, "id: a\ntitle: [unclosed\n")[1]
    assert len(problems) == 1
    assert problems[0].startswith("file.yaml:3:1: YAML syntax error: ")


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    problems = read(tmp_path, "id: a\nsessions:\n\t- id: b\n")[1]
    assert problems == [
        "file.yaml:3:1: YAML syntax error: a tab is used for indentation; indent with spaces"
    ]


def test_more_than_one_document(tmp_path: Path) -> None:
    problems = read(tmp_path, "id: a\n---\nid: b\n")[1]
    assert problems == [
        "file.yaml:2:1: the file holds more than one YAML document (a second `---`); "
        "keep one per file"
    ]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    data, problems = read(tmp_path, "\n".join(lines) + "\n")
    assert data is None
    assert len(problems) == 1
    assert "the file expands to too many values (aliases that repeat other aliases?)" in problems[0]


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "a: &a [*a]\n")
    assert data is None
    assert problems and "values nested too deeply" in problems[0]


def test_small_aliases_are_fine(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "a: &tip Ask before telling\nb: *tip\n")
    assert problems == []
    assert data == {"a": "Ask before telling", "b": "Ask before telling"}


def test_merge_keys_are_refused_with_a_pointer_to_extends(tmp_path: Path) -> None:
    problems = read(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")[1]
    assert problems == [
        "file.yaml:3:3: YAML merge keys (`<<`) are not supported; "
        "use `extends` to build on another file"
    ]


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\nb: !x y\n")
    known = "mentorkit knows only !reset (drop an inherited value) and !override (replace it instead of merging)"
    assert problems == [
        f"file.yaml:1:4: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed; {known}",
        f"file.yaml:2:4: the tag !x is not allowed; {known}",
    ]
    assert data == {}


def test_keys_must_be_words(tmp_path: Path) -> None:
    problems = read(tmp_path, "1: one\n? [a]\n: b\n")[1]
    assert problems == [
        "file.yaml:1:1: the key '1' must be a word; put it in quotes",
        "file.yaml:2:3: a key must be a plain word, not a list or mapping",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_crashes_the_reader(tmp_path_factory: object, text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        data, problems = read(Path(folder), text)
    assert data is None or isinstance(data, dict)
    assert data is not None or problems


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(yaml_values)
def test_any_dumped_mapping_reads_back(value: object) -> None:
    import tempfile

    import yaml

    document = {"root": value}
    with tempfile.TemporaryDirectory() as folder:
        data, problems = read(Path(folder), yaml.safe_dump(document))
    assert problems == []
    assert data == document
