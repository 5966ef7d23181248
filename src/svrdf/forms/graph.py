"""Any graph in one of the plain RDF forms (Turtle, N-Triples, JSON-LD), by name: what the
server and ``svrdf query`` write for a resource or a CONSTRUCT result."""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import BinaryIO

from rdflib import Graph

from svrdf.forms.jsonld import jsonld_context, write_jsonld
from svrdf.forms.rdf_syntax import SYNTAXES, write_rdf
from svrdf.rdf.mapping import Triple


def graph_bytes(graph: Graph | Collection[Triple], name: str) -> bytes:
    """A graph in one of the plain RDF forms (turtle, nt, json-ld), needing no study."""
    buffer = io.BytesIO()
    write_graph(graph, name, buffer)
    return buffer.getvalue()


def write_graph(graph: Graph | Collection[Triple], name: str, out: BinaryIO) -> None:
    """Write a graph (or distinct triples, in the order the study maps them) in one of the
    plain RDF forms: an RDF syntax Oxigraph writes, or JSON-LD compacted with svrdf's context."""
    if name == "json-ld":
        write_jsonld(graph, jsonld_context(), out)
    elif name in SYNTAXES:
        write_rdf(graph, name, out)
    else:
        raise KeyError(name)
