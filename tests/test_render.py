"""Rendering: user text is escaped, templates are sandboxed and can be overridden."""

from __future__ import annotations

import pytest

from generator.artefacts import plan
from generator.errors import BuildError
from generator.loader import load_project
from generator.render import Renderer, md_escape
from generator.schedule import timeline

from .conftest import ACME, MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder


def renderer_for(root: object) -> Renderer:
    project = load_project(root)  # type: ignore[arg-type]
    line = timeline(project)
    return Renderer(project, line, plan(project, line), pdf=True)


def markdown_of(root: object, key: str) -> str:
    r = renderer_for(root)
    return r.markdown(r.plan.by_key(key))


def test_markdown_escape_keeps_markdown_and_code() -> None:
    assert md_escape("**bold** <script>x</script> & `a<b`") == (
        "**bold** &lt;script&gt;x&lt;/script&gt; &amp; `a<b`"
    )
    assert md_escape(3) == 3


def test_raw_html_in_a_topic_is_shown_not_run() -> None:
    text = markdown_of(ACME, "plan-acme-dashboards--first-look")
    assert "&lt;b&gt;not&lt;/b&gt;" in text
    assert "<b>not</b>" not in text


def test_role_labels_and_times_come_from_the_programme() -> None:
    text = markdown_of(ACME, "plan-acme-dashboards--first-look")
    assert "By the end of this session, the executive can:" in text
    assert "| Digital mentor |" in text
    assert "Tuesday, March 2, 2027, 9:30" in text
    # A running clock: 5 minutes of check-in, then the tour.
    assert "| 9:35\u202fAM–9:45\u202fAM | **Tour of the headline metrics** |" in text


def test_table_cells_escape_pipes() -> None:
    text = markdown_of(ACME, "plan-acme-dashboards--first-look")
    assert "Filter to one depot \\| then one week." in text


def test_mentee_guide_leaves_out_mentor_only_notes() -> None:
    mentee = markdown_of(ACME, "mentee-guide")
    mentor = markdown_of(ACME, "mentor-guide")
    assert "Let the executive click" in mentor
    assert "Let the executive click" not in mentee
    assert "Explaining how the data warehouse works" not in mentee
    assert "Open the dashboard twice this week" in mentee


def test_a_project_template_replaces_the_built_in_one(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/session-plan.md.j2": "# {{ session.title }} at {{ org.name }}\n",
        }
    )
    assert markdown_of(root, "plan-tiny--only") == "# The only session at Your organisation\n"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "# Home\n{% if %}\n",
            "templates/site/home.md.j2:2: Expected an expression, got 'end of statement block'",
        ),
        ("# Home\n\n{{ nope }}\n", "templates/site/home.md.j2:3: 'nope' is undefined"),
        (
            "{{ programme.__class__.__mro__ }}\n",
            "templates/site/home.md.j2:1: access to attribute '__class__' of 'Programme' object is unsafe.",
        ),
    ],
)
def test_template_errors_name_the_template_and_line(
    tree: TreeBuilder, template: str, message: str
) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/home.md.j2": template,
        }
    )
    with pytest.raises(BuildError) as caught:
        markdown_of(root, "home")
    assert str(caught.value) == message
