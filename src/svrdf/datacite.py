"""DataCite Metadata Schema 4.6 XML: the record a repository sends to DataCite to mint a DOI.

Built from the typed model with the standard library's ElementTree, elements in the order the
schema's sequence requires, so the bytes are the same on every run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .errors import StudyDataError
from .model import Organization, Person, Study

NAMESPACE = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = "http://datacite.org/schema/kernel-4 https://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: How a related work relates to the dataset, by its type in study.yaml.
RELATED_WORK_TYPES = {
    "Thesis": ("IsSupplementTo", "Dissertation"),
    "ScholarlyArticle": ("IsSupplementTo", "JournalArticle"),
    "Book": ("IsSupplementTo", "Book"),
    "Report": ("IsSupplementTo", "Report"),
    "CreativeWork": ("IsReferencedBy", "Text"),
}


def to_datacite_xml(study: Study) -> bytes:
    doi = study.doi
    if doi is None:
        raise StudyDataError("DataCite metadata needs a DOI: add one under 'identifiers' "
                             "(scheme: DOI) in study.yaml", study.origin)
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", XSI)
    resource = ET.Element(_tag("resource"), {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    _add(resource, "identifier", doi.value, identifierType="DOI")

    creators = _add(resource, "creators")
    for person in study.creators:
        _person(_add(creators, "creator"), person, "creatorName")

    titles = _add(resource, "titles")
    _add(titles, "title", study.title, **{XML_LANG: "en"})

    publisher = study.publisher or study.catalog
    if publisher is None:
        raise StudyDataError("DataCite metadata needs a publisher: set 'publisher' in study.yaml",
                             study.origin)
    _add(resource, "publisher", publisher.name, **_ror_attributes(publisher, "publisher"))
    if study.date_published is None:
        raise StudyDataError("DataCite metadata needs a publication year: set 'date-published' "
                             "in study.yaml", study.origin)
    _add(resource, "publicationYear", str(study.date_published.year))
    _add(resource, "resourceType", "Qualitative interview data", resourceTypeGeneral="Dataset")

    if study.keywords or study.subjects:
        subjects = _add(resource, "subjects")
        for subject in (*study.subjects, *study.keywords):
            _add(subjects, "subject", subject, **{XML_LANG: "en"})

    dates = _add(resource, "dates")
    _add(dates, "date", study.date_published.isoformat(), dateType="Issued")
    if study.temporal_coverage:
        _add(dates, "date", study.temporal_coverage, dateType="Collected")

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

    if study.version:
        _add(resource, "version", study.version)

    if study.license:
        rights = _add(resource, "rightsList")
        _add(rights, "rights", study.license, rightsURI=study.license)

    descriptions = _add(resource, "descriptions")
    _add(descriptions, "description", study.description, descriptionType="Abstract",
         **{XML_LANG: "en"})
    methods = "; ".join(filter(None, (study.methodology, *study.techniques)))
    if methods:
        _add(descriptions, "description", methods, descriptionType="Methods", **{XML_LANG: "en"})

    if study.spatial_coverage:
        locations = _add(resource, "geoLocations")
        for place in study.spatial_coverage:
            _add(_add(locations, "geoLocation"), "geoLocationPlace", place.name)

    ET.indent(resource, space="  ")
    return ET.tostring(resource, encoding="UTF-8", xml_declaration=True) + b"\n"


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name), attributes)
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
            "schemeURI": "https://ror.org/"}
