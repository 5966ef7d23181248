"""The RO-Crate 1.2 view of a study: ``ro-crate-metadata.json`` for repositories, WorkflowHub
and other RO-Crate consumers.

The root Dataset carries name, description, datePublished and license (the SPDX IRI where there
is one), the languages of the data, the conditions of access, funders and grants; people,
organisations, places, cases and fieldwork phases are contextual entities, and each phase is a
``CreateAction`` whose result is the dataset, with its dates at the precision the record gives
them and the DDI modes of collection its interviews and focus groups used as its instruments.
The deposit's files are its data entities. For the Language Data Commons (LDaC) profile each
interview and focus group is an ``ldac:CollectionEvent`` with its ``ldac:interviewee``s, known
by their pseudonymous codes only; what the record says of them (roles, genders) stays in the
main graph. The JSON is built by hand from the model (RO-Crate's context makes plain JSON the
natural form), in a fixed order.

The same IRIs as the main graph name the same things (:class:`~svrdf.rdf.mapping.StudyIris`), so a
crate and the graph merge. What schema.org has no term for is written with the RO-Crate
context's ``dct`` prefix (the COAR access right, the end of an embargo) or with svrdf's own
terms, which the crate's context defines (the DDI study design fields).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, BinaryIO

from rdflib import Graph

from svrdf.errors import StudyDataError
from svrdf.forms.registry import register
from svrdf.rdf.mapping import StudyIris, Triple
from svrdf.study.model import DataFile, Funding, LocalText, Organization, PartialDate, Person, Phase, Place, Study
from svrdf.study.vocabularies import access_rights, modes_of_collection

CONTEXT = "https://w3id.org/ro/crate/1.2/context"
PROFILE = "https://w3id.org/ro/crate/1.2"
METADATA_FILE = "ro-crate-metadata.json"
ROOT = "./"
#: svrdf's own terms used in the crate, added to the RO-Crate context.
EXTRA_CONTEXT = {"svrdf": "https://w3id.org/svrdf/ns#", "ldac": "https://w3id.org/ldac/terms#",
                 "Case": "svrdf:Case",
                 "FieldworkPhase": "svrdf:FieldworkPhase", "kindOfData": "svrdf:kindOfData",
                 "unitOfAnalysis": "svrdf:unitOfAnalysis", "universe": "svrdf:universe",
                 "samplingProcedure": "svrdf:samplingProcedure", "timeMethod": "svrdf:timeMethod"}


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _text(text: LocalText, main: str | None) -> Any:
    """A text as RO-Crate writes it: a plain string in the metadata's own language (or an
    unknown one), else a JSON-LD value object that says its language."""
    language, value = text
    if language is None or language == main:
        return value
    return {"@value": value, "@language": language}


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
    main = study.metadata_language or (study.titles[0][0] if study.titles else None)
    crate.add({"@id": METADATA_FILE, "@type": "CreativeWork", "conformsTo": _ref(PROFILE),
               "about": _ref(ROOT), "inLanguage": study.metadata_language})
    access = study.access
    root: dict[str, Any] = {
        "@id": ROOT,
        "@type": "Dataset",
        # RO-Crate's name is one string: the main title. Titles in other languages are
        # alternate names, each saying its language.
        "name": study.title,
        "alternateName": [_text(t, main) for t in study.titles[1:]],
        # Likewise one description; those in other languages are abstracts saying theirs.
        "description": study.description,
        "abstract": [_text(t, main) for t in study.descriptions[1:]],
        "datePublished": study.date_published.isoformat(),
        "url": study.landing_page,
        "version": study.version,
        "inLanguage": list(study.languages),
        "keywords": ", ".join(study.keywords) or None,
        "temporalCoverage": study.temporal_coverage,
        "measurementMethod": study.methodology,
        "measurementTechnique": list(study.techniques) or None,
        "isAccessibleForFree": True if access and access.rights == "open" else None,
        "conditionsOfAccess": [_text(t, main) for t in access.conditions] if access else None,
        "dct:available": access.embargo_end.isoformat() if access and access.embargo_end else None,
        "kindOfData": study.kind_of_data,
        "unitOfAnalysis": study.unit_of_analysis,
        "universe": [_text(t, main) for t in study.universe],
        "samplingProcedure": study.sampling_procedure,
        "timeMethod": study.time_method,
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
    if access:
        # COAR's access right, which OpenAIRE and F-UJI read, in Dublin Core's term for it.
        root["dct:accessRights"] = crate.add(_access_right(access.rights))
    if study.files:
        # The deposit's files, as data entities: named by their download address where they
        # have one (web-based data entities), else by the main graph's IRI of the file.
        root["hasPart"] = [crate.add(_data_file(f, study, iris, crate)) for f in study.files]
    root["author"] = _one_or_many([crate.add(_person(p, iris, crate)) for p in study.creators])
    if study.contributors:
        # Typed as the main graph types them (a person, or an organisation known by one name in
        # an organisation's role); the DataCite contributor type has no RO-Crate term, and is
        # in the graph and DataCite.
        root["contributor"] = _one_or_many([crate.add(_person(p, iris, crate))
                                            for p in study.contributors])
    if study.publisher:
        publisher = _organization(study.publisher, iris)
        if study.publisher.url:
            # The record names no contact: the publisher's web site is how a reuser asks.
            publisher["contactPoint"] = crate.add({
                "@id": str(iris.contact_point()), "@type": "ContactPoint",
                "name": study.publisher.name, "url": study.publisher.url,
                "contactType": "publisher"})
        root["publisher"] = crate.add(publisher)
    if study.funding:
        # RO-Crate 1.2's funding pattern: the root names its funders and its grants, and each
        # grant names its funder.
        grants = [crate.add(_grant(f, iris, crate)) for f in study.funding]
        funders = dict.fromkeys(str(iris.funder(f.funder)) for f in study.funding)
        root["funder"] = _one_or_many([_ref(funder) for funder in funders])
        root["funding"] = _one_or_many(grants)
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
        # RO-Crate's provenance pattern: the root mentions each action that produced it.
        mentions.append(crate.add(_phase(phase, study, iris, crate)))
    mentions += _collection_events(study, iris, crate)
    root["mentions"] = _one_or_many(mentions)
    document = {"@context": [CONTEXT, EXTRA_CONTEXT], "@graph": list(crate.entities.values())}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _access_right(rights: str) -> dict[str, Any]:
    term = access_rights()[rights]
    return {"@id": term.iri, "@type": "DefinedTerm", "name": term.label,
            "termCode": term.iri.rsplit("/", 1)[1], "inDefinedTermSet": term.iri.rsplit("/", 1)[0] + "/"}


def _data_file(data_file: DataFile, study: Study, iris: StudyIris, crate: _Crate) -> dict[str, Any]:
    rights = study.access_of(data_file)
    algorithm, digest = data_file.checksum or ("", "")
    return {"@id": data_file.url or str(iris.data_file(data_file.name)), "@type": "File",
            "name": data_file.name, "description": data_file.title,
            "encodingFormat": data_file.media_type,
            "contentSize": None if data_file.size is None else str(data_file.size),
            "sha256": digest if algorithm == "sha256" else None,
            "contentUrl": data_file.url,
            # The licence is the root's, which a data entity inherits: not repeated.
            "dct:accessRights": crate.add(_access_right(rights)) if rights else None}


def _date(date: PartialDate | None) -> str | None:
    # At the precision the record gives (2019, 2019-03 or 2019-03-14): ISO 8601 all, and no
    # more precise than what is known.
    return date.text if date else None


def _phase(phase: Phase, study: Study, iris: StudyIris, crate: _Crate) -> dict[str, Any]:
    codes = [code for code in study.codes if code.phase == phase.id]
    cases = [c for c in study.cases if any(code.case == c.id for code in codes)]
    terms = modes_of_collection()
    modes = [terms[mode] for mode in dict.fromkeys(code.mode for code in codes if code.mode)]
    return {
        "@id": str(iris.phase(phase.id)),
        "@type": ["CreateAction", "FieldworkPhase"],
        "name": phase.name,
        "description": phase.description,
        "startTime": _date(phase.start_date),
        "endTime": _date(phase.end_date),
        "agent": [_ref(str(iris.person(p))) for p in study.creators],
        # How the phase's interviews and focus groups were held: DDI Mode of Collection terms.
        "instrument": [crate.add({"@id": term.iri, "@type": "DefinedTerm", "name": term.label,
                                  "termCode": term.notation,
                                  "inDefinedTermSet": term.iri.rsplit("/", 1)[0] + "/"})
                       for term in modes],
        "object": [crate.add({"@id": str(iris.case(c.id)), "@type": ["Thing", "Case"], "name": c.name,
                              "identifier": c.id, "alternateName": list(c.alternate_names),
                              "description": c.description}) for c in cases],
        "result": _ref(ROOT),
    }


#: What each kind of data collection event is called in its name.
EVENT_NAMES = {"interview": "Interview", "joint-interview": "Joint interview", "focus-group": "Focus group"}


def _collection_events(study: Study, iris: StudyIris, crate: _Crate) -> list[dict[str, str]]:
    """The Language Data Commons view: each interview or focus group an ``ldac:CollectionEvent``
    whose ``ldac:interviewee``s are its people, known by their pseudonymous codes only (as
    ``ldac:PersonSnapshot``s: the person as the study knew them, not a named Person; also a
    schema.org ``Thing``, as RO-Crate asks of every entity)."""
    people_of: dict[str, list[dict[str, str]]] = {}
    for participant in study.participants:
        ref = crate.add({"@id": str(iris.participant(participant.key)), "@type": ["Thing", "ldac:PersonSnapshot"],
                         "name": f"Participant {participant.key}", "identifier": list(participant.codes)})
        for name in participant.codes:
            people_of.setdefault(name, []).append(ref)
    events = []
    for code in study.codes:
        if code.same_event_as:
            continue
        labels = [c.code for c in study.codes if c.event_code == code.code]
        people = list({ref["@id"]: ref for label in labels for ref in people_of.get(label, [])}.values())
        events.append(crate.add({
            "@id": str(iris.event(code.code)), "@type": ["Event", "ldac:CollectionEvent"],
            "name": f"{EVENT_NAMES[code.event]} {' / '.join(labels)}",
            "startDate": _date(code.date.start) if code.date else None,
            "endDate": _date(code.date.end) if code.date else None,
            "ldac:interviewee": people}))
    return events


def _grant(funding: Funding, iris: StudyIris, crate: _Crate) -> dict[str, Any]:
    funder = funding.funder.name
    # RO-Crate's entities have names: the award's title, else what the record says of it.
    name = funding.award_title or (f"{funder} award {funding.award_number}"
                                   if funding.award_number else f"Funding from {funder}")
    return {"@id": str(iris.grant(funding)), "@type": "MonetaryGrant",
            "identifier": funding.award_number, "name": name, "url": funding.award_url,
            "funder": crate.add(_funder(funding.funder, iris))}


def _funder(org: Organization, iris: StudyIris) -> dict[str, Any]:
    # Named as the main graph names it: by ROR, else by its Crossref Funder ID's DOI.
    doi = f"https://doi.org/{org.crossref_funder_id}" if org.crossref_funder_id else None
    return {"@id": str(iris.funder(org)), "@type": "Organization", "name": org.name,
            "url": org.url, "identifier": [i for i in (org.ror, doi) if i]}


def _license(study: Study, iris: StudyIris) -> dict[str, Any]:
    if study.license:
        licence = study.license
        return {"@id": licence.iri, "@type": "CreativeWork", "name": licence.spdx_id or licence.iri,
                "identifier": licence.spdx_id,
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
        "@type": "Organization" if person.is_organization else "Person",
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


@register("ro-crate", "ro-crate-metadata.json", "application/ld+json",
          "the RO-Crate 1.2 metadata file", aliases=("rocrate",),
          missing=lambda study: None if study.date_published else "the study has no date-published")
def write_rocrate(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    out.write(to_rocrate_json(study))
