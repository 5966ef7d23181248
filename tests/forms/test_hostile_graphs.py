"""Graphs no study makes but a query may hand the writers (found by attacking them): every form
reads back as the same graph, or the term no syntax can write is refused."""

from __future__ import annotations

import pytest
from conftest import assert_reads_back
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from svrdf.forms import graph_bytes
from svrdf.forms.jsonld import compact_jsonld, jsonld_context
from svrdf.forms.rdf_syntax import trig_chunk

S = URIRef("https://example.org/s")
SCHEMA = "http://schema.org/"


@pytest.mark.parametrize("context", ["svrdf", "dcat"])
def test_jsonld_iris_whose_scheme_is_a_context_prefix_read_back(context):
    """"dct:x" is an absolute IRI (scheme "dct"); written as it is under a context defining
    the prefix dct, JSON-LD reads it as http://purl.org/dc/terms/x."""
    triples = [
        (URIRef("dct:x"), URIRef(SCHEMA + "name"), Literal("subject")),
        (S, URIRef(SCHEMA + "sameAs"), URIRef("dct:x")),             # under an @id key
        (S, URIRef("http://purl.org/dc/terms/isReferencedBy"), URIRef("skos:y")),
        (S, URIRef(SCHEMA + "knows"), URIRef("prov:z")),             # under a plain key
        (S, URIRef("xsd:p"), Literal("predicate")),
        (S, RDF.type, URIRef("prov:Thing")),
        (S, URIRef(SCHEMA + "name"), Literal("v", datatype=URIRef("xsd:dt"))),
        (S, URIRef(SCHEMA + "gender"), URIRef("dct:g")),              # under an @vocab key
        (URIRef("dct:"), URIRef("http://purl.org/dc/terms/title"), Literal("t")),
    ]
    assert_reads_back(compact_jsonld(triples, jsonld_context(context)), "json-ld", triples)
    if context == "svrdf":
        assert_reads_back(graph_bytes(triples, "json-ld"), "json-ld", triples)


@pytest.mark.parametrize("iri", ["prov:wasGeneratedBy", "dct:creator", "svrdf:inCase"])
def test_jsonld_of_an_iri_spelled_like_a_term_reads_back(iri):
    """An IRI that is itself the name of a term (scheme "prov") cannot be a key under the
    context: the document is written expanded, and reads back as the graph."""
    triples = [(S, URIRef(iri), Literal("x")), (S, URIRef(SCHEMA + "gender"), URIRef(iri))]
    assert_reads_back(graph_bytes(triples, "json-ld"), "json-ld", triples)


def test_jsonld_of_a_study_like_graph_is_compacted_not_expanded():
    """The fallback is for graphs the context would misread, not for svrdf's own."""
    triples = [(S, URIRef(SCHEMA + "name"), Literal("x")), (S, RDF.type, URIRef(SCHEMA + "Dataset"))]
    assert b'"@context"' in graph_bytes(triples, "json-ld")


@pytest.mark.parametrize("syntax", ["turtle", "trig"])
@pytest.mark.parametrize("local", [".", "..", "a.", "a.."])
def test_iris_ending_in_a_dot_under_a_declared_namespace_read_back(syntax, local):
    """Oxigraph writes <http://schema.org/a.> as schema:a\\. (valid Turtle), which rdflib's
    parser reads as schema:a followed by the end of the statement."""
    iri = URIRef(SCHEMA + local)
    triples = [(S, iri, iri), (iri, RDF.type, URIRef(SCHEMA + "Thing")),
               (S, URIRef(SCHEMA + "name"), Literal("v", datatype=iri))]
    data = (trig_chunk(triples, URIRef("https://example.org/g")) if syntax == "trig"
            else graph_bytes(triples, syntax))
    assert_reads_back(data, syntax, triples)


@pytest.mark.parametrize("triple", [
    (URIRef("_:x"), URIRef(SCHEMA + "name"), Literal("read as a blank node")),
    (URIRef("https://example.org/a b"), URIRef(SCHEMA + "name"), Literal("dropped on reading")),
    (S, URIRef(SCHEMA + "url"), URIRef("relative/iri")),
    (S, URIRef(SCHEMA + "name"), Literal("x", lang="toolongsubtag")),
], ids=["blank-node-looking-iri", "space-in-iri", "relative-iri", "bad-language-tag"])
def test_jsonld_refuses_the_terms_the_other_writers_refuse(triple):
    """Turtle and N-Triples raise ValueError for these; JSON-LD wrote them silently, and
    rdflib or Oxigraph then read another graph (or none) back."""
    with pytest.raises(ValueError):
        graph_bytes([triple], "turtle")
    with pytest.raises(ValueError):
        graph_bytes([triple], "json-ld")


@pytest.mark.parametrize("syntax", ["nt", "turtle", "json-ld"])
def test_a_blank_node_label_holding_a_colon_is_refused(syntax):
    """Oxigraph accepts BlankNode("a:b") and writes _:a:b, which no parser reads."""
    with pytest.raises(ValueError):
        graph_bytes([(BNode("a:b"), URIRef(SCHEMA + "name"), Literal("x"))], syntax)


@pytest.mark.parametrize("syntax", ["nt", "turtle"])
@pytest.mark.parametrize("datatype", ["langString", "dirLangString"])
def test_a_language_datatype_without_a_language_is_refused(syntax, datatype):
    """"x"^^rdf:langString was written, and Oxigraph refuses to read it back."""
    literal = Literal("x", datatype=URIRef(str(RDF) + datatype))
    with pytest.raises(ValueError):
        graph_bytes([(S, URIRef(SCHEMA + "name"), literal)], syntax)


def test_jsonld_of_a_graph_does_not_depend_on_the_case_its_language_tag_arrived_in():
    """rdflib holds "x"@en and "x"@EN as one triple (RDF 1.1: tags are case-insensitive), the
    first one added; the JSON-LD bytes then depended on insertion order."""
    p = URIRef(SCHEMA + "name")
    first, second = Graph(), Graph()
    for graph, tags in ((first, ("en-GB", "EN-gb")), (second, ("EN-gb", "en-GB"))):
        for tag in tags:
            graph.add((S, p, Literal("x", lang=tag)))
    assert len(first) == len(second) == 1
    for syntax in ("turtle", "nt", "json-ld"):
        assert graph_bytes(first, syntax) == graph_bytes(second, syntax), syntax
