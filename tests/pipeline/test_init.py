"""`svrdf init`: the study it writes names its JSON Schema for editors, and still validates."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from svrdf.cli import cli
from svrdf.resources import bundled_study_dir, schema_file
from svrdf.study.schemas import as_json

MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


@pytest.fixture
def initialised(tmp_path) -> Path:
    target = tmp_path / "my-study"
    result = CliRunner().invoke(cli, ["init", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return target


def schema_named_by(study_yaml: Path) -> Path:
    """The file the modeline points at, resolved as yaml-language-server does: a file URI, or
    a path relative to the YAML file."""
    match = MODELINE.match(study_yaml.read_text("utf-8"))
    assert match, "study.yaml does not start with a '# yaml-language-server: $schema=' line"
    target = match[1]
    if target.startswith("file:"):
        return Path(unquote(urlparse(target).path))
    return (study_yaml.parent / target).resolve()


def test_study_yaml_starts_with_a_modeline_naming_the_study_json_schema(initialised):
    schema_path = schema_named_by(initialised / "study.yaml")
    assert schema_path.is_file()
    schema = json.loads(schema_path.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema == json.loads(schema_file("study.schema.json").read_text("utf-8"))


def test_the_schema_travels_with_the_folder(initialised, tmp_path):
    moved = initialised.rename(tmp_path / "moved-study")
    assert schema_named_by(moved / "study.yaml").is_file()


def test_the_modeline_moves_no_key_to_another_line(initialised):
    """Messages and the README's example give study.yaml line numbers: the copy keeps them."""
    def key_lines(text: str) -> dict[str, int]:
        return {line.split(":", 1)[0]: number for number, line in enumerate(text.splitlines(), 1)
                if re.match(r"[a-z][a-z-]*:", line)}

    bundled = (bundled_study_dir() / "study.yaml").read_text("utf-8")
    copied = (initialised / "study.yaml").read_text("utf-8")
    assert "creators" in key_lines(bundled) and key_lines(copied) == key_lines(bundled)


def test_an_editor_would_flag_nothing_in_the_copy(initialised):
    """What yaml-language-server checks: the plain JSON Schema, dates read as text."""
    data = as_json(yaml.safe_load((initialised / "study.yaml").read_text("utf-8")))
    validator = Draft202012Validator(json.loads(schema_file("study.schema.json").read_text("utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


def test_the_initialised_study_validates(initialised):
    result = CliRunner().invoke(cli, ["validate", "--study", str(initialised)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
