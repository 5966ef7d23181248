"""What makes svrdf fast must not change what it writes or what it finds.

Each fast path is compared with the reference it replaces (rdflib's own serializers, plain
pyshacl) on the bundled study, every bad graph, the bad-input corpus and generated studies;
svrdf's own SHACL engine also on shapes that use what svrdf's shapes do not.
"""

from __future__ import annotations

import io

import sys

import shutil

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.compare import isomorphic

from conftest import FIXTURES, REPO_ROOT
from svrdf.builder import load_study
from svrdf.errors import SvrdfError
from svrdf.formats import graph_bytes
from svrdf.mapping import build_graph
from svrdf import multimap, shacl_engine
from svrdf.validation import shapes_graph, validate

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


def _assert_same_results(graph: Graph, shapes: Graph | None = None, native: bool = True) -> None:
    """Every engine finds what plain pyshacl finds. With ``native``, svrdf's own engine must
    have run (not fallen back on pyshacl), and its results graph must be pyshacl's."""
    before = set(graph)
    reference = validate(graph, shapes, engine="pyshacl")
    # Given bare triples, svrdf's engine needs no graph (pyshacl's words its messages with
    # the graph's prefixes, which bare triples lack).
    runs = [(graph, "svrdf"), (graph, "pyshacl-fast")] + [(before, "svrdf")] * native
    for data, engine in runs:
        report = validate(data, shapes, engine=engine)
        assert set(graph) == before  # validating in place adds nothing to the graph
        assert report.results == reference.results
        assert report.conforms == reference.conforms
    if native:
        own = shacl_engine.validate(graph, shapes if shapes is not None else shapes_graph())
        assert isomorphic(own, reference.graph)


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


def test_ntriples_sorted_subject_by_subject_are_sorted_line_by_line():
    """Subjects whose texts are prefixes of one another, or differ only after one: the
    lines must still come in the order of their whole text."""
    from rdflib import BNode

    graph = Graph()
    subjects = [URIRef("http://x/a"), URIRef("http://x/a-b"), URIRef("http://x/a/b"),
                URIRef("http://x/ab"), URIRef("http://x/é"), URIRef("http://x/A"),
                BNode("b1"), BNode("b10"), BNode("b1a")]
    for subject in subjects:
        for obj in (Literal("z"), Literal("a", lang="en"), URIRef("http://x/o"), BNode("b1")):
            graph.add((subject, URIRef("http://x/p"), obj))
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    assert graph_bytes(graph, "nt").decode("utf-8") == "".join(sorted(text.splitlines(keepends=True)))


def test_ntriples_keep_a_line_separator_inside_a_literal_on_its_line():
    graph = Graph()
    graph.add((URIRef("http://example.com/a"), URIRef("http://example.com/p"),
               Literal("one\u2028two")))
    assert graph_bytes(graph, "nt").decode("utf-8").count("\n") == 1
    assert len(Graph().parse(data=graph_bytes(graph, "nt"), format="nt")) == 1


def test_property_shapes_batched_only_inside_a_fast_validation(bundled_graph):
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    original = PropertyConstraintComponent._evaluate_property_shape
    validate(bundled_graph, engine="pyshacl-fast")
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
    _assert_same_results(graph, shapes)
    reference = validate(graph, shapes, engine="pyshacl")
    failed = {r.value for r in reference.results if r.constraint == "OrConstraintComponent"}
    assert failed == {Literal(5), ex.Other, Literal("text", lang="en")}


def test_sparql_targets_loaded_query_by_query_find_the_same_nodes(bundled_graph,
                                                                  generated_graphs, monkeypatch):
    from svrdf import fast_shacl

    monkeypatch.setattr(fast_shacl, "LOAD_BY_QUERY_ABOVE", 0)  # even these small graphs
    for graph in (*generated_graphs, *(_bad_graph(bundled_graph, n) for n in BAD_GRAPHS)):
        _assert_same_results(graph)


def test_any_triple_may_match_a_variable_or_a_path_predicate():
    from svrdf.fast_shacl import _patterns_in

    e = "https://example.org/"
    named = f"PREFIX e: <{e}> SELECT ?this WHERE {{ ?this a e:C ; e:p ?o . e:s e:q 'x' }}"
    assert _patterns_in(named) == {RDF.type: {(None, URIRef(e + "C"))},
                                   URIRef(e + "p"): {(None, None)},
                                   URIRef(e + "q"): {(URIRef(e + "s"), None)}}
    assert _patterns_in(f"PREFIX e: <{e}> SELECT ?this WHERE {{ ?this a e:C . ?this a ?class }}"
                        )[RDF.type] == {(None, URIRef(e + "C")), (None, None)}
    assert _patterns_in("SELECT ?this WHERE { ?this ?p ?o }") is None
    assert _patterns_in(f"PREFIX e: <{e}> SELECT ?this WHERE {{ ?this e:a/e:b ?o }}") is None
    assert _patterns_in(f"PREFIX e: <{e}> SELECT ?this WHERE {{ ?this e:a ?o "
                        "FILTER NOT EXISTS { ?o ?any ?x } }") is None


def test_only_triples_that_a_pattern_can_match_are_loaded():
    from svrdf.fast_shacl import _matching, _patterns_in

    e = Namespace("https://example.org/")
    patterns = _patterns_in(f"PREFIX e: <{e}> SELECT ?this WHERE {{ ?this a e:C ; e:p ?o . "
                            "e:s e:q ?x FILTER NOT EXISTS { ?this e:r e:t } }")
    kept = [(e.a, RDF.type, e.C), (e.a, e.p, Literal(1)), (e.s, e.q, e.a), (e.a, e.r, e.t)]
    dropped = [(e.a, RDF.type, e.D), (e.b, e.q, e.a), (e.a, e.r, e.u), (e.a, e.other, e.C)]
    assert list(_matching(kept + dropped, patterns)) == kept


def test_svrdf_engine_runs_on_svrdf_shapes_without_falling_back():
    compiled = shacl_engine.compile_shapes(shapes_graph())
    assert len(compiled.targeted) >= 10


ZOO_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:IRI ;
    sh:message "a thing is named by an IRI"@en ;
    sh:property
      [ sh:path ex:code ; sh:minLength 2 ; sh:maxLength 4 ; sh:pattern "^a" ; sh:flags "i" ;
        sh:message "code"@en ],
      [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 2 ; sh:message "count"@en ],
      [ sh:path ex:day ; sh:datatype xsd:date ; sh:lessThanOrEquals ex:until ; sh:message "day"@en ],
      [ sh:path ex:label ; sh:datatype xsd:string ; sh:maxCount 1 ; sh:message "label"@en ],
      [ sh:path ex:kind ; sh:in ( ex:A ex:B "c" ) ; sh:severity sh:Info ; sh:message "kind"@en ],
      [ sh:path ex:part ; sh:node ex:PartShape ; sh:message "part"@en ],
      [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Big ] ; sh:qualifiedMaxCount 1 ;
        sh:qualifiedValueShapesDisjoint true ; sh:message "big parts"@en ],
      [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Small ] ; sh:qualifiedMinCount 1 ;
        sh:qualifiedValueShapesDisjoint true ; sh:message "small parts"@en ],
      [ sh:path [ sh:inversePath ex:owns ] ; sh:minCount 1 ; sh:severity sh:Warning ;
        sh:message "owner"@en ],
      [ sh:path ex:tag ; sh:nodeKind sh:BlankNodeOrLiteral ; sh:minLength 0 ; sh:message "tag"@en ] .
ex:PartShape a sh:NodeShape ; sh:class ex:Part ; sh:message "a part is an ex:Part"@en ;
    sh:property [ sh:path ex:weight ; sh:minCount 1 ; sh:datatype xsd:decimal ; sh:message "weight"@en ] .
ex:OwnerShape a sh:NodeShape ; sh:targetSubjectsOf ex:owns ; sh:targetNode ex:nobody ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:hasValue "Ann" ; sh:message "owner name"@en ] .
ex:OwnedShape a sh:NodeShape ; sh:targetObjectsOf ex:owns ;
    sh:property [ sh:path ex:code ; sh:maxCount 0 ; sh:severity sh:Warning ; sh:message "owned code"@en ] .
ex:OffShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ;
    sh:property [ sh:path ex:never ; sh:minCount 1 ; sh:message "never"@en ] .
"""

ZOO_DATA = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:Special rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing ; ex:code "abc", "x", "ABCDE", ex:aa ; ex:count 1, 3, "3", "abc"^^xsd:integer, 2.5 ;
    ex:day "2020-01-02"^^xsd:date, "2019-12-31"^^xsd:date, "text" ; ex:until "2020-01-01"^^xsd:date ;
    ex:label "one"@en, "two", "2020-13-01"^^xsd:date ; ex:kind ex:A, ex:C, "c", "c"@en ;
    ex:part ex:p1, ex:p2, ex:p3, ex:p4, [ ex:weight 1.5 ] ; ex:tag [ ex:x 1 ], "t", ex:iri .
ex:t2 a ex:Special ; ex:code "ab" ; ex:label "x"^^xsd:string ; ex:part ex:p1 .
[] a ex:Thing ; ex:code [ ex:y 2 ] .
ex:p1 a ex:Part, ex:Big, ex:Small ; ex:weight 2.0 .
ex:p2 a ex:Part, ex:Big ; ex:weight "heavy" .
ex:p3 a ex:Small .
ex:p4 a ex:Part, ex:Big ; ex:weight 3.0 .
ex:ann ex:owns ex:t1, ex:t2 ; ex:name "Ann" .
ex:bob ex:owns ex:t1 ; ex:name "Bob", "Ann"@en .
"""


def test_svrdf_engine_gives_pyshacl_results_for_shapes_beyond_svrdfs_own():
    graph = Graph().parse(data=ZOO_DATA, format="turtle")
    shapes = Graph().parse(data=ZOO_SHAPES, format="turtle")
    _assert_same_results(graph, shapes)
    found = {r.constraint for r in validate(graph, shapes).results}
    # The zoo exercises each component, each finding something.
    assert found >= {"NodeKindConstraintComponent", "MinLengthConstraintComponent",
                     "MaxLengthConstraintComponent", "PatternConstraintComponent",
                     "DatatypeConstraintComponent", "MinInclusiveConstraintComponent",
                     "LessThanOrEqualsConstraintComponent", "MaxCountConstraintComponent",
                     "InConstraintComponent", "NodeConstraintComponent",
                     "QualifiedMaxCountConstraintComponent", "QualifiedMinCountConstraintComponent",
                     "MinCountConstraintComponent", "HasValueConstraintComponent"}


UNSUPPORTED = {
    "sh:and": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:message 'm' ; "
              "sh:and ( [ sh:class ex:Thing ] [ sh:class ex:Other ] ) .",
    "sh:sparql": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ sh:message 'm' ; "
                 "sh:select 'SELECT $this WHERE { $this ?p ?o }' ] .",
    "a pyshacl-worded message": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; "
                                "sh:property [ sh:path ex:missing ; sh:minCount 1 ] .",
    "a warning holding a violation": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; "
                                     "sh:severity sh:Warning ; sh:property [ sh:path ex:missing ; "
                                     "sh:minCount 1 ; sh:message 'm' ] .",
    "a path sequence": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ "
                       "sh:path ( ex:a ex:b ) ; sh:minCount 1 ; sh:message 'm' ] .",
    "recursion": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:next ; "
                 "sh:node ex:S ; sh:message 'm' ], [ sh:path ex:missing ; sh:minCount 1 ; "
                 "sh:message 'n' ] .",
}


@pytest.mark.parametrize("feature", sorted(UNSUPPORTED))
def test_shapes_beyond_svrdfs_engine_are_left_to_pyshacl(feature):
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n"
    shapes = Graph().parse(data=prefixes + UNSUPPORTED[feature], format="turtle")
    graph = Graph().parse(data=prefixes + "ex:t a ex:Thing ; ex:next ex:u . ex:u a ex:Thing .",
                          format="turtle")
    with pytest.raises(shacl_engine.Unsupported):
        shacl_engine.validate(graph, shapes)
    _assert_same_results(graph, shapes, native=False)
    assert validate(graph, shapes).results  # each finds something, so the fallback was tested


def _rdflib_jsonld(graph: Graph) -> bytes:
    """compact_jsonld's document made the plain way: rdflib's serializer, read back, and
    every unordered list sorted by its items' JSON text."""
    import json

    from svrdf.formats import jsonld_context

    text = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    document = _sorted_as_text(json.loads(text))
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _sorted_as_text(value, key=None):
    """The canonical order made the plain way: each unordered list sorted by its items' JSON."""
    import json

    if key in ("@context", "@list"):
        return value
    if isinstance(value, dict):
        return {k: _sorted_as_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_as_text(item) for item in value),
                      key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


NODE_LISTS = {
    "ids that are prefixes of others": [{"@id": "ex:ab", "n": 1}, {"@id": "ex:a"}, {"@id": "ex:a-b"},
                                        {"@id": "ex:a\"q"}, {"@id": "ex:é"}, {"@id": "ex:A", "z": []}],
    "a repeated id": [{"@id": "ex:a", "n": 2}, {"@id": "ex:a", "n": 1}],
    "a key before @id": [{"@id": "ex:b"}, {"!": 1, "@id": "ex:a"}, {"@id": "ex:a"}],
    "a node without an id": [{"@id": "ex:b"}, {"n": "ex:a"}, {}],
    "values of several kinds": ["b", {"@value": "a"}, 3, "a", [2, 1], None, True],
    "ids as rdflib terms": [{"@id": URIRef("ex:b"), "n": 2}, {"@id": URIRef("ex:a")},
                            {"@id": "ex:b", "n": 1}],
    "rdflib terms as values": [{"@id": URIRef("ex:a")}, Literal("ex:b"), "ex:a", URIRef("ex:c")],
}


@pytest.mark.parametrize("name", sorted(NODE_LISTS))
def test_jsonld_canonical_order_sorts_as_the_items_json_text(name):
    import copy

    from svrdf.formats import _canonical_order

    document = {"@context": {"x": ["b", "a"]}, "@graph": NODE_LISTS[name],
                "nested": [{"@list": ["b", "a", ["d", "c"]]}, ["y", "x"]]}
    assert _canonical_order(copy.deepcopy(document)) == _sorted_as_text(copy.deepcopy(document))


def test_writers_give_rdflibs_bytes_from_a_studys_triples_without_a_graph(tmp_path):
    from svrdf.mapping import distinct_triples, graph_of, located_triples
    from svrdf.resources import bundled_study_dir

    for directory in (bundled_study_dir(), generate(tmp_path / "g", 200, seed=3)):
        triples = distinct_triples(located_triples(load_study(directory)))
        graph = graph_of(triples)
        assert graph_bytes(triples, "turtle") == graph.serialize(format="turtle", encoding="utf-8")
        assert graph_bytes(triples, "json-ld") == _rdflib_jsonld(graph)
        assert graph_bytes(triples, "nt") == graph_bytes(graph, "nt")


def test_jsonld_is_rdflibs_document_sorted_on_every_graph(bundled_graph, generated_graphs):
    for graph in _all_graphs(bundled_graph, generated_graphs):
        assert graph_bytes(graph, "json-ld") == _rdflib_jsonld(graph)


BLANK_NODES = """
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Kind a rdfs:Class ; rdfs:label "kind" .
ex:a a ex:Kind ; rdfs:label "a", "A"@en ; ex:p [ ex:q 1 ; ex:r [ ex:s true ] ], [ ex:q 2.5 ] ;
    ex:shared _:shared ; ex:t "1"^^xsd:integer, "01"^^xsd:integer, 1e3, "x\\ny \\"z\\"" ; ex:u <https://example.org/ns%41>, <https://example.org/x(1)>, <https://example.org/ends.> .
ex:b ex:shared _:shared ; ex:empty [] .
_:shared ex:v "shared" .
[] ex:w ex:a .
"""


def _written_turtle(graph: Graph) -> bytes:
    from svrdf.turtle_writer import write_turtle

    out = io.BytesIO()
    write_turtle(graph, graph.namespace_manager, out)
    return out.getvalue()


def test_turtle_writer_inlines_and_orders_blank_nodes_as_rdflib_does():
    graph = Graph().parse(data=BLANK_NODES, format="turtle")
    assert _written_turtle(graph) == graph.serialize(format="turtle", encoding="utf-8")
    assert graph_bytes(graph, "json-ld") == _rdflib_jsonld(graph)


class _CountingStream(io.BytesIO):
    writes = 0

    def write(self, data) -> int:
        self.writes += 1
        return super().write(data)


@pytest.mark.parametrize("name", ["turtle", "json-ld"])
def test_writers_stream_a_document_in_pieces_with_the_same_bytes(monkeypatch, bundled_graph, name):
    """A large study's form goes to its file a batch at a time, never whole in memory; the
    batching must not change a byte."""
    from svrdf import formats, turtle_writer

    whole = graph_bytes(bundled_graph, name)
    monkeypatch.setattr(turtle_writer, "FLUSH_EVERY", 10)
    monkeypatch.setattr(formats, "TEXT_BATCH", 10)
    out = _CountingStream()
    formats.write_graph(bundled_graph, name, out)
    assert out.getvalue() == whole
    assert out.writes > 20


def test_turtle_writer_leaves_lists_and_invented_prefixes_to_rdflib():
    from svrdf.turtle_writer import NeedsRdflib

    with_list = Graph().parse(data="@prefix ex: <https://example.org/> . ex:a ex:p ( 1 2 ) .", format="turtle")
    unprefixed = Graph(bind_namespaces="none")
    unprefixed.add((URIRef("https://example.org/a"), URIRef("https://elsewhere.example/p"), Literal("x")))
    for graph in (with_list, unprefixed):
        with pytest.raises(NeedsRdflib):
            _written_turtle(graph)
        assert graph_bytes(graph, "turtle") == graph.serialize(format="turtle", encoding="utf-8")


def test_a_study_too_large_to_keep_its_origins_gets_the_same_triples_and_traced_results(
        monkeypatch, bundled_dir):
    """Above KEEP_ORIGINS_UP_TO participants the mapping keeps no origins and tracing maps
    the study again: the export must not differ in any way."""
    from svrdf import pipeline

    kept = pipeline.export_study(bundled_dir)
    monkeypatch.setattr(pipeline, "KEEP_ORIGINS_UP_TO", 0)
    remapped = pipeline.export_study(bundled_dir)
    assert kept.report.results and all(r.sources for r in kept.report.results)
    assert remapped.report.results == kept.report.results
    assert remapped.triples == kept.triples


def test_a_multimap_holds_one_value_bare_and_several_in_order():
    index: dict = {}
    assert multimap.held(index, "s") == ()
    multimap.hold(index, "s", URIRef("urn:a"))
    assert index["s"] == URIRef("urn:a") and multimap.held(index, "s") == (URIRef("urn:a"),)
    for value in ("urn:b", "urn:a"):  # several, in the order added, repeats and all
        multimap.hold(index, "s", URIRef(value))
    assert list(multimap.held(index, "s")) == [URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:a")]
