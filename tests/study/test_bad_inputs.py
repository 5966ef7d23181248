"""Bad and hostile input: one clear message naming the file and the row, key or field, a
non-zero exit, no traceback, earlier output byte-unchanged and no partial file left."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BAD_INPUT_CASES, FIXTURES, apply_edit
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from svrdf.cli import cli

CASES = BAD_INPUT_CASES
PREVIOUS_OUTPUT = b"# good output from an earlier run\n"


@pytest.fixture
def workspace(tmp_path):
    study = tmp_path / "study"
    shutil.copytree(FIXTURES / "studies" / "minimal", study)
    out = tmp_path / "out"
    out.mkdir()
    (out / "out.ttl").write_bytes(PREVIOUS_OUTPUT)
    return study, out


def run_svrdf(study: Path, out: Path, args: list[str]):
    command, *rest = args
    full = [command, "--study", str(study), *rest]
    if command == "export" and "-o" not in rest:
        full += ["-o", str(out / "out.ttl")]
    return CliRunner().invoke(cli, full)


def assert_clean_failure(result, out: Path, exit_code: int, fragments: list[str]):
    assert result.exit_code == exit_code, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert result.stderr.count("svrdf: error:") == 1 or (exit_code == 1 and "Violation" in result.stderr)
    for fragment in fragments:
        assert fragment in result.stderr, fragment
    assert result.stdout == ""
    assert (out / "out.ttl").read_bytes() == PREVIOUS_OUTPUT
    assert [p.name for p in out.iterdir()] == ["out.ttl"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_case(workspace, name):
    case = CASES[name]
    study, out = workspace
    for edit in case.get("edits", []):
        apply_edit(study, edit)
    inputs = {path.name: path.read_bytes() for path in study.iterdir()
              if path.is_file() and not path.is_symlink()}
    args = [arg.replace("{tmp}", str(out.parent)).replace("{study}", str(study))
            for arg in case.get("args", ["export"])]
    result = run_svrdf(study, out, args)
    assert_clean_failure(result, out, case["exit"], case["stderr"])
    assert "PATH=" not in result.stderr  # no file's content (here, the environment) is echoed
    for fragment in case.get("absent", []):
        assert fragment not in result.stderr, fragment
    assert {name: (study / name).read_bytes() for name in inputs} == inputs  # no input replaced


def test_corpus_covers_each_listed_kind_of_bad_input():
    assert len(CASES) >= 30


def test_file_that_is_not_utf8(workspace):
    study, out = workspace
    path = study / "participants.csv"
    path.write_bytes(path.read_bytes().replace(b"Team", "\u00c9quipe".encode("latin-1")))
    result = run_svrdf(study, out, ["export"])
    assert_clean_failure(result, out, 2, ["participants.csv, line 4", "not UTF-8", "0xc9"])


def test_byte_order_mark_is_accepted(workspace):
    study, out = workspace
    for name in ("participants.csv", "study.yaml"):
        path = study / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run_svrdf(study, out, ["validate"]).exit_code == 0


def test_ten_megabyte_field_is_refused(workspace):
    study, out = workspace
    with open(study / "participants.csv", "a", encoding="utf-8") as handle:
        handle.write("D4,fieldwork,,,," + "x" * 10_000_000 + ",,,\n")
    result = run_svrdf(study, out, ["export"])
    assert_clean_failure(result, out, 2, ["participants.csv, row 6", "longer than 65,536 characters"])


def test_two_hundred_megabyte_file_is_refused_without_reading_it(workspace):
    study, out = workspace
    with open(study / "participants.csv", "r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk used, no memory needed
    result = run_svrdf(study, out, ["export"])
    assert_clean_failure(result, out, 2, ["participants.csv", "209,715,200 bytes; svrdf reads at most"])


def test_unwritable_output_path(workspace):
    study, out = workspace
    # /proc refuses new files even to root, which CI runs as.
    result = run_svrdf(study, out, ["export", "-o", "/proc/svrdf-test-output.ttl"])
    assert_clean_failure(result, out, 2, ["/proc/svrdf-test-output.ttl", "cannot write"])


def test_drop_column_is_the_only_way_past_an_identifying_column(workspace):
    study, out = workspace
    path = study / "participants.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows = [rows[0] + ",email"] + [row + ",someone@example.org" for row in rows[1:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_svrdf(study, out, ["export"]).exit_code == 1
    result = run_svrdf(study, out, ["export", "--drop-column", "email"])
    assert result.exit_code == 0, result.stderr
    assert b"example.org" not in (out / "out.ttl").read_bytes().replace(b"https://example.org/", b"")


@pytest.mark.parametrize("role", [
    "Officer\non two lines", "Officer \u202e(reversed)", "Officer\u200b", 'Officer "quoted" <b>{x}|^`\\',
])
def test_odd_but_harmless_values_are_encoded_safely(workspace, role):
    study, out = workspace
    path = study / "participants.csv"
    escaped = role.replace('"', '""')
    text = path.read_text(encoding="utf-8").replace("PUB,Team,", f'PUB,"{escaped}",')
    path.write_text(text, encoding="utf-8")
    graphs = []
    for fmt, parser in (("turtle", "turtle"), ("nt", "nt"), ("json-ld", "json-ld")):
        target = out / f"out.{fmt}"
        result = run_svrdf(study, out, ["export", "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        graphs.append(Graph().parse(target, format=parser))
    assert any(str(o) == role for o in graphs[0].objects())
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deeply_nested_yaml_is_refused(workspace, depth):
    study, out = workspace
    path = study / "study.yaml"
    text = path.read_text(encoding="utf-8")
    nested = "[" * depth + "]" * depth
    path.write_text(text.replace("keywords: [interviews, testing]", f"keywords: {nested}"),
                    encoding="utf-8")
    result = run_svrdf(study, out, ["export"])
    assert_clean_failure(result, out, 2, ["study.yaml", "nested too deeply"])


@pytest.mark.parametrize("note", [
    "interviewed 2021-03-01 to 2021-03-05",
    "interviewed 2021-03-01 - 2021-03-05",
    "2021-03-01/2021-03-05",
    "01.03.2021-05.03.2021",
])
def test_a_date_range_in_a_note_is_not_taken_for_a_phone_number(workspace, note):
    # Dates are taken out before the phone-number check: a range of two dates has as many
    # digits, and as many separators, as a phone number.
    study, out = workspace
    path = study / "participants.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2,joint", f"2,{note}"),
                    encoding="utf-8")
    result = run_svrdf(study, out, ["export"])
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(out / "out.ttl", format="turtle")
    code = URIRef("https://example.org/studies/minimal/code/J2")
    assert list(graph.objects(code, RDFS.comment)) == [Literal(note)]


def test_one_hundred_people_under_a_code_is_the_most_accepted(workspace):
    study, out = workspace
    path = study / "participants.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("PUB,Team,N;W,,2,", "PUB,Team,W,,100,"),
                    encoding="utf-8")
    result = run_svrdf(study, out, ["export"])
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(out / "out.ttl", format="turtle")
    participant = "https://example.org/studies/minimal/participant/J2/"
    assert {str(s) for s in graph.subjects() if str(s).startswith(participant)} == {
        f"{participant}{n}" for n in range(1, 101)}
