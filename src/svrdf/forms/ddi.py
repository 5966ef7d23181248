"""DDI-Codebook 2.5 (or 2.6) XML: the study description that social-science data archives (the
UK Data Service, the CESSDA archives, QDR) take in and the CESSDA Data Catalogue harvests.

Built from the typed model with the standard library's ElementTree, elements in the order the
schema's sequences list them, so the bytes are the same on every run. Every element of text
says its language (``xml:lang``): the record's own (``metadata-language``), or the one a text
is given in; the CESSDA profile asks for it on each. The study is described, not its
participants: the fieldwork phases and their interviews are counted, the roster is not
written, as no other form of the study publishes it either.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Collection
from typing import BinaryIO

from rdflib import Graph

from svrdf.forms.registry import register
from svrdf.rdf.mapping import StudyIris, Triple
from svrdf.study.model import EVENT_KINDS, LocalText, Organization, Person, Study
from svrdf.study.vocabularies import access_rights, modes_of_collection

#: The namespace and schema of each DDI-Codebook version svrdf writes.
VERSIONS = {
    "2.5": ("ddi:codebook:2_5",
            "http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd"),
    "2.6": ("ddi:codebook:2_6",
            "http://www.ddialliance.org/Specification/DDI-Codebook/2.6/XMLSchema/codebook.xsd"),
}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "xml:lang"
#: The DDI Alliance's controlled vocabulary of modes of collection, as DDI names it.
MODE_VOCABULARY = "DDI Mode of Collection"
MODE_VOCABULARY_URI = "https://vocabularies.cessda.eu/vocabulary/ModeOfCollection"
EVENT_NOUNS = {"interview": "interviews", "joint-interview": "joint interviews",
               "focus-group": "focus groups"}


class _Writer:
    def __init__(self, study: Study):
        self.study = study
        #: The language of texts the record gives in its own language (English if it says none:
        #: the CESSDA profile asks every text for one, and svrdf's own words are English).
        self.language = study.metadata_language or "en"

    def add(self, parent: ET.Element, name: str, text: str | None = None, lang: bool = False,
            **attributes: str | None) -> ET.Element:
        """A child element; ``lang`` tags its text with the record's language."""
        values = {XML_LANG if k == "xml_lang" else k: v for k, v in attributes.items() if v}
        if lang and XML_LANG not in values:
            values[XML_LANG] = self.language
        element = ET.SubElement(parent, name, values)
        if text is not None:
            element.text = text
        return element

    def texts(self, parent: ET.Element, name: str, texts: tuple[LocalText, ...]) -> None:
        for language, text in texts:
            self.add(parent, name, text, xml_lang=language or self.language)


def to_ddi_xml(study: Study, version: str = "2.5") -> bytes:
    namespace, schema = VERSIONS[version]
    writer = _Writer(study)
    add = writer.add
    root = ET.Element("codeBook", {"xmlns": namespace, "xmlns:xsi": XSI,
                                   "xsi:schemaLocation": f"{namespace} {schema}",
                                   "version": version, XML_LANG: writer.language})
    iris = StudyIris(study)
    doc = add(root, "docDscr")
    doc_citation = add(doc, "citation")
    add(add(doc_citation, "titlStmt"), "titl", study.title, lang=True,
        xml_lang=study.titles[0][0] if study.titles else None)
    study_description = add(root, "stdyDscr")
    _citation(writer, add(study_description, "citation"), iris)
    _study_info(writer, add(study_description, "stdyInfo"))
    _method(writer, add(study_description, "method"))
    _access(writer, add(study_description, "dataAccs"))
    if study.related_works:
        other = add(study_description, "othrStdyMat")
        for work in study.related_works:
            publication = add(other, "relPubl")
            citation = add(publication, "citation")
            titles = add(citation, "titlStmt")
            add(titles, "titl", work.title, lang=True)
            if work.url:
                add(titles, "IDNo", work.url, lang=True, agency="URL")
            if work.authors:
                authors = add(citation, "rspStmt")
                for author in work.authors:
                    add(authors, "AuthEnty", author.full_name, lang=True)
            if work.year:
                add(add(citation, "distStmt"), "distDate", str(work.year), lang=True, date=str(work.year))
            if work.url:
                add(publication, "ExtLink", URI=work.url)
    for data_file in study.files:
        file_text = add(add(root, "fileDscr", ID=_id("file", data_file.name)), "fileTxt")
        add(file_text, "fileName", data_file.name, lang=True)
        if data_file.title:
            add(file_text, "fileCont", data_file.title, lang=True)
        if data_file.media_type:
            add(file_text, "format", data_file.media_type, lang=True)
    ET.indent(root, space="  ")
    for element in root.iter():
        if element.text and element.text.strip():  # mixed content (a name, then its ExtLink)
            for child in element:
                child.tail = None
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _id(kind: str, name: str) -> str:
    """An xs:ID for a name: letters, digits and . - _ only, starting with a letter."""
    return kind + "-" + "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "_" for c in name)


def _citation(writer: _Writer, citation: ET.Element, iris: StudyIris) -> None:
    study, add = writer.study, writer.add
    titles = add(citation, "titlStmt")
    main, *others = study.titles or ((None, study.title),)
    add(titles, "titl", main[1], xml_lang=main[0] or writer.language)
    for language, text in others:
        add(titles, "parTitl", text, xml_lang=language or writer.language)
    for identifier in study.identifiers:
        add(titles, "IDNo", identifier.value, lang=True, agency=identifier.scheme)
    if not study.identifiers:
        # CESSDA's catalogue needs an identifier: the dataset's IRI is one, if no persistent one.
        add(titles, "IDNo", str(iris.dataset), lang=True, agency="URI")
    if study.creators:
        responsibility = add(citation, "rspStmt")
        for person in study.creators:
            _author(writer, responsibility, person)
    if study.source_organization or study.funding:
        production = add(citation, "prodStmt")
        if study.source_organization:
            add(production, "producer", study.source_organization.name, lang=True)
        for funding in study.funding:
            add(production, "fundAg", funding.funder.name, lang=True)
        for funding in study.funding:
            if funding.award_number:
                add(production, "grantNo", funding.award_number, lang=True, agency=funding.funder.name)
    distributor: Organization | None = study.publisher or study.catalog
    if distributor or study.date_published:
        distribution = add(citation, "distStmt")
        if distributor:
            add(distribution, "distrbtr", distributor.name, lang=True, URI=distributor.url)
        if study.date_published:
            day = study.date_published.isoformat()
            add(distribution, "distDate", day, lang=True, date=day)
    if study.version:
        add(add(citation, "verStmt"), "version", study.version, lang=True)
    if study.landing_page:
        add(citation, "holdings", "The dataset's landing page", lang=True, URI=study.landing_page)
    elif study.doi:
        add(citation, "holdings", "The dataset, by its DOI", lang=True, URI=str(iris.dataset))


def _author(writer: _Writer, parent: ET.Element, person: Person) -> None:
    author = writer.add(parent, "AuthEnty", person.full_name, lang=True,
                        affiliation=person.affiliation.name if person.affiliation else None)
    if person.orcid:
        writer.add(author, "ExtLink", URI=person.orcid, role="ORCID", title="ORCID iD")


def _study_info(writer: _Writer, info: ET.Element) -> None:
    study, add = writer.study, writer.add
    if study.keywords or study.subjects:
        subject = add(info, "subject")
        for keyword in study.keywords:
            add(subject, "keyword", keyword, lang=True)
        for topic in study.subjects:
            add(subject, "topcClas", topic, lang=True)
    writer.texts(info, "abstract", study.descriptions or ((None, study.description),))
    summary = add(info, "sumDscr")
    period = study.temporal_period
    if period:
        for event, date in (("start", period.start), ("end", period.end)):
            if date:
                add(summary, "timePrd", str(date), lang=True, event=event, date=str(date))
    for phase in study.phases:
        for event, date in (("start", phase.start_date), ("end", phase.end_date)):
            if date:
                add(summary, "collDate", str(date), lang=True, event=event, date=str(date), cycle=phase.name)
    for place in study.spatial_coverage:
        add(summary, "geogCover", place.name, lang=True)
    if study.unit_of_analysis:
        add(summary, "anlyUnit", study.unit_of_analysis, lang=True)
    writer.texts(summary, "universe", study.universe)
    if study.kind_of_data:
        add(summary, "dataKind", study.kind_of_data, lang=True)


def _method(writer: _Writer, method: ET.Element) -> None:
    study, add = writer.study, writer.add
    collection = add(method, "dataColl")
    if study.time_method:
        add(collection, "timeMeth", study.time_method, lang=True)
    for person in study.contributors:
        if person.role == "DataCollector":
            add(collection, "dataCollector", person.full_name, lang=True)
    if study.sampling_procedure:
        add(collection, "sampProc", study.sampling_procedure, lang=True)
    terms = modes_of_collection()
    for notation in dict.fromkeys(code.mode for code in study.codes if code.mode):
        term = terms[notation]
        mode = add(collection, "collMode", lang=True)
        add(mode, "concept", term.notation, lang=True, vocab=MODE_VOCABULARY, vocabURI=MODE_VOCABULARY_URI)
    situations = _fieldwork(study)
    for text in situations:
        add(collection, "collSitu", text, lang=True)
    if study.methodology or study.techniques:
        notes = "; ".join(filter(None, (study.methodology, *study.techniques)))
        add(method, "notes", notes, lang=True)


def _fieldwork(study: Study) -> list[str]:
    """A sentence for each fieldwork phase: its name, dates and how many of each kind of data
    collection event it held."""
    sentences = []
    for phase in study.phases:
        events = Counter(code.event for code in study.codes
                         if code.phase == phase.id and not code.same_event_as)
        held = ", ".join(f"{events[kind]} {EVENT_NOUNS[kind]}" for kind in EVENT_KINDS if events[kind])
        dates = " to ".join(str(d) for d in (phase.start_date, phase.end_date) if d)
        sentence = phase.name + (f" ({dates})" if dates else "") + (f": {held}" if held else "")
        if phase.description:
            sentence += f". {phase.description}"
        sentences.append(sentence)
    return sentences


def _access(writer: _Writer, access_element: ET.Element) -> None:
    study, add = writer.study, writer.add
    access = study.access
    if access:
        availability = add(access_element, "setAvail")
        term = access_rights()[access.rights]
        status = term.label + (f" until {access.embargo_end.isoformat()}" if access.embargo_end else "")
        add(availability, "avlStatus", status, lang=True)
    if access or study.license:
        use = add(access_element, "useStmt")
        if access:
            writer.texts(use, "restrctn", access.conditions or ((None, access_rights()[access.rights].label),))
        if study.license:
            add(use, "conditions", f"Licence: {study.license.spdx_id or study.license.iri} "
                                   f"({study.license.iri})", lang=True)


@register("ddi", "ddi.xml", "application/xml", "DDI-Codebook 2.5 XML, for social-science archives",
          aliases=("ddi-codebook", "ddi-2.5"))
def write_ddi(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    out.write(to_ddi_xml(study))


@register("ddi-2.6", "ddi.xml", "application/xml", "DDI-Codebook 2.6 XML (--format ddi --ddi-version 2.6)",
          bundled=False)
def write_ddi_2_6(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    out.write(to_ddi_xml(study, "2.6"))
