"""`svrdf risk`: the combinations of published attributes fewer than k people share, found on
the bundled study as worked out by hand, and on generated studies with planted unique
combinations, against what their rows alone give and what pycanon measures; and export leaving
out what it is told to."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from conftest import FIXTURES, pycanon_k_anonymity, roster

from svrdf.cli import cli
from svrdf.resources import bundled_study_dir
from svrdf.services.risk import disclosure_risk
from svrdf.study.builder import load_study
from svrdf.study.model import normalised_role

#: The bundled study's twenty people by sector and gender, worked out by hand from its
#: participants.csv (IP8 and CC1 are one person, in LA; IP13 and CB1 one, with no sector; CB6's
#: two people are M and F):
#:   no sector, F: IP1, IP15, IP19                      3
#:   no sector, M: IP3, IP6, IP7, IP10, IP12, IP13, IP14  7
#:   LA, M: IP8, CA6, CB6/1, CB8, CB9                   5
#:   LA, F: CB6/2, CB7, CB10                            3
#:   VSO, F: CA11                                       1
#:   VSO, M: CB4                                        1
BY_SECTOR_AND_GENDER_UNDER_3 = {("CA11",): {"sector": "VSO", "gender": "F"},
                                ("CB4",): {"sector": "VSO", "gender": "M"}}


def test_the_bundled_study_by_sector_and_gender_as_worked_out_by_hand():
    report = disclosure_risk(load_study(bundled_study_dir()), 3, ("sector", "gender"))
    assert report.participants == 20 and report.achieved_k == 1
    assert {g.people: dict(g.values) for g in report.groups} == BY_SECTOR_AND_GENDER_UNDER_3
    # Leaving sector out puts CA11 with the women, CB4 with the men; leaving gender out leaves
    # the two of them a group of 2, still under 3.
    assert all(g.fixes == ("sector",) for g in report.groups)
    assert all("participants.csv, row" in row for g in report.groups for row in g.rows)


def test_on_role_sector_gender_and_case_every_bundled_participant_is_unique():
    """Worked out by hand: no two people of the record share a role (normalised), or those who
    do (three Managers, two Procurement Managers, Commissioners) differ in sector, gender or case."""
    report = disclosure_risk(load_study(bundled_study_dir()))
    assert report.achieved_k == 1
    assert len(report.groups) == 20 and all(g.size == 1 for g in report.groups)
    managers = [g for g in report.groups if dict(g.values)["role"] == "manager"]
    assert sorted(g.people for g in managers) == [("CA11",), ("CA6",), ("CB7",)]


def test_roles_are_compared_as_a_reader_would():
    assert normalised_role("Director (Charity)") == normalised_role("director") == "director"
    assert normalised_role("  Senior  Officer.") == "senior officer"


def write_study(folder, rows: str) -> None:
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    (folder / "participants.csv").write_text(rows, encoding="utf-8")
    (folder / "people.csv").unlink(missing_ok=True)


def test_a_planted_unique_combination_is_found_with_its_row(tmp_path):
    """Six nurses, three of each gender, and one planted unique: the only non-binary porter."""
    rows = "code,phase,case,sector,role,gender\n" + "".join(
        f"N{i},fieldwork,K1,PUB,Nurse,{'W' if i < 3 else 'N'}\n" for i in range(6)) + \
        "P1,fieldwork,K1,PUB,Porter,N\n"
    write_study(tmp_path / "s", rows)
    report = disclosure_risk(load_study(tmp_path / "s"), 3)
    [group] = report.groups
    assert group.people == ("P1",) and dict(group.values)["role"] == "porter"
    assert group.rows == (f"{tmp_path / 's' / 'participants.csv'}, row 8",)
    assert group.fixes == ("role",)  # without it, P1 is one of four non-binary people
    assert report.rare_roles == (("porter", 1),)


def test_the_k_of_generated_studies_is_what_the_rows_themselves_give_and_pycanon_measures(tmp_path):
    """An oracle that reads participants.csv with the csv module alone (one person a code, as
    these studies have) finds the same smallest group, and pycanon, the field's library for
    k-anonymity, measures the same k on the oracle's table."""
    import csv
    import random
    from collections import Counter

    chance = random.Random(7)
    tables, reports = [], []
    for attempt in range(20):
        rows = "code,phase,case,sector,role,gender\n" + "".join(
            f"C{i},fieldwork,{chance.choice(['K1', ''])},{chance.choice(['PUB', ''])},"
            f"{chance.choice(['Nurse', 'nurse.', 'Porter', 'Clerk (ward)'])},{chance.choice(['W', 'N', ''])}\n"
            for i in range(chance.randint(5, 30)))
        folder = tmp_path / str(attempt)
        write_study(folder, rows)
        report = disclosure_risk(load_study(folder), 2)
        with open(folder / "participants.csv", encoding="utf-8", newline="") as handle:
            table = list(csv.DictReader(handle))
        role = {"Nurse": "nurse", "nurse.": "nurse", "Porter": "porter", "Clerk (ward)": "clerk"}
        published = [{"role": role[r["role"]], "sector": r["sector"], "gender": r["gender"], "case": r["case"]}
                     for r in table]
        groups = Counter(tuple(p.values()) for p in published)
        assert report.achieved_k == min(groups.values())
        assert sorted(g.size for g in report.groups) == sorted(n for n in groups.values() if n < 2)
        tables.append(published)
        reports.append(report)
    assert pycanon_k_anonymity(tables) == [report.achieved_k for report in reports]


def test_pycanon_measures_the_bundled_study_as_svrdf_risk_does():
    """The people of the bundled study by sector and gender, as the oracle reads them from its
    files (not through svrdf): pycanon's k is svrdf's, 1 (CA11 and CB4 alone)."""
    people = roster(bundled_study_dir())
    table = [{"sector": min(p.sectors, default=""), "gender": p.gender or ""} for p in people]
    report = disclosure_risk(load_study(bundled_study_dir()), 3, ("sector", "gender"))
    assert pycanon_k_anonymity([table]) == [report.achieved_k] == [1]


def test_the_command_exits_1_under_k_and_gives_json(tmp_path):
    result = CliRunner().invoke(cli, ["risk", "--attributes", "sector,gender", "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert {tuple(g["people"]) for g in document["groups"]} == set(BY_SECTOR_AND_GENDER_UNDER_3)
    result = CliRunner().invoke(cli, ["risk", "--attributes", "sector,gender", "--k", "1"])
    assert result.exit_code == 0 and "No combination" in result.stdout
    result = CliRunner().invoke(cli, ["risk", "--attributes", "age"])
    assert result.exit_code == 2 and "--attributes" in result.stderr


def test_export_publishes_only_the_attributes_asked_for():
    """What svrdf risk suggests, applied: without role and case, no participant has a job
    title or a case, and sector and gender are still there (and the phase, always)."""
    result = CliRunner().invoke(cli, ["export", "--publish-attributes", "sector,gender", "-q"])
    assert result.exit_code == 0, result.stderr
    assert "schema:jobTitle" not in result.stdout and "svrdf:inCase" not in result.stdout
    assert "svrdf:sector" in result.stdout and "schema:gender" in result.stdout
    result = CliRunner().invoke(cli, ["export", "--publish-attributes", "age"])
    assert result.exit_code == 2 and "--publish-attributes" in result.stderr


def test_an_attribute_left_out_is_not_published_from_people_csv_either(tmp_path):
    """housing-voices' people.csv gives T7's gender and role: leaving them out covers it too."""
    study = FIXTURES / "studies" / "housing-voices"
    assert "T7,FG1;FG2,M,TEN,Tenant" in (study / "people.csv").read_text("utf-8")
    result = CliRunner().invoke(cli, ["export", "--study", str(study), "--publish-attributes", "sector,case",
                                      "-f", "nt", "-q"])
    assert result.exit_code == 0, result.stderr
    assert "<http://schema.org/jobTitle>" not in result.stdout
    assert "<http://schema.org/gender> <http://schema.org/Male>" not in result.stdout
    assert "/participant/T7> <https://w3id.org/svrdf/ns#sector>" in result.stdout


def test_an_attribute_a_study_does_not_record_can_be_left_out(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    path = folder / "participants.csv"
    rows = [line.split(",") for line in path.read_text("utf-8").splitlines()]
    gender = rows[0].index("gender")
    path.write_text("\n".join(",".join(r[:gender] + r[gender + 1:]) for r in rows) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "--publish-attributes", "role", "-q"])
    assert result.exit_code == 0, result.stderr
    result = CliRunner().invoke(cli, ["export", "--study", str(folder), "--drop-column", "emial", "-q"])
    assert result.exit_code == 2 and "--drop-column 'emial': there is no such column" in result.stderr
