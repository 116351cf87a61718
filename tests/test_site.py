"""The website: Material for MkDocs builds it strictly, and Zensical builds the same project."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.artefacts import plan
from generator.build import BuildOptions, build
from generator.loader import load_project
from generator.render import Renderer
from generator.schedule import timeline
from generator.site import write_project

from .conftest import ACME


def test_layout_and_pages(acme_build: Path) -> None:
    site = acme_build / "site"
    assert (site / "index.html").is_file()
    for page in (
        "programme/index.html",
        "programme/agreement.html",
        "guides/mentor.html",
        "topics/acme-dashboards/first-look.html",
        "onboarding/acme-induction/kick-off.html",
    ):
        assert (site / page).is_file(), page


def test_the_organisation_brand_reaches_the_site(acme_build: Path) -> None:
    site = acme_build / "site"
    brand = (site / "stylesheets" / "brand.css").read_text()
    assert "--md-primary-fg-color: #00695c;" in brand
    # The amber accent is darkened to keep 4.5:1 on white where it colours text and focus
    # rings; its light tint behind the current page's entry keeps the brand's own amber.
    assert "--md-accent-fg-color: #996b00;" in brand
    assert "--md-accent-fg-color--transparent: #ffb3001a;" in brand
    home = (site / "index.html").read_text()
    assert "stylesheets/brand.css" in home
    assert 'src="assets/logo.svg"' in home
    assert "<title>Acme Reverse Mentoring Pilot</title>" in home


def test_pages_offer_their_pdf_and_the_pdf_is_there(acme_build: Path) -> None:
    site = acme_build / "site"
    page = (site / "topics/acme-dashboards/first-look.html").read_text()
    link = re.search(r'class="md-button mk-download" href="([^"]+)"', page)
    assert link is not None
    target = (site / "topics/acme-dashboards" / link.group(1)).resolve()
    assert target == (site / "downloads/plan-acme-dashboards--first-look.pdf").resolve()
    assert target.is_file()


def test_the_guides_link_each_session_to_its_plan_and_the_feedback_form(
    acme_build: Path,
) -> None:
    site = acme_build / "site"
    plans = {
        "topics/acme-dashboards/first-look.html",
        "topics/acme-dashboards/asking-better-questions.html",
    }
    form = "programme/feedback/after-each-session.html"
    expected = {
        "mentor": plans | {form},
        "mentee": plans | {form},
        "trainer": {"onboarding/acme-induction/kick-off.html"},
    }
    for guide, wanted in expected.items():
        page = (site / "guides" / f"{guide}.html").read_text()
        linked = set()
        for href in re.findall(r'<a href="(\.\./[^"#]+)"', page):
            target = (site / "guides" / href).resolve()
            assert target.is_file(), f"{guide}: {href}"
            linked.add(target.relative_to(site.resolve()).as_posix())
        assert wanted <= linked, f"{guide}: {sorted(wanted - linked)}"


def test_a_topic_page_offers_each_of_its_session_plans(acme_build: Path) -> None:
    site = acme_build / "site"
    page = (site / "topics/acme-dashboards/index.html").read_text()
    links = re.findall(r'class="md-button mk-download" href="([^"]+)" download>([^<]+)<', page)
    assert [title for _, title in links] == [
        "A first look at the dashboard (PDF)",
        "Asking better questions of the numbers (PDF)",
    ]
    for href, _ in links:
        assert (site / "topics/acme-dashboards" / href).resolve().is_file(), href


def test_navigation_is_pruned_to_the_open_section(acme_build: Path) -> None:
    home = (acme_build / "site" / "index.html").read_text()
    # The track is in the navigation, its sessions are not rendered on the home page.
    assert "Data for decisions" in home
    assert "Asking better questions of the numbers" not in home


def test_nothing_is_loaded_from_the_network(acme_build: Path) -> None:
    home = (acme_build / "site" / "index.html").read_text()
    assert "fonts.googleapis.com" not in home
    assert "fonts.gstatic.com" not in home


def test_search_index_is_built(acme_build: Path) -> None:
    index = (acme_build / "site" / "search" / "search_index.json").read_text()
    assert "A first look at the dashboard" in index


def test_generated_mkdocs_yml(tmp_path: Path) -> None:
    project = load_project(ACME)
    line = timeline(project)
    the_plan = plan(project, line)
    renderer = Renderer(project, line, the_plan, pdf=True)
    markdown = {a.key: renderer.markdown(a) for a in the_plan.artefacts}
    config_file = write_project(project, the_plan, markdown, tmp_path / "src", pdfs=True)
    config = yaml.safe_load(config_file.read_text())
    assert config["site_name"] == "Acme Reverse Mentoring Pilot"
    assert config["theme"]["name"] == "material"
    assert "navigation.prune" in config["theme"]["features"]
    assert config["theme"]["font"] is False
    # The navigation every page carries holds the track's page, not its topics...
    assert {"Data for decisions": "tracks/data/index.md"} in config["nav"]
    assert "topics/acme-dashboards/index.md" not in str(config["nav"])
    # ...which the site's hook opens on the topic's own pages.
    local = config["extra"]["mentorkit"]["local_nav"]
    assert local["sections"]["topics/acme-dashboards/index.md"] == {
        "parent": "tracks/data/index.md",
        "title": "Reading the operations dashboard",
        "pages": [
            "topics/acme-dashboards/index.md",
            "topics/acme-dashboards/first-look.md",
            "topics/acme-dashboards/asking-better-questions.md",
            "topics/acme-dashboards/all/whole-topic.md",
            "topics/acme-dashboards/all/key-points.md",
        ],
        "next": None,  # the track's only topic
    }
    assert local["page_section"]["topics/acme-dashboards/first-look.md"] == (
        "topics/acme-dashboards/index.md"
    )
    assert config["validation"]["nav"]["omitted_files"] == "info"
    page = (tmp_path / "src" / "docs" / "topics/acme-dashboards/first-look.md").read_text()
    assert page.startswith("---\ntitle: A first look at the dashboard\n")
    assert "pdf: downloads/plan-acme-dashboards--first-look.pdf" in page


def test_zensical_gets_the_whole_navigation(tmp_path: Path) -> None:
    # Zensical runs no MkDocs hooks and renders navigation cheaply: it gets every topic.
    project = load_project(ACME)
    line = timeline(project)
    the_plan = plan(project, line)
    renderer = Renderer(project, line, the_plan, pdf=True)
    markdown = {a.key: renderer.markdown(a) for a in the_plan.artefacts}
    config_file = write_project(
        project, the_plan, markdown, tmp_path / "src", pdfs=True, engine="zensical"
    )
    config = yaml.safe_load(config_file.read_text())
    track = next(entry for entry in config["nav"] if "Data for decisions" in entry)
    assert track["Data for decisions"][0] == "tracks/data/index.md"
    topic = track["Data for decisions"][1]["Reading the operations dashboard"]
    assert topic[0] == "topics/acme-dashboards/index.md"
    assert {"A first look at the dashboard": "topics/acme-dashboards/first-look.md"} in topic
    assert "local_nav" not in config["extra"]["mentorkit"]
    assert config["validation"]["nav"]["omitted_files"] == "warn"


def _sidebar(page: Path) -> list[str]:
    """The labels of the navigation a reader sees on the left of a page."""
    html = page.read_text()
    nav = html[html.index("md-nav--primary") : html.index("md-sidebar--secondary")]
    return [
        " ".join(label.split())
        for label in re.findall(r'<span class="md-ellipsis">(.*?)</span>', nav, re.S)
    ]


def test_a_topic_page_shows_its_track_topic_and_sessions(acme_build: Path) -> None:
    site = acme_build / "site"
    session = _sidebar(site / "topics/acme-dashboards/first-look.html")
    for label in (
        "Programme",
        "Data for decisions",
        "Reading the operations dashboard",
        "A first look at the dashboard",
        "Asking better questions of the numbers",  # the other session of the topic
        "The whole topic",
        "Key points",
        "Topic library",
    ):
        assert label in session
    overview = _sidebar(site / "topics/acme-dashboards/index.html")
    assert "Asking better questions of the numbers" in overview
    # Elsewhere the track is one entry: no topic, no session.
    for page in ("index.html", "library/index.html", "programme/agreement.html"):
        labels = _sidebar(site / page)
        assert "Data for decisions" in labels
        assert "Reading the operations dashboard" not in labels
        assert "A first look at the dashboard" not in labels


def _footer(page: Path) -> list[tuple[str, str]]:
    """The footer's Previous and Next links: (label, href)."""
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)" class="md-footer__link[^"]*" aria-label="([^"]+)"', html)
    return [(label, href) for href, label in links]


def test_previous_and_next_step_through_a_topic(acme_build: Path) -> None:
    # The topic's pages are not in the navigation of every page, yet a reader steps from
    # the track to the topic, through its sessions, to the whole topic and its key points.
    topic = acme_build / "site" / "topics" / "acme-dashboards"
    assert _footer(topic / "index.html") == [
        ("Previous: Data for decisions", "../../tracks/data/index.html"),
        ("Next: A first look at the dashboard", "first-look.html"),
    ]
    assert _footer(topic / "first-look.html") == [
        ("Previous: Reading the operations dashboard", "index.html"),
        ("Next: Asking better questions of the numbers", "asking-better-questions.html"),
    ]
    assert _footer(topic / "all" / "key-points.html")[0] == (
        "Previous: The whole topic",
        "whole-topic.html",
    )


def test_zensical_builds_the_same_project(tmp_path: Path) -> None:
    build(ACME, BuildOptions(out=tmp_path, only=frozenset({"site"}), engine="zensical"))
    site = tmp_path / "site"
    page = (site / "topics/acme-dashboards/first-look.html").read_text()
    assert "A first look at the dashboard" in page
    assert "Digital mentor" in page
    assert (site / "stylesheets/brand.css").is_file()


FRENCH_PROGRAMME = """
    id: mini
    title: Programme mini
    locale: fr
    schedule: {start: 2027-01-12, cadence: weekly, time: "15:00", timezone: Europe/Paris, session_minutes: 60}
    tracks:
      - {id: main, title: Principal, topics: [petit, short-form-video]}
    """
PETIT_TOPIC = """
    id: petit
    title: Un petit sujet
    area: digital-tools
    summary: Petit mais complet.
    objectives: [Expliquer une chose]
    sessions:
      - id: seule
        title: La seule séance
        minutes: 60
        objectives: [Expliquer une chose]
        agenda:
          - {title: Accueil, minutes: 5, kind: check-in}
          - {title: Essayer, minutes: 50, lead: mentee, kind: hands-on}
          - {title: Suite, minutes: 5, kind: next-steps}
    """


def test_a_topic_in_another_language_than_the_site_is_marked(tree, tmp_path: Path) -> None:
    project = tree({"program.yaml": FRENCH_PROGRAMME, "topics/petit.yaml": PETIT_TOPIC})
    build(project, BuildOptions(out=tmp_path / "dist", only=frozenset({"site"})))
    site = tmp_path / "dist" / "site"
    english = (site / "topics/short-form-video/how-the-feed-works.html").read_text()
    assert '<html lang="fr"' in english
    assert '<div lang="en">' in english
    assert re.search(r'<h2 id="[^"]*" lang="fr">Objectifs', english)
    assert re.search(r'<th [^>]*lang="fr">', english)
    french = (site / "topics/petit/seule.html").read_text()
    assert 'lang="en"' not in french


def test_a_topic_language_must_be_a_language_code(tree) -> None:
    from .conftest import problems_of

    topic = PETIT_TOPIC.replace("area: digital-tools", "language: english\n    area: digital-tools")
    project = tree({"program.yaml": FRENCH_PROGRAMME, "topics/petit.yaml": topic})
    assert problems_of(project) == [
        "topics/petit.yaml:3:11: language: 'english' is not a language code; "
        "use a code such as en, fr, de or pt-BR"
    ]
