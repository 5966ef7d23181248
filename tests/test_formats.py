"""Writers: every form parses back to the same graph, offline, byte-identical run to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import shutil

import pyoxigraph
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from svrdf.cli import cli
from svrdf.errors import OutputError
from svrdf.formats import (FORMATS, format_for_path, get_format, graph_bytes, nquads_chunk,
                           write_atomically)

RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "json-ld": "json-ld"}


@pytest.fixture(scope="module")
def serialized(bundled_study, bundled_graph):
    return {name: fmt.serialize(bundled_study, bundled_graph) for name, fmt in FORMATS.items()}


@pytest.mark.parametrize("name", sorted(RDFLIB_FORMAT))
def test_each_form_parses_back_to_the_same_graph(serialized, bundled_graph, name, no_network):
    parsed = Graph().parse(data=serialized[name], format=RDFLIB_FORMAT[name])
    assert len(parsed) == len(bundled_graph) > 300
    assert isomorphic(parsed, bundled_graph)


def test_jsonld_uses_plain_schema_names_and_an_inline_context(serialized):
    document = json.loads(serialized["json-ld"])
    assert isinstance(document["@context"], dict)  # inline: nothing to fetch
    assert document["@context"]["@vocab"] == "http://schema.org/"
    dataset = next(n for n in document["@graph"] if "Dataset" in n.get("@type", []))
    # The record's texts are tagged English: a JSON-LD value object with its language.
    assert dataset["name"]["@language"] == "en"
    assert dataset["name"]["@value"].startswith("Commissioning for social value")
    assert {"creator", "description", "prov:wasGeneratedBy"} <= set(dataset)


def test_turtle_declares_prefixes_and_uses_them(serialized):
    text = serialized["turtle"].decode()
    for prefix in ("schema", "prov", "dcat", "dct", "svrdf"):
        assert f"@prefix {prefix}: " in text
    assert "schema:Dataset" in text and text.count("<http://schema.org/") == 1
    assert "https://schema.org/" not in text


def test_ntriples_lines_are_sorted_and_unique(serialized):
    lines = serialized["nt"].decode().splitlines()
    assert lines == sorted(set(lines))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_output_is_byte_identical_across_processes(name, tmp_path):
    """Two exports in fresh interpreters with different hash seeds give the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"{seed}{FORMATS[name].suffix}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "svrdf.cli", "export", "--format", name,
                        "-o", str(target)], check=True, env=env, capture_output=True)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0]


def test_registry_names_aliases_and_suffixes():
    assert get_format("ttl") is FORMATS["turtle"]
    assert get_format("JSONLD") is FORMATS["json-ld"]
    assert format_for_path("x/out.nt") == "nt"
    assert format_for_path("x/all.nq") == "nquads" and format_for_path("x/all.trig") == "trig"
    assert format_for_path("x/out.unknown") is None
    with pytest.raises(KeyError):
        get_format("rdfxml-nope")


def test_atomic_write_keeps_old_file_when_folder_is_missing(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_atomically(b"data", tmp_path / "missing" / "out.ttl")


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    write_atomically(b"new", target)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_interrupted_write_leaves_the_old_file_intact(tmp_path, monkeypatch, failure):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    def fail(*args):
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises((OutputError, KeyboardInterrupt)):
        write_atomically(b"new", target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_a_bundle_that_fails_part_way_writes_no_file_and_keeps_the_old_ones(tmp_path, bundled_dir):
    """Forms stream to their files one after another; a failure in a later form (here the
    disk filling up half-way through N-Triples) must not leave the earlier forms new and the
    rest old, nor any partial or temporary file."""
    from dataclasses import replace

    from svrdf.pipeline import export_study, write_forms

    def fill_the_disk(study, graph, out):
        out.write(b"<partial")
        raise OutputError("cannot write study.nt: No space left on device")

    forms = [get_format("turtle"), replace(get_format("nt"), write=fill_the_disk)]
    for fmt in forms:
        (tmp_path / fmt.filename).write_bytes(b"old")
    with pytest.raises(OutputError, match="No space left"):
        write_forms(export_study(bundled_dir), forms, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"study.ttl": b"old", "study.nt": b"old"}

    assert write_forms(export_study(bundled_dir), [get_format("turtle"), get_format("nt")], tmp_path) == []
    assert (tmp_path / "study.ttl").read_bytes() == get_format("turtle").serialize(
        *_bundled(bundled_dir))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.nt", "study.ttl"]


def _bundled(directory):
    from svrdf.pipeline import study_graph

    return study_graph(directory)


# Any text a literal can hold, stress-tested where line-based grammars break: line breaks,
# quotes, backslashes, every control character, and the surrogate-free rest of Unicode.
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from('\n\r\t"\'\\\x00\x07\x0c\x1b\x7f\x85\u2028\u2029<>_:.# '),
                       st.characters(exclude_categories=("Cs",))),
    max_size=40)


@given(texts=st.lists(HOSTILE_TEXT, min_size=1, max_size=5), language=st.booleans())
@settings(max_examples=150, deadline=None)
def test_line_based_forms_hold_one_statement_a_line_for_any_text(texts, language):
    """N-Triples and N-Quads parsed back by an independent parser (Oxigraph): one statement a
    line, whatever a literal holds, so no text can add a statement of its own."""
    subject = URIRef("https://example.org/s")
    triples = [(subject, URIRef(f"https://example.org/p{index}"),
                Literal(text, lang="en") if language else Literal(text))
               for index, text in enumerate(texts)]
    expected = {(str(p), str(o)) for _, p, o in triples}
    graph_name = URIRef("https://example.org/g")
    for data, syntax in ((graph_bytes(triples, "nt"), pyoxigraph.RdfFormat.N_TRIPLES),
                         (nquads_chunk(triples, graph_name), pyoxigraph.RdfFormat.N_QUADS)):
        assert data.count(b"\n") == len(triples)
        for line in data.splitlines():  # each line alone is a whole statement
            assert len(list(pyoxigraph.parse(line, format=syntax))) == 1
        quads = list(pyoxigraph.parse(data, format=syntax))
        assert {(q.predicate.value, q.object.value) for q in quads} == expected
        assert {q.subject.value for q in quads} == {str(subject)}
        if syntax == pyoxigraph.RdfFormat.N_QUADS:
            assert {q.graph_name.value for q in quads} == {str(graph_name)}


def test_a_note_cannot_add_a_quad_to_an_nquads_export(tmp_path, minimal_study):
    """The attack: a note closing its literal and the line, then writing a quad of its own."""
    study = tmp_path / "study"
    shutil.copytree(minimal_study, study)
    injected = ('x"""\n<https://evil.example/s> <https://evil.example/p> "owned" .\n'
                '<https://evil.example/a> <https://evil.example/b> """y')
    data = yaml.safe_load((study / "study.yaml").read_text(encoding="utf-8"))
    data["description"] = injected
    (study / "study.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    target = tmp_path / "out.nq"
    result = CliRunner().invoke(cli, ["export", "--study", str(study), "--format", "nquads",
                                      "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    quads = list(pyoxigraph.parse(target.read_bytes(), format=pyoxigraph.RdfFormat.N_QUADS))
    assert not any("evil.example" in q.subject.value for q in quads)
    assert any(q.object.value == injected for q in quads)
