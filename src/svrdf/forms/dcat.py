"""The DCAT-AP 3 view of a study: the record that DCAT-AP harvesters (CKAN's ckanext-dcat,
data.europa.eu) take in.

A ``dcat:Catalog`` holding the ``dcat:Dataset`` with its distributions, a typed ``foaf:Agent``
publisher, a vCard contact point, spatial and temporal coverage, and PROV links as DCAT-AP
allows them. Nodes share their IRIs with the main graph, so the two views join up.

Titles and descriptions are tagged with their language where the record says it; the data's
languages are EU Languages authority IRIs; the access right is the COAR term. Contributors
and funders are qualified attributions with a role, as DCAT 3 relates a dataset to agents
other than its creator and publisher. The grant itself (award number and title) has no
property in DCAT-AP 3, so it is left out of this record; the main graph has it
(``schema:funding``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import BinaryIO, cast

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from svrdf.forms.jsonld import jsonld_context, write_jsonld
from svrdf.forms.rdf_syntax import write_rdf
from svrdf.forms.registry import register
from svrdf.rdf.mapping import (
    CONTRIBUTOR_ROLE_SCHEME,
    StudyIris,
    Triple,
    access_url,
    data_file_triples,
    date_literal,
    language_iri,
    local_literal,
)
from svrdf.rdf.vocab import DCAT, DCAT3, DCTERMS, FOAF, PROV, RDF, RDFS, SCHEMA, SKOS, SPDX, VCARD, XSD
from svrdf.study.model import CatalogDescription, DataFile, Funding, Organization, Person, Study
from svrdf.study.vocabularies import access_rights

_SCHEMA_ORG = str(SCHEMA._NS)
#: The creator and funder roles, from the Library of Congress relators vocabulary.
CREATOR_ROLE = URIRef("http://id.loc.gov/vocabulary/relators/cre")
FUNDER_ROLE = URIRef("http://id.loc.gov/vocabulary/relators/fnd")
class StudiesCatalogue:
    """The DCAT catalogue of several studies, made one study at a time: a ``dcat:Catalog``
    linking each study's dataset, and each study's own DCAT-AP record. What ``svrdf serve``
    publishes at /catalog and an export of several studies puts in its default graph.

    Its title, description, publisher and homepage are the ``about`` given (catalog.yaml);
    without a publisher there, the studies' own publisher is the catalogue's where they all
    share one, and where they do not the catalogue has none (DCAT-AP asks for one:
    :attr:`lacks_publisher` says so, for the caller to tell the user)."""

    def __init__(self, iri: URIRef, about: CatalogDescription) -> None:
        self.iri = URIRef(about.iri) if about.iri else iri
        self.about = about
        #: The publisher of each node that has one.
        self._published: dict[Identifier, Identifier] = {}
        #: Each publisher of the studies by (name, home page): the first study's IRI of it.
        self._publishers: dict[tuple | None, URIRef | None] = {}
        language = about.language
        self._triples: dict[Triple, None] = dict.fromkeys([
            (self.iri, RDF.type, DCAT.Catalog),
            (self.iri, DCTERMS.title, local_literal((language, about.title))),
            (self.iri, DCTERMS.description, local_literal((language, about.description)))])
        if about.homepage:
            page = URIRef(about.homepage)
            self.extend([(self.iri, FOAF.homepage, page), (page, RDF.type, FOAF.Document)])
        if about.publisher:
            org = about.publisher
            node = URIRef(org.ror) if org.ror else URIRef(
                f"{self.iri}{'#' if self.iri.startswith('http') else ':'}publisher")
            self.extend([(self.iri, DCTERMS.publisher, node), *_organization(node, org)])

    def add(self, study: Study) -> None:
        self.extend(self.entry(study))

    def entry(self, study: Study) -> list[Triple]:
        """What the catalogue holds of one study (made apart, in a worker process, say)."""
        return [(self.iri, DCAT.dataset, StudyIris(study).dataset), *dcat_triples(study)]

    def extend(self, entry: list[Triple]) -> None:
        # A repository's catalogue that several studies name (ORDO, say) has one publisher: the
        # first study's IRI of it, not one IRI per study that minted it.
        published = self._published
        self._triples.update(dict.fromkeys(
            (s, p, o) for s, p, o in entry if p != DCTERMS.publisher or published.setdefault(s, o) == o))
        for subject, predicate, dataset in entry:
            if subject == self.iri and predicate == DCAT.dataset:
                publisher = next((o for s, p, o in entry if s == dataset and p == DCTERMS.publisher), None)
                # One organisation, whatever IRI each study minted for it: the same name and
                # home page.
                who = tuple(next((o for s, p, o in entry if s == publisher and p == predicate), None)
                            for predicate in (FOAF.name, FOAF.homepage))
                self._publishers.setdefault(who if publisher else None, cast(URIRef | None, publisher))

    @property
    def shared_publisher(self) -> URIRef | None:
        """The publisher every study of the catalogue names, if they all name the same."""
        return next(iter(self._publishers.values())) if len(self._publishers) == 1 else None

    @property
    def lacks_publisher(self) -> bool:
        return self.about.publisher is None and self.shared_publisher is None

    @property
    def triples(self) -> list[Triple]:
        """The catalogue's distinct triples, in the order they were made."""
        publisher = self.shared_publisher
        if self.about.publisher is None and publisher is not None:
            return [*self._triples, (self.iri, DCTERMS.publisher, publisher)]
        return list(self._triples)


def dcat_triples(study: Study) -> Iterator[Triple]:
    iris = StudyIris(study)
    ds = iris.dataset
    yield ds, RDF.type, DCAT.Dataset
    for text in study.titles:
        yield ds, DCTERMS.title, local_literal(text)
    for text in study.descriptions:
        yield ds, DCTERMS.description, local_literal(text)
    for language in study.languages:
        node = URIRef(language_iri(language))
        yield ds, DCTERMS.language, node
        yield node, RDF.type, DCTERMS.LinguisticSystem
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
        yield from _attribution(ds, iris.attribution(creator), agent, CREATOR_ROLE)
        yield CREATOR_ROLE, RDFS.label, Literal("creator", lang="en")
    for contributor in study.contributors:
        yield from _contributor(contributor, iris)
    for funding in study.funding:
        yield from _funder(funding, iris)
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
        yield node, SKOS.prefLabel, local_literal((study.metadata_language, place.name))
        for same in place.same_as:
            yield node, SKOS.exactMatch, URIRef(same)
    if study.temporal_coverage:
        yield from _period(study, iris)
    yield from _access(study, iris)
    for phase in study.phases:
        node = iris.phase(phase.id)
        yield ds, PROV.wasGeneratedBy, node
        yield node, RDF.type, PROV.Activity
        yield node, RDFS.label, Literal(phase.name)
    for work in study.related_works:
        yield ds, DCTERMS.isReferencedBy, iris.work(work)
    for law in study.legislation:
        yield ds, DCTERMS.relation, iris.legislation(law)
    yield from _rights(ds, study, iris)
    if study.files:
        for data_file in study.files:
            yield from _file_distribution(data_file, study, iris)
    else:
        yield from _repository_distribution(study, iris)
    if study.catalog:
        yield from _catalog(study, iris)


def _rights(node: URIRef, study: Study, iris: StudyIris) -> Iterator[Triple]:
    """The licence and the conditions of access of ``node``: the distribution, where DCAT-AP
    puts them, and the dataset itself (DCAT 3 gives every dcat:Resource dct:license and
    dct:rights), so that a record without a distribution keeps them too."""
    if study.license:
        licence = URIRef(study.license.iri)
        yield node, DCTERMS.license, licence
        yield licence, RDF.type, DCTERMS.LicenseDocument
        if study.license.spdx_id:
            yield licence, DCTERMS.identifier, Literal(study.license.spdx_id)
    if study.access and study.access.conditions:
        # The conditions are this study's, so they get a statement of their own: the COAR
        # term (dct:accessRights) is shared by every dataset with that access right.
        statement = URIRef(f"{iris.base}conditions-of-access")
        yield node, DCTERMS.rights, statement
        yield statement, RDF.type, DCTERMS.RightsStatement
        for text in study.access.conditions:
            yield statement, RDFS.label, local_literal(text)


def _file_distribution(data_file: DataFile, study: Study, iris: StudyIris) -> Iterator[Triple]:
    """A file of the study as a distribution: the main graph's node, its DCAT statements, with
    its media type and checksum algorithm typed as DCAT-AP's ranges ask. A file with no address
    to give (no download address, landing page or DOI) is left out: dcat:accessURL is
    mandatory."""
    triples = [(s, p, o) for s, p, o, _ in data_file_triples(data_file, study, iris)
               if not p.startswith(_SCHEMA_ORG) and not o.startswith(_SCHEMA_ORG)]
    if not any(p == DCAT.accessURL for _, p, _ in triples):
        return
    yield from triples
    node = iris.data_file(data_file.name)
    if not data_file.title:
        yield node, DCTERMS.title, Literal(data_file.name)
    for _, predicate, obj in triples:
        if predicate == DCAT.mediaType:
            yield obj, RDF.type, DCTERMS.MediaType
        elif predicate == SPDX.algorithm:
            yield obj, RDF.type, SPDX.ChecksumAlgorithm
    yield from _rights(node, study, iris)


def _repository_distribution(study: Study, iris: StudyIris) -> Iterator[Triple]:
    """The deposited files, as the repository offers them: through its landing page or, where
    the record gives none, through the DOI, which resolves to it. A study with neither has no
    address to give (dcat:accessURL is mandatory), so no distribution: its licence stays on
    the dataset."""
    access = access_url(study)
    if access is None:
        return
    if study.landing_page:
        how = "The files of the deposit, downloadable from the repository's landing page."
    else:
        how = "The files of the deposit, reached through the landing page that its DOI resolves to."
    node = iris.distribution("repository")
    where = study.catalog.name if study.catalog else "the repository"
    yield iris.dataset, DCAT.distribution, node
    yield node, RDF.type, DCAT.Distribution
    yield node, DCAT.accessURL, access
    yield node, DCTERMS.title, Literal(f"The deposited files on {where}")
    yield node, DCTERMS.description, Literal(how)
    yield from _rights(node, study, iris)


def _access(study: Study, iris: StudyIris) -> Iterator[Triple]:
    """The COAR access right, and the day an embargo ends."""
    access = study.access
    if access is None:
        return
    term = access_rights()[access.rights]
    right = URIRef(term.iri)
    yield iris.dataset, DCTERMS.accessRights, right
    yield right, RDF.type, DCTERMS.RightsStatement
    yield right, RDFS.label, Literal(term.label, lang="en")
    if access.embargo_end:
        yield iris.dataset, DCTERMS.available, Literal(access.embargo_end.isoformat(),
                                                       datatype=XSD.date)


def _attribution(dataset: URIRef, attribution: URIRef, agent: URIRef,
                 role: URIRef) -> Iterator[Triple]:
    """DCAT's qualified attribution: ``agent`` had ``role`` (a dcat:Role) for the dataset."""
    yield dataset, PROV.qualifiedAttribution, attribution
    yield attribution, RDF.type, PROV.Attribution
    yield attribution, PROV.agent, agent
    yield attribution, DCAT.hadRole, role
    yield role, RDF.type, DCAT.Role


def _contributor(person: Person, iris: StudyIris) -> Iterator[Triple]:
    """A contributor, with its DataCite contributor type as the attribution's role: the same
    attribution and role nodes as the main graph's."""
    ds, agent = iris.dataset, iris.person(person)
    yield ds, DCTERMS.contributor, agent
    if person.is_organization:
        yield from _organization(agent, Organization(person.full_name))
    else:
        yield from _person(agent, person)
    if not person.role:
        return
    role = iris.concept(CONTRIBUTOR_ROLE_SCHEME, person.role)
    scheme = iris.scheme(CONTRIBUTOR_ROLE_SCHEME)
    yield from _attribution(ds, iris.attribution(person, person.role), agent, role)
    yield role, RDF.type, SKOS.Concept
    yield role, SKOS.notation, Literal(person.role)
    yield role, SKOS.prefLabel, Literal(_words(person.role), lang="en")
    yield role, SKOS.inScheme, scheme
    yield scheme, RDF.type, SKOS.ConceptScheme
    yield scheme, DCTERMS.title, Literal("DataCite contributor types", lang="en")
    yield scheme, SKOS.prefLabel, Literal("DataCite contributor types", lang="en")


def _funder(funding: Funding, iris: StudyIris) -> Iterator[Triple]:
    """A funder, as DCAT 3 gives one: an attribution with the funder role (DCAT-AP 3 has no
    funding property). The funder node is the main graph's (its ROR or Crossref Funder ID)."""
    funder = funding.funder
    agent = iris.funder(funder)
    # A funder is an organisation; the attribution's IRI is made from its name like a
    # person's, with the role after it.
    attribution = iris.attribution(Person(None, None, name=funder.name), "funder")
    yield from _attribution(iris.dataset, attribution, agent, FUNDER_ROLE)
    yield FUNDER_ROLE, RDFS.label, Literal("funder", lang="en")
    yield from _organization(agent, funder)
    if funder.ror and funder.crossref_funder_id:
        yield agent, DCTERMS.identifier, Literal(f"https://doi.org/{funder.crossref_funder_id}")


def _words(name: str) -> str:
    """A DataCite type's name as words: ``DataCollector`` gives ``data collector``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _catalog(study: Study, iris: StudyIris) -> Iterator[Triple]:
    catalog_org = study.catalog
    if catalog_org is None:
        return
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


def _period(study: Study, iris: StudyIris) -> Iterator[Triple]:
    """A dct:PeriodOfTime from temporal-coverage: its start and end dates at the precision the
    record gives them (xsd:gYear, xsd:gYearMonth or xsd:date) where it is a date or an
    interval of dates; any other text is kept as a label only."""
    node = iris.temporal_coverage()
    yield iris.dataset, DCTERMS.temporal, node
    yield node, RDF.type, DCTERMS.PeriodOfTime
    yield node, RDFS.label, Literal(study.temporal_coverage)
    period = study.temporal_period
    if period is None:
        return
    for predicate, date in ((DCAT.startDate, period.start), (DCAT.endDate, period.end)):
        if date:
            yield node, predicate, date_literal(date)


@register("dcat", "dcat.ttl", "text/turtle", "the DCAT-AP 3 catalogue record in Turtle",
          aliases=("dcat-ap", "dcat-turtle"))
def write_dcat_turtle(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    write_rdf(list(dict.fromkeys(dcat_triples(study))), "turtle", out)


@register("dcat-json-ld", "dcat.jsonld", "application/ld+json",
          "the DCAT-AP 3 catalogue record in JSON-LD", aliases=("dcat-jsonld",))
def write_dcat_jsonld(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    write_jsonld(list(dict.fromkeys(dcat_triples(study))), jsonld_context("dcat"), out)
