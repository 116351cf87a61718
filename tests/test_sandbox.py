"""The sandbox's shortcuts (issue 14) give the same answers as the long way, every time."""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import re
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.sandbox import SecurityError

from generator import sandbox
from generator.build import prepare
from generator.loader import load_project
from generator.markup import _escaped, md_escape
from generator.sandbox import Budget, DataSandbox, RenderBudgetExceeded

from .conftest import ACME


def _env() -> DataSandbox:
    return DataSandbox(undefined=jinja2.StrictUndefined)


def test_a_refused_attribute_stays_refused_after_allowed_ones_were_remembered() -> None:
    project = load_project(ACME)
    topic = next(iter(project.topics.values()))
    env = _env()
    allowed = env.from_string("{{ topic.title }}")
    refused = env.from_string("{{ topic.model_dump() }}")
    for _ in range(3):  # the second and third time come from the remembered policy
        assert allowed.render(topic=topic) == topic.title
        with pytest.raises(SecurityError, match="model_dump"):
            refused.render(topic=topic)


def test_format_on_text_is_still_sandboxed_after_text_attributes_were_read() -> None:
    env = _env()
    assert env.from_string("{{ 'abc'.upper() }}").render() == "ABC"
    with pytest.raises(SecurityError):
        env.from_string("{{ '{0.__class__}'.format(1) }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ '{0.__class__}'.format(1) }}").render()


@pytest.mark.parametrize(
    ("template", "what"),
    [
        ('{{ "x" | indent(4000000000, true) }}', "the `indent` filter"),
        ('{{ "x" | indent(" " * 200000) }}', "the `indent` filter"),
        ('{{ "x" | center(4000000000) }}', "the `center` filter"),
        ('{{ "%0999999999d" | format(1) }}', "`%` formatting"),
        ('{{ "%0999999999d" % 1 }}', "`%` formatting"),
        ('{{ "%*d" % (999999999, 1) }}', "`%` formatting"),
        ('{{ "{:>999999999}".format(1) }}', "`format`"),
        ('{{ "x".ljust(999999999) }}', "`ljust`"),
        ('{{ "x".zfill(999999999) }}', "`zfill`"),
    ],
)
def test_a_width_that_would_fill_the_memory_is_refused_before_it_is_made(
    template: str, what: str
) -> None:
    # One call would build gigabytes before the budget's next look at the clock and memory.
    with pytest.raises(RenderBudgetExceeded, match=f"^{re.escape(what)} asks for a width of "):
        _env().from_string(template).render()


def test_ordinary_widths_and_formats_still_work() -> None:
    text = '{{ "%05.1f" % 3.14159 }} {{ "x" | center(5) }}|{{ "{:>4}".format(7) }}|{{ "a\nb" | indent(2) }}'
    assert _env().from_string(text).render() == "003.1   x  |   7|a\n  b"


def test_one_watchdog_for_a_batch_still_stops_a_render_that_never_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    # A loop over a plain list calls nothing: only the timer signal can stop it.
    endless = _env().from_string(
        "{% set r = [0] * 100000 %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}"
    )
    quick = _env().from_string("{{ 1 + 1 }}")
    with Budget.watching():
        for _ in range(50):  # renders before and after share the one timer
            with Budget.running():
                assert sandbox.limited_output(quick.generate()) == "2"
        with pytest.raises(RenderBudgetExceeded, match=r"more than 0\.5 seconds"), Budget.running():
            sandbox.limited_output(endless.generate())
        with Budget.running():
            assert sandbox.limited_output(quick.generate()) == "2"


def test_the_budget_counts_processor_time_not_time_waiting_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On a busy machine a render waits for the processor: that time is not the template's.
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.2)
    with Budget.running():
        time.sleep(0.4)  # the clock runs past the limit, the processor does not
        Budget.check()
        with pytest.raises(RenderBudgetExceeded, match="seconds of processor time"):
            started = time.thread_time()
            while time.thread_time() - started < 0.4:
                Budget.check()


@given(st.text(alphabet=st.sampled_from("ab \n\\`{}[]:&<>*_|#-"), max_size=60))
def test_the_shortcut_for_plain_text_escapes_as_the_full_escape_does(text: str) -> None:
    assert md_escape(text) == _escaped(text)


def test_remembered_times_keep_their_time_zone() -> None:
    renderer = prepare(load_project(ACME))
    london = dt.datetime(2027, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    tokyo = london.astimezone(ZoneInfo("Asia/Tokyo"))  # the same instant, so equal
    assert london == tokyo
    assert renderer.time(london) != renderer.time(tokyo)
    assert renderer.time(tokyo) == renderer.time(tokyo)


def test_the_sessions_of_a_topic_are_those_of_the_whole_timeline() -> None:
    renderer = prepare(load_project(ACME))
    line = renderer.timeline
    assert line.sessions
    for topic_id in {s.topic.id for s in line.sessions}:
        expected = tuple(s for s in line.sessions if s.topic.id == topic_id)
        assert line.sessions_of(topic_id) == expected
        for s in expected:
            assert line.session(topic_id, s.session.id) is s
    assert line.sessions_of("no-such-topic") == ()


def test_macros_and_translations_called_in_loops_give_what_jinja_gives() -> None:
    # The sandbox calls macros and translations directly; Jinja's own environment calls
    # them through its context. The same templates must print the same text both ways.
    macros = '{% macro item(x, sep="; ") %}[<b>{{ x }}</b>]{{ sep }}{% endmacro %}'
    source = (
        '{% import "macros.txt" as m %}'
        "{% for n in [1, 2] %}{{ m.item(n) }}{{ m.item(n, sep='|') }}"
        '{{ _("Item %(n)s of %(all)s", n=n, all=who) }} {{ _("Done") }}'
        "{% set outer = n %}{% for k in [3] %}{{ m.item(outer ~ k) }}{% endfor %}{% endfor %}"
    )
    # Escaping decided by the template's name, as in the HTML environment: a macro's
    # output is escaped as its caller's is (here HTML), not as where it is defined (text).
    settings: dict[str, Any] = {
        "autoescape": lambda name: bool(name) and name.endswith(".html"),
        "extensions": ["jinja2.ext.i18n"],
        "loader": jinja2.DictLoader({"page.html": source, "page.md": source, "macros.txt": macros}),
    }
    plain = jinja2.Environment(**settings)
    plain.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    ours = DataSandbox(**settings)
    sandbox.install_translations(ours, gettext_module.NullTranslations())
    context = {"who": "Zoë & <Łukasz>"}
    for name in ("page.html", "page.md"):
        expected = plain.get_template(name).render(context)
        assert ours.get_template(name).render(context) == expected
    html = plain.get_template("page.html").render(context)
    assert "[<b>1</b>]" in html and "Zoë &amp; &lt;Łukasz&gt;" in html
    assert "Zoë & <Łukasz>" in plain.get_template("page.md").render(context)


def test_a_template_calling_macros_without_end_off_the_main_thread_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No timer signal outside the main thread: the calls themselves look at the clock.
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.3)
    endless = _env().from_string(
        "{% macro m() %}{% endmacro %}{% set r = [0] * 100000 %}"
        "{% for i in r %}{% for j in r %}{{ m() }}{% endfor %}{% endfor %}"
    )
    raised: list[BaseException] = []

    def render() -> None:
        try:
            with Budget.running():
                sandbox.limited_output(endless.generate())
        except RenderBudgetExceeded as error:
            raised.append(error)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert len(raised) == 1 and "processor time" in str(raised[0])


def test_a_templates_globals_are_the_environments_with_its_own_on_top() -> None:
    env = _env()
    env.globals["who"] = "Ngozi"
    template = env.from_string("{{ who }} {{ where }}", globals={"where": "Lagos"})
    assert template.render() == "Ngozi Lagos"
    assert template.render(who="Aarav") == "Aarav Lagos"  # the render's own data first
    template.globals["who"] = "Søren"  # a template's globals are its own
    assert env.globals["who"] == "Ngozi"
    assert env.from_string("{{ who }}").render() == "Ngozi"


def test_a_traced_render_notes_what_it_reads_by_attribute_item_or_whole() -> None:
    env = DataSandbox(undefined=jinja2.StrictUndefined, finalize=lambda value: value)
    titles, agenda, tags = {"title": "Reels"}, ["Check-in"], ["video"]
    env.owners = {id(titles): "reels", id(agenda): "feeds", id(tags): "tags"}
    cases = {
        "{{ titles.title }}": {"reels"},  # an attribute (here a key, the long way)
        "{{ agenda[0] }}": {"feeds"},  # an item
        "{{ tags }}": {"tags"},  # printed whole
        "{{ titles | length }}": set(),  # its size, not its content
    }
    data = {"titles": titles, "agenda": agenda, "tags": tags}
    for source, expected in cases.items():
        reads: set[str] = set()
        env.reads = reads
        try:
            env.from_string(source).render(data)
        finally:
            env.reads = None
        assert reads == expected, source
    untraced = env.from_string("{{ titles.title }} {{ agenda[0] }} {{ tags }}")
    assert untraced.render(data) == "Reels Check-in ['video']"
    assert "getattr" not in vars(env) and env.reads is None
