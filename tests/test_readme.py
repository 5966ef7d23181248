"""What the README claims, checked: its SPARQL examples give the answers it prints."""

from __future__ import annotations

import re

import pytest

from conftest import REPO_ROOT

EXAMPLE = re.compile(r"```sparql\n(?P<query>.*?)```\s*\n(?P<table>(?:\|[^\n]*\|\n)+)", re.DOTALL)


def readme_examples() -> list[tuple[str, list[list[str]]]]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for match in EXAMPLE.finditer(text):
        lines = match.group("table").strip().splitlines()
        rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
        examples.append((match.group("query"), rows[:1] + rows[2:]))
    return examples


def test_readme_has_three_sparql_examples():
    assert len(readme_examples()) == 3


@pytest.mark.parametrize("sparql, table", readme_examples(), ids=lambda v: str(v)[:40])
def test_readme_sparql_answers_are_true(bundled_graph, sparql, table):
    result = bundled_graph.query(sparql)
    header, *rows = table
    assert [str(v) for v in result.vars] == header
    assert [[str(v) for v in row] for row in result] == rows
