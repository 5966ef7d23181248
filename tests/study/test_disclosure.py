"""study.yaml's disclosure: what a study withholds is never published (from either file), what
it generalises is published as the broader value, `svrdf risk` sees the study as published, and
a generalisation to a code the study does not have is refused where it is written."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, consenting_study, query
from rdflib import Graph

from svrdf.cli import cli
from svrdf.pipeline import check_study
from svrdf.rdf.mapping import build_graph
from svrdf.resources import bundled_study_dir
from svrdf.services.risk import disclosure_risk
from svrdf.study.builder import load_study

HOUSING = FIXTURES / "studies" / "housing-voices"


def with_disclosure(tmp_path: Path, source: Path, disclosure: dict, **keys) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(source, folder)
    with open(folder / "study.yaml", "a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump({"disclosure": disclosure, **keys}, sort_keys=False))
    return folder


def people_values(graph: Graph, predicate: str) -> set:
    return {value for (value,) in query(graph, f"SELECT ?v WHERE {{ ?p a svrdf:Participant ; {predicate} ?v }}")}


def test_what_the_study_withholds_is_not_published_from_either_file(tmp_path):
    folder = with_disclosure(tmp_path, HOUSING, {"withhold": ["gender", "role"]},
                             consent={"attributes": ["sector", "case", "phase"]})
    assert "T7,FG1;FG2,M,TEN,Tenant" in (folder / "people.csv").read_text("utf-8")
    graph = build_graph(load_study(folder))
    assert people_values(graph, "schema:jobTitle") == set()
    # Withheld, which a query tells apart from a gender the record does not give.
    assert people_values(graph, "schema:gender") == {"https://w3id.org/svrdf/ns#Withheld"}
    # Nothing withheld is reported as missing: housing-voices' warnings were of unrecorded genders.
    report = check_study(folder)
    assert report.conforms and report.warnings == ()
    assert "sh:ValidationResult" not in report.to_turtle()


def test_no_form_of_the_bundle_publishes_a_withheld_or_generalised_value(tmp_path):
    """Every file of the bundle, read as text: the roles of housing-voices' files (withheld) and
    its sector VS (merged into HA) appear in none; the landing page has no column for them and
    the data list counts the genders as withheld."""
    folder = with_disclosure(tmp_path, HOUSING, {"withhold": ["role", "gender"],
                                                 "generalise": {"sector": {"VS": "HA"}}})
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "--format", "all", "--out-dir",
                                      str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    roles = ["Housing officer", "Tenant liaison officer", "Repairs manager", "Support worker"]
    for path in sorted((tmp_path / "out").iterdir()):
        assert not [role for role in roles if role in path.read_text("utf-8")], path.name
    # The sector list is published whole (the study's own list), but no person is in VS.
    for name, syntax in (("study.ttl", "turtle"), ("study.nt", "nt"), ("study.jsonld", "json-ld")):
        graph = Graph().parse(tmp_path / "out" / name, format=syntax)
        assert "VS" not in people_values(graph, "svrdf:sector/skos:notation"), name
    page = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert '<th scope="col">Role</th>' not in page and '<th scope="col">Gender</th>' not in page
    assert "does not publish their role and gender" in page
    with open(tmp_path / "out" / "datalist.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert table and all(row["gender"].startswith("withheld: ") for row in table)
    assert not [row for row in table if "voluntary sector" in row["sector"]]


def test_what_withholding_cannot_hide_is_told(tmp_path):
    """The bundled study's notes say things such as a person's case, and its codes start with
    their cases' prefixes: withholding the case, svrdf says both, once each, on stderr."""
    folder = with_disclosure(tmp_path, bundled_study_dir(), {"withhold": ["case"]})
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "-o", str(tmp_path / "s.ttl"), "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("svrdf: note: participants.csv's notes are published as written") == 1
    assert "quotation codes start with their cases' prefixes (CA, CB, CC)" in result.stderr
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "--drop-column", "note",
                                      "-o", str(tmp_path / "s.ttl"), "-q"])
    assert "notes are published" not in result.stderr


def test_roles_and_categories_are_published_generalised(tmp_path):
    folder = with_disclosure(tmp_path, HOUSING, {"generalise": {
        "role": {"housing officer": "Officer", "TENANT LIAISON OFFICER": "Officer", "Housing officers": "Officer"},
        "sector": {"LA": "HA", "VS": "HA"}, "gender": {"X": "NB"}}})
    graph = build_graph(load_study(folder))
    assert people_values(graph, "schema:jobTitle") == {"Officer", "Repairs manager", "Support worker", "Tenant"}
    assert people_values(graph, "svrdf:sector/skos:notation") == {"HA", "TEN"}
    notations = people_values(graph, "schema:gender/skos:notation")
    assert "NB" in notations and "X" not in notations
    assert check_study(folder).conforms


@pytest.mark.parametrize(("generalise", "key", "message"), [
    ({"sector": {"VS": "CHARITY"}}, "generalise.sector.VS", "unknown sector 'CHARITY'"),
    ({"gender": {"Q": "NB"}}, "generalise.gender.Q", "unknown gender 'Q'"),
    # A chain would publish the middle value for the first.
    ({"sector": {"VS": "HA", "HA": "LA"}}, "generalise.sector.VS", "'HA' is itself generalised, to 'LA'"),
    ({"role": {"Tenant liaison officer": "Repairs manager", "Repairs manager": "Staff"}},
     "generalise.role.Tenant liaison officer", "'Repairs manager' is itself generalised, to 'Staff'"),
    # Two spellings of one role, as svrdf compares roles.
    ({"role": {"Repairs manager": "Manager", "repairs manager (HA)": "Staff"}},
     "generalise.role.repairs manager (HA)", "are the same role"),
    ({"role": {"Repairs manger": "Manager"}}, "generalise.role.Repairs manger", "no row of participants.csv"),
    ({"role": {"Repairs manager": None}}, "generalise.role.Repairs manager", "generalised to nothing"),
    # Non-binary people published as men would be a falsehood, not a broader category.
    ({"gender": {"NB": "M"}}, "generalise.gender.NB", "would publish its people as Male"),
])
def test_a_generalisation_that_would_publish_something_wrong_is_refused_where_it_is_written(
        tmp_path, generalise, key, message):
    folder = with_disclosure(tmp_path, HOUSING, {"generalise": generalise})
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "-q"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "study.yaml, line" in result.stderr and f"key 'disclosure.{key}'" in result.stderr
    assert message in result.stderr


def test_a_row_may_narrow_the_study_s_consent_but_not_widen_it(tmp_path):
    study = consenting_study(tmp_path, "restricted", None, {"HA1-O2": "open"})
    result = CliRunner().invoke(cli, ["export", "--study", str(study), "-q"])
    assert result.exit_code == 1
    assert "participants.csv, row 3, field 'consent'" in result.stderr and "may only narrow" in result.stderr


def test_the_fix_risk_suggests_written_in_study_yaml_clears_its_report(tmp_path):
    """The bundled study by sector and gender, worked out by hand: CA11 (VSO, F) and CB4 (VSO, M)
    are alone. Merged into LA, they join LA's 3 women and 5 men: no group under 3 is left, and
    the smallest groups are the 3 women with no sector and LA's 4 women."""
    before = disclosure_risk(load_study(bundled_study_dir()), 3, ("sector", "gender"))
    assert {g.people for g in before.groups} == {("CA11",), ("CB4",)}
    folder = with_disclosure(tmp_path, bundled_study_dir(), {"generalise": {"sector": {"VSO": "LA"}}})
    result = CliRunner().invoke(cli, ["risk", "--study", str(folder), "--attributes", "sector,gender",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["groups"] == [] and json.loads(result.stdout)["achieved_k"] == 3


def test_the_command_line_generalises_too_in_place_of_study_yaml_for_the_same_value(tmp_path):
    folder = with_disclosure(tmp_path, HOUSING, {"generalise": {"sector": {"VS": "LA"}, "gender": {"X": "NB"}}})
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "-f", "nt", "-q",
                                      "--generalise", "sector:VS=HA", "--generalise", "role:housing officer=Officer"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="nt")
    assert people_values(graph, "svrdf:sector/skos:notation") == {"HA", "TEN"}  # VS to HA, not LA
    assert "X" not in people_values(graph, "schema:gender/skos:notation")  # study.yaml's still applies
    assert "Officer" in people_values(graph, "schema:jobTitle")
    # What risk is asked to weigh, the same way: VS-S1, alone in VS, is no longer alone.
    def alone(*options: str) -> set[str]:
        result = CliRunner().invoke(cli, ["risk", "--study", str(HOUSING), "--attributes", "sector", "-f", "json",
                                          *options])
        return {g["values"]["sector"] for g in json.loads(result.stdout)["groups"]}
    assert "VS" in alone() and alone("--generalise", "sector:VS=HA") == alone() - {"VS"}


@pytest.mark.parametrize(("spec", "message"), [
    ("age:40=adult", "expected ATTRIBUTE:VALUE=BROADER"), ("role:Repairs manager", "expected ATTRIBUTE:VALUE=BROADER"),
    ("sector:VS=CHARITY", "unknown sector 'CHARITY'"), ("role:Repairs manager=r@example.org", "e-mail address")])
def test_a_bad_generalise_option_is_a_usage_error_in_json_too(spec, message):
    result = CliRunner().invoke(cli, ["validate", "--study", str(HOUSING), "-f", "json", "--generalise", spec])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["exit_code"] == 2 and f"--generalise '{spec}'" in document["error"] and message in document["error"]


def test_risk_looks_at_what_is_published_by_default(tmp_path):
    folder = with_disclosure(tmp_path, bundled_study_dir(), {"withhold": ["role", "case"]})
    report = disclosure_risk(load_study(folder))
    assert report.attributes == ("sector", "gender")
    assert {g.people for g in report.groups} == {("CA11",), ("CB4",)}
    folder = with_disclosure(tmp_path / "all", bundled_study_dir(),
                             {"withhold": ["role", "sector", "gender", "case"]})
    assert disclosure_risk(load_study(folder)).attributes == ("phase",)


def test_a_withheld_gender_comes_back_withheld_from_the_graph(tmp_path):
    folder = with_disclosure(tmp_path, HOUSING, {"withhold": ["gender"]})
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "-o", str(tmp_path / "study.ttl"), "-q"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["import", "rdf", str(tmp_path / "study.ttl"), str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "back" / "study.yaml").read_text("utf-8"))["disclosure"] == {
        "withhold": ["gender"]}
