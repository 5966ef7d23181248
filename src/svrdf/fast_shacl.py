"""Speed-ups for pyshacl that leave its results as they are, and SHACL-AF SPARQL targets
answered by Oxigraph.

pyshacl runs the shapes that svrdf's own engine (:mod:`svrdf.shacl_engine`) does not cover,
and spends most of a large study's validation on overhead rather than on checks. Each
speed-up here removes some of that overhead while pyshacl still evaluates every constraint
itself (``validate(graph, engine="pyshacl-fast")``); tests/test_engines.py compares the
results with plain pyshacl's (``engine="pyshacl"``) on the bundled study, every bad graph and
generated studies. :func:`select_sparql_targets` serves both engines.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from textwrap import indent

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .oxigraph_terms import TermConverter, from_oxigraph


def may_validate_in_place(shapes: Graph) -> bool:
    """pyshacl copies the data graph first (a fifth of its time) in case SHACL rules add
    triples to it. Shapes without ``sh:rule`` add nothing, so pyshacl may work on the graph
    itself."""
    return (None, SH.rule, None) not in shapes


_PATCH_LOCK = threading.Lock()


@contextmanager
def batched_shape_checks() -> Iterator[None]:
    """Within the block, pyshacl checks the value nodes of a property shape, of an ``sh:node``
    shape or of each ``sh:or`` shape in one call instead of one call per node. Per call it
    re-reads the shape's parameters and rebuilds its constraint components: on 10,000
    participants that is over 200,000 calls and most of the validation time. The constraints
    run on the same nodes with the same data, so the results are the same; where batching
    could merge nodes (a value under two focus nodes) or meet recursion, pyshacl's own loop
    runs. A pyshacl without these internals is used as it is."""
    try:
        from pyshacl.consts import SH_Info, SH_Warning
        from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
        from pyshacl.constraints.core.shape_based_constraints import (
            NodeConstraintComponent, PropertyConstraintComponent, SH_detail)

        per_property_value = PropertyConstraintComponent._evaluate_property_shape
        per_node_value = NodeConstraintComponent._evaluate_node_shape
        per_value_or = OrConstraintComponent._evaluate_or_constraint
    except (ImportError, AttributeError):
        yield
        return

    def batchable(shapes, focus_value_nodes, potentially_recursive) -> list | None:
        """The value nodes to check in one call, or None where pyshacl's loop must run."""
        values = [value for values in focus_value_nodes.values() for value in values]
        if (not shapes or not all(shapes) or len(values) < 2 or len(set(values)) != len(values)
                or (potentially_recursive and any(s in potentially_recursive for s in shapes))):
            return None
        return values

    def property_shape(self, executor, prop_shape, target_graph, focus_value_nodes,
                       potentially_recursive, _evaluation_path):
        shape = self.shape.get_other_shape(prop_shape)
        values = batchable([shape], focus_value_nodes, potentially_recursive)
        if values is None or not shape.is_property_shape:
            return per_property_value(self, executor, prop_shape, target_graph, focus_value_nodes,
                                      potentially_recursive, _evaluation_path)
        conforms, reports = shape.validate(executor, target_graph, focus=values,
                                           _evaluation_path=_evaluation_path[:])
        return not conforms, reports

    def node_shape(self, executor, node_shape_node, target_graph, focus_value_nodes,
                   potentially_recursive, _evaluation_path):
        shape = self.shape.get_other_shape(node_shape_node)
        values = batchable([shape], focus_value_nodes, potentially_recursive)
        if values is None or shape.is_property_shape:
            return per_node_value(self, executor, node_shape_node, target_graph,
                                  focus_value_nodes, potentially_recursive, _evaluation_path)
        conforms, reports = shape.validate(executor, target_graph, focus=values,
                                           _evaluation_path=_evaluation_path[:])
        if not conforms and not reports:
            # A failure without a result cannot be laid at one node's door: ask node by node.
            return per_node_value(self, executor, node_shape_node, target_graph,
                                  focus_value_nodes, potentially_recursive, _evaluation_path)
        by_focus: dict = {}
        for report in reports:
            by_focus.setdefault(_focus_of(report), []).append(report)
        results = []
        for focus, value_nodes in focus_value_nodes.items():
            for value in value_nodes:
                details = by_focus.get(value)
                if not details:
                    continue
                text, node, triples = self.make_v_result(target_graph, focus, value_node=value)
                text = f"{text}\tDetails:\n"
                for detail_text, detail_node, detail_triples in details:
                    text += indent(detail_text, "\t\t")
                    triples.append((node, SH_detail, detail_node))
                    triples.extend(detail_triples)
                results.append((text, node, triples))
        return bool(results), results

    def or_shapes(self, executor, or_list, target_graph, focus_value_nodes, _evaluation_path):
        # A value passes sh:or when it conforms to one of the shapes. With warnings allowed
        # (as svrdf runs pyshacl), a shape of Violation severity fails a node exactly when it
        # reports on it with a severity that is not allowed, so one call per shape tells every
        # node's outcome.
        graph = self.shape.sg.graph
        members = [self.shape.get_other_shape(node) for node in set(graph.items(or_list))
                   if not self.shape.sg.is_filtered_out_shape(node)]
        values = batchable(members, focus_value_nodes, None)
        allowed = ({SH_Info, SH_Warning} if executor.allow_warnings
                   else {SH_Info} if executor.allow_infos else None)
        if (values is None or allowed is None or executor.debug
                or any(member.severity in allowed for member in members)):
            return per_value_or(self, executor, or_list, target_graph, focus_value_nodes,
                                _evaluation_path)
        failing = set(values)
        for member in members:
            _, reports = member.validate(executor, target_graph, focus=values,
                                         _evaluation_path=_evaluation_path[:])
            failing &= {_focus_of(report) for report in reports
                        if _value_of(report, SH.resultSeverity) not in allowed}
        results = [self.make_v_result(target_graph, focus, value_node=value)
                   for focus, value_nodes in focus_value_nodes.items()
                   for value in value_nodes if value in failing]
        return bool(results), results

    with _PATCH_LOCK:
        PropertyConstraintComponent._evaluate_property_shape = property_shape
        NodeConstraintComponent._evaluate_node_shape = node_shape
        OrConstraintComponent._evaluate_or_constraint = or_shapes
        try:
            yield
        finally:
            PropertyConstraintComponent._evaluate_property_shape = per_property_value
            NodeConstraintComponent._evaluate_node_shape = per_node_value
            OrConstraintComponent._evaluate_or_constraint = per_value_or


def _value_of(report: tuple, predicate: URIRef) -> Node | None:
    """A value of one of pyshacl's result tuples, whose objects may come paired with the graph
    they belong to."""
    _, node, triples = report
    value = next((o for s, p, o in triples if s == node and p == predicate), None)
    return value[1] if isinstance(value, tuple) else value


def _focus_of(report: tuple) -> Node | None:
    return _value_of(report, SH.focusNode)


#: Triples above which a graph is loaded into Oxigraph one query at a time. Oxigraph holds some
#: 450 bytes a triple, so a large graph is loaded query by query, only the triples the query
#: can match (for svrdf's shapes, about a quarter of a study's); a small one is loaded once,
#: whole, which costs less than finding those triples again for each query (6 ms a study of
#: 50 participants).
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
    rdflib's SPARQL engine, which takes 20 s on a study of 10,000 participants; Oxigraph
    answers them in milliseconds."""
    targets = [(shape, target) for shape, target in shapes.subject_objects(SH.target)
               if (target, RDF.type, SH.SPARQLTarget) in shapes]
    if not targets:
        return {}
    queries = {(shape, target): _prefix_header(shapes, target) + str(shapes.value(target, SH.select))
               for shape, target in targets}
    if len(data) <= LOAD_BY_QUERY_ABOVE:
        store = _store_of(data)
        return {key: _selected(store, query) for key, query in queries.items()}
    selected = {}
    for key, query in queries.items():
        patterns = _patterns_in(query)
        if patterns is None:
            wanted = iter(data)
        elif isinstance(data, Graph):
            wanted = _matching((triple for predicate in sorted(patterns)
                                for triple in data.triples((None, predicate, None))), patterns)
        else:
            wanted = _matching(data, patterns)
        selected[key] = _selected(_store_of(wanted), query)
    return selected


def _store_of(triples: Iterable[tuple[Node, Node, Node]]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_extend(TermConverter().quads(triples))
    return store


def _selected(store: pyoxigraph.Store, query: str) -> list[Node]:
    return [from_oxigraph(row["this"]) for row in store.query(query) if row["this"] is not None]


#: What triple patterns can match, by predicate: the (subject, object) pairs they fix, None
#: standing for any term.
Patterns = dict[URIRef, frozenset[tuple[URIRef | None, URIRef | None]]]


@lru_cache(maxsize=64)
def _patterns_in(query: str) -> Patterns | None:
    """What the query's triple patterns can match, or None if a predicate is a variable or a
    path (then any triple may match)."""
    # Parsing costs 40 ms a query; a repository validates thousands of studies with the same.
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


def _matching(triples: Iterable[tuple[Node, Node, Node]], patterns: Patterns
              ) -> Iterator[tuple[Node, Node, Node]]:
    """The triples that some pattern can match."""
    any_ends = {predicate for predicate, ends in patterns.items() if (None, None) in ends}
    fixed_ends = {predicate: ends for predicate, ends in patterns.items() if predicate not in any_ends}
    for triple in triples:
        s, p, o = triple
        if p in any_ends:
            yield triple
            continue
        ends = fixed_ends.get(p)
        if ends and any((fs is None or fs == s) and (fo is None or fo == o) for fs, fo in ends):
            yield triple


def _prefix_header(shapes: Graph, target: Node) -> str:
    lines = []
    for declarations in shapes.objects(target, SH.prefixes):
        for declaration in shapes.objects(declarations, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))
