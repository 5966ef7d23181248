"""`svrdf import rdf`: svrdf's own graph back to a study folder, and the round trip the issue
asks for: a record imported, exported, and imported again from the export keeps every field.
Generated studies of every shape make the same round trip in tests/pipeline/test_properties.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, REPO_ROOT, consenting_study, require_shared
from rdflib import Graph
from rdflib.compare import isomorphic

from svrdf.cli import cli
from svrdf.forms import FORMATS
from svrdf.imports.folder import REPORT_FILE
from svrdf.pipeline import check_study, export_study
from svrdf.resources import bundled_study_dir

GOLDEN = REPO_ROOT / "output"
SEED = "seed/000_9064ac67a04cfab1.txt"
#: The columns of participants.csv that the graph says of the code itself (the others, sector,
#: role and gender, it says of the code's people).
CODE_COLUMNS = ("code", "phase", "case", "other_codes", "people", "same_event_as", "consent", "event",
                "mode", "date", "note")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["code"]: {c: row.get(c) or "" for c in CODE_COLUMNS}
                for row in csv.DictReader(handle)}


def canonical(value):
    """study.yaml's content with what a graph does not order put in one order, and empty
    keys (``license:`` with no value) left out."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return str(value) if not isinstance(value, (bool, int)) else value


def study_yaml(directory: Path) -> dict:
    return canonical(yaml.safe_load((directory / "study.yaml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("form", ["study.ttl", "study.nt", "study.jsonld"])
def test_the_bundled_study_s_graph_in_each_form_imports_back_to_its_folder(tmp_path, form):
    """Every key of the bundled study.yaml comes back with its value, every row's own columns
    come back as they are, and the folder exports the golden graph again."""
    result = run("import", "rdf", str(GOLDEN / form), str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    expected = study_yaml(bundled_study_dir())
    # The creator's affiliation and the publisher are one organisation in the graph (the same
    # name makes the same IRI), so the affiliation comes back with the publisher's address; and
    # the thesis's author is the creator, one person with one affiliation.
    expected["creators"][0]["affiliation"] = expected["publisher"]
    expected["related-works"][0]["authors"] = expected["creators"]
    assert study_yaml(tmp_path / "s") == expected
    assert rows(tmp_path / "s" / "participants.csv") == rows(bundled_study_dir() / "participants.csv")
    golden = Graph().parse(GOLDEN / "study.ttl")
    assert isomorphic(export_study(tmp_path / "s").graph, golden)


def test_the_second_example_study_s_graph_imports_back_with_its_files(tmp_path):
    """Focus groups, people.csv, two languages, restricted access and files of their own
    access: the rebuilt folder exports the same graph, and lists the same files."""
    housing = FIXTURES / "studies" / "housing-voices"
    (tmp_path / "study.ttl").write_bytes(export_study(housing).serialize(FORMATS["turtle"]))
    result = run("import", "rdf", str(tmp_path / "study.ttl"), str(tmp_path / "back"))
    assert result.exit_code == 0, result.output
    assert isomorphic(export_study(tmp_path / "back").graph, export_study(housing).graph)
    assert study_yaml(tmp_path / "back")["files"] == study_yaml(housing)["files"]


def test_consent_comes_back_from_its_dpv_records(tmp_path):
    """study.yaml's consent and each row's narrower one, from the graph's DPV consent records;
    a focus group whose people all consented to less comes back on the group's row."""
    study = consenting_study(tmp_path, "open", ["role", "sector", "gender", "case", "phase"],
                             {"HA1-O2": "restricted", "FG2": "restricted", "HA2-T1": "restricted"})
    (tmp_path / "study.ttl").write_bytes(export_study(study).serialize(FORMATS["turtle"]))
    result = run("import", "rdf", str(tmp_path / "study.ttl"), str(tmp_path / "back"))
    assert result.exit_code == 0, result.output
    assert study_yaml(tmp_path / "back")["consent"] == study_yaml(study)["consent"]
    consents = {code: row["consent"] for code, row in rows(tmp_path / "back" / "participants.csv").items()
                if row.get("consent")}
    assert consents == {"HA1-O2": "restricted", "FG2": "restricted", "HA2-T1": "restricted"}
    assert isomorphic(export_study(tmp_path / "back").graph, export_study(study).graph)


def test_the_attributes_consented_to_come_back_when_every_row_narrows_the_access(tmp_path):
    """No one is left under the study's own record: the attributes are read from the others."""
    with open(FIXTURES / "studies" / "housing-voices" / "participants.csv", encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    study = consenting_study(tmp_path, "open", ["sector", "case", "phase", "role", "gender"],
                             dict.fromkeys(codes, "restricted"))
    (tmp_path / "study.ttl").write_bytes(export_study(study).serialize(FORMATS["turtle"]))
    assert run("import", "rdf", str(tmp_path / "study.ttl"), str(tmp_path / "back")).exit_code == 0
    assert study_yaml(tmp_path / "back")["consent"] == {"attributes": ["case", "gender", "phase", "role", "sector"]}
    assert isomorphic(export_study(tmp_path / "back").graph, export_study(study).graph)


def test_a_record_imported_exported_and_imported_again_keeps_every_field(tmp_path):
    """The issue's round trip: the seed's text to a folder, the folder exported, the export
    imported again. The second folder says all the first said and exports the same graph."""
    first, exported, second = tmp_path / "first", tmp_path / "exported", tmp_path / "second"
    assert run("import", "text", str(require_shared(SEED)), str(first)).exit_code == 0
    result = run("export", "--study", str(first), "--format", "all", "--out-dir", str(exported), "-q")
    assert result.exit_code == 0, result.output
    result = run("import", "rdf", str(exported / "study.ttl"), str(second))
    assert result.exit_code == 0, result.output
    assert study_yaml(second) == study_yaml(first)
    assert rows(second / "participants.csv") == rows(first / "participants.csv")
    assert isomorphic(export_study(second).graph, export_study(first).graph)
    assert check_study(second).conforms


def test_what_the_graph_does_not_keep_is_reported(tmp_path):
    """A person's values spread over their rows again is said, with whose."""
    result = run("import", "rdf", str(GOLDEN / "study.ttl"), str(tmp_path / "s"))
    report = (tmp_path / "s" / REPORT_FILE).read_text(encoding="utf-8")
    for person in ("IP13", "IP8"):  # each quoted under two codes (CB1, CC1)
        assert person in report.split("spread over their rows")[0]
    assert "spread over their rows" in result.output


def test_people_told_apart_from_their_codes_come_back_in_people_csv(tmp_path):
    """A person of people.csv (in a focus group and interviewed alone) keeps their identifier,
    and the group's one gender per person comes back in the right places."""
    study = tmp_path / "study"
    study.mkdir()
    (study / "study.yaml").write_text(yaml.safe_dump({
        "base-iri": "https://example.org/s/", "title": "T", "description": "D",
        "creators": [{"name": "Ada Example"}], "phases": [{"id": "1", "name": "Fieldwork"}],
        "sectors": [{"code": "H", "label": "health"}],
        "gender": [{"code": "W", "label": "woman", "schema": "Female"},
                   {"code": "N", "label": "non-binary"}]}), encoding="utf-8")
    (study / "participants.csv").write_text(
        "code,phase,sector,role,gender,people,event\n"
        "A1,1,H,Nurse,,1,\nFG1,1,H,Ward staff,W;N;,3,focus-group\n", encoding="utf-8")
    (study / "people.csv").write_text("person,codes,gender,role\nP1,A1;FG1,N,Ward sister\n",
                                      encoding="utf-8")
    (tmp_path / "study.ttl").write_bytes(export_study(study).serialize(FORMATS["turtle"]))
    result = run("import", "rdf", str(tmp_path / "study.ttl"), str(tmp_path / "back"))
    assert result.exit_code == 0, result.output
    with (tmp_path / "back" / "people.csv").open(encoding="utf-8", newline="") as handle:
        [person] = list(csv.DictReader(handle))
    assert person["person"] == "P1" and set(person["codes"].split(";")) == {"A1", "FG1"}
    assert isomorphic(export_study(tmp_path / "back").graph, export_study(study).graph)


def test_a_group_of_listed_people_only_takes_the_value_no_other_group_gives_them(tmp_path):
    """Found by the generator: G2's people are all listed, and both are nurses (G1's row says
    so of everyone in G1) and porters (G2's). G2's row must say porter, or P1, a matron too,
    would have three roles for two places."""
    study = tmp_path / "study"
    study.mkdir()
    (study / "study.yaml").write_text(yaml.safe_dump({
        "base-iri": "https://example.org/s/", "title": "T", "description": "D",
        "creators": [{"name": "Ada Example"}], "phases": [{"id": "1", "name": "Fieldwork"}]}),
        encoding="utf-8")
    (study / "participants.csv").write_text("code,phase,role,people\nG1,1,Nurse,3\nG2,1,Porter,2\n",
                                            encoding="utf-8")
    (study / "people.csv").write_text("person,codes,role\nP1,G1;G2,Matron\nP2,G1;G2,\n", encoding="utf-8")
    (tmp_path / "study.ttl").write_bytes(export_study(study).serialize(FORMATS["turtle"]))
    assert run("import", "rdf", str(tmp_path / "study.ttl"), str(tmp_path / "back")).exit_code == 0
    assert isomorphic(export_study(tmp_path / "back").graph, export_study(study).graph)


@pytest.mark.parametrize(("content", "name", "message"), [
    ("not turtle at all <", "study.ttl", "study.ttl: not Turtle"),
    ("<https://a> <https://b> <https://c> .\n", "study.nt", "holds no svrdf study"),
    ('{"@context": "https://example.org/context.jsonld", "@id": "https://a"}', "study.jsonld",
     "study.jsonld: not JSON-LD"),
    ("<https://a> <https://b> <https://c> .\n", "study.txt", "cannot tell the RDF syntax"),
])
def test_what_is_not_svrdf_s_graph_is_refused_naming_the_file(tmp_path, content, name, message):
    """Exit 2, nothing written; a JSON-LD context elsewhere is not fetched."""
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = run("import", "rdf", str(source), str(tmp_path / "s"))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "s").exists()


def test_a_catalogue_of_several_studies_is_refused(tmp_path):
    """One study a folder: a catalogue of two says how to get one."""
    second = tmp_path / "second"
    assert run("import", "text", str(require_shared(SEED)), str(second),
               "--base-iri", "https://example.org/other/").exit_code == 0
    (second / "study.yaml").write_text((second / "study.yaml").read_text(encoding="utf-8")
                                       .replace("10.21954/ou.rd.17147720", "10.5555/other"), encoding="utf-8")
    catalogue = tmp_path / "catalogue.nq"
    result = run("export", "--study", str(bundled_study_dir()), "--study", str(second),
                 "--format", "nquads", "-o", str(catalogue), "-q")
    assert result.exit_code == 0, result.output
    result = run("import", "rdf", str(catalogue), str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "holds 2 studies" in result.output
