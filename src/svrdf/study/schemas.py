"""The study format, declared once as data: the JSON Schema of ``study.yaml`` and the Table
Schemas of ``participants.csv`` and ``people.csv`` in the top-level ``schemas/`` folder.

This module checks what the reader returned against them and turns the first failure, in
document order, into one :class:`~svrdf.errors.StudyDataError` naming the file, the line or row,
the key or field, and what was expected (quoting the schema's ``x-expected`` where it has one).
The builder then reads values that have the declared shape. The README's field tables and the
editor support (``# yaml-language-server: $schema=``) come from the same files.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, cast

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

from svrdf.errors import Origin, StudyDataError, UsageError, listed, quoted
from svrdf.resources import schema_file
from svrdf.study.iri import iri_problem
from svrdf.study.reader import CsvRow, CsvTable, YamlDocument, YamlPath

STUDY_SCHEMA = "study.schema.json"
CATALOG_SCHEMA = "catalog.schema.json"
PARTICIPANTS_SCHEMA = "participants.schema.json"
PEOPLE_SCHEMA = "people.schema.json"


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema or Table Schema ``name``, a copy of its own for the caller."""
    return copy.deepcopy(_schema(name))


@cache
def _schema(name: str) -> dict[str, Any]:
    """The schema, read once and shared: for this module's reading only, never handed out."""
    return json.loads(schema_file(name).read_text("utf-8"))


# YAML writers put numbers where text is meant (version: 1, id: 2); the schema says text, and
# svrdf reads such a number as its text, patterns and all.
def _is_text(checker, instance: Any) -> bool:
    return isinstance(instance, str) or (isinstance(instance, (int, float))
                                         and not isinstance(instance, bool))


def _pattern(validator, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if _is_text(None, instance) and not re.search(pattern, str(instance)):
        yield ValidationError(f"{quoted(instance)} does not match {pattern!r}")


def _min_length(validator, length: int, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if _is_text(None, instance) and len(str(instance)) < length:
        yield ValidationError(f"{quoted(instance)} is too short")


#: The study's IRIs, checked beyond what a pattern can say (percent escapes, hosts, ports).
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("iri", raises=ValueError)
def _is_iri(instance: Any) -> bool:
    problem = iri_problem(instance) if isinstance(instance, str) else None
    if problem:
        raise ValueError(problem)
    return True


_StudyValidator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern, "minLength": _min_length},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("string", _is_text),
)


def as_json(value: Any) -> Any:
    """YAML data as the JSON the schema describes: dates as ISO text, and a key with no value
    (``license:``) left out, as if it were not written."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


#: Control characters other than tab, line feed and carriage return: no study text needs one,
#: XML 1.0 cannot hold most of them, and a terminal may act on them. And the halves of UTF-16
#: surrogate pairs, which YAML's \u escapes can write alone: no encoding can.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_character_problem(text: str) -> str | None:
    """What is wrong with a text that holds a control character, if it does."""
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    code = ord(found.group())
    what = ("a lone UTF-16 surrogate, which is not a character," if 0xD800 <= code <= 0xDFFF
            else "the control character")
    return f"the text holds {what} U+{code:04X} at position {found.start() + 1}; remove it"


def _refuse_control_characters(doc: YamlDocument, value: Any, path: YamlPath) -> None:
    if isinstance(value, str):
        problem = control_character_problem(value)
        if problem:
            raise StudyDataError(problem, doc.origin(path))
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_control_characters(doc, key, path + (key,))
            _refuse_control_characters(doc, item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_control_characters(doc, item, path + (index,))


def _validator(name: str):
    """A validator of the schema ``name``, which may refer to the study schema's definitions
    (catalog.yaml's publisher is an organisation as study.yaml's are)."""
    registry: Registry = Registry().with_resources(
        (_schema(other)["$id"], Resource.from_contents(_schema(other))) for other in (STUDY_SCHEMA, name))
    return _StudyValidator(_schema(name), format_checker=_FORMATS, registry=registry)


def check_study_document(doc: YamlDocument, schema: str = STUDY_SCHEMA) -> dict[str, Any]:
    """The data of study.yaml (or of another YAML file of svrdf's, by its ``schema``), as JSON,
    once it is known to match the schema."""
    data = as_json(doc.data)
    if not isinstance(data, dict):
        raise StudyDataError(f"expected a mapping of keys to values, got {describe(data)}",
                             doc.origin(()))
    _refuse_control_characters(doc, data, ())
    errors = list(_validator(schema).iter_errors(data))
    if errors:
        first = min(errors, key=lambda e: _position(doc, tuple(e.absolute_path)))
        raise _study_error(doc, first)
    return data


def study_problems(data: dict[str, Any]) -> list[tuple[YamlPath, str]]:
    """Where ``data`` (study.yaml's content, as JSON) does not match the study format, and
    why: for a program that writes study.yaml (an importer), to leave out what would not load."""
    return [(tuple(e.absolute_path), _deepest(e).message) for e in _validator(STUDY_SCHEMA).iter_errors(data)]


def _position(doc: YamlDocument, path: YamlPath) -> tuple[int, int]:
    line = doc.origin(path).line
    return (line if line is not None else 0, len(path))


def _study_error(doc: YamlDocument, error: ValidationError) -> StudyDataError:
    error = _deepest(error)
    path: YamlPath = tuple(error.absolute_path)
    # jsonschema types these loosely (a schema may be a bool, a value unset); svrdf's schemas
    # are mappings, and an error always carries its instance and validator.
    instance: Any = error.instance
    schema: dict[str, Any] = cast(dict[str, Any], error.schema)
    kind: Any = error.validator
    validator_value: Any = error.validator_value
    expected = schema.get("x-expected")
    if kind == "required":
        missing = next(k for k in validator_value if k not in instance)
        unknown = [k for k in instance if k not in schema.get("properties", {})]
        typo = difflib.get_close_matches(missing, unknown, n=1)
        if typo:
            return StudyDataError(f"unknown key {quoted(typo[0])}; did you mean '{missing}'?",
                                  doc.origin(path + (typo[0],)))
        if path + (missing,) in doc.lines:  # written, with nothing after it
            return StudyDataError(f"the required key '{missing}' has no value",
                                  doc.origin(path + (missing,)))
        return StudyDataError(f"missing required key '{missing}'", doc.origin(path))
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        extra = next(k for k in instance if k not in known)
        guess = difflib.get_close_matches(str(extra), known, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"known keys: {', '.join(known)}"
        return StudyDataError(f"unknown key {quoted(extra)}; {hint}", doc.origin(path + (extra,)))
    if kind == "enum":
        choices = ", ".join(str(v) for v in validator_value)
        return StudyDataError(f"expected one of {choices}, got {describe(instance)}",
                              doc.origin(path))
    if kind in ("minItems", "minProperties"):
        return StudyDataError(f"expected {expected or 'at least one entry'}", doc.origin(path))
    if kind in ("pattern", "minLength") and not str(instance).strip():
        return StudyDataError("expected text, got an empty value", doc.origin(path))
    if kind == "format":
        return StudyDataError(f"expected an absolute http(s) address, got {describe(instance)}: "
                              f"{error.cause}", doc.origin(path))
    if kind == "type":
        types: list[str] = validator_value if isinstance(validator_value, list) else [
            validator_value]
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        if types == ["string"] and expected:  # "a date as YYYY-MM-DD" says more than "text"
            wanted = expected
        return StudyDataError(f"expected {wanted}, got {describe(instance)}", doc.origin(path))
    return StudyDataError(f"expected {expected or error.message}, got {describe(instance)}",
                          doc.origin(path))


_TYPE_NAMES = {"string": "text", "array": "a list", "object": "a mapping of keys to values",
               "boolean": "true or false", "integer": "a whole number", "number": "a number",
               "null": "nothing"}


def _deepest(error: ValidationError) -> ValidationError:
    """For a value that matches none of a oneOf's branches: the failure inside the one branch
    of the value's own kind (a mapping's, for a mapping), or else the oneOf itself, which says
    what all of them expect."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return error
    kind = _json_kind(error.instance)
    branches: Any = error.validator_value  # the oneOf's list of schemas
    same_kind = [sub for sub in error.context
                 if _branch_kind(branches[sub.relative_schema_path[0]]) == kind
                 and sub.validator != "type"]
    if len({sub.relative_schema_path[0] for sub in same_kind}) != 1:
        # No branch, or several, of the value's kind: what they all expect says most.
        return error
    return _deepest(min(same_kind, key=lambda e: -len(e.absolute_path)))


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "scalar"


def _branch_kind(branch: dict) -> str:
    target = branch
    if "$ref" in branch:
        target = _resolve(branch["$ref"])
    kind = target.get("type")
    return kind if kind in ("object", "array") else "scalar"


def _resolve(ref: str) -> dict:
    node: Any = _schema(STUDY_SCHEMA)
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def describe(value: Any) -> str:
    """A value as a person would name it in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, dt.date):
        return f"a date ({value})"
    if isinstance(value, str):
        return quoted(value)
    return type(value).__name__


@dataclass(frozen=True)
class TableField:
    """One column of a Table Schema, as svrdf reads it."""

    name: str
    type: str
    description: str
    example: str | None
    required: bool
    pattern: re.Pattern[str] | None
    enum: tuple[str, ...]
    minimum: int | None
    maximum: int | None
    delimiter: str | None
    expected: str | None

    def problem(self, text: str) -> str | None:
        """What is wrong with a non-empty cell of this column, if anything."""
        if self.type == "integer":
            if not (text.isascii() and text.isdigit()) or not _within(int(text), self):
                return f"expected {_range(self)}, got {quoted(text)}"
        elif self.enum and text not in self.enum:
            return f"expected one of {', '.join(self.enum)}, got {quoted(text)}"
        elif self.pattern is not None and not self.pattern.fullmatch(text):
            return f"expected {self.expected or self.pattern.pattern}, got {quoted(text)}"
        return None


@dataclass(frozen=True)
class TableSchema:
    title: str
    description: str
    fields: Mapping[str, TableField]

    @classmethod
    def named(cls, name: str) -> TableSchema:
        return _table_schema(name)

    def check_header(self, table: CsvTable, dropped: frozenset[str]) -> None:
        """Every column known, every required column there (unless dropped on request)."""
        header_origin = Origin(table.file, line=1, row=1)
        for column in table.header:
            if column in dropped or column in self.fields:
                continue
            if ";" in column and any(part.strip() in self.fields for part in column.split(";")):
                raise StudyDataError(
                    "the header is one column separated by ';': svrdf reads comma-separated "
                    "CSV; save the file with commas as separators (in a spreadsheet: CSV, "
                    "comma-delimited)", header_origin)
            guess = difflib.get_close_matches(column, self.fields, n=1)
            hint = (f"; did you mean '{guess[0]}'?" if guess
                    else f"; known columns: {', '.join(self.fields)}")
            raise StudyDataError(f"unknown column {quoted(column)}{hint}",
                                 header_origin.with_field(column))
        for field in self.fields.values():
            if field.required and field.name not in table.header and field.name not in dropped:
                raise StudyDataError(f"the header lacks the required column '{field.name}'",
                                     header_origin.with_field(field.name))

    def check_columns_exist(self, table: CsvTable, dropped: frozenset[str]) -> None:
        absent = sorted(dropped - set(table.header))
        if absent:
            raise UsageError(f"--drop-column {absent[0]!r}: there is no such column "
                             f"(columns: {listed(table.header)})",
                             Origin(table.file, line=1, row=1))

    def cell(self, row: CsvRow, file: str, name: str, text: str | None) -> Any:
        """The value of the column ``name`` in ``row``, whose stripped text is ``text``
        (None for an empty or dropped cell), as the field's type declares it: text, a whole
        number, or a tuple of texts for a list (its empty entries as None)."""
        field = self.fields[name]
        if text is None:
            if field.required:
                raise StudyDataError(f"the {name} is empty", row.origin(file, name))
            return () if field.delimiter else None
        problem = field.problem(text)
        if problem:
            raise StudyDataError(problem, row.origin(file, name))
        if field.type == "integer":
            return int(text)
        if field.delimiter:
            return tuple(part.strip() or None for part in text.split(field.delimiter))
        return text


def _within(value: int, field: TableField) -> bool:
    return ((field.minimum is None or value >= field.minimum)
            and (field.maximum is None or value <= field.maximum))


def _range(field: TableField) -> str:
    if field.minimum is not None and field.maximum is not None:
        return f"a whole number from {field.minimum} to {field.maximum}"
    return "a whole number"


@cache
def _table_schema(name: str) -> TableSchema:
    descriptor = _schema(name)
    fields = {}
    for spec in descriptor["fields"]:
        constraints = spec.get("constraints", {})
        pattern = constraints.get("pattern")
        fields[spec["name"]] = TableField(
            name=spec["name"], type=spec.get("type", "string"),
            description=spec.get("description", ""), example=spec.get("example"),
            required=bool(constraints.get("required")),
            pattern=re.compile(pattern) if pattern else None,
            enum=tuple(constraints.get("enum", ())),
            minimum=constraints.get("minimum"), maximum=constraints.get("maximum"),
            delimiter=spec.get("delimiter") if spec.get("type") == "list" else None,
            expected=spec.get("x-expected"))
    # Made once and shared by every caller: its fields a read-only view.
    return TableSchema(descriptor.get("title", name), descriptor.get("description", ""),
                       MappingProxyType(fields))
