"""svrdf's own graph read back into a study: the study.ttl, study.nt or study.jsonld that
``svrdf export`` wrote, so that a published record can be edited as a folder again.

The graph holds every field of the folder that reaches RDF, and the folder rebuilt from it
exports the same graph. What RDF does not keep is reported, never guessed silently: the order
of creators, keywords and lists (a graph's statements have none), which of a person's rows said
what (a person's values are spread over their rows again, a listed person's people.csv row
taking what the rows cannot hold), and the texts that only the other forms carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from svrdf.imports.draft import Draft
from svrdf.imports.repositories import SourceError
from svrdf.imports.roster import Roster, Row
from svrdf.rdf.mapping import EVENT_CLASSES, GENDER_SCHEME, SECTOR_SCHEME
from svrdf.rdf.vocab import DCAT, DCTERMS, DPV, PROV, RDF, RDFS, SCHEMA, SKOS, SPDX, SVRDF
from svrdf.study.model import ORGANIZATIONAL_ROLES
from svrdf.study.vocabularies import access_rights, consented_processing, personal_data_categories

#: What each kind of event is called in participants.csv, by its class.
_EVENT_KINDS = {str(iri): kind for kind, iri in EVENT_CLASSES.items()}
#: The suffixes of the RDF syntaxes read (pyoxigraph tells which is which); a .txt is not one.
_RDF_SUFFIXES = frozenset({"ttl", "nt", "nq", "trig", "jsonld", "json", "rdf"})
_ROR, _FUNDER_DOI, _ORCID = "https://ror.org/", "https://doi.org/10.13039/", "https://orcid.org/"


class _Index:
    """The graph's statements by subject and predicate, terms as pyoxigraph gives them."""

    def __init__(self, quads: Iterable[ox.Quad]):
        self.out: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = {}
        for quad in quads:
            subject = quad.subject
            if isinstance(subject, (ox.NamedNode, ox.BlankNode)):
                values = self.out.setdefault(subject.value, {}).setdefault(quad.predicate.value, [])
                if quad.object not in values:
                    values.append(quad.object)  # type: ignore[arg-type]

    def objects(self, node: str, predicate: Any) -> list[ox.NamedNode | ox.Literal | ox.BlankNode]:
        return self.out.get(node, {}).get(str(predicate), [])

    def iris(self, node: str, predicate: Any) -> list[str]:
        return sorted(o.value for o in self.objects(node, predicate) if isinstance(o, ox.NamedNode))

    def literals(self, node: str, predicate: Any) -> list[ox.Literal]:
        return sorted((o for o in self.objects(node, predicate) if isinstance(o, ox.Literal)),
                      key=lambda literal: (literal.language or "", literal.value))

    def texts(self, node: str, predicate: Any) -> list[str]:
        return sorted({literal.value for literal in self.literals(node, predicate)})

    def text(self, node: str, predicate: Any) -> str | None:
        texts = self.texts(node, predicate)
        return texts[0] if texts else None

    def iri(self, node: str, predicate: Any) -> str | None:
        iris = self.iris(node, predicate)
        return iris[0] if iris else None

    def typed(self, *classes: Any) -> list[str]:
        wanted = {str(c) for c in classes}
        rdf_type = str(RDF.type)
        return sorted(node for node, statements in self.out.items()
                      if wanted <= {o.value for o in statements.get(rdf_type, ())})

    def has_type(self, node: str, cls: Any) -> bool:
        return str(cls) in self.iris(node, RDF.type)


def read_svrdf_graph(content: str, source: str) -> Draft:
    """The study in svrdf's graph ``content`` (Turtle, N-Triples, N-Quads, TriG, JSON-LD or
    RDF/XML, told by ``source``'s suffix). Raises :class:`SourceError` when it is not RDF or
    holds no svrdf study, or more than one."""
    suffix = PurePath(source).suffix.lstrip(".").lower()
    rdf_format = ox.RdfFormat.from_extension(suffix) if suffix in _RDF_SUFFIXES else None
    if rdf_format is None:
        raise SourceError(f"cannot tell the RDF syntax from the suffix '.{suffix}'; expected "
                          ".ttl, .nt, .nq, .trig, .jsonld or .rdf")
    try:
        graph = _Index(ox.parse(content, format=rdf_format))
    except SyntaxError as exc:
        raise SourceError(f"not {rdf_format.name} ({exc})") from None
    datasets = graph.typed(SCHEMA.Dataset, DCAT.Dataset)
    if len(datasets) != 1:
        raise SourceError(
            "holds no svrdf study (no schema:Dataset that is also a dcat:Dataset)" if not datasets
            else f"holds {len(datasets)} studies; import one study's graph (export it with "
                 "--study of that study alone)")
    return _GraphReader(graph, datasets[0], source).draft()


class _GraphReader:
    def __init__(self, graph: _Index, dataset: str, source: str):
        self.g, self.ds = graph, dataset
        self.result = Draft(source)
        self.codes = {node: graph.text(node, SVRDF.notation) or "" for node in graph.typed(SVRDF.QuotationCode)}
        self.phase_ids = {node: graph.text(node, SCHEMA.identifier) or "" for node in graph.typed(SVRDF.FieldworkPhase)}
        self.case_ids = {node: graph.text(node, SCHEMA.identifier) or "" for node in graph.typed(SVRDF.Case)}
        self.base = self._base_iri()

    def _base_iri(self) -> str | None:
        """The study's base IRI, from the IRIs svrdf minted under it for codes and phases."""
        for nodes, segment in ((self.codes, "code/"), (self.phase_ids, "phase/"), (self.case_ids, "case/")):
            for node, name in nodes.items():
                tail = segment + quote(name, safe="")
                if name and node.endswith(tail):
                    return node[:-len(tail)]
        return self.ds.removesuffix("dataset") if self.ds.endswith("/dataset") else None

    def draft(self) -> Draft:
        study, g, ds = self.result.study, self.g, self.ds
        if self.base:
            study["base-iri"] = self.base
        language = self._metadata_language()
        for key, predicate in (("title", SCHEMA.name), ("description", SCHEMA.description)):
            if value := self._local_text(ds, predicate, language):
                study[key] = value
        if creators := [self._person(node) for node in g.iris(ds, SCHEMA.creator)]:
            study["creators"] = creators
            if len(creators) > 1:
                self.result.note("the graph does not keep the order of the creators: they are "
                                 "listed by their IRIs; put them in the citation's order")
        for key, predicate in (("publisher", SCHEMA.publisher),
                               ("source-organization", SCHEMA.sourceOrganization)):
            if node := g.iri(ds, predicate):
                study[key] = self._organization(node)
        if catalog := g.iri(ds, SCHEMA.includedInDataCatalog):
            study["catalog"] = {"name": g.text(catalog, SCHEMA.name) or ""} | (
                {} if self.base and catalog == self.base + "catalog" else {"url": catalog})
        self._put("date-published", g.text(ds, SCHEMA.datePublished))
        self._put("identifiers", [self._identifier(node) for node in g.iris(ds, SCHEMA.identifier)
                                  if g.has_type(node, SCHEMA.PropertyValue)])
        self._put("landing-page", g.iri(ds, SCHEMA.url))
        self._put("version", g.text(ds, SCHEMA.version))
        if licence := g.iri(ds, SCHEMA.license):
            study["license"] = g.text(licence, SCHEMA.identifier) or licence
        self._put("keywords", g.texts(ds, SCHEMA.keywords))
        self._put("subjects", g.texts(ds, DCTERMS.subject))
        self._put("related-works", [self._related_work(node) for node in g.iris(ds, DCTERMS.isReferencedBy)])
        self._put("legislation", [self._named(node, "name") for node in g.iris(ds, SCHEMA.about)
                                  if g.has_type(node, SCHEMA.Legislation)])
        self._put("temporal-coverage", g.text(ds, SCHEMA.temporalCoverage))
        self._put("spatial-coverage", [
            {"name": g.text(node, SCHEMA.name) or ""}
            | ({"same-as": same} if (same := g.iris(node, SCHEMA.sameAs)) else {})
            for node in g.iris(ds, SCHEMA.spatialCoverage)])
        self._put("methodology", g.text(ds, SCHEMA.measurementMethod))
        self._put("techniques", g.texts(ds, SCHEMA.measurementTechnique))
        self._put("mentioned-people", [self._person(node) for node in g.iris(ds, SCHEMA.mentions)])
        phases = sorted(self.phase_ids, key=self._phase_order)
        self._put("phases", [self._phase(node) for node in phases])
        cases = sorted(self.case_ids, key=lambda node: _natural(self.case_ids[node]))
        self._put("cases", [self._case(node) for node in cases])
        self._put("sectors", self._concepts(SECTOR_SCHEME))
        self._put("gender", self._concepts(GENDER_SCHEME))
        self._put("metadata-language", language)
        self._put("languages", g.texts(ds, SCHEMA.inLanguage))
        self._put("contributors", self._contributors())
        access = self._access(language)
        self._put("access", access)
        self._put("files", [self._data_file(node, access) for node in g.iris(ds, SCHEMA.distribution)
                            if g.has_type(node, SCHEMA.DataDownload)])
        self._put("funding", [self._funding(node) for node in g.iris(ds, SCHEMA.funding)])
        for key, predicate in (("kind-of-data", SVRDF.kindOfData), ("unit-of-analysis", SVRDF.unitOfAnalysis),
                               ("sampling-procedure", SVRDF.samplingProcedure),
                               ("time-method", SVRDF.timeMethod)):
            self._put(key, g.text(ds, predicate))
        self._put("universe", self._local_text(ds, SVRDF.universe, language))
        consent, narrower = self._consent()
        self._put("consent", consent)
        if any(g.iri(node, SCHEMA.gender) == str(SVRDF.Withheld) for node in g.typed(SVRDF.Participant)):
            study["disclosure"] = {"withhold": ["gender"]}
        rows, people = _Participants(self, [self.phase_ids[p] for p in phases]).tables(narrower)
        self.result.roster = Roster(rows=rows)
        self.result.people = people
        return self.result

    def _put(self, key: str, value: Any) -> None:
        if value not in (None, "", [], {}):
            self.result.study[key] = value

    # Texts in languages ---------------------------------------------------------------------

    def _metadata_language(self) -> str | None:
        """The record's language: the one its code lists' labels are in, else the one language
        all its texts are in. None where its texts are untagged or in several languages."""
        g = self.g
        labels = [literal for node in g.typed(SKOS.Concept)
                  if self._scheme_name(node) in (SECTOR_SCHEME, GENDER_SCHEME)
                  for literal in g.literals(node, SKOS.prefLabel)]
        texts = [literal for predicate in (SCHEMA.name, SCHEMA.description, SCHEMA.conditionsOfAccess,
                                           SVRDF.universe)
                 for literal in g.literals(self.ds, predicate)]
        tags = {literal.language for literal in labels or texts}
        return tags.pop() if len(tags) == 1 else None

    def _local_text(self, node: str, predicate: Any, language: str | None) -> str | dict[str, str] | None:
        literals = self.g.literals(node, predicate)
        if len(literals) == 1 and literals[0].language == language:
            return literals[0].value
        by_language = {literal.language or "": literal.value for literal in literals}
        if "" in by_language:
            self.result.note(f"not imported: texts of {predicate} without a language beside texts "
                             "with one (the study format tags all or none)")
            del by_language[""]
        # The record's own language first, as study.yaml writes it.
        return dict(sorted(by_language.items(), key=lambda item: (item[0] != language, item[0]))) or None

    # People and organisations ---------------------------------------------------------------

    def _person(self, node: str) -> dict[str, Any]:
        g = self.g
        given, family = g.text(node, SCHEMA.givenName), g.text(node, SCHEMA.familyName)
        name = g.text(node, SCHEMA.name)
        entry: dict[str, Any] = {}
        if given:
            entry["given-names"] = given
        if family:
            entry["family-names"] = family
        if name and name != " ".join(part for part in (given, family) if part):
            entry["name"] = name
        orcid = next((i for i in g.texts(node, SCHEMA.identifier) if i.startswith(_ORCID)), None)
        if orcid:
            entry["orcid"] = orcid
        if affiliation := g.iri(node, SCHEMA.affiliation):
            organization = self._organization(affiliation)
            entry["affiliation"] = organization["name"] if list(organization) == ["name"] else organization
        if description := g.text(node, SCHEMA.description):
            entry["description"] = description
        return entry

    def _organization(self, node: str) -> dict[str, str]:
        g = self.g
        entry = {"name": g.text(node, SCHEMA.name) or ""}
        if url := g.iri(node, SCHEMA.url):
            entry["url"] = url
        for identifier in g.texts(node, SCHEMA.identifier):
            if identifier.startswith(_ROR):
                entry["ror"] = identifier
            elif identifier.startswith(_FUNDER_DOI):
                entry["crossref-funder-id"] = identifier.removeprefix("https://doi.org/")
        return entry

    def _contributors(self) -> list[dict[str, Any]]:
        g, ds = self.g, self.ds
        roles: dict[str, list[str]] = {}
        for attribution in g.iris(ds, PROV.qualifiedAttribution):
            agent, role = g.iri(attribution, PROV.agent), g.iri(attribution, DCAT.hadRole)
            if agent and role:
                roles.setdefault(agent, []).append(g.text(role, SKOS.notation) or "")
        entries = []
        for agent in g.iris(ds, SCHEMA.contributor):
            contributor_roles: list[str | None] = [*sorted(roles.get(agent, []))]
            for role in contributor_roles or [None]:
                organization = (g.has_type(agent, SCHEMA.Organization) and role in ORGANIZATIONAL_ROLES)
                entry = {"name": g.text(agent, SCHEMA.name) or ""} if organization else self._person(agent)
                entries.append(entry | ({"role": role} if role else {}))
        return entries

    # The dataset's other parts --------------------------------------------------------------

    def _identifier(self, node: str) -> dict[str, Any]:
        g = self.g
        entry: dict[str, Any] = {"scheme": g.text(node, SCHEMA.propertyID) or "",
                                 "value": g.text(node, SCHEMA.value) or ""}
        if g.literals(node, SVRDF.isDerived):
            entry["derived"] = True
        if note := g.text(node, SCHEMA.description):
            entry["note"] = note
        return entry

    def _named(self, node: str, key: str) -> dict[str, str]:
        entry = {key: self.g.text(node, SCHEMA.name) or ""}
        if url := self.g.iri(node, SCHEMA.url):
            entry["url"] = url
        return entry

    def _related_work(self, node: str) -> dict[str, Any]:
        g = self.g
        schema_types = [t.removeprefix(str(SCHEMA._NS)) for t in g.iris(node, RDF.type)
                        if t.startswith(str(SCHEMA._NS))]
        entry: dict[str, Any] = {"type": schema_types[0] if schema_types else "CreativeWork"}
        entry |= {"title" if k == "name" else k: v for k, v in self._named(node, "name").items()}
        if authors := [self._person(a) for a in g.iris(node, SCHEMA.author)]:
            entry["authors"] = authors
        if year := g.text(node, SCHEMA.datePublished):
            entry["year"] = int(year)
        if degree := g.text(node, SCHEMA.inSupportOf):
            entry["degree"] = degree
        if institution := g.iri(node, SCHEMA.sourceOrganization):
            entry["institution"] = self._organization(institution)
        return entry

    def _access(self, language: str | None) -> dict[str, Any] | None:
        g, ds = self.g, self.ds
        right = g.iri(ds, DCTERMS.accessRights)
        if right is None:
            return None
        keys = {term.iri: key for key, term in access_rights().items()}
        if right not in keys:
            self.result.note(f"not imported: access rights {right} (not a COAR access right svrdf knows)")
            return None
        entry: dict[str, Any] = {"rights": keys[right]}
        if conditions := self._local_text(ds, SCHEMA.conditionsOfAccess, language):
            entry["conditions"] = conditions
        if end := g.text(ds, DCTERMS.available):
            entry["embargo-end"] = end
        return entry

    def _consent(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """study.yaml's consent and the narrower access of each participant under a record of
        its own (by their IRI). The attributes consented to are the study's, on every record;
        its access is on the study's record, which is left out when every participant narrows it."""
        g = self.g
        processing = {term.iri: key for key, term in consented_processing().items()}
        categories = {term.iri: attribute for attribute, term in personal_data_categories().items()}
        study_access: str | None = None
        attributes: list[str] | None = None
        narrower: dict[str, str] = {}
        for record in g.typed(DPV.ConsentRecord):
            access = None
            for process in g.iris(record, DPV.hasProcess):
                if g.iris(process, DPV.hasData):
                    access = next((processing[p] for p in g.iris(process, DPV.hasProcessing) if p in processing), None)
                else:
                    given = set(g.iris(process, DPV.hasPersonalData))
                    attributes = [a for iri, a in categories.items() if iri in given]
            if record == f"{self.base}consent":
                study_access = access
            elif access:
                narrower.update(dict.fromkeys(g.iris(record, DPV.hasDataSubject), access))
        consent = {key: value for key, value in (("access", study_access), ("attributes", attributes))
                   if value is not None}
        return consent or None, narrower

    def _data_file(self, node: str, access: dict[str, Any] | None) -> dict[str, Any]:
        g = self.g
        checksum = None
        if (digest_node := g.iri(node, SPDX.checksum)) and (digest := g.text(digest_node, SPDX.checksumValue)):
            algorithm = g.iri(digest_node, SPDX.algorithm) or ""
            checksum = f"{algorithm.rsplit('_', 1)[-1]}:{digest}"
        keys = {term.iri: key for key, term in access_rights().items()}
        rights = keys.get(g.iri(node, DCTERMS.accessRights) or "")
        size = g.text(node, DCAT.byteSize)
        return _with({"name": g.text(node, SCHEMA.name) or ""}, ("title", g.text(node, DCTERMS.title)),
                     ("media-type", g.text(node, SCHEMA.encodingFormat)),
                     ("size", int(size) if size is not None else None), ("checksum", checksum),
                     ("access", rights if rights != (access or {}).get("rights") else None),
                     ("url", g.iri(node, SCHEMA.contentUrl)))

    def _funding(self, node: str) -> dict[str, Any]:
        g = self.g
        funder = g.iri(node, SCHEMA.funder)
        return _with({}, ("funder", self._organization(funder) if funder else None),
                     ("award-number", g.text(node, SCHEMA.identifier)),
                     ("award-title", g.text(node, SCHEMA.name)), ("award-url", g.iri(node, SCHEMA.url)))

    def _phase_order(self, node: str) -> tuple[str, list]:
        # The graph keeps no order of phases: the earliest first, undated ones last.
        start = self.g.text(node, SCHEMA.startDate) or "~"
        return start, _natural(self.phase_ids[node])

    def _phase(self, node: str) -> dict[str, Any]:
        g = self.g
        return _with({"id": self.phase_ids[node], "name": g.text(node, SCHEMA.name) or ""},
                     ("description", g.text(node, SCHEMA.description)),
                     ("code-prefixes", g.texts(node, SVRDF.codePrefix)),
                     ("start-date", g.text(node, SCHEMA.startDate)), ("end-date", g.text(node, SCHEMA.endDate)))

    def _case(self, node: str) -> dict[str, Any]:
        g = self.g
        return _with({"id": self.case_ids[node], "name": g.text(node, SCHEMA.name) or ""},
                     ("alternate-names", g.texts(node, SCHEMA.alternateName)),
                     ("description", g.text(node, SCHEMA.description)),
                     ("code-prefixes", g.texts(node, SVRDF.codePrefix)))

    def _scheme_name(self, concept: str) -> str | None:
        scheme = self.g.iri(concept, SKOS.inScheme)
        if self.base and scheme and scheme.startswith(self.base + "scheme/"):
            return unquote(scheme[len(self.base) + len("scheme/"):])
        return None

    def concepts_of(self, scheme_name: str) -> list[str]:
        return sorted((node for node in self.g.typed(SKOS.Concept) if self._scheme_name(node) == scheme_name),
                      key=lambda node: _natural(self.g.text(node, SKOS.notation) or ""))

    def _concepts(self, scheme_name: str) -> list[dict[str, Any]]:
        g, entries = self.g, []
        for node in self.concepts_of(scheme_name):
            entry: dict[str, Any] = {"code": g.text(node, SKOS.notation) or "",
                                     "label": g.text(node, SKOS.prefLabel) or ""}
            if definition := g.text(node, SKOS.definition):
                entry["definition"] = definition
            matches = g.iris(node, SKOS.exactMatch)
            for term in ("Male", "Female"):
                if str(SCHEMA[term]) in matches:
                    entry["schema"] = term
            if str(SVRDF.PreferNotToSay) in matches:
                entry["prefer-not-to-say"] = True
            entries.append(entry)
        return entries


def _with(entry: dict[str, Any], *pairs: tuple[str, Any]) -> dict[str, Any]:
    """``entry`` and the (key, value) pairs that have a value, in their order."""
    return entry | {key: value for key, value in pairs if value not in (None, "", [], {})}


def _natural(text: str) -> list:
    """A sort key that puts IP2 before IP10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part]


class _Participants:
    """participants.csv and people.csv again, from the codes, events and people of the graph.

    A code's row takes what the code's node says (phase, case, people, event, mode, date, note,
    other codes); what its people's nodes say (sector, role, gender) goes back to their rows: a
    group's to its row, which all its people share, a person's spread over their own rows, and
    what those cannot hold to the person's people.csv row. A person is listed in people.csv when
    they were in a group, when their codes are tied only by such a row, when their identifier is
    not the code svrdf would name them by, or when their rows cannot hold all they say."""

    def __init__(self, reader: _GraphReader, phase_order: list[str]):
        self.reader, self.g = reader, reader.g
        self.phase_rank = {phase: rank for rank, phase in enumerate(phase_order)}
        g = self.g
        self.genders: dict[str, str] = {}
        for node in reader.concepts_of(GENDER_SCHEME):
            code = g.text(node, SKOS.notation) or ""
            self.genders[node] = code
            for term in g.iris(node, SKOS.exactMatch):
                if term.startswith(str(SCHEMA._NS)):
                    self.genders.setdefault(term, code)
        self.sectors = {node: g.text(node, SKOS.notation) or "" for node in reader.concepts_of(SECTOR_SCHEME)}
        #: Each event's IRI, to the code it is named after (svrdf mints it from the code).
        self.event_codes = {f"{reader.base or ''}event/{quote(code, safe='')}": code for code in reader.codes.values()}
        self.rows = {reader.codes[node]: self._row(node) for node in reader.codes}

    def _row(self, node: str) -> Row:
        g, reader = self.g, self.reader
        people = g.text(node, SVRDF.numberOfPeople)
        row = Row(code=reader.codes[node], line=0, people=int(people) if people else 1)
        if phase := g.iri(node, SVRDF.listedInPhase):
            row.phase = reader.phase_ids.get(phase, "")
        if case := g.iri(node, SVRDF.inCase):
            row.case = reader.case_ids.get(case, "")
        row.other_codes = sorted((reader.codes.get(o, "") for o in g.iris(node, SVRDF.sameParticipantAs)),
                                 key=_natural)
        row.note = g.text(node, RDFS.comment) or ""
        event = g.iri(node, SVRDF.collectedIn)
        labelled = self.event_codes.get(event or "", "")  # the code the event is named after
        if event and labelled != row.code:
            row.same_event_as = labelled
        elif event:
            kind = next((_EVENT_KINDS[t] for t in g.iris(event, RDF.type) if t in _EVENT_KINDS), "")
            row.event = "" if kind == ("interview" if row.people == 1 else "joint-interview") else kind
            if mode := g.iri(event, SVRDF.modeOfCollection):
                row.mode = g.text(mode, SKOS.notation) or ""
            start, end = g.text(event, SCHEMA.startDate), g.text(event, SCHEMA.endDate)
            if start:
                row.date = start if start == end else f"{start}/{end or start}"
        return row

    def _values(self, node: str) -> dict[str, list[str]]:
        g = self.g
        genders = [self.genders[i] for i in g.iris(node, SCHEMA.gender) if i in self.genders]
        return {"sector": [self.sectors[i] for i in g.iris(node, SVRDF.sector) if i in self.sectors],
                "role": g.texts(node, SCHEMA.jobTitle),
                "gender": sorted(set(genders), key=_natural)}

    def tables(self, narrower: dict[str, str]) -> tuple[list[Row], list[dict[str, str]]]:
        """The rows of participants.csv and people.csv; ``narrower`` is the access each
        participant consented to where it is narrower than the study's, by their IRI."""
        g, base, rows = self.g, self.reader.base or "", self.rows
        prefix = base + "participant/"
        anonymous: dict[str, list[tuple[int, dict[str, list[str]]]]] = {}
        persons: list[tuple[str, list[str], dict[str, list[str]]]] = []
        consented: list[tuple[str, list[str], str]] = []  # each person's codes and access
        for node in g.typed(SVRDF.Participant):
            key = "/".join(unquote(part) for part in node.removeprefix(prefix).split("/"))
            codes = [self.reader.codes.get(c, "") for c in g.iris(node, SVRDF.hasQuotationCode)]
            consented.append((key, codes, narrower.get(node, "")))
            group, _, index = key.rpartition("/")
            if codes == [group] and group in rows and rows[group].people > 1 and index.isdigit():
                anonymous.setdefault(group, []).append((int(index), self._values(node)))
            else:
                persons.append((key, codes, self._values(node)))
        # A group's row says what all its people share: what its anonymous members have, or,
        # with none, a value each of its listed members has and no other group gives them all.
        members: dict[str, list[tuple[str, list[str], dict[str, list[str]]]]] = {}
        for key, codes, values in persons:
            for code in codes:
                if rows[code].people > 1:
                    members.setdefault(code, []).append((key, codes, values))
        groups = sorted((code for code, row in rows.items() if row.people > 1),
                        key=lambda code: (code not in anonymous, _natural(code)))
        done: set[str] = set()
        for code in groups:
            for attribute in ("sector", "role"):
                if code in anonymous:
                    shared = [values for _, values in anonymous[code]]
                    taken: set[str] = set()
                else:
                    shared = [values for _, _, values in members.get(code, [])]
                    taken = set.intersection(*({getattr(rows[other], attribute) for other in codes
                                                if other in done} for _, codes, _ in members[code])
                                             ) if code in members else set()
                common = set.intersection(*(set(v[attribute]) for v in shared)) - taken if shared else set()
                setattr(rows[code], attribute, min(common) if common else "")
            done.add(code)
        listed, first_genders = [], {}
        for key, codes, values in sorted(persons):
            first_genders[key], person_row = self._place(key, codes, values)
            if person_row:
                listed.append(person_row)
        if spread := [key for key, codes, _ in sorted(persons) if sum(rows[c].people == 1 for c in codes) > 1]:
            self.reader.result.note(
                "the graph says a person's sector, role and gender, not which of their rows said "
                f"it: those of {', '.join(spread)} are spread over their rows again")
        for code, row in rows.items():
            if row.people > 1:
                slots = [first_genders[key] for key, _, _ in sorted(members.get(code, []))]
                slots += [(v["gender"] or [""])[0] for _, v in sorted(anonymous.get(code, []))]
                row.gender = slots if any(slots) else []
        self._put_consent(consented)
        order = sorted(rows.values(), key=self._rank)
        return order, listed

    def _put_consent(self, consented: list[tuple[str, list[str], str]]) -> None:
        """A narrower access on each row whose people all consented to it (a person's access is
        the narrowest their rows give), and a note of each person whose rows cannot say theirs:
        one whose only codes are groups whose people differ."""
        accesses: dict[str, set[str]] = {}
        for _, codes, access in consented:
            for code in codes:
                accesses.setdefault(code, set()).add(access)
        for code, given in accesses.items():
            if len(given) == 1:
                self.rows[code].consent = next(iter(given))
        if lost := sorted(key for key, codes, access in consented
                          if access and all(self.rows[code].consent != access for code in codes)):
            self.reader.result.note(
                f"not imported: the narrower consent of {', '.join(lost)}, whose only codes are groups "
                "whose people consented to different access; give it in a row of their own")

    def _rank(self, row: Row) -> tuple[int, list]:
        """The order svrdf names a person's codes in: by phase, then code."""
        return self.phase_rank.get(row.phase, len(self.phase_rank)), _natural(row.code)

    def _place(self, key: str, codes: list[str],
               values: dict[str, list[str]]) -> tuple[str, dict[str, str] | None]:
        """Put a person's values on their own rows, less what their groups' rows say of all
        their people: the person's first gender, and their people.csv row if they need one."""
        rows = self.rows
        own = sorted((rows[c] for c in codes if rows[c].people == 1), key=self._rank)
        groups = [rows[c] for c in codes if rows[c].people > 1]
        person_row = {"sector": "", "role": "", "gender": ""}
        for attribute in ("sector", "role", "gender"):
            given = {getattr(g, attribute) for g in groups} if attribute != "gender" else set()
            left = [v for v in values[attribute] if v not in given]
            for index, row in enumerate(own):
                # One value on every row; several, one a row.
                value = left[index] if index < len(left) else (left[0] if len(left) == 1 else "")
                if attribute == "gender":
                    row.gender = [value] if value else []
                else:
                    setattr(row, attribute, value)
            surplus = left[len(own):]
            if surplus:
                person_row[attribute] = surplus[0]
            if len(surplus) > 1:
                self.reader.result.note(f"not imported: {key}'s {attribute} {', '.join(surplus[1:])} "
                                        "(more values than their rows and people.csv row hold)")
        genders = [row.gender[0] for row in own if row.gender] + [person_row["gender"]]
        primary = own[0].code if own else None
        needs_row = bool(groups) or not self._tied(own) or key != primary or any(person_row.values())
        return next((g for g in genders if g), ""), (
            {"person": key, "codes": ";".join(codes)} | person_row if needs_row else None)

    def _tied(self, own: list[Row]) -> bool:
        """Whether other_codes ties all of the person's own codes together."""
        if not own:
            return False
        reached, queue = {own[0].code}, [own[0]]
        while queue:
            for other in queue.pop().other_codes:
                if other not in reached and other in self.rows:
                    reached.add(other)
                    queue.append(self.rows[other])
        return {row.code for row in own} <= reached
