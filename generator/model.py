"""The typed model of topic modules and programmes (the contracts in DESIGN.md).

Unknown keys are refused everywhere (`extra="forbid"`) and the JSON Schemas users'
editors get are generated from these same classes (`mentorkit schema`). Checks that need
more than one file (known topic ids, checkpoints within the schedule) live in `checks.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from .errors import Place
from .yamlsource import Loc, place_of

if TYPE_CHECKING:
    import holidays

KEBAB_CASE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
COLOUR = r"^#[0-9a-fA-F]{6}$"
COUNTRY = r"^[A-Z]{2}$"
CLOCK = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
LINK_SCHEMES = ("https://", "http://", "mailto:")

Id = Annotated[
    str,
    StringConstraints(pattern=KEBAB_CASE, max_length=80),
    Field(description="Lowercase words joined by hyphens, such as `short-form-video`."),
]
#: Longest title or name, and longest text, in characters (a long summary is 1,500).
TEXT_LIMIT = 300
MARKDOWN_LIMIT = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _one_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("must be one line: remove the line break (or the tab)")
    return _printable(value)


def _printable(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"holds an invisible control character (U+{ord(found.group()):04X}) at position "
            f"{found.start() + 1}; delete it (it was probably pasted in with the text)"
        )
    return value


Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TEXT_LIMIT, strip_whitespace=True),
    AfterValidator(_one_line),
]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MARKDOWN_LIMIT, strip_whitespace=True),
    AfterValidator(_printable),
    Field(description="Text; inline Markdown (`**bold**`, `*italic*`, links) is allowed."),
]
Minutes = Annotated[int, Field(ge=1, le=600, description="A duration in whole minutes.")]
Colour = Annotated[
    str, StringConstraints(pattern=COLOUR), Field(description="A colour as `#rrggbb`.")
]

Area = Annotated[str, StringConstraints(pattern=KEBAB_CASE)]
Level = Literal["foundation", "practitioner", "advanced"]
Format = Literal["pair", "workshop"]
Lead = Literal["mentor", "mentee", "both", "trainer"]
Audience = Literal["mentor", "mentee", "both"]
AgendaKind = Literal[
    "check-in", "talk", "demo", "hands-on", "discussion", "reflection", "next-steps", "break"
]
ResourceKind = Literal["article", "video", "guide", "tool", "course"]
HandoutKind = Literal["cards", "worksheet", "handout", "checklist", "evidence"]
Cadence = Literal["weekly", "fortnightly", "monthly"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
CheckpointKind = Literal["check-in", "survey", "evaluation"]
Mode = Literal["online", "phone", "in-person", "hybrid"]
EventFor = Literal["mentors", "mentees", "everyone"]
Output = Literal["site", "pdf", "calendar"]
Paper = Literal["a4", "letter"]
ALL_OUTPUTS: tuple[Output, ...] = ("site", "pdf", "calendar")

WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def N_(text: str) -> str:
    """Marks text for translation (extracted into the catalogs) without translating it."""
    return text


BUILT_IN_AREAS: dict[str, str] = {
    "digital-tools": N_("Digital tools"),
    "social-media": N_("Social media"),
    "dei": N_("Diversity, equity and inclusion"),
    "trends": N_("Trends"),
    "onboarding": N_("Onboarding"),
}


def _web_link(value: str) -> str:
    if not value.startswith(LINK_SCHEMES):
        raise ValueError("a link must start with https://, http:// or mailto:")
    return value


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a time zone name; use a name such as Europe/London "
            "or America/New_York"
        ) from None
    return value


def _language_code(value: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        if not re.fullmatch(r"[a-z]{2,3}([_-][A-Za-z]{2,4})?", value):
            raise ValueError(value)
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(
            f"{value!r} is not a language code; use a code such as en, fr, de or pt-BR"
        ) from None
    return value


Link = Annotated[str, AfterValidator(_web_link)]
TimeZone = Annotated[str, AfterValidator(_time_zone)]
LanguageCode = Annotated[str, AfterValidator(_language_code)]


class Model(BaseModel):
    """Base of every model: unknown keys are errors and loaded values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The fields each whole-item rule (a model validator, by its name) reads: pydantic
    #: skips the rules of an item with an invalid field, and `salvage` runs them when
    #: these fields are valid, so that they are reported in the same run.
    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {}


# --- topic modules -----------------------------------------------------------------


class AgendaItem(Model):
    """One timed step of a session; the minutes of all items add up to the session's."""

    title: Text = Field(description="The step's name in the timed agenda.")
    minutes: Minutes = Field(
        description="How long the step takes; the plan prints its clock times from these."
    )
    lead: Lead | None = Field(None, description="Who leads this step.")
    min_minutes: Minutes | None = Field(
        None,
        description="The shortest this step may be when a programme books shorter slots: "
        "the step is flexible between this and longer. Without it, check-ins and next steps "
        "keep their length and other steps may shrink to half (never under five minutes). "
        "The built-in sessions set it so that each fits a 30-minute slot; a shortened plan "
        "says the length it was written for, and the step's notes should still hold at this "
        "length.",
    )
    kind: AgendaKind | None = Field(
        None, description="What happens: lint counts hands-on, discussion and reflection."
    )
    notes: Markdown | None = Field(
        None, description="What to do and say in this step; printed under the step on the plan."
    )


class Activity(Model):
    """A hands-on exercise with steps someone can follow without the author in the room."""

    title: Text = Field(
        description="The activity's name; an agenda step with the same title gives it its time."
    )
    minutes: Minutes | None = Field(
        None, description="How long the activity takes; printed beside its title."
    )
    summary: Markdown | None = Field(
        None, description="One or two sentences on what the activity is for."
    )
    steps: list[Markdown] = Field(
        default_factory=list,
        description="What the pair does, step by step; printed as a numbered list on the plan.",
    )
    materials: list[Markdown] = Field(
        default_factory=list,
        description="Things to have ready in the room; a card set or worksheet named here must be "
        "one of the session's handouts.",
    )


class Preparation(Model):
    """What each person does before a session."""

    mentor: list[Markdown] = Field(
        default_factory=list,
        description="What the mentor does before the session; printed on the plan and in the "
        "mentor's guide.",
    )
    mentee: list[Markdown] = Field(
        default_factory=list,
        description="What the leader does before the session; printed on the plan and in the "
        "leader's guide.",
    )
    trainer: list[Markdown] = Field(
        default_factory=list,
        description="What the trainer prepares before a workshop; printed in the trainer's "
        "handbook.",
    )


SOURCE_DATE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


def _date_as_text(value: object) -> object:
    """YAML reads 2024-06-11 as a date and 2024 as a number; both mean the same text."""
    if isinstance(value, dt.date | int) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


SourceDate = Annotated[
    str,
    BeforeValidator(_date_as_text),
    StringConstraints(pattern=SOURCE_DATE),
    Field(description='When it was published: "2024", "2024-06" or "2024-06-11".'),
]


class PrepMinutes(Model):
    """How long each side's `before` list takes."""

    mentor: int | None = Field(
        None, ge=0, le=600, description="Minutes the mentor needs to prepare."
    )
    mentee: int | None = Field(
        None, ge=0, le=600, description="Minutes the leader needs to prepare."
    )
    trainer: int | None = Field(
        None, ge=0, le=600, description="Minutes the trainer needs to prepare (workshops)."
    )


class Handout(Model):
    """A card set, worksheet, handout, checklist or evidence summary printed with the plan."""

    id: Id = Field(description="The handout's id, unique in the session.")
    title: Text = Field(
        description="The handout's title, printed on it and named in activity materials."
    )
    kind: HandoutKind = Field(
        description="cards (a cut-out grid), worksheet (with writing space; `[ ]` in a "
        "prompt prints as a short line to write on), handout, checklist (tick boxes) or "
        "evidence (statements, each ending with a source id in square brackets, such as "
        "[cipd-good-work-2024])."
    )
    intro: Markdown | None = Field(
        None, description="How to use it, in person and on a video call."
    )
    items: list[Markdown] = Field(min_length=1, description="One card, prompt or line each.")


class Session(Model):
    """One meeting of a pair (or one workshop block), runnable as written."""

    id: Id = Field(
        description="The session's id: used in URLs and file names, and to change it with "
        "`extends`."
    )
    title: Text = Field(
        description="The session's title on its plan, in the calendar and the guides."
    )
    minutes: Minutes = Field(
        description="How long the session is as written; a programme's `session_minutes` may "
        "scale it."
    )
    summary: Markdown | None = Field(None, description="The session in a sentence or two.")
    objectives: list[Markdown] = Field(
        min_length=1,
        description="What the leader will be able to do after the session, each starting with a "
        "verb.",
    )
    before: Preparation = Field(
        default_factory=Preparation, description="What each side prepares before the session."
    )
    agenda: list[AgendaItem] = Field(
        min_length=1, description="The timed steps of the session, adding up to its minutes."
    )
    activities: list[Activity] = Field(
        default_factory=list,
        description="The hands-on parts of the session, with steps and materials.",
    )
    discussion: list[Markdown] = Field(
        default_factory=list, description="Questions for the pair to talk through."
    )
    mentor_tips: list[Markdown] = Field(
        default_factory=list,
        description="Advice for the mentor; printed on the plan and in the mentor's guide, never "
        "in the leader's.",
    )
    pitfalls: list[Markdown] = Field(
        default_factory=list, description="What tends to go wrong, for the mentor to avoid."
    )
    practice: list[Markdown] = Field(
        default_factory=list, description="What the leader does before the next session."
    )
    reflection: list[Markdown] = Field(
        default_factory=list,
        description="Questions to close the session: what happened, so what, now what.",
    )
    facilitation: list[Markdown] = Field(
        default_factory=list, description="Notes for the trainer who runs a workshop."
    )
    prep_minutes: PrepMinutes | None = Field(
        None, description="How long each side's `before` list takes: {mentor: 30, mentee: 15}."
    )
    practice_minutes: int | None = Field(
        None, ge=0, le=600, description="How long the leader's `practice` takes."
    )
    remote: list[Markdown] = Field(
        default_factory=list, description="How to run this session on a video call."
    )
    fallback: list[Markdown] = Field(
        default_factory=list,
        description="What to do when a tool, an account or some data is missing.",
    )
    if_short: list[Markdown] = Field(
        default_factory=list, description="What to cut, in order, when the session starts late."
    )
    exchange: list[Markdown] = Field(
        default_factory=list,
        description="What the junior gains: one or two questions the junior may ask the "
        "leader, answered in the last minutes.",
    )
    handouts: list[Handout] = Field(
        default_factory=list,
        description="Every card, worksheet or handout the session uses, printed with the plan.",
    )

    #: The length the session is written for, when a programme's slot has scaled it
    #: (`timing.fit`): a shortened plan says so and how to run its shortened steps.
    _written: int | None = PrivateAttr(None)

    @property
    def agenda_minutes(self) -> int:
        return sum(item.minutes for item in self.agenda)

    @property
    def written_minutes(self) -> int:
        """How long the session is as its topic writes it, before any scaling."""
        return self._written if self._written is not None else self.minutes


class Resource(Model):
    title: Text = Field(description="The resource's title, linked in the topic's resources.")
    url: Link = Field(
        description="Where it is: a web address (https://) or an email link (mailto:)."
    )
    kind: ResourceKind = Field(
        "article", description="What the resource is; shown beside its title."
    )
    note: Markdown | None = Field(None, description="Why it is worth the time, in a sentence.")


class Source(Model):
    """A published source backing a claim of fact in the topic."""

    id: Id = Field(description="Unique in the topic; evidence items cite it as [id].")
    title: Text = Field(description="The title of the report, article or page.")
    publisher: Text | None = Field(None, description="A named organisation or author.")
    date: SourceDate | None = Field(
        None, description="When it was published: a year, a year and month, or a date."
    )
    url: Link = Field(description="A real, specific page (not a homepage).")
    supports: Markdown = Field(
        description="One sentence saying what this source shows, in your own words."
    )


class GlossaryEntry(Model):
    term: Text = Field(description="A word or phrase the topic uses.")
    definition: Markdown = Field(
        description="What the term means, in plain words; printed in the topic's glossary."
    )


def _strings(value: object, found: list[str] | None = None) -> list[str]:
    """Every string in a dumped model, in order (a call per list or mapping, not per
    value: a session plan's glossary reads the whole session)."""
    found = [] if found is None else found
    if isinstance(value, str):
        found.append(value)
        return found
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict | list):
            _strings(item, found)
    return found


def _term_forms(term: str) -> list[str]:
    forms = {term.strip()}
    bracket = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", term)
    if bracket:
        forms |= {bracket.group(1).strip(), bracket.group(2).strip()}
    return [f for f in sorted(forms, key=len, reverse=True) if f]


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    words = "|".join(re.escape(f) for f in _term_forms(term))
    return re.compile(rf"(?<!\w)(?:{words})(?:s|es)?(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _ascii_forms(term: str) -> tuple[str, ...] | None:
    """A term's forms in lower case, when they are all ASCII (None otherwise)."""
    forms = _term_forms(term)
    if not forms or not all(f.isascii() for f in forms):
        return None
    return tuple(f.lower() for f in forms)


@functools.lru_cache(maxsize=1024)
def _terms_used(text: str, terms: tuple[str, ...]) -> tuple[bool, ...]:
    """Which of `terms` a session's text uses (see `Topic.glossary_for`): asked twice for
    each session in a build, by its plan and by its topic's whole page.

    The pattern searches the whole text at every position, so a term none of whose forms
    appears in the text at all is left out first. That is exact for ASCII text and forms,
    where ignoring case is comparing lower case; anything else is searched."""
    lowered = text.lower() if text.isascii() else None
    used = []
    for term in terms:
        forms = _ascii_forms(term)
        if lowered is not None and forms is not None and not any(f in lowered for f in forms):
            used.append(False)
        else:
            used.append(_term_pattern(term).search(text) is not None)
    return tuple(used)


class Topic(Model):
    """A topic module: what a leader learns, over one or more sessions."""

    id: Id = Field(
        description="The topic's id, unique across all layers: used in URLs, file names, tracks "
        "and `extends`."
    )
    title: Text = Field(description="The topic's title in the library, the tracks and every plan.")
    area: Area = Field(
        description="The area the topic belongs to (digital-tools, social-media, dei, trends, "
        "onboarding, or one the programme declares)."
    )
    level: Level = Field("foundation", description="How far into the subject the topic goes.")
    format: Format = Field(
        "pair",
        description="`pair` for mentor and leader, `workshop` for a trainer with a group "
        "(onboarding).",
    )
    audience: Audience = Field(
        "both", description="For workshops: who attends (mentor, mentee or both)."
    )
    summary: Markdown = Field(
        description="What the leader will be able to do after the topic, in two or three sentences."
    )
    why_it_matters: Markdown | None = Field(
        None, description="The business case, for a senior reader."
    )
    tags: list[Id] = Field(
        default_factory=list,
        description="Words that describe the topic; matching compares them with what people offer "
        "and want.",
    )
    prerequisites: list[Id] = Field(
        default_factory=list, description="Ids of topics to run before this one."
    )
    objectives: list[Markdown] = Field(
        min_length=1,
        description="What the leader will be able to do after the topic, each starting with a "
        "verb.",
    )
    sessions: list[Session] = Field(min_length=1, description="The topic's sessions, in order.")
    sources: list[Source] = Field(
        default_factory=list,
        description="What backs every claim of fact in the topic (ids unique in the topic).",
    )
    resources: list[Resource] = Field(
        default_factory=list, description="Further reading and tools, each with a link."
    )
    glossary: list[GlossaryEntry] = Field(
        default_factory=list, description="Terms the topic uses, with what they mean."
    )
    review_by: dt.date | None = Field(
        None, description="When the advice should be checked again (platforms change)."
    )
    language: LanguageCode | None = Field(
        None,
        description="The language the topic is written in (en, fr, de...), when it is not "
        "the programme's: the site marks its text so screen readers pronounce it right.",
    )

    #: Read-only methods templates may call (see `sandbox.template_api`).
    TEMPLATE_API: ClassVar[frozenset[str]] = frozenset({"glossary_for"})

    @property
    def is_workshop(self) -> bool:
        return self.format == "workshop"

    def glossary_for(self, session: Session) -> list[GlossaryEntry]:
        """The glossary entries a session's text uses, for the back of its plan.

        A term counts when it, its plural, the words before a bracket or the abbreviation
        in the bracket ("For You page (FYP)") appear as whole words, in any case.
        """
        if not self.glossary:
            return []
        text = " ".join(_strings(session.model_dump()))
        used = _terms_used(text, tuple(entry.term for entry in self.glossary))
        return [entry for entry, yes in zip(self.glossary, used, strict=True) if yes]

    @property
    def minutes(self) -> int:
        return sum(session.minutes for session in self.sessions)

    def session(self, session_id: str) -> Session:
        return next(s for s in self.sessions if s.id == session_id)


# --- programmes ----------------------------------------------------------------------


class Colors(Model):
    primary: Colour = "#3f51b5"
    accent: Colour = "#ff7043"


class Font(Model):
    """A typeface shipped in the project's assets, used by the site and every PDF."""

    family: Text = Field(description="The name of the typeface, such as Atkinson Hyperlegible.")
    regular: str = Field(description="Path of the regular font file (.ttf, .otf, .woff, .woff2).")
    bold: str | None = Field(
        None, description="Path of the bold font file, relative to the project."
    )
    italic: str | None = Field(
        None, description="Path of the italic font file, relative to the project."
    )
    bold_italic: str | None = Field(
        None, description="Path of the bold italic font file, relative to the project."
    )

    def files(self) -> dict[str, str]:
        """The font files by style, for the ones given."""
        named = {
            "regular": self.regular,
            "bold": self.bold,
            "italic": self.italic,
            "bold_italic": self.bold_italic,
        }
        return {style: path for style, path in named.items() if path}


class Organisation(Model):
    name: Text = Field(
        "Your organisation",
        description="The organisation's name: in the site's footer, on every PDF and certificate.",
    )
    logo: str | None = Field(None, description="Path of an image, relative to the project.")
    colors: Colors = Field(
        default_factory=Colors, description="The brand colours of the site and the PDFs."
    )
    font: Font | None = Field(None, description="A typeface of the organisation's own.")
    website: Link | None = Field(
        None, description="The organisation's website, linked from the site."
    )


class RoleTexts(Model):
    """A sentence for each role, where the programme has its own words for it."""

    mentor: Markdown | None = Field(None, description="About the mentors.")
    mentee: Markdown | None = Field(None, description="About the mentees.")
    coordinator: Markdown | None = Field(None, description="About the coordinator.")
    trainer: Markdown | None = Field(None, description="About the trainer.")
    sponsor: Markdown | None = Field(None, description="About the sponsor.")
    line_manager: Markdown | None = Field(None, description="About the mentors' line managers.")


#: The fields of `Roles` that are labels (the others describe the roles).
ROLE_LABELS = ("mentor", "mentee", "coordinator", "trainer", "sponsor", "line_manager")


class Roles(Model):
    """What people are called in every output."""

    mentor: Text = Field(N_("Reverse mentor"), description="What the junior who mentors is called.")
    mentee: Text = Field(N_("Leader"), description="What the senior learner is called.")
    coordinator: Text = Field(
        N_("Programme coordinator"), description="What the programme coordinator is called."
    )
    trainer: Text = Field(
        N_("Trainer"), description="What the person who runs onboarding is called."
    )
    sponsor: Text = Field(
        N_("Executive sponsor"), description="What the executive sponsor is called."
    )
    line_manager: Text = Field(
        N_("Line manager"),
        description="What a mentor's line manager is called (they release the mentor's time).",
    )

    who: RoleTexts = Field(
        default_factory=RoleTexts,
        description="Who takes each role, in the programme guide's table of roles, such as "
        "`mentor: A colleague in their first five years of service`; the guide's own "
        "sentence where none is given.",
    )
    does: RoleTexts = Field(
        default_factory=RoleTexts,
        description="What each role does, in the programme guide's table of roles; the "
        "guide's own sentence where none is given.",
    )

    def localized(self, gettext: Callable[[str], str]) -> Roles:
        """Labels the programme did not set, in the programme's language."""
        defaults = {
            name: gettext(str(Roles.model_fields[name].default))
            for name in ROLE_LABELS
            if name not in self.model_fields_set
        }
        return self.model_copy(update=defaults)


#: The countries (of those the holidays calendar knows) whose English name takes "the"
#: in a sentence: in the Philippines, the United Kingdom, the United States.
THE_IN_ENGLISH = frozenset(
    "AE AX BQ BS CC CF CK DO FK FO GB GM GS IO KM KY MH MP MV NL PH PN PS SB SC TC TF UM US "
    "VG VI".split()
)


class PublicHolidays(Model):
    """The public holidays of a country, or of one of its regions, with no sessions."""

    country: Annotated[str, StringConstraints(pattern=COUNTRY)] = Field(
        description="The country's two-letter code, such as GB, FR or US."
    )
    subdivision: Text | None = Field(
        None,
        description="A region with holidays of its own, such as ENG or SCT in GB, or BY in DE.",
    )

    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {"_known_region": ("country", "subdivision")}

    @model_validator(mode="after")
    def _known_region(self) -> PublicHolidays:
        problem = region_problem(self.country, self.subdivision, "leave `subdivision` out")
        if problem:
            raise ValueError(problem)
        return self

    @property
    def code(self) -> str:
        """The region as a roster's `holidays` cell names it: `AE`, or `CA-QC`."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country

    def region_name(self, locale: str = "en") -> str:
        """The region's name: in English as the holidays calendar gives it (`England` for
        ENG), in another language as ISO 3166-2 names it there (`Bavière` for DE-BY in
        French), else in its own language (`Catalunya`)."""
        if not locale.lower().startswith("en") and self.subdivision:
            local = _subdivision_name(f"{self.country}-{self.subdivision}", locale)
            if local:
                return local
        names = getattr(_holidays(self.country, self.subdivision), "subdivisions_aliases", {})
        english = next((name for name, code in names.items() if code == self.subdivision), "")
        return english or self.subdivision or self.country

    def label(self, locale: str, in_sentence: bool = False) -> str:
        """`England (United Kingdom)` or `Ireland`, in the programme's language. Within an
        English sentence, a country whose name takes "the" has it: `in the Philippines`.
        Other languages get the bare name, as a label does (`Independence Day,
        Philippines`): their translations put a region where it needs no article (the
        French one in brackets: `un jour férié (Philippines)`)."""
        from babel import Locale

        country = Locale.parse(locale.replace("-", "_")).territories.get(self.country, self.country)
        if self.subdivision is None:
            english = locale.replace("-", "_").split("_")[0].lower() == "en"
            article = in_sentence and english and self.country in THE_IN_ENGLISH
            return f"the {country}" if article else str(country)
        return f"{self.region_name(locale)} ({country})"

    def calendar(self, locale: str = "en") -> Mapping[dt.date, str]:
        """The holidays with their names, looked up for any year: in the language of
        `locale` where the country's calendar has it, else in English, else in the
        country's own language (never in the language of the computer's settings, which
        the holidays library would follow otherwise). One calendar per region and language
        for the whole run: every pair's dates look days up in it."""
        entity = _holidays(self.country, self.subdivision)
        language = holiday_language(entity.supported_languages, entity.default_language, locale)
        return _holidays(self.country, self.subdivision, language)


@functools.cache
def _subdivision_name(code: str, locale: str) -> str:
    """ISO 3166-2's name of a region (`DE-BY`) in the language of `locale`, from the
    iso-codes translations pycountry ships; its own name where they have none, without
    the other names ISO gives in brackets (`Catalunya [Cataluña]`); "" when ISO has no
    such code (the holidays library names a few regions its own way)."""
    import gettext

    import pycountry

    found = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    if found is None:
        return ""
    wanted = locale.replace("-", "_")
    languages = list(dict.fromkeys((wanted, wanted.split("_")[0])))
    catalogue = gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=languages, fallback=True
    )
    return catalogue.gettext(found.name).split(" [")[0].strip()


@functools.cache
def _holidays(
    country: str, subdivision: str | None, language: str | None = None
) -> holidays.HolidayBase:
    """A holidays calendar, made once: it fills in the years asked of it as they are."""
    import holidays

    if language is None:
        return holidays.country_holidays(country, subdiv=subdivision)
    return holidays.country_holidays(country, subdiv=subdivision, language=language)


def holiday_language(supported: Sequence[str], default: str | None, locale: str) -> str | None:
    """The language a holidays calendar gives its names in, for a programme's `locale`:
    the locale itself (`en_GB`), or another form of its language (`fr` for fr-CA; for
    English, the country's own English, `en_PH`, else `en_US`), else English, else the
    country's default."""
    wanted = locale.replace("-", "_")
    if wanted in supported:
        return wanted
    for language in dict.fromkeys((wanted.split("_")[0].lower(), "en")):
        forms = [code for code in supported if code.split("_")[0].lower() == language]
        for choice in (default, language, "en_US", *forms):
            if choice in forms:
                return choice
    return default


def region_problem(
    country: str, subdivision: str | None, alone: str, written: str = "", prefix: str = ""
) -> str | None:
    """What is wrong with a public-holidays region, or None: the same rules for a
    programme's `schedule.holidays` and a roster's `holidays` cells. `alone` says how to
    name the whole country instead of a region ("leave `subdivision` out"); `written` is
    the region as a person wrote it, named when it is no country; `prefix` goes before
    each region the message proposes (`GB-` for `GB-ENG`)."""
    import holidays

    known = holidays.list_supported_countries()
    if country not in known or not re.match(COUNTRY, country):
        return (
            f"{written or country!r} is not a country the holidays calendar knows; use a "
            "two-letter code such as GB, FR or US"
        )
    regions = known[country]
    choices = f"use one of {', '.join(prefix + region for region in regions)}, or {alone}"
    if subdivision == "":  # `GB-` in a roster cell (a programme's `subdivision` is never empty)
        return (
            f"{written.strip()!r} names no region after the dash; {choices if regions else alone}"
        )
    if subdivision is not None and not regions:
        return f"{country} has no regions with holidays of their own; {alone}"
    if subdivision is not None and subdivision not in regions:
        return f"{subdivision!r} is not a region of {country}; {choices}"
    return None


@functools.lru_cache(maxsize=256)
def holiday_region(code: str) -> PublicHolidays:
    """The region a checked code names (`AE`, `CA-QC`: see `PublicHolidays.code`)."""
    country, _, subdivision = code.partition("-")
    return PublicHolidays(country=country, subdivision=subdivision or None)


def _regions_shape(value: object) -> str:
    return "list" if isinstance(value, list) else "one"


#: One region, as before lists were allowed, or several: a list's errors are located at
#: its items, a mapping's at its keys (the tags are taken out of the errors' key paths).
HolidayRegions = Annotated[
    Annotated[PublicHolidays, Tag("one")] | Annotated[list[PublicHolidays], Tag("list")],
    Discriminator(_regions_shape),
]


def _goal_from_text(value: object) -> object:
    """A goal written as plain text, as before goals had targets, is a goal with no target."""
    return {"goal": value} if isinstance(value, str) else value


class GoalDetail(Model):
    """A goal with where the programme starts from, where it aims, and how it knows."""

    goal: Markdown = Field(description="What the programme is for, in one sentence.")
    baseline: Markdown | None = Field(
        None, description="Where things stand before the programme, and how that was found."
    )
    target: Markdown | None = Field(
        None, description="What counts as success, as a number or an observable change."
    )
    measure: Markdown | None = Field(
        None, description="How and when it is measured: which form, question or record."
    )
    questions: dict[CheckpointKind, list[Id]] = Field(
        default_factory=dict,
        description="The feedback-form questions that measure it, by the kind of checkpoint "
        "that asks them, such as `evaluation: [can-now-do, confidence]` (the ids are those of "
        "`DIR/forms/`). The guide names the programme's own checkpoints of that kind with the "
        "questions' numbers before `measure`, and leaves out a kind the programme has none of.",
    )


Goal = Annotated[
    GoalDetail,
    BeforeValidator(_goal_from_text, json_schema_input_type=str | GoalDetail),
    Field(description="A goal as one sentence, or as {goal, baseline, target, measure}."),
]


class Commitments(Model):
    """The time each role gives to the programme, in words such as "2 hours a month"."""

    mentor: Markdown | None = Field(
        None, description="The time a mentor gives, preparation included."
    )
    mentee: Markdown | None = Field(
        None, description="The time a leader gives, sessions and practice included."
    )
    coordinator: Markdown | None = Field(
        None, description="The time the programme coordinator gives, such as 2 hours a week."
    )
    trainer: Markdown | None = Field(None, description="The time a trainer gives to onboarding.")
    sponsor: Markdown | None = Field(
        None,
        description="The time the executive sponsor gives, such as opening and closing the "
        "programme.",
    )
    line_manager: Markdown | None = Field(
        None, description="The time a mentor's line manager releases, such as 1 hour a fortnight."
    )


class Touchpoint(Model):
    """One regular message or meeting: the programme's communication rhythm."""

    when: Text = Field(description="How often or at which moment, such as Every month.")
    who: Text = Field(description="Who it reaches or who meets.")
    what: Markdown = Field(description="What is said or decided, and by whom.")


class Contact(Model):
    """Where to turn with a concern."""

    concern: Markdown = Field(
        description="The kind of concern, such as a pairing that is not working."
    )
    contact: Text = Field(description="Who to contact: a role or a named person.")
    how: Markdown | None = Field(
        None, description="How to reach them: an email link, a phone number, a channel."
    )


class OnboardingHours(Model):
    """The local hours an onboarding sitting may fall in, for everyone booked into it."""

    earliest: Annotated[str, StringConstraints(pattern=CLOCK)] = Field(
        "08:00", description="No sitting starts before this local time (HH:MM, quoted)."
    )
    latest: Annotated[str, StringConstraints(pattern=CLOCK)] = Field(
        "18:00", description="No sitting ends after this local time (HH:MM, quoted)."
    )

    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {"_in_order": ("earliest", "latest")}

    @model_validator(mode="after")
    def _in_order(self) -> OnboardingHours:
        if _minute(self.latest) <= _minute(self.earliest):
            raise ValueError(f"latest ({self.latest}) must be after earliest ({self.earliest})")
        return self


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class Schedule(Model):
    start: dt.date = Field(description="Date of the first pair session.")
    cadence: Cadence = Field(
        "fortnightly",
        description="How often pairs meet: every week, every two weeks or every month.",
    )
    weekday: Weekday | None = Field(None, description="Defaults to the weekday of `start`.")
    time: Annotated[str, StringConstraints(pattern=CLOCK)] = Field(
        "10:00", description='Local start time as HH:MM (quote it: "15:00").'
    )
    timezone: TimeZone = Field(
        "UTC",
        description="The programme's time zone (an IANA name such as Europe/London) for every "
        "date and calendar.",
    )
    session_minutes: Minutes = Field(
        60,
        description="The length of a pair session; every agenda is scaled to it within its steps' "
        "bounds.",
    )
    mode: Mode | None = Field(
        None,
        description="How pairs meet by default: online, phone, in-person or hybrid; printed "
        "on plans, covers and guides.",
    )
    location: Text | None = Field(
        None,
        description="Where pairs meet by default (a room, or how the link is sent); printed, "
        "and written as LOCATION in every calendar event. A pair's row in pairs.csv may "
        "give its own `location`.",
    )
    skip: list[dt.date] = Field(
        default_factory=list,
        description="Dates with no sessions (holidays), wherever each person is: no pair "
        "meets when it is one of these dates on either person's clock.",
    )
    onboarding_start: dt.date | None = Field(
        None, description="Date of the first onboarding workshop; defaults to before `start`."
    )
    holidays: HolidayRegions | None = Field(
        None,
        description="Skip the public holidays of a country or region, as `skip` dates are "
        "skipped: {country: GB, subdivision: ENG}. For a programme in several places, a "
        "list: [{country: CA, subdivision: QC}, {country: AE}, {country: PH}] skips a day "
        "that is a public holiday in any of them, each region listed once. A roster's "
        "`holidays` column gives a person their own region (AE, CA-QC): a pair then skips "
        "the holidays of its two people only, each on their own clock (the date where they "
        "are), and these regions stay for the programme's own dates and for people whose "
        "cell is empty.",
    )

    @property
    def regions(self) -> list[PublicHolidays]:
        """The regions whose public holidays are skipped, one or several alike."""
        if self.holidays is None:
            return []
        if isinstance(self.holidays, PublicHolidays):
            return [self.holidays]
        return list(self.holidays)

    def regions_for(self, own: Iterable[str]) -> list[PublicHolidays]:
        """The regions whose public holidays close a day for some people, from each one's
        own region (a roster's `holidays` cell: `AE`, `CA-QC`), "" for one who follows
        the programme's `holidays`: a day is closed when it is closed for any of them."""
        codes = list(own)
        if not any(codes):
            return self.regions
        found: dict[str, PublicHolidays] = {}
        for code in codes:
            for region in [holiday_region(code)] if code else self.regions:
                found.setdefault(region.code, region)
        return list(found.values())

    def closed(self, regions: Sequence[PublicHolidays] | None = None) -> Callable[[dt.date], bool]:
        """Whether a day has no sessions: a `skip` date or a public holiday in any region
        (the programme's, or the `regions` given: a pair's, from `regions_for`)."""
        skip = set(self.skip)
        chosen = self.regions if regions is None else regions
        calendars = [region.calendar() for region in chosen]
        return lambda day: day in skip or any(day in region for region in calendars)

    onboarding_hours: OnboardingHours = Field(
        default_factory=OnboardingHours,
        description="With a roster, onboarding runs in as many sittings as the participants' "
        "time zones need, each within these local hours for everyone in it.",
    )

    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "_weekday_matches_start": ("start", "weekday")
    }

    @model_validator(mode="after")
    def _weekday_matches_start(self) -> Schedule:
        actual = WEEKDAYS[self.start.weekday()]
        if self.weekday is not None and self.weekday != actual:
            raise ValueError(
                f"the start date {self.start.isoformat()} is a {actual.capitalize()}, "
                f"but the weekday is {self.weekday}; change one of them"
            )
        return self

    @property
    def day(self) -> Weekday:
        return self.weekday or WEEKDAYS[self.start.weekday()]

    @property
    def clock(self) -> dt.time:
        hours, minutes = self.time.split(":")
        return dt.time(int(hours), int(minutes))


class MatchingWeights(Model):
    """How much each soft goal counts once the most pairs and the most wishes are settled.

    Each goal scores a pair from 0 to 10; a weight of 0 turns a goal off. No weight can
    trade a pair or a wish for a soft goal: those come first, always.
    """

    common_time: Annotated[int, Field(ge=0, le=10)] = Field(
        1, description="Prefer pairs with more free time in common (one point an hour, up to 10)."
    )
    nearby_time_zones: Annotated[int, Field(ge=0, le=10)] = Field(
        1, description="Prefer pairs whose clocks are closer (10 points less an hour apart)."
    )


class Matching(Model):
    weights: MatchingWeights = Field(
        default_factory=MatchingWeights,
        description="How much each soft goal counts after most pairs and most wishes (0 to 10 "
        "each).",
    )


class PersonalTrack(Model):
    """A track whose sessions each pair gets from a pool, by what the mentor offers and
    the leader wants (the roster's `offers` and `wants`)."""

    pool: list[Id] = Field(
        min_length=1,
        description="The topics a pair's sessions are chosen from: topic ids, or areas "
        "(every pair topic of the area), such as [data-dashboards, social-media].",
    )
    sessions: int = Field(
        ge=1,
        description="How many sessions every pair has in this track; each pair's own topics "
        "fill them (the last one may be run in part).",
    )


class Track(Model):
    id: Id = Field(
        description="The track's id: used in URLs and to change or drop it with `extends` "
        "(`!reset`)."
    )
    title: Text = Field(description="The track's name in the guides and the navigation.")
    summary: Markdown | None = Field(None, description="What the track covers, on its page.")
    topics: list[Id] = Field(
        default_factory=list,
        description="Ids of the pair topics the track runs, in order. A personal track "
        "leaves it out: its topics come from `personal.pool`.",
    )
    personal: PersonalTrack | None = Field(
        None,
        description="Make it a personal track: each pair gets its own sessions from a pool "
        "of topics, by what the mentor offers and the leader wants; `pairs.csv` may choose "
        "them by hand (the `topics` column).",
    )

    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {"_topics_or_pool": ("topics", "personal")}

    @model_validator(mode="after")
    def _topics_or_pool(self) -> Track:
        if self.personal is not None and self.topics:
            raise ValueError(
                "a personal track takes its topics from `personal.pool`; remove `topics` (or, "
                "when the track inherits them, write `topics: !reset []`), or remove `personal` "
                "to run the same topics for every pair"
            )
        if self.personal is None and not self.topics:
            raise ValueError(
                "give the track its `topics` (topic ids, in order), or make it personal with "
                "`personal: {pool: [...], sessions: 6}`"
            )
        return self


class Checkpoint(Model):
    """A moment to take stock: after a given session, or at the end of the programme."""

    kind: CheckpointKind = Field(
        description="What kind of checkpoint it is; it chooses the questions of its feedback form."
    )
    title: Text = Field(
        description="The checkpoint's name in the guide, the calendar and on its form."
    )
    after_session: int | None = Field(
        None,
        ge=1,
        description="The checkpoint falls the day after this pair session (counted across the "
        "whole programme).",
    )
    at: Literal["end"] | None = Field(
        None, description="`end`: the checkpoint falls after the last session."
    )
    summary: Markdown | None = Field(
        None, description="What the checkpoint is for, printed in the programme guide."
    )
    questions: list[Markdown] = Field(
        default_factory=list, description="Extra questions added to the standard form."
    )

    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {"_one_moment": ("after_session", "at")}

    @model_validator(mode="after")
    def _one_moment(self) -> Checkpoint:
        if (self.after_session is None) == (self.at is None):
            raise ValueError("give either `after_session: N` or `at: end`")
        return self


class Event(Model):
    """A group meeting beside the pair sessions, such as group supervision for mentors."""

    id: Id = Field(description="Unique among the events; used in calendar ids.")
    title: Text = Field(description="Its name, as printed in guides, packs and calendars.")
    for_: EventFor = Field(
        "everyone",
        alias="for",
        description="Who attends: mentors, mentees or everyone. The event appears in their "
        "guides, calendars and packs.",
    )
    after_sessions: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list,
        description="Hold it once after each of these pair sessions (numbered across the "
        "programme), on the next working day at the programme's time: [2, 4, 6].",
    )
    dates: list[dt.date] = Field(
        default_factory=list,
        description="Or hold it on these dates, at the programme's time: [2027-03-10].",
    )
    minutes: Minutes = Field(60, description="How long each meeting lasts, in minutes.")
    mode: Mode | None = Field(
        None,
        description="online, phone, in-person or hybrid; without it none is printed (the pair "
        "sessions' `schedule.mode` is not the event's).",
    )
    location: Text | None = Field(
        None,
        description="Where it is held; without it none is printed (the pair sessions' "
        "`schedule.location` is not the event's).",
    )
    attendance: Text | None = Field(
        None, description="What is expected, shown with the event: at least 2 of 3."
    )
    summary: Markdown | None = Field(None, description="What happens there, in a sentence.")
    topic: Id | None = Field(
        None,
        description="A workshop topic (format: workshop) that plans it; the trainer's "
        "handbook prints its plan.",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    RULES: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "_one_kind_of_date": ("after_sessions", "dates")
    }

    @model_validator(mode="after")
    def _one_kind_of_date(self) -> Event:
        if self.after_sessions and self.dates:
            raise ValueError(
                "give `after_sessions` or `dates`, not both: an event follows pair sessions, "
                "or falls on dates of its own"
            )
        if not self.after_sessions and not self.dates:
            raise ValueError(
                "say when it is held: `after_sessions: [2, 4]` (the next working day after those "
                "pair sessions) or `dates: [2027-03-10]`"
            )
        return self


class Recognition(Model):
    certificate: bool = Field(True, description="Whether everyone gets a certificate at the end.")
    message: Markdown | None = Field(
        None, description="A thank-you printed on certificates and in the guides."
    )
    signatory: Text | None = Field(None, description="Who signs certificates, with their role.")


class ReportSettings(Model):
    """What `mentorkit report` may share beyond the coordinator."""

    publish: bool = Field(
        False,
        description="Put programme-level results (never about fewer than five people, no "
        "names, no written answers) on the site, from the last `mentorkit report`.",
    )


class AreaInfo(Model):
    id: Id = Field(description="The area's id, as topics name it in `area`.")
    title: Text = Field(description="The area's name in the topic library and the navigation.")
    summary: Markdown | None = Field(
        None, description="A sentence or two on the area, printed on its library page."
    )


class PdfOptions(Model):
    paper: Paper = Field("a4", description="The paper size of every PDF: `a4` or `letter`.")


class Programme(Model):
    """A whole programme: who, when, what, and how it is measured and celebrated."""

    id: Id = Field(
        description="The programme's id: used in file names (the calendar) and by `extends`."
    )
    title: Text = Field(
        description="The programme's name: the site's title, the PDFs' headers, the calendar's "
        "name."
    )
    short_title: Text | None = Field(
        None,
        description="A short name for the programme where space is tight: each pair session "
        "in the calendars reads `<short title> 3/6: <session>`. The title where none is given.",
    )
    summary: Markdown | None = Field(
        None,
        description="The programme in two or three sentences, on the home page and in the guide.",
    )
    organisation: Organisation = Field(
        default_factory=Organisation,
        description="The organisation running the programme: name, logo, colours and typeface.",
    )
    roles: Roles = Field(
        default_factory=Roles,
        description="What the organisation calls each role; used in every text.",
    )
    locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}([_-][A-Za-z]{2,4})?$")] = Field(
        "en",
        description="The language and region of every fixed text and date, such as en-GB or fr; "
        "without it, the time zone's country.",
    )
    goals: list[Goal] = Field(
        default_factory=list,
        description="What the programme is for: printed in the programme guide and asked about in "
        "the final evaluation.",
    )
    ground_rules: list[Markdown] = Field(
        default_factory=list,
        description="Rules both sides agree to; printed in the guides and the mentoring agreement.",
    )
    commitments: Commitments = Field(
        default_factory=Commitments, description="The time each role gives to the programme."
    )
    communication: list[Touchpoint] = Field(
        default_factory=list, description="The rhythm of messages and meetings that keep it going."
    )
    contacts: list[Contact] = Field(
        default_factory=list, description="Who to contact with a concern, and how."
    )
    after_programme: list[Markdown] = Field(
        default_factory=list, description="What happens after the last session."
    )
    schedule: Schedule | None = Field(
        None, description="When the pair sessions run; without it, the outputs carry no dates."
    )
    onboarding: list[Id] = Field(
        default_factory=list,
        description="The workshop topics run before the pair sessions, in order.",
    )
    tracks: list[Track] = Field(
        default_factory=list,
        description="The pair topics in the order they run, grouped in tracks.",
    )
    checkpoints: list[Checkpoint] = Field(
        default_factory=list,
        description="Check-ins, surveys and the final evaluation, each with a feedback form and a "
        "date in the calendar.",
    )
    events: list[Event] = Field(
        default_factory=list,
        description="Group meetings during the programme, beside the pair sessions: group "
        "supervision, peer support, a networking event.",
    )
    recognition: Recognition = Field(
        default_factory=Recognition,
        description="How the programme thanks people at the end: certificates and a message.",
    )
    outputs: list[Output] = Field(
        default_factory=lambda: list(ALL_OUTPUTS),
        description="What `build` makes: the site, the PDFs, the calendar.",
    )
    areas: list[AreaInfo] = Field(
        default_factory=list, description="Areas beyond the built-in ones, or new titles."
    )
    pdf: PdfOptions = Field(default_factory=PdfOptions, description="Options of the printed PDFs.")
    report: ReportSettings = Field(
        default_factory=ReportSettings,
        description="What `mentorkit report` may publish on the site.",
    )
    matching: Matching = Field(
        default_factory=Matching, description="Weights of the soft goals of `mentorkit match`."
    )
    library: Literal["used", "all"] = Field(
        "used",
        description="What the site's topic library lists: `used`, the programme's own topics; "
        "`all`, every topic of the library and the packs, the programme's first.",
    )
    packs: list[Text] = Field(
        default_factory=list,
        description="Shared topic packs layered between the built-in library and the project: "
        "folders (relative to the project) or names of installed packs.",
    )

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(value.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"{value!r} is not a language code such as en, fr or de") from None
        return value

    @property
    def topic_ids(self) -> list[str]:
        """The pair topics in programme order (tracks in order, topics in order); a
        personal track gives its whole pool (filled in when the project is loaded)."""
        return [topic for track in self.tracks for topic in track.topics]

    def area_titles(self, gettext: Callable[[str], str] = str) -> dict[str, str]:
        """Area titles: the built-in ones (translated), then those the programme declares."""
        titles = {key: gettext(title) for key, title in BUILT_IN_AREAS.items()}
        titles.update({area.id: area.title for area in self.areas})
        return titles


# --- the loaded project ----------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """Everything validated and ready to render: rendering never reads YAML again."""

    programme: Programme
    topics: dict[str, Topic]  # every topic of every layer, sorted by id
    root: Path  # the project folder (assets, the logo)
    template_dirs: tuple[Path, ...]  # searched in order: the project's first
    asset_dirs: tuple[Path, ...]  # folders the PDF renderer may read files from
    logo: Path | None = None
    places: Mapping[str, dict[Loc, Place]] = field(default_factory=dict)
    own_topics: frozenset[str] = frozenset()  # topics written or changed in the project itself
    notes: tuple[str, ...] = ()  # choices made for the user, said when it builds

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    @property
    def library_topics(self) -> list[Topic]:
        """The topics the site's library lists: the programme's own, then (with
        `library: all`) every other topic of the library and the packs; each group by title."""
        programme = self.programme
        used = set(programme.topic_ids) | set(programme.onboarding)
        shown = [t for t in self.topics.values() if programme.library == "all" or t.id in used]
        return sorted(shown, key=lambda t: (t.id not in used, t.title.casefold()))

    @property
    def pair_topics(self) -> list[Topic]:
        """The programme's pair topics in the order they are run."""
        return [self.topics[t] for t in self.programme.topic_ids]

    @property
    def workshops(self) -> list[Topic]:
        return [self.topics[t] for t in self.programme.onboarding]

    @property
    def event_workshops(self) -> list[Topic]:
        """The workshops that plan group events, beyond the onboarding ones."""
        ids = dict.fromkeys(e.topic for e in self.programme.events if e.topic)
        return [
            self.topics[t] for t in ids if t in self.topics and t not in self.programme.onboarding
        ]

    def place(self, key: str, loc: Loc = ()) -> Place | None:
        """Where a value was written: `key` is "programme" or "topic:<id>"."""
        marks = self.places.get(key)
        return None if marks is None else place_of(marks, loc)
