"""What makes svrdf fast must not change what it writes or what it finds.

Each fast path is compared with the reference it replaces (rdflib's own serializers, plain
pyshacl) on the bundled study, every bad graph, the bad-input corpus and generated studies;
svrdf's own SHACL engine also on shapes that use what svrdf's shapes do not.
"""

from __future__ import annotations

import shutil
import sys

import pytest
from conftest import BAD_GRAPHS, BAD_INPUT_CASES, FIXTURES, REPO_ROOT, apply_edit, bad_graph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from svrdf.errors import Notice, SvrdfError
from svrdf.rdf.mapping import build_graph
from svrdf.shacl import engine as shacl_engine
from svrdf.shacl import multimap
from svrdf.shacl.validation import shapes_graph, validate
from svrdf.study.builder import load_study

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from generate_study import generate


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
    graph = bad_graph(bundled_graph, name)
    _assert_same_results(graph)
    assert not validate(graph).conforms


def test_sparql_targets_from_oxigraph_find_what_pyshacl_finds_in_good_graphs(bundled_graph,
                                                                            generated_graphs):
    for graph in (bundled_graph, *generated_graphs):
        _assert_same_results(graph)


def test_sparql_targets_see_literals_as_pyshacl_does(bundled_graph):
    # The publication-date rule compares literals: typed, plain and language-tagged ones must
    # reach Oxigraph as they are.
    graph = bad_graph(bundled_graph, "phase-ends-after-publication")
    dataset = next(graph.subjects(URIRef("http://schema.org/datePublished"), None))
    graph.add((dataset, URIRef("http://schema.org/datePublished"), Literal("2000-01-01", lang="en")))
    graph.add((dataset, URIRef("http://schema.org/datePublished"), Literal("1999-12-31")))
    _assert_same_results(graph)


def test_pyshacl_is_used_through_its_public_api_only():
    """No module of svrdf replaces pyshacl's internals or imports its private names."""
    import re

    for path in sorted((REPO_ROOT / "src" / "svrdf").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"from pyshacl\S* import [^\n]*\b_\w+|pyshacl\.\S*\._\w+", text), path
        assert not re.search(r"pyshacl\.constraints|ConstraintComponent\._", text), path


def test_shapes_with_rules_are_not_validated_in_place():
    from svrdf.shacl.pyshacl_runner import may_validate_in_place
    from svrdf.shacl.validation import shapes_graph

    assert may_validate_in_place(shapes_graph())
    with_rule = Graph()
    with_rule += shapes_graph()
    with_rule.add((URIRef("https://example.org/shape"), URIRef("http://www.w3.org/ns/shacl#rule"),
                   URIRef("https://example.org/rule")))
    assert not may_validate_in_place(with_rule)


def test_the_bad_input_corpus_gets_the_same_results_and_bytes(tmp_path):
    """Every case of tests/bad-inputs whose study still makes a graph (the rest stop before
    validation): fast and reference validation agree."""
    compared = 0
    for name, case in sorted(BAD_INPUT_CASES.items()):
        study = tmp_path / name
        shutil.copytree(FIXTURES / "studies" / "minimal", study)
        try:
            for edit in case.get("edits", []):
                apply_edit(study, edit)
            graph = build_graph(load_study(study))
        except SvrdfError:
            continue
        _assert_same_results(graph)
        compared += 1
    assert compared >= 5


def test_nested_shape_failures_are_reported_as_pyshacl_reports_them(bundled_graph):
    # Broken qualified associations fail svrdfsh:AssociationShape through sh:node, with the
    # nested results as sh:detail: the batched check must give the same results and details.
    graph = bad_graph(bundled_graph, "missing-title")
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
    from svrdf.shacl import pyshacl_runner as fast_shacl

    monkeypatch.setattr(fast_shacl, "LOAD_BY_QUERY_ABOVE", 0)  # even these small graphs
    selected_some = False
    for graph in (*generated_graphs, *(bad_graph(bundled_graph, n) for n in BAD_GRAPHS)):
        _assert_same_results(graph)
        # A study's triples (as an export hands them over) select what its rdflib graph does.
        as_triples = fast_shacl.select_sparql_targets(shapes_graph(), list(graph))
        as_graph = fast_shacl.select_sparql_targets(shapes_graph(), graph)
        assert {k: set(v) for k, v in as_triples.items()} == {k: set(v) for k, v in as_graph.items()}
        selected_some |= any(as_graph.values())
    assert selected_some  # the bad graphs break the rules the targets select for


def test_any_triple_may_match_a_variable_or_a_path_predicate():
    from svrdf.shacl.pyshacl_runner import _patterns_in

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
    from svrdf.shacl.pyshacl_runner import _matching, _patterns_in

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
    "sh:sparql with a message pyshacl fills in": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; "
                 "sh:sparql [ sh:message 'has {?p}' ; sh:select 'SELECT $this ?p WHERE { $this ?p ?o }' ] .",
    "sh:sparql returning ?path": "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ "
                 "sh:message 'm' ; sh:select 'SELECT $this ?path WHERE { $this ?path ?o }' ] .",
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
        shacl_engine.compile_shapes(shapes, require_messages=True)  # up front, before any data
    with pytest.raises(shacl_engine.Unsupported):
        shacl_engine.validate(graph, shapes)
    with pytest.warns(Notice, match="pyshacl validates instead"):
        _assert_same_results(graph, shapes, native=False)
    with pytest.warns(Notice):
        assert validate(graph, shapes).results  # each finds something, so the fallback was tested


def test_no_notice_where_svrdfs_engine_runs(bundled_graph):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", Notice)
        validate(bundled_graph)


SPARQL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
ex:NodeRule a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes ex: ; sh:message "no twin"@en ;
        sh:select "SELECT $this WHERE { $this ex:twin ?t . FILTER NOT EXISTS { ?t ex:twin $this } }" ] ,
      [ sh:message "each odd label" ; sh:prefixes ex: ;
        sh:select "SELECT $this ?value WHERE { $this ex:label ?value . FILTER(STRLEN(STR(?value)) = 3) }" ] ,
      [ sh:message "off" ; sh:deactivated true ; sh:select "SELECT $this WHERE { $this ?p ?o }" ] .
ex:PathRule a sh:NodeShape ; sh:targetSubjectsOf ex:label ;
    sh:property [ sh:path ex:label ;
        sh:sparql [ sh:message "a label that another thing has too" ; sh:prefixes ex: ;
            sh:select '''SELECT DISTINCT $this ?value ?other WHERE {
                $this $PATH ?value . ?other $PATH ?value FILTER(?other != $this) }''' ] ] ,
      [ sh:path [ sh:inversePath ex:twin ] ; sh:message "a twin of several" ;
        sh:sparql [ sh:select "SELECT $this WHERE { ?a $PATH $this . ?b $PATH $this FILTER(?a != ?b) }" ] ] .
"""

SPARQL_DATA = """
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ; ex:twin ex:b ; ex:label "abc", "abcd", "pqr"^^xsd:string, 1 .
ex:b a ex:Thing ; ex:twin ex:a ; ex:label "abc"@en, "x" .
ex:c a ex:Thing ; ex:twin ex:a ; ex:label "xyz", "abcd", 100 .
[] a ex:Thing ; ex:twin ex:c ; ex:label "123"^^xsd:integer .
"""


def test_sparql_constraints_give_pyshacl_results():
    """sh:sparql constraints run in Oxigraph, one focus node at a time with $this pre-bound:
    node and property shapes, ?value and other variables, $PATH (inverse too), messages."""
    graph = Graph().parse(data=SPARQL_DATA, format="turtle")
    shapes = Graph().parse(data=SPARQL_SHAPES, format="turtle")
    _assert_same_results(graph, shapes)
    found = validate(graph, shapes).results
    assert {r.constraint for r in found} == {"SPARQLConstraintComponent"}
    assert len(found) >= 8


def test_an_edited_shapes_graph_is_compiled_again_even_at_the_same_size():
    """Compiled shapes are kept per graph and content: an edit that keeps the graph's size
    (a changed count, say) is always seen."""
    graph = Graph().parse(data=ZOO_DATA, format="turtle")
    shapes = Graph().parse(data=ZOO_SHAPES, format="turtle")
    before = validate(graph, shapes)
    limit = next(s for s, o in shapes.subject_objects(URIRef("http://www.w3.org/ns/shacl#maxCount"))
                 if o == Literal(1))
    size = len(shapes)
    shapes.set((limit, URIRef("http://www.w3.org/ns/shacl#maxCount"), Literal(5)))
    assert len(shapes) == size
    after = validate(graph, shapes)
    assert after.results != before.results
    _assert_same_results(graph, shapes)


def test_sparql_targets_that_select_literals_find_them():
    """A SPARQL target may select literals (focus nodes of a node shape): Oxigraph's literals
    are the data's own again, whatever rdflib tells apart (a simple literal from its
    xsd:string twin, "01" from "1" as integers, a language tag's case)."""
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex: sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
        ex:LabelShape a sh:NodeShape ;
            sh:target [ a sh:SPARQLTarget ; sh:prefixes ex: ;
                        sh:select "SELECT ?this WHERE { ?s ex:label ?this }" ] ;
            sh:datatype xsd:string ; sh:minLength 3 ; sh:message "a label of three letters or more" .
        """, format="turtle")
    graph = Graph().parse(data="""
        @prefix ex: <https://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:label "ab", "abc", "x"^^xsd:string, "01"^^xsd:integer, "Hi"@en-GB .
        ex:b ex:label "1"^^xsd:integer .
        """, format="turtle")
    from svrdf.shacl.pyshacl_runner import select_sparql_targets

    (selected,) = select_sparql_targets(shapes, graph).values()
    assert set(selected) == set(graph.objects())
    _assert_same_results(graph, shapes)
    failed = {(r.focus, r.constraint) for r in validate(graph, shapes).results}
    assert (Literal("ab"), "MinLengthConstraintComponent") in failed
    assert (Literal("x", datatype=XSD.string), "MinLengthConstraintComponent") in failed
    assert (Literal("01", datatype=XSD.integer), "DatatypeConstraintComponent") in failed
    assert (Literal("Hi", lang="en-GB"), "DatatypeConstraintComponent") in failed


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


def test_the_cli_says_on_stderr_when_pyshacl_runs_instead(monkeypatch, tmp_path):
    """Shapes the engine refuses: one line on stderr, once, and stdout data only."""
    import json

    from click.testing import CliRunner

    from svrdf import resources
    from svrdf.cli import cli

    extra = tmp_path / "extra.ttl"
    extra.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <http://schema.org/> .
        <https://example.org/Extra> a sh:NodeShape ; sh:targetClass schema:Dataset ;
            sh:message "m"@en ; sh:and ( [ sh:class schema:Dataset ] ) .
        """, encoding="utf-8")
    shape_files = resources.shape_files
    monkeypatch.setattr(resources, "shape_files", lambda: [*shape_files(), extra])
    shapes_graph.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["validate", "--study", str(FIXTURES / "studies" / "minimal"),
                                          "--format", "json"])
    finally:
        shapes_graph.cache_clear()
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("svrdf: note:")]
    assert notes == ["svrdf: note: svrdf's SHACL engine does not evaluate these shapes "
                     "(https://example.org/Extra uses http://www.w3.org/ns/shacl#and); "
                     "pyshacl validates instead, more slowly"]
    assert json.loads(result.stdout)["conforms"] is True
