"""Writers: every form parses back to the same graph, offline, byte-identical run to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from svrdf.errors import OutputError
from svrdf.formats import FORMATS, format_for_path, get_format, write_atomically

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
