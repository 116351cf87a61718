"""`mentorkit report`: responses in, the programme's progress report out.

Reads the responses (CSV exports and filled PDF forms), computes the figures
(`progress.py`), draws the charts (`charts.py`) and writes `DIR/report/index.html`, its
SVG charts and `DIR/report/report.pdf` from one template pair (`templates/report/`). The
report is personal data: it is written only to `DIR/report/`, never to the site nor
into the project folder, and atomically (a failed run changes nothing).
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from . import charts, i18n, pdf
from .artefacts import plan as make_plan
from .errors import Place, Problems, UsageError
from .forms import by_id
from .forms import forms as make_forms
from .layers import library_root
from .loader import load_project
from .model import Project
from .outputs import output_folder
from .progress import THRESHOLD, Progress, RatingRow, Stat, progress
from .render import Renderer
from .responses import Context, Responses, read_responses
from .roster import separator
from .schedule import Timeline
from .schedule import timeline as make_timeline

Tick = Callable[[str, int], None]
#: Programme-level results the site may carry (`report: {publish: true}`), in report/.
PUBLISHED = "published.json"


@dataclass
class ReportOptions:
    out: Path = Path("dist")
    pairs: Path | None = None  # pairs.csv: the pairs that should be meeting
    anonymous: bool = False  # no pair ids, no list of pairs at risk: for sponsors
    start: Callable[[str, int], None] = field(default=lambda _task, _total: None)
    advance: Tick = field(default=lambda _task, _amount: None)


@dataclass
class ReportResult:
    folder: Path
    responses: int
    notes: list[str]
    progress: Progress


def report(
    responses: Sequence[Path],
    project_path: Path | str | None = None,
    options: ReportOptions | None = None,
) -> ReportResult:
    """Read the responses and write `options.out/report/`; raise on invalid responses."""
    options = options or ReportOptions()
    if not responses:
        raise UsageError("give at least one responses file (CSV, Excel, or a filled PDF form)")
    project = load_project(project_path)
    _check_target(project, options.out)
    translations = i18n.translations(project.programme.locale, project.template_dirs)
    gettext = translations.gettext
    project = i18n.localize(project, gettext)
    timeline = make_timeline(project)
    forms = by_id(make_forms(project.programme, timeline, gettext))
    pairs = read_pair_ids(options.pairs) if options.pairs else None
    context = response_context(project, timeline, forms, pairs)
    options.start("read", len(responses))
    read = read_responses(responses, context, lambda n: options.advance("read", n))
    figures = progress(
        project.programme,
        timeline,
        forms,
        read.items,
        pairs,
        anonymous=options.anonymous,
        gettext=gettext,
    )
    renderer = Renderer(
        project,
        timeline,
        make_plan(project, timeline, gettext),
        pdf=True,
        translations=translations,
    )
    options.start("report", 3)
    folder = _write(renderer, figures, read, options)
    return ReportResult(folder, len(read.items), read.notes, figures)


def response_context(
    project: Project, timeline: Timeline, forms: dict[str, Any], pairs: frozenset[str] | None
) -> Context:
    """What responses are checked against, from the loaded (and localised) project."""
    programme = project.programme
    firsts = [s.start.date() for s in timeline.sessions if s.start]
    firsts += [w.start.date() for w in timeline.workshops if w.start]
    lasts = [s.start.date() for s in timeline.sessions if s.start]
    roles = programme.roles
    return Context(
        forms=forms,
        sessions=len(timeline.sessions),
        first=min(firsts) if firsts else None,
        last=max(lasts) if lasts else None,
        pairs=pairs,
        role_words={roles.mentor.lower(): "mentor", roles.mentee.lower(): "mentee"},
    )


def read_pair_ids(path: Path) -> frozenset[str]:
    """The pair ids of a pairs.csv (from `mentorkit match`); nothing else of it is needed."""
    if not path.is_file():
        raise UsageError(f"{path}: no such pairs file")
    problems = Problems()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.add(Place(path.name), "the pairs file is not UTF-8 text; save it as CSV UTF-8")
        problems.raise_if_any()
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator(text)))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "pair_id" not in header:
        problems.add(
            Place(path.name, 1, len(header) + 1),
            "the column `pair_id` is missing; use the pairs.csv that `mentorkit match` wrote",
        )
        problems.raise_if_any()
    index = header.index("pair_id")
    return frozenset(
        row[index].strip() for row in rows[1:] if len(row) > index and row[index].strip()
    )


def _check_target(project: Project, out: Path) -> None:
    target = (out / "report").resolve()
    root = project.root.resolve()
    if target.is_relative_to(root) and project.root != library_root():
        raise UsageError(
            f"{out}: the report holds personal data; write it outside the project folder, "
            "which is shared and often published (use --out)"
        )
    if "site" in target.relative_to(target.anchor).parts:
        raise UsageError(f"{out}: the report never goes into a site folder; choose another --out")


# --- writing -------------------------------------------------------------------------------


def _write(renderer: Renderer, figures: Progress, read: Responses, options: ReportOptions) -> Path:
    out = options.out
    with output_folder(out) as stage:
        folder = stage / "report"
        (folder / "charts").mkdir(parents=True)
        drawn = _charts(figures, renderer)
        files: dict[str, str] = {}
        for chart in drawn:
            document = charts.svg(chart)
            (folder / "charts" / f"{chart.id}.svg").write_text(document, encoding="utf-8")
            files[chart.id] = document
        options.advance("report", 1)
        data = template_data(renderer, figures, read, drawn)
        style = _css_context(renderer)
        css = renderer.html("report/report.css.j2", {**style, "print": False})
        screen = {chart.id: f"charts/{chart.id}.svg" for chart in drawn}
        html = renderer.html(
            "report/report.html.j2",
            {**data, "css": Markup(css), "charts": screen, "print": False},  # noqa: S704
        )
        (folder / "index.html").write_text(html, encoding="utf-8")
        if renderer.project.programme.report.publish:
            text = json.dumps(published(renderer, data), ensure_ascii=False, indent=1)
            (folder / PUBLISHED).write_text(text + "\n", encoding="utf-8")
        options.advance("report", 1)
        inline = {
            cid: "data:image/svg+xml;base64," + base64.b64encode(doc.encode()).decode()
            for cid, doc in files.items()
        }
        css = renderer.html("report/report.css.j2", {**style, "print": True})
        printed = renderer.html(
            "report/report.html.j2",
            {**data, "css": Markup(css), "charts": inline, "print": True},  # noqa: S704
        )
        document = pdf.layout(printed, "", pdf.allowed_roots(renderer.project))
        (folder / "report.pdf").write_bytes(bytes(document.write_pdf(**pdf.PDF_OPTIONS)))
        options.advance("report", 1)
        target = out / "report"
        if target.exists():
            target.rename(stage / "old-report")
        folder.rename(target)
    return out / "report"


def _css_context(renderer: Renderer) -> dict[str, Any]:
    return pdf._css_context(renderer)


def _charts(figures: Progress, renderer: Renderer) -> list[charts.Chart]:
    _ = renderer.gettext
    drawn = []
    if figures.weeks:
        drawn.append(
            _engagement_chart(
                "engagement-weeks",
                _("Sessions held, week by week"),
                _("Week starting"),
                figures.weeks,
                _,
            )
        )
    if figures.tracks:
        drawn.append(
            _engagement_chart(
                "engagement-tracks",
                _("Sessions held, track by track"),
                _("Track"),
                figures.tracks,
                _,
            )
        )
    if figures.by_session:
        drawn.append(
            _rating_chart(
                "reaction-sessions",
                _("How useful each session was"),
                _("Session"),
                _("Mean rating (1 to 5)"),
                figures.by_session,
                5,
                _,
            )
        )
    if figures.learning:
        rows = figures.learning
        labels = tuple(r.topic for r in rows)
        before = tuple(r.before for r in rows)
        after = tuple(r.after for r in rows)
        drawn.append(
            charts.Chart(
                "learning-confidence",
                _("Leaders' confidence before and after, topic by topic"),
                _("Topic"),
                _("Mean confidence (1 to 5)"),
                labels,
                (charts.Series(_("Before"), before), charts.Series(_("After"), after)),
                5,
                alt=_("Before: %(before)s. After: %(after)s.")
                % {
                    "before": charts.describe(labels, before, ""),
                    "after": charts.describe(labels, after, ""),
                },
                colors=_colors(renderer),
            )
        )
    if figures.practice:
        drawn.append(
            _rating_chart(
                "behaviour-practice",
                _("Practice tasks done, topic by topic"),
                _("Topic"),
                _("Share of answers saying yes (%)"),
                figures.practice,
                100,
                _,
            )
        )
    if figures.goals:
        chart = _rating_chart(
            "results-goals",
            _("How far the programme moved each goal"),
            _("Goal"),
            _("Mean rating (1 to 5)"),
            figures.goals,
            5,
            _,
        )
        drawn.append(charts.Chart(**{**_fields(chart), "horizontal": True}))
    return [charts.Chart(**{**_fields(c), "colors": _colors(renderer)}) for c in drawn]


def _fields(chart: charts.Chart) -> dict[str, Any]:
    return {name: getattr(chart, name) for name in charts.Chart.__dataclass_fields__}


def _colors(renderer: Renderer) -> tuple[str, ...]:
    colors = renderer.project.programme.organisation.colors
    return (colors.primary, colors.accent, *charts.PALETTE[2:])


def _engagement_chart(
    cid: str, title: str, axis: str, rows: Sequence[Any], _: Callable[[str], str]
) -> charts.Chart:
    labels = tuple(r.label for r in rows)
    scheduled = tuple(float(r.scheduled) for r in rows)
    held = tuple(None if r.held is None else float(r.held) for r in rows)
    return charts.Chart(
        cid,
        title,
        axis,
        _("Pair sessions"),
        labels,
        (charts.Series(_("Scheduled"), scheduled), charts.Series(_("Held"), held)),
        alt=_("Scheduled: %(scheduled)s. Held: %(held)s.")
        % {
            "scheduled": charts.describe(labels, scheduled, ""),
            "held": charts.describe(labels, held, ""),
        },
    )


def _rating_chart(
    cid: str,
    title: str,
    axis: str,
    value_axis: str,
    rows: Sequence[RatingRow],
    top: float,
    _: Callable[[str], str],
) -> charts.Chart:
    labels = tuple(r.label for r in rows)
    values = tuple(r.stat.value for r in rows)
    return charts.Chart(
        cid,
        title,
        axis,
        value_axis,
        labels,
        (charts.Series(value_axis, values),),
        top,
        alt=charts.describe(labels, values, "%" if top == 100 else ""),
    )


# --- plain data for the template ----------------------------------------------------------


def template_data(
    renderer: Renderer, figures: Progress, read: Responses, drawn: Sequence[charts.Chart]
) -> dict[str, Any]:
    """Everything the report template shows, as plain strings, numbers, lists and dicts."""
    locale = renderer.locale

    def number(value: float | None, digits: int = 1) -> str:
        if value is None:
            return ""
        return str(
            format_decimal(round(value, digits), format="#,##0." + "0" * digits, locale=locale)
        )

    def share(value: float | None) -> str:
        return "" if value is None else str(format_percent(value / 100, locale=locale))

    def row(r: RatingRow, percent: bool = False) -> dict[str, Any]:
        s: Stat = r.stat
        return {
            "label": r.label,
            "value": share(s.value) if percent else number(s.value),
            "answers": s.answers,
            "respondents": s.respondents,
            "suppressed": s.suppressed,
        }

    def engagement(r: Any) -> dict[str, Any]:
        return {
            "label": r.label,
            "scheduled": r.scheduled,
            "held": r.held,
            "moved": r.moved,
            "missed": r.missed,
            "rate": share(100 * r.held / r.scheduled) if r.held is not None and r.scheduled else "",
            "suppressed": r.suppressed,
        }

    return {
        "threshold": THRESHOLD,
        "as_of": renderer.date(figures.as_of, "long"),
        "responses": figures.responses,
        "pairs": figures.pairs,
        "answering": figures.answering,
        "anonymous": figures.anonymous,
        "notes": list(read.notes) if not figures.anonymous else [],
        "chart_info": {c.id: {"title": c.title, "alt": c.alt} for c in drawn},
        "weeks": [engagement(r) for r in figures.weeks],
        "tracks": [engagement(r) for r in figures.tracks],
        "at_risk": [{"pair": a.pair_id, "reasons": list(a.reasons)} for a in figures.at_risk],
        "by_session": [row(r) for r in figures.by_session],
        "by_topic": [row(r) for r in figures.by_topic],
        "checkpoint_ratings": [row(r) for r in figures.checkpoint_ratings],
        "objectives": [row(r, percent=True) for r in figures.objectives],
        "learning": [
            {
                "topic": item.topic,
                "answers": item.answers,
                "respondents": item.respondents,
                "suppressed": item.suppressed,
                "before": number(item.before),
                "after": number(item.after),
                "change": ("+" if (item.change or 0) > 0 else "") + number(item.change),
                "spread": number(item.spread),
                "t": number(item.t, 2),
                "p": number(item.p, 3) if item.p is None or item.p >= 0.001 else "< 0.001",
                "tested": item.t is not None,
                "significant": item.p is not None and item.p < 0.05,
            }
            for item in figures.learning
        ],
        "practice": [row(r, percent=True) for r in figures.practice],
        "actions": [row(r) for r in figures.actions],
        "goals": [row(r) for r in figures.goals],
        "recommend": [row(r, percent=True) for r in figures.recommend],
        "comments": [
            {
                "form": g.form,
                "question": g.question,
                "comments": [
                    {"text": c.text, "context": c.context, "count": c.count} for c in g.comments
                ],
                "withheld": g.withheld,
            }
            for g in figures.comments
        ],
    }


# --- what the site may carry ----------------------------------------------------------------


def published(renderer: Renderer, data: dict[str, Any]) -> dict[str, Any]:
    """Programme-level results only: no pair, no written answer, no group under THRESHOLD."""
    _ = renderer.gettext

    def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"label": r["label"], "value": r["value"], "answers": r["answers"]}
            for r in items
            if not r["suppressed"]
        ]

    learning = [
        {"label": r["topic"], "value": f"{r['before']} → {r['after']}", "answers": r["answers"]}
        for r in data["learning"]
        if not r["suppressed"]
    ]
    sections = [
        (_("How useful the sessions were (mean, 1 to 5)"), rows(data["by_topic"])),
        (_("Leaders' confidence before and after (mean, 1 to 5)"), learning),
        (_("Practice tasks done"), rows(data["practice"])),
        (_("The programme's goals (mean agreement, 1 to 5)"), rows(data["goals"])),
        (_("Would recommend it to a colleague"), rows(data["recommend"])),
    ]
    return {
        "as_of": data["as_of"],
        "threshold": THRESHOLD,
        "sections": [{"title": t, "rows": r} for t, r in sections if r],
    }


def published_results(out: Path) -> dict[str, Any] | None:
    """The results the last `mentorkit report` published into `out`, if it did (plain data)."""
    path = out / "report" / PUBLISHED
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        return {
            "as_of": str(data["as_of"]),
            "threshold": int(data["threshold"]),
            "sections": [
                {
                    "title": str(section["title"]),
                    "rows": [
                        {
                            "label": str(row["label"]),
                            "value": str(row["value"]),
                            "answers": int(row["answers"]),
                        }
                        for row in section["rows"]
                    ],
                }
                for section in data["sections"]
            ],
        }
    except (KeyError, TypeError, ValueError):
        return None
