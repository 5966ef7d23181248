"""The stages chained: a study folder in, validated serialisations out.

Each function here is what a CLI command does, callable from Python with the same effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .builder import load_study
from .errors import InvalidGraphError
from .formats import OutputFormat
from .mapping import build_graph, located_triples
from .model import Study
from .validation import ValidationReport, trace, validate


@dataclass(frozen=True)
class Export:
    study: Study
    graph: Graph
    report: ValidationReport | None
    #: Serialised bytes by format name, in the order the formats were asked for.
    files: dict[str, bytes]


def study_graph(directory: str | Path, drop_columns: Iterable[str] = ()) -> tuple[Study, Graph]:
    study = load_study(directory, drop_columns=drop_columns)
    return study, build_graph(study)


def check(study: Study, graph: Graph) -> ValidationReport:
    """Validate the study's graph and trace every result back to the input."""
    report = validate(graph)
    return trace(report, located_triples(study)) if report.results else report


def check_study(directory: str | Path, drop_columns: Iterable[str] = ()) -> ValidationReport:
    return check(*study_graph(directory, drop_columns))


def export_study(directory: str | Path, formats: list[OutputFormat], run_validation: bool = True,
                 strict: bool = False, drop_columns: Iterable[str] = ()) -> Export:
    """Build, validate and serialise a study. Raises :class:`InvalidGraphError` (with the
    report) when the graph has violations, or warnings under ``strict``, before anything is
    serialised."""
    study, graph = study_graph(directory, drop_columns)
    report = check(study, graph) if run_validation else None
    if report is not None:
        failing = report.results if strict else report.violations
        if failing:
            raise InvalidGraphError(
                f"the study graph has {report.summary()}"
                f"{' (--strict refuses warnings)' if strict and report.conforms else ''}; "
                "nothing was written", report)
    return Export(study, graph, report, {fmt.name: fmt.serialize(study, graph) for fmt in formats})
