"""What the command line prints of a user's text: shown literally, never obeyed.

Names and titles come from files written by other people. Printed as they are, an
escape sequence could recolour or clear the terminal, make a link (OSC 8) or reorder a
line (bidirectional overrides), and Rich would read `[bold]` or `[/]` as its own markup
(a title such as "Mini [/] 2027" used to crash it). Every user value goes through
`literal` before it reaches the terminal; `markup` also escapes it for Rich, and
`isolated` sets it apart from its neighbours for right-to-left scripts.
"""

from __future__ import annotations

import re

from rich.markup import escape

#: C0 and C1 control characters (escape sequences start with ESC, U+001B, or CSI, U+009B),
#: line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def literal(text: object) -> str:
    """The text with every unsafe character written out as `\\u001b` and the like."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def markup(text: object) -> str:
    """User text to put inside a Rich markup string: literal, and `[` escaped."""
    return escape(literal(text))


#: The left-to-right mark: invisible and zero cells wide in every terminal (the isolates
#: U+2066-2069 are newer and some terminals and log viewers show them as boxes).
_LRM = "\u200e"


def isolated(text: object) -> str:
    """User text for Rich markup, as `markup`, between left-to-right marks: a name in
    Arabic or Hebrew still reads right to left, but no longer pulls what follows it into
    its run. Without them, a terminal or editor that orders text both ways showed the next
    column's figure (`0%`) inside the name, and a row starting with such a name right to
    left: columns were no longer where their widths put them."""
    return f"{_LRM}{markup(text)}{_LRM}"
