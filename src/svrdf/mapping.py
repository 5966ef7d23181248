"""Stage 3: map the typed study model to RDF triples.

:func:`triples` yields triples one by one, so a writer or store can consume them without this
module knowing which. Terms come from the checked namespaces in :mod:`svrdf.vocab`; the public
patterns they form are those of ``docs`` (the contract) and ``ontology/svrdf.ttl``.

Every node that has an identity gets an IRI derived from the study's base IRI and its code,
percent-encoded so that any code is safe; no blank nodes are produced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .model import (
    Concept,
    Legislation,
    Organization,
    Participant,
    Person,
    Phase,
    Place,
    QuotationCode,
    RelatedWork,
    Study,
)
from .vocab import DCAT, DCTERMS, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, SVRDF, XSD

Triple = tuple[Node, Node, Node]


def _segment(value: str) -> str:
    return quote(value, safe="")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or _segment(text)


class StudyIris:
    """The IRIs svrdf mints for one study. Stable: derived from the base IRI and codes only."""

    def __init__(self, study: Study):
        self.base = study.base_iri
        doi = study.doi
        self.dataset = URIRef(f"https://doi.org/{doi.value}" if doi else f"{self.base}dataset")

    def _iri(self, *segments: str) -> URIRef:
        return URIRef(self.base + "/".join(_segment(s) for s in segments))

    def phase(self, phase_id: str) -> URIRef:
        return self._iri("phase", phase_id)

    def association(self, phase_id: str, participant_key: str) -> URIRef:
        return self._iri("phase", phase_id, "association", *participant_key.split("/"))

    def case(self, case_id: str) -> URIRef:
        return self._iri("case", case_id)

    def code(self, code: str) -> URIRef:
        return self._iri("code", code)

    def participant(self, key: str) -> URIRef:
        # A joint code's people are keyed "CODE/N": each part is encoded on its own.
        return self._iri("participant", *key.split("/"))

    def scheme(self, name: str) -> URIRef:
        return self._iri("scheme", name)

    def concept(self, scheme: str, code: str) -> URIRef:
        return self._iri("scheme", scheme, code)

    def person(self, person: Person) -> URIRef:
        return URIRef(person.orcid) if person.orcid else self._iri("person", _slug(person.full_name))

    def organization(self, org: Organization) -> URIRef:
        return URIRef(org.ror) if org.ror else self._iri("organization", _slug(org.name))

    def place(self, place: Place) -> URIRef:
        return self._iri("place", _slug(place.name))

    def identifier(self, scheme: str) -> URIRef:
        return self._iri("identifier", _slug(scheme))

    def work(self, work: RelatedWork) -> URIRef:
        return URIRef(work.url) if work.url else self._iri("work", _slug(work.title))

    def legislation(self, law: Legislation) -> URIRef:
        return URIRef(law.url) if law.url else self._iri("legislation", _slug(law.name))

    def temporal_coverage(self) -> URIRef:
        return self._iri("temporal-coverage")

    def catalog(self, org: Organization) -> URIRef:
        return URIRef(org.url) if org.url else self._iri("catalog")


SECTOR_SCHEME = "sector"
GENDER_SCHEME = "gender"


def triples(study: Study) -> Iterator[Triple]:
    """All triples of the study's graph, in a stable order."""
    iris = StudyIris(study)
    yield from _dataset(study, iris)
    for phase in study.phases:
        yield from _phase(phase, study, iris)
    for case in study.cases:
        node = iris.case(case.id)
        yield node, RDF.type, SVRDF.Case
        yield node, SCHEMA.identifier, Literal(case.id)
        yield node, SCHEMA.name, Literal(case.name)
        for name in case.alternate_names:
            yield node, SCHEMA.alternateName, Literal(name)
        if case.description:
            yield node, SCHEMA.description, Literal(case.description)
    yield from _code_list(iris, SECTOR_SCHEME, "Sectors", study.sectors, SVRDF.Sector)
    yield from _code_list(iris, GENDER_SCHEME, "Gender codes", study.genders)
    for code in study.codes:
        yield from _quotation_code(code, iris)
    for participant in study.participants:
        yield from _participant(participant, study, iris)


def build_graph(study: Study) -> Graph:
    """The study's triples in an rdflib graph with svrdf's prefixes bound."""
    graph = new_graph()
    for triple in triples(study):
        graph.add(triple)
    return graph


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _text(node: URIRef, *pairs: tuple[URIRef, str | None]) -> Iterator[Triple]:
    for predicate, value in pairs:
        if value:
            yield node, predicate, Literal(value)


def _dataset(study: Study, iris: StudyIris) -> Iterator[Triple]:
    ds = iris.dataset
    yield ds, RDF.type, SCHEMA.Dataset
    yield ds, RDF.type, DCAT.Dataset
    yield from _text(ds, (SCHEMA.name, study.title), (DCTERMS.title, study.title),
                     (SCHEMA.description, study.description),
                     (DCTERMS.description, study.description),
                     (SCHEMA.temporalCoverage, study.temporal_coverage),
                     (SCHEMA.measurementMethod, study.methodology))
    for technique in study.techniques:
        yield ds, SCHEMA.measurementTechnique, Literal(technique)
    for keyword in study.keywords:
        yield ds, SCHEMA.keywords, Literal(keyword)
        yield ds, DCAT.keyword, Literal(keyword)
    for subject in study.subjects:
        yield ds, DCTERMS.subject, Literal(subject)
    if study.date_published:
        yield ds, SCHEMA.datePublished, Literal(study.date_published.isoformat(), datatype=XSD.date)
        yield ds, DCTERMS.issued, Literal(study.date_published.isoformat(), datatype=XSD.date)
    if study.landing_page:
        yield ds, SCHEMA.url, URIRef(study.landing_page)
        yield ds, DCAT.landingPage, URIRef(study.landing_page)
    if study.license:
        yield ds, SCHEMA.license, URIRef(study.license)
        yield ds, DCTERMS.license, URIRef(study.license)
    for identifier in study.identifiers:
        node = iris.identifier(identifier.scheme)
        yield ds, SCHEMA.identifier, node
        yield ds, DCTERMS.identifier, Literal(identifier.value)
        yield node, RDF.type, SCHEMA.PropertyValue
        yield node, SCHEMA.propertyID, Literal(identifier.scheme)
        yield node, SCHEMA.value, Literal(identifier.value)
        if identifier.scheme == "DOI":
            yield node, SCHEMA.url, URIRef(f"https://doi.org/{identifier.value}")
        if identifier.derived:
            yield node, SVRDF.isDerived, Literal(True)
        yield from _text(node, (SCHEMA.description, identifier.note))
    for creator in study.creators:
        yield ds, SCHEMA.creator, iris.person(creator)
        yield ds, DCTERMS.creator, iris.person(creator)
        yield from _person(creator, iris)
    for predicate, org in ((SCHEMA.publisher, study.publisher),
                           (SCHEMA.sourceOrganization, study.source_organization)):
        if org:
            yield ds, predicate, iris.organization(org)
            if predicate == SCHEMA.publisher:
                yield ds, DCTERMS.publisher, iris.organization(org)
            yield from _organization(org, iris)
    if study.catalog:
        catalog = iris.catalog(study.catalog)
        yield ds, SCHEMA.includedInDataCatalog, catalog
        yield catalog, RDF.type, SCHEMA.DataCatalog
        yield catalog, RDF.type, DCAT.Catalog
        yield catalog, SCHEMA.name, Literal(study.catalog.name)
        yield catalog, DCTERMS.title, Literal(study.catalog.name)
        yield catalog, DCAT.dataset, ds
        if study.publisher:
            yield catalog, SCHEMA.publisher, iris.organization(study.publisher)
    for work in study.related_works:
        node = iris.work(work)
        yield ds, DCTERMS.isReferencedBy, node
        yield node, RDF.type, SCHEMA[work.type]
        yield node, SCHEMA.name, Literal(work.title)
        yield node, SCHEMA.isBasedOn, ds
        yield from _text(node, (SCHEMA.inSupportOf, work.degree))
        if work.url:
            yield node, SCHEMA.url, URIRef(work.url)
        if work.year:
            yield node, SCHEMA.datePublished, Literal(str(work.year), datatype=XSD.gYear)
        for author in work.authors:
            yield node, SCHEMA.author, iris.person(author)
            yield from _person(author, iris)
        if work.institution:
            yield node, SCHEMA.sourceOrganization, iris.organization(work.institution)
            yield from _organization(work.institution, iris)
    for law in study.legislation:
        node = iris.legislation(law)
        yield ds, SCHEMA.about, node
        yield node, RDF.type, SCHEMA.Legislation
        yield node, SCHEMA.name, Literal(law.name)
        if law.url:
            yield node, SCHEMA.url, URIRef(law.url)
    if study.temporal_coverage:
        period = iris.temporal_coverage()
        yield ds, DCTERMS.temporal, period
        yield period, RDF.type, DCTERMS.PeriodOfTime
        yield period, RDFS.label, Literal(study.temporal_coverage)
    for place in study.spatial_coverage:
        node = iris.place(place)
        yield ds, SCHEMA.spatialCoverage, node
        yield ds, DCTERMS.spatial, node
        yield node, RDF.type, SCHEMA.Place
        yield node, RDF.type, DCTERMS.Location
        yield node, SCHEMA.name, Literal(place.name)
        for same in place.same_as:
            yield node, SCHEMA.sameAs, URIRef(same)
    for person in study.mentioned_people:
        yield ds, SCHEMA.mentions, iris.person(person)
        yield from _person(person, iris)
    for phase in study.phases:
        yield ds, PROV.wasGeneratedBy, iris.phase(phase.id)


def _person(person: Person, iris: StudyIris) -> Iterator[Triple]:
    node = iris.person(person)
    yield node, RDF.type, SCHEMA.Person
    yield from _text(node, (SCHEMA.name, person.full_name), (SCHEMA.givenName, person.given_names),
                     (SCHEMA.familyName, person.family_names),
                     (SCHEMA.description, person.description))
    if person.orcid:
        yield node, SCHEMA.identifier, Literal(person.orcid)
    if person.affiliation:
        yield node, SCHEMA.affiliation, iris.organization(person.affiliation)
        yield from _organization(person.affiliation, iris)


def _organization(org: Organization, iris: StudyIris) -> Iterator[Triple]:
    node = iris.organization(org)
    yield node, RDF.type, SCHEMA.Organization
    yield node, SCHEMA.name, Literal(org.name)
    if org.url:
        yield node, SCHEMA.url, URIRef(org.url)
    if org.ror:
        yield node, SCHEMA.identifier, Literal(org.ror)


def _phase(phase: Phase, study: Study, iris: StudyIris) -> Iterator[Triple]:
    node = iris.phase(phase.id)
    yield node, RDF.type, PROV.Activity
    yield node, RDF.type, SVRDF.FieldworkPhase
    yield node, SCHEMA.identifier, Literal(phase.id)
    yield node, SCHEMA.name, Literal(phase.name)
    yield from _text(node, (SCHEMA.description, phase.description))
    for predicate, date in ((PROV.startedAtTime, phase.start_date), (PROV.endedAtTime, phase.end_date)):
        if date:
            yield node, predicate, Literal(f"{date.isoformat()}T00:00:00", datatype=XSD.dateTime)
    for participant in study.participants:
        if phase.id in participant.phases:
            agent = iris.participant(participant.key)
            association = iris.association(phase.id, participant.key)
            yield node, PROV.wasAssociatedWith, agent
            yield node, PROV.qualifiedAssociation, association
            yield association, RDF.type, PROV.Association
            yield association, PROV.agent, agent
            yield association, PROV.hadRole, SVRDF.Interviewee


def _code_list(iris: StudyIris, scheme_name: str, title: str, concepts: tuple[Concept, ...],
               concept_class: URIRef | None = None) -> Iterator[Triple]:
    if not concepts:
        return
    scheme = iris.scheme(scheme_name)
    yield scheme, RDF.type, SKOS.ConceptScheme
    yield scheme, SKOS.prefLabel, Literal(title, lang="en")
    for concept in concepts:
        node = iris.concept(scheme_name, concept.code)
        yield node, RDF.type, SKOS.Concept
        if concept_class:
            yield node, RDF.type, concept_class
        yield node, SKOS.inScheme, scheme
        yield node, SKOS.notation, Literal(concept.code)
        yield node, SKOS.prefLabel, Literal(concept.label, lang="en")
        yield from _text(node, (SKOS.definition, concept.definition))
        if concept.schema_term:
            yield node, SKOS.exactMatch, SCHEMA[concept.schema_term]


def _quotation_code(code: QuotationCode, iris: StudyIris) -> Iterator[Triple]:
    node = iris.code(code.code)
    yield node, RDF.type, SVRDF.QuotationCode
    if code.is_joint:
        yield node, RDF.type, SVRDF.JointInterviewCode
    yield node, SVRDF.notation, Literal(code.code)
    yield node, SVRDF.numberOfPeople, Literal(code.people)
    if code.phase:
        yield node, SVRDF.listedInPhase, iris.phase(code.phase)
    if code.case:
        yield node, SVRDF.inCase, iris.case(code.case)
    for other in code.other_codes:
        yield node, SVRDF.sameParticipantAs, iris.code(other)
    yield from _text(node, (RDFS.comment, code.note))


def _participant(participant: Participant, study: Study, iris: StudyIris) -> Iterator[Triple]:
    node = iris.participant(participant.key)
    yield node, RDF.type, SCHEMA.Person
    yield node, RDF.type, PROV.Agent
    yield node, RDF.type, SVRDF.Participant
    for code in participant.codes:
        yield node, SCHEMA.identifier, Literal(code)
        yield node, SVRDF.hasQuotationCode, iris.code(code)
    for role in participant.roles:
        yield node, SCHEMA.jobTitle, Literal(role)
    genders = {g.code: g for g in study.genders}
    for code in participant.genders:
        term = genders[code].schema_term
        yield node, SCHEMA.gender, SCHEMA[term] if term else Literal(genders[code].label)
    for sector in participant.sectors:
        yield node, SVRDF.sector, iris.concept(SECTOR_SCHEME, sector)
    for case in participant.cases:
        yield node, SVRDF.inCase, iris.case(case)
