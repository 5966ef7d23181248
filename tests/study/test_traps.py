"""Each trap in the bundled study's roster (docs/domain.md), one test each, on the graph."""

from __future__ import annotations

import re

from conftest import query, require_shared

from svrdf.study.builder import load_study

STUDY = "https://w3id.org/svrdf/studies/ordo-17147720/"


def person_of(graph, code: str) -> list[str]:
    return [row[0] for row in query(graph, f"""SELECT ?p {{ ?p a svrdf:Participant ;
        schema:identifier "{code}" }}""")]


def values(graph, person: str, predicate: str) -> set:
    return {row[0] for row in query(graph, f"SELECT ?v {{ <{person}> {predicate} ?v }}")}


def test_one_person_two_codes(bundled_graph):
    [ip8] = person_of(bundled_graph, "IP8")
    assert person_of(bundled_graph, "CC1") == [ip8]
    assert values(bundled_graph, ip8, "schema:identifier") == {"IP8", "CC1"}
    assert values(bundled_graph, ip8, "svrdf:inCase/schema:identifier") == {"CC"}
    assert values(bundled_graph, ip8, "schema:gender") == {"http://schema.org/Male"}
    # interviewed in phase 1 (as IP8) and listed in phase 2 (as CC1): one person in both
    assert values(bundled_graph, ip8, "^prov:wasAssociatedWith/schema:identifier") == {"1", "2"}


def test_code_only_mentioned_places_ip13_in_case_2(bundled_graph):
    [ip13] = person_of(bundled_graph, "IP13")
    assert person_of(bundled_graph, "CB1") == [ip13]
    assert values(bundled_graph, ip13, "svrdf:inCase/schema:name") == {"Case 2"}
    # CB1 is in no phase's list: the code node says so by having no phase.
    assert values(bundled_graph, STUDY + "code/CB1", "svrdf:listedInPhase") == set()
    assert values(bundled_graph, ip13, "^prov:wasAssociatedWith/schema:identifier") == {"1"}


def test_two_people_under_one_code(bundled_graph):
    people = person_of(bundled_graph, "CB6")
    assert len(people) == 2
    genders = sorted(g for p in people for g in values(bundled_graph, p, "schema:gender"))
    assert genders == ["http://schema.org/Female", "http://schema.org/Male"]
    for person in people:
        assert values(bundled_graph, person, "schema:jobTitle") == {"Procurement Manager"}
        assert values(bundled_graph, person, "svrdf:sector/skos:notation") == {"LA"}
    assert values(bundled_graph, STUDY + "code/CB6", "a") >= {
        "https://w3id.org/svrdf/ns#JointInterviewCode"}
    assert values(bundled_graph, STUDY + "code/CB6", "svrdf:numberOfPeople") == {2}


def test_notes_inside_roles_are_not_genders(bundled_graph):
    expected = {
        "IP6": "Executive Director of Social Enterprise (ex-chief executive/senior officer)",
        "IP13": "Senior Strategy Officer (Charities)",
        "IP14": "Director (Charity)",
    }
    for code, title in expected.items():
        [person] = person_of(bundled_graph, code)
        assert values(bundled_graph, person, "schema:jobTitle") == {title}
        assert values(bundled_graph, person, "schema:gender") == {"http://schema.org/Male"}


def test_ragged_punctuation(bundled_graph):
    [cb4] = person_of(bundled_graph, "CB4")
    assert values(bundled_graph, cb4, "schema:jobTitle") == {"Executive Director CVS"}
    assert values(bundled_graph, cb4, "svrdf:sector/skos:notation") == {"VSO"}
    assert values(bundled_graph, cb4, "schema:gender") == {"http://schema.org/Male"}
    [ip15] = person_of(bundled_graph, "IP15")
    assert values(bundled_graph, ip15, "schema:jobTitle") == {"Procurement Manager"}
    assert values(bundled_graph, ip15, "schema:gender") == {"http://schema.org/Female"}


def test_illustrative_code_is_not_a_participant(bundled_graph):
    literals = {str(o) for o in bundled_graph.objects()}
    assert not {"CA10", "CA 10", "CA1"} & literals
    assert person_of(bundled_graph, "CA10") == []


def test_unknown_sector_stays_unknown(bundled_graph):
    rows = query(bundled_graph, """SELECT ?code { ?p a svrdf:Participant ; schema:identifier ?code .
        FILTER NOT EXISTS { ?p svrdf:sector ?s } }""")
    without_sector = {code for (code,) in rows}
    phase_one_only = {f"IP{n}" for n in (1, 3, 6, 7, 10, 12, 14, 15, 19)}
    # IP13 (via CB1) has no sector either; IP8 has one because the record gives CC1 (LA).
    assert without_sector == phase_one_only | {"IP13", "CB1"}


ROSTER_LINE = re.compile(r"^(?P<code>(?:IP|CA|CB|CC)\d+)\b(?P<rest>.*)$")


def test_transcription_matches_the_seed_record(bundled_dir):
    """Every roster line of the source record is a row, with its gender; nothing else is."""
    seed = require_shared("seed/000_9064ac67a04cfab1.txt").read_text(encoding="utf-8")
    listed = {}
    for line in seed.splitlines():
        match = ROSTER_LINE.match(line.strip())
        if match and match.group("rest").strip().startswith(("(", ",")):
            gender = re.findall(r"\((M|F|M&F)\)\s*$", line)
            if gender:
                listed[match.group("code")] = gender[0]
    study = load_study(bundled_dir)
    rows = {c.code: c for c in study.codes}
    assert set(listed) == set(rows) - {"CB1"}
    for code, gender in listed.items():
        assert "&".join(rows[code].genders) == gender, code
    assert rows["CB1"].other_codes == ("IP13",) and "CB1" in seed
