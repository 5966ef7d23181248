"""The SHACL shapes, run by pyshacl on good and deliberately broken graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph

from conftest import FIXTURES
from svrdf.builder import load_study
from svrdf.mapping import build_graph
from svrdf.validation import shapes_graph, validate

STUDY = "https://w3id.org/svrdf/studies/ordo-17147720/"
DATASET = "https://doi.org/10.21954/ou.rd.17147720"


def test_bundled_study_conforms_with_the_warnings_a_catalogue_would_raise(bundled_graph):
    report = validate(bundled_graph)
    assert report.conforms and report.violations == ()
    # The record states no licence, no access rights and gives no ORCID iD.
    assert sorted(r.shape for r in report.warnings) == [
        "svrdfsh:CreatorOrcidShape", "svrdfsh:DatasetAccessRights", "svrdfsh:DatasetLicense"]


def test_minimal_study_conforms_and_warns_of_what_it_lacks(minimal_study):
    report = validate(build_graph(load_study(minimal_study)))
    assert report.conforms and report.violations == ()
    warned = sorted((r.shape, r.path_text) for r in report.warnings)
    assert warned == [("svrdfsh:DatasetAccessRights", "dct:accessRights"),
                      ("svrdfsh:DatasetDoi", "schema:identifier"),
                      ("svrdfsh:ParticipantRecommendedShape", "schema:gender"),
                      ("svrdfsh:ParticipantRecommendedShape", "schema:jobTitle")]


@pytest.mark.parametrize("fixture, shape, focus", [
    ("missing-title", "svrdfsh:DatasetName", DATASET),
    ("duplicate-code", "svrdfsh:UniqueCodeShape", "IP1"),
    ("unknown-case", "svrdfsh:ParticipantShape", STUDY + "participant/IP8"),
    ("participant-with-name", "svrdfsh:ParticipantPrivacyShape", STUDY + "participant/IP1"),
    ("bad-gender", "svrdfsh:ParticipantShape", STUDY + "participant/IP3"),
    ("code-prefix-mismatch", "svrdfsh:CodePrefixRule", STUDY + "code/CA6"),
    ("one-way-reference", "svrdfsh:ReturnedReferenceRule", STUDY + "code/IP8"),
    ("joint-person-outside-case", "svrdfsh:JointCodeRule", STUDY + "code/CB6"),
    ("contradicting-codes", "svrdfsh:ParticipantShape", STUDY + "participant/IP8"),
    ("phase-ends-after-publication", "svrdfsh:PublicationAfterFieldworkRule", DATASET),
    ("phase-dates-reversed", "svrdfsh:PhaseShape", STUDY + "phase/1"),
    ("event-in-two-phases", "svrdfsh:DataCollectionEventShape", STUDY + "event/CB6"),
    ("code-without-event", "svrdfsh:QuotationCodeShape", STUDY + "code/IP1"),
    ("gender-missing", "svrdfsh:ParticipantShape", STUDY + "participant/IP3"),
])
def test_bad_graph_fails_with_expected_shape_and_focus(bundled_graph, fixture, shape, focus):
    graph = Graph()
    for prefix, namespace in bundled_graph.namespaces():
        graph.bind(prefix, namespace)
    graph += bundled_graph
    graph.update((FIXTURES / "bad-graphs" / f"{fixture}.ru").read_text(encoding="utf-8"))
    report = validate(graph)
    assert not report.conforms
    hits = [(r.shape, str(r.focus)) for r in report.violations]
    assert (shape, focus) in hits
    assert all(r.message for r in report.violations)


def test_every_shape_speaks_plain_language():
    shapes = shapes_graph()
    query = """
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    SELECT ?shape WHERE {
      ?shape sh:path ?path .
      FILTER NOT EXISTS { ?shape sh:message ?m }
      FILTER NOT EXISTS { ?holder sh:qualifiedValueShape ?shape }
    }"""
    silent = [str(row[0]) for row in shapes.query(query)]
    assert silent == []
    sparql_targets = list(shapes.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?shape WHERE { ?shape sh:target ?t . ?t a sh:SPARQLTarget }"""))
    assert len(sparql_targets) == 5
