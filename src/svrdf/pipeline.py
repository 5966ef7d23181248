"""The stages chained: a study folder in, validated serialisations out.

Each function here is what a CLI command does, callable from Python with the same effect.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, Literal, URIRef

from svrdf.errors import InvalidGraphError, StudyDataError
from svrdf.forms import DatasetFormat, OutputFormat
from svrdf.forms.files import atomic_output, locked_folder
from svrdf.rdf.mapping import (
    LocatedTriple,
    StudyIris,
    Triple,
    build_graph,
    distinct_triples,
    graph_of,
    located_triples,
    new_graph,
)
from svrdf.rdf.vocab import DCAT, DCTERMS, RDF
from svrdf.shacl.validation import ValidationReport, trace, validate
from svrdf.study.builder import load_study
from svrdf.study.model import Study
from svrdf.study.reader import input_files


@dataclass(frozen=True)
class Export:
    """A study built and validated, ready to be written in any form."""
    study: Study
    #: The study graph's distinct triples, in the order the study maps them.
    triples: list[Triple]
    report: ValidationReport | None
    #: The files the study was read from, which no form may be written over.
    inputs: tuple[Path, ...] = ()

    def write(self, fmt: OutputFormat, out: BinaryIO) -> None:
        """Write the study in the form ``fmt`` to ``out``. Raises :class:`StudyDataError`,
        before writing anything, if the study cannot have that form."""
        fmt.write(self.study, self.triples, out)

    def serialize(self, fmt: OutputFormat) -> bytes:
        return fmt.serialize(self.study, self.triples)

    @cached_property
    def graph(self) -> Graph:
        """The study graph in rdflib, made when first asked for."""
        return graph_of(self.triples)


def study_graph(directory: str | Path, drop_columns: Iterable[str] = ()) -> tuple[Study, Graph]:
    study = load_study(directory, drop_columns=drop_columns)
    return study, build_graph(study)


def claim_base_iri(claimed: dict[str, str | Path], study: Study, directory: str | Path) -> None:
    """Record that ``directory``'s study names its graph by its base IRI, refusing a second
    study with the same one: their graphs would merge, or one would replace the other."""
    if study.base_iri in claimed:
        raise StudyDataError(f"shares its base IRI <{study.base_iri}> with {claimed[study.base_iri]}; "
                             "each study needs its own, to name its graph", study.origin_of("base-iri"))
    claimed[study.base_iri] = directory


def study_graphs(directories: Iterable[str | Path]) -> Iterator[tuple[Path, Study, Graph]]:
    """Each study folder's study and graph, in turn, refusing two studies with one base IRI."""
    claimed: dict[str, str | Path] = {}
    for directory in directories:
        study, graph = study_graph(directory)
        claim_base_iri(claimed, study, directory)
        yield Path(directory), study, graph


def check(study: Study, graph: Graph | Collection[Triple],
          located: Iterable[LocatedTriple] | None = None) -> ValidationReport:
    """Validate the study's graph (or its distinct triples) and trace every result back to the
    input, through ``located`` (the study's located triples) if the caller has them."""
    report = validate(graph)
    if not report.results:
        return report
    return trace(report, located if located is not None else located_triples(study))


def check_study(directory: str | Path, drop_columns: Iterable[str] = ()) -> ValidationReport:
    return check(*study_graph(directory, drop_columns))


#: Keeping where each triple came from, to trace validation results, saves mapping the study
#: again but costs some 170 bytes a triple: 3 MB for a study of 1,000 participants, 300 MB for
#: one of 100,000. Above this many participants the origins are never kept, and tracing maps
#: the study again: the same way for every large study, so its cost grows with its size.
KEEP_ORIGINS_UP_TO = 1_000


def _mapped(study: Study) -> tuple[list[Triple], list[LocatedTriple] | None]:
    """The study's distinct triples, and its located triples for tracing results (None above
    KEEP_ORIGINS_UP_TO participants: tracing maps the study again)."""
    if len(study.participants) > KEEP_ORIGINS_UP_TO:
        return distinct_triples(located_triples(study)), None
    located = list(located_triples(study))
    return distinct_triples(located), located


def _refuse_failing(report: ValidationReport, strict: bool, where: str = "") -> None:
    """Raise if the report has violations, or any result under ``strict``."""
    if report.results if strict else report.violations:
        raise InvalidGraphError(
            f"{where}the study graph has {report.summary()}"
            f"{' (--strict refuses warnings)' if strict and report.conforms else ''}; "
            "nothing was written", report)


def export_study(directory: str | Path, run_validation: bool = True, strict: bool = False,
                 drop_columns: Iterable[str] = (),
                 progress: Callable[[str], None] | None = None) -> Export:
    """Build and validate a study, to be written with :meth:`Export.write`. Raises
    :class:`InvalidGraphError` (with the report) when the graph has violations, or warnings
    under ``strict``. ``progress`` hears each step's name as it starts."""
    step = progress or (lambda name: None)
    step("reading the study")
    study = load_study(directory, drop_columns=drop_columns)
    step(f"building the graph of {len(study.participants):,} participants")
    triples, located = _mapped(study)
    if run_validation:
        step(f"validating {len(triples):,} triples")
    report = check(study, triples, located) if run_validation else None
    del located
    if report is not None:
        _refuse_failing(report, strict)
    return Export(study, triples, report, tuple(input_files(directory)))


def write_forms(export: Export, formats: list[OutputFormat], out_dir: str | Path,
                progress: Callable[[str], None] | None = None) -> list[OutputFormat]:
    """Write each of the forms that the study can have to its file in ``out_dir``, and
    return those it cannot have (DataCite without a DOI), whose files from an earlier run are
    removed. The files appear together once all are written; if one fails, none does and the
    old ones stay. Runs into the same folder take turns, so the folder never holds a mix of
    two runs' files."""
    step = progress or (lambda name: None)
    left_out = [fmt for fmt in formats if not fmt.available(export.study)]
    with locked_folder(out_dir):
        with ExitStack() as files:
            for fmt in formats:
                if fmt not in left_out:
                    step(f"writing {fmt.filename}")
                    export.write(fmt, files.enter_context(
                        atomic_output(Path(out_dir) / fmt.filename, export.inputs)))
        for fmt in left_out:
            (Path(out_dir) / fmt.filename).unlink(missing_ok=True)
    return left_out


CATALOG_IRI = URIRef("urn:svrdf:catalog")


def export_studies(directories: list[str | Path], fmt: DatasetFormat, out: BinaryIO,
                   run_validation: bool = True, strict: bool = False,
                   drop_columns: Iterable[str] = (),
                   progress: Callable[[int, int, Path], None] | None = None,
                   on_report: Callable[[ValidationReport], None] | None = None) -> None:
    """Write several studies to ``out``, each its own named graph (its base IRI), then a DCAT
    catalogue of them all in the default graph. One study is in memory at a time: each
    study's validation report goes to ``on_report`` and is not kept. Raises
    :class:`InvalidGraphError` at the first study that fails validation; the caller's output
    is then to be discarded."""
    named: dict[str, str | Path] = {}
    catalog = new_graph()
    catalog.add((CATALOG_IRI, RDF.type, DCAT.Catalog))
    count = f"{len(directories)} stud{'y' if len(directories) == 1 else 'ies'}"
    catalog.add((CATALOG_IRI, DCTERMS.title, Literal(f"svrdf catalogue of {count}")))
    catalog.add((CATALOG_IRI, DCTERMS.description, Literal(
        "The studies exported together by svrdf; each study's graph is the named graph of its base IRI.")))
    for index, directory in enumerate(directories, start=1):
        if progress:
            progress(index, len(directories), Path(directory))
        out.write(_export_chunk(directory, fmt, run_validation, strict, drop_columns,
                                named, catalog, on_report))
    out.write(fmt.chunk(catalog, None))


def _export_chunk(directory: str | Path, fmt: DatasetFormat, run_validation: bool, strict: bool,
                  drop_columns: Iterable[str], named: dict, catalog: Graph,
                  on_report: Callable[[ValidationReport], None] | None) -> bytes:
    """One study of :func:`export_studies`: its entry in the catalogue, and its chunk."""
    study = load_study(directory, drop_columns=drop_columns)
    # The chunk and the validation need only the distinct triples, not an rdflib graph.
    triples, located = _mapped(study)
    claim_base_iri(named, study, directory)
    if run_validation:
        report = check(study, triples, located)
        _refuse_failing(report, strict, where=f"{directory}: ")
        if on_report:
            on_report(report)
    dataset = StudyIris(study).dataset
    catalog.add((CATALOG_IRI, DCAT.dataset, dataset))
    catalog.add((dataset, RDF.type, DCAT.Dataset))
    catalog.add((dataset, DCTERMS.title, Literal(study.title)))
    catalog.add((dataset, DCTERMS.description, Literal(study.description)))
    return fmt.chunk(triples, URIRef(study.base_iri))
