"""A generated organisation project with many topics, for measuring builds at scale."""

from __future__ import annotations

from pathlib import Path

AREAS = ("digital-tools", "social-media", "dei", "trends")

SESSION = """\
  - id: session-{n}
    title: Session {n} of topic {i}
    minutes: 60
    summary: A generated session with the shape of a real one.
    objectives:
      - Explain the idea behind step {n}
      - Try the tool with the mentor watching
      - Decide one thing to practise before next time
    before:
      mentor: [Pick two examples from the organisation's own work]
      mentee: [Write down one question about the topic]
    agenda:
      - {{title: Check-in, minutes: 5, lead: both, kind: check-in, notes: What did you try since last time?}}
      - {{title: Show and tell, minutes: 15, lead: mentor, kind: demo}}
      - {{title: Hands-on, minutes: 20, lead: mentee, kind: hands-on, notes: The leader holds the device.}}
      - {{title: Discussion, minutes: 10, lead: both, kind: discussion}}
      - {{title: Reflection, minutes: 5, lead: both, kind: reflection}}
      - {{title: Next steps, minutes: 5, lead: both, kind: next-steps}}
    activities:
      - title: Try it for real
        minutes: 20
        summary: The leader does the task on their own device while the mentor narrates.
        steps: [Open the tool, Do the first task, Check the result together, Note one question]
        materials: [A laptop or phone, The two examples]
    discussion: [Where would this save your team time?, What would your customers notice?]
    mentor_tips: [Let the leader hold the device., Ask before you tell.]
    pitfalls: [Talking for the whole hour]
    practice: [Use the tool twice this week for ten minutes]
    reflection: [What happened?, Why does it matter to you?, What will you do next?]
"""


def write_library(root: Path, topics: int, per_track: int = 50) -> Path:
    """Write `topics` topic modules (3 sessions each) and a programme that runs them all."""
    for i in range(1, topics + 1):
        area = AREAS[i % len(AREAS)]
        sessions = "".join(SESSION.format(n=n, i=i) for n in (1, 2, 3))
        text = (
            f"id: bench-topic-{i}\n"
            f"title: Generated topic number {i}\n"
            f"area: {area}\n"
            "level: foundation\n"
            "summary: A generated topic with three sessions, the shape of the real library.\n"
            "why_it_matters: Leaders who can do this decide faster and with better information.\n"
            "tags: [bench, generated]\n"
            "objectives: [Explain the basics, Use the tool, Decide where it helps]\n"
            f"sessions:\n{sessions}"
            "glossary:\n  - {term: Feed, definition: What a platform shows you next.}\n"
            "review_by: 2027-12-31\n"
        )
        path = root / "topics" / area / f"bench-topic-{i}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    tracks = []
    for start in range(1, topics + 1, per_track):
        ids = ", ".join(
            f"bench-topic-{i}" for i in range(start, min(start + per_track, topics + 1))
        )
        number = start // per_track + 1
        tracks.append(f"  - {{id: track-{number}, title: Track {number}, topics: [{ids}]}}\n")
    (root / "program.yaml").write_text(
        "extends: default\n"
        "id: bench\n"
        "title: Benchmark programme\n"
        "schedule: {start: 2027-01-12, cadence: weekly, time: '15:00', timezone: Europe/London}\n"
        "tracks:\n" + "".join(tracks),
        encoding="utf-8",
    )
    return root
