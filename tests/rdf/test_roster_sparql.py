"""SPARQL over the exported graph answers the roster's questions.

Expected answers are worked out from the study's files by ``conftest.roster``, never from the
graph, and the graph is the one parsed back from svrdf's Turtle output. housing-voices brings
focus groups whose members are listed in people.csv (tests/study/test_general_studies.py asks it more).
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import query, roster
from rdflib import Graph

from svrdf.forms import get_format
from svrdf.rdf.mapping import build_graph
from svrdf.study.builder import load_study


@pytest.fixture(scope="module", params=["bundled", "minimal", "housing-voices"])
def study(request, bundled_dir):
    from conftest import FIXTURES

    directory = bundled_dir if request.param == "bundled" else FIXTURES / "studies" / request.param
    study = load_study(directory)
    exported = get_format("turtle").serialize(study, build_graph(study))
    return Graph().parse(data=exported, format="turtle"), roster(directory), directory


def test_how_many_people_and_codes(study):
    graph, people, _ = study
    [(n_people,)] = query(graph, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a svrdf:Participant }")
    [(n_codes,)] = query(graph, """SELECT (COUNT(DISTINCT ?code) AS ?n)
                                   { ?p a svrdf:Participant ; schema:identifier ?code }""")
    assert n_people == len(people)
    assert n_codes == len(set().union(*(p.codes for p in people)))


def test_women_and_men(study):
    graph, people, directory = study
    study_model = load_study(directory)
    schema_term = {g.code: g.schema_term for g in study_model.genders}
    expected = Counter(schema_term.get(p.gender) for p in people if p.gender)
    for term in ("Female", "Male"):
        [(n,)] = query(graph, f"""SELECT (COUNT(DISTINCT ?p) AS ?n)
                                  {{ ?p a svrdf:Participant ; schema:gender schema:{term} }}""")
        assert n == expected[term], term


def test_people_per_case(study):
    graph, people, _ = study
    rows = query(graph, """SELECT ?case (COUNT(DISTINCT ?p) AS ?n) {
        ?p a svrdf:Participant ; svrdf:inCase ?c . ?c schema:identifier ?case } GROUP BY ?case""")
    expected = Counter(case for p in people for case in p.cases)
    assert dict(rows) == dict(expected)


def test_who_was_interviewed_in_the_first_phase(study):
    graph, people, directory = study
    first = load_study(directory).phases[0].id
    rows = query(graph, f"""SELECT ?p ?code {{
        ?phase a svrdf:FieldworkPhase ; schema:identifier "{first}" ; prov:wasAssociatedWith ?p .
        ?p schema:identifier ?code }}""")
    by_person: dict = {}
    for person, code in rows:
        by_person.setdefault(person, set()).add(code)
    got = Counter(frozenset(codes) for codes in by_person.values())
    expected = Counter(p.codes for p in people if first in p.phases)
    assert got == expected


def test_which_person_carries_two_codes(study):
    graph, people, _ = study
    rows = query(graph, """SELECT DISTINCT ?a ?b { ?p a svrdf:Participant ;
        schema:identifier ?a, ?b . FILTER(?a < ?b) }""")
    expected = {tuple(sorted(p.codes)) for p in people if len(p.codes) == 2}
    assert set(rows) == expected and expected


def test_which_code_belongs_to_two_people(study):
    graph, people, _ = study
    rows = query(graph, """SELECT ?code (COUNT(DISTINCT ?p) AS ?n) {
        ?p a svrdf:Participant ; schema:identifier ?code } GROUP BY ?code HAVING (COUNT(DISTINCT ?p) > 1)""")
    counts = Counter(code for p in people for code in p.codes)
    assert dict(rows) == {code: n for code, n in counts.items() if n > 1}
    assert rows
