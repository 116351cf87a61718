"""Landmark names written into the site's HTML: a reader with scripts off, or before they
run, hears the same names as one with them."""

from __future__ import annotations

import re
from pathlib import Path

from generator.build import BuildOptions, build
from generator.landmarks import name_landmarks

from .conftest import ACME

SECTION = """<nav class="md-nav md-nav--primary" aria-label="Navigation">
<div class="md-nav__link md-nav__container"><a href="t.html">Data &amp; decisions</a>
<label class="md-nav__link" for="__nav_2" id="__nav_2_label" tabindex="0">
<span class="md-nav__icon md-icon"></span></label></div>
<nav class="md-nav" data-md-level="1" aria-labelledby="__nav_2_label" aria-expanded="true">
<label class="md-nav__title" for="__nav_2"><span class="md-nav__icon md-icon"></span>
Data &amp; decisions
</label><ul></ul></nav></nav>"""

TOC = """<nav class="md-nav md-nav--secondary" aria-label="Table of contents"><ul>
<li><a href="#kick-off">Kick-off</a><nav class="md-nav" aria-label="Kick-off"><ul>
<li><a href="#handouts">Handouts</a><nav class="md-nav" aria-label="Handouts"></nav></li>
</ul></nav></li>
<li><a href="#wrap-up">Wrap-up</a><nav class="md-nav" aria-label="Wrap-up"><ul>
<li><a href="#handouts_1">Handouts</a><nav class="md-nav" aria-label="Handouts"></nav></li>
<li><a href="#notes">Notes</a><nav class="md-nav" aria-label="Notes"></nav></li>
</ul></nav></li></ul></nav>"""

ARTICLE = """<title>Whole topic - Site</title><article class="md-content__inner md-typeset">
<h1>Whole topic</h1><table><tr><td>intro</td></tr></table>
<h2 id="kick-off">Kick-off<a class="headerlink" href="#kick-off">¶</a></h2>
<h3 id="agenda">Agenda<a class="headerlink" href="#agenda">¶</a></h3>
<table>
<tr><td>a</td></tr></table>
<h2 id="wrap-up">Wrap-up<a class="headerlink" href="#wrap-up">¶</a></h2>
<h3 id="agenda_1">Agenda<a class="headerlink" href="#agenda_1">¶</a></h3>
<table><tr><td>b</td></tr></table>
<table class="highlighttable"><tr><td>code</td></tr></table>
</article>"""


def _labels(html: str) -> list[str]:
    return re.findall(r'<nav[^>]*aria-label="([^"]*)"', html)


def _regions(html: str) -> list[str]:
    return re.findall(
        r'<div class="mk-table" role="region" tabindex="0" aria-label="([^"]*)">', html
    )


def test_a_section_list_is_named_by_hidden_text_in_its_toggle() -> None:
    html = name_landmarks(SECTION)
    # The theme's script finds the list by its reference to the toggle, which stays.
    assert 'aria-labelledby="__nav_2_label"' in html
    assert re.search(
        r'id="__nav_2_label" tabindex="0"><span class="mk-hidden">Data &amp; decisions</span>',
        html,
    )


def test_repeated_headings_in_a_table_of_contents_say_which_section() -> None:
    html = name_landmarks(TOC)
    assert _labels(html) == [
        "Table of contents",
        "Kick-off",
        "Handouts, Kick-off",
        "Wrap-up",
        "Handouts, Wrap-up",
        "Notes",
    ]


def test_the_two_copies_of_a_table_of_contents_get_the_same_names() -> None:
    html = name_landmarks(SECTION + TOC + TOC)
    names = _labels(html)[1:]  # after the whole navigation's
    assert names[:6] == names[6:]  # one copy is shown at a time


def test_every_table_sits_in_a_named_box() -> None:
    html = name_landmarks(ARTICLE)
    assert _regions(html) == ["Whole topic", "Agenda, Kick-off", "Agenda, Wrap-up"]
    assert "</table></div>" in html
    assert '<table class="highlighttable">' in html and html.count("mk-table") == 3


def test_naming_twice_changes_nothing() -> None:
    page = SECTION + TOC + ARTICLE
    once = name_landmarks(page)
    assert name_landmarks(once) == once


def test_names_are_written_as_attribute_text() -> None:
    html = name_landmarks(
        '<nav aria-label="Tips &quot;&lt;b&gt;&quot;"><nav aria-label="A"></nav></nav>'
        '<nav aria-label="x"><nav aria-label="A"></nav></nav>'
    )
    assert '<nav aria-label="A, Tips &quot;&lt;b&gt;&quot;">' in html


def test_the_built_site_names_its_landmarks_in_its_html(acme_build: Path) -> None:
    _check_site(acme_build / "site")
    script = (acme_build / "site" / "scripts" / "mentorkit.js").read_text(encoding="utf-8")
    assert "aria-label" not in script  # no script names anything any more


def test_a_zensical_site_names_its_landmarks_in_its_html(tmp_path: Path) -> None:
    build(ACME, BuildOptions(out=tmp_path, only=frozenset({"site"}), engine="zensical"))
    _check_site(tmp_path / "site")


def _check_site(site: Path) -> None:
    page = (site / "topics/acme-dashboards/all/whole-topic.html").read_text(encoding="utf-8")
    # The track and the topic: their toggles carry their names.
    toggles = re.findall(r'tabindex="0">\s*<span class="mk-hidden">([^<]+)</span>', page)
    assert "Data for decisions" in toggles
    assert any("dashboard" in name.lower() for name in toggles), toggles
    # Each session's agenda and handouts are named with the session.
    regions = _regions(page)
    assert len(regions) >= 2 and len(set(regions)) == len(regions), regions
    assert all(name.startswith("Agenda, ") for name in regions), regions
    toc = _labels(page)
    handouts = [name for name in toc if name.startswith("Handouts")]
    assert handouts and len(set(handouts)) * 2 == len(handouts), toc  # two copies of the toc
