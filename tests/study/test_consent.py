"""Consent against access: svrdf refuses to publish an access level more open than the
participants consented to, or an attribute they did not consent to have published, with the
place to fix it; what they consented to passes."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from svrdf.cli import cli


@pytest.fixture
def study(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    return folder


def edit(folder, **keys) -> None:
    path = folder / "study.yaml"
    document = yaml.safe_load(path.read_text("utf-8"))
    document.update(keys)
    path.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")


def export(folder, *options: str):
    return CliRunner().invoke(cli, ["export", "--study", str(folder), "--format", "turtle", *options])


@pytest.mark.parametrize(("access", "consented"), [
    ("open", "restricted"), ("embargoed", "restricted"), ("restricted", "metadata-only"),
    ("open", "metadata-only")])
def test_an_access_more_open_than_the_consent_is_refused(study, access, consented):
    rights = {"rights": access} | ({"embargo-end": "2030-01-01"} if access == "embargoed" else {})
    edit(study, access=rights, consent={"access": consented})
    result = export(study)
    assert result.exit_code == 1 and result.stdout == ""
    assert f"access is '{access}', more open than the participants consented to ('{consented}'" in result.stderr
    assert "study.yaml, line" in result.stderr and "key 'consent', field 'access'" in result.stderr


@pytest.mark.parametrize(("access", "consented"), [
    ("restricted", "restricted"), ("metadata-only", "restricted"), ("open", "open")])
def test_an_access_the_consent_allows_passes(study, access, consented):
    edit(study, access={"rights": access}, consent={"access": consented})
    assert export(study).exit_code == 0


def test_a_row_s_narrower_consent_is_refused_with_its_row(study):
    edit(study, access={"rights": "open"}, consent={"access": "open"})
    path = study / "participants.csv"
    lines = path.read_text("utf-8").splitlines()
    lines[0] += ",consent"
    lines[1:] = [line + ("," + ("restricted" if index == 1 else "")) for index, line in enumerate(lines[1:], 1)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = export(study)
    assert result.exit_code == 1
    assert "participants.csv, row 2, field 'consent'" in result.stderr


def test_an_attribute_not_consented_to_is_refused_until_its_column_is_left_out(study):
    edit(study, consent={"attributes": ["sector", "case", "phase", "gender"]})
    result = export(study)
    assert result.exit_code == 1
    assert "participants.csv, row 2, field 'role'" in result.stderr and "--drop-column role" in result.stderr
    result = export(study, "--drop-column", "role")
    assert result.exit_code == 0 and "jobTitle" not in result.stdout
