"""Stamping: lay out a personal page once for many pairs, then print each pair's values on it.

WeasyPrint's cost is in laying out text, and most of a pair's personal pages is the same
for every pair: only names, slots and dates change. Templates mark those values with the
`stamp` filter. For packs, each personal page is first rendered as a *stencil*: the same
Markdown with every stamped value replaced by a blank of one line. Pairs whose stencils
are identical share one layout, and WeasyPrint reports where each blank sits and in
which style. The values of many pairs are then laid out together as small *snippets*,
each at the width and in the style of its blank, and pikepdf draws every snippet onto a
copy of the stencil page as a form XObject of its own, so each value reads once, in
order, with its own fonts.

Stamping makes packs faster, never different: a value that would not fit on its line
(it would wrap, or a fallback font makes the line taller), a blank that is not the last
thing on its line, or a template that prints a personal value without `stamp` (its
stencils then differ from pair to pair) gets the pair's pages laid out directly.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

ATTRIBUTE = "data-stamp"
SNIPPET_ATTRIBUTE = "data-snippet"
PT_PER_PX = 0.75  # WeasyPrint draws CSS pixels at 96 per inch; PDF points are 72 per inch

# Characters Markdown would act on inside a value: written as character references, so a
# value prints the same whether it is stamped or laid out with its page.
_LITERAL = str.maketrans({c: f"&#{ord(c)};" for c in "*_`[]\\~^|"})


# --- in templates ----------------------------------------------------------------------


class Recorder:
    """Collects the values a stencil leaves blank, in the order the template stamps them."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, html: str) -> int:
        self.values.append(html)
        return len(self.values) - 1


def value_html(value: Any) -> str:
    """A value as HTML text: escaped, on one line, with nothing for Markdown to act on.

    Markup (a translated sentence with the values escaped in it) is already HTML.
    """
    html = value if isinstance(value, Markup) else escape(str(value))
    return " ".join(str(html).split()).translate(_LITERAL)


@pass_context
def stamp(context: Context, value: Any) -> Markup:
    """The `stamp` filter: a personal value, or its blank when a stencil is being made."""
    html = value_html(value)
    recorder = context.get("stamps")
    if isinstance(recorder, Recorder):
        index = recorder.add(html)
        return Markup(f'<span class="stamp" {ATTRIBUTE}="{index}">&#160;</span>')  # noqa: S704 - fixed markup
    return Markup(f'<span class="stamp">{html}</span>')  # noqa: S704 - escaped just above


# --- where the blanks are (in the stencil's layout) -------------------------------------


@dataclass(frozen=True)
class Blank:
    """Where a stamped value goes on a stencil page, and how it is set (CSS pixels)."""

    page: int  # page of the stencil, from 0
    x: float  # left edge of the value, from the page's left edge
    baseline: float  # from the top of the page
    width: float  # room for the value on its line
    height: float  # height of the line
    page_height: float
    style: str  # CSS declarations that set the value as the template did


_GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}


def find_blanks(document: Any, first: int, last: int) -> list[Blank] | None:
    """The blanks of the stencil on pages first..last-1, by stamp number.

    None when a blank cannot be stamped: it shares its line with text after it (or, when
    the line is centred or right-aligned, with anything), it is not on the last line of
    its paragraph, it sits inside other inline markup, it is underlined, or a number is
    missing.
    """
    from weasyprint.formatting_structure import boxes

    found: dict[int, Blank] = {}
    valid = True

    def visit(box: Any, parent: Any, page: int, page_height: float) -> None:
        nonlocal valid
        if isinstance(box, boxes.LineBox):
            children = [c for c in box.children if not c.is_whitespace()]
            for position, child in enumerate(children):
                element = getattr(child, "element", None)
                if not isinstance(child, boxes.InlineBox) or element is None:
                    continue
                number = element.get(ATTRIBUTE)
                if number is None:
                    continue
                blank = _blank(box, parent, child, children, position, page, page_height)
                if blank is None or not number.isdigit() or int(number) in found:
                    valid = False
                else:
                    found[int(number)] = blank
        elif isinstance(box, boxes.InlineBox) and not isinstance(parent, boxes.LineBox):
            element = getattr(box, "element", None)
            if element is not None and element.get(ATTRIBUTE) is not None:
                valid = False  # inside other inline markup: its place is not its own
        for child in getattr(box, "children", ()):
            visit(child, box, page, page_height)

    for index in range(first, last):
        page = document.pages[index]
        visit(page._page_box, None, index - first, page.height)
    if not valid or sorted(found) != list(range(len(found))):
        return None
    return [found[n] for n in range(len(found))]


def _blank(
    line: Any,
    block: Any,
    span: Any,
    children: list[Any],
    position: int,
    page: int,
    page_height: float,
) -> Blank | None:
    from weasyprint.formatting_structure import boxes

    lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
    if position != len(children) - 1 or not lines or lines[-1] is not line:
        return None
    style = span.style
    if style["text_decoration_line"] not in ("none", None) and style["text_decoration_line"]:
        return None
    align = block.style["text_align_all"]
    if style["direction"] == "rtl":
        return None
    left = block.content_box_x()
    if len(children) == 1:
        x, width = left, block.width
    elif align in ("left", "start", "justify"):
        x = span.content_box_x()
        width = left + block.width - x
        align = "left"
    else:
        return None
    return Blank(
        page=page,
        x=x,
        baseline=line.position_y + line.baseline,
        width=width,
        height=line.height,
        page_height=page_height,
        style=_declarations(style, align),
    )


def _declarations(style: Any, align: str) -> str:
    families = ", ".join(
        f if f in _GENERIC_FAMILIES else "'" + f.replace("'", "") + "'"
        for f in style["font_family"]
    )
    height = style["line_height"]
    if height == "normal":
        line_height = "normal"
    elif getattr(height, "unit", None) is None:
        line_height = f"{getattr(height, 'value', height)}"
    else:
        line_height = f"{height.value}{height.unit}"
    letters = style["letter_spacing"]
    words = style["word_spacing"]
    red, green, blue = style["color"].to("srgb").coordinates
    return (
        f"font-family: {families}; font-size: {style['font_size']}px; "
        f"font-weight: {style['font_weight']}; font-style: {style['font_style']}; "
        f"font-stretch: {style['font_stretch']}; line-height: {line_height}; "
        f"letter-spacing: {'normal' if letters == 'normal' else f'{letters}px'}; "
        f"word-spacing: {getattr(words, 'value', words)}px; "
        f"text-transform: {style['text_transform']}; text-align: {align}; "
        f"color: rgba({round(red * 255)}, {round(green * 255)}, {round(blue * 255)}, "
        f"{style['color'].alpha})"
    )


# --- the snippets (values of many pairs, laid out together) ----------------------------


@dataclass(frozen=True)
class Snippet:
    """Where a value landed in the snippet document (CSS pixels), and whether it fits."""

    page: int
    x: float
    baseline: float
    top: float
    bottom: float
    fits: bool


def snippet_html(items: Iterable[tuple[str, Blank, str]], lang: str, css: str) -> tuple[str, str]:
    """HTML and CSS laying out each (key, blank, value) at its blank's width and style.

    Values set alike (same style, same width) share one block, a line each: WeasyPrint
    lays out a line much faster than a block. Only the fonts of the print stylesheet
    `css` are kept.
    """
    import tinycss2

    groups: dict[tuple[str, float], list[str]] = {}
    for key, blank, value in items:
        groups.setdefault((blank.style, round(blank.width, 3)), []).append(
            f'<p class="mk-value" {SNIPPET_ATTRIBUTE}="{key}">{value}</p>'
        )
    widest = max((width for _style, width in groups), default=100.0)
    rules = [
        rule.serialize()
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
    ]
    rules += [
        f"@page {{ size: {widest + 80:.0f}px 4000px; margin: 0; }}",
        "body { margin: 0; padding: 0; }",
        ".mk-snippets { display: block; margin: 0 0 48px 40px; padding: 0; border: 0; }",
        ".mk-value { display: block; margin: 0; padding: 0; border: 0; text-indent: 0; "
        "white-space: normal; background: none; }",
    ]
    blocks = []
    for number, ((style, width), spans) in enumerate(groups.items()):
        rules.append(f".s{number} {{ {style}; width: {width}px; }}")
        blocks.append(f'<div class="mk-snippets s{number}">{"".join(spans)}</div>')
    html = (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"></head>'
        f"<body>{''.join(blocks)}</body></html>"
    )
    return html, "\n".join(rules)


def find_snippets(document: Any, blanks: dict[str, Blank]) -> dict[str, Snippet]:
    """Each value's place, and whether it fits its blank: one line, no taller, no wider."""
    from weasyprint.formatting_structure import boxes

    found: dict[str, Snippet] = {}

    def visit(box: Any, page: int) -> None:
        element = getattr(box, "element", None)
        key = element.get(SNIPPET_ATTRIBUTE) if element is not None else None
        if key is not None and isinstance(box, boxes.BlockBox):
            lines = [c for c in box.children if isinstance(c, boxes.LineBox)]
            left = box.content_box_x()
            if not lines:  # an empty value: nothing to print
                found[key] = Snippet(
                    page, left, box.position_y, box.position_y, box.position_y, True
                )
                return
            line, blank = lines[0], blanks[key]
            right = max((c.position_x + c.margin_width() for c in line.children), default=left)
            found[key] = Snippet(
                page,
                left,
                line.position_y + line.baseline,
                line.position_y,
                line.position_y + line.height,
                len(lines) == 1
                and line.height <= blank.height + 0.01
                and right - left <= blank.width + 0.5,
            )
            return
        for child in getattr(box, "children", ()):
            visit(child, page)

    for index, page in enumerate(document.pages):
        visit(page._page_box, index)
    return found


# --- printing the values onto the stencils (pikepdf) -------------------------------------


_KEEP_OUTSIDE_TEXT = {
    "q", "Q", "cm", "gs", "w", "J", "j", "M", "d", "ri", "i",
    "g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN",
}  # fmt: skip
_SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def _operation(operator: str) -> Any:
    import pikepdf

    return pikepdf.ContentStreamInstruction([], pikepdf.Operator(operator))


class SnippetSheets:
    """The laid-out snippets of a batch, cut into one form XObject per value."""

    def __init__(self, pdf_bytes: bytes, snippets: dict[str, Snippet]) -> None:
        import pikepdf

        self.pdf = pikepdf.open(io.BytesIO(pdf_bytes))
        self.snippets = snippets
        self.forms: dict[str, Any] = {}
        self.page_heights: dict[int, float] = {}
        by_page: dict[int, list[tuple[str, Snippet]]] = {}
        for key, snippet in snippets.items():
            by_page.setdefault(snippet.page, []).append((key, snippet))
        for page_number, entries in by_page.items():
            self._cut(page_number, entries)

    def _cut(self, page_number: int, entries: list[tuple[str, Snippet]]) -> None:
        """One form per value: the page's graphics state, and only that value's text.

        WeasyPrint draws runs of text in the same font in one text object, each run
        placed with its own `Tm`; a run belongs to the snippet whose line holds its
        baseline, and is copied out with the text state it was drawn in.
        """
        import pikepdf

        page = self.pdf.pages[page_number]
        begin, end = _operation("BT"), _operation("ET")
        ordered: list[tuple[str | None, list[Any]]] = []  # None: state for every form
        text_state: dict[str, Any] = {}
        run: tuple[str | None, list[Any]] | None = None
        in_text = False

        def finish() -> None:
            if run is not None and run[0] is not None:
                ordered.append((run[0], [begin, *run[1], end]))

        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            if operator == "BT":
                in_text, text_state, run = True, {}, None
            elif not in_text:
                if operator in _KEEP_OUTSIDE_TEXT:
                    ordered.append((None, [instruction]))
            elif operator == "ET":
                finish()
                in_text, run = False, None
            elif operator == "Tm":
                finish()
                owner = _owner(float(instruction.operands[5]), entries)
                run = (owner, [*text_state.values(), instruction])
            else:
                if operator not in _SHOW_TEXT:
                    text_state[operator] = instruction
                if run is not None:
                    run[1].append(instruction)
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        box = page.mediabox
        for key, _snippet in entries:
            kept = [i for owner, items in ordered if owner is None or owner == key for i in items]
            form = pikepdf.Stream(self.pdf, pikepdf.unparse_content_stream(kept))
            form["/Type"] = pikepdf.Name.XObject
            form["/Subtype"] = pikepdf.Name.Form
            form["/BBox"] = box
            form["/Resources"] = resources
            self.forms[key] = form
        self.page_heights[page_number] = float(box[3]) - float(box[1])

    def fits(self, keys: Iterable[str]) -> bool:
        return all(self.snippets[key].fits for key in keys)

    def stamp(
        self,
        target: Any,
        page_number: int,
        blanks: Sequence[tuple[str, Blank]],
        pikepdf: Any,
    ) -> None:
        """Draw each value onto a page of `target` at its blank.

        Pages laid out together share one resource dictionary, so the forms' names are
        unique in the whole file (and the same from run to run).
        """
        page = target.pages[page_number]
        if not blanks:
            return
        commands = []
        for number, (key, blank) in enumerate(blanks):
            snippet = self.snippets[key]
            form = target.copy_foreign(self.forms[key])
            name = page.add_resource(
                form, pikepdf.Name.XObject, pikepdf.Name(f"/MkPage{page_number}Value{number}")
            )
            source_height = self.page_heights[snippet.page]
            target_height = blank.page_height * PT_PER_PX
            dx = (blank.x - snippet.x) * PT_PER_PX
            dy = (target_height - source_height) - (blank.baseline - snippet.baseline) * PT_PER_PX
            commands.append(f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q")
        page.contents_add(pikepdf.Stream(target, b"q\n"), prepend=True)
        page.contents_add(
            pikepdf.Stream(target, ("Q\n" + "\n".join(commands) + "\n").encode()), prepend=False
        )


def _owner(baseline: float, entries: list[tuple[str, Snippet]]) -> str | None:
    """The snippet whose line holds a text object drawn at `baseline` (CSS pixels)."""
    for key, snippet in entries:
        if snippet.top - 1 <= baseline <= snippet.bottom + 1:
            return key
    return None
