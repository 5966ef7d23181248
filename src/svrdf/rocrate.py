"""The RO-Crate 1.2 view of a study: ``ro-crate-metadata.json`` for repositories, WorkflowHub
and other RO-Crate consumers.

The root Dataset carries name, description, datePublished and license; people, organisations,
places, cases and fieldwork phases are contextual entities, and each phase is a
``CreateAction`` whose result is the dataset. Participants are not listed: the crate describes
the deposit, and the pseudonymous roster is in the main graph. The JSON is built by hand from
the model (RO-Crate's context makes plain JSON the natural form), in a fixed order.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import StudyDataError
from .mapping import StudyIris
from .model import Organization, Person, Place, Study

CONTEXT = "https://w3id.org/ro/crate/1.2/context"
PROFILE = "https://w3id.org/ro/crate/1.2"
METADATA_FILE = "ro-crate-metadata.json"
ROOT = "./"
#: svrdf's own terms used in the crate, added to the RO-Crate context.
EXTRA_CONTEXT = {"svrdf": "https://w3id.org/svrdf/ns#", "Case": "svrdf:Case",
                 "FieldworkPhase": "svrdf:FieldworkPhase"}


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _one_or_many(values: list) -> Any:
    # RO-Crate 1.2 prefers a single value to a one-item array.
    return values[0] if len(values) == 1 else values


class _Crate:
    """Entities in the order they are first met. A second mention of an @id adds the
    properties the first lacked (the same organisation named bare, then with its URL)."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {}

    def add(self, entity: dict[str, Any]) -> dict[str, str]:
        known = self.entities.setdefault(entity["@id"], {})
        for key, value in entity.items():
            if isinstance(value, list):
                value = _one_or_many(value)
            if value not in (None, [], "") and key not in known:
                known[key] = value
        return _ref(entity["@id"])


def to_rocrate_json(study: Study) -> bytes:
    if study.date_published is None:
        raise StudyDataError("an RO-Crate's root dataset must have a publication date: set "
                             "'date-published' in study.yaml", study.origin_of("date-published"))
    iris = StudyIris(study)
    crate = _Crate()
    crate.add({"@id": METADATA_FILE, "@type": "CreativeWork", "conformsTo": _ref(PROFILE),
               "about": _ref(ROOT)})
    root: dict[str, Any] = {
        "@id": ROOT,
        "@type": "Dataset",
        "name": study.title,
        "description": study.description,
        "datePublished": study.date_published.isoformat(),
        "url": study.landing_page,
        "version": study.version,
        "keywords": ", ".join(study.keywords) or None,
        "temporalCoverage": study.temporal_coverage,
        "measurementMethod": study.methodology,
        "measurementTechnique": list(study.techniques) or None,
    }
    crate.add(root)  # first, right after the metadata descriptor
    root = crate.entities[ROOT]
    crate.add({"@id": PROFILE, "@type": "CreativeWork", "name": "RO-Crate 1.2", "version": "1.2"})
    if study.identifiers:
        # Science-on-Schema.org's form, which RO-Crate 1.2 recommends: PropertyValue entities.
        root["identifier"] = _one_or_many([crate.add({
            "@id": str(iris.identifier(i.scheme)), "@type": "PropertyValue", "name": i.scheme,
            "propertyID": i.scheme, "value": i.value,
            "url": f"https://doi.org/{i.value}" if i.scheme == "DOI" else None,
            "description": i.note}) for i in study.identifiers])
    root["license"] = crate.add(_license(study, iris))
    root["author"] = _one_or_many([crate.add(_person(p, iris, crate)) for p in study.creators])
    if study.publisher:
        publisher = _organization(study.publisher, iris)
        if study.publisher.url:
            # The record names no contact: the publisher's web site is how a reuser asks.
            publisher["contactPoint"] = crate.add({
                "@id": str(iris.contact_point()), "@type": "ContactPoint",
                "name": study.publisher.name, "url": study.publisher.url,
                "contactType": "publisher"})
        root["publisher"] = crate.add(publisher)
    if study.catalog:
        root["includedInDataCatalog"] = crate.add({
            "@id": str(iris.catalog(study.catalog)), "@type": "DataCatalog",
            "name": study.catalog.name, "url": study.catalog.url})
    if study.spatial_coverage:
        root["spatialCoverage"] = _one_or_many([crate.add(_place(p, iris)) for p in study.spatial_coverage])
    about = [crate.add({"@id": str(iris.legislation(law)), "@type": "Legislation",
                        "name": law.name, "url": law.url}) for law in study.legislation]
    if about:
        root["about"] = _one_or_many(about)
    citations = [crate.add({"@id": str(iris.work(work)), "@type": work.type, "name": work.title,
                            "url": work.url,
                            "author": [crate.add(_person(a, iris, crate)) for a in work.authors],
                            "isBasedOn": _ref(ROOT)})
                 for work in study.related_works]
    if citations:
        root["citation"] = _one_or_many(citations)
    mentions = [crate.add(_person(p, iris, crate)) for p in study.mentioned_people]
    for phase in study.phases:
        cases = [c for c in study.cases
                 if any(code.phase == phase.id and code.case == c.id for code in study.codes)]
        # RO-Crate's provenance pattern: the root mentions each action that produced it.
        mentions.append(crate.add({
            "@id": str(iris.phase(phase.id)),
            "@type": ["CreateAction", "FieldworkPhase"],
            "name": phase.name,
            "description": phase.description,
            "startTime": phase.start_date.isoformat() if phase.start_date else None,
            "endTime": phase.end_date.isoformat() if phase.end_date else None,
            "agent": [_ref(str(iris.person(p))) for p in study.creators],
            "object": [crate.add({"@id": str(iris.case(c.id)), "@type": ["Thing", "Case"], "name": c.name,
                                  "identifier": c.id, "alternateName": list(c.alternate_names),
                                  "description": c.description}) for c in cases],
            "result": _ref(ROOT),
        }))
    root["mentions"] = _one_or_many(mentions)
    document = {"@context": [CONTEXT, EXTRA_CONTEXT], "@graph": list(crate.entities.values())}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _license(study: Study, iris: StudyIris) -> dict[str, Any]:
    if study.license:
        return {"@id": study.license, "@type": "CreativeWork", "name": study.license,
                "description": "The licence under which the study's record says the dataset "
                               "may be reused."}
    # The study states no licence: say so, and say whom to ask, rather than invent one.
    publisher = study.publisher or study.catalog
    ask = f"{publisher.name}{f' ({publisher.url})' if publisher.url else ''}" if publisher else "the publisher"
    return {"@id": str(iris.license_not_stated()), "@type": "CreativeWork", "name": "not stated",
            "description": f"The source record states no licence for this dataset. "
                           f"Ask {ask} about the terms of reuse."}


def _person(person: Person, iris: StudyIris, crate: _Crate) -> dict[str, Any]:
    return {
        "@id": str(iris.person(person)),
        "@type": "Person",
        "name": person.full_name,
        "givenName": person.given_names,
        "familyName": person.family_names,
        "description": person.description,
        "affiliation": crate.add(_organization(person.affiliation, iris)) if person.affiliation else None,
    }


def _organization(org: Organization, iris: StudyIris) -> dict[str, Any]:
    return {"@id": str(iris.organization(org)), "@type": "Organization", "name": org.name,
            "url": org.url}


def _place(place: Place, iris: StudyIris) -> dict[str, Any]:
    # RO-Crate names a place by its gazetteer IRI (e.g. GeoNames) where there is one.
    iri = place.same_as[0] if place.same_as else str(iris.place(place))
    return {"@id": iri, "@type": "Place", "name": place.name,
            "sameAs": [_ref(other) for other in place.same_as[1:]]}
