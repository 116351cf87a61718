"""Static SVG charts (matplotlib, Agg): readable on screen and in the PDF, byte-stable.

Every chart has a title, labelled axes and a text alternative; the report prints the
data table beside it. The same data always gives the same bytes: a fixed hash salt for
element ids, no date in the metadata, text drawn as paths (no font lookups at view time).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PALETTE = ("#3f51b5", "#ff7043", "#8d99ae", "#2a9d8f")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # None: withheld (too few answers), no bar drawn


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart: categories along one axis, one bar per series in each."""

    id: str  # file name without .svg
    title: str
    x_label: str
    y_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    y_max: float | None = None
    horizontal: bool = False
    alt: str = ""  # the text alternative
    colors: tuple[str, ...] = PALETTE


def svg(chart: Chart) -> str:
    """The chart as an SVG document (a string), the same bytes for the same chart."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib import rc_context

    settings: dict[str, Any] = {
        "svg.hashsalt": "mentorkit",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    categories = [textwrap.fill(c, 28) for c in chart.categories]
    count = max(len(categories), 1)
    with rc_context(settings):  # type: ignore[arg-type]
        if chart.horizontal:
            figure, axes = plt.subplots(figsize=(6.4, 0.9 + 0.42 * count * len(chart.series)))
        else:
            figure, axes = plt.subplots(figsize=(6.4, 3.4))
        try:
            width = 0.8 / max(len(chart.series), 1)
            for index, series in enumerate(chart.series):
                positions = [
                    i + (index - (len(chart.series) - 1) / 2) * width
                    for i in range(len(categories))
                ]
                shown = [
                    (p, v) for p, v in zip(positions, series.values, strict=True) if v is not None
                ]
                color = chart.colors[index % len(chart.colors)]
                if chart.horizontal:
                    axes.barh(
                        [p for p, _ in shown],
                        [v for _, v in shown],
                        height=width,
                        label=series.name,
                        color=color,
                    )
                else:
                    axes.bar(
                        [p for p, _ in shown],
                        [v for _, v in shown],
                        width=width,
                        label=series.name,
                        color=color,
                    )
            ticks = list(range(len(categories)))
            if chart.horizontal:
                axes.set_yticks(ticks, categories)
                axes.invert_yaxis()
                axes.set_xlabel(chart.y_label)
                axes.set_ylabel(chart.x_label)
                if chart.y_max is not None:
                    axes.set_xlim(0, chart.y_max)
            else:
                rotate = (
                    len(categories) > 6 or max((len(c) for c in chart.categories), default=0) > 14
                )
                axes.set_xticks(
                    ticks,
                    categories,
                    rotation=35 if rotate else 0,
                    ha="right" if rotate else "center",
                )
                axes.set_xlabel(chart.x_label)
                axes.set_ylabel(chart.y_label)
                if chart.y_max is not None:
                    axes.set_ylim(0, chart.y_max)
            axes.set_title(chart.title, loc="left", fontweight="bold", pad=6)
            if len(chart.series) > 1:
                axes.legend(
                    frameon=False,
                    fontsize=8,
                    loc="lower right",
                    bbox_to_anchor=(1, 1),
                    ncols=len(chart.series),
                )
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "mentorkit"})
        finally:
            plt.close(figure)
    return _accessible(buffer.getvalue(), chart)


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def _accessible(document: str, chart: Chart) -> str:
    """The SVG with a role, its title and the text alternative as <title> and <desc>."""
    start = document.index("<svg")
    opening = _SVG_OPEN.search(document, start)
    assert opening is not None
    tag = opening.group(0).replace(
        "<svg", f'<svg role="img" aria-labelledby="{chart.id}-title {chart.id}-desc"', 1
    )
    inner = (
        f'<title id="{chart.id}-title">{_escape(chart.title)}</title>'
        f'<desc id="{chart.id}-desc">{_escape(chart.alt)}</desc>'
    )
    return tag + inner + document[opening.end() :]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def describe(categories: Sequence[str], values: Sequence[float | None], unit: str) -> str:
    """A plain-words list of the values, for a text alternative."""
    parts = [
        f"{c}: {'withheld' if v is None else f'{v:.1f}{unit}'}"
        for c, v in zip(categories, values, strict=True)
    ]
    return "; ".join(parts)
