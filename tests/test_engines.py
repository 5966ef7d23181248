"""What makes svrdf fast must not change what it writes or what it finds.

Each fast path is compared with the reference it replaces (rdflib's own serializers, plain
pyshacl) on the bundled study, every bad graph, and generated studies.
"""

from __future__ import annotations

import sys

import shutil

import pytest
import yaml
from rdflib import Graph, Literal, URIRef

from conftest import FIXTURES, REPO_ROOT
from svrdf.builder import load_study
from svrdf.errors import SvrdfError
from svrdf.formats import graph_bytes
from svrdf.mapping import build_graph
from svrdf.validation import validate

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from generate_study import generate  # noqa: E402

BAD_GRAPHS = sorted(path.stem for path in (FIXTURES / "bad-graphs").glob("*.ru"))
CASES = yaml.safe_load((REPO_ROOT / "tests" / "bad-inputs" / "cases.yaml").read_text("utf-8"))


def _bad_graph(bundled_graph: Graph, name: str) -> Graph:
    graph = Graph()
    for prefix, namespace in bundled_graph.namespaces():
        graph.bind(prefix, namespace)
    graph += bundled_graph
    graph.update((FIXTURES / "bad-graphs" / f"{name}.ru").read_text(encoding="utf-8"))
    return graph


@pytest.fixture(scope="module")
def generated_graphs(tmp_path_factory) -> list[Graph]:
    graphs = []
    for seed, participants in ((1, 300), (7, 120)):
        directory = generate(tmp_path_factory.mktemp(f"generated-{seed}"), participants, seed)
        graphs.append(build_graph(load_study(directory)))
    return graphs


def _assert_same_results(graph: Graph) -> None:
    before = set(graph)
    fast = validate(graph)
    assert set(graph) == before  # validating in place adds nothing to the graph
    reference = validate(graph, fast=False)
    assert fast.results == reference.results
    assert fast.conforms == reference.conforms


@pytest.mark.parametrize("name", BAD_GRAPHS)
def test_sparql_targets_from_oxigraph_find_what_pyshacl_finds_in_bad_graphs(bundled_graph, name):
    graph = _bad_graph(bundled_graph, name)
    _assert_same_results(graph)
    assert not validate(graph).conforms


def test_sparql_targets_from_oxigraph_find_what_pyshacl_finds_in_good_graphs(bundled_graph,
                                                                            generated_graphs):
    for graph in (bundled_graph, *generated_graphs):
        _assert_same_results(graph)


def test_sparql_targets_see_literals_as_pyshacl_does(bundled_graph):
    # The publication-date rule compares literals: typed, plain and language-tagged ones must
    # reach Oxigraph as they are.
    graph = _bad_graph(bundled_graph, "phase-ends-after-publication")
    dataset = next(graph.subjects(URIRef("http://schema.org/datePublished"), None))
    graph.add((dataset, URIRef("http://schema.org/datePublished"), Literal("2000-01-01", lang="en")))
    graph.add((dataset, URIRef("http://schema.org/datePublished"), Literal("1999-12-31")))
    _assert_same_results(graph)


def _all_graphs(bundled_graph: Graph, generated_graphs: list[Graph]) -> list[Graph]:
    return [bundled_graph, *generated_graphs, *(_bad_graph(bundled_graph, n) for n in BAD_GRAPHS)]


def test_turtle_is_byte_for_byte_what_rdflib_writes(bundled_graph, generated_graphs):
    for graph in _all_graphs(bundled_graph, generated_graphs):
        assert graph_bytes(graph, "turtle") == graph.serialize(format="turtle", encoding="utf-8")


def test_turtle_writer_picks_up_prefixes_rdflib_invents_midway():
    # An IRI seen as an object before its namespace gets an ns1 prefix (as a predicate) must be
    # written as rdflib writes it.
    graph = Graph()
    late = "http://example.com/vocab/"
    graph.add((URIRef("http://example.com/a"), URIRef(late + "p"), URIRef(late + "x")))
    graph.add((URIRef(late + "x"), URIRef(late + "q"), Literal("1")))
    assert graph_bytes(graph, "turtle") == graph.serialize(format="turtle", encoding="utf-8")


def test_ntriples_are_rdflibs_lines_sorted(bundled_graph, generated_graphs):
    for graph in _all_graphs(bundled_graph, generated_graphs):
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines = [f"{line}\n" for line in text.split("\n") if line]
        assert graph_bytes(graph, "nt").decode("utf-8") == "".join(sorted(lines))


def test_ntriples_keep_a_line_separator_inside_a_literal_on_its_line():
    graph = Graph()
    graph.add((URIRef("http://example.com/a"), URIRef("http://example.com/p"),
               Literal("one\u2028two")))
    assert graph_bytes(graph, "nt").decode("utf-8").count("\n") == 1
    assert len(Graph().parse(data=graph_bytes(graph, "nt"), format="nt")) == 1


def test_property_shapes_batched_only_inside_a_fast_validation(bundled_graph):
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    original = PropertyConstraintComponent._evaluate_property_shape
    validate(bundled_graph)
    assert PropertyConstraintComponent._evaluate_property_shape is original


def test_shapes_with_rules_are_not_validated_in_place():
    from svrdf.fast_shacl import may_validate_in_place
    from svrdf.validation import shapes_graph

    assert may_validate_in_place(shapes_graph())
    with_rule = Graph()
    with_rule += shapes_graph()
    with_rule.add((URIRef("https://example.org/shape"), URIRef("http://www.w3.org/ns/shacl#rule"),
                   URIRef("https://example.org/rule")))
    assert not may_validate_in_place(with_rule)


def test_the_bad_input_corpus_gets_the_same_results_and_bytes(tmp_path):
    """Every case of tests/bad-inputs whose study still makes a graph (the rest stop before
    validation): fast and reference validation agree, and the writers match rdflib's."""
    from test_bad_inputs import apply

    compared = 0
    for name, case in sorted(CASES.items()):
        study = tmp_path / name
        shutil.copytree(FIXTURES / "studies" / "minimal", study)
        try:
            for edit in case.get("edits", []):
                apply(study, edit)
            graph = build_graph(load_study(study))
        except SvrdfError:
            continue
        _assert_same_results(graph)
        assert graph_bytes(graph, "turtle") == graph.serialize(format="turtle", encoding="utf-8")
        compared += 1
    assert compared >= 5


def test_nested_shape_failures_are_reported_as_pyshacl_reports_them(bundled_graph):
    # Broken qualified associations fail svrdfsh:AssociationShape through sh:node, with the
    # nested results as sh:detail: the batched check must give the same results and details.
    graph = _bad_graph(bundled_graph, "missing-title")
    graph.update("""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        DELETE { ?a prov:hadRole ?role } WHERE {
            { SELECT ?a WHERE { ?phase prov:qualifiedAssociation ?a } ORDER BY ?a LIMIT 2 }
            ?a prov:hadRole ?role }
        ;
        INSERT { ?a prov:agent <https://example.org/not-a-participant> } WHERE {
            { SELECT ?a WHERE { ?phase prov:qualifiedAssociation ?a } ORDER BY DESC(?a) LIMIT 3 } }
    """)
    _assert_same_results(graph)
    report = validate(graph)
    nested = [r for r in report.results if r.constraint == "NodeConstraintComponent"]
    assert len(nested) == 5
    details = [r for r in report.results if r.shape == "svrdfsh:AssociationShape"]
    assert len(details) >= 5


OR_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:value ; sh:message "one of three kinds"@en ;
        sh:or ( [ sh:in ( ex:A ex:B ) ] [ sh:datatype xsd:string ]
                [ sh:class ex:Kind ;
                  sh:property [ sh:path ex:note ; sh:minCount 1 ; sh:severity sh:Warning ] ] ) ] .
"""


@pytest.mark.parametrize("count", [1, 3])
def test_sh_or_gives_pyshacl_results_with_warnings_inside_a_member(count):
    from rdflib import RDF, Namespace

    ex = Namespace("https://example.org/")
    graph = Graph()
    values = [ex.A, Literal("text"), Literal(5), ex.Other, ex.KindWithoutNote, ex.KindWithNote,
              Literal("text", lang="en")]
    graph.add((ex.KindWithoutNote, RDF.type, ex.Kind))
    graph.add((ex.KindWithNote, RDF.type, ex.Kind))
    graph.add((ex.KindWithNote, ex.note, Literal("n")))
    for index, value in enumerate(values * count):
        thing = ex[f"thing{index}"]
        graph.add((thing, RDF.type, ex.Thing))
        graph.add((thing, ex.value, value))
    shapes = Graph().parse(data=OR_SHAPES, format="turtle")
    fast, reference = validate(graph, shapes), validate(graph, shapes, fast=False)
    assert fast.results == reference.results
    failed = {r.value for r in reference.results if r.constraint == "OrConstraintComponent"}
    assert failed == {Literal(5), ex.Other, Literal("text", lang="en")}


def test_sparql_targets_loading_only_their_predicates_find_the_same_nodes(bundled_graph,
                                                                         generated_graphs,
                                                                         monkeypatch):
    from svrdf import fast_shacl

    monkeypatch.setattr(fast_shacl, "_WORTH_PARSING", 0)  # filter even these small graphs
    for graph in (*generated_graphs, *(_bad_graph(bundled_graph, n) for n in BAD_GRAPHS)):
        _assert_same_results(graph)


def test_any_triple_may_match_a_variable_or_a_path_predicate():
    from svrdf.fast_shacl import _predicates_in

    named = "PREFIX e: <https://example.org/> SELECT ?this WHERE { ?this a e:C ; e:p ?o }"
    assert _predicates_in([named]) == {URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                       URIRef("https://example.org/p")}
    assert _predicates_in([named, "SELECT ?this WHERE { ?this ?p ?o }"]) is None
    assert _predicates_in(["PREFIX e: <https://example.org/> "
                           "SELECT ?this WHERE { ?this e:a/e:b ?o }"]) is None
    assert _predicates_in(["PREFIX e: <https://example.org/> SELECT ?this WHERE { ?this e:a ?o "
                           "FILTER NOT EXISTS { ?o ?any ?x } }"]) is None
