"""The RDF syntaxes (Turtle, N-Triples, N-Quads, TriG), written by Oxigraph's serializers.

RDF/XML is not among them: Oxigraph's RDF/XML writer puts a carriage return into element text
as it is, which every XML parser reads as a line feed, so a literal holding one would not read
back as itself.

svrdf hands Oxigraph the triples in reading order: subject by subject in the order the study
maps them (the dataset first, then its phases, cases and people), each subject's ``rdf:type``
first and its other predicates in the order they first appear, so Oxigraph's Turtle groups
them with ``;`` and ``,`` and a person reads the file top down. The order depends on the input
alone, so the bytes are the same on every run.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Iterator
from typing import BinaryIO, cast

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from svrdf.forms.registry import register, register_dataset
from svrdf.rdf.mapping import Triple
from svrdf.rdf.oxigraph_terms import TermConverter
from svrdf.rdf.vocab import PREFIXES, RDF
from svrdf.study.model import Study

#: Each syntax svrdf writes, by the name its callers use.
SYNTAXES: dict[str, pyoxigraph.RdfFormat] = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nquads": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
    # JSON-LD without a context, for a graph svrdf's contexts cannot compact (svrdf.forms.jsonld)
    "json-ld-expanded": pyoxigraph.RdfFormat.JSON_LD,
}


def write_rdf(data: Graph | Collection[Triple], syntax: str, out: BinaryIO,
              graph_name: URIRef | None = None) -> None:
    """Write ``data`` (an rdflib graph, or distinct triples in the order the study maps them)
    in ``syntax``; in a quad syntax, into the named graph ``graph_name`` (the default graph
    when None)."""
    rdf_format = SYNTAXES[syntax]
    converter = TermConverter()
    ordered = reading_order(data)
    statements: Iterator[pyoxigraph.Triple] | Iterator[pyoxigraph.Quad] = (
        converter.quads(ordered, graph_name) if rdf_format.supports_datasets
        else converter.triples(ordered))
    prefixes = _prefixes_used(ordered, graph_name) if rdf_format in _ABBREVIATING else None
    pyoxigraph.serialize(statements, out, rdf_format, prefixes=prefixes)


def reading_order(data: Graph | Collection[Triple]) -> list[Triple]:
    """The triples subject by subject, in the order each subject first appears, a subject's
    types first and its other predicates in the order they first appear anywhere. An rdflib
    graph, which has no order of its own, is first sorted by its terms' text."""
    # An rdflib graph's terms are identifiers too (svrdf's graphs hold no formulas).
    triples: list[Triple] = (sorted(cast(Iterable[Triple], data), key=_text_key)
                             if isinstance(data, Graph) else list(data))
    subjects: dict[Node, int] = {}
    predicates: dict[Node, int] = {RDF.type: -1}
    for s, p, _ in triples:
        subjects.setdefault(s, len(subjects))
        predicates.setdefault(p, len(predicates))
    # Stable, and nearly sorted already (a study maps a subject's triples together): linear.
    triples.sort(key=lambda triple: (subjects[triple[0]], predicates[triple[1]]))
    return triples


def _text_key(triple: Triple) -> tuple[str, ...]:
    s, p, o = triple
    if isinstance(o, Literal):
        return (str(s), str(p), "1", str(o), o.language or "", str(o.datatype or ""))
    return (str(s), str(p), "0", str(o))


#: The syntaxes that write an IRI as a prefixed name where they can.
_ABBREVIATING = (pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.TRIG)


def _prefixes_used(triples: Collection[Triple], graph_name: URIRef | None) -> dict[str, str]:
    """The prefixes of the namespaces the predicates and classes use, and xsd's for the
    datatypes: the document declares only those. Not a namespace of an IRI that ends in ".":
    Oxigraph would write it as a prefixed name ending in an escaped dot (``schema:a\\.``),
    which is Turtle but which rdflib's parser reads as the end of the statement."""
    type_iri = str(RDF.type)
    is_type, ends = str.__eq__, str.endswith  # str's own: rdflib's are written in Python
    names = {p for _, p, _ in triples} | {o for _, p, o in triples if is_type(p, type_iri)}
    used = {"xsd"} | {prefix for name in names for prefix, namespace in PREFIXES.items()
                      if name.startswith(namespace)}
    dotted = {term for triple in triples for term in triple
              if ends(term, ".") and type(term) is URIRef}
    if graph_name is not None and ends(graph_name, "."):
        dotted.add(graph_name)
    return {prefix: str(PREFIXES[prefix]) for prefix in sorted(used)
            if not any(iri.startswith(PREFIXES[prefix]) for iri in dotted)}


@register("turtle", "study.ttl", "text/turtle", "the full graph in Turtle", aliases=("ttl",))
def write_study_turtle(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    write_rdf(graph, "turtle", out)


@register("nt", "study.nt", "application/n-triples", "the full graph in N-Triples",
          aliases=("ntriples", "n-triples"))
def write_study_ntriples(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    write_rdf(graph, "nt", out)


@register_dataset("nquads", "studies.nq", "application/n-quads",
                  "every study's graph as a named graph, in N-Quads", aliases=("nq", "n-quads"))
def nquads_chunk(graph: Collection[Triple], name: URIRef | None) -> bytes:
    buffer = io.BytesIO()
    write_rdf(graph, "nquads", buffer, graph_name=name)
    return buffer.getvalue()


@register_dataset("trig", "studies.trig", "application/trig",
                  "every study's graph as a named graph, in TriG")
def trig_chunk(graph: Collection[Triple], name: URIRef | None) -> bytes:
    buffer = io.BytesIO()
    write_rdf(graph, "trig", buffer, graph_name=name)
    return buffer.getvalue()
