"""`mentorkit init`: a new organisation project that builds as it is and teaches its format."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UsageError
from .layers import library_root
from .schema import write_schemas

SCAFFOLD = Path(__file__).parent / "scaffold"

#: What each built-in template makes, for the project's templates/README.md.
TEMPLATE_NOTES = {
    "site/home.md.j2": "the home page of the site",
    "site/programme-guide.md.j2": "the coordinator's programme guide (page and PDF)",
    "site/mentor-guide.md.j2": "the mentor's guide (page and PDF)",
    "site/mentee-guide.md.j2": "the leader's guide (page and PDF)",
    "site/trainer-handbook.md.j2": "the trainer's handbook for onboarding (page and PDF)",
    "site/session-plan.md.j2": "the plan of every session (one sheet, two sides) and workshop part",
    "site/topic.md.j2": "the overview page of a topic",
    "site/track.md.j2": "the overview page of a track",
    "site/agreement.md.j2": "the mentoring agreement (page and PDF)",
    "site/feedback-form.md.j2": "the feedback forms, one per checkpoint",
    "site/library.md.j2": "the topic library's index page",
    "site/library-area.md.j2": "a topic library page per area",
    "partials/session.md.j2": "macros shared by session plans and guides (agenda table...)",
    "partials/form.md.j2": "form widgets: tick boxes, lines to write on, fields",
    "pairs/pack.md.j2": "the first page of each pair's pack: names, slot, their own dates",
    "pairs/certificate.md.j2": "the certificate of completion, one per participant",
    "pdf/document.html.j2": "the print layout: cover, contents, sheets",
    "pdf/print.css.j2": "the print styles: page size, margins, fonts, colours",
}


def init(folder: Path) -> list[Path]:
    """Create an organisation project in an empty (or new) folder; return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(
            f"{folder}: this folder is not empty; mentorkit init only writes into a new "
            "or empty folder, so that nothing of yours is overwritten"
        )
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SCAFFOLD, folder, dirs_exist_ok=True)
    write_schemas(folder / "schemas")
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "README.md").write_text(_templates_readme(), encoding="utf-8")
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _templates_readme() -> str:
    built_in = library_root() / "templates"
    rows = []
    for path in sorted(built_in.rglob("*.j2")):
        name = path.relative_to(built_in).as_posix()
        rows.append(f"| `{name}` | {TEMPLATE_NOTES.get(name, '')} |")
    return (
        "# Template overrides\n\n"
        "A file here replaces the built-in template of the same path: copy one from the list\n"
        "below (mentorkit's own copies are in its `templates/` folder), change it, and build.\n"
        "Templates are Jinja, run in a sandbox: they can use the programme (`programme`,\n"
        "`roles`, `org`, `schedule`, `timeline`) and, per page, `topic` and `session`, but\n"
        "cannot read files or run code. A mistake is reported as\n"
        "`templates/<path>:<line>: <message>` and nothing is built.\n\n"
        "Text that comes from your YAML is escaped: HTML typed in a topic is shown, never run.\n\n"
        "Pair packs and certificates are printed by the hundred. In `pairs/` templates and\n"
        "the agreement, pass each personal value (a name, a slot, a date) through `stamp`,\n"
        "`{{ pair.mentor.name | stamp }}`, and let it end its line (or fill a line alone):\n"
        "the page is then laid out once for everyone and each pair's values are printed onto\n"
        "it. A page that prints personal values otherwise is still right, only slower: it is\n"
        "laid out again for every pair.\n\n"
        "| template | makes |\n| --- | --- |\n" + "\n".join(rows) + "\n"
    )
