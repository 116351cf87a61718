"""Topic packs: shared folders and installed packages layered under the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import layers
from generator.loader import load_project

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, problems_of, write_tree

PACK_PROGRAMME = MINIMAL_PROGRAMME + "packs: [../shared]\n"


def test_a_folder_pack_adds_its_topics(tmp_path: Path) -> None:
    write_tree(tmp_path / "shared", {"topics/tiny.yaml": TINY_TOPIC})
    project = write_tree(tmp_path / "acme", {"program.yaml": PACK_PROGRAMME})
    loaded = load_project(project)
    assert loaded.topic("tiny").title == "A tiny topic"
    assert (tmp_path / "shared").resolve() in loaded.asset_dirs


def test_pack_files_are_named_with_the_pack_in_errors(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "shared", {"topics/tiny.yaml": TINY_TOPIC.replace("minutes: 30", "minutes: 31")}
    )
    project = write_tree(tmp_path / "acme", {"program.yaml": PACK_PROGRAMME})
    assert problems_of(project) == [
        "../shared/topics/tiny.yaml:12:7: sessions[0].agenda: the agenda adds up to 30 "
        "minutes but the session lasts 31; make them match"
    ]


def test_a_conflicting_id_names_both_files(tmp_path: Path) -> None:
    write_tree(tmp_path / "shared", {"topics/tiny.yaml": TINY_TOPIC})
    project = write_tree(
        tmp_path / "acme", {"program.yaml": PACK_PROGRAMME, "topics/mine.yaml": TINY_TOPIC}
    )
    assert problems_of(project) == [
        "topics/mine.yaml:1:5: the topic id 'tiny' is already used by "
        "../shared/topics/tiny.yaml; to change that topic, add `extends: tiny` and keep only "
        "the fields that change, or choose another id for a new topic"
    ]


def test_the_project_overrides_a_pack_topic(tmp_path: Path) -> None:
    write_tree(tmp_path / "shared", {"topics/tiny.yaml": TINY_TOPIC})
    project = write_tree(
        tmp_path / "acme",
        {"program.yaml": PACK_PROGRAMME, "topics/tiny.yaml": "extends: tiny\ntitle: Ours\n"},
    )
    assert load_project(project).topic("tiny").title == "Ours"


def test_pack_templates_sit_between_the_library_and_the_project(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "shared",
        {
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/home.md.j2": "pack home\n",
            "templates/site/track.md.j2": "pack track\n",
        },
    )
    project = write_tree(
        tmp_path / "acme",
        {"program.yaml": PACK_PROGRAMME, "templates/site/home.md.j2": "project home\n"},
    )
    dirs = load_project(project).template_dirs
    assert dirs[0] == (project / "templates").resolve()
    assert dirs[1] == (tmp_path / "shared" / "templates").resolve()
    assert dirs[2].parent == layers.library_root()


def test_an_unknown_pack(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "acme",
        {
            "program.yaml": MINIMAL_PROGRAMME + "packs: [../nowhere, dei-extras]\n",
            "topics/tiny.yaml": TINY_TOPIC,
        },
    )
    assert problems_of(project) == [
        "program.yaml:6:9: packs: there is no folder '../nowhere' (packs are found relative "
        "to the project)",
        "program.yaml:6:21: packs: there is no pack 'dei-extras': name a folder (such as "
        "../dei-extras) or an installed pack (none is installed)",
    ]


class FakeEntryPoint:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self) -> object:
        return lambda: self.folder


def test_an_installed_pack_through_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = write_tree(tmp_path / "site-packages" / "dei_extras", {"topics/tiny.yaml": TINY_TOPIC})
    monkeypatch.setattr(layers, "installed_packs", lambda: {"dei-extras": FakeEntryPoint(pack)})
    project = write_tree(
        tmp_path / "acme", {"program.yaml": MINIMAL_PROGRAMME + "packs: [dei-extras]\n"}
    )
    assert load_project(project).topic("tiny").sessions[0].id == "only"
