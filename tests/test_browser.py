"""The built site in a real browser: Debian's Chromium, driven by Playwright, with axe-core.

Every page of the default programme and of the acme project is checked by axe-core at a
desktop and a phone width, served over HTTP from a sub-path (as on an intranet); the acme
site is also opened from disk (file://), where every link must land on a page and search
must run, and built with Zensical, which must keep the brand colours and contrast. Set up
by `make test` (scripts/system-deps.py installs Chromium, npm installs axe-core); when
either is missing the test fails and says what to run, it never skips.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from generator.build import BuildOptions, build
from generator.site import contrast

from .conftest import ACME

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SUB_PATH = "/intranet/mentoring/"  # where the test server puts a site
ACME_PRIMARY = "rgb(0, 105, 92)"  # #00695c, tests/fixtures/acme/program.yaml

pytestmark = pytest.mark.slow


# --- the browser, the sites and a server --------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium for the module, with a fresh profile."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `make test` (as root it installs "
            "Debian's chromium package), or `apt-get install chromium`"
        )
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make test` (it runs `npm ci`)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default") / "dist"
    build(None, BuildOptions(out=out, only=frozenset({"site"}), workers=2))
    return out / "site"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zensical") / "dist"
    build(ACME, BuildOptions(out=out, only=frozenset({"site"}), engine="zensical", workers=2))
    return out / "site"


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves sites below SUB_PATH + name + "/"; anything else gets the site's 404 page."""

    sites: dict[str, Path] = {}  # noqa: RUF012 - set once per server

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        for name, root in self.sites.items():
            prefix = f"{SUB_PATH}{name}/"
            if path.startswith(prefix):
                target = (root / path.removeprefix(prefix)).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if target.is_relative_to(root.resolve()) and target.is_file():
                    return self._send(200, target)
                return self._send(404, root / "404.html")
        self.send_error(404)
        return None

    def _send(self, status: int, file: Path) -> None:
        body = file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(acme_build: Path, default_site: Path, zensical_site: Path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 only, serving the three sites from a sub-path."""
    handler = functools.partial(_SubPathHandler)
    _SubPathHandler.sites = {
        "acme": acme_build / "site",
        "default": default_site,
        "zensical": zensical_site,
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{SUB_PATH}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


# --- axe-core ---------------------------------------------------------------------------

#: Moderate findings checked as well: two landmarks of one role with the same name (or
#: none) leave a screen reader's list of landmarks with entries nobody can tell apart.
MODERATE = ["landmark-unique"]

_AXE_RUN = """async (moderate) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical" || moderate.includes(v.id))
    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`);
}"""


def serious_violations(browser: Any, base: str, pages: list[str]) -> list[str]:
    """axe-core's serious and critical findings on each page, and the `MODERATE` ones, at
    desktop then phone width."""
    axe = AXE.read_text(encoding="utf-8")
    found = []
    tab = browser.new_page()
    try:
        for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
            tab.set_viewport_size(size)
            for page in pages:
                tab.goto(base + page)
                tab.add_script_tag(content=axe)
                found += [f"{page} ({width}) {v}" for v in tab.evaluate(_AXE_RUN, MODERATE)]
    finally:
        tab.close()
    return found


def test_every_page_of_the_default_programme_passes_axe(
    browser: Any, server: str, default_site: Path
) -> None:
    pages = pages_of(default_site)
    assert len(pages) > 40
    assert serious_violations(browser, server + "default/", pages) == []


def test_every_page_of_an_organisation_site_passes_axe(
    browser: Any, server: str, acme_build: Path
) -> None:
    pages = pages_of(acme_build / "site")
    assert "programme/feedback/02-evaluation.html" in pages
    assert serious_violations(browser, server + "acme/", pages) == []


def test_zensical_passes_axe_and_keeps_the_brand(
    browser: Any, server: str, zensical_site: Path
) -> None:
    assert serious_violations(browser, server + "zensical/", pages_of(zensical_site)) == []
    tab = browser.new_page()
    try:
        tab.set_viewport_size(DESKTOP)
        tab.goto(server + "zensical/topics/acme-dashboards/first-look.html")
        assert _style(tab, ".md-header", "backgroundColor") == ACME_PRIMARY
        active = tab.locator(".md-nav--primary .md-nav__link--active").first
        colour = active.evaluate("e => getComputedStyle(e).color")
        ground = active.evaluate("e => getComputedStyle(e).backgroundColor")
        assert contrast(_hex(colour), _flatten(ground)) >= 4.5
    finally:
        tab.close()


@pytest.mark.parametrize("site", ["acme", "zensical"])
def test_on_a_phone_the_closed_drawer_is_out_of_the_tab_order(
    browser: Any, server: str, site: str
) -> None:
    tab = browser.new_page()
    try:
        tab.set_viewport_size({"width": 390, "height": 844})
        tab.goto(server + f"{site}/guides/mentor.html")
        in_drawer = "() => !!document.activeElement.closest('.md-sidebar--primary')"
        reached = []
        for _ in range(40):
            tab.keyboard.press("Tab")
            reached.append(tab.evaluate(in_drawer))
        assert not any(reached)
        # Opened, its links are there to reach.
        tab.locator("label.md-header__button[for=__drawer]").click()
        link = tab.locator(".md-sidebar--primary a.md-nav__link").first
        link.wait_for(state="visible")
        link.focus()
        assert tab.evaluate(in_drawer)
    finally:
        tab.close()


# --- served from a sub-path, opened from disk ---------------------------------------------


@pytest.mark.parametrize("site", ["acme", "zensical"])
def test_the_404_page_works_under_a_sub_path(browser: Any, server: str, site: str) -> None:
    tab = browser.new_page()
    # As for a reader new to the site: the page asks every folder above the address.
    tab.add_init_script("localStorage.removeItem('mentorkit.roots')")
    try:
        tab.set_viewport_size(DESKTOP)
        response = tab.goto(server + f"{site}/no/such/page.html")
        assert response is not None
        assert response.status == 404
        assert "404" in tab.locator("h1").first.inner_text()
        assert _style(tab, ".md-header", "backgroundColor") == ACME_PRIMARY
        assert _style(tab, "body", "margin") == "0px"  # the theme's own sheet applies
        # Its links, logo and scripts are the site's, below the sub-path.
        root = f"{server}{site}/"
        tab.wait_for_function("site => document.baseURI.endsWith(`/${site}/`)", arg=site)
        logo = tab.locator(".md-header .md-logo img")
        logo.wait_for(state="attached")
        tab.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=logo.element_handle())
        links = tab.eval_on_selector_all(".md-nav--primary a[href]", "els => els.map(e => e.href)")
        assert len(links) > 3
        for link in links:
            assert link.startswith(root), link
            assert tab.request.get(link).status == 200, link
        tab.locator(".md-nav--primary a[href]", has_text="Home").first.click()
        tab.wait_for_url(root + "index.html")
    finally:
        tab.close()


@pytest.mark.parametrize("site", ["acme", "zensical"])
def test_the_404_page_finds_its_root_with_no_failed_request_when_it_can(
    browser: Any, server: str, site: str
) -> None:
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(f"{m.location.get('url')}: {m.text}"))
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    root = f"{server}{site}/"
    try:
        tab.set_viewport_size(DESKTOP)
        # An old link into the site: the folder above "topics" is asked first, and is it.
        tab.add_init_script("localStorage.removeItem('mentorkit.roots')")
        _open_404(tab, root, "topics/gone/page.html")
        # A reader who has read a page of the site: its root is asked first, and is it.
        tab = _fresh(tab, errors)
        tab.goto(root + "guides/mentor.html")
        _open_404(tab, root, "no/such/page.html")
        # Only the page asked for is missing (its 404 comes from the server, as it should).
        assert [e for e in errors if "page.html" not in e] == []
        # A section's toggle opens and closes its list (the theme's script finds the list
        # by its name's reference, which must stay).
        tab.goto(root + "topics/acme-dashboards/first-look.html")
        toggle = tab.locator(".md-sidebar--primary label.md-nav__link[tabindex='0']").first
        listed = tab.locator(f"nav[aria-labelledby='{toggle.get_attribute('id')}']")
        assert listed.get_attribute("aria-expanded") == "true"
        toggle.click()
        tab.wait_for_function(
            "e => e.getAttribute('aria-expanded') === 'false'", arg=listed.element_handle()
        )
        assert [e for e in errors if "page.html" not in e] == []
    finally:
        tab.close()


def _fresh(tab: Any, errors: list[str]) -> Any:
    """A new tab that keeps the site's storage (the last one cleared it on every page)."""
    context = tab.context
    tab.close()
    tab = context.new_page()
    tab.set_viewport_size(DESKTOP)
    tab.on("console", lambda m: errors.append(f"{m.location.get('url')}: {m.text}"))
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    return tab


def _open_404(tab: Any, root: str, address: str) -> None:
    response = tab.goto(root + address)
    assert response is not None and response.status == 404
    tab.wait_for_function("root => document.baseURI === root && 'document$' in window", arg=root)
    logo = tab.locator(".md-header .md-logo img")
    tab.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=logo.element_handle())


def test_search_works_on_the_404_page_under_a_sub_path(browser: Any, server: str) -> None:
    tab = browser.new_page()
    try:
        tab.set_viewport_size(DESKTOP)
        tab.goto(server + "acme/no/such/page.html")
        # Once the page has found its root and the theme has started: the query is then
        # given whole, so the first result is the first for "dashboard", not for "dash"
        # (typed letter by letter on a busy machine, an early query's results came first).
        tab.wait_for_function("() => document.baseURI.endsWith('/acme/') && 'document$' in window")
        search = tab.locator(".md-search__input")
        search.click()
        search.fill("dashboard")
        search.press("End")  # the theme searches on a key's release
        result = tab.locator(".md-search-result__item a").first
        result.wait_for(timeout=10_000)
        assert result.evaluate("a => a.href").startswith(server + "acme/topics/")
    finally:
        tab.close()


def test_opened_from_disk_every_link_lands_on_a_page(browser: Any, acme_build: Path) -> None:
    site = (acme_build / "site").resolve()
    tab = browser.new_page()
    broken = []
    try:
        # The 404 page is shown by a server at any address: its links are absolute.
        for page in [p for p in pages_of(site) if p != "404.html"]:
            tab.goto((site / page).as_uri())
            links = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for link in links:
                parts = urlsplit(link)
                if parts.scheme != "file":
                    continue
                target = Path(unquote(parts.path))
                if not target.is_file():
                    broken.append(f"{page} → {link}")
        # And a reader gets there by clicking: a folder listing has no navigation.
        tab.goto((site / "index.html").as_uri())
        tab.locator(".md-content a", has_text="guide").first.click()
        tab.wait_for_load_state()
        assert tab.url.endswith(".html")
        assert tab.locator(".md-nav").count() > 0
    finally:
        tab.close()
    assert broken == []


def test_opened_from_disk_search_finds_a_page(browser: Any, acme_build: Path) -> None:
    site = (acme_build / "site").resolve()
    tab = browser.new_page()
    try:
        tab.set_viewport_size(DESKTOP)
        tab.goto((site / "index.html").as_uri())
        tab.locator(".md-search__input").click()
        tab.keyboard.type("dashboard")
        result = tab.locator(".md-search-result__item").first
        result.wait_for(timeout=10_000)
        assert "dashboard" in result.inner_text().lower()
        assert tab.locator(".md-search-result__meta").inner_text()[0].isdigit()
    finally:
        tab.close()


# --- what the pages say ---------------------------------------------------------------------


def test_search_snippets_keep_words_apart(default_site: Path) -> None:
    index = json.loads((default_site / "search" / "search_index.json").read_text())
    texts = [doc["text"] for doc in index["docs"]]
    # A session plan's meta line breaks before its date; the agenda before a step's notes.
    assert any(re.search(r"\d min Tuesday", text) for text in texts)
    assert not [t for t in texts if re.search(r"\b(?:min|hour|hours)(?:Monday|Tuesday)", t)]
    assert not [t for t in texts if "check-inAsk" in t]


def test_zensical_search_snippets_keep_words_apart(zensical_site: Path) -> None:
    # Zensical runs no hooks: the pages' own HTML must leave a space after a line break.
    index = json.loads((zensical_site / "search.json").read_text(encoding="utf-8"))
    texts = [re.sub(r"<[^>]+>", "", item["text"]) for item in index["items"]]
    assert any(re.search(r"\d min Tuesday", text) for text in texts)
    assert any("Check-in What" in text for text in texts)  # a step of the agenda, its notes
    assert not [t for t in texts if re.search(r"\b(?:min|hour|hours)(?:Monday|Tuesday)", t)]
    assert not [t for t in texts if "Check-inWhat" in t]


def test_every_form_keeps_its_tick_boxes_apart_from_the_words(
    browser: Any, server: str, acme_build: Path
) -> None:
    forms = sorted((acme_build / "site" / "programme" / "feedback").glob("*.html"))
    assert forms
    tab = browser.new_page()
    try:
        tab.set_viewport_size(DESKTOP)
        for form in forms:
            tab.goto(f"{server}acme/programme/feedback/{form.name}")
            label = tab.locator(".choices .field-label").first
            box = tab.locator(
                ".choices .field-label + * input, .choices .field-label ~ label input"
            )
            gap = box.first.bounding_box()["x"] - _right(label.bounding_box())
            assert gap >= 8, f"{form.name}: the first tick box is {gap:.1f}px from its words"
            text = tab.locator(".choices").first.inner_text()
            assert re.match(r"I am the\s+\S", text), text
    finally:
        tab.close()


# --- helpers --------------------------------------------------------------------------------


def _style(tab: Any, selector: str, prop: str) -> str:
    return str(tab.locator(selector).first.evaluate(f"e => getComputedStyle(e).{prop}"))


def _right(box: dict[str, float]) -> float:
    return box["x"] + box["width"]


def _channels(css: str) -> list[float]:
    return [float(v) for v in re.findall(r"[\d.]+", css)]


def _hex(css: str) -> str:
    r, g, b = (round(c) for c in _channels(css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _flatten(css: str) -> str:
    """A CSS colour with alpha, as it shows on a white page."""
    values = _channels(css)
    alpha = values[3] if len(values) > 3 else 1.0
    r, g, b = (round(c * alpha + 255 * (1 - alpha)) for c in values[:3])
    return f"#{r:02x}{g:02x}{b:02x}"
