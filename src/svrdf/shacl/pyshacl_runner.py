"""SHACL-AF SPARQL targets answered by Oxigraph, and pyshacl run through its public API only.

pyshacl runs the shapes that svrdf's own engine (:mod:`svrdf.shacl.engine`) does not claim.
``validate(graph, engine="pyshacl-fast")`` gives it the shapes with their SPARQL targets
already answered by Oxigraph (:func:`resolve_sparql_targets`) and lets it validate the graph in
place where the shapes add nothing to it (:func:`may_validate_in_place`): both through
pyshacl's documented arguments, nothing of pyshacl replaced. tests/shacl/test_engines.py compares
the results with plain pyshacl's (``engine="pyshacl"``) on the bundled study, every bad graph
and generated studies. :func:`select_sparql_targets` serves both engines, and :func:`store_for`
gives svrdf's engine the data to answer ``sh:sparql`` constraints from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from svrdf.errors import ShapesError
from svrdf.rdf.oxigraph_terms import OxigraphTerm, TermConverter, from_oxigraph, literal_key


def may_validate_in_place(shapes: Graph) -> bool:
    """pyshacl copies the data graph first (a fifth of its time) in case SHACL rules add
    triples to it. Shapes without ``sh:rule`` add nothing, so pyshacl may work on the graph
    itself."""
    return (None, SH.rule, None) not in shapes


#: Triples above which a graph is loaded into Oxigraph one query at a time. Oxigraph holds
#: hundreds of bytes a triple, so a large graph is loaded query by query, only the triples the
#: query can match (for svrdf's shapes, a fraction of a study's); a small one is loaded once,
#: whole, which costs less than finding those triples again for each query.
LOAD_BY_QUERY_ABOVE = 20_000


def resolve_sparql_targets(shapes: Graph, data: Graph) -> Graph:
    """The shapes with each SHACL-AF ``sh:SPARQLTarget`` replaced by the nodes it selects, as
    ``sh:targetNode``. pyshacl then validates the same focus nodes against the same
    constraints, so the results are the same."""
    selected = select_sparql_targets(shapes, data)
    if not selected:
        return shapes
    resolved = Graph()
    for prefix, namespace in shapes.namespaces():
        resolved.bind(prefix, namespace)
    dropped = {target for _, target in selected}
    for s, p, o in shapes:
        if s in dropped or (p == SH.target and o in dropped):
            continue
        resolved.add((s, p, o))
    for (shape, _), nodes in selected.items():
        for node in nodes:
            resolved.add((shape, SH.targetNode, node))
    return resolved


def select_sparql_targets(shapes: Graph, data: Graph | Collection[tuple[Node, Node, Node]]
                          ) -> dict[tuple[Node, Node], list[Node]]:
    """The nodes each SHACL-AF ``sh:SPARQLTarget`` selects, by (shape, target), in ``data`` (an
    rdflib graph or a collection of distinct triples). pyshacl answers these SELECTs with
    rdflib's SPARQL engine, which evaluates in Python; Oxigraph, in Rust, many times faster."""
    targets = [(shape, target) for shape, target in shapes.subject_objects(SH.target)
               if (target, RDF.type, SH.SPARQLTarget) in shapes]
    if not targets:
        return {}
    queries = {(shape, target): prefix_header(shapes, target) + str(shapes.value(target, SH.select))
               for shape, target in targets}
    if len(data) <= LOAD_BY_QUERY_ABOVE:
        store = _store_of(data)
        return {key: _selected(store, query, data) for key, query in queries.items()}
    patterns = {key: _patterns_in(query) for key, query in queries.items()}
    if any(found is None for found in patterns.values()):
        return {key: _selected(store_for(data, [query]), query, data)
                for key, query in queries.items()}
    # One pass over the data for every query, keeping each predicate's triples (references
    # only), and one converter for every store: a large study's terms are made once.
    by_predicate: dict[Node, list[tuple[Node, Node, Node]]] = {
        predicate: [] for found in patterns.values() if found for predicate in found}
    if isinstance(data, Graph):
        for predicate, of_predicate in by_predicate.items():
            of_predicate.extend(data.triples((None, predicate, None)))
    else:
        for triple in data:
            kept = by_predicate.get(triple[1])
            if kept is not None:
                kept.append(triple)
    converter = TermConverter()
    selected = {}
    for key, query in queries.items():
        found = patterns[key] or {}
        candidates = (triple for predicate in found for triple in by_predicate[predicate])
        store = pyoxigraph.Store()
        store.bulk_extend(converter.quads(_matching(candidates, found)))
        selected[key] = _selected(store, query, data)
        del store  # before the next query's is made: one store at a time
    return selected


def store_for(data: Graph | Collection[tuple[Node, Node, Node]], queries: Iterable[str]
              ) -> pyoxigraph.Store:
    """An Oxigraph store of the data for the queries: of a small graph, the whole graph; of a
    large one, only the triples that a triple pattern of the queries can match."""
    if len(data) <= LOAD_BY_QUERY_ABOVE:
        return _store_of(data)
    patterns: Patterns = {}
    for query in queries:
        found = _patterns_in(query)
        if found is None:
            return _store_of(data)
        for predicate, ends in found.items():
            patterns[predicate] = patterns.get(predicate, frozenset()) | ends
    if isinstance(data, Graph):
        wanted = _matching((triple for predicate in sorted(patterns)
                            for triple in data.triples((None, predicate, None))), patterns)
    else:
        wanted = _matching(data, patterns)
    return _store_of(wanted)


def _store_of(triples: Iterable[tuple[Node, Node, Node]]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_extend(TermConverter().quads(triples))
    return store


def _selected(store: pyoxigraph.Store, query: str,
              data: Graph | Collection[tuple[Node, Node, Node]]) -> list[Node]:
    solutions = store.query(query)
    if not isinstance(solutions, pyoxigraph.QuerySolutions):  # an ASK or CONSTRUCT as sh:select
        raise ShapesError("the SHACL shapes cannot be run: the sh:select of a SPARQL target is "
                          "not a SELECT query")
    return as_data_terms([row["this"] for row in solutions if row["this"] is not None], data)


def as_data_terms(found: list[OxigraphTerm], data: Iterable[tuple[Node, Node, Node]]
                  ) -> list[Node]:
    """Oxigraph's terms as the data's own: a literal as each literal of the data that Oxigraph
    holds as that literal (a simple literal and its xsd:string twin, ``"01"`` and ``"1"`` as
    integers), which rdflib, and so pyshacl, tell apart. The data is read only when a literal
    was found."""
    own = _own_literals(found, data)
    nodes: list[Node] = []
    for term in found:
        node = from_oxigraph(term)
        if isinstance(node, Literal):
            nodes.extend(own.get(literal_key(node)) or (node,))
        else:
            nodes.append(node)
    return nodes


def as_data_term(found: list[OxigraphTerm], data: Iterable[tuple[Node, Node, Node]]
                 ) -> dict[OxigraphTerm, Node]:
    """Each of Oxigraph's terms as one term of the data: a literal as the data's literal that
    Oxigraph holds as it, rdflib's reading of it first if the data has several."""
    own = _own_literals(found, data)
    chosen = {}
    for term in found:
        node = from_oxigraph(term)
        if isinstance(node, Literal) and node not in own.get(literal_key(node), (node,)):
            node = own[literal_key(node)][0]
        chosen[term] = node
    return chosen


def _own_literals(found: list[OxigraphTerm], data: Iterable[tuple[Node, Node, Node]]
                  ) -> dict[tuple, list[Literal]]:
    """The data's literals that Oxigraph holds as the found ones, by :func:`literal_key`."""
    # Only Oxigraph's literals are converted: they are few, the found IRIs many.
    literals = (from_oxigraph(term) for term in found if isinstance(term, pyoxigraph.Literal))
    wanted = {literal_key(literal) for literal in literals if isinstance(literal, Literal)}
    own: dict[tuple, dict[Literal, None]] = {}
    if wanted:
        for _, _, obj in data:
            if isinstance(obj, Literal):
                key = literal_key(obj)
                if key in wanted:
                    own.setdefault(key, {})[obj] = None
    return {key: list(literals) for key, literals in own.items()}


#: What triple patterns can match, by predicate: the (subject, object) pairs they fix, None
#: standing for any term.
Patterns = dict[URIRef, frozenset[tuple[URIRef | None, URIRef | None]]]


@lru_cache(maxsize=64)
def _patterns_in(query: str) -> Patterns | None:
    """What the query's triple patterns can match, or None if a predicate is a variable or a
    path (then any triple may match)."""
    # Parsed once per query: a repository validates thousands of studies with the same ones.
    from rdflib.plugins.sparql import prepareQuery

    found: dict[URIRef, set] = defaultdict(set)

    def walk(node) -> bool:
        if isinstance(node, dict):  # rdflib's algebra nodes are dicts
            for key, value in dict.items(node):
                if key == "triples":
                    for subject, predicate, obj in value:
                        if not isinstance(predicate, URIRef):
                            return False
                        found[predicate].add((_fixed(subject), _fixed(obj)))
                elif not walk(value):
                    return False
        elif isinstance(node, (list, tuple)):
            return all(walk(item) for item in node)
        return True

    if not walk(prepareQuery(query).algebra):
        return None
    return {predicate: frozenset(ends) for predicate, ends in found.items()}


def _fixed(term: Node) -> URIRef | None:
    """A pattern's IRI, or None where it may match any term: a variable, a blank node, and a
    literal too, which a store may compare by value rather than as written."""
    return term if isinstance(term, URIRef) else None


_same_text = str.__eq__


def _matching(triples: Iterable[tuple[Node, Node, Node]], patterns: Patterns
              ) -> Iterator[tuple[Node, Node, Node]]:
    """The triples that some pattern can match."""
    any_ends = {predicate for predicate, ends in patterns.items() if (None, None) in ends}
    # Keyed by any node: the triples' predicates are looked up as they come.
    fixed_ends: dict[Node, frozenset[tuple[URIRef | None, URIRef | None]]] = {
        predicate: ends for predicate, ends in patterns.items() if predicate not in any_ends}
    for triple in triples:
        s, p, o = triple
        if p in any_ends:
            yield triple
            continue
        ends = fixed_ends.get(p)
        # A pattern's fixed term is an IRI: it matches an IRI of the same text (compared as
        # str, in C; rdflib's comparison, in Python, would say the same, slowly).
        if ends and any((fs is None or (type(s) is URIRef and _same_text(fs, s)))
                        and (fo is None or (type(o) is URIRef and _same_text(fo, o)))
                        for fs, fo in ends):
            yield triple


def prefix_header(shapes: Graph, target: Node) -> str:
    """The PREFIX lines of the sh:prefixes declarations of a SPARQL target or constraint."""
    lines = []
    for declarations in shapes.objects(target, SH.prefixes):
        for declaration in shapes.objects(declarations, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))
