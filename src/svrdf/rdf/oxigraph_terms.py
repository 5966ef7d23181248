"""rdflib's terms as Oxigraph's, and back: svrdf builds its graphs with rdflib and hands them
to Oxigraph where Oxigraph is the faster or the stricter tool (SPARQL targets, line-based
serialisation)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

OxigraphTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


_LANGUAGE_DATATYPES = frozenset(f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{name}"
                                 for name in ("langString", "dirLangString"))


def to_oxigraph(term: Node) -> OxigraphTerm:
    """Oxigraph's term for rdflib's. Raises ValueError for a term no RDF syntax can write,
    which Oxigraph would otherwise take and write unreadably: a blank node label holding ":",
    a literal typed as language-tagged without a language."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(term)
    if isinstance(term, BNode):
        if ":" in term:
            raise ValueError(f"the blank node label {str(term)!r} holds ':', which no RDF syntax allows")
        return pyoxigraph.BlankNode(term)
    if not isinstance(term, Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype:
        _check_datatype(term.datatype)
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(term.datatype))
    return pyoxigraph.Literal(str(term))


def _check_datatype(datatype: str) -> None:
    if str(datatype) in _LANGUAGE_DATATYPES:
        raise ValueError(f"a literal without a language tag cannot have the datatype <{datatype}>")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_oxigraph(term: OxigraphTerm) -> Node:
    """rdflib's term for Oxigraph's. Oxigraph gives every simple literal the datatype
    xsd:string (RDF 1.1), where rdflib keeps ``"x"`` and ``"x"^^xsd:string`` apart and reads
    ``"x"`` as a literal without a datatype: that is what a simple literal becomes here."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))


def literal_key(term: Literal) -> tuple:
    """What Oxigraph keeps of a literal, so that a literal it returns can be matched with the
    data's own: Oxigraph writes a literal's value in its canonical form (``"01"^^xsd:integer``
    comes back as ``"1"``), lower-cases a language tag and gives a simple literal xsd:string."""
    value = term.value
    if value is None or getattr(term, "ill_typed", None):
        value = str(term)
    return (str(term.datatype or (None if term.language else _XSD_STRING)),
            term.language.lower() if term.language else None, value)


class TermConverter:
    """:func:`to_oxigraph`, made once per IRI, blank node or datatype: a study repeats its
    nodes, predicates and classes in triple after triple."""

    def __init__(self) -> None:
        self._converted: dict[Node, OxigraphTerm] = {}

    def __call__(self, node: Node) -> OxigraphTerm:
        if type(node) is Literal:  # seldom repeated, and costly to hash
            return self._literal(node)
        found = self._converted.get(node)
        if found is None:
            found = self._converted[node] = to_oxigraph(node)
        return found

    def _literal(self, literal: Literal) -> pyoxigraph.Literal:
        language = literal.language
        if language:
            return pyoxigraph.Literal(str(literal), language=language)
        datatype = literal.datatype
        if datatype is None:
            return pyoxigraph.Literal(str(literal))
        _check_datatype(datatype)
        return pyoxigraph.Literal(str(literal), datatype=pyoxigraph.NamedNode(datatype))

    # A triple's subject is never a literal, nor its predicate anything but an IRI: the terms
    # are not narrowed one by one, which would cost a call each in the loops below.
    def triples(self, triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[pyoxigraph.Triple]:
        for s, p, o in triples:
            yield pyoxigraph.Triple(self(s), self(p), self(o))  # type: ignore[arg-type]

    def quads(self, triples: Iterable[tuple[Node, Node, Node]],
              graph_name: URIRef | None = None) -> Iterator[pyoxigraph.Quad]:
        name = pyoxigraph.NamedNode(graph_name) if graph_name is not None else pyoxigraph.DefaultGraph()
        for s, p, o in triples:
            yield pyoxigraph.Quad(self(s), self(p), self(o), name)  # type: ignore[arg-type]
