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


def test_readme_report_is_what_svrdf_prints(tmp_path, monkeypatch):
    """The "When something is wrong" example, replayed: same edits, same report."""
    from click.testing import CliRunner

    from svrdf.cli import cli

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ svrdf export --study my-study -o study.ttl\n", 1)[1].split("$ echo $?", 1)[0]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "my-study"]).exit_code == 0
    csv_path = tmp_path / "my-study" / "participants.csv"
    text = csv_path.read_text(encoding="utf-8")
    text = text.replace("CC1,2,CC,LA,Commissioner,M,IP8", "CC1,2,CC,LA,Commissioner,F,IP8")
    text = text.replace("CB9,2,CB,LA,Commissioner", "CB9,2,CA,LA,Commissioner")
    csv_path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["export", "--study", "my-study", "-o", "study.ttl"])
    assert result.exit_code == 1
    assert result.stderr == shown


PYTHON = re.compile(r"```python\n(?P<code>.*?)```", re.DOTALL)


def test_readme_python_snippets_run_and_print_what_they_say(tmp_path, monkeypatch, capsys):
    """Each Python snippet runs on `svrdf init my-study`; a print()'s trailing comment is its output."""
    from click.testing import CliRunner

    from svrdf.cli import cli

    snippets = PYTHON.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert snippets
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "my-study"]).exit_code == 0
    for code in snippets:
        exec(compile(code, "README.md", "exec"), {})
        printed = capsys.readouterr().out.splitlines()
        promised = [line.split("#", 1)[1].strip() for line in code.splitlines()
                    if line.startswith("print(") and "#" in line]
        assert printed == promised
