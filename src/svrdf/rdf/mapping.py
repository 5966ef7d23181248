"""Stage 3: map the typed study model to RDF triples.

:func:`located_triples` yields each triple with the :class:`~svrdf.errors.Origin` of the input
that produced it (file, line or row, key or column), so a validation result can point a person
at what to fix. :func:`triples` is the same stream without origins, for writers and stores.
Terms come from the checked namespaces in :mod:`svrdf.rdf.vocab`; the patterns they form are the
public contract, and the terms svrdf adds are defined in ``ontology/svrdf.ttl``.

Every node that has an identity gets an IRI derived from the study's base IRI and its code,
percent-encoded so that any code is safe; no blank nodes are produced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import cast
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from svrdf.errors import Origin
from svrdf.rdf.vocab import (
    DCAT,
    DCAT3,
    DCTERMS,
    DPV,
    IANA_MEDIA_TYPES,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    SPDX,
    SVRDF,
    XSD,
)
from svrdf.study.model import (
    ACCESS_OPENNESS,
    Concept,
    DataFile,
    Funding,
    Legislation,
    LocalText,
    Organization,
    PartialDate,
    Participant,
    Person,
    Phase,
    Place,
    QuotationCode,
    RelatedWork,
    Study,
)
from svrdf.study.vocabularies import (
    access_rights,
    consented_processing,
    language_code_3,
    modes_of_collection,
    participant_attributes,
    personal_data_categories,
)

#: A triple of RDF terms (IRIs, blank nodes, literals: rdflib's identifiers, which are strings).
Triple = tuple[Identifier, Identifier, Identifier]
LocatedTriple = tuple[Identifier, Identifier, Identifier, Origin | None]

SECTOR_SCHEME = "sector"
GENDER_SCHEME = "gender"
CONTRIBUTOR_ROLE_SCHEME = "contributor-role"

#: The class of each kind of data collection event.
EVENT_CLASSES = {
    "interview": SVRDF.Interview,
    "joint-interview": SVRDF.JointInterview,
    "focus-group": SVRDF.FocusGroup,
}
#: The XML Schema type of a date at each precision.
DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}


def date_literal(date: PartialDate) -> Literal:
    """A date at the precision the record gives: xsd:gYear, xsd:gYearMonth or xsd:date."""
    return Literal(date.text, datatype=DATE_TYPES[date.precision])


def _segment(value: str) -> str:
    return quote(value, safe="")


def _slug(text: str) -> str:
    # Accents go (é → e) but letters with no ASCII form stay (Ø, ß, 山): dropping them would
    # give "Ørjan Øster" and "Rjan Ster" one IRI. _iri percent-encodes what is not ASCII, once.
    letters = "".join(char for char in unicodedata.normalize("NFKD", text)
                      if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "-", letters.lower()).strip("-") or text.strip()


class StudyIris:
    """The IRIs svrdf mints for one study. Stable: derived from the base IRI and codes only."""

    def __init__(self, study: Study):
        self.base = study.base_iri
        self._minted: dict[tuple[str, ...], URIRef] = {}
        self._literals: dict[tuple[type, object, URIRef | None], Literal] = {}
        doi = study.doi
        self.dataset = URIRef(f"https://doi.org/{doi.value}" if doi else f"{self.base}dataset")

    def _iri(self, *segments: str) -> URIRef:
        # One object per IRI: rdflib compares terms in Python unless they are the same object,
        # so every graph, index and writer downstream is faster for it.
        iri = self._minted.get(segments)
        if iri is None:
            iri = self._minted[segments] = URIRef(self.base + "/".join(_segment(s) for s in segments))
        return iri

    def shared_literal(self, value: object, datatype: URIRef | None = None) -> Literal:
        """One literal object for each value that many people or codes share (a role, a date,
        a number of people): a literal takes some 200 bytes, and a large study repeats a few
        hundred values hundreds of thousands of times."""
        key = (type(value), value, datatype)
        literal = self._literals.get(key)
        if literal is None:
            literal = self._literals[key] = Literal(value, datatype=datatype)
        return literal

    def phase(self, phase_id: str) -> URIRef:
        return self._iri("phase", phase_id)

    def association(self, phase_id: str, participant_key: str) -> URIRef:
        return self._iri("phase", phase_id, "association", *participant_key.split("/"))

    def event(self, code: str) -> URIRef:
        return self._iri("event", code)

    def grant(self, funding: Funding) -> URIRef:
        # Under its funder: two funders may number their awards alike.
        award = funding.award_number or funding.award_title or "award"
        return self._iri("grant", _slug(funding.funder.name), _slug(award))

    def funder(self, org: Organization) -> URIRef:
        if org.ror:
            return URIRef(org.ror)
        if org.crossref_funder_id:
            return URIRef(f"https://doi.org/{org.crossref_funder_id}")
        return self.organization(org)

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

    def attribution(self, person: Person, role: str | None = None) -> URIRef:
        return self._iri("attribution", _slug(person.full_name), *((role,) if role else ()))

    def variable(self, attribute: str) -> URIRef:
        return self._iri("variable", attribute)

    def contact_point(self) -> URIRef:
        return self._iri("contact-point")

    def distribution(self, name: str) -> URIRef:
        return self._iri("distribution", name)

    def data_file(self, name: str) -> URIRef:
        return self._iri("file", name)

    def checksum(self, name: str) -> URIRef:
        return self._iri("file", name, "checksum")

    def license_not_stated(self) -> URIRef:
        return self._iri("license-not-stated")

    def temporal_coverage(self) -> URIRef:
        return self._iri("temporal-coverage")

    def catalog(self, org: Organization) -> URIRef:
        return URIRef(org.url) if org.url else self._iri("catalog")

    def consent(self, access: str | None) -> URIRef:
        """The record of the consent of the participants who agreed to ``access`` (the study's
        own consent where ``access`` is None)."""
        return self._iri("consent", *((access,) if access else ()))

    def consented_process(self, what: str) -> URIRef:
        return self._iri("consent", "process", what)


def triples(study: Study) -> Iterator[Triple]:
    """All triples of the study's graph, in a stable order."""
    for subject, predicate, obj, _ in located_triples(study):
        yield subject, predicate, obj


def located_triples(study: Study) -> Iterator[LocatedTriple]:
    """All triples of the study's graph, each with the origin of the input that made it. A
    triple that several inputs support comes once per origin."""
    iris = StudyIris(study)
    yield from _dataset(study, iris)
    for phase in study.phases:
        yield from _phase(phase, study, iris)
    for case in study.cases:
        node, where = iris.case(case.id), case.origin
        yield node, RDF.type, SVRDF.Case, where
        yield node, SCHEMA.identifier, Literal(case.id), _at(where, "id")
        yield node, SCHEMA.name, Literal(case.name), _at(where, "name")
        for name in case.alternate_names:
            yield node, SCHEMA.alternateName, Literal(name), _at(where, "alternate-names")
        for prefix in case.code_prefixes:
            yield node, SVRDF.codePrefix, Literal(prefix), _at(where, "code-prefixes")
        yield from _text(node, where, (SCHEMA.description, case.description, "description"))
    language = study.metadata_language
    yield from _code_list(iris, SECTOR_SCHEME, "Sectors", study.sectors, study.origin_of("sectors"),
                          language, SVRDF.Sector)
    yield from _code_list(iris, GENDER_SCHEME, "Gender codes", study.genders,
                          study.origin_of("gender"), language)
    yield from _modes(study)
    modes = {notation: URIRef(term.iri) for notation, term in modes_of_collection().items()}
    for code in study.codes:
        yield from _quotation_code(code, iris)
        yield iris.code(code.code), _COLLECTED_IN, iris.event(code.event_code), \
            _at(code.origin, "same_event_as" if code.same_event_as else "code")
        if not code.same_event_as:
            yield from _event(code, iris, modes)
    genders = _gender_values(study, iris)
    # A gender the study does not publish is withheld, not unrecorded: a query tells them apart.
    no_gender = SVRDF.Withheld if "gender" in study.withheld else SVRDF.NotRecorded
    for participant in study.participants:
        yield from _participant(participant, genders, no_gender, iris)
    yield from _consent(study, iris)


def build_graph(study: Study) -> Graph:
    """The study's triples in an rdflib graph with svrdf's prefixes bound."""
    return graph_of(triples(study))


def graph_of(triples: Iterable[Triple]) -> Graph:
    """Triples in an rdflib graph with svrdf's prefixes bound."""
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph


def distinct_triples(located: Iterable[LocatedTriple]) -> list[Triple]:
    """The graph's triples once each, in the order the study maps them: what an rdflib graph of
    them holds, without the cost of one (rdflib's indexes take several times the triples)."""
    return list(dict.fromkeys((s, p, o) for s, p, o, _ in located))


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _at(origin: Origin | None, field: str) -> Origin | None:
    return origin.with_field(field) if origin else None


def _text(node: URIRef, where: Origin | None,
          *entries: tuple[URIRef, str | None, str]) -> Iterator[LocatedTriple]:
    """Literal triples for the entries (predicate, value, input field) that have a value."""
    for predicate, value, field in entries:
        if value:
            yield node, predicate, Literal(value), _at(where, field)


def local_literal(text: LocalText) -> Literal:
    """A text as a literal, tagged with its language where the record says which."""
    language, value = text
    return Literal(value, lang=language) if language else Literal(value)


#: The EU's Languages authority table, which DCAT-AP names dct:language values from.
EU_LANGUAGES = "http://publications.europa.eu/resource/authority/language/"


def language_iri(tag: str) -> str:
    """The EU Languages authority IRI of a language tag, which names languages by their ISO
    639-2/T code (``cy`` gives ``.../CYM``, ``de`` gives ``.../DEU``): the terminology code,
    not the bibliographic one (WEL, GER), which the table does not have."""
    return EU_LANGUAGES + language_code_3(tag).upper()


def _access(study: Study, ds: URIRef) -> Iterator[LocatedTriple]:
    access = study.access
    if access is None:
        return
    where = access.origin
    yield from _access_right(ds, access.rights, _at(where, "rights"))
    # Only open data is free to all; embargoed, restricted and metadata-only data are not (yet).
    yield ds, SCHEMA.isAccessibleForFree, Literal(access.rights == "open"), _at(where, "rights")
    for text in access.conditions:
        yield ds, SCHEMA.conditionsOfAccess, local_literal(text), _at(where, "conditions")
    if access.embargo_end:
        yield ds, DCTERMS.available, Literal(access.embargo_end.isoformat(), datatype=XSD.date), \
            _at(where, "embargo-end")


def _access_right(node: URIRef, rights: str, where: Origin | None) -> Iterator[LocatedTriple]:
    """``node``'s COAR access right (``open``, ``restricted``...), labelled."""
    term = access_rights()[rights]
    right = URIRef(term.iri)
    yield node, DCTERMS.accessRights, right, where
    yield right, RDF.type, DCTERMS.RightsStatement, where
    yield right, RDFS.label, Literal(term.label, lang="en"), where


#: The SPDX term of each checksum algorithm a study may give.
CHECKSUM_ALGORITHMS = {"md5": SPDX.checksumAlgorithm_md5, "sha1": SPDX.checksumAlgorithm_sha1,
                       "sha256": SPDX.checksumAlgorithm_sha256, "sha512": SPDX.checksumAlgorithm_sha512}


def access_url(study: Study) -> URIRef | None:
    """Where the deposit's files are reached: the landing page, else the DOI, which resolves
    to it."""
    if study.landing_page:
        return URIRef(study.landing_page)
    doi = study.doi
    return URIRef(f"https://doi.org/{doi.value}") if doi else None


def data_file_triples(data_file: DataFile, study: Study, iris: StudyIris) -> Iterator[LocatedTriple]:
    """A file of the deposit: a schema.org DataDownload and a DCAT distribution in one node,
    reached at its download address or else through the record's page."""
    node, where, ds = iris.data_file(data_file.name), data_file.origin, iris.dataset
    yield ds, SCHEMA.distribution, node, where
    yield ds, DCAT.distribution, node, where
    yield node, RDF.type, SCHEMA.DataDownload, where
    yield node, RDF.type, DCAT.Distribution, where
    yield node, SCHEMA.name, Literal(data_file.name), _at(where, "name")
    yield from _text(node, where, (DCTERMS.title, data_file.title, "title"),
                     (SCHEMA.description, data_file.title, "title"),
                     (SCHEMA.encodingFormat, data_file.media_type, "media-type"))
    if data_file.media_type:
        yield node, DCAT.mediaType, IANA_MEDIA_TYPES[data_file.media_type], _at(where, "media-type")
    if data_file.size is not None:
        yield node, DCAT.byteSize, Literal(str(data_file.size), datatype=XSD.nonNegativeInteger), \
            _at(where, "size")
        yield node, SCHEMA.contentSize, Literal(f"{data_file.size} bytes"), _at(where, "size")
    if data_file.checksum:
        algorithm, digest = data_file.checksum
        checksum, at = iris.checksum(data_file.name), _at(where, "checksum")
        yield node, SPDX.checksum, checksum, at
        yield checksum, RDF.type, SPDX.Checksum, at
        yield checksum, SPDX.algorithm, CHECKSUM_ALGORITHMS[algorithm], at
        yield checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary), at
    rights = study.access_of(data_file)
    if rights:
        yield from _access_right(node, rights, _at(where, "access") if data_file.access
                                 else study.origin_of("access"))
    if data_file.url:
        url = URIRef(data_file.url)
        yield node, SCHEMA.contentUrl, url, _at(where, "url")
        yield node, DCAT.downloadURL, url, _at(where, "url")
        yield node, DCAT.accessURL, url, _at(where, "url")
    elif (page := access_url(study)) is not None:
        yield node, DCAT.accessURL, page, study.origin_of("landing-page")
    if study.license:
        yield node, DCTERMS.license, URIRef(study.license.iri), study.origin_of("license")


def _funding(funding: Funding, ds: URIRef, iris: StudyIris) -> Iterator[LocatedTriple]:
    grant, where = iris.grant(funding), funding.origin
    funder = iris.funder(funding.funder)
    yield ds, SCHEMA.funding, grant, where
    yield ds, SCHEMA.funder, funder, _at(where, "funder")
    yield grant, RDF.type, SCHEMA.MonetaryGrant, where
    yield grant, SCHEMA.funder, funder, _at(where, "funder")
    yield from _text(grant, where, (SCHEMA.identifier, funding.award_number, "award-number"),
                     (SCHEMA.name, funding.award_title, "award-title"))
    if funding.award_url:
        yield grant, SCHEMA.url, URIRef(funding.award_url), _at(where, "award-url")
    yield from _organization(funding.funder, iris, funder)


def _contributor(person: Person, ds: URIRef, iris: StudyIris) -> Iterator[LocatedTriple]:
    agent, where = iris.person(person), person.origin
    for predicate in (SCHEMA.contributor, DCTERMS.contributor):
        yield ds, predicate, agent, where
    if person.is_organization:
        yield agent, RDF.type, SCHEMA.Organization, where
        yield agent, SCHEMA.name, Literal(person.full_name), _at(where, "name")
    else:
        yield from _person(person, iris)
    if person.role:
        attribution = iris.attribution(person, person.role)
        role = iris.concept(CONTRIBUTOR_ROLE_SCHEME, person.role)
        yield ds, PROV.qualifiedAttribution, attribution, _at(where, "role")
        yield attribution, RDF.type, PROV.Attribution, _at(where, "role")
        yield attribution, PROV.agent, agent, _at(where, "role")
        yield attribution, DCAT.hadRole, role, _at(where, "role")
        yield role, RDF.type, DCAT.Role, _at(where, "role")
        yield role, RDF.type, SKOS.Concept, _at(where, "role")
        yield role, SKOS.notation, Literal(person.role), _at(where, "role")
        yield role, SKOS.inScheme, iris.scheme(CONTRIBUTOR_ROLE_SCHEME), _at(where, "role")
        yield iris.scheme(CONTRIBUTOR_ROLE_SCHEME), RDF.type, SKOS.ConceptScheme, _at(where, "role")
        yield iris.scheme(CONTRIBUTOR_ROLE_SCHEME), SKOS.prefLabel, Literal(
            "DataCite contributor types", lang="en"), _at(where, "role")
        yield iris.scheme(CONTRIBUTOR_ROLE_SCHEME), DCTERMS.title, Literal(
            "DataCite contributor types", lang="en"), _at(where, "role")


def _dataset(study: Study, iris: StudyIris) -> Iterator[LocatedTriple]:
    ds, at = iris.dataset, study.origin_of
    yield ds, RDF.type, SCHEMA.Dataset, study.origin
    yield ds, RDF.type, DCAT.Dataset, study.origin
    for predicate, texts, key in ((SCHEMA.name, study.titles, "title"),
                                  (DCTERMS.title, study.titles, "title"),
                                  (SCHEMA.description, study.descriptions, "description"),
                                  (DCTERMS.description, study.descriptions, "description")):
        for text in texts:
            yield ds, predicate, local_literal(text), at(key)
    for language in study.languages:
        yield ds, SCHEMA.inLanguage, Literal(language), at("languages")
        yield ds, DCTERMS.language, URIRef(language_iri(language)), at("languages")
    yield from _access(study, ds)
    for data_file in study.files:
        yield from data_file_triples(data_file, study, iris)
    for funding in study.funding:
        yield from _funding(funding, ds, iris)
    for predicate, value, key in ((SVRDF.kindOfData, study.kind_of_data, "kind-of-data"),
                                  (SVRDF.unitOfAnalysis, study.unit_of_analysis, "unit-of-analysis"),
                                  (SVRDF.samplingProcedure, study.sampling_procedure, "sampling-procedure"),
                                  (SVRDF.timeMethod, study.time_method, "time-method")):
        if value:
            yield ds, predicate, Literal(value), at(key)
    for text in study.universe:
        yield ds, SVRDF.universe, local_literal(text), at("universe")
    if study.version:
        yield ds, SCHEMA.version, Literal(study.version), at("version")
        yield ds, DCAT3.version, Literal(study.version), at("version")
    if study.temporal_coverage:
        yield ds, SCHEMA.temporalCoverage, Literal(study.temporal_coverage), at("temporal-coverage")
    if study.methodology:
        yield ds, SCHEMA.measurementMethod, Literal(study.methodology), at("methodology")
    for technique in study.techniques:
        yield ds, SCHEMA.measurementTechnique, Literal(technique), at("techniques")
    for keyword in study.keywords:
        yield ds, SCHEMA.keywords, Literal(keyword), at("keywords")
        yield ds, DCAT.keyword, Literal(keyword), at("keywords")
    for subject in study.subjects:
        yield ds, DCTERMS.subject, Literal(subject), at("subjects")
    if study.date_published:
        published = Literal(study.date_published.isoformat(), datatype=XSD.date)
        yield ds, SCHEMA.datePublished, published, at("date-published")
        yield ds, DCTERMS.issued, published, at("date-published")
    if study.landing_page:
        yield ds, SCHEMA.url, URIRef(study.landing_page), at("landing-page")
        yield ds, DCAT.landingPage, URIRef(study.landing_page), at("landing-page")
    if study.license:
        licence = URIRef(study.license.iri)
        yield ds, SCHEMA.license, licence, at("license")
        yield ds, DCTERMS.license, licence, at("license")
        yield licence, RDF.type, DCTERMS.LicenseDocument, at("license")
        if study.license.spdx_id:
            yield licence, SCHEMA.identifier, Literal(study.license.spdx_id), at("license")
    for identifier in study.identifiers:
        node, where = iris.identifier(identifier.scheme), identifier.origin
        yield ds, SCHEMA.identifier, node, where
        yield ds, DCTERMS.identifier, Literal(identifier.value), _at(where, "value")
        yield node, RDF.type, SCHEMA.PropertyValue, where
        yield node, SCHEMA.propertyID, Literal(identifier.scheme), _at(where, "scheme")
        yield node, SCHEMA.value, Literal(identifier.value), _at(where, "value")
        if identifier.scheme == "DOI":
            yield node, SCHEMA.url, URIRef(f"https://doi.org/{identifier.value}"), _at(where, "value")
        if identifier.derived:
            yield node, SVRDF.isDerived, Literal(True), _at(where, "derived")
        yield from _text(node, where, (SCHEMA.description, identifier.note, "note"))
    for creator in study.creators:
        for predicate in (SCHEMA.creator, DCTERMS.creator):
            yield ds, predicate, iris.person(creator), creator.origin
        yield from _person(creator, iris)
    for contributor in study.contributors:
        yield from _contributor(contributor, ds, iris)
    if study.publisher:
        for predicate in (SCHEMA.publisher, DCTERMS.publisher):
            yield ds, predicate, iris.organization(study.publisher), at("publisher")
        yield from _organization(study.publisher, iris)
    if study.source_organization:
        org = study.source_organization
        yield ds, SCHEMA.sourceOrganization, iris.organization(org), at("source-organization")
        yield from _organization(org, iris)
    if study.catalog:
        yield from _catalog(study, iris)
    for work in study.related_works:
        yield from _related_work(work, ds, iris)
    yield from _variables_measured(study, iris)
    for same in _same_as(study):
        yield ds, SCHEMA.sameAs, URIRef(same), at("identifiers")
    for law in study.legislation:
        node, where = iris.legislation(law), law.origin
        yield ds, SCHEMA.about, node, where
        yield node, RDF.type, SCHEMA.Legislation, where
        yield node, SCHEMA.name, Literal(law.name), _at(where, "name")
        if law.url:
            yield node, SCHEMA.url, URIRef(law.url), _at(where, "url")
    if study.temporal_coverage:
        period, where = iris.temporal_coverage(), at("temporal-coverage")
        yield ds, DCTERMS.temporal, period, where
        yield period, RDF.type, DCTERMS.PeriodOfTime, where
        yield period, RDFS.label, Literal(study.temporal_coverage), where
        if study.temporal_period:
            for predicate, date in ((DCAT.startDate, study.temporal_period.start),
                                    (DCAT.endDate, study.temporal_period.end)):
                if date:
                    yield period, predicate, date_literal(date), where
    for place in study.spatial_coverage:
        node, where = iris.place(place), place.origin
        yield ds, SCHEMA.spatialCoverage, node, where
        yield ds, DCTERMS.spatial, node, where
        yield node, RDF.type, SCHEMA.Place, where
        yield node, RDF.type, DCTERMS.Location, where
        yield node, SCHEMA.name, Literal(place.name), _at(where, "name")
        for same in place.same_as:
            yield node, SCHEMA.sameAs, URIRef(same), _at(where, "same-as")
    for person in study.mentioned_people:
        yield ds, SCHEMA.mentions, iris.person(person), person.origin
        yield from _person(person, iris)
    for phase in study.phases:
        yield ds, PROV.wasGeneratedBy, iris.phase(phase.id), phase.origin


def _variables_measured(study: Study, iris: StudyIris) -> Iterator[LocatedTriple]:
    """What the study records of each participant (schema.org's variableMeasured), among
    phase, case, sector, role and gender: those some participant has."""
    recorded = {attribute for participant in study.participants for attribute, _, _ in participant.facts}
    for attribute, term in participant_attributes().items():
        if attribute not in recorded:
            continue
        node, where = iris.variable(attribute), study.origin
        yield iris.dataset, SCHEMA.variableMeasured, node, where
        yield node, RDF.type, SCHEMA.PropertyValue, where
        yield node, SCHEMA.name, Literal(term.label, lang="en"), where
        yield node, SCHEMA.description, Literal(term.description, lang="en"), where
        yield node, SCHEMA.propertyID, URIRef(term.iri), where


def _same_as(study: Study) -> list[str]:
    """The other addresses of the dataset: its identifiers that are addresses, and Handles."""
    addresses = [i.value for i in study.identifiers if i.value.startswith(("https://", "http://"))]
    addresses += [f"https://hdl.handle.net/{i.value}" for i in study.identifiers
                  if i.scheme.lower() == "handle" and not i.value.startswith("http")]
    return addresses


def _catalog(study: Study, iris: StudyIris) -> Iterator[LocatedTriple]:
    if study.catalog is None:
        return
    catalog, where = iris.catalog(study.catalog), study.origin_of("catalog")
    yield iris.dataset, SCHEMA.includedInDataCatalog, catalog, where
    yield catalog, RDF.type, SCHEMA.DataCatalog, where
    yield catalog, RDF.type, DCAT.Catalog, where
    for predicate in (SCHEMA.name, DCTERMS.title):
        yield catalog, predicate, Literal(study.catalog.name), _at(where, "name")
    yield catalog, DCAT.dataset, iris.dataset, where
    if study.publisher:
        yield catalog, SCHEMA.publisher, iris.organization(study.publisher), study.origin_of("publisher")


def _related_work(work: RelatedWork, dataset: URIRef, iris: StudyIris) -> Iterator[LocatedTriple]:
    node, where = iris.work(work), work.origin
    yield dataset, DCTERMS.isReferencedBy, node, where
    yield dataset, SCHEMA.citation, node, where
    yield node, RDF.type, SCHEMA[work.type], _at(where, "type")
    yield node, SCHEMA.name, Literal(work.title), _at(where, "title")
    yield node, SCHEMA.isBasedOn, dataset, where
    yield from _text(node, where, (SCHEMA.inSupportOf, work.degree, "degree"))
    if work.url:
        yield node, SCHEMA.url, URIRef(work.url), _at(where, "url")
    if work.year:
        yield node, SCHEMA.datePublished, Literal(str(work.year), datatype=XSD.gYear), _at(where, "year")
    for author in work.authors:
        yield node, SCHEMA.author, iris.person(author), author.origin
        yield from _person(author, iris)
    if work.institution:
        org = work.institution
        yield node, SCHEMA.sourceOrganization, iris.organization(org), _at(where, "institution")
        yield from _organization(org, iris)


def _person(person: Person, iris: StudyIris) -> Iterator[LocatedTriple]:
    node, where = iris.person(person), person.origin
    yield node, RDF.type, SCHEMA.Person, where
    yield node, SCHEMA.name, Literal(person.full_name), _at(where, "name")
    yield from _text(node, where, (SCHEMA.givenName, person.given_names, "given-names"),
                     (SCHEMA.familyName, person.family_names, "family-names"),
                     (SCHEMA.description, person.description, "description"),
                     (SCHEMA.identifier, person.orcid, "orcid"))
    if person.affiliation:
        yield node, SCHEMA.affiliation, iris.organization(person.affiliation), _at(where, "affiliation")
        yield from _organization(person.affiliation, iris)


def _organization(org: Organization, iris: StudyIris,
                  node: URIRef | None = None) -> Iterator[LocatedTriple]:
    node, where = node or iris.organization(org), org.origin
    yield node, RDF.type, SCHEMA.Organization, where
    yield node, SCHEMA.name, Literal(org.name), _at(where, "name")
    if org.url:
        yield node, SCHEMA.url, URIRef(org.url), _at(where, "url")
    yield from _text(node, where, (SCHEMA.identifier, org.ror, "ror"))
    if org.crossref_funder_id:
        yield node, SCHEMA.identifier, Literal(f"https://doi.org/{org.crossref_funder_id}"), \
            _at(where, "crossref-funder-id")


def _phase(phase: Phase, study: Study, iris: StudyIris) -> Iterator[LocatedTriple]:
    node, where = iris.phase(phase.id), phase.origin
    yield node, RDF.type, PROV.Activity, where
    yield node, RDF.type, SVRDF.FieldworkPhase, where
    yield node, SCHEMA.identifier, Literal(phase.id), _at(where, "id")
    yield node, SCHEMA.name, Literal(phase.name), _at(where, "name")
    yield from _text(node, where, (SCHEMA.description, phase.description, "description"))
    for prefix in phase.code_prefixes:
        yield node, SVRDF.codePrefix, Literal(prefix), _at(where, "code-prefixes")
    for predicate, date, field in ((SCHEMA.startDate, phase.start_date, "start-date"),
                                   (SCHEMA.endDate, phase.end_date, "end-date")):
        if date:
            yield node, predicate, date_literal(date), _at(where, field)
    # Where a phase's dates are days, PROV has them too: from the start of its first day to
    # the end of its last. PROV's times are instants, which a month or a year is not.
    for predicate, date, time, field in (
            (PROV.startedAtTime, phase.start_date, "00:00:00", "start-date"),
            (PROV.endedAtTime, phase.end_date, "23:59:59", "end-date")):
        if date and date.precision == "day":
            moment = Literal(f"{date.text}T{time}", datatype=XSD.dateTime)
            yield node, predicate, moment, _at(where, field)
    for participant in study.participants:
        for value, origin in _facts(participant, "phase"):
            if value == phase.id:
                yield from _association(node, iris.association(phase.id, participant.key),
                                        iris.participant(participant.key), SVRDF.Interviewee,
                                        origin)


def _association(activity: URIRef, association: URIRef, agent: URIRef, role: URIRef,
                 where: Origin | None) -> Iterator[LocatedTriple]:
    yield activity, PROV.wasAssociatedWith, agent, where
    yield activity, PROV.qualifiedAssociation, association, where
    yield association, RDF.type, PROV.Association, where
    yield association, PROV.agent, agent, where
    yield association, PROV.hadRole, role, where


def _facts(participant: Participant, attribute: str) -> Iterator[tuple[str, Origin | None]]:
    """The participant's values of ``attribute``, each with the cell that gives it."""
    for name, value, row in participant.facts:
        if name == attribute:
            yield value, _at(row, name)


def _code_list(iris: StudyIris, scheme_name: str, title: str, concepts: tuple[Concept, ...],
               where: Origin | None, language: str | None,
               concept_class: URIRef | None = None) -> Iterator[LocatedTriple]:
    """A code list of the study's, its labels in the record's language; its title is svrdf's."""
    if not concepts:
        return
    scheme = iris.scheme(scheme_name)
    yield scheme, RDF.type, SKOS.ConceptScheme, where
    yield scheme, SKOS.prefLabel, Literal(title, lang="en"), where
    yield scheme, DCTERMS.title, Literal(title, lang="en"), where  # DCAT-AP's name of a scheme
    for concept in concepts:
        node, at = iris.concept(scheme_name, concept.code), concept.origin
        yield node, RDF.type, SKOS.Concept, at
        if concept_class:
            yield node, RDF.type, concept_class, at
        yield node, SKOS.inScheme, scheme, at
        yield node, SKOS.notation, Literal(concept.code), _at(at, "code")
        yield node, SKOS.prefLabel, local_literal((language, concept.label)), _at(at, "label")
        yield from _text(node, at, (SKOS.definition, concept.definition, "definition"))
        if concept.schema_term:
            yield node, SKOS.exactMatch, SCHEMA[concept.schema_term], _at(at, "schema")
        if concept.prefer_not_to_say:
            yield node, SKOS.exactMatch, SVRDF.PreferNotToSay, _at(at, "prefer-not-to-say")


# The terms of the triples made once per code or per person, looked up once: looking a term up
# in a checked namespace costs more than the rest of making its triple.
_A, _NOTATION, _PEOPLE = RDF.type, SVRDF.notation, SVRDF.numberOfPeople
_CODE, _JOINT_CODE = SVRDF.QuotationCode, SVRDF.JointInterviewCode
_LISTED_IN, _IN_CASE, _SAME_AS = SVRDF.listedInPhase, SVRDF.inCase, SVRDF.sameParticipantAs
_COLLECTED_IN, _PART_OF, _MODE = SVRDF.collectedIn, DCTERMS.isPartOf, SVRDF.modeOfCollection
_ACTIVITY, _EVENT = PROV.Activity, SVRDF.DataCollectionEvent
_START, _END = SCHEMA.startDate, SCHEMA.endDate
_PARTICIPANT_TYPES = (SCHEMA.Person, PROV.Agent, SVRDF.Participant)
_IDENTIFIER, _HAS_CODE = SCHEMA.identifier, SVRDF.hasQuotationCode
_JOB_TITLE, _GENDER, _SECTOR = SCHEMA.jobTitle, SCHEMA.gender, SVRDF.sector


def _quotation_code(code: QuotationCode, iris: StudyIris) -> Iterator[LocatedTriple]:
    node, where = iris.code(code.code), code.origin
    yield node, _A, _CODE, _at(where, "code")
    if code.is_joint:
        yield node, _A, _JOINT_CODE, _at(where, "people")
    yield node, _NOTATION, Literal(code.code), _at(where, "code")
    yield node, _PEOPLE, iris.shared_literal(code.people), _at(where, "people")
    if code.phase:
        yield node, _LISTED_IN, iris.phase(code.phase), _at(where, "phase")
    if code.case:
        yield node, _IN_CASE, iris.case(code.case), _at(where, "case")
    for other in code.other_codes:
        yield node, _SAME_AS, iris.code(other), _at(where, "other_codes")
    if code.note:
        yield node, RDFS.comment, Literal(code.note), _at(where, "note")


def _modes(study: Study) -> Iterator[LocatedTriple]:
    """The DDI Mode of Collection terms the study's events use, as SKOS concepts."""
    terms = modes_of_collection()
    for notation in dict.fromkeys(code.mode for code in study.codes if code.mode):
        term = terms[notation]
        node = URIRef(term.iri)
        where = next(c.origin for c in study.codes if c.mode == notation)
        where = _at(where, "mode")
        yield node, RDF.type, SKOS.Concept, where
        yield node, SKOS.notation, Literal(term.notation), where
        yield node, SKOS.prefLabel, Literal(term.label, lang="en"), where
        yield node, SKOS.inScheme, URIRef(term.iri.rsplit("/", 1)[0] + "/"), where


def _event(code: QuotationCode, iris: StudyIris, modes: dict[str, URIRef]) -> Iterator[LocatedTriple]:
    """The interview, joint interview or focus group a code comes from: a PROV activity
    within the code's phase, with its mode and date where the record gives them. Its people
    are those of the codes collected in it."""
    node, where = iris.event(code.code), code.origin
    yield node, _A, _ACTIVITY, _at(where, "code")
    yield node, _A, _EVENT, _at(where, "code")
    yield node, _A, EVENT_CLASSES[code.event], _at(where, "event")
    if code.phase:
        yield node, _PART_OF, iris.phase(code.phase), _at(where, "phase")
    if code.mode:
        yield node, _MODE, modes[code.mode], _at(where, "mode")
    if code.date:
        for predicate, date in ((_START, code.date.start), (_END, code.date.end)):
            if date:
                yield node, predicate, iris.shared_literal(date.text, DATE_TYPES[date.precision]), \
                    _at(where, "date")


def _gender_values(study: Study, iris: StudyIris) -> dict[str, URIRef]:
    """What schema:gender says for each gender code: schema.org's Male or Female where the
    code means one of them, else the code's concept in the study's gender list."""
    return {g.code: SCHEMA[g.schema_term] if g.schema_term else iris.concept(GENDER_SCHEME, g.code)
            for g in study.genders}


def _participant(participant: Participant, genders: dict[str, URIRef], no_gender: URIRef,
                 iris: StudyIris) -> Iterator[LocatedTriple]:
    node = iris.participant(participant.key)
    for code, origin in zip(participant.codes, participant.code_origins, strict=False):
        where = _at(origin, "code") if origin and origin.field is None else origin
        for type_ in _PARTICIPANT_TYPES:
            yield node, _A, type_, where
        yield node, _IDENTIFIER, Literal(code), where
        yield node, _HAS_CODE, iris.code(code), where
    gender_known = False
    for name, value, row in participant.facts:
        # The fact's attribute is also the name of the column that gives it.
        if name == "role":
            yield node, _JOB_TITLE, iris.shared_literal(value), _at(row, name)
        elif name == "gender":
            gender_known = True
            yield node, _GENDER, genders[value], _at(row, name)
        elif name == "sector":
            yield node, _SECTOR, iris.concept(SECTOR_SCHEME, value), _at(row, name)
        elif name == "case":
            yield node, _IN_CASE, iris.case(value), _at(row, name)
    if not gender_known:
        # Unknown is not absent: say that the record gives no gender for this person (or that
        # the study withholds it), which a query can tell apart from one who preferred not to say.
        yield node, _GENDER, no_gender, participant.origin


def _consent(study: Study, iris: StudyIris) -> Iterator[LocatedTriple]:
    """What the participants consented to, in DPV: a dpv:ConsentRecord of the participants who
    agreed to each access (the study's consent, and each narrower access a code's row gives),
    whose processes say what that access allows of the data (dpv:MakeAvailable, dpv:Share or
    dpv:Store) and which of their attributes may be published (DPV personal data categories)."""
    consent = study.consent
    narrower = {code.code: (code.consent, code.origin) for code in study.codes if code.consent}
    if consent is None and not narrower:
        return
    study_access = consent.access if consent else None
    where = consent.origin if consent else None
    # Each participant under the narrowest access that their codes' rows or study.yaml give.
    records: dict[str | None, list[tuple[URIRef, Origin | None]]] = {}
    for participant in study.participants:
        access, origin = study_access, where
        for code in participant.codes:
            row_access, row = narrower.get(code, (None, None))
            if row_access and (access is None or ACCESS_OPENNESS[row_access] < ACCESS_OPENNESS[access]):
                access, origin = row_access, _at(row, "consent")
        if consent is not None or access is not None:  # else the input says nothing of their consent
            records.setdefault(None if access == study_access else access, []).append(
                (iris.participant(participant.key), origin))
    attributes = consent.attributes if consent else None
    published = iris.consented_process("attributes") if attributes is not None else None
    if published is not None:
        yield from _consented_process(published, where, DPV.MakeAvailable)
        for attribute in attributes or ():
            yield published, DPV.hasPersonalData, URIRef(personal_data_categories()[attribute].iri), \
                _at(where, "attributes")
    # The study's own record first, then the narrower ones, the most open first.
    for access in sorted(records, key=lambda a: (a is not None, -ACCESS_OPENNESS[a] if a else 0)):
        record, effective = iris.consent(access), access or study_access
        yield record, RDF.type, DPV.ConsentRecord, where
        yield record, DPV.hasConsentStatus, DPV.ConsentGiven, where
        for person, origin in records[access]:
            yield record, DPV.hasDataSubject, person, origin
        if effective is not None:
            process = iris.consented_process(effective)
            yield record, DPV.hasProcess, process, where
            yield from _consented_process(process, where, URIRef(consented_processing()[effective].iri))
            yield process, DPV.hasData, iris.dataset, where
        if published is not None:
            yield record, DPV.hasProcess, published, where


def _consented_process(process: URIRef, where: Origin | None, processing: URIRef) -> Iterator[LocatedTriple]:
    yield process, RDF.type, DPV.Process, where
    yield process, DPV.hasProcessing, processing, where
    yield process, DPV.hasPurpose, DPV.ScientificResearch, where
    yield process, DPV.hasLegalBasis, DPV.InformedConsent, where


def schema_org_part(data: Graph | Iterable[Triple], root: URIRef) -> Graph:
    """What a schema.org consumer (Google Dataset Search, Science-on-Schema.org) reads: the
    triples reachable from ``root`` through schema.org properties, with their schema.org types.
    Participants, phases and svrdf's own terms are not reachable this way, so they stay out.
    ``data`` may be a study's triples: only their schema.org triples are indexed, once."""
    schema, type_iri = str(SCHEMA._NS), str(RDF.type)
    starts, equals = str.startswith, str.__eq__  # str's own: rdflib's are written in Python
    schema_triples: dict[Identifier, list[tuple[Identifier, Identifier]]] = {}
    # An rdflib graph's terms are identifiers too (svrdf's graphs hold no formulas).
    for s, p, o in cast(Iterable[Triple], data):
        if starts(p, schema) or (equals(p, type_iri) and starts(o, schema)):
            schema_triples.setdefault(s, []).append((p, o))
    part = new_graph()
    seen, queue = {root}, [root]
    while queue:
        node = queue.pop()
        for predicate, obj in schema_triples.get(node, ()):
            part.add((node, predicate, obj))
            if isinstance(obj, URIRef) and not equals(predicate, type_iri) and obj not in seen:
                seen.add(obj)
                queue.append(obj)
    return part
