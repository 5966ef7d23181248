"""The DCAT-AP 3 view of a study: the record that DCAT-AP harvesters (CKAN's ckanext-dcat,
data.europa.eu) take in.

A ``dcat:Catalog`` holding the ``dcat:Dataset`` with its distributions, a typed ``foaf:Agent``
publisher, a vCard contact point, spatial and temporal coverage, and PROV links as DCAT-AP
allows them. Nodes share their IRIs with the main graph, so the two views join up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import Graph, Literal, Namespace, URIRef

from .mapping import StudyIris, Triple, new_graph
from .model import Organization, Person, Study
from .vocab import DCAT, DCAT3, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
#: The creator role, from the Library of Congress relators vocabulary.
CREATOR_ROLE = URIRef("http://id.loc.gov/vocabulary/relators/cre")

_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dcat_graph(study: Study) -> Graph:
    graph = new_graph()
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    for triple in dcat_triples(study):
        graph.add(triple)
    return graph


def dcat_triples(study: Study) -> Iterator[Triple]:
    iris = StudyIris(study)
    ds = iris.dataset
    yield ds, RDF.type, DCAT.Dataset
    yield ds, DCTERMS.title, Literal(study.title)
    yield ds, DCTERMS.description, Literal(study.description)
    for identifier in study.identifiers:
        value = f"https://doi.org/{identifier.value}" if identifier.scheme == "DOI" else identifier.value
        yield ds, DCTERMS.identifier, Literal(value)
    if study.date_published:
        yield ds, DCTERMS.issued, Literal(study.date_published.isoformat(), datatype=XSD.date)
    for keyword in study.keywords:
        yield ds, DCAT.keyword, Literal(keyword)
    if study.version:
        yield ds, DCAT3.version, Literal(study.version)
    if study.landing_page:
        page = URIRef(study.landing_page)
        yield ds, DCAT.landingPage, page
        yield page, RDF.type, FOAF.Document
    for creator in study.creators:
        agent = iris.person(creator)
        yield ds, DCTERMS.creator, agent
        yield from _person(agent, creator)
        attribution = iris.attribution(creator)
        yield ds, PROV.qualifiedAttribution, attribution
        yield attribution, RDF.type, PROV.Attribution
        yield attribution, PROV.agent, agent
        yield attribution, DCAT.hadRole, CREATOR_ROLE
        yield CREATOR_ROLE, RDF.type, DCAT.Role
        yield CREATOR_ROLE, RDFS.label, Literal("creator", lang="en")
    publisher = study.publisher
    if publisher:
        yield ds, DCTERMS.publisher, iris.organization(publisher)
        yield from _organization(iris.organization(publisher), publisher)
    contact = study.publisher or study.catalog
    if contact:
        # The record names no contact person: the publisher, through its web site, is the
        # contact a reuser has.
        card = iris.contact_point()
        yield ds, DCAT.contactPoint, card
        yield card, RDF.type, VCARD.Kind
        yield card, RDF.type, VCARD.Organization
        yield card, VCARD.fn, Literal(contact.name)
        if contact.url:
            yield card, VCARD.hasURL, URIRef(contact.url)
    for place in study.spatial_coverage:
        node = iris.place(place)
        yield ds, DCTERMS.spatial, node
        yield node, RDF.type, DCTERMS.Location
        yield node, SKOS.prefLabel, Literal(place.name, lang="en")
        for same in place.same_as:
            yield node, SKOS.exactMatch, URIRef(same)
    if study.temporal_coverage:
        yield from _period(iris.temporal_coverage(), ds, study.temporal_coverage)
    for phase in study.phases:
        node = iris.phase(phase.id)
        yield ds, PROV.wasGeneratedBy, node
        yield node, RDF.type, PROV.Activity
        yield node, RDFS.label, Literal(phase.name)
    for work in study.related_works:
        yield ds, DCTERMS.isReferencedBy, iris.work(work)
    for law in study.legislation:
        yield ds, DCTERMS.relation, iris.legislation(law)
    if study.landing_page:
        yield from _repository_distribution(study, iris)
    if study.catalog:
        yield from _catalog(study, iris)


def _repository_distribution(study: Study, iris: StudyIris) -> Iterator[Triple]:
    """The deposited files, as the repository offers them: through its landing page."""
    node = iris.distribution("repository")
    where = study.catalog.name if study.catalog else "the repository"
    yield iris.dataset, DCAT.distribution, node
    yield node, RDF.type, DCAT.Distribution
    yield node, DCAT.accessURL, URIRef(study.landing_page)
    yield node, DCTERMS.title, Literal(f"The deposited files on {where}")
    yield node, DCTERMS.description, Literal(
        "The files of the deposit, downloadable from the repository's landing page.")
    if study.license:
        yield node, DCTERMS.license, URIRef(study.license)
        yield URIRef(study.license), RDF.type, DCTERMS.LicenseDocument


def _catalog(study: Study, iris: StudyIris) -> Iterator[Triple]:
    catalog_org = study.catalog
    catalog = iris.catalog(catalog_org)
    yield catalog, RDF.type, DCAT.Catalog
    yield catalog, DCTERMS.title, Literal(catalog_org.name)
    yield catalog, DCTERMS.description, Literal(
        f"{catalog_org.name}, the catalogue in which this dataset is published.")
    yield catalog, DCAT.dataset, iris.dataset
    publisher = study.publisher or catalog_org
    yield catalog, DCTERMS.publisher, iris.organization(publisher)
    yield from _organization(iris.organization(publisher), publisher)
    if catalog_org.url:
        yield catalog, FOAF.homepage, URIRef(catalog_org.url)
        yield URIRef(catalog_org.url), RDF.type, FOAF.Document


def _person(node: URIRef, person: Person) -> Iterator[Triple]:
    yield node, RDF.type, FOAF.Agent
    yield node, RDF.type, FOAF.Person
    yield node, FOAF.name, Literal(person.full_name)
    if person.given_names:
        yield node, FOAF.givenName, Literal(person.given_names)
    if person.family_names:
        yield node, FOAF.familyName, Literal(person.family_names)


def _organization(node: URIRef, org: Organization) -> Iterator[Triple]:
    yield node, RDF.type, FOAF.Agent
    yield node, RDF.type, FOAF.Organization
    yield node, FOAF.name, Literal(org.name)
    if org.url:
        yield node, FOAF.homepage, URIRef(org.url)
        yield URIRef(org.url), RDF.type, FOAF.Document


def _period(node: URIRef, dataset: URIRef, coverage: str) -> Iterator[Triple]:
    """A dct:PeriodOfTime from temporal-coverage: a year, a date, or an ISO 8601 interval of
    either (start/end); anything else is kept as a label only."""
    yield dataset, DCTERMS.temporal, node
    yield node, RDF.type, DCTERMS.PeriodOfTime
    yield node, RDFS.label, Literal(coverage)
    start, _, end = coverage.partition("/")
    for predicate, value in ((DCAT.startDate, start), (DCAT.endDate, end or start)):
        if _YEAR.match(value):
            yield node, predicate, Literal(value, datatype=XSD.gYear)
        elif _DATE.match(value):
            yield node, predicate, Literal(value, datatype=XSD.date)
