"""A study shaped unlike the bundled one (housing-voices: focus groups with listed members, a
joint interview, three phases, an empty case, partial dates, four gender codes): SPARQL over
svrdf's exported graph answers an analyst's questions as the study's own files do.

Every expected answer is worked out in the test from the fixture's files, through the oracle
``conftest.roster`` (which never uses svrdf) or by reading the CSV and YAML directly; no count is
written down here. The graph is the one parsed back from svrdf's Turtle.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest
import yaml
from conftest import (
    FIXTURES,
    GENDER_OF_EACH_PERSON,
    gender_label,
    graph_gender_label,
    participant_iri,
    query,
    roster,
    study_genders,
)
from rdflib import Graph

from svrdf.forms import FORMATS
from svrdf.pipeline import export_study

STUDY = FIXTURES / "studies" / "housing-voices"
SVRDF = "https://w3id.org/svrdf/ns#"
#: The ontology's class of each kind of event (ontology/svrdf.ttl), as the `event` column names it.
EVENT_CLASSES = {f"{SVRDF}Interview": "interview", f"{SVRDF}JointInterview": "joint-interview",
                 f"{SVRDF}FocusGroup": "focus-group"}


@pytest.fixture(scope="module")
def graph() -> Graph:
    export = export_study(STUDY)
    assert export.report is None or export.report.conforms
    return Graph().parse(data=export.serialize(FORMATS["turtle"]), format="turtle")


@pytest.fixture(scope="module")
def people():
    return roster(STUDY)


@pytest.fixture(scope="module")
def study() -> dict:
    return yaml.safe_load((STUDY / "study.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(STUDY / "participants.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_how_many_people_and_how_many_codes(graph, people, rows):
    [(n_people,)] = query(graph, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a svrdf:Participant }")
    [(n_codes,)] = query(graph, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a svrdf:QuotationCode }")
    [(n_quoted,)] = query(graph, """SELECT (COUNT(DISTINCT ?code) AS ?n)
                                    { ?p a svrdf:Participant ; schema:identifier ?code }""")
    assert n_people == len(people)
    assert n_codes == n_quoted == len(rows) == len(set().union(*(p.codes for p in people)))
    # People and codes differ: groups count several people, listed members several codes.
    assert n_people != n_codes


def test_people_under_each_code_are_the_number_its_row_gives(graph, people, rows):
    got = dict(query(graph, """SELECT ?code (COUNT(DISTINCT ?p) AS ?n) {
        ?p a svrdf:Participant ; svrdf:hasQuotationCode ?c . ?c svrdf:notation ?code }
        GROUP BY ?code"""))
    assert got == dict(Counter(code for p in people for code in p.codes))
    assert got == {row["code"]: int(row["people"] or 1) for row in rows}
    declared = dict(query(graph, "SELECT ?code ?n { ?c svrdf:notation ?code ; svrdf:numberOfPeople ?n }"))
    assert declared == got


def test_who_was_in_the_first_focus_group(graph, people, study, rows):
    group = next(row for row in rows if row["event"] == "focus-group")["code"]
    answer = query(graph, f"""SELECT ?p ?code {{
        ?fg svrdf:notation "{group}" ; svrdf:collectedIn ?event .
        ?event a svrdf:FocusGroup .
        ?p a svrdf:Participant ; svrdf:hasQuotationCode ?fg ; schema:identifier ?code }}""")
    by_person: dict[str, set[str]] = {}
    for person, code in answer:
        by_person.setdefault(person, set()).add(code)
    members = [p for p in people if group in p.codes]
    size = int(next(row for row in rows if row["code"] == group)["people"])
    assert len(by_person) == len(members) == size
    assert {iri: frozenset(codes) for iri, codes in by_person.items()} == {
        participant_iri(study["base-iri"], p.key): p.codes for p in members}
    # The member listed in people.csv who was also interviewed alone is one node, with both codes.
    alone = {row["code"] for row in rows if int(row["people"] or 1) == 1}
    listed_alone = [p for p in members if p.listed and p.codes & alone]
    assert listed_alone, "the fixture has a member of the group who was also interviewed alone"
    for person in listed_alone:
        node = participant_iri(study["base-iri"], person.key)
        assert by_person[node] == set(person.codes)
    # The others are the group's unnamed members, numbered under its code.
    unnamed = {iri for iri in by_person if iri.startswith(participant_iri(study["base-iri"], group) + "/")}
    assert len(unnamed) == size - sum(1 for p in members if p.listed)


def test_people_per_case_including_the_case_nobody_is_in(graph, people, study):
    answer = dict(query(graph, """SELECT ?case (COUNT(DISTINCT ?p) AS ?n) {
        ?c a svrdf:Case ; schema:identifier ?case .
        OPTIONAL { ?p a svrdf:Participant ; svrdf:inCase ?c } } GROUP BY ?case"""))
    expected = {str(case["id"]): sum(1 for p in people if str(case["id"]) in p.cases)
                for case in study["cases"]}
    assert answer == expected
    assert 0 in expected.values(), "the fixture has a case with nobody in it"
    [(without,)] = query(graph, """SELECT (COUNT(DISTINCT ?p) AS ?n) {
        ?p a svrdf:Participant FILTER NOT EXISTS { ?p svrdf:inCase ?c } }""")
    assert without == sum(1 for p in people if not p.cases)


def test_people_per_phase(graph, people, study):
    answer = dict(query(graph, """SELECT ?phase (COUNT(DISTINCT ?p) AS ?n) {
        ?ph a svrdf:FieldworkPhase ; schema:identifier ?phase .
        OPTIONAL { ?ph prov:wasAssociatedWith ?p . ?p a svrdf:Participant } } GROUP BY ?phase"""))
    assert answer == {str(phase["id"]): sum(1 for p in people if str(phase["id"]) in p.phases)
                      for phase in study["phases"]}
    # Someone in two phases is counted in each, once.
    [(in_two,)] = query(graph, """SELECT (COUNT(*) AS ?n) { SELECT ?p {
        ?ph a svrdf:FieldworkPhase ; prov:wasAssociatedWith ?p } GROUP BY ?p
        HAVING (COUNT(DISTINCT ?ph) > 1) }""")
    assert in_two == sum(1 for p in people if len(p.phases) > 1) > 0


def test_people_by_gender_with_not_recorded_apart_from_prefer_not_to_say(graph, people):
    answer: Counter = Counter()
    each: dict[str, str] = {}
    for person, g, notation, refused in query(graph, GENDER_OF_EACH_PERSON):
        label = graph_gender_label(g, notation, refused)
        answer[label] += 1
        assert person not in each, f"{person} has two genders"
        each[person] = label
    expected = Counter(gender_label(study_genders(STUDY), p.gender) for p in people)
    assert answer == expected
    assert expected["not recorded"] > 0
    assert any(label.startswith("prefer not to say") for label in expected)
    # The two are different concepts in the graph, not two names of one.
    [(same,)] = query(graph, """SELECT (COUNT(*) AS ?n) {
        ?g skos:exactMatch svrdf:PreferNotToSay FILTER(?g = svrdf:NotRecorded) }""")
    assert same == 0


def test_each_persons_gender_including_a_groups_unnamed_members(graph, people, study):
    """Listed members take their own gender's entry from the group's list, the unnamed members
    what is left, in order; a member whose gender is not in the list takes an empty entry."""
    each = {person: graph_gender_label(g, notation, refused)
            for person, g, notation, refused in query(graph, GENDER_OF_EACH_PERSON)}
    genders = study_genders(STUDY)
    assert each == {participant_iri(study["base-iri"], p.key): gender_label(genders, p.gender)
                    for p in people}


def test_events_by_kind_and_mode(graph, rows):
    answer = Counter()
    for kind, mode, n in query(graph, """SELECT ?kind ?mode (COUNT(DISTINCT ?e) AS ?n) {
            ?e a svrdf:DataCollectionEvent, ?kind .
            FILTER(?kind IN (svrdf:Interview, svrdf:JointInterview, svrdf:FocusGroup))
            OPTIONAL { ?e svrdf:modeOfCollection ?m . ?m skos:notation ?mode } }
            GROUP BY ?kind ?mode"""):
        answer[(EVENT_CLASSES[kind], mode)] += n
    expected = Counter(
        (row["event"] or ("interview" if int(row["people"] or 1) == 1 else "joint-interview"),
         row["mode"] or None) for row in rows)
    assert answer == expected
    # Each event is of one kind only.
    [(events,)] = query(graph, "SELECT (COUNT(DISTINCT ?e) AS ?n) { ?e a svrdf:DataCollectionEvent }")
    assert events == sum(expected.values()) == len(rows)


def test_events_dates_and_people(graph, people, rows):
    dates = {}
    for code, start, end in query(graph, """SELECT ?code ?start ?end {
            ?c svrdf:notation ?code ; svrdf:collectedIn ?e .
            OPTIONAL { ?e schema:startDate ?s } OPTIONAL { ?e schema:endDate ?en }
            BIND(STR(?s) AS ?start) BIND(STR(?en) AS ?end) }"""):
        dates[code] = (start, end)
    expected = {}
    for row in rows:
        start, _, end = row["date"].partition("/")
        expected[row["code"]] = (start or None, (end or start) or None)
    assert dates == expected
    # An event's people are its code's people.
    per_event = dict(query(graph, """SELECT ?code (COUNT(DISTINCT ?p) AS ?n) {
        ?c svrdf:notation ?code ; svrdf:collectedIn ?e . ?p svrdf:hasQuotationCode ?c }
        GROUP BY ?code"""))
    assert per_event == dict(Counter(code for p in people for code in p.codes))


def test_the_roster_oracle_reads_the_fixture_as_its_files_say(people, rows):
    """The oracle itself, against what can be read straight off the files: each row's people,
    less one for each pair of rows that name each other and for each code of a person of
    people.csv beyond their first (they are counted once, not again)."""
    with open(STUDY / "people.csv", encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert len(people) == (sum(int(r["people"] or 1) for r in rows)
                           - sum(1 for r in rows if r["other_codes"]) // 2
                           - sum(len(p["codes"].split(";")) - 1 for p in listed))
    assert {p.listed for p in people if p.listed} == {p["person"] for p in listed}
