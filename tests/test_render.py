"""Rendering: user text is escaped, templates are sandboxed and can be overridden."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest
from babel import Locale
from babel.dates import DateTimePattern, format_time, get_time_format
from hypothesis import example, given
from hypothesis import strategies as st

from generator.artefacts import plan
from generator.errors import BuildError
from generator.loader import load_project
from generator.model import _term_pattern, _terms_used
from generator.render import CompiledTemplates, Renderer, _shows_clock_only, evidence, md_escape
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
    assert 'Tuesday, March 2, 2027, <span class="time">9:30' in text
    # A running clock: 5 minutes of check-in, then the tour (a range printed on one line).
    assert (
        '| <span class="time">9:35\u202fAM–9:45\u202fAM</span> | **Tour of the headline metrics** |'
        in text
    )


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


def test_a_partial_reading_a_page_variable_is_told_what_it_sees(tree: TreeBuilder) -> None:
    """Partials are imported once a build, without the page's variables (README)."""
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/partials/mine.md.j2": "{% macro title() %}\n{{ topic.title }}\n{% endmacro %}\n",
            "templates/site/home.md.j2": '{% import "partials/mine.md.j2" as m %}# {{ m.title() }}\n',
        }
    )
    with pytest.raises(BuildError) as caught:
        markdown_of(root, "home")
    assert str(caught.value) == (
        "templates/partials/mine.md.j2:2: 'topic' is undefined (a partial sees the programme's "
        "own names, such as programme and roles, not the page's: give its macro what it needs "
        "as an argument)"
    )


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
    # A country whose English name takes "the" has it in the sentence ("Philippines"
    # read as a label); in French the list is in brackets, where no article is needed.
    several = programme.replace(
        "{country: GB, subdivision: ENG}",
        "[{country: CA, subdivision: QC}, {country: AE}, {country: PH}]",
    )
    root = tree({"program.yaml": several, "topics/tiny.yaml": TINY_TOPIC})
    assert (
        "No sessions or workshops fall on public holidays in Quebec (Canada), the United Arab "
        "Emirates and the Philippines." in markdown_of(root, "programme-guide")
    )
    french = several.replace("title: Mini programme\n", "title: Mini programme\nlocale: fr\n")
    root = tree({"program.yaml": french, "topics/tiny.yaml": TINY_TOPIC})
    assert (
        "Aucune séance ni aucun atelier n'a lieu un jour férié (Québec (Canada), Émirats "
        "arabes unis et Philippines)." in markdown_of(root, "programme-guide")
    )
    # A region by its name in the programme's language (ISO 3166-2's, where it has one)
    bavaria = french.replace("{country: CA, subdivision: QC}", "{country: DE, subdivision: BY}")
    root = tree({"program.yaml": bavaria, "topics/tiny.yaml": TINY_TOPIC})
    assert "un jour férié (Bavière (Allemagne)," in markdown_of(root, "programme-guide")
    for country, name in [("GB", "the United Kingdom"), ("US", "the United States")]:
        alone = programme.replace("{country: GB, subdivision: ENG}", f"{{country: {country}}}")
        root = tree({"program.yaml": alone, "topics/tiny.yaml": TINY_TOPIC})
        assert f"fall on public holidays in {name}." in markdown_of(root, "programme-guide")


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


def test_compiled_templates_are_reused_and_never_stale(
    tree: TreeBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/session-plan.md.j2": "# {{ session.title }} at {{ org.name }}\n",
        }
    )
    cache = tmp_path / "compiled"

    def render(key: str) -> str:
        renderer = renderer_for(root)
        renderer.keep_compiled(cache)
        page = renderer.markdown(renderer.plan.by_key(key))
        renderer.save_compiled()
        return page

    first = render("plan-tiny--only")
    assert first == "# The only session at Your organisation\n"
    assert any(cache.iterdir())
    # Kept: the next renderer compiles nothing, and renders the same page.
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **k: Any) -> Any:
        compiled.append(str(name))
        return real(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert render("plan-tiny--only") == first
    assert compiled == []
    # Edited: compiled again, and the page shows the edit.
    edited = root / "templates" / "site" / "session-plan.md.j2"
    edited.write_text("# {{ session.title }} with {{ org.name }}\n", encoding="utf-8")
    assert render("plan-tiny--only") == "# The only session with Your organisation\n"
    assert compiled == ["site/session-plan.md.j2"]


def test_compiled_code_no_build_uses_is_removed_past_a_limit(
    tree: TreeBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/session-plan.md.j2": "# {{ session.title }} at {{ org.name }}\n",
        }
    )
    cache = tmp_path / "compiled"

    def render() -> set[str]:
        renderer = renderer_for(root)
        renderer.keep_compiled(cache)
        renderer.markdown(renderer.plan.by_key("plan-tiny--only"))
        renderer.save_compiled()
        return {p.name for p in cache.iterdir()}

    first = render()
    assert first
    edited = root / "templates" / "site" / "session-plan.md.j2"
    for number in range(3):  # three edits: three versions compiled
        edited.write_text(f"# {{{{ session.title }}}} {number}\n", encoding="utf-8")
        render()
    (cache / ".tmp-stopped").write_bytes(b"half")  # a build stopped while saving
    # Within the limit, every version is kept (another build may use it); past it, the
    # least recently used go first, and never the code the build ran.
    assert len(render()) == len(first) + 3
    monkeypatch.setattr("generator.render.COMPILED_LIMIT", len(first) + 1)
    edited.write_text("# {{ session.title }} 0\n", encoding="utf-8")  # the first edit again
    now = render()
    assert len(now) == len(first) + 1 and ".tmp-stopped" not in now
    edited.write_text("# {{ session.title }} 2\n", encoding="utf-8")  # kept: the last used
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **k: Any) -> Any:
        compiled.append(str(name))
        return real(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    render()
    assert compiled == []
    edited.write_text("# {{ session.title }} at {{ org.name }}\n", encoding="utf-8")
    render()
    assert compiled == ["site/session-plan.md.j2"]  # the oldest was removed


def test_compiled_code_not_signed_by_this_user_is_never_run(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    """Compiled templates are Python code: one planted in the output folder (by whoever
    can write there) is compiled afresh, never run."""
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    cache = tmp_path / "compiled"
    renderer = renderer_for(root)
    renderer.keep_compiled(cache)
    page = renderer.markdown(renderer.plan.by_key("plan-tiny--only"))
    renderer.save_compiled()
    kept = sorted(p for p in cache.iterdir() if p.is_file())
    assert kept
    # Someone else's code in place of each kept template: valid Jinja bytecode, as an
    # unsigned cache would load it, not signed with this user's key.
    planted = jinja2.Environment().compile("PLANTED", raw=False)
    for path in kept:
        bucket = jinja2.bccache.Bucket(jinja2.Environment(), path.name, path.name)
        bucket.code = planted
        path.write_bytes(bucket.bytecode_to_string())
    again = renderer_for(root)
    again.keep_compiled(cache)
    assert again.markdown(again.plan.by_key("plan-tiny--only")) == page
    assert "PLANTED" not in page


def test_markdown_and_html_templates_of_one_name_are_kept_apart(tmp_path: Path) -> None:
    # The same text compiles to other code for Markdown (user text escaped for Markdown)
    # and for HTML: one must never be served for the other.
    source = "{{ value }}"
    loader = jinja2.DictLoader({"page.md.j2": source})
    made = []
    for _ in range(2):  # compiled, then read back
        for kind, finalize in (("markdown", md_escape), ("html", None)):
            env = jinja2.Environment(loader=loader, finalize=finalize)
            cache = CompiledTemplates(tmp_path, kind)
            env.bytecode_cache = cache
            made.append(env.get_template("page.md.j2").render(value="<b>{x}</b>"))
            cache.save()
    assert made == ["&lt;b&gt;\\{x}&lt;/b&gt;", "<b>{x}</b>"] * 2
    assert len(list(tmp_path.iterdir())) == 2


@pytest.mark.parametrize("locale", ["en-GB", "en-US", "zh-Hant-TW", "ko"])
def test_times_remembered_by_the_time_of_day_print_as_babel_prints_them(locale: str) -> None:
    r = renderer_for(ACME)
    r.locale = locale.replace("-", "_")
    r._babel_locale = Locale.parse(r.locale)
    r._clock_only = _shows_clock_only(get_time_format("short", locale=r._babel_locale))
    assert r._clock_only  # these languages' short times show the clock alone
    r._clocks.clear()
    zones = [ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Sao_Paulo")]
    start = dt.datetime(2027, 3, 20, 8, 45, tzinfo=dt.UTC)
    for step in range(0, 60 * 24 * 16, 97):  # every day and time, both sides of summer time
        for zone in zones:
            value = (start + dt.timedelta(minutes=step)).astimezone(zone)
            expected = format_time(value, format="short", locale=r.locale)
            assert r.time(value) == expected
    assert 0 < len(r._clocks) < 60 * 24


def test_a_time_format_that_names_the_zone_is_not_remembered_by_the_time_of_day() -> None:
    assert _shows_clock_only(DateTimePattern("h:mm a", [])) is True
    assert _shows_clock_only(DateTimePattern("HH:mm z", [])) is False
    assert _shows_clock_only(DateTimePattern("HH:mm 'h' v", [])) is False
    assert _shows_clock_only(DateTimePattern("Bh:mm", [])) is True


@example("the \u017f of a story", ["s"])  # a long s is an s when case is ignored
@example("istanbul", ["\u0130stanbul"])  # a dotted capital I is an i
@example("\u212aelvin", ["kelvin"])  # the Kelvin sign is a k
@given(
    st.text(alphabet=st.sampled_from("aSsk ()-\u017f\u212a\u0130iI\u00df.,"), max_size=40),
    st.lists(
        st.text(alphabet=st.sampled_from("aSsk ()-\u017f\u212a\u0130iI\u00df"), max_size=8),
        max_size=4,
    ),
)
def test_the_quick_glossary_check_finds_what_the_pattern_finds(text: str, terms: list[str]) -> None:
    # Long s, the Kelvin sign and the dotted capital I match their ASCII letters when case
    # is ignored: the quick check must never leave out a term the pattern would find.
    expected = tuple(_term_pattern(term).search(text) is not None for term in terms)
    assert _terms_used(text, tuple(terms)) == expected
