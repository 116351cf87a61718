"""MkDocs hooks of every generated site (copied next to its mkdocs.yml).

The second line of defence for the site, as `markup.sanitize` is for the PDFs: each
page's HTML is cleaned before the theme wraps it, so no script, event handler or
`javascript:` link from any source reaches a reader.
"""

from __future__ import annotations

from typing import Any

from generator.markup import sanitize


def on_page_content(html: str, **_kwargs: Any) -> str:
    return sanitize(html)
