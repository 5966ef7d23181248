"""The command line: help, version, streams, exit codes, and files written or left alone."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from rdflib import Graph

from svrdf import __version__
from svrdf.cli import cli


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)
    return invoke


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "Exit codes" in result.stdout


def test_export_turtle_to_stdout_is_the_graph_and_messages_go_to_stderr(run):
    result = run("export", "--format", "turtle")
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 300
    assert "@prefix" not in result.stderr


def test_export_dash_means_stdout(run):
    assert run("export", "-o", "-").stdout == run("export").stdout


def test_export_guesses_format_from_suffix(run, tmp_path):
    target = tmp_path / "study.jsonld"
    result = run("export", "-o", str(target))
    assert result.exit_code == 0 and f"wrote {target}" in result.stderr
    assert target.read_text().lstrip().startswith("{")


def test_export_all_writes_every_form_into_a_folder_it_makes(run, tmp_path):
    out = tmp_path / "new" / "bundle"
    result = run("export", "--format", "all", "--out-dir", str(out))
    assert result.exit_code == 0, result.stderr
    from svrdf.forms import bundle_formats

    # Every form, and the record of the run.
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f.filename for f in bundle_formats()), "prov.ttl"])


def test_export_of_several_studies_makes_its_folder(run, tmp_path, bundled_dir):
    out = tmp_path / "new"
    result = run("export", "--study", str(bundled_dir), "--format", "nquads", "--out-dir", str(out))
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["studies.nq"]


def test_unknown_format_is_a_usage_error(run):
    result = run("export", "--format", "rdfxml-nope")
    assert result.exit_code == 2 and "choose from" in result.stderr


def test_all_without_out_dir_is_a_usage_error(run):
    assert run("export", "--format", "all").exit_code == 2


def test_invalid_study_exits_1_and_writes_nothing(run, study_copy, tmp_path):
    # A person whose only code has no phase is interviewed in no phase: the loader accepts
    # the row, the shapes refuse the graph.
    text = (study_copy / "participants.csv").read_text()
    (study_copy / "participants.csv").write_text(text.replace("IP3,1,", "IP3,,"))
    target = tmp_path / "out.ttl"
    target.write_text("good old output")
    result = run("export", "--study", str(study_copy), "-o", str(target))
    assert result.exit_code == 1
    assert "Violation" in result.stderr and "participant/IP3" in result.stderr
    assert target.read_text() == "good old output"
    assert run("validate", "--study", str(study_copy)).exit_code == 1


def test_no_validate_says_so_loudly(run):
    result = run("export", "--no-validate")
    assert result.exit_code == 0 and "NOT checked" in result.stderr


def test_validate_reports_valid(run):
    result = run("validate")
    assert result.exit_code == 0 and "valid (0 violations" in result.stderr


def test_init_copies_the_bundled_study_and_refuses_to_overwrite(run, tmp_path, bundled_dir):
    target = tmp_path / "my-study"
    assert run("init", str(target)).exit_code == 0
    assert (target / "participants.csv").read_bytes() == (bundled_dir / "participants.csv").read_bytes()
    copied = (target / "study.yaml").read_text()
    assert "base-iri: https://example.org/studies/my-study/" in copied
    assert "w3id.org/svrdf/studies/ordo-17147720" not in copied
    assert run("validate", "--study", str(target)).exit_code == 0
    again = run("init", str(target))
    assert again.exit_code == 2 and "never overwrites" in again.stderr


def test_missing_study_folder_is_a_clean_error_in_a_real_process(tmp_path):
    result = subprocess.run([sys.executable, "-m", "svrdf.cli", "export", "--study",
                             str(tmp_path / "nope")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("svrdf: error: ") and "no such study folder" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_strict_turns_the_bundled_warnings_into_failure(run, tmp_path):
    target = tmp_path / "out.ttl"
    result = run("export", "--strict", "-o", str(target))
    assert result.exit_code == 1 and "--strict refuses warnings" in result.stderr
    assert not target.exists()
    assert run("validate", "--strict").exit_code == 1
    plain = run("export", "-o", str(target))
    assert plain.exit_code == 0 and "Warning:" in plain.stderr and target.exists()


def test_validate_json_has_one_stable_object_per_result(run):
    import json

    result = run("validate", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["conforms"] is True and document["violations"] == 0
    assert document["warnings"] == len(document["results"]) == 11
    keys = {"severity", "message", "focusNode", "resultPath", "value", "sourceShape",
            "sourceConstraintComponent", "sources"}
    assert all(set(r) == keys for r in document["results"])
    assert all(r["sources"] and r["sources"][0]["file"].endswith("study.yaml")
               for r in document["results"])


def test_validate_turtle_is_a_standard_validation_report(run):
    from rdflib.namespace import RDF, SH

    result = run("validate", "--format", "turtle")
    report = Graph().parse(data=result.stdout, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert len(list(report.objects(node, SH.result))) == 11


def test_a_bug_is_one_line_and_exit_3_not_a_traceback(monkeypatch):
    import svrdf.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(svrdf.pipeline, "check_study", broken)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 3
    assert "internal error: ZeroDivisionError: simulated bug" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_pipe_is_not_a_bug():
    result = subprocess.run(f"{sys.executable} -m svrdf.cli export -f nt | head -1",
                            shell=True, capture_output=True, text=True)
    assert result.stdout.startswith("<") and "internal error" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("column", ["code", "person", "codes"])
def test_a_column_every_row_needs_cannot_be_left_unread(run, column):
    """participants.csv's code, people.csv's person and codes: without them no row is read."""
    result = run("export", "--study", str(FIXTURES / "studies" / "housing-voices"), "--drop-column", column)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"--drop-column '{column}': a column every row needs cannot be left unread" in result.stderr


@pytest.mark.parametrize("column, prop, values", [
    ("note", "http://www.w3.org/2000/01/rdf-schema#comment", {"joint"}),
    ("role", "http://schema.org/jobTitle", {"Officer", "Team"}),
])
def test_drop_column_leaves_its_values_out_of_the_graph(run, minimal_study, tmp_path, column,
                                                        prop, values):
    from rdflib import URIRef

    kept, dropped = tmp_path / "kept.ttl", tmp_path / "dropped.ttl"
    assert run("export", "--study", str(minimal_study), "-o", str(kept)).exit_code == 0
    result = run("export", "--study", str(minimal_study), "--drop-column", column,
                 "-o", str(dropped))
    assert result.exit_code == 0, result.stderr
    before = Graph().parse(kept, format="turtle")
    after = Graph().parse(dropped, format="turtle")
    from_column = {t for t in before.triples((None, URIRef(prop), None)) if str(t[2]) in values}
    assert {str(o) for _, _, o in from_column} == values  # the column reached the graph before
    assert not values & {str(o) for o in after.objects()}  # and no value of it is left
    # Everything else stays: exactly the column's triples are gone, and the description of the
    # attribute it recorded (variableMeasured), nothing is added.
    variable = {t for t in before if any(str(term).endswith(f"/variable/{column}") for term in (t[0], t[2]))}
    assert set(before) - set(after) == from_column | variable and set(after) <= set(before)


def test_output_through_a_symlink_keeps_the_link_and_replaces_its_target(run, tmp_path):
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = real_folder / "study.ttl"
    target.write_text("old output")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    result = run("export", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes() == run("export").stdout_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real"]
    assert [p.name for p in real_folder.iterdir()] == ["study.ttl"]


def test_output_into_a_fifo_delivers_the_bytes(run, tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        result = run("export", "--format", "nt", "-o", str(fifo))
        assert result.exit_code == 0, result.stderr
        reader.join(timeout=60)
        assert not reader.is_alive()
    finally:
        if reader.is_alive():  # svrdf never opened the pipe: let the reader go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert received == [run("export", "--format", "nt").stdout_bytes]
    assert fifo.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_export_all_skips_forms_the_study_cannot_have_and_says_so(run, minimal_study, tmp_path):
    import shutil

    from svrdf.forms import bundle_formats

    study = tmp_path / "study"
    shutil.copytree(minimal_study, study)  # no DOI
    text = (study / "study.yaml").read_text(encoding="utf-8")
    (study / "study.yaml").write_text(text.replace("date-published: 2021-03-01\n", ""),
                                      encoding="utf-8")
    out = tmp_path / "bundle"
    out.mkdir()
    result = run("export", "--study", str(study), "--format", "all", "--out-dir", str(out))
    assert result.exit_code == 0, result.stderr
    assert "skipped datacite.xml (and removed any earlier one): the study has no DOI" in result.stderr
    assert ("skipped ro-crate-metadata.json (and removed any earlier one): the study has no "
            "date-published") in result.stderr
    skipped = {"datacite.xml", "ro-crate-metadata.json"}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(f.filename for f in bundle_formats() if f.filename not in skipped), "prov.ttl"])
    assert result.stdout == ""


def test_quiet_export_writes_the_file_and_says_nothing_but_warnings(tmp_path):
    out = tmp_path / "study.ttl"
    loud = CliRunner().invoke(cli, ["export", "-o", str(out)])
    quiet = CliRunner().invoke(cli, ["export", "-q", "-o", str(out)])
    assert loud.exit_code == quiet.exit_code == 0
    assert f"wrote {out}" in loud.stderr and "wrote" not in quiet.stderr
    assert "Warning:" in quiet.stderr  # results are never silenced
    # Not a terminal: no progress line either way.
    assert "\r" not in loud.stderr and "reading the study" not in loud.stderr


def test_a_reader_that_goes_away_stops_an_export_quietly_with_141(tmp_path):
    """`svrdf export | head -1`: the closed pipe is not an invalid study (1) nor a bug (3)."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "svrdf.cli", "export", "--format", "nt", "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"<")
    process.stdout.close()
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 141
    assert b"Traceback" not in errors and b"internal error" not in errors


@pytest.mark.parametrize(("args", "message"), [
    (("validate", "--study", "no-such-folder", "--format", "json"), "no such study folder"),
    (("query", "--format", "json", "SELEC x"), "SPARQL syntax error"),
    (("query", "--format", "json", "-1"), "No such option"),  # refused before options are read
    (("import", "rdf", "--json", "only-one-path"), "give SOURCE"),
    (("import", "rdf", "--json", "no-such-file.ttl", "out"), "no such file"),
])
def test_a_refusal_is_json_on_stdout_when_json_was_asked_for(run, tmp_path, monkeypatch, args, message):
    """One JSON object with the message and the exit code, once, and the message on stderr."""
    import json

    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    refusal = json.loads(result.stdout)
    assert message in refusal["error"] and refusal["exit_code"] == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()
