"""Stage 4: validate a study graph against svrdf's SHACL shapes.

:func:`validate` returns a :class:`ValidationReport` rather than raising: whether an invalid
graph is an error is the caller's decision (``export`` refuses violations, ``validate`` reports
them). Results are Violations (the graph is wrong) or Warnings (a catalogue or reuser will miss
something). :func:`trace` adds to each result the input that produced the offending triples.
The shapes never make svrdf fetch anything: ``owl:imports`` are not followed.
"""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from svrdf import resources
from svrdf.errors import Notice, Origin, ShapesError
from svrdf.rdf.mapping import LocatedTriple, Triple, graph_of, new_graph

if TYPE_CHECKING:  # the engine is imported when it runs: it loads Oxigraph
    from svrdf.shacl.engine import Finding

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_NAMES = new_graph().namespace_manager


@dataclass(frozen=True)
class ValidationResult:
    severity: str
    message: str
    focus: Node
    path: URIRef | None
    #: True when the shape's path is ``^path`` (the focus node is the triple's object).
    inverse: bool
    value: Node | None
    #: The named shape that produced the result (for an anonymous property shape, the node
    #: shape that holds it).
    shape: str
    constraint: str
    #: Where in the input the offending triples came from; empty until :func:`trace`.
    sources: tuple[Origin, ...] = ()

    @property
    def path_text(self) -> str | None:
        if self.path is None:
            return None
        return ("^" if self.inverse else "") + self.path.n3(_NAMES)

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "message": self.message,
            "focusNode": _term_text(self.focus),
            "resultPath": self.path_text,
            "value": None if self.value is None else _term_text(self.value),
            "sourceShape": self.shape,
            "sourceConstraintComponent": self.constraint,
            "sources": [{k: v for k, v in asdict(o).items() if v is not None} for o in self.sources],
        }


def _term_text(term: Node) -> str:
    return str(term) if isinstance(term, (URIRef, Literal)) else term.n3()


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]
    #: Makes the sh:ValidationReport graph (pyshacl's, or svrdf's engine's equal one). It is
    #: made only when asked for: on a large study it is larger than the results.
    make_graph: Callable[[], Graph] = field(repr=False, compare=False)

    @cached_property
    def graph(self) -> Graph:
        return self.make_graph()

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity != "Violation")

    def without_warnings_on(self, paths: Collection[URIRef]) -> ValidationReport:
        """The report less its warnings of a value missing on one of ``paths``: what a study
        chose not to publish is not missing. Its results graph leaves them out too."""
        def kept(severity: Node | str | None, path: Node | None) -> bool:
            return severity in ("Violation", SH.Violation) or path not in paths

        results = tuple(r for r in self.results if r.inverse or kept(r.severity, r.path))
        if len(results) == len(self.results):
            return self

        def make_graph() -> Graph:
            graph = self.make_graph()
            for node in list(graph.subjects(RDF.type, SH.ValidationResult)):
                if not kept(graph.value(node, SH.resultSeverity), graph.value(node, SH.resultPath)):
                    graph.remove((None, SH.result, node))
                    graph.remove((node, None, None))
            return graph
        return replace(self, results=results, make_graph=make_graph)

    def summary(self) -> str:
        v, w = len(self.violations), len(self.warnings)
        return f"{v} violation{'s' * (v != 1)}, {w} warning{'s' * (w != 1)}"

    def to_text(self) -> str:
        blocks = []
        for r in self.results:
            where = "; ".join(str(o) for o in r.sources) or "(no input location)"
            details = [f"focus {r.focus.n3(_NAMES)}"]
            if r.path is not None:
                details.append(f"path {r.path_text}")
            if r.value is not None:
                details.append(f"value {r.value.n3(_NAMES)}")
            details.append(f"shape {r.shape}")
            blocks.append(f"{r.severity}: {where}\n  {r.message}\n  {' · '.join(details)}\n")
        return "".join(blocks)

    def to_json(self) -> str:
        document = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.to_dict() for r in self.results],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        return self.graph.serialize(format="turtle")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    graph = new_graph()
    for path in resources.shape_files():
        graph.parse(path, format="turtle")
    graph.bind("svrdfsh", "https://w3id.org/svrdf/shapes#")
    return graph


#: "svrdf": svrdf's own engine where it claims the shapes, else (with a :class:`Notice`)
#: "pyshacl-fast": pyshacl given the SPARQL targets answered by Oxigraph and the graph to
#: validate in place (pyshacl_runner, pyshacl's public arguments only); "pyshacl": plain pyshacl,
#: the reference.
ENGINES = ("svrdf", "pyshacl-fast", "pyshacl")


def validate(data: Graph | Collection[Triple], shapes: Graph | None = None,
             engine: str = "svrdf") -> ValidationReport:
    """Validate ``data`` (an rdflib graph, or a collection of distinct triples) against svrdf's
    shapes (or ``shapes``). Every engine gives plain pyshacl's results (tests/shacl/test_engines.py
    compares them); they differ in speed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; expected one of {', '.join(ENGINES)}")
    shapes = shapes if shapes is not None else shapes_graph()
    found = _svrdf_engine_results(data, shapes) if engine == "svrdf" else None
    if found is None:
        graph = data if isinstance(data, Graph) else graph_of(data)
        results_graph = _pyshacl_results(graph, shapes, fast=engine != "pyshacl")
        found = ([_result(results_graph, node, shapes)
                  for node in results_graph.subjects(RDF.type, SH.ValidationResult)],
                 lambda: results_graph)
    results, make_graph = found
    results.sort(key=_sort_key)
    # Warnings alone leave a graph conforming: it is correct, a catalogue will just miss things.
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, tuple(results), make_graph)


def _svrdf_engine_results(data: Graph | Collection[Triple], shapes: Graph
                          ) -> tuple[list[ValidationResult], Callable[[], Graph]] | None:
    """The results of svrdf's engine and the maker of its results graph, or None where the
    shapes need pyshacl."""
    from svrdf.shacl import engine as shacl_engine

    try:
        evaluation = shacl_engine.evaluate(data, shapes, require_messages=True)
    except shacl_engine.Unsupported as refused:
        warnings.warn(Notice(f"svrdf's SHACL engine does not evaluate these shapes ({refused}); "
                             "pyshacl validates instead, more slowly"), stacklevel=3)
        return None
    names: dict[Node, str] = {}
    return ([_finding_result(finding, shapes, names) for finding in evaluation.all_findings()],
            evaluation.results_graph)


def _finding_result(finding: Finding, shapes: Graph, names: dict[Node, str]) -> ValidationResult:
    """What :func:`_result` reads from the results graph, read from the engine's finding."""
    shape = finding.shape
    name = names.get(shape.node)
    if name is None:
        name = names[shape.node] = _shape_name(shape.node, shapes)
    return ValidationResult(
        severity=_local_name(shape.severity),
        message=str(finding.messages[0]),
        focus=finding.focus,
        path=shape.predicate,
        inverse=shape.inverse,
        value=finding.value,
        shape=name,
        constraint=_local_name(finding.component),
    )


def _local_name(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _shape_name(shape: Node, shapes: Graph) -> str:
    """The named shape behind a result: an anonymous property shape is named by the node shape
    that holds it."""
    if isinstance(shape, BNode):
        shape = shapes.value(None, SH.property, shape) or shape
    return shape.n3(shapes.namespace_manager) if isinstance(shape, URIRef) else "(anonymous shape)"


def _pyshacl_results(data: Graph, shapes: Graph, fast: bool) -> Graph:
    import pyshacl  # heavy: imported only when a graph is validated
    from pyshacl.errors import ReportableRuntimeError

    from svrdf.shacl import pyshacl_runner

    try:
        if fast:
            shacl_graph = pyshacl_runner.resolve_sparql_targets(shapes, data)
            inplace = pyshacl_runner.may_validate_in_place(shapes)
        else:
            shacl_graph, inplace = shapes, False  # pyshacl's default: it copies the data
        _, results_graph, _ = pyshacl.validate(
            data, shacl_graph=shacl_graph, inplace=inplace, inference="none", advanced=True,
            allow_warnings=True, do_owl_imports=False)
    except ReportableRuntimeError as exc:
        raise ShapesError(f"the SHACL shapes cannot be run: {exc.message}") from None
    # pyshacl reports some failures (such as a SERVICE query in a SPARQL constraint) by
    # returning the exception instead of a results graph.
    if not isinstance(results_graph, Graph):
        problem = getattr(results_graph, "message", results_graph)
        raise ShapesError(f"the SHACL shapes cannot be run: {problem}")
    return results_graph


def _sort_key(r: ValidationResult) -> tuple:
    return (SEVERITY_ORDER.get(r.severity, 9), str(r.focus), r.path_text or "", r.message,
            "" if r.value is None else str(r.value), r.constraint, r.shape)


def _result(report: Graph, node: Node, shapes: Graph) -> ValidationResult:
    def value(predicate: URIRef) -> Node | None:
        return report.value(node, predicate)

    def required(predicate: URIRef) -> Node:
        """What every result of pyshacl's has (SHACL requires it)."""
        found = value(predicate)
        if found is None:
            raise ValueError(f"pyshacl's result {node.n3()} has no {predicate.n3()}")
        return found

    result_path = value(SH.resultPath)
    path: URIRef | None = None
    inverse = False
    if isinstance(result_path, URIRef):
        path = result_path
    elif isinstance(result_path, BNode):
        inverse_of = report.value(result_path, SH.inversePath)
        if isinstance(inverse_of, URIRef):
            path, inverse = inverse_of, True
    message = value(SH.resultMessage)
    return ValidationResult(
        severity=_local_name(required(SH.resultSeverity)),
        message=str(message) if message is not None else "does not conform to its shape",
        focus=required(SH.focusNode),
        path=path,
        inverse=inverse,
        value=value(SH.value),
        shape=_shape_name(required(SH.sourceShape), shapes),
        constraint=_local_name(required(SH.sourceConstraintComponent)),
    )


def trace(report: ValidationReport, located: Iterable[LocatedTriple]) -> ValidationReport:
    """Name, for each result, the input (file, line or row, key or column) of the triples it is
    about: the offending value if there is one, else all values of the path, else the record
    that made the focus node. ``located`` is the study's :func:`~svrdf.rdf.mapping.located_triples`;
    only the triples the results ask about are kept, so memory stays small."""
    if not report.results:
        return report
    wanted = {_key(r) for r in report.results} | {("node", r.focus) for r in report.results}
    wanted |= {k for r in report.results for k in _fallback_keys(r)}
    found: dict[tuple, list[Origin]] = defaultdict(list)
    # Every key has a focus node or value as its subject or object (a literal only as the
    # object of a subject it also names): skip other triples without building keys.
    nodes = {k[1] for k in wanted} | {k[3] for k in wanted if k[0] == "spo"} | {
        k[2] for k in wanted if k[0] == "po"}
    for s, p, o, origin in located:
        if origin is None or (s not in nodes and (type(o) is Literal or o not in nodes)):
            continue
        for key in (("spo", s, p, o), ("sp", s, p), ("po", p, o), ("node", s) if p == RDF.type else None):
            if key in wanted:
                found[key].append(origin)
    traced = []
    for r in report.results:
        for key in (_key(r), *_fallback_keys(r), ("node", r.focus)):
            if found.get(key):
                traced.append(replace(r, sources=_unique(found[key])))
                break
        else:
            traced.append(r)
    return replace(report, results=tuple(traced))


def _key(r: ValidationResult) -> tuple:
    if r.path is None:
        return ("node", r.focus)
    if r.value is not None:
        return ("spo", r.value, r.path, r.focus) if r.inverse else ("spo", r.focus, r.path, r.value)
    return ("po", r.path, r.focus) if r.inverse else ("sp", r.focus, r.path)


def _fallback_keys(r: ValidationResult) -> tuple[tuple, ...]:
    if r.path is None or r.value is None:
        return ()
    return (("po", r.path, r.focus),) if r.inverse else (("sp", r.focus, r.path),)


def _unique(origins: list[Origin]) -> tuple[Origin, ...]:
    return tuple(sorted(set(origins), key=lambda o: (o.file, o.line or 0, o.key or "", o.field or "")))
