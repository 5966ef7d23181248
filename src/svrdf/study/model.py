"""The typed model of a study: what the input files say, with no RDF and no parsing in it.

``builder`` makes these objects from the files; ``mapping`` turns them into triples. Every
record keeps the :class:`~svrdf.errors.Origin` it came from, so later stages can point a person
back to the line or row to fix. Collections are tuples in input order, so the model is
immutable and its iteration order is stable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from svrdf.errors import Origin

#: A text and the language it is in (a BCP 47 tag), or None where the record does not say.
LocalText = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date at the precision the record gives: a year, a year and month, or a day."""

    text: str

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month"}.get(len(self.text), "day")

    def first_day(self) -> dt.date:
        """The first day the date can mean (2019 gives 2019-01-01)."""
        year, month, day = (self.text.split("-") + ["1", "1"])[:3]
        return dt.date(int(year), int(month), int(day))

    def last_day(self) -> dt.date:
        """The last day the date can mean (2019-02 gives 2019-02-28)."""
        if self.precision == "day":
            return self.first_day()
        first = self.first_day()
        if self.precision == "year":
            return dt.date(first.year, 12, 31)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` to ``end``, each at its own precision; a single date is both."""

    start: PartialDate | None
    end: PartialDate | None

    def __str__(self) -> str:
        if self.start == self.end:
            return str(self.start)
        return f"{self.start or '..'}/{self.end or '..'}"


@dataclass(frozen=True)
class Organization:
    name: str
    url: str | None = None
    ror: str | None = None
    #: For a funder: its Crossref Funder ID, as a DOI (10.13039/...).
    crossref_funder_id: str | None = None
    origin: Origin | None = field(default=None, compare=False)


#: DataCite contributor types that are organisations by their definition (an institution, a
#: registration body, a research group). Any other contributor known by a single name could be
#: a person or an organisation.
ORGANIZATIONAL_ROLES = frozenset({
    "Distributor", "HostingInstitution", "RegistrationAgency", "RegistrationAuthority",
    "ResearchGroup",
})


@dataclass(frozen=True)
class Person:
    """A named person: a creator of the dataset, an author of a related work, or someone the
    record mentions. Fields follow CITATION.cff."""

    given_names: str | None
    family_names: str | None
    name: str | None = None
    orcid: str | None = None
    affiliation: Organization | None = None
    description: str | None = None
    #: For a contributor: DataCite's contributor type (DataCollector, ProjectLeader, ...).
    role: str | None = None
    origin: Origin | None = field(default=None, compare=False)

    @property
    def is_organization(self) -> bool:
        """A contributor known by a single name in a role only an organisation has."""
        return (self.role in ORGANIZATIONAL_ROLES and not self.given_names
                and not self.family_names)

    @property
    def full_name(self) -> str:
        if self.name:
            return self.name
        return " ".join(part for part in (self.given_names, self.family_names) if part)


@dataclass(frozen=True)
class Identifier:
    """An identifier of the dataset (a DOI, a repository's item number). ``derived`` marks a
    value worked out from a known pattern rather than printed in the source record."""

    scheme: str
    value: str
    derived: bool = False
    note: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RelatedWork:
    """A publication the dataset underlies, such as the thesis it was collected for."""

    title: str
    url: str | None = None
    type: str = "CreativeWork"
    authors: tuple[Person, ...] = ()
    year: int | None = None
    degree: str | None = None
    institution: Organization | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class License:
    """A licence: its SPDX identifier where it has one, and the IRI to write for it (the SPDX
    IRI where there is one, else the address the record gives)."""

    iri: str
    spdx_id: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Access:
    """Who may have the data: a COAR access right (open, embargoed, restricted, metadata-only),
    the day an embargo ends, and the conditions of access as the record words them."""

    rights: str
    embargo_end: dt.date | None = None
    conditions: tuple[LocalText, ...] = ()
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DataFile:
    """A data file of the deposit, as the repository lists it. ``access`` is the file's COAR
    access right where it differs from the study's; ``url`` its download address, for a file
    anyone may download."""

    name: str
    title: str | None = None
    media_type: str | None = None
    size: int | None = None
    #: The digest's algorithm (``sha256``, ``sha1``, ``sha512``, ``md5``) and its hex value.
    checksum: tuple[str, str] | None = None
    access: str | None = None
    url: str | None = None
    origin: Origin | None = field(default=None, compare=False)


#: What a study may publish of each participant, in the order reports name them; each is also
#: the participants.csv column (and, but for the case and phase, the people.csv column) giving it.
ATTRIBUTES = ("role", "sector", "gender", "case", "phase")
#: What a study can withhold from the published forms: every attribute but the phase, which
#: ties each person to the fieldwork and is always published.
WITHHOLDABLE = ("role", "sector", "gender", "case")
#: What a study can publish generalised: a free-text role, and the codes of its own lists.
GENERALISABLE = ("role", "sector", "gender")


def normalised_role(role: str) -> str:
    """A role compared as a reader would: 'Director (Charity)' and 'director' alike."""
    text = re.sub(r"\([^)]*\)", " ", role.lower())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


#: How open each access right is, the least open lowest: an embargo ends open, so it needs
#: consent to open access.
ACCESS_OPENNESS = {"metadata-only": 1, "restricted": 2, "open": 3, "embargoed": 3}


@dataclass(frozen=True)
class Consent:
    """What the participants consented to: the most open access to the data (``open``,
    ``restricted``, ``metadata-only``) and the attributes that may be published of them."""

    access: str | None = None
    attributes: tuple[str, ...] | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Generalisation:
    """A value of an attribute that the study publishes as a broader one: a role (matched by its
    normalised text), or a sector or gender code merged into another code of its list."""

    attribute: str
    value: str
    broader: str
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Disclosure:
    """What the study publishes of its participants (study.yaml's ``disclosure``): the
    attributes it withholds, and the values it generalises."""

    withhold: tuple[str, ...] = ()
    generalise: tuple[Generalisation, ...] = ()
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Funding:
    funder: Organization
    award_number: str | None = None
    award_title: str | None = None
    award_url: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Legislation:
    name: str
    url: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Place:
    name: str
    same_as: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Concept:
    """An entry of one of the study's code lists (sectors, gender)."""

    code: str
    label: str
    definition: str | None = None
    #: For gender: the schema.org GenderType member (``Male``/``Female``), where there is one.
    schema_term: str | None = None
    #: For gender: the code of people who preferred not to say (not the same as not recorded).
    prefer_not_to_say: bool = False
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    description: str | None = None
    code_prefixes: tuple[str, ...] = ()
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    alternate_names: tuple[str, ...] = ()
    description: str | None = None
    code_prefixes: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, compare=False)


#: The kinds of data collection event a quotation code comes from.
EVENT_KINDS = ("interview", "joint-interview", "focus-group")


@dataclass(frozen=True, slots=True)  # one or more per participant
class QuotationCode:
    """One row of ``participants.csv``: a quotation code, what the record says about the person
    or people behind it, and the interview or focus group it comes from.

    ``genders`` describes the code's people as a group: one code for all of them, or one per
    person in any order, ``None`` where a person's gender was not recorded."""

    code: str
    phase: str | None
    case: str | None
    sector: str | None
    role: str | None
    genders: tuple[str | None, ...]
    other_codes: tuple[str, ...]
    people: int
    note: str | None
    event: str = "interview"
    mode: str | None = None
    date: Period | None = None
    #: The code whose event this code also labels (one interview under two codes), if any.
    same_event_as: str | None = None
    #: The most open access this code's people consented to, where the row says.
    consent: str | None = None
    origin: Origin | None = field(default=None, compare=False)

    @property
    def event_code(self) -> str:
        """The code that names this code's data collection event."""
        return self.same_event_as or self.code

    @property
    def is_joint(self) -> bool:
        return self.people > 1


@dataclass(frozen=True)
class ListedPerson:
    """One row of ``people.csv``: a person told apart from the others under a group's code."""

    id: str
    codes: tuple[str, ...]
    gender: str | None = None
    sector: str | None = None
    role: str | None = None
    origin: Origin | None = field(default=None, compare=False)


#: What the record says of a participant: (attribute, value, the row that says so). Attributes
#: are ``phase``, ``case``, ``sector``, ``role`` and ``gender``, each also the name of the column
#: that holds it, in participants.csv and in people.csv.
Fact = tuple[str, str, Origin | None]


@dataclass(frozen=True, slots=True)  # one or more per participant
class Participant:
    """One interviewed person, known only by pseudonymous codes.

    ``facts`` is everything the person's codes (and people.csv row) say of them, each with its
    source; a person whose sources disagree therefore has two values, which the shapes report.
    A gender that no source gives is not recorded: the mapping says so explicitly.
    """

    key: str
    codes: tuple[str, ...]
    facts: tuple[Fact, ...] = ()
    #: Where each code was tied to this person (the code's row, or the people.csv row).
    code_origins: tuple[Origin | None, ...] = field(default=(), compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def values(self, attribute: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for a, v, _ in self.facts if a == attribute))

    @property
    def phases(self) -> tuple[str, ...]:
        return self.values("phase")

    @property
    def cases(self) -> tuple[str, ...]:
        return self.values("case")

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.values("sector")

    @property
    def roles(self) -> tuple[str, ...]:
        return self.values("role")

    @property
    def genders(self) -> tuple[str, ...]:
        return self.values("gender")


@dataclass(frozen=True)
class CatalogDescription:
    """The DCAT catalogue that several studies are published in (catalog.yaml): its title,
    description and publisher, and where it is."""

    title: str
    description: str
    publisher: Organization | None = None
    homepage: str | None = None
    iri: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Study:
    base_iri: str
    #: The title and description in the record's main language; ``titles`` and
    #: ``descriptions`` hold every language the record gives, the main one first.
    title: str
    description: str
    creators: tuple[Person, ...]
    publisher: Organization | None
    catalog: Organization | None
    source_organization: Organization | None
    date_published: dt.date | None
    identifiers: tuple[Identifier, ...]
    landing_page: str | None
    version: str | None
    license: License | None
    keywords: tuple[str, ...]
    subjects: tuple[str, ...]
    related_works: tuple[RelatedWork, ...]
    legislation: tuple[Legislation, ...]
    temporal_coverage: str | None
    #: ``temporal_coverage`` read as dates, where it is a date, a month, a year or an interval.
    temporal_period: Period | None
    spatial_coverage: tuple[Place, ...]
    methodology: str | None
    techniques: tuple[str, ...]
    mentioned_people: tuple[Person, ...]
    phases: tuple[Phase, ...]
    cases: tuple[Case, ...]
    sectors: tuple[Concept, ...]
    genders: tuple[Concept, ...]
    codes: tuple[QuotationCode, ...]
    participants: tuple[Participant, ...]
    titles: tuple[LocalText, ...] = ()
    descriptions: tuple[LocalText, ...] = ()
    metadata_language: str | None = None
    languages: tuple[str, ...] = ()
    contributors: tuple[Person, ...] = ()
    access: Access | None = None
    funding: tuple[Funding, ...] = ()
    files: tuple[DataFile, ...] = ()
    consent: Consent | None = None
    #: The attributes published of no participant: those study.yaml's ``disclosure`` withholds
    #: and those whose columns were left unread (--drop-column, --publish-attributes).
    withheld: tuple[str, ...] = ()
    #: Whether the forms publish less than the input files hold (a column left unread, a value
    #: generalised): the files' checksums would then let a reader test guesses of what was
    #: left out, so the record of the export gives none.
    partly_published: bool = False
    kind_of_data: str | None = None
    unit_of_analysis: str | None = None
    universe: tuple[LocalText, ...] = ()
    sampling_procedure: str | None = None
    time_method: str | None = None
    people: tuple[ListedPerson, ...] = ()
    origin: Origin | None = field(default=None, compare=False)
    #: Where each top-level key of study.yaml was written.
    origins: Mapping[str, Origin] = field(default_factory=dict, compare=False)

    def origin_of(self, key: str) -> Origin | None:
        return self.origins.get(key, self.origin)

    def access_of(self, data_file: DataFile) -> str | None:
        """A file's COAR access right: its own, else the study's."""
        return data_file.access or (self.access.rights if self.access else None)

    @property
    def doi(self) -> Identifier | None:
        return next((i for i in self.identifiers if i.scheme == "DOI"), None)
