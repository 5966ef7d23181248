"""The stages chained: a study folder in, validated serialisations out.

Each function here is what a CLI command does, callable from Python with the same effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .builder import load_study
from .errors import InvalidGraphError
from .formats import OutputFormat
from .mapping import build_graph
from .model import Study
from .validation import ValidationReport, validate


@dataclass(frozen=True)
class Export:
    study: Study
    graph: Graph
    report: ValidationReport | None
    #: Serialised bytes by format name, in the order the formats were asked for.
    files: dict[str, bytes]


def study_graph(directory: str | Path) -> tuple[Study, Graph]:
    study = load_study(directory)
    return study, build_graph(study)


def check_study(directory: str | Path) -> ValidationReport:
    return validate(study_graph(directory)[1])


def export_study(directory: str | Path, formats: list[OutputFormat],
                 run_validation: bool = True) -> Export:
    """Build, validate and serialise a study. Raises :class:`InvalidGraphError` (with the
    report) when the graph has violations, before anything is serialised."""
    study, graph = study_graph(directory)
    report = validate(graph) if run_validation else None
    if report is not None and report.violations:
        count = len(report.violations)
        raise InvalidGraphError(
            f"the study graph has {count} violation{'s' * (count != 1)}; nothing was written",
            report)
    return Export(study, graph, report, {fmt.name: fmt.serialize(graph) for fmt in formats})
