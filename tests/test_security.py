"""Hostile input cannot hurt: every file in tests/hostile/ (and the larger ones made here)
is made harmless or refused with a located message; nothing runs, hangs, or reads or
writes outside the project and its output folder."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import icalendar
import markdown
import pikepdf
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import sandbox
from generator.build import BuildOptions, build, rehearse
from generator.calendar import lines, one_line
from generator.cli import cli
from generator.errors import BuildError, InvalidProject, UsageError
from generator.loader import load_project
from generator.markup import EXTENSIONS, link_targets, md_escape, sanitize
from generator.pdf import files_digest
from generator.terminal import literal, markup
from generator.yamlsource import Source, load

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder, problems_of

HOSTILE = Path(__file__).parent / "hostile"


def hostile(name: str) -> str:
    return (HOSTILE / name).read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def project_with_home(tree: TreeBuilder, template: str) -> Path:
    return tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/site/home.md.j2": template,
        }
    )


def template_error(tree: TreeBuilder, template: str) -> str:
    with pytest.raises(BuildError) as caught:
        rehearse(load_project(project_with_home(tree, template)))
    return str(caught.value)


# --- templates see data, not objects ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "code-execution.md.j2",
            "templates/site/home.md.j2:1: access to attribute 'parse_raw' of 'Programme' "
            "object is unsafe.",
        ),
        (
            "read-a-file.md.j2",
            "templates/site/home.md.j2:1: access to attribute 'parse_file' of 'Programme' "
            "object is unsafe.",
        ),
        (
            "dunder-escape.md.j2",
            "templates/site/home.md.j2:1: access to attribute '__init__' of 'type' "
            "object is unsafe.",
        ),
        (
            "model-method.md.j2",
            "templates/site/home.md.j2:1: access to attribute 'model_dump_json' of "
            "'Programme' object is unsafe.",
        ),
        (
            "path-method.md.j2",
            "templates/site/home.md.j2:1: access to attribute '__class__' of 'Session' "
            "object is unsafe.",
        ),
        (
            "undefined.md.j2",
            "templates/site/home.md.j2:1: 'generator.model.Programme object' has no "
            "attribute 'no_such_field'",
        ),
    ],
)
def test_templates_reach_no_method_of_any_object(
    tree: TreeBuilder, tmp_path: Path, name: str, message: str
) -> None:
    assert template_error(tree, hostile(f"templates/{name}")) == message
    assert not Path("/tmp/pwned").exists()


def test_templates_still_read_data_and_the_listed_helpers(tree: TreeBuilder) -> None:
    root = project_with_home(
        tree,
        "{{ programme.title }} | {{ timeline.sessions[0].topic.title }} | "
        "{{ timeline.checkpoints_after(1) | length }} | {{ topics.values() | list | length }}\n",
    )
    from .conftest import renderer_for

    renderer = renderer_for(root)
    text = renderer.markdown(renderer.plan.by_key("home"))
    assert text.startswith("Mini programme | A tiny topic | 0 | ")


def test_validate_reports_a_template_that_build_would_stop_on(tree: TreeBuilder) -> None:
    root = project_with_home(tree, hostile("templates/code-execution.md.j2"))
    code, _out, err = run("validate", str(root))
    assert code == 1
    assert "templates/site/home.md.j2:1: access to attribute 'parse_raw'" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("division.md.j2", "templates/site/home.md.j2:1: division by zero"),
        (
            "recursion.md.j2",
            "templates/site/home.md.j2:1: the template calls itself without end (a macro or "
            "include that repeats itself?)",
        ),
        (
            "big-range.md.j2",
            "templates/site/home.md.j2:1: range() of 1,000,000 numbers is too long for a "
            "template (at most 100,000)",
        ),
        (
            "string-product.md.j2",
            "templates/site/home.md.j2:1: `*` would make a text or list of 10,000,000,000 "
            "items; the limit is 5,000,000",
        ),
        (
            "power.md.j2",
            "templates/site/home.md.j2:1: the power 10000000000 is too large for a template",
        ),
        (
            "include-outside.md.j2",
            "templates/site/home.md.j2:2: the template '../../program.yaml' is outside the "
            "templates folder: a template includes only other templates, by their path in "
            "templates/, such as partials/form.md.j2",
        ),
        ("lipsum.md.j2", "templates/site/home.md.j2:2: 'lipsum' is undefined"),
        (
            "include-missing.md.j2",
            "templates/site/home.md.j2:2: the template 'partials/no-such-partial.md.j2' was "
            "not found: name it by its path in templates/, such as partials/form.md.j2",
        ),
    ],
)
def test_every_template_failure_is_located(tree: TreeBuilder, name: str, message: str) -> None:
    assert template_error(tree, hostile(f"templates/{name}")) == message


def test_a_template_that_never_ends_is_stopped(
    tree: TreeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 1.0)
    message = template_error(tree, hostile("templates/endless-loop.md.j2"))
    assert message == (
        "templates/site/home.md.j2:1: the template ran for more than 1 seconds of processor "
        "time and was stopped (a loop that does not end, or one that repeats too often?)"
    )


def test_a_template_that_eats_memory_is_stopped(
    tree: TreeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "MEMORY_LIMIT", 50 * 2**20)
    message = template_error(tree, hostile("templates/memory-eater.md.j2"))
    assert message.startswith("templates/site/home.md.j2:1: the template used more than 50 MB")


def test_a_template_that_writes_too_much_is_stopped(
    tree: TreeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "OUTPUT_LIMIT", 2_000_000)
    message = template_error(tree, hostile("templates/huge-output.md.j2"))
    assert message == (
        "templates/site/home.md.j2:1: the template produced more than 2 million characters "
        "and was stopped"
    )


# --- escaping at every boundary -----------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: set[str] = set()
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for key, value in attrs:
            self.attributes.add(key)
            if key in ("href", "src") and value is not None:
                self.links.append(value)


def parsed(html: str) -> _Tags:
    found = _Tags()
    found.feed(html)
    return found


def convert(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize(
    "text",
    [
        "\\`<img src=x onerror=alert(1)>\\`",  # a backslash stops a code span
        '[a](https://x.org){: onclick="alert(1)" }',  # an attribute list
        "## Title {: #x onclick=alert(1) }",
        "[x][r]\n\n[r]: javascript:alert(1)",  # a reference defined by the user
        "<javascript:alert(1)>",  # an autolink
        "`code` <script>alert(1)</script> ``a ` b``",
    ],
)
def test_user_markdown_cannot_make_html(text: str) -> None:
    html = convert(md_escape(text))
    found = parsed(html)
    assert found.tags <= {"p", "a", "code", "h2"}, html
    assert found.attributes <= {"href", "id"}, html
    assert all(link.startswith("https://") for link in found.links), html


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="<>&`\\{}[]():#!\"'= \njavascript.xhtps/a*_|-", max_size=80),
    st.text(max_size=40),
)
def test_user_text_makes_no_tag_attribute_or_link_beyond_its_own(first: str, second: str) -> None:
    """Any two texts on one page: no raw tag, no attribute list, and no link that one of
    them does not make on its own (a reference defined in one cannot serve the other)."""
    html = convert(md_escape(first) + "\n\n" + md_escape(second))
    found = parsed(html)
    markdown_tags = {
        "p",
        "a",
        "code",
        "em",
        "strong",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "hr",
        "br",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
        "div",
    }
    assert found.tags <= markdown_tags, html
    assert found.attributes <= {"href", "id", "title", "style", "class", "start"}, html
    own = set(link_targets(first)[0]) | set(link_targets(second)[0])
    assert set(found.links) <= own, html


def test_the_sanitiser_keeps_markup_and_drops_code() -> None:
    html = (
        '<p class="a" onclick="x()">Hi <a href="javascript:alert(1)">x</a> '
        '<a href="https://example.org" title="t">ok</a><script>alert(1)</script></p>'
        '<img src="file:///etc/passwd"><table><tr><td style="text-align: left; '
        'background: url(https://t.example)">c</td></tr></table>'
    )
    assert sanitize(html) == (
        '<p class="a">Hi <a>x</a> <a href="https://example.org" title="t">ok</a></p>'
        '<table><tbody><tr><td style="text-align:left">c</td></tr></tbody></table>'
    )


def test_links_are_checked_as_markdown_reads_them(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": hostile("bad-links-topic.yaml"),
        }
    )
    assert problems_of(root) == [
        "topics/tiny.yaml:4:10: the link '<JavaScript:alert(2)>' is not allowed: links must "
        "start with https://, http:// or mailto:",
        "topics/tiny.yaml:4:10: the link 'javascript:alert(1)' is not allowed: links must "
        "start with https://, http:// or mailto:",
        "topics/tiny.yaml:5:14: pictures (`![...](...)`) are not allowed in text; put a link "
        "to the picture instead, or add it to a template of your own",
        "topics/tiny.yaml:13:75: the link 'data:text/html;base64,PHNjcmlwdD4=' is not "
        "allowed: links must start with https://, http:// or mailto:",
    ]


@pytest.mark.slow
def test_a_hostile_project_builds_harmless(tree: TreeBuilder, tmp_path: Path) -> None:
    """Script in every name and text: the site (both engines), the PDFs and the calendar
    show it as text; nothing in them runs or links to `javascript:`."""
    root = tree(
        {
            "program.yaml": hostile("xss-programme.yaml"),
            "topics/tiny.yaml": hostile("xss-topic.yaml"),
        }
    )
    out = tmp_path / "dist"
    build(root, BuildOptions(out=out, workers=1))
    zensical = tmp_path / "zensical"
    build(root, BuildOptions(out=zensical, only=frozenset({"site"}), engine="zensical"))
    pages = [*(out / "site").rglob("*.html"), *(zensical / "site").rglob("*.html")]
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = parsed(text)
        assert not [a for a in found.attributes if a.startswith("on")], page
        assert not [u for u in found.links if u.strip().lower().startswith("javascript")], page
        for raw in ("<script>alert", "<img src=x", "<b onmouseover"):
            assert raw not in text, page
    home = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert (
        "<title>Mini &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; [/] 2027</title>"
        in home
    )
    for pdf_file in (out / "pdf").glob("*.pdf"):
        with pikepdf.open(pdf_file) as document:
            for page in document.pages:
                for annotation in page.get("/Annots", []):
                    action = annotation.get("/A")
                    uri = str(action.get("/URI", "")) if action is not None else ""
                    assert not uri.lower().startswith("javascript"), (pdf_file, uri)
    ics = icalendar.Calendar.from_ical((out / "calendar" / "evil.ics").read_bytes())
    assert str(ics["X-WR-CALNAME"]) == 'Mini <script>alert(1)</script> "quoted" [/] 2027'


# --- the output folder is mentorkit's own ---------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_folder_of_the_users_own_is_never_written(tree: TreeBuilder, tmp_path: Path) -> None:
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    home = tmp_path / "home"
    (home / "site" / "blog").mkdir(parents=True)
    (home / "site" / "blog" / "index.html").write_text("my blog")
    (home / "calendar").mkdir()
    (home / "calendar" / "family.ics").write_text("BEGIN:VCALENDAR")
    before = snapshot(home)
    code, _out, err = run("build", str(root), "--out", str(home), "--only", "calendar")
    assert code == 1
    assert err.strip() == (
        f"error: {home}: this folder already holds files that mentorkit did not make, and a "
        "build would replace some of them; build into a new or empty folder instead (for "
        f"example --out {home / 'mentorkit'})"
    )
    assert snapshot(home) == before
    assert sorted(p.name for p in home.iterdir()) == ["calendar", "site"]


def test_a_killed_build_leaves_nothing_the_next_one_keeps(
    tree: TreeBuilder, tmp_path: Path
) -> None:
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    out = tmp_path / "dist"
    build(root, BuildOptions(out=out, only=frozenset({"calendar"})))
    left = out / ".mentorkit" / "build-killed"
    (left / "pairs" / "a-b").mkdir(parents=True)
    (left / "pairs" / "a-b" / "pack.pdf").write_text("personal data")
    older = out / ".mentorkit-build-old"
    older.mkdir()
    build(root, BuildOptions(out=out, only=frozenset({"calendar"})))
    assert not left.exists()
    assert not older.exists()
    # What is left is the build's own bookkeeping: its lock, manifest, compiled templates
    # and pages.
    kept = sorted(p.name for p in (out / ".mentorkit").iterdir())
    assert kept == ["lock", "manifest.json", "pages.json", "templates"]


def test_packs_never_go_into_the_project(tree: TreeBuilder, tmp_path: Path) -> None:
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email,role,department,timezone,availability\n")
    with pytest.raises(UsageError) as caught:
        build(root, BuildOptions(out=root / "dist", roster=roster))
    assert str(caught.value).startswith(
        f"{root / 'dist'}: packs and certificates are personal data; build them into a folder "
        "outside the project folder"
    )
    assert not (root / "dist").exists()


# --- inside the project means inside -------------------------------------------------------


def test_links_out_of_the_project_are_refused_unread(tree: TreeBuilder, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "topic.yaml").write_text(TINY_TOPIC.replace("id: tiny", "id: stolen"))
    (outside / "secret.md.j2").write_text("root:x:0:0:secret")
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    (root / "topics" / "passwd.yaml").symlink_to("/etc/passwd")
    (root / "topics" / "stolen.yaml").symlink_to(outside / "topic.yaml")
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "home.md.j2").symlink_to(outside / "secret.md.j2")
    (root / "templates" / "everything").symlink_to("/")
    problems = problems_of(root)
    link = (
        "this is a link to a place outside the project or pack, which mentorkit does not "
        "read; copy the file itself into the folder instead"
    )
    assert problems == [
        f"templates/everything:1:1: {link}",
        f"templates/site/home.md.j2:1:1: {link}",
        f"topics/passwd.yaml:1:1: {link}",
        f"topics/stolen.yaml:1:1: {link}",
    ]
    assert not any("root:" in line for line in problems)


def test_a_template_link_is_refused_when_rendering_too(tree: TreeBuilder, tmp_path: Path) -> None:
    from generator.render import ContainedLoader

    (tmp_path / "secret.txt").write_text("secret")
    folder = tree({"templates/site/x.md.j2": "ok"}) / "templates"
    (folder / "site" / "leak.md.j2").symlink_to(tmp_path / "secret.txt")
    loader = ContainedLoader([folder])
    assert loader.get_source(None, "site/x.md.j2")[0] == "ok"  # type: ignore[arg-type]
    with pytest.raises(BuildError) as caught:
        loader.get_source(None, "site/leak.md.j2")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "templates/site/leak.md.j2: this file is a link to a place outside its folder; copy "
        "the file itself into the project instead"
    )


def test_file_addresses_in_text_open_nothing_outside(tmp_path: Path) -> None:
    inside = tmp_path / "logo.png"
    inside.write_bytes(b"one")
    text = f"file:///proc/self/mem file:///dev/zero {inside.as_uri()}"
    first = files_digest(text, roots=(str(tmp_path),))
    inside.write_bytes(b"two")
    assert files_digest(text, roots=(str(tmp_path),)) != first  # inside: read
    assert files_digest("file:///proc/self/mem", roots=(str(tmp_path),)) == files_digest(
        "file:///proc/self/mem", roots=()
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "logo-with-script.svg",
            [
                "assets/logo.svg:1:64: the SVG holds a <script> element, which could run code; "
                "remove it"
            ],
        ),
        (
            "logo-with-handler.svg",
            [
                "assets/logo.svg:1:1: the SVG has an event handler (onload), which could run "
                "code; remove it"
            ],
        ),
        (
            "logo-with-link.svg",
            [
                "assets/logo.svg:1:107: the SVG links to another file or page, which a reader's "
                "browser would load; embed the picture in the SVG instead"
            ],
        ),
        (
            "logo-entities.svg",
            [
                "assets/logo.svg:2:1: the SVG declares a DOCTYPE or entities; save it again as plain SVG"
            ],
        ),
        (
            "logo-utf16-entities.svg",  # the DOCTYPE is in UTF-16: no byte reads <!DOCTYPE
            [
                "assets/logo.svg:2:1: the SVG declares a DOCTYPE or entities; save it again as plain SVG"
            ],
        ),
        (
            "logo-stylesheet.svg",
            [
                "assets/logo.svg:2:1: the SVG holds a processing instruction "
                "(<?xml-stylesheet …?>), which could load a style sheet from elsewhere; remove it"
            ],
        ),
        (
            "logo-css-escape.svg",  # \\75 rl( is url( to a browser
            [
                "assets/logo.svg:2:3: the SVG's style sheet loads something from elsewhere; "
                "remove the url()",
                "assets/logo.svg:3:3: the SVG's style loads something from elsewhere; remove "
                "the url()",
            ],
        ),
        (
            "logo-url-in-attribute.svg",
            [
                "assets/logo.svg:2:3: the SVG's `fill` attribute loads something from elsewhere "
                "(url(…)); only url(#…), a part of the SVG itself, is allowed"
            ],
        ),
        (
            "logo-animated-link.svg",
            [
                "assets/logo.svg:2:19: the SVG's `to` attribute holds an address "
                "(javascript:…), which a browser would load or run; remove it",
                "assets/logo.svg:3:19: the SVG's `values` attribute holds an address "
                "(https:…), which a browser would load or run; remove it",
                "assets/logo.svg:4:19: the SVG's <set> sets a link to another file or page, "
                "which a reader's browser would load; remove it",
            ],
        ),
        (
            "logo-not-a-png.png",
            [
                "program.yaml:6:22: organisation.logo: the file is not a PNG file, though its "
                "name ends in .png"
            ],
        ),
    ],
)
def test_logos_are_checked(tree: TreeBuilder, name: str, expected: list[str]) -> None:
    """Every refusal is placed where it is fixed: the SVG's own line and column."""
    suffix = Path(name).suffix
    programme = MINIMAL_PROGRAMME + f"organisation: {{logo: assets/logo{suffix}}}\n"
    root = tree(
        {
            "program.yaml": programme,
            "topics/tiny.yaml": TINY_TOPIC,
            f"assets/logo{suffix}": (HOSTILE / name).read_bytes(),
        }
    )
    assert problems_of(root) == expected


def test_a_plain_svg_from_a_drawing_program_is_accepted(tree: TreeBuilder) -> None:
    """Inkscape's metadata names a licence by its address, and loads nothing; references to
    the SVG's own parts and an embedded PNG are fine too."""
    svg = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        "<!-- Created with Inkscape (http://www.inkscape.org/) -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:cc="http://creativecommons.org/ns#" width="40" height="40">\n'
        '<defs><linearGradient id="g"><stop offset="0" style="stop-color:#00695c"/>'
        "</linearGradient></defs>\n"
        '<metadata><rdf:RDF><cc:Work rdf:about=""><cc:license '
        'rdf:resource="http://creativecommons.org/licenses/by/4.0/"/></cc:Work></rdf:RDF>'
        "</metadata>\n"
        '<rect width="40" height="40" style="fill:url(#g)" stroke="url( #g )"/>'
        '<use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" '
        'height="1"/>\n</svg>\n'
    )
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME + "organisation: {logo: assets/logo.svg}\n",
            "topics/tiny.yaml": TINY_TOPIC,
            "assets/logo.svg": svg,
        }
    )
    assert problems_of(root) == []


def test_a_huge_logo_is_refused(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME + "organisation: {logo: logo.png}\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    with (root / "logo.png").open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(200_000_000)  # sparse: no disk used
    assert problems_of(root) == [
        "program.yaml:6:22: organisation.logo: the file is 200.0 MB, more than the 5 MB "
        "allowed; use a smaller file"
    ]


def test_a_translation_with_a_wrong_placeholder_is_located(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME + "locale: fr\n",
            "topics/tiny.yaml": TINY_TOPIC,
            "templates/locale/fr/LC_MESSAGES/messages.po": hostile("bad-placeholder.po"),
        }
    )
    assert problems_of(root) == [
        "templates/locale/fr/LC_MESSAGES/messages.po:6:1: the translation of '%(organisation)s "
        "· made with mentorkit' does not fit the original text (unknown named placeholder "
        "'organization'); use the same %(...)s placeholders as msgid"
    ]


# --- bounded resources ------------------------------------------------------------------


def test_an_alias_bomb_of_long_text_is_refused_by_size(tmp_path: Path) -> None:
    text = "big: &a '" + "x" * 1_000_000 + "'\nmany: [" + ", ".join(["*a"] * 1000) + "]\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    from generator.errors import Problems

    problems = Problems()
    assert load(Source(path, "bomb.yaml"), problems) is None
    assert [str(p) for p in problems] == [
        "bomb.yaml:1:6: the file expands to more than 4,000,000 characters of text (a long "
        "text repeated by aliases?); write shorter texts"
    ]


def test_a_huge_file_is_not_read(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC + "why_it_matters: '" + "x" * 3_000_000 + "'\n",
        }
    )
    assert problems_of(root) == [
        "program.yaml:5:38: tracks['main'].topics[0]: there is no topic 'tiny'",
        "topics/tiny.yaml:1:1: the file is 3,000,423 bytes, larger than the 2,000,000 allowed; "
        "split it into smaller files",
    ]


def test_texts_are_bounded_and_printable(tree: TreeBuilder) -> None:
    topic = (
        TINY_TOPIC.replace("title: A tiny topic", 'title: "A tiny\\ntopic"')
        .replace("summary: Small but complete.", 'summary: "Small \\x1b[31mred"')
        .replace("title: The only session", "title: " + "t" * 301)
    )
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": topic})
    assert problems_of(root) == [
        "topics/tiny.yaml:2:8: title: must be one line: remove the line break (or the tab)",
        "topics/tiny.yaml:4:10: summary: holds an invisible control character (U+001B) at "
        "position 7; delete it (it was probably pasted in with the text)",
        "topics/tiny.yaml:8:12: sessions[0].title: is too long (at most 300 characters)",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_yaml_never_raises(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    from generator.errors import Problems

    path = tmp_path_factory.mktemp("yaml") / "any.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    load(Source(path, "any.yaml"), Problems())


# --- terminal and calendar hygiene ----------------------------------------------------------


def test_user_text_reaches_the_terminal_literally() -> None:
    hostile_name = "Ana\x1b[2J\x1b]8;;https://evil.example\x07Lima\u202eevil"
    assert (
        literal(hostile_name)
        == "Ana\\u001b[2J\\u001b]8;;https://evil.example\\u0007Lima\\u202eevil"
    )
    assert markup("Mini [/] 2027") == "Mini \\[/] 2027"


def test_rich_markup_in_a_title_is_printed_as_written(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("Mini programme", '"Mini [/] [bold]2027"'),
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    code, out, _err = run("validate", str(root))
    assert code == 0
    assert out.startswith("✓ Mini [/] [bold]2027: the programme and ")


def test_no_line_break_can_start_a_calendar_property() -> None:
    assert one_line("Mini\rBEGIN:VEVENT\r\nSUMMARY:x\x00") == "Mini BEGIN:VEVENT SUMMARY:x"
    assert lines("one\rtwo\r\nthree\u2028four") == "one\ntwo\nthree four"


def test_a_carriage_return_in_a_title_is_refused_before_any_calendar(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace(
                "title: Mini programme", 'title: "Mini"\norganisation: {name: "Acme"}'
            ),
            "topics/tiny.yaml": TINY_TOPIC.replace(
                "title: The only session", 'title: "Only\\rBEGIN:VEVENT"'
            ),
        }
    )
    assert problems_of(root) == [
        "topics/tiny.yaml:8:12: sessions[0].title: holds an invisible control character "
        "(U+000D) at position 5; delete it (it was probably pasted in with the text)"
    ]


# --- rosters and pairs from HR exports ------------------------------------------------------

ROSTER_HEADER = "id,name,email,role,department,timezone,availability,offers,wants\n"


def roster_problems(path: Path) -> list[str]:
    from generator.roster import read_roster

    with pytest.raises(InvalidProject) as caught:
        read_roster(path)
    return [str(p) for p in caught.value.problems]


def test_control_characters_in_a_roster_are_refused(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        ROSTER_HEADER
        + 'ana,"Ana\rBEGIN:VEVENT",ana@example.org,mentor,IT,Europe/London,tue 09:00-12:00,video,\n'
        + "li,Li \x1b[31mWei,li@example.org,mentee,Sales,Europe/London,tue 09:00-12:00,,video\n",
        encoding="utf-8",
        newline="",
    )
    problems = roster_problems(roster)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "name: the cell holds an invisible control character (U+000D, a line break or an "
        "escape code); delete it",
        "name: the cell holds an invisible control character (U+001B, a line break or an "
        "escape code); delete it",
    ]


def test_a_roster_in_latin_1_or_with_a_huge_cell_is_located(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (
            ROSTER_HEADER + "jose,José Núñez,jose@example.org,mentor,IT,Europe/Madrid,"
            "tue 09:00-12:00,video,\n"
        ).encode("latin-1")
    )
    assert roster_problems(latin) == [
        "latin.csv:2:9: the roster is not UTF-8 text (byte 0xe9); export it as CSV UTF-8"
    ]
    huge = tmp_path / "huge.csv"
    huge.write_text(
        ROSTER_HEADER + "ana," + "A" * 200_000 + ",a@example.org,mentor,IT,Europe/London,"
        "tue 09:00-12:00,video,\n"
    )
    assert roster_problems(huge) == [
        "huge.csv:2:1: this row cannot be read as CSV (field larger than field limit "
        "(131072)); export the roster again as CSV UTF-8"
    ]


def test_pairs_in_latin_1_are_located(tmp_path: Path) -> None:
    from generator.pairs import read_pairs
    from generator.roster import read_roster

    roster = tmp_path / "roster.csv"
    roster.write_text(
        ROSTER_HEADER + "ana,Ana Lima,ana@example.org,mentor,IT,Europe/London,tue 09:00-12:00,"
        "video,\nli,Li Wei,li@example.org,mentee,Sales,Europe/London,tue 09:00-12:00,,video\n"
    )
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes("pair_id,mentor_id,mentee_id\nané,ana,li\n".encode("latin-1"))
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(roster))
    assert [str(p) for p in caught.value.problems] == [
        "pairs.csv:1:1: the pairs file is not UTF-8 text; save it as CSV UTF-8"
    ]
