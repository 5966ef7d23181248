"""The typed model of a study: what the input files say, with no RDF and no parsing in it.

``builder`` makes these objects from the files; ``mapping`` turns them into triples. Every
record keeps the :class:`~svrdf.errors.Origin` it came from, so later stages can point a person
back to the line or row to fix. Collections are tuples in input order, so the model is
immutable and its iteration order is stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import Origin


@dataclass(frozen=True)
class Organization:
    name: str
    url: str | None = None
    ror: str | None = None
    origin: Origin | None = field(default=None, compare=False)


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
    origin: Origin | None = field(default=None, compare=False)

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
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    description: str | None = None
    code_prefixes: tuple[str, ...] = ()
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    alternate_names: tuple[str, ...] = ()
    description: str | None = None
    code_prefixes: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class QuotationCode:
    """One row of ``participants.csv``: a quotation code and what the record says about the
    person or people behind it. ``genders`` has one entry per person for a joint code."""

    code: str
    phase: str | None
    case: str | None
    sector: str | None
    role: str | None
    genders: tuple[str, ...]
    other_codes: tuple[str, ...]
    people: int
    note: str | None
    origin: Origin | None = field(default=None, compare=False)

    @property
    def is_joint(self) -> bool:
        return self.people > 1


@dataclass(frozen=True)
class Participant:
    """One interviewed person, known only by their quotation codes.

    Attributes are the union of what the person's codes say, in code order; a person whose
    codes disagree therefore has two values, which the shapes report.
    """

    key: str
    codes: tuple[str, ...]
    phases: tuple[str, ...]
    cases: tuple[str, ...]
    sectors: tuple[str, ...]
    roles: tuple[str, ...]
    genders: tuple[str, ...]
    #: The rows of participants.csv this person was built from, for provenance.
    rows: tuple[QuotationCode, ...] = field(default=(), compare=False)
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Study:
    base_iri: str
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
    license: str | None
    keywords: tuple[str, ...]
    subjects: tuple[str, ...]
    related_works: tuple[RelatedWork, ...]
    legislation: tuple[Legislation, ...]
    temporal_coverage: str | None
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
    origin: Origin | None = field(default=None, compare=False)
    #: Where each top-level key of study.yaml was written.
    origins: Mapping[str, Origin] = field(default_factory=dict, compare=False)

    def origin_of(self, key: str) -> Origin | None:
        return self.origins.get(key, self.origin)

    @property
    def doi(self) -> Identifier | None:
        return next((i for i in self.identifiers if i.scheme == "DOI"), None)
