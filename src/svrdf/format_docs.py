"""The README's tables of the study format, rendered from the schemas in ``schemas/``.

The README holds one generated block per schema, between marker comments::

    <!-- generated from schemas/study.schema.json: do not edit by hand -->
    ...
    <!-- end of generated table -->

``python -m svrdf.format_docs README.md`` rewrites the blocks in place from the schemas;
``--check`` changes nothing, names each stale block and exits 1. The same input gives the same
bytes, so a test can compare the README with what this module renders.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from svrdf.study.schemas import PARTICIPANTS_SCHEMA, PEOPLE_SCHEMA, STUDY_SCHEMA, load_schema

TABLE_SCHEMAS = {PARTICIPANTS_SCHEMA: "participants.csv", PEOPLE_SCHEMA: "people.csv"}

BLOCK = re.compile(
    r"(?P<start><!-- generated from schemas/(?P<name>[\w.-]+): do not edit by hand -->\n)"
    r"(?P<body>.*?)"
    r"(?P<end><!-- end of generated table -->)", re.DOTALL)


def render(name: str) -> str:
    """The Markdown of the block generated from the schema file ``name``."""
    if name == STUDY_SCHEMA:
        return render_study(load_schema(name))
    if name in TABLE_SCHEMAS:
        return render_table(load_schema(name))
    raise KeyError(f"no table is generated from schemas/{name}")


def render_study(schema: dict[str, Any]) -> str:
    """study.yaml: the schema's description, then one row per top-level key."""
    rows = ["| key | meaning | required | example |", "|---|---|---|---|"]
    required = set(schema.get("required", ()))
    for key, spec in schema["properties"].items():
        meaning = spec.get("description", "")
        sub_keys = _sub_keys(schema, spec)
        if sub_keys and not all(f"`{k}`" in meaning for k in sub_keys):
            meaning += " Keys: " + ", ".join(f"`{k}`" for k in sub_keys) + "."
        needed = "yes" if key in required else "no"
        if spec.get("minItems"):
            needed += ", at least one" if key in required else "; at least one when given"
        example = " or ".join(f"`{_yaml(v)}`" for v in spec.get("examples", ()))
        rows.append(_row(f"`{key}`", meaning, needed, example))
    return _paragraph(schema.get("description")) + "\n".join(rows) + "\n"


def render_table(schema: dict[str, Any]) -> str:
    """A CSV file: the Table Schema's description, then one row per column."""
    rows = ["| column | meaning | required | example |", "|---|---|---|---|"]
    for field in schema["fields"]:
        needed = "yes" if field.get("constraints", {}).get("required") else "no"
        example = f"`{field['example']}`" if field.get("example") is not None else ""
        rows.append(_row(f"`{field['name']}`", field.get("description", ""), needed, example))
    return _paragraph(schema.get("description")) + "\n".join(rows) + "\n"


def _paragraph(text: str | None) -> str:
    return f"{text}\n\n" if text else ""


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _sub_keys(root: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The keys of an object, or of a list's objects, that a top-level key holds."""
    node = _resolve(root, spec)
    if "items" in node:
        node = _resolve(root, node["items"])
    return list(node.get("properties", ()))


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and "properties" not in node and "items" not in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _yaml(value: Any, flow: bool = False) -> str:
    """A value as YAML on one line: flow style, and text unquoted where YAML (as svrdf reads
    it) gives back the same text."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v, True)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v, True) for v in value) + "]"
    if isinstance(value, str):
        return value if _reads_back(value, flow) else json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _reads_back(text: str, flow: bool) -> bool:
    try:
        read = yaml.safe_load(f"[{text}]")[0] if flow else yaml.safe_load(f"k: {text}")["k"]
    except (yaml.YAMLError, IndexError, KeyError, TypeError):
        return False
    # svrdf reads a date as its ISO text and a number where text is expected as its text.
    if isinstance(read, dt.date):
        read = read.isoformat()
    elif isinstance(read, (int, float)) and not isinstance(read, bool):
        read = str(read)
    return read == text


def update(text: str) -> tuple[str, list[str]]:
    """``text`` with every generated block rendered afresh, and the names of the schemas whose
    blocks were stale."""
    stale: list[str] = []

    def fresh(match: re.Match[str]) -> str:
        body = render(match["name"])
        if body != match["body"]:
            stale.append(match["name"])
        return match["start"] + body + match["end"]

    return BLOCK.sub(fresh, text), stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m svrdf.format_docs",
        description="Rewrite the tables generated from schemas/ in a Markdown file.")
    parser.add_argument("file", type=Path, help="the Markdown file, e.g. README.md")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a generated table is stale")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print(f"{args.file}: no generated tables (no '<!-- generated from schemas/...' marker)",
              file=sys.stderr)
        return 1
    new_text, stale = update(text)
    for name in stale:
        verb = "is stale" if args.check else "rewritten"
        print(f"{args.file}: the table generated from schemas/{name} {verb}", file=sys.stderr)
    if args.check:
        if stale:
            print(f"run: python -m svrdf.format_docs {args.file}", file=sys.stderr)
        return 1 if stale else 0
    if stale:
        args.file.write_text(new_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
