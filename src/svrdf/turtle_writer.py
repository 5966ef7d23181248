"""Turtle as rdflib writes it, byte for byte, at a fraction of the cost.

:func:`write_turtle` follows rdflib's TurtleSerializer step by step (subject order, inlined
blank nodes, sorted predicates and objects, prefixed names, literal forms), reading the
triples once instead of querying a graph for each subject and working out each IRI's
prefixed name once instead of at every use. It needs no rdflib graph, so a large study need
not be held in one, and it writes the document to its stream as it goes. Where rdflib would
do something it does not copy (invent a prefix such as ``ns1`` for a predicate, write an RDF
list) it raises :class:`NeedsRdflib` before writing anything, and the caller runs rdflib's
serializer instead. tests/test_engines.py compares the two on every graph the tests have.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import BinaryIO

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, NamespaceManager
from rdflib.term import Node

from .multimap import held, hold

INDENT = "    "
_PERCENT_NEEDING_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class NeedsRdflib(Exception):
    """The triples need something of rdflib's serializer that write_turtle does not copy."""


def write_turtle(triples: Iterable[tuple[Node, Node, Node]], namespaces: NamespaceManager,
                 out: BinaryIO) -> None:
    """Write the distinct ``triples`` to ``out`` as rdflib's Turtle serializer writes a graph
    that holds them in this order with these namespace bindings. The order matters only
    between objects that rdflib's sort leaves tied (such as "1"^^xsd:integer and
    "01"^^xsd:integer)."""
    _Writer(namespaces).write(triples, out)


#: Pieces of text held before they are written out: about a megabyte.
FLUSH_EVERY = 1 << 16


_TYPE, _LABEL, _CLASS, _NIL = RDF.type, RDFS.label, RDFS.Class, str(RDF.nil)
_LIST_PREDICATES = frozenset({str(RDF.first), str(RDF.rest)})


def _sorted(nodes) -> list:
    """rdflib's order of terms: nodes of one kind compare as their strings, which Python
    compares in C; literals compare by value, which needs rdflib's comparison."""
    nodes = list(nodes)
    kinds = {type(node) for node in nodes}
    if len(kinds) == 1 and kinds <= {URIRef, BNode}:
        return sorted(nodes, key=str)
    return sorted(nodes)


class _Writer:
    def __init__(self, namespaces: NamespaceManager) -> None:
        self.namespaces = namespaces
        self.bound = tuple(str(namespace) for _, namespace in namespaces.namespaces())
        self.used: dict[str, URIRef] = {}
        self.names: dict[Node, str | None] = {}
        self.predicate_names: dict[Node, str] = {}
        self.labels: dict[Node, str] = {}
        self.out: list[str] = []
        self.depth = 0
        self.done: set[Node] = set()

    # -- prefixed names, as TurtleSerializer.get_pname
    def pname(self, uri: Node, is_predicate: bool = False) -> str | None:
        name = None
        # An IRI under no bound namespace has no prefixed name, which rdflib finds out slowly.
        if isinstance(uri, URIRef) and (is_predicate or str.startswith(uri, self.bound)):
            try:
                prefix, namespace, local = self.namespaces.compute_qname(uri, generate=False)
            except Exception:
                if is_predicate:
                    raise NeedsRdflib(f"rdflib would invent a prefix for {uri}") from None
                prefix = self.namespaces.store.prefix(uri)
                namespace, local = uri, ""
            if prefix is not None:
                local = _PERCENT_NEEDING_ESCAPE.sub("\\\\%", local.replace("(", r"\(").replace(")", r"\)"))
                if not local.endswith("."):
                    if prefix[:1] == "_" or self.used.get(prefix, namespace) != namespace:
                        raise NeedsRdflib(f"rdflib would rename the prefix {prefix}")
                    self.used[prefix] = namespace
                    name = f"{prefix}:{local}"
        return name

    def name(self, node: Node) -> str | None:
        """The prefixed name of a subject or object (None for a literal or a blank node)."""
        if type(node) is not URIRef:
            return None
        try:
            return self.names[node]
        except KeyError:
            found = self.names[node] = self.pname(node)
            return found

    def label(self, node: Node) -> str:
        if type(node) is Literal:
            return node._literal_n3(use_plain=True, qname_callback=self.name)
        found = self.labels.get(node)
        if found is None:
            if type(node) is URIRef and str.__eq__(node, _NIL):
                found = "()"
            else:
                found = self.name(node) or node.n3()
            self.labels[node] = found
        return found

    # -- the document
    def write(self, triples: Iterable[tuple[Node, Node, Node]], stream: BinaryIO) -> None:
        by_subject: dict[Node, dict[Node, Node | list[Node]]] = {}  # a multimap
        references: dict[Node, int] = defaultdict(int)
        predicates = self.predicate_names
        datatypes: set[Node] = set()
        for s, p, o in triples:
            properties = by_subject.get(s)
            if properties is None:
                properties = by_subject[s] = {}
                self.name(s)
            if p not in predicates:
                if type(p) is not URIRef or str(p) in _LIST_PREDICATES:
                    raise NeedsRdflib("blank-node predicates or RDF lists")
                # rdflib names every node (and datatype) as it reads the triples, rdf:type
                # aside: the prefixes it binds on the way are the ones it writes.
                predicates[p] = "a" if p == _TYPE else self.pname(p, is_predicate=True) or p.n3()
            hold(properties, p, o)  # a predicate's one object without a list (svrdf.multimap)
            if type(o) is Literal:
                datatype = o.datatype
                if datatype is not None and datatype not in datatypes:
                    datatypes.add(datatype)
                    self.name(datatype)
            else:
                references[o] += 1  # only a node's count matters: literals are never subjects
                self.name(o)
        self.by_subject, self.references = by_subject, references
        classes = sorted(s for s, properties in by_subject.items()
                         if _CLASS in held(properties, _TYPE))
        listed = set(classes)
        rest = sorted(((type(s) is BNode, references.get(s, 0), str(s), s)
                       for s in by_subject if s not in listed), key=lambda row: row[:3])
        order = [*classes, *(row[3] for row in rest)]
        header = "".join(f"@prefix {prefix}: <{namespace}> .\n"
                         for prefix, namespace in sorted(self.used.items()))
        del rest
        out = self.out
        out.append(header)
        for subject in order:
            if subject in self.done:
                continue
            self.done.add(subject)
            if type(subject) is BNode and not references.get(subject):
                out.append("\n" + INDENT * self.depth + "[]")
            else:
                out.append("\n" + INDENT * self.depth + self.label(subject))
            self.predicate_list(subject)
            out.append(" .\n")
            if len(out) > FLUSH_EVERY:
                stream.write("".join(out).encode("utf-8", "replace"))
                out.clear()
        out.append("\n")
        stream.write("".join(out).encode("utf-8", "replace"))

    def predicate_list(self, subject: Node, newline: bool = False) -> None:
        properties = self.by_subject.get(subject)
        if not properties:
            return
        order = _sorted(properties)
        for first in (_LABEL, _TYPE):  # rdflib puts rdf:type first, then rdfs:label
            if first in properties:
                order.remove(first)
                order.insert(0, first)
        out, names = self.out, self.predicate_names
        for index, predicate in enumerate(order):
            if index:
                out.append(" ;\n" + INDENT * (self.depth + 1))
            elif not newline:
                out.append(" ")
            out.append(names[predicate])
            self.object_list(_sorted(held(properties, predicate)))

    def object_list(self, objects: list[Node]) -> None:
        shift = 0 if len(objects) == 1 else 1
        self.depth += shift
        self.object(objects[0], newline=False)
        for obj in objects[1:]:
            self.out.append(",\n" + INDENT * (self.depth + 1))
            self.object(obj, newline=True)
        self.depth -= shift

    def object(self, node: Node, newline: bool) -> None:
        if type(node) is BNode and node not in self.done and self.references[node] <= 1:
            if not newline:
                self.out.append(" ")
            self.done.add(node)
            self.depth += 2
            self.out.append("[")
            self.depth -= 1
            self.predicate_list(node)
            self.out.append(" ]")
            self.depth -= 1
            return
        if not newline:
            self.out.append(" ")
        self.out.append(self.label(node))
