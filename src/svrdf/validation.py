"""Stage 4: validate a study graph against svrdf's SHACL shapes.

:func:`validate` returns a :class:`ValidationReport` rather than raising: whether an invalid
graph is an error is the caller's decision (``export`` refuses it, ``validate`` reports it).
The shapes never make svrdf fetch anything: ``owl:imports`` are not followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import resources
from .mapping import new_graph

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    severity: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    #: The named shape that produced the result (for an anonymous property shape, the node
    #: shape that holds it).
    shape: str
    constraint: str


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity != "Violation")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    graph = new_graph()
    for path in resources.shape_files():
        graph.parse(path, format="turtle")
    return graph


def validate(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    import pyshacl  # heavy: imported only when a graph is validated

    shapes = shapes if shapes is not None else shapes_graph()
    conforms, results_graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    names = data.namespace_manager
    results = [
        _result(results_graph, node, shapes, names)
        for node in results_graph.subjects(SH.resultSeverity, None)
    ]
    results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.focus_node, r.path or "",
                                r.message, r.value or ""))
    return ValidationReport(bool(conforms), tuple(results), results_graph)


def _result(report: Graph, node: Node, shapes: Graph, names) -> ValidationResult:
    def value(predicate: URIRef) -> Node | None:
        return report.value(node, predicate)

    def show(term: Node | None) -> str | None:
        if term is None:
            return None
        if isinstance(term, URIRef):
            return term.n3(names)
        return str(term)

    source_shape = value(SH.sourceShape)
    shape = source_shape
    if isinstance(shape, BNode):
        shape = shapes.value(None, SH.property, shape) or shape
    message = value(SH.resultMessage)
    return ValidationResult(
        severity=str(value(SH.resultSeverity)).rsplit("#", 1)[-1],
        focus_node=str(value(SH.focusNode)),
        path=_show_path(report, value(SH.resultPath), names),
        value=show(value(SH.value)),
        message=str(message) if message is not None else "does not conform",
        shape=shape.n3(shapes.namespace_manager) if isinstance(shape, URIRef) else "(anonymous shape)",
        constraint=str(value(SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
    )


def _show_path(report: Graph, path: Node | None, names) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return path.n3(names)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_show_path(report, inverse, names) or "?")
    return "(complex path)"
