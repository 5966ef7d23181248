"""svrdf query: named queries answer the roster's questions; queries stay read-only and offline."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, roster

from svrdf.cli import cli
from svrdf.services.query import QueryError, named_queries, prepare


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


def test_an_attribute_the_study_withholds_is_not_unknown(bundled_dir, tmp_path):
    """The bundled study's people without a case are unknown on case, until the study
    withholds the case: then no one is (the record knows; the study does not publish it)."""
    without_case = sum(1 for p in roster(bundled_dir) if not p.cases)
    assert without_case and sum(1 for r in select("unknown-attributes") if r["unknown"] == "case") == without_case
    folder = tmp_path / "study"
    shutil.copytree(bundled_dir, folder)
    with open(folder / "study.yaml", "a", encoding="utf-8") as handle:
        handle.write("disclosure:\n  withhold: [case]\n")
    rows = select("--study", str(folder), "unknown-attributes")
    assert rows and {r["unknown"] for r in rows} == {"sector"}


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


@pytest.fixture(scope="module")
def long_literal_study(tmp_path_factory):
    """The minimal study with a description of 40 a's and a '!': a regular expression that
    backtracks, such as ^(a+)+$, takes 2^40 steps to give up on it."""
    folder = tmp_path_factory.mktemp("long") / "minimal"
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    path = folder / "study.yaml"
    path.write_text(re.sub(r"(?m)^description: .*$", "description: " + "a" * 40 + "!",
                           path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


BACKTRACKING = ('SELECT ?d WHERE { ?s <http://schema.org/description> ?d '
                'FILTER(REGEX(?d, "^(a+)+$")) }')
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("slow", [BACKTRACKING, CROSS_PRODUCT], ids=["regex", "cross-product"])
def test_timeout_stops_a_runaway_query(long_literal_study, slow):
    # A backtracking regular expression never returns to Python: only a process can be stopped.
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "svrdf.cli", "query", "--study",
                             str(long_literal_study), "--timeout", "1", slow],
                            capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 5
    assert result.returncode == 2
    assert "the query ran longer than 1 s and was stopped (raise the limit with --timeout)" in result.stderr


def test_ctrl_c_stops_a_runaway_query_at_once(long_literal_study):
    process = subprocess.Popen([sys.executable, "-m", "svrdf.cli", "query", "--study",
                                str(long_literal_study), "--timeout", "60", BACKTRACKING],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    for _ in range(200):  # until the query's process is running
        worker = children.read_text().split()
        if worker:
            break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the query's process did not start")
    # As a terminal does: SIGINT to the whole process group.
    os.killpg(process.pid, signal.SIGINT)
    started = time.monotonic()
    _, stderr = process.communicate(timeout=10)
    assert time.monotonic() - started < 2
    assert process.returncode == 130 and "svrdf: interrupted" in stderr
    assert not Path(f"/proc/{worker[0]}").exists()  # the query's process is gone too


#: Values a spreadsheet would run as formulas, and some it would not.
FORMULAS = r"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?v WHERE { VALUES (?i ?v) {
  (1 "=HYPERLINK(\"http://e\")") (2 "+1") (3 "-5") (4 -5) (5 "@SUM(A1)") (6 "\tx") (7 "\rx")
  (8 "x\ty") (9 "=1"^^xsd:integer) (10 "-1.5e3"^^xsd:double) (11 "safe") (12 "-2"@en)
} } ORDER BY ?i"""


def test_csv_defuses_what_a_spreadsheet_would_run():
    result = svrdf("query", "--format", "csv", FORMULAS)
    assert result.exit_code == 0
    cells = [row[0] for row in csv.reader(io.StringIO(result.stdout, newline=""))]
    assert cells == ["v", "'=HYPERLINK(\"http://e\")", "'+1", "'-5", "-5", "'@SUM(A1)", "'\tx",
                     "'\\x0dx", "x\ty", "'=1", "-1.5e3", "safe", "'-2"]


def test_tsv_defuses_formulas_and_keeps_one_value_a_cell():
    result = svrdf("query", "--format", "tsv", FORMULAS)
    assert result.exit_code == 0
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert result.stdout.split("\n") == [
        "?v", '"\'=HYPERLINK(\\"http://e\\")"', '"\'+1"', '"\'-5"', f'"-5"{integer}',
        '"\'@SUM(A1)"', '"\'\\tx"', '"\'\\rx"', '"x\\ty"', f'"\'=1"{integer}',
        '"-1.5e3"^^<http://www.w3.org/2001/XMLSchema#double>', '"safe"', '"\'-2"@en', ""]


def test_json_keeps_every_value_exact():
    values = [row["v"] for row in select(FORMULAS)]
    assert values[:3] == ['=HYPERLINK("http://e")', "+1", "-5"] and values[5:8] == ["\tx", "\rx", "x\ty"]


def test_the_table_escapes_control_characters():
    result = svrdf("query", 'SELECT ?v WHERE { VALUES ?v { "\\u001B]0;owned\\u0007\\u001B[2Jred" '
                            '"two\\nlines" } } ORDER BY ?v')
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b]0;owned\\x07\\x1b[2Jred" in result.stdout
    assert "two\\nlines" in result.stdout and "(2 rows)" in result.stdout


def test_prepare_accepts_every_named_query():
    for named in named_queries().values():
        prepare(named.text)
    with pytest.raises(QueryError):
        prepare("SELECT")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


#: A QueryPool in a fresh interpreter (no thread of pytest's in the way): a runaway query's
#: process, and one past its memory, are killed and replaced; the pool forks nothing itself
#: after it is made, and leaves no process behind.
POOL_SCRIPT = r"""
import functools, os
from rdflib import Graph
from svrdf.services.query import QueriesBusy, QueryOutOfMemory, QueryPool, QueryTimeout, format_result

def children(pid):
    return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]

render = functools.partial(format_result, fmt="json")
pool = QueryPool(Graph(), 2)
[forker] = children(os.getpid())
first = set(children(forker))
assert len(first) == 2, first
assert b'"boolean": true' in pool.run("ASK {}", render, 5)
assert set(children(forker)) == first  # answered: the same processes, kept
slow = 'ASK { FILTER(REGEX("' + "a" * 30 + '!", "^(a+)+$")) }'
try:
    pool.run(slow, render, 1)
    raise AssertionError("not stopped")
except QueryTimeout as error:
    assert "ran longer than 1 s" in error.message
big = '"aaaaaaaaaa"'
for _ in range(7):
    big = f'REPLACE({big}, "a", "aaaaaaaaaa")'
try:
    pool.run(f"SELECT (STRLEN({big}) AS ?n) {{}}", render, 10, 64)
    raise AssertionError("not stopped")
except QueryOutOfMemory as error:
    assert "the limit is 64 MB" in error.message
now = set(children(forker))
assert len(now) == 2 and len(now & first) <= 1, (first, now)  # replaced, none added
assert children(os.getpid()) == [forker]  # the caller forked nothing after the start
import threading, time

def run_slow():
    try:
        pool.run(slow, render, 2)
    except QueryTimeout:
        pass

busy = [threading.Thread(target=run_slow) for _ in range(2)]
for thread in busy:
    thread.start()
time.sleep(0.5)
try:
    pool.run("ASK {}", render, 5)
    raise AssertionError("not turned away")
except QueriesBusy as error:
    assert "2 queries are running" in error.message
for thread in busy:
    thread.join()
assert b'"boolean": true' in pool.run("ASK {}", render, 5)
pool.close()
assert not any(os.path.exists(f"/proc/{pid}") for pid in (forker, *first, *now))
print("ok")
"""


def test_a_pool_replaces_a_process_past_its_limits_and_leaves_none_behind():
    result = subprocess.run([sys.executable, "-c", POOL_SCRIPT], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr


def test_a_pool_is_not_made_once_a_thread_runs():
    """Forking from a process with threads copies locks that other threads hold."""
    import threading

    from rdflib import Graph

    from svrdf.services.query import QueryPool

    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with pytest.raises(RuntimeError, match="before the process starts a thread"):
            QueryPool(Graph(), 1)
    finally:
        release.set()
        thread.join()

