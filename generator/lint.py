"""Teaching-quality checks: what makes a session runnable by two people who never met its author.

Validation says whether a file can be built; lint says whether the session it describes
will work in the room: measurable objectives, a timed agenda that opens with a check-in
and closes with next steps, something for the leader to do at least every twenty
minutes, preparation and practice on both sides, and advice that is not out of date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .errors import Place
from .i18n import language_of
from .layers import library_root
from .model import AgendaItem, Project, Session, Topic
from .render import plural
from .schedule import timeline

#: Objectives start with something a person can be seen doing (Bloom's verbs, and the
#: everyday verbs of digital work), in the language the topic is written in.
MEASURABLE_VERBS = frozenset(
    """
    add adapt adjust agree analyse analyze answer apply appraise argue arrange ask assess
    assign audit book brief build calculate capture categorise challenge change check choose
    cite clarify classify close coach collect combine comment compare compile complete compose
    compute configure connect construct contrast convert correct count create critique crop
    customise debate decide deconstruct define delegate delete demonstrate describe design
    detect determine develop diagnose differentiate discuss distinguish document draft draw
    edit estimate evaluate examine experiment explain export express extract facilitate file
    fill filter find fix follow format formulate frame generate give group handle highlight host
    identify illustrate implement import improve infer install integrate interpret interview
    introduce invite join judge justify label lead link list locate log manage map mark match
    measure mention merge message moderate monitor name navigate negotiate note observe
    operate order organise organize outline paraphrase photograph pick pin plan post practise
    practice predict prepare present prioritise prioritize produce prompt propose prototype publish
    rank rate react read rearrange recognise recognize recommend reconstruct record recount
    redesign reduce reflect reframe rehearse relate remove rename reorganise repeat rephrase
    reply report request research resolve respond restate restore restructure review revise rewrite
    role-play run save schedule score search select send separate sequence set share show
    sign simplify sketch solve sort specify spot state storyboard structure subscribe suggest
    summarise summarize support switch tag teach test tell trace track translate trim try
    turn unfollow update upload use validate verify vote walk watch weigh write
    """.split()
)
#: Verbs that describe a state of mind nobody can observe.
VAGUE_VERBS = frozenset(
    "understand know learn appreciate realise realize grasp see become familiarise "
    "familiarize be feel believe comprehend value internalise internalize think".split()
)
#: The same in French: infinitives, as French objectives are written ("Rédiger un message").
MEASURABLE_VERBS_FR = frozenset(
    """
    abonner accompagner activer adapter ajouter ajuster analyser animer annoter appeler appliquer
    argumenter attribuer auditer calculer capturer catégoriser chercher chiffrer choisir
    chronométrer citer clarifier classer cocher collecter combiner commenter comparer compiler
    compléter composer compter concevoir configurer connecter construire contraster convertir
    corriger couper créer critiquer débattre décider déconstruire décrire définir déléguer
    demander démontrer dessiner désabonner détecter déterminer développer diagnostiquer
    différencier discuter distinguer documenter donner écrire éditer effacer énoncer enregistrer
    enseigner envoyer épingler esquisser essayer estimer étiqueter évaluer examiner exécuter
    expérimenter expliquer exporter exprimer extraire filmer filtrer formuler fusionner générer
    gérer hiérarchiser identifier illustrer importer improviser installer intégrer interpréter
    interroger interviewer inviter jouer juger justifier lancer lire lister localiser mener
    mesurer mentionner modérer modifier montrer naviguer négocier nommer noter observer
    ordonner organiser ouvrir paramétrer paraphraser partager photographier planifier pratiquer
    prédire préparer présenter prioriser proposer produire programmer prototyper publier
    raconter rechercher recommander reconnaître reconstruire recadrer rédiger réduire réécrire
    reformuler regarder regrouper rejoindre relier relire remplir renommer réorganiser repérer
    répéter répondre reporter représenter réserver résoudre restaurer restructurer résumer
    retirer réviser sauvegarder sélectionner séparer signaler signer simplifier souligner
    structurer suggérer suivre supprimer taguer téléverser tenir tester tracer traduire trier
    trouver utiliser valider vérifier voter
    """.split()
)
VAGUE_VERBS_FR = frozenset(
    "comprendre savoir connaître apprendre apprécier réaliser saisir voir devenir familiariser "
    "être ressentir sentir croire percevoir valoriser intérioriser penser découvrir maîtriser "
    "sensibiliser".split()
)


@dataclass(frozen=True)
class _Verbs:
    """What an objective may start with in one language, and examples for the advice."""

    measurable: frozenset[str]
    vague: frozenset[str]
    examples: str


#: By language code; a topic in another language has its objectives' verbs left unchecked.
VERBS = {
    "en": _Verbs(MEASURABLE_VERBS, VAGUE_VERBS, "explain, compare, draft or set up"),
    "fr": _Verbs(MEASURABLE_VERBS_FR, VAGUE_VERBS_FR, "expliquer, comparer, rédiger or configurer"),
}
#: A word, in any alphabet, with the apostrophes and hyphens inside it ("s'abonner").
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*")
INTERACTIVE = frozenset({"check-in", "hands-on", "discussion", "reflection", "next-steps"})
PASSIVE = frozenset({"talk", "demo", "break"})
PAIR_MINUTES = (30, 90)
WORKSHOP_MINUTES = (30, 180)
MAX_PASSIVE_MINUTES = 20
OBJECTIVES_PER_SESSION = (3, 5)
#: Words in an activity's materials that name something printed with the plan, and the
#: handout kinds that answer them ("handout" is answered by any kind).
PRINTED = {
    "card": ("cards",),
    "cards": ("cards",),
    "worksheet": ("worksheet",),
    "worksheets": ("worksheet",),
    "checklist": ("checklist",),
    "handout": ("cards", "worksheet", "handout", "checklist", "evidence"),
    "handouts": ("cards", "worksheet", "handout", "checklist", "evidence"),
}
#: Cards that are not printed: "the leader's business card", "a SIM card".
NOT_PRINTED = re.compile(
    r"\b(business|credit|debit|payment|bank|gift|sim|sd|memory|smart|id|access|key)[ -]cards?\b",
    re.IGNORECASE,
)
#: A source id in square brackets, not the label of a Markdown link `[label](target)`.
CITATION = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)*)\](?![(\[])")
ENDS_WITH_CITATION = re.compile(r"\[[a-z0-9]+(?:-[a-z0-9]+)*\]\W*$")


@dataclass(frozen=True, order=True)
class Finding:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}: warning: {self.message}"


def lint(project: Project, today: dt.date | None = None) -> list[Finding]:
    """Findings for the project's own topics and those its programme runs, sorted by place.

    Built-in topics an organisation neither changes nor uses are not its concern.
    """
    today = today or dt.date.today()
    findings: list[Finding] = []
    for topic_id in sorted(_wanted(project)):
        findings.extend(_topic(project, project.topics[topic_id], today))
    findings.extend(overdue_sessions(project))
    findings.extend(_events(project))
    findings.extend(_goals(project))
    findings.extend(_pool(project))
    return sorted(set(findings))


def long_plans(project: Project, cache: Path | None = None) -> list[Finding]:
    """Session plans and workshop parts that run over the two sides of their sheet,
    measured from their real layout at the programme's paper size (only the plans are laid
    out; see `pdf.measure_plans` and its cache), for the topics `lint` looks at.
    """
    from . import pdf
    from .build import prepare

    renderer = prepare(project)
    wanted = _wanted(project)
    artefacts = [
        a
        for a in renderer.plan.artefacts
        if a.batch in pdf.ONE_SHEET_BATCHES and a.context["topic"].id in wanted
    ]
    measured = pdf.measure_plans(renderer, artefacts, cache)
    paper = project.programme.pdf.paper
    height = float(pdf.PAGE_HEIGHTS[paper].removesuffix("mm"))
    findings = []
    for artefact in artefacts:
        sides = measured[artefact.key]
        if sides.pages <= pdf.PLAN_SIDES:
            continue
        topic: Topic = artefact.context["topic"]
        number: int = artefact.context["index"]
        index = number - 1
        place = project.place(f"topic:{topic.id}", ("sessions", index)) or Place(topic.id)
        cuts = []
        if sides.front > 1:
            lines = pdf.overflow_lines(sides.front, sides.front_over, height)
            cuts.append(
                f"shorten the front (agenda notes, activity steps) by about {plural(lines, 'line')}"
            )
        if sides.back > 1:
            lines = pdf.overflow_lines(sides.back, sides.back_over, height)
            back = (
                "preparation, materials, tips, watch out for, practice"
                if topic.is_workshop
                else "preparation, tips, discussion, practice"
            )
            cuts.append(f"shorten the back ({back}) by about {plural(lines, 'line')}")
        part = "part" if topic.is_workshop else "session"
        findings.append(
            Finding(
                place,
                f"sessions[{index}]: the plan of {part} {number} ({artefact.title}) runs to "
                f"{sides.pages} sides at {PAPER_NAMES[paper]}, more than the two sides of "
                f"one sheet: {' and '.join(cuts)}",
            )
        )
    return sorted(findings)


PAPER_NAMES = {"a4": "A4", "letter": "Letter"}


def _wanted(project: Project) -> frozenset[str]:
    programme = project.programme
    wanted = project.own_topics | set(programme.topic_ids) | set(programme.onboarding)
    wanted |= {t.id for t in project.event_workshops}
    return frozenset(wanted & set(project.topics))


def overdue_sessions(project: Project) -> list[Finding]:
    """Sessions the schedule puts after their topic's review-by date (`validate` warns too).

    The finding points at the topic in the programme's tracks: that is where a coordinator
    can move it, or from where they ask for the topic to be reviewed.
    """
    findings = []
    reported: set[str] = set()
    for slot in timeline(project).sessions:
        topic = slot.topic
        if slot.start is None or topic.review_by is None or topic.id in reported:
            continue
        if slot.start.date() <= topic.review_by:
            continue
        reported.add(topic.id)
        t_index = project.programme.tracks.index(slot.track)
        i_index = slot.track.topics.index(topic.id)
        loc = ("tracks", t_index, "topics", i_index)
        place = project.place("programme", loc) or Place("program.yaml")
        findings.append(
            Finding(
                place,
                f"tracks[{t_index}].topics[{i_index}]: session {slot.number} "
                f"({topic.id}) is scheduled on {slot.start.date().isoformat()}, after the "
                f"topic's review-by date {topic.review_by.isoformat()}; have the topic "
                "reviewed and its date moved before then, or run it earlier",
            )
        )
    return findings


def _pool(project: Project) -> Iterator[Finding]:
    """A personal track whose pool leaves no choice: every pair would run the same topics."""
    for index, track in enumerate(project.programme.tracks):
        if track.personal is None:
            continue
        total = sum(len(project.topics[t].sessions) for t in track.topics if t in project.topics)
        if total == track.personal.sessions:
            loc = ("tracks", index, "personal", "pool")
            place = project.place("programme", loc) or Place("program.yaml")
            yield Finding(
                place,
                f"tracks[{track.id!r}].personal.pool: the pool holds exactly the "
                f"{total} sessions each pair runs, so every pair gets the same topics "
                "whatever they offer and want; add topics to the pool to give them a choice",
            )


_FOR = {"mentors": "mentor", "mentees": "mentee", "everyone": "both"}


def _events(project: Project) -> Iterator[Finding]:
    """Group events that people could not find, or whose plan does not fit them."""
    programme = project.programme
    schedule = programme.schedule

    def at(*loc: str | int) -> Place:
        return project.place("programme", loc) or Place("program.yaml")

    if schedule and schedule.mode == "in-person" and not schedule.location:
        yield Finding(
            at("schedule", "mode"),
            "schedule.mode: pairs meet in person, but nothing says where; add "
            "`schedule.location`, or a `location` column in pairs.csv",
        )
    for index, event in enumerate(programme.events):
        where = f"events[{event.id!r}]"
        if event.mode == "in-person" and not event.location:
            yield Finding(
                at("events", index),
                f"{where}: {event.title!r} is held in person, but nothing says where; add "
                "`location` (a room and building)",
            )
        topic = project.topics.get(event.topic or "")
        if topic is None or not topic.is_workshop:
            continue
        if topic.audience != _FOR[event.for_]:
            people = {"mentor": "mentors", "mentee": "mentees", "both": "everyone"}
            yield Finding(
                at("events", index, "topic"),
                f"{where}.topic: the workshop {topic.id!r} is written for "
                f"{people[topic.audience]}, but the event is for {event.for_}; choose a "
                "workshop for the same people, or change `for`",
            )
        if topic.minutes != event.minutes:
            yield Finding(
                at("events", index, "minutes"),
                f"{where}.minutes: the event lasts {event.minutes} minutes, but its plan "
                f"{topic.id!r} takes {topic.minutes}; make them the same",
            )


def _goals(project: Project) -> Iterator[Finding]:
    """A goal measured at a checkpoint the programme does not have (inherited, then removed
    or renamed): the figures it promises would never come."""
    programme = project.programme
    have = {c.title.casefold() for c in programme.checkpoints}
    titles = ", ".join(c.title for c in programme.checkpoints)
    theirs = f"its checkpoints are {titles}" if titles else "it has none"
    for index, goal in enumerate(programme.goals):
        for field in ("baseline", "target", "measure"):
            text = (getattr(goal, field) or "").casefold()
            for name in _built_in_checkpoints():
                known = any(name.casefold() in title for title in have)
                if name.casefold() in text and not known:
                    place = project.place("programme", ("goals", index, field))
                    yield Finding(
                        place or Place("program.yaml"),
                        f"goals[{index}].{field}: it names the checkpoint {name!r}, which "
                        f"this programme does not have ({theirs}); name one of its own, or "
                        "list the form questions under the goal's `questions` and the guide "
                        "names the checkpoints for you",
                    )


@cache
def _built_in_checkpoints() -> tuple[str, ...]:
    """The checkpoint titles of the built-in programmes: the names an inherited or copied
    goal may still use after a programme removed or renamed its checkpoints."""
    root = library_root() / "curriculum"
    names: set[str] = set()
    for path in sorted([*root.glob("*.yaml"), *root.glob("examples/*.yaml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        checkpoints = data.get("checkpoints") if isinstance(data, dict) else None
        for checkpoint in checkpoints or []:
            if isinstance(checkpoint, dict) and isinstance(checkpoint.get("title"), str):
                names.add(checkpoint["title"])
    return tuple(sorted(names, key=len, reverse=True))


def _topic(project: Project, topic: Topic, today: dt.date) -> Iterator[Finding]:
    key = f"topic:{topic.id}"
    language = language_of(topic.language or project.programme.locale)

    def at(*loc: str | int) -> Place:
        return project.place(key, loc) or Place(topic.id)

    if topic.review_by is None:
        yield Finding(at("id"), "review_by: add the date by which this topic must be checked again")
    elif topic.review_by < today:
        yield Finding(
            at("review_by"),
            f"review_by: this topic was due for review on {topic.review_by.isoformat()}; "
            "check that its advice still holds and set a new date",
        )
    if not topic.resources:
        yield Finding(
            at("id"), "resources: add at least one resource the leader can read or watch after"
        )
    for index, source in enumerate(topic.sources):
        for part, missing, advice in (
            ("publisher", source.publisher is None, "name the organisation or author"),
            ("date", source.date is None, 'give the year it was published, such as "2024-06"'),
        ):
            if missing:
                yield Finding(
                    at("sources", index),
                    f"sources[{index}].{part}: missing; {advice}, so that readers can judge "
                    "how far to trust it",
                )
    if not topic.is_workshop:
        if topic.why_it_matters is None:
            yield Finding(
                at("id"), "why_it_matters: say in a few sentences why a leader should care"
            )
        if not topic.glossary:
            yield Finding(at("id"), "glossary: add the terms a leader may not know")
    for index, objective in enumerate(topic.objectives):
        message = _objective(objective, language)
        if message:
            yield Finding(at("objectives", index), f"objectives[{index}]: {message}")
    sources = {source.id for source in topic.sources}
    for index, session in enumerate(topic.sessions):
        yield from _session(topic, session, index, at, language)
        yield from _handouts(session, sources, f"sessions[{index}]", index, at)


def _objective(text: str, language: str) -> str | None:
    verbs = VERBS.get(language)
    if verbs is None:
        return None
    words = WORD.findall(text)
    if language == "fr":  # "Se connecter", "s'abonner": the verb after the pronoun
        if words and words[0].lower() in ("se", "s’", "s'"):
            words = words[1:]
        words = [re.sub(r"^[sS]['’]", "", word) for word in words[:1]] + words[1:]
    if not words:
        return "an objective should start with something the leader can be seen doing"
    first = words[0].lower()
    if first in verbs.vague:
        return (
            f"'{words[0]}' cannot be observed; start with a verb the leader can be seen doing, "
            f"such as {verbs.examples}"
        )
    if first not in verbs.measurable:
        example = verbs.examples.replace(" or ", ", ")
        return f"start with a measurable verb ({example}…) rather than '{words[0]}'"
    return None


Locate = Callable[..., Place]


def _session(
    topic: Topic, session: Session, index: int, at: Locate, language: str
) -> Iterator[Finding]:
    where = f"sessions[{index}]"

    def here(*loc: str | int) -> Place:
        return at("sessions", index, *loc)

    low, high = WORKSHOP_MINUTES if topic.is_workshop else PAIR_MINUTES
    if not low <= session.minutes <= high:
        yield Finding(
            here("minutes"),
            f"{where}.minutes: {session.minutes} minutes; "
            f"{'workshops' if topic.is_workshop else 'pair sessions'} work best between "
            f"{low} and {high} minutes",
        )
    if session.agenda_minutes != session.minutes:
        yield Finding(
            here("agenda"),
            f"{where}.agenda: the agenda adds up to {session.agenda_minutes} minutes, "
            f"not {session.minutes}",
        )
    low_count, high_count = OBJECTIVES_PER_SESSION
    if not low_count <= len(session.objectives) <= high_count:
        yield Finding(
            here("objectives"),
            f"{where}.objectives: {plural(len(session.objectives), 'objective')}; "
            f"aim for {low_count} to {high_count}",
        )
    for number, objective in enumerate(session.objectives):
        message = _objective(objective, language)
        if message:
            yield Finding(here("objectives", number), f"{where}.objectives[{number}]: {message}")
    agenda = session.agenda
    if not _is(agenda[0], "check-in", ("check-in", "check in", "welcome", "warm-up")):
        yield Finding(
            here("agenda", 0),
            f"{where}.agenda: open with a check-in (`kind: check-in`): "
            "what happened since last time",
        )
    if not _is(agenda[-1], "next-steps", ("next step", "close", "wrap")):
        yield Finding(
            here("agenda", len(agenda) - 1),
            f"{where}.agenda: close with next steps (`kind: next-steps`): the practice task and "
            "the next date",
        )
    yield from _passive_stretches(session, where, here)
    if not topic.is_workshop:
        yield from _pair_parts(session, where, here)
    elif not session.facilitation:
        yield Finding(here("id"), f"{where}.facilitation: add notes for the trainer who runs it")


def _is(item: AgendaItem, kind: str, words: tuple[str, ...]) -> bool:
    if item.kind is not None:
        return item.kind == kind
    title = item.title.lower()
    return any(word in title for word in words)


def _interactive(item: AgendaItem) -> bool:
    if item.kind is not None:
        return item.kind in INTERACTIVE
    return item.lead in ("mentee", "both")


def _passive_stretches(session: Session, where: str, here: Locate) -> Iterator[Finding]:
    stretch = 0
    start = 0
    for number, item in enumerate(session.agenda):
        if _interactive(item):
            stretch = 0
            continue
        if stretch == 0:
            start = number
        stretch += item.minutes
        if stretch > MAX_PASSIVE_MINUTES:
            yield Finding(
                here("agenda", start),
                f"{where}.agenda[{start}]: {stretch} minutes without the leader doing "
                f"anything; break it up with something hands-on every "
                f"{MAX_PASSIVE_MINUTES} minutes",
            )
            stretch = -10_000  # one finding per stretch


def _handouts(
    session: Session, sources: set[str], where: str, index: int, at: Locate
) -> Iterator[Finding]:
    """Evidence cites the topic's sources; printed materials exist as handouts."""
    for h_index, handout in enumerate(session.handouts):
        if handout.kind != "evidence":
            continue
        for i_index, item in enumerate(handout.items):
            here = at("sessions", index, "handouts", h_index, "items", i_index)
            what = f"{where}.handouts[{h_index}].items[{i_index}]"
            if not ENDS_WITH_CITATION.search(item):
                yield Finding(
                    here,
                    f"{what}: end the statement with the id of the source that backs it, "
                    "in square brackets, such as [cipd-good-work-2024]",
                )
            for cited in CITATION.findall(item):
                if cited not in sources:
                    yield Finding(
                        here,
                        f"{what}: [{cited}] is not a source of this topic; add it under "
                        "`sources` or cite one that is there",
                    )
    titles = [handout.title.lower() for handout in session.handouts]
    kinds = {handout.kind for handout in session.handouts}
    for a_index, activity in enumerate(session.activities):
        for m_index, material in enumerate(activity.materials):
            text = NOT_PRINTED.sub("", material).lower()
            if any(title in text for title in titles):
                continue
            named = [w for w in re.findall(r"[a-z]+", text) if w in PRINTED]
            if named and not any(kind in kinds for word in named for kind in PRINTED[word]):
                yield Finding(
                    at("sessions", index, "activities", a_index, "materials", m_index),
                    f"{where}.activities[{a_index}].materials[{m_index}]: it mentions "
                    f'"{named[0]}", but the session has no handout of that kind; add it '
                    "under `handouts` so that it is printed with the plan",
                )


def _pair_parts(session: Session, where: str, here: Locate) -> Iterator[Finding]:
    missing = {
        "before.mentor": not session.before.mentor,
        "before.mentee": not session.before.mentee,
        "activities": not session.activities,
        "discussion": not session.discussion,
        "mentor_tips": not session.mentor_tips,
        "pitfalls": not session.pitfalls,
        "practice": not session.practice,
        "reflection": not session.reflection,
    }
    for part, empty in missing.items():
        if empty:
            yield Finding(here("id"), f"{where}.{part}: empty; every pair session needs it")
    runnable = {
        "remote": "say how to run this session on a video call",
        "fallback": "say what to do when a tool, an account or some data is missing",
        "if_short": "say what to cut, in order, when the session starts late",
        "exchange": "give one or two questions the mentor may ask the leader in the last "
        "minutes (what the junior gains)",
    }
    for part, advice in runnable.items():
        if not getattr(session, part):
            yield Finding(here("id"), f"{where}.{part}: missing; {advice}")
    prep = session.prep_minutes
    if prep is None:
        yield Finding(
            here("id"),
            f"{where}.prep_minutes: missing; say how long each side's preparation takes, "
            "such as {mentor: 30, mentee: 15}",
        )
    else:
        for side, label in (("mentor", "mentor"), ("mentee", "leader")):
            if getattr(session.before, side) and getattr(prep, side) is None:
                yield Finding(
                    here("prep_minutes"),
                    f"{where}.prep_minutes.{side}: missing; say how long the {label}'s "
                    "preparation takes",
                )
    if session.practice_minutes is None:
        yield Finding(
            here("id"),
            f"{where}.practice_minutes: missing; say how long the leader's practice takes",
        )
    for number, activity in enumerate(session.activities):
        if not activity.steps:
            yield Finding(
                here("activities", number),
                f"{where}.activities[{number}]: give the steps, so that the pair can follow them",
            )
        if not activity.materials:
            yield Finding(
                here("activities", number),
                f"{where}.activities[{number}]: list the materials to have ready",
            )
