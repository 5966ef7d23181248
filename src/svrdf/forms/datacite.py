"""DataCite Metadata Schema 4.7 XML: the record a repository sends to DataCite to mint a DOI.

Built from the typed model with the standard library's ElementTree, elements in the order the
schema's sequence lists them and attributes in a fixed order, so the bytes are the same on
every run. It uses nothing 4.7 added, so it is valid against Metadata Schema 4.6 too, which
repositories not yet on 4.7 still check against.

Names are written as they appear in the record, prefixes and all, the namespaces declared on
the root element by its own ``xmlns`` attributes: ElementTree's namespace prefixes are a
registry of the whole process (``register_namespace``), which a library has no business
changing and whose state the record must not depend on.

A text is tagged with ``xml:lang`` only where the record says its language (``title`` given
per language, or ``metadata-language``): svrdf does not guess one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection
from typing import BinaryIO

from rdflib import Graph

from svrdf.errors import StudyDataError
from svrdf.forms.registry import register
from svrdf.rdf.mapping import Triple
from svrdf.study.model import Funding, Organization, Period, Person, Study
from svrdf.study.vocabularies import access_rights, modes_of_collection

NAMESPACE = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = "http://datacite.org/schema/kernel-4 https://schema.datacite.org/meta/kernel-4.7/metadata.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: The prefix ``xml`` is bound by XML itself, and never declared.
XML_LANG = "xml:lang"

SPDX_SCHEME_URI = "https://spdx.org/licenses/"
ROR_SCHEME_URI = "https://ror.org/"
DOI_RESOLVER = "https://doi.org/"

#: How a related work relates to the dataset, by its type in study.yaml.
RELATED_WORK_TYPES = {
    "Thesis": ("IsSupplementTo", "Dissertation"),
    "ScholarlyArticle": ("IsSupplementTo", "JournalArticle"),
    "Book": ("IsSupplementTo", "Book"),
    "Report": ("IsSupplementTo", "Report"),
    "CreativeWork": ("IsReferencedBy", "Text"),
}

#: What the kinds of data collection event are called in the resource type's text.
EVENT_NAMES = {"interview": "interview", "joint-interview": "interview",
               "focus-group": "focus group"}


def missing(study: Study) -> str | None:
    """Why the study cannot have a DataCite record (what it lacks), or None if it can."""
    lacks = []
    if study.doi is None:
        lacks.append("no DOI")
    if study.publisher is None and study.catalog is None:
        lacks.append("no publisher or catalog")
    if study.date_published is None:
        lacks.append("no date-published")
    if not lacks:
        return None
    listed = ", ".join(lacks[:-1]) + " and " + lacks[-1] if len(lacks) > 1 else lacks[0]
    return f"the study has {listed}"


def to_datacite_xml(study: Study) -> bytes:
    doi, publisher, published = study.doi, study.publisher or study.catalog, study.date_published
    if doi is None or publisher is None or published is None:
        raise StudyDataError(f"DataCite metadata needs a DOI (under 'identifiers', scheme: DOI), "
                             f"a 'publisher' (or 'catalog') and 'date-published' in study.yaml: "
                             f"{missing(study)}", study.origin)
    record_language = _lang(study.metadata_language)
    # DataCite's namespace the default one, so that the elements need no prefix.
    resource = ET.Element("resource", {"xmlns": NAMESPACE, "xmlns:xsi": XSI,
                                       "xsi:schemaLocation": SCHEMA_LOCATION})
    _add(resource, "identifier", doi.value, identifierType="DOI")

    creators = _add(resource, "creators")
    for person in study.creators:
        _person(_add(creators, "creator"), person, "creatorName")

    # One title per language, the record's main one first. Parallel titles (a bilingual
    # record) are none of them a translation, so none gets titleType TranslatedTitle.
    titles = _add(resource, "titles")
    for language, text in study.titles:
        _add(titles, "title", text, **_lang(language))

    _add(resource, "publisher", publisher.name, **_ror_attributes(publisher, "publisher"))
    _add(resource, "publicationYear", str(published.year))
    _add(resource, "resourceType", _resource_type(study), resourceTypeGeneral="Dataset")

    if study.keywords or study.subjects:
        subjects = _add(resource, "subjects")
        for subject in (*study.subjects, *study.keywords):
            _add(subjects, "subject", subject, **record_language)

    if study.contributors:
        contributors = _add(resource, "contributors")
        for person in study.contributors:
            element = _add(contributors, "contributor", contributorType=person.role or "Other")
            _person(element, person, "contributorName")

    dates = _add(resource, "dates")
    _add(dates, "date", published.isoformat(), dateType="Issued")
    collected = study.temporal_period or _fieldwork(study)
    if collected:
        # RKMS-ISO8601: a date, or start/end, each at the precision the record gives.
        _add(dates, "date", str(collected), dateType="Collected")
    if study.access and study.access.embargo_end:
        _add(dates, "date", study.access.embargo_end.isoformat(), dateType="Available")

    if study.languages:
        _add(resource, "language", study.languages[0])

    alternates = [i for i in study.identifiers if i.scheme != "DOI"]
    if alternates:
        element = _add(resource, "alternateIdentifiers")
        for identifier in alternates:
            _add(element, "alternateIdentifier", identifier.value,
                 alternateIdentifierType=identifier.scheme)

    related = [(w.url, *RELATED_WORK_TYPES[w.type]) for w in study.related_works if w.url]
    related += [(law.url, "References", "Text") for law in study.legislation if law.url]
    if related:
        element = _add(resource, "relatedIdentifiers")
        for url, relation, general in related:
            _add(element, "relatedIdentifier", url, relatedIdentifierType="URL",
                 relationType=relation, resourceTypeGeneral=general)

    sizes = [f"{f.size} bytes" for f in study.files if f.size is not None]
    if sizes:
        element = _add(resource, "sizes")
        for size in sizes:
            _add(element, "size", size)
    formats = list(dict.fromkeys(f.media_type for f in study.files if f.media_type))
    if formats:
        element = _add(resource, "formats")
        for media_type in formats:
            _add(element, "format", media_type)

    if study.version:
        _add(resource, "version", study.version)

    _rights(resource, study)
    _descriptions(resource, study)

    if study.spatial_coverage:
        locations = _add(resource, "geoLocations")
        for place in study.spatial_coverage:
            _add(_add(locations, "geoLocation"), "geoLocationPlace", place.name)

    if study.funding:
        references = _add(resource, "fundingReferences")
        for funding in study.funding:
            _funding_reference(_add(references, "fundingReference"), funding)

    ET.indent(resource, space="  ")
    return ET.tostring(resource, encoding="UTF-8", xml_declaration=True) + b"\n"


def _resource_type(study: Study) -> str:
    """What the data is, from the kinds of event its codes come from (interviews, focus
    groups), in the order they first occur."""
    kinds = list(dict.fromkeys(EVENT_NAMES[code.event] for code in study.codes)) or ["interview"]
    return f"Qualitative {' and '.join(kinds)} data"


def _rights(resource: ET.Element, study: Study) -> None:
    """The licence (with its SPDX identifier where it has one), the COAR access right, and the
    conditions of access as the record words them."""
    licence, access = study.license, study.access
    if licence is None and access is None:
        return
    rights = _add(resource, "rightsList")
    if licence is not None:
        attributes = {"rightsURI": licence.iri}
        if licence.spdx_id:
            attributes |= {"rightsIdentifier": licence.spdx_id, "rightsIdentifierScheme": "SPDX",
                           "schemeURI": SPDX_SCHEME_URI}
        _add(rights, "rights", licence.spdx_id or licence.iri, **attributes)
    if access is not None:
        term = access_rights()[access.rights]
        _add(rights, "rights", term.label, rightsURI=term.iri, **{XML_LANG: "en"})
        for language, text in access.conditions:
            _add(rights, "rights", text, **_lang(language))


def _descriptions(resource: ET.Element, study: Study) -> None:
    """Abstract in each language; Methods (how the data was collected, with the DDI modes of
    collection of the study's events); Other for what the data is and whom it covers (kind of
    data, unit of analysis, universe), which DataCite has no type of its own for."""
    record_language = study.metadata_language
    descriptions = _add(resource, "descriptions")
    for language, text in study.descriptions:
        _add(descriptions, "description", text, descriptionType="Abstract", **_lang(language))

    modes = modes_of_collection()
    used = dict.fromkeys(code.mode for code in study.codes if code.mode)
    methods = [
        "; ".join(filter(None, (study.methodology, *study.techniques))),
        f"Sampling procedure: {study.sampling_procedure}" if study.sampling_procedure else "",
        f"Time method: {study.time_method}" if study.time_method else "",
        "Modes of collection: " + "; ".join(modes[m].label for m in used) if used else "",
    ]
    _lines(descriptions, methods, "Methods", record_language)

    universe = [(language, f"Universe: {text}") for language, text in study.universe]
    in_record_language = [text for language, text in universe if language == record_language]
    other = [
        f"Kind of data: {study.kind_of_data}" if study.kind_of_data else "",
        f"Unit of analysis: {study.unit_of_analysis}" if study.unit_of_analysis else "",
        *in_record_language,
        # Coverage that is not a date has no place among the dates: said here instead.
        f"Temporal coverage: {study.temporal_coverage}"
        if study.temporal_coverage and not study.temporal_period else "",
    ]
    _lines(descriptions, other, "Other", record_language)
    for language, text in universe:
        if language != record_language:
            _lines(descriptions, [text], "Other", language)


def _lines(parent: ET.Element, lines: list[str], kind: str, language: str | None) -> None:
    """A description of the non-empty lines, separated by DataCite's <br/>; none if all are
    empty."""
    lines = [line for line in lines if line]
    if not lines:
        return
    element = _add(parent, "description", lines[0], descriptionType=kind, **_lang(language))
    for line in lines[1:]:
        _add(element, "br").tail = line


def _funding_reference(element: ET.Element, funding: Funding) -> None:
    funder = funding.funder
    _add(element, "funderName", funder.name)
    # One identifier per funder: ROR, which DataCite prefers, else the Crossref Funder ID.
    if funder.ror:
        _add(element, "funderIdentifier", funder.ror, funderIdentifierType="ROR",
             schemeURI=ROR_SCHEME_URI)
    elif funder.crossref_funder_id:
        _add(element, "funderIdentifier", DOI_RESOLVER + funder.crossref_funder_id,
             funderIdentifierType="Crossref Funder ID", schemeURI=DOI_RESOLVER)
    if funding.award_number or funding.award_url:
        # DataCite allows an award's page without its number: an empty awardNumber.
        _add(element, "awardNumber", funding.award_number,
             **({"awardURI": funding.award_url} if funding.award_url else {}))
    if funding.award_title:
        _add(element, "awardTitle", funding.award_title)


def _lang(language: str | None) -> dict[str, str]:
    return {XML_LANG: language} if language else {}


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    if text is not None:
        element.text = text
    return element


def _person(element: ET.Element, person: Person, name_element: str) -> None:
    if person.family_names:
        display = f"{person.family_names}, {person.given_names}" if person.given_names else person.family_names
        _add(element, name_element, display, nameType="Personal")
        if person.given_names:
            _add(element, "givenName", person.given_names)
        _add(element, "familyName", person.family_names)
    elif person.is_organization:
        _add(element, name_element, person.full_name, nameType="Organizational")
    else:
        _add(element, name_element, person.full_name)
    if person.orcid:
        _add(element, "nameIdentifier", person.orcid, nameIdentifierScheme="ORCID",
             schemeURI="https://orcid.org")
    if person.affiliation:
        _add(element, "affiliation", person.affiliation.name,
             **_ror_attributes(person.affiliation, "affiliation"))


def _ror_attributes(org: Organization, prefix: str) -> dict[str, str]:
    if not org.ror:
        return {}
    return {f"{prefix}Identifier": org.ror, f"{prefix}IdentifierScheme": "ROR",
            "schemeURI": ROR_SCHEME_URI}


def _fieldwork(study: Study) -> Period | None:
    """When the data was collected, from the phases' dates where the study gives no temporal
    coverage: from the earliest start to the latest end, if every phase gives both."""
    starts = [phase.start_date for phase in study.phases]
    ends = [phase.end_date for phase in study.phases]
    if not starts or None in starts or None in ends:
        return None
    return Period(min(starts, key=lambda d: d.first_day()),  # type: ignore[union-attr]
                  max(ends, key=lambda d: d.last_day()))  # type: ignore[union-attr]


@register("datacite", "datacite.xml", "application/vnd.datacite.datacite+xml",
          "DataCite Metadata Schema 4.7 XML, for minting the DOI", missing=missing)
def write_datacite(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    out.write(to_datacite_xml(study))
