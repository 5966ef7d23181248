"""The SHACL shapes, run by pyshacl on good and deliberately broken graphs."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, bad_graph
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from svrdf.rdf.mapping import build_graph
from svrdf.shacl.validation import shapes_graph, validate
from svrdf.study.builder import load_study

STUDY = "https://w3id.org/svrdf/studies/ordo-17147720/"
DATASET = "https://doi.org/10.21954/ou.rd.17147720"
SHAPES = "https://w3id.org/svrdf/shapes#"


def test_bundled_study_conforms_with_the_warnings_a_catalogue_would_raise(bundled_graph):
    report = validate(bundled_graph)
    assert report.conforms and report.violations == ()
    # The record states no licence, no access rights, no funder and no other address of the
    # dataset, lists no files, gives no ORCID iD, and names no unit of analysis, universe,
    # kind of data, time method or sampling procedure (DDI's elements).
    assert sorted(r.shape for r in report.warnings) == [
        "svrdfsh:CreatorOrcidShape", "svrdfsh:DatasetAccessRights", "svrdfsh:DatasetDistribution",
        "svrdfsh:DatasetFunder", "svrdfsh:DatasetLicense", "svrdfsh:DatasetSameAs",
        "svrdfsh:DdiKindOfData", "svrdfsh:DdiSamplingProcedure", "svrdfsh:DdiTimeMethod",
        "svrdfsh:DdiUnitOfAnalysis", "svrdfsh:DdiUniverse"]


def test_minimal_study_conforms_and_warns_of_what_it_lacks(minimal_study):
    report = validate(build_graph(load_study(minimal_study)))
    assert report.conforms and report.violations == ()
    warned = sorted((r.shape, r.path_text) for r in report.warnings)
    assert warned == [("svrdfsh:DatasetAccessRights", "dct:accessRights"),
                      ("svrdfsh:DatasetCitation", "schema:citation"),
                      ("svrdfsh:DatasetDistribution", "schema:distribution"),
                      ("svrdfsh:DatasetDoi", "schema:identifier"),
                      ("svrdfsh:DatasetFunder", "schema:funder"),
                      ("svrdfsh:DatasetSameAs", "schema:sameAs"),
                      ("svrdfsh:DdiGeographicCoverage", "schema:spatialCoverage"),
                      ("svrdfsh:DdiKindOfData", "svrdf:kindOfData"),
                      ("svrdfsh:DdiSamplingProcedure", "svrdf:samplingProcedure"),
                      ("svrdfsh:DdiTimeMethod", "svrdf:timeMethod"),
                      ("svrdfsh:DdiUnitOfAnalysis", "svrdf:unitOfAnalysis"),
                      ("svrdfsh:DdiUniverse", "svrdf:universe"),
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
    ("consent-twice", "svrdfsh:ParticipantShape", STUDY + "participant/IP1"),
    ("consent-to-collect", "svrdfsh:ConsentedProcessShape", STUDY + "consent/process/collect"),
])
def test_bad_graph_fails_with_expected_shape_and_focus(bundled_graph, fixture, shape, focus):
    graph = bad_graph(bundled_graph, fixture)
    report = validate(graph)
    assert not report.conforms
    hits = [(r.shape, str(r.focus)) for r in report.violations]
    assert (shape, focus) in hits
    assert all(r.message for r in report.violations)
    if shape.endswith("Rule"):  # a rule across nodes: SHACL-SPARQL's own component
        assert {r.constraint for r in report.violations if r.shape == shape} == {
            "SPARQLConstraintComponent"}




def _same_person_broken(bundled_graph: Graph) -> Graph:
    """IP8 and CC1 name each other, but CC1 is moved to another participant."""
    graph = bad_graph(bundled_graph, "missing-title")
    graph.update(f"""
        PREFIX svrdf: <https://w3id.org/svrdf/ns#>
        DELETE {{ ?person svrdf:hasQuotationCode <{STUDY}code/CC1> }}
        INSERT {{ <{STUDY}participant/IP1> svrdf:hasQuotationCode <{STUDY}code/CC1> }}
        WHERE {{ ?person svrdf:hasQuotationCode <{STUDY}code/CC1> }}""")
    return graph


#: The rules across nodes, with a bad graph each breaks and a node it then refuses.
RULES = {
    "CodePrefixRule": ("code-prefix-mismatch", STUDY + "code/CA6"),
    "ReturnedReferenceRule": ("one-way-reference", STUDY + "code/IP8"),
    "SamePersonRule": (_same_person_broken, STUDY + "code/IP8"),
    "JointCodeRule": ("joint-person-outside-case", STUDY + "code/CB6"),
    "PublicationAfterFieldworkRule": ("phase-ends-after-publication", DATASET),
}


def _broken(bundled_graph: Graph, rule: str) -> Graph:
    fixture = RULES[rule][0]
    return fixture(bundled_graph) if callable(fixture) else bad_graph(bundled_graph, fixture)


def _rule_queries(rule: str) -> tuple[str, str]:
    """A rule's SPARQL target and its sh:sparql constraint, with their prefixes."""
    from svrdf.shacl.pyshacl_runner import prefix_header

    shapes = shapes_graph()
    node = URIRef(SHAPES + rule)
    (target,) = shapes.objects(node, SH.target)
    (constraint,) = [c for p in shapes.objects(node, SH.property) for c in shapes.objects(p, SH.sparql)]
    return tuple(prefix_header(shapes, n) + str(shapes.value(n, SH.select)) for n in (target, constraint))


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_is_a_sparql_constraint_that_plain_pyshacl_enforces(bundled_graph, rule):
    """Each rule across nodes is an sh:sparql constraint with a message, and its SPARQL target
    only an optimisation: under a plain Core target (every node of the rule's subject) plain
    pyshacl, which knows nothing of svrdf, reports the broken rule as SPARQLConstraintComponent
    with the rule's message."""
    import pyshacl

    shapes = Graph()
    shapes += shapes_graph()
    node = URIRef(SHAPES + rule)
    kept = {node, *shapes.objects(node, SH.property)}
    kept |= {c for p in kept for c in shapes.objects(p, SH.sparql)}
    for subject in set(shapes.subjects(SH.targetClass)) | set(shapes.subjects(SH.property)):
        if subject != node:  # the other shapes' targets go: this rule alone
            shapes.remove((subject, SH.targetClass, None))
            shapes.remove((subject, SH.targetNode, None))
            shapes.remove((subject, SH.target, None))
    for target in list(shapes.objects(node, SH.target)):
        shapes.remove((node, SH.target, target))
    shapes.add((node, SH.targetSubjectsOf, RDF.type))  # every typed node
    _, report, _ = pyshacl.validate(_broken(bundled_graph, rule), shacl_graph=shapes,
                                    advanced=True, allow_warnings=True, do_owl_imports=False)
    (message,) = [m for c in kept for m in shapes.objects(c, SH.message)]
    found = {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultMessage)))
             for r in report.subjects(SH.sourceConstraintComponent, SH.SPARQLConstraintComponent)}
    assert (RULES[rule][1], str(message)) in found


def test_each_rules_target_selects_the_nodes_its_constraint_refuses(bundled_graph, tmp_path):
    """The SPARQL target (all nodes at once) and the constraint (one focus node at a time,
    $this pre-bound as SHACL says) ask the same question: the target only narrows the focus
    nodes, so the shapes accept and refuse what the constraint alone would."""
    import sys

    import pyoxigraph
    from conftest import REPO_ROOT

    from svrdf.rdf.oxigraph_terms import TermConverter, from_oxigraph, to_oxigraph

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from generate_study import generate

    graphs = [bad_graph(bundled_graph, path.stem)
              for path in sorted((FIXTURES / "bad-graphs").glob("*.ru"))]
    graphs += [_broken(bundled_graph, rule) for rule in RULES]
    graphs.append(build_graph(load_study(generate(tmp_path / "g", 150, seed=5))))
    refusing = set()
    for graph in graphs:
        store = pyoxigraph.Store()
        store.bulk_extend(TermConverter().quads(graph))
        subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)})
        for rule in RULES:
            target, constraint = _rule_queries(rule)
            selected = {from_oxigraph(row["this"]) for row in store.query(target)}
            refused = {node for node in subjects
                       if list(store.query(constraint, substitutions={
                           pyoxigraph.Variable("this"): to_oxigraph(node)}))}
            assert selected == refused, rule
            if selected:
                refusing.add(rule)
    assert refusing == set(RULES)  # each rule was seen to refuse something


def test_every_shape_speaks_plain_language():
    shapes = shapes_graph()
    query = """
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    SELECT ?shape WHERE {
      ?shape sh:path ?path .
      FILTER NOT EXISTS { ?shape sh:message ?m }
      FILTER NOT EXISTS { ?holder sh:qualifiedValueShape ?shape }
      # A shape of SPARQL constraints alone speaks through their messages.
      FILTER (EXISTS { ?shape ?parameter ?v FILTER(?parameter NOT IN (sh:path, sh:sparql)) }
              || EXISTS { ?shape sh:sparql ?c FILTER NOT EXISTS { ?c sh:message ?m } })
    }"""
    silent = [str(row[0]) for row in shapes.query(query)]
    assert silent == []
    sparql_targets = list(shapes.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?shape WHERE { ?shape sh:target ?t . ?t a sh:SPARQLTarget }"""))
    assert len(sparql_targets) == 5
