"""The format reference is generated from the models and kept current in docs/format.md."""

from __future__ import annotations

from pathlib import Path

from generator.model import Programme, Topic
from generator.reference import reference

DOC = Path(__file__).parent.parent / "docs" / "format.md"


def test_the_committed_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == reference(), "run `make reference`"


def test_every_key_of_both_formats_is_in_the_reference() -> None:
    text = reference()
    seen: set[type] = set()

    def keys(model: type) -> set[str]:
        if model in seen:
            return set()
        seen.add(model)
        # The keys as written in the files: a field's alias where it has one (`for`).
        fields = model.model_fields.items()  # type: ignore[attr-defined]
        names = {info.alias or name for name, info in fields}
        for info in model.model_fields.values():  # type: ignore[attr-defined]
            for inner in _models(info.annotation):
                names |= keys(inner)
        return names

    for model in (Programme, Topic):
        for name in keys(model):
            assert f"| `{name}` |" in text, name
    rows = [line for line in text.splitlines() if line.startswith("| `") and line.count("|") == 5]
    undescribed = [row.split("|")[1].strip() for row in rows if not row.split("|")[4].strip()]
    assert undescribed == [], "give these keys a description in generator/model.py"


def test_every_placeholder_is_in_the_reference() -> None:
    from generator.placeholders import PLACEHOLDERS

    text = reference()
    for name in PLACEHOLDERS:
        assert f"| `{{{name}}}` |" in text, name


def test_the_site_has_the_reference_as_a_page() -> None:
    from .conftest import renderer_for

    renderer = renderer_for(None)
    page = renderer.plan.by_key("format-reference")
    assert page.page == "library/format.md"
    assert renderer.markdown(page).strip() == reference().strip()


def test_the_reference_is_listed_with_the_programme_not_among_the_topics() -> None:
    from .conftest import renderer_for

    renderer = renderer_for(None)
    nav = {item.title: item for item in renderer.plan.nav}
    library = renderer.plan.by_key("library")
    under_library = [child.page for child in nav[library.title].children]
    assert under_library  # the areas of topics
    assert "library/format.md" not in under_library
    assert "library/format.md" in [child.page for child in nav["Programme"].children]
    # Whoever looks for it in the library finds a link to it.
    assert "(format.md)" in renderer.markdown(library)


def _models(annotation: object) -> list[type]:
    from typing import get_args

    from pydantic import BaseModel

    found: list[type] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in get_args(annotation):
        found.extend(_models(arg))
    return found
