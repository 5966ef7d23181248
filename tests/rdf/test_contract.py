"""The public graph patterns of docs/contract.md hold on the exported graph."""

from __future__ import annotations

from conftest import query


def test_dataset_pattern(bundled_graph):
    rows = query(bundled_graph, """SELECT ?dataset ?person WHERE {
        ?dataset a schema:Dataset, dcat:Dataset ;
            schema:name ?title ; dct:title ?title ;
            schema:description ?abstract ; dct:description ?abstract ;
            schema:creator ?person .
        ?person a schema:Person ; schema:name ?name }""")
    assert {r[0] for r in rows} == {"https://doi.org/10.21954/ou.rd.17147720"}
    phases = query(bundled_graph, "SELECT ?phase { ?d a schema:Dataset ; prov:wasGeneratedBy ?phase }")
    all_phases = query(bundled_graph, "SELECT ?phase { ?phase a prov:Activity ; schema:name ?n }")
    assert sorted(phases) == sorted(all_phases) and len(phases) == 2


def test_phase_pattern_associates_every_participant_with_a_role(bundled_graph):
    direct = set(query(bundled_graph, "SELECT ?phase ?p { ?phase a prov:Activity ; prov:wasAssociatedWith ?p }"))
    qualified = set(query(bundled_graph, """SELECT ?phase ?p { ?phase prov:qualifiedAssociation ?a .
        ?a a prov:Association ; prov:agent ?p ; prov:hadRole ?role }"""))
    assert direct == qualified and direct


def test_participant_pattern_and_privacy(bundled_graph):
    participants = query(bundled_graph, "SELECT ?p { ?p a schema:Person, prov:Agent ; schema:identifier ?code }")
    assert participants
    leaks = query(bundled_graph, """SELECT ?p ?prop { ?p a svrdf:Participant ; ?prop ?v .
        VALUES ?prop { schema:name schema:email schema:telephone schema:address schema:birthDate } }""")
    assert leaks == []
    genders = {row[0] for row in query(bundled_graph,
                                       "SELECT DISTINCT ?g { ?p a svrdf:Participant ; schema:gender ?g }")}
    assert genders == {"http://schema.org/Male", "http://schema.org/Female"}


def test_case_pattern(bundled_graph):
    cases = query(bundled_graph, "SELECT ?id ?name { ?c a svrdf:Case ; schema:identifier ?id ; schema:name ?name }")
    assert sorted(cases) == [("CA", "Case 1"), ("CB", "Case 2"), ("CC", "Case 3")]


def test_no_blank_nodes(bundled_graph):
    from rdflib import BNode

    assert not any(isinstance(term, BNode) for triple in bundled_graph for term in triple)
