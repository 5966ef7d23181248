"""svrdf query: named queries answer the roster's questions; queries stay read-only and offline."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, roster
from svrdf.cli import cli
from svrdf.query import QueryError, named_queries, prepare


def svrdf(*args):
    return CliRunner().invoke(cli, list(args))


def select(*args) -> list[dict]:
    result = svrdf("query", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    return [{k: v["value"] for k, v in row.items()} for row in document["results"]["bindings"]]


def test_named_queries_are_listed_with_what_they_answer():
    result = svrdf("query", "--list")
    assert result.exit_code == 0
    for name in ("people-per-case", "people-per-phase", "gender-by-sector", "codes-of-each-person",
                 "shared-codes", "unknown-attributes", "citation"):
        assert name in named_queries() and name in result.stdout
        assert named_queries()[name].description


def test_people_per_case_and_phase_equal_the_roster(bundled_dir):
    people = roster(bundled_dir)
    by_case = {r["case"]: int(r["people"]) for r in select("people-per-case")}
    assert by_case == dict(Counter(c for p in people for c in p.cases))
    by_phase = {r["phase"]: int(r["people"]) for r in select("people-per-phase")}
    assert by_phase == dict(Counter(ph for p in people for ph in p.phases))


def test_gender_by_sector_adds_up_to_everyone(bundled_dir):
    rows = select("gender-by-sector")
    assert sum(int(r["people"]) for r in rows) == len(roster(bundled_dir))
    assert {"sector": "LA", "gender": "Female", "people": "3"} in rows


def test_codes_of_each_person_and_shared_codes(bundled_dir):
    people = roster(bundled_dir)
    rows = select("codes-of-each-person")
    codes_per_person = Counter(r["person"] for r in rows)
    assert sorted(codes_per_person.values()) == sorted(len(p.codes) for p in people)
    shared = {r["code"]: int(r["people"]) for r in select("shared-codes")}
    counts = Counter(code for p in people for code in p.codes)
    assert shared == {code: n for code, n in counts.items() if n > 1}


def test_unknown_attributes_match_empty_cells(bundled_dir):
    people = roster(bundled_dir)
    rows = select("unknown-attributes")
    without_case = {r["codes"] for r in rows if r["unknown"] == "case"}
    assert len(without_case) == sum(1 for p in people if not p.cases)


def test_citation():
    [row] = select("citation")
    assert row["creator"] == "Cristina Mititelu" and row["year"] == "2021"
    assert row["identifier"] == "https://doi.org/10.21954/ou.rd.17147720"


def test_query_over_two_studies(bundled_dir):
    minimal = str(FIXTURES / "studies" / "minimal")
    rows = select("--study", str(bundled_dir), "--study", minimal, "people-per-case")
    assert {r["case"] for r in rows} == {"CA", "CB", "CC", "K1"}


@pytest.mark.parametrize("fmt, start", [("table", "case"), ("csv", "case,name,people"),
                                        ("tsv", "?case\t?name\t?people\n")])
def test_result_formats(fmt, start):
    result = svrdf("query", "--format", fmt, "people-per-case")
    assert result.exit_code == 0 and result.stdout.startswith(start)


def test_ask_and_construct():
    assert svrdf("query", "ASK { ?s a <http://schema.org/Dataset> }").stdout == "true\n"
    result = svrdf("query", "CONSTRUCT { ?d <http://schema.org/name> ?n } WHERE "
                            "{ ?d a <http://schema.org/Dataset> ; <http://schema.org/name> ?n }")
    assert result.exit_code == 0 and "schema:name" in result.stdout


def test_syntax_error_names_line_and_column():
    result = svrdf("query", "SELECT ?x\nWHERE { ?x ?y }")
    assert result.exit_code == 2 and "line 2, column" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/q> { ?s ?p ?o } } }",
     "SERVICE is refused"),
    ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", "FROM and FROM NAMED"),
    ("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", "updates are refused"),
    ("LOAD <http://example.org/remote.ttl>", "updates are refused"),
])
def test_refused_queries_never_reach_the_network(text, message, no_network):
    result = svrdf("query", text)
    assert result.exit_code == 2 and message in result.stderr


def test_timeout_stops_a_runaway_query():
    # In a process of its own: the abandoned query thread ends with the process.
    import subprocess
    import sys

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = subprocess.run([sys.executable, "-m", "svrdf.cli", "query", "--timeout", "0.5", slow],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "ran longer than 0.5 s" in result.stderr


def test_prepare_accepts_every_named_query():
    for named in named_queries().values():
        prepare(named.text)
    with pytest.raises(QueryError):
        prepare("SELECT")
