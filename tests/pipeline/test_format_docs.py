"""The study format's documentation and its schemas: the README's tables are what the schemas
say today, and the schemas themselves are valid and hold valid examples."""

from __future__ import annotations

import json

import frictionless
import pytest
import yaml
from conftest import FIXTURES, REPO_ROOT
from jsonschema import Draft202012Validator

from svrdf import format_docs
from svrdf.resources import bundled_study_dir, schema_file
from svrdf.study.schemas import as_json

README = REPO_ROOT / "README.md"
HOUSING = FIXTURES / "studies" / "housing-voices"
SCHEMA_NAMES = ["study.schema.json", *format_docs.TABLE_SCHEMAS]


def load(name: str) -> dict:
    return json.loads(schema_file(name).read_text("utf-8"))


def study_schema_keys() -> list[str]:
    return list(load("study.schema.json")["properties"])


def table_fields() -> list[tuple[str, dict]]:
    return [(name, field) for name in format_docs.TABLE_SCHEMAS for field in load(name)["fields"]]


def test_readme_has_one_generated_block_per_schema():
    names = [m["name"] for m in format_docs.BLOCK.finditer(README.read_text("utf-8"))]
    assert sorted(names) == sorted(SCHEMA_NAMES)


def test_readme_tables_are_what_the_schemas_say():
    _, stale = format_docs.update(README.read_text("utf-8"))
    assert not stale, (f"the README's tables from {', '.join(stale)} are stale: "
                       "run python -m svrdf.format_docs README.md")


def test_rendering_is_deterministic():
    assert [format_docs.render(n) for n in SCHEMA_NAMES] == [format_docs.render(n)
                                                             for n in SCHEMA_NAMES]


def test_check_names_a_stale_block_and_exits_1_and_a_rewrite_fixes_it(tmp_path, capsys):
    copy = tmp_path / "README.md"
    text = README.read_text("utf-8")
    copy.write_text(text.replace("| `base-iri` |", "| `base-url` |", 1), "utf-8")
    assert format_docs.main([str(copy), "--check"]) == 1
    assert "schemas/study.schema.json is stale" in capsys.readouterr().err
    assert format_docs.main([str(copy)]) == 0
    assert copy.read_text("utf-8") == text
    assert format_docs.main([str(copy), "--check"]) == 0


@pytest.mark.parametrize("key", study_schema_keys())
def test_every_key_of_study_yaml_is_in_the_readme(key):
    assert f"| `{key}` |" in README.read_text("utf-8")


@pytest.mark.parametrize("schema, field", table_fields(),
                         ids=[f"{n.split('.')[0]}:{f['name']}" for n, f in table_fields()])
def test_every_column_is_in_the_readme(schema, field):
    block = next(m["body"] for m in format_docs.BLOCK.finditer(README.read_text("utf-8"))
                 if m["name"] == schema)
    assert f"| `{field['name']}` |" in block


def test_the_json_schema_is_a_valid_2020_12_schema():
    schema = load("study.schema.json")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _example_validator(key: str) -> Draft202012Validator:
    schema = load("study.schema.json")
    return Draft202012Validator({**schema["properties"][key], "$defs": schema["$defs"]})


@pytest.mark.parametrize("key", study_schema_keys())
def test_every_example_in_the_json_schema_is_valid_for_its_key(key):
    spec = load("study.schema.json")["properties"][key]
    assert spec.get("description") and spec.get("examples"), f"{key} lacks description or examples"
    validator = _example_validator(key)
    for example in spec["examples"]:
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, f"{key}: example {example!r}: {errors}"


@pytest.mark.parametrize("key", study_schema_keys())
def test_every_example_as_the_readme_writes_it_reads_back_valid(key):
    """The README's inline YAML, read as svrdf reads study.yaml, is valid for the key."""
    from svrdf.study.schemas import _StudyValidator

    schema = load("study.schema.json")
    validator = _StudyValidator({**schema["properties"][key], "$defs": schema["$defs"]})
    for example in schema["properties"][key]["examples"]:
        written = format_docs._yaml(example)
        read = as_json(yaml.safe_load(f"{key}: {written}"))[key]
        assert validator.is_valid(read), f"{key}: {written!r} reads back as {read!r}"


@pytest.mark.parametrize("name", list(format_docs.TABLE_SCHEMAS))
def test_the_table_schemas_are_valid_frictionless_schemas(name):
    descriptor = load(name)
    report = frictionless.Schema.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["type", "note"])
    schema = frictionless.Schema.from_descriptor(descriptor)
    for field in schema.fields:
        assert field.description, f"{name}: {field.name} has no description"
        spec = next(f for f in descriptor["fields"] if f["name"] == field.name)
        _, notes = field.read_cell(spec["example"])
        assert not notes, f"{name}: the example of {field.name} is invalid: {notes}"


@pytest.mark.parametrize("csv_path, name", [
    (HOUSING / "participants.csv", "participants.schema.json"),
    (HOUSING / "people.csv", "people.schema.json"),
    (bundled_study_dir() / "participants.csv", "participants.schema.json"),
], ids=["housing-voices/participants", "housing-voices/people", "bundled/participants"])
def test_the_study_csv_files_validate_against_their_table_schema(csv_path, name):
    # frictionless refuses an absolute path as unsafe: name the file within its folder.
    schema = frictionless.Schema.from_descriptor(load(name))
    resource = frictionless.Resource(path=csv_path.name, basepath=str(csv_path.parent),
                                     schema=schema)
    report = frictionless.validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] > 0
