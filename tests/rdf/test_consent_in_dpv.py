"""What the participants consented to is in the graph in DPV terms: each participant under one
consent record whose processes say what their access allows of the data and which attributes
may be published of them. The expected answers are worked out from the study's files alone;
every DPV term svrdf writes is checked against DPV 2.3's own term list."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, consenting_study, participant_iri, query, roster
from rdflib import Graph, URIRef

from svrdf import resources
from svrdf.rdf.mapping import build_graph
from svrdf.study.builder import ReadOptions, load_study

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
DPV_PREFIXES = f"PREFIX dpv: <{DPV}>\n"
#: DPV 2.3's terms (tests/fixtures/dpv/terms-2.3.txt says where the list comes from).
DPV_TERMS = frozenset(line for line in (FIXTURES / "dpv" / "terms-2.3.txt").read_text("utf-8").splitlines()
                      if line and not line.startswith("#"))
#: What each consented access allows of the data, as DPV names the processing.
PROCESSING = {"open": DPV + "MakeAvailable", "restricted": DPV + "Share", "metadata-only": DPV + "Store"}
OPENNESS = ["metadata-only", "restricted", "open"]


def expected_access(folder: Path) -> dict[str, str]:
    """Each person's consented access from the files: the narrowest of study.yaml's and their
    codes' cells; a person of whose consent the files say nothing is left out."""
    study = yaml.safe_load((folder / "study.yaml").read_text("utf-8"))
    with open(folder / "participants.csv", encoding="utf-8", newline="") as handle:
        cells = {row["code"]: row.get("consent") or "" for row in csv.DictReader(handle)}
    answer = {}
    for person in roster(folder):
        stated = [a for a in [(study.get("consent") or {}).get("access"), *(cells[c] for c in person.codes)] if a]
        if stated:
            answer[participant_iri(study["base-iri"], person.key)] = min(stated, key=OPENNESS.index)
    return answer


def graph_access(graph: Graph) -> dict[str, str]:
    processing = {iri: access for access, iri in PROCESSING.items()}
    rows = query(graph, DPV_PREFIXES + """
        SELECT ?person ?processing WHERE {
            ?record a dpv:ConsentRecord ; dpv:hasConsentStatus dpv:ConsentGiven ;
                dpv:hasDataSubject ?person ; dpv:hasProcess ?process .
            ?process dpv:hasData ?dataset ; dpv:hasProcessing ?processing ;
                dpv:hasLegalBasis dpv:InformedConsent .
            ?dataset a schema:Dataset .
        }""")
    assert len({person for person, _ in rows}) == len(rows), "a person under two accesses"
    return {person: processing[iri] for person, iri in rows}


@pytest.mark.parametrize(("access", "rows"), [
    ("open", {"HA1-O2": "restricted", "HA2-T1": "metadata-only"}),
    ("restricted", {"HA2-O1": "metadata-only", "FG1": "restricted"}),
    (None, {"HA1-O1": "restricted", "FG2": "metadata-only"}),
])
def test_each_participant_is_under_the_access_their_files_give(tmp_path, access, rows):
    folder = consenting_study(tmp_path, access, None, rows)
    # The data's own access may be no more open than the least open consent.
    narrowest = min([a for a in [access, *rows.values()] if a], key=OPENNESS.index)
    with open(folder / "study.yaml", encoding="utf-8") as handle:
        text = handle.read().replace("rights: restricted", f"rights: {narrowest}")
    (folder / "study.yaml").write_text(text, "utf-8")
    expected = expected_access(folder)
    assert expected and len(set(expected.values())) > 1
    assert graph_access(build_graph(load_study(folder))) == expected


@pytest.mark.parametrize("attributes", [["role", "sector", "gender", "case", "phase"], ["case", "phase"], []])
def test_the_attributes_consented_to_are_dpv_personal_data(tmp_path, attributes):
    folder = consenting_study(tmp_path, "restricted", attributes, {})
    dropped = [a for a in ("role", "sector", "gender", "case", "phase") if a not in attributes]
    graph = build_graph(load_study(folder, ReadOptions(drop_columns=tuple(dropped))))
    rows = query(graph, DPV_PREFIXES + """
        SELECT ?process ?data WHERE {
            ?record a dpv:ConsentRecord ; dpv:hasProcess ?process .
            ?process dpv:hasProcessing dpv:MakeAvailable ; dpv:hasLegalBasis dpv:InformedConsent .
            FILTER NOT EXISTS { ?process dpv:hasData ?dataset }
            OPTIONAL { ?process dpv:hasPersonalData ?data }
        }""")
    categories = {"role": "Job", "sector": "WorkEnvironment", "gender": "Gender", "case": "WorkLocation",
                  "phase": "Behavioural"}
    # One process, there even when nothing may be published: the consent says so. (The
    # process is selected too: rdflib gives no row for a DISTINCT of an unbound variable alone.)
    assert len({process for process, _ in rows}) == 1
    assert {data for _, data in rows} - {None} == {PD + categories[a] for a in attributes}
    # Everyone whose consent the files give is under a record of it.
    people = {str(p) for p in graph.objects(None, URIRef(DPV + "hasDataSubject"))}
    assert people == set(expected_access(folder))


def test_a_study_that_states_no_consent_says_nothing_of_it(bundled_graph):
    assert not [t for t in bundled_graph for term in t if str(term).startswith(DPV)]


def test_every_dpv_term_svrdf_writes_or_checks_is_a_dpv_term(tmp_path):
    folder = consenting_study(tmp_path, "open", ["role", "sector", "gender", "case", "phase"],
                              {"HA1-O1": "restricted", "HA2-T1": "metadata-only"})
    with open(folder / "study.yaml", encoding="utf-8") as handle:
        text = handle.read().replace("rights: restricted", "rights: metadata-only")
    (folder / "study.yaml").write_text(text, "utf-8")
    graph = build_graph(load_study(folder))
    written = {str(term) for triple in graph for term in triple if str(term).startswith(DPV)}
    assert {PROCESSING[a] for a in OPENNESS} <= written
    shapes = Graph().parse(resources.shapes_dir() / "svrdf-core.ttl")
    checked = {str(term) for triple in shapes for term in triple if str(term).startswith(DPV)}
    tables = set()
    for name in ("dpv-consented-access", "dpv-personal-data"):
        with open(resources.vocabulary_file(name), encoding="utf-8", newline="") as handle:
            tables |= {row["iri"] for row in csv.DictReader(handle)}
    assert sorted((written | checked | tables) - DPV_TERMS) == []
