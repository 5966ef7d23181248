"""Fuzzing the inputs a user controls: study.yaml, participants.csv and SPARQL queries, mutated
at random with hostile text. Whatever the input, svrdf exits 0, 1 or 2, never with a
traceback; what it writes is valid, or it writes nothing and the earlier output stays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svrdf.cli import cli

PREVIOUS = b"# the output of an earlier run\n"

#: Text that has broken parsers, writers and terminals somewhere.
HOSTILE = [
    '"', '"""', "'", "\\", "\n", "\r\n", "\t", "", " ", "#", ": ", "- ", "&a", "*a", "!!python/object:os.system",
    "%", "%zz", "{", "}", "[", "]", ",", ";", "<", ">", "&", "<!--<script>", "</script>",
    "]]>", "=HYPERLINK(\"http://evil.example\")", "+1", "-1", "@SUM(A1)", "\x1b[2J", "\u202e",
    "\ufeff", "\u2028", "\x85", "é", "𝔘", "0", "-0", "1e999", "2021-02-30", "2020-13",
    "9999-12-31", "null", "~", "yes", "no", "NaN", ".inf", "http://[::1", "https://a..b/",
    "file:///etc/passwd", "../../etc/passwd", "/proc/self/environ", "06.12.34.56.78",
    "someone@example.org", "x" * 300, "IP1", "C3", "FG1", "K1", "fieldwork",
]

hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` with a few random edits: a value replaced, text inserted, a slice deleted."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["value", "insert", "delete"]))
        if kind == "value":
            index = draw(st.integers(0, len(lines) - 1))
            line = lines[index]
            cut = max(line.find(": ") + 2, line.rfind(",") + 1, 0) if line else 0
            lines[index] = line[:cut] + draw(hostile_text)
            text = "\n".join(lines)
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(hostile_text) + text[at:]
        else:
            start = draw(st.integers(0, len(text)))
            text = text[:start] + text[start + draw(st.integers(1, 20)):]
    return text


@pytest.fixture(scope="module")
def study_texts():
    minimal = FIXTURES / "studies" / "minimal"
    return {name: (minimal / name).read_text(encoding="utf-8")
            for name in ("study.yaml", "participants.csv")}


def export_and_check(tmp_path: Path, files: dict[str, str]) -> None:
    study = tmp_path / "study"
    shutil.rmtree(study, ignore_errors=True)
    shutil.copytree(FIXTURES / "studies" / "minimal", study)
    for name, text in files.items():
        (study / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    target = out / "study.nt"
    target.write_bytes(PREVIOUS)
    result = CliRunner().invoke(cli, ["export", "--study", str(study), "-o", str(target)])
    assert result.exit_code in (0, 1, 2), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["study.nt"]  # no temporary file left
    if result.exit_code == 0:
        assert list(pyoxigraph.parse(target.read_bytes(), format=pyoxigraph.RdfFormat.N_TRIPLES))
    else:
        assert target.read_bytes() == PREVIOUS
        assert "svrdf: error:" in result.stderr or "Violation" in result.stderr
    for name, text in files.items():  # the inputs are as they were
        assert (study / name).read_bytes() == text.encode("utf-8", "surrogatepass")


FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(data=st.data())
def test_fuzzed_study_yaml(tmp_path, study_texts, data):
    export_and_check(tmp_path, {"study.yaml": data.draw(mutated(study_texts["study.yaml"]))})


@FUZZ
@given(data=st.data())
def test_fuzzed_participants_csv(tmp_path, study_texts, data):
    export_and_check(tmp_path, {"participants.csv": data.draw(mutated(study_texts["participants.csv"]))})


QUERY_PARTS = st.sampled_from([
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <https://example.org/studies/minimal/dataset>",
    'SELECT ?x WHERE { BIND("\\u0007\\u001b[2J" AS ?x) }',
    'SELECT ?x WHERE { BIND("=cmd|\' /C calc\'!A0" AS ?x) }',
    'SELECT ?x WHERE { BIND("a\\nb\\"c<d>&" AS ?x) }',
    'SELECT ?x WHERE { BIND(<https://example.org/a> AS ?x) }',
    "SELECT ?x WHERE { BIND(STRLANG(\"x\", \"en\") AS ?x) }",
    "INSERT DATA { <a:b> <a:c> <a:d> }", "LOAD <http://example.org/>", "CLEAR ALL",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o ", "PREFIX : <", "}", "{", "(", "?", "SELECT", "\x00", "#",
])


@settings(max_examples=80, deadline=None)
@given(parts=st.lists(st.one_of(QUERY_PARTS, st.sampled_from(HOSTILE)), min_size=1, max_size=3),
       result_format=st.sampled_from(["table", "csv", "tsv", "json"]))
def test_fuzzed_sparql(parts, result_format):
    minimal = FIXTURES / "studies" / "minimal"
    result = CliRunner().invoke(cli, ["query", "--study", str(minimal), "--format", result_format,
                                      "--timeout", "5", " ".join(parts)])
    assert result.exit_code in (0, 1, 2), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code != 0:
        # A refusal is only a message, and when JSON was asked for, a JSON object saying so.
        if result_format == "json":
            assert json.loads(result.stdout_bytes)["exit_code"] == result.exit_code
        else:
            assert result.stdout_bytes == b""
        return
    body = result.stdout_bytes
    if " ".join(parts).lstrip().startswith(("CONSTRUCT", "DESCRIBE")):
        list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.TURTLE))
    elif result_format == "json":
        json.loads(body)
    else:  # for a terminal or a spreadsheet: no escape sequence; in CSV, no formula
        assert b"\x1b" not in body and b"\x07" not in body
        if result_format == "csv":
            assert not any(line.startswith((b"=", b"@")) for line in body.splitlines())
