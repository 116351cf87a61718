"""Rendering: user text is escaped, templates are sandboxed and can be overridden."""

from __future__ import annotations

import pytest

from generator.artefacts import plan
from generator.errors import BuildError
from generator.loader import load_project
from generator.render import Renderer, evidence, md_escape
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


def test_publication_dates_read_as_their_authors_gave_them(tree: TreeBuilder) -> None:
    english = renderer_for(ACME)
    assert [english.published(d) for d in ("2024", "2024-06", "2025-03-11", None)] == [
        "2024",
        "June 2024",
        "March 11, 2025",
        "",
    ]
    root = tree(
        {"program.yaml": MINIMAL_PROGRAMME + "locale: fr\n", "topics/tiny.yaml": TINY_TOPIC}
    )
    assert renderer_for(root).published("2024-06") == "juin 2024"


def test_evidence_numbers_the_sources_it_cites_in_order() -> None:
    project = load_project(ACME)
    topic = project.topic("acme-dashboards")
    handout = next(h for h in topic.sessions[0].handouts if h.kind == "evidence")
    two = handout.model_copy(
        update={
            "items": [
                "Unknown claims keep their id [no-such-source].",
                "Twice cited [acme-survey-2026], still one source [acme-survey-2026].",
            ]
        }
    )
    summary = evidence(two, topic)
    assert summary["items"] == [
        "Unknown claims keep their id [no-such-source].",
        "Twice cited [1], still one source [1].",
    ]
    assert [s.id for s in summary["sources"]] == ["acme-survey-2026"]


def test_the_programme_guide_names_whose_holidays_are_skipped(tree: TreeBuilder) -> None:
    programme = MINIMAL_PROGRAMME.replace(
        "session_minutes: 30}",
        "session_minutes: 30, holidays: {country: GB, subdivision: ENG}}",
    )
    root = tree({"program.yaml": programme, "topics/tiny.yaml": TINY_TOPIC})
    assert (
        "No sessions or workshops fall on public holidays in England (United Kingdom)."
        in markdown_of(root, "programme-guide")
    )


def test_a_whole_topic_reads_as_one_page_and_its_key_points_as_one_sheet() -> None:
    from .conftest import renderer_for as prepared

    renderer = prepared(None)
    topic = renderer.project.topic("short-form-video")
    whole = renderer.markdown(renderer.plan.by_key("whole-short-form-video"))
    assert whole.count("\n# ") + whole.startswith("# ") == 1  # one title, every plan below it
    for session in topic.sessions:
        assert f"\n## {session.title}\n" in whole
    assert "## Glossary" in whole and "## Sources" in whole
    points = renderer.markdown(renderer.plan.by_key("key-points-short-form-video"))
    assert points.startswith("# Key points: Short-form video")
    for session in topic.sessions:
        assert f"**{session.title}**: {session.practice[0]}" in points
    assert renderer.plan.by_key("key-points-short-form-video").pdf == (
        "key-points-short-form-video.pdf"
    )


def test_the_library_lists_the_programmes_topics_unless_it_asks_for_all(
    tree: TreeBuilder,
) -> None:
    from .conftest import renderer_for as prepared

    used = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    renderer = prepared(used)
    assert [t.id for t in renderer.project.library_topics] == ["tiny"]
    assert [a.key for a in renderer.plan.artefacts if a.key.startswith("library-")] == [
        "library-digital-tools"
    ]
    everything = tree(
        {"program.yaml": MINIMAL_PROGRAMME + "library: all\n", "topics/tiny.yaml": TINY_TOPIC}
    )
    listed = [t.id for t in prepared(everything).project.library_topics]
    assert listed[0] == "tiny" and len(listed) > 20
