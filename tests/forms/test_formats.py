"""Writers: every form parses back to the same graph, offline, byte-identical run to run."""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import subprocess
import sys

import pyoxigraph
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO_ROOT, assert_reads_back
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from svrdf.cli import cli
from svrdf.errors import OutputError
from svrdf.forms import FORMATS, format_for_path, get_format, graph_bytes
from svrdf.forms.files import write_atomically
from svrdf.forms.rdf_syntax import nquads_chunk

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


def test_ntriples_lines_are_unique_and_in_reading_order(serialized):
    """One line a triple, the dataset's first and each subject's types before the rest."""
    lines = serialized["nt"].decode().splitlines()
    assert len(lines) == len(set(lines))
    assert lines[0].startswith(
        "<https://doi.org/10.21954/ou.rd.17147720> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ")
    subjects = [line.split(" ", 1)[0] for line in lines]
    assert len(set(subjects)) == sum(1 for a, b in itertools.pairwise(subjects) if a != b) + 1


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

    export = export_study(bundled_dir)
    assert write_forms(export, [get_format("turtle"), get_format("nt")], tmp_path) == []
    assert (tmp_path / "study.ttl").read_bytes() == get_format("turtle").serialize(
        export.study, export.triples)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.nt", "study.ttl"]


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


# A graph with what a study never makes but a CONSTRUCT query or another caller may hand the
# writers: blank nodes (shared, nested, unreferenced), numbers, booleans, a literal that looks
# like an IRI, IRIs that need escaping in a prefixed name, a class with a label.
AWKWARD_GRAPH = """
@prefix ex: <https://example.org/> .
@prefix schema: <http://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Kind a rdfs:Class ; rdfs:label "kind" .
ex:a a ex:Kind, schema:Person ; rdfs:label "a", "A"@en ; ex:p [ ex:q 1 ; ex:r [ ex:s true ] ], [ ex:q 2.5 ] ;
    ex:shared _:shared ; ex:t "1"^^xsd:integer, "01"^^xsd:integer, 1e3, "x\\ny \\"z\\"" ;
    ex:u <https://example.org/ns%41>, <https://example.org/x(1)>, <https://example.org/ends.> ;
    schema:url "https://example.org/not-an-iri" ; schema:gender schema:Female, ex:other, "free text" ;
    schema:license "CC-BY-4.0" ; schema:name "x"^^xsd:string, "y"^^schema:Text ;
    <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "a literal type" .
ex:b ex:shared _:shared ; ex:empty [] ; schema:about _:shared .
_:shared ex:v "shared" .
[] ex:w ex:a .
"""


@pytest.mark.parametrize("name", sorted(RDFLIB_FORMAT))
def test_each_form_of_an_awkward_graph_reads_back_as_it(name):
    graph = Graph().parse(data=AWKWARD_GRAPH, format="turtle")
    assert_reads_back(graph_bytes(graph, name), name, graph)


@pytest.mark.parametrize("name", sorted(RDFLIB_FORMAT))
def test_a_graph_and_its_triples_in_any_order_give_the_same_bytes(name):
    """An rdflib graph has no order, so the writers give it one of their own: graphs built in
    different orders are written alike."""
    graph = Graph().parse(data=AWKWARD_GRAPH, format="turtle")
    reversed_graph = Graph()
    for triple in sorted(graph, key=str, reverse=True):
        reversed_graph.add(triple)
    assert graph_bytes(graph, name) == graph_bytes(reversed_graph, name)


@pytest.mark.parametrize("name", sorted(RDFLIB_FORMAT))
def test_generated_studies_read_back_as_their_graphs(name, tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from generate_study import generate

    from svrdf.rdf.mapping import distinct_triples, graph_of, located_triples
    from svrdf.study.builder import load_study

    for seed in (1, 2):
        triples = distinct_triples(located_triples(load_study(generate(tmp_path / str(seed), 60,
                                                                       seed=seed))))
        assert_reads_back(graph_bytes(triples, name), name, graph_of(triples))


def test_jsonld_writes_plain_values_only_where_the_context_reads_them_back():
    """Under a key coercing to @id a literal must be a value object, under a plain key an IRI
    must be a node reference, and a datatype the key coerces to is left out."""
    from svrdf.forms.jsonld import write_jsonld

    context = {"@vocab": "http://schema.org/", "xsd": "http://www.w3.org/2001/XMLSchema#",
               "url": {"@id": "http://schema.org/url", "@type": "@id"},
               "born": {"@id": "http://schema.org/birthDate", "@type": "xsd:date"},
               "Person": {"@id": "https://example.org/NotAPerson"}}
    graph = Graph().parse(data="""
        @prefix schema: <http://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://example.org/a> a schema:Person ; schema:url "text", <https://example.org/u> ;
            schema:sameAs <https://example.org/b> ; schema:birthDate "2020-01-01"^^xsd:date, "2020"^^xsd:gYear .
        """, format="turtle")
    out = io.BytesIO()
    write_jsonld(graph, context, out)
    node = json.loads(out.getvalue())["@graph"][0]
    assert node["@type"] == "http://schema.org/Person"  # the term "Person" means another IRI
    assert sorted(node["url"], key=str) == ["https://example.org/u", {"@value": "text"}]
    assert node["sameAs"] == {"@id": "https://example.org/b"}
    assert sorted(node["born"], key=str) == ["2020-01-01", {"@type": "xsd:gYear", "@value": "2020"}]
    assert isomorphic(Graph().parse(data=out.getvalue(), format="json-ld"), graph)


def test_jsonld_refuses_a_context_it_cannot_compact_with():
    from svrdf.forms.jsonld import Compactor, UnsupportedContext

    with pytest.raises(UnsupportedContext, match="'tags'"):
        Compactor({"tags": {"@id": "http://schema.org/keywords", "@container": "@set"}})


@given(texts=st.lists(HOSTILE_TEXT, min_size=1, max_size=4), language=st.booleans())
@settings(max_examples=60, deadline=None)
def test_every_form_reads_back_any_text(texts, language):
    subject = URIRef("https://example.org/s")
    graph = Graph()
    for index, text in enumerate(texts):
        graph.add((subject, URIRef(f"http://schema.org/p{index}"),
                   Literal(text, lang="en") if language else Literal(text)))
    for name in RDFLIB_FORMAT:
        assert_reads_back(graph_bytes(graph, name), name, graph)
