"""The stages chained: a study folder in, validated serialisations out.

Each function here is what a CLI command does, callable from Python with the same effect.
"""

from __future__ import annotations

import datetime
import itertools
import multiprocessing
import shutil
import sys
import tempfile
import warnings
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, Protocol

from rdflib import Graph, URIRef

from svrdf.errors import InvalidGraphError, Notice, StudyDataError, UsageError
from svrdf.forms import (
    DATASET_FORMATS,
    FORMATS,
    DatasetFormat,
    OutputFormat,
    bundle_formats,
    format_for_path,
    get_dataset_format,
    get_format,
)
from svrdf.forms.dcat import StudiesCatalogue
from svrdf.forms.files import atomic_output, locked_folder
from svrdf.forms.provenance import PROVENANCE_FILE, write_provenance
from svrdf.rdf.mapping import (
    LocatedTriple,
    StudyIris,
    Triple,
    distinct_triples,
    graph_of,
    located_triples,
)
from svrdf.resources import bundled_study_dir
from svrdf.shacl.validation import ValidationReport, trace, validate
from svrdf.study.builder import AS_WRITTEN, ReadOptions, load_catalog, load_study
from svrdf.study.model import CatalogDescription, Study
from svrdf.study.reader import input_files
from svrdf.study.vocabularies import participant_attributes


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


def claim_base_iri(claimed: dict[str, str | Path], study: Study, directory: str | Path) -> None:
    """Record that ``directory``'s study names its graph by its base IRI and its dataset by its
    IRI (its DOI's, where it has one), refusing a second study with either: their graphs, or
    their datasets in a catalogue, would merge into one with two titles, or one would replace
    the other."""
    dataset = str(StudyIris(study).dataset)
    if study.base_iri in claimed:
        raise StudyDataError(f"shares its base IRI <{study.base_iri}> with {claimed[study.base_iri]}; "
                             "each study needs its own, to name its graph", study.origin_of("base-iri"))
    if dataset in claimed:
        what = f"DOI {study.doi.value}" if study.doi else f"dataset IRI <{dataset}>"
        raise StudyDataError(f"shares its {what} with {claimed[dataset]}; two studies with one "
                             "would be one dataset with two titles in a catalogue",
                             study.doi.origin if study.doi else study.origin_of("base-iri"))
    claimed[study.base_iri] = claimed[dataset] = directory


def check(study: Study, graph: Graph | Collection[Triple],
          located: Iterable[LocatedTriple] | None = None) -> ValidationReport:
    """Validate the study's graph (or its distinct triples) and trace every result back to the
    input, through ``located`` (the study's located triples) if the caller has them."""
    attributes = participant_attributes()
    report = validate(graph).without_warnings_on({URIRef(attributes[a].iri) for a in study.withheld})
    if not report.results:
        return report
    return trace(report, located if located is not None else located_triples(study))


def check_study(directory: str | Path, options: ReadOptions = AS_WRITTEN) -> ValidationReport:
    """The validation report of the study in ``directory``, whatever it finds."""
    study = load_study(directory, options)
    triples, located = _mapped(study)
    return check(study, triples, located)


#: Keeping where each triple came from, to trace validation results, saves mapping the study
#: again but costs an origin and a tuple a triple, more than the triple itself. Above this many
#: participants the origins are never kept, and tracing maps the study again: the same way for
#: every large study, so its cost grows with its size.
KEEP_ORIGINS_UP_TO = 1_000


def _mapped(study: Study) -> tuple[list[Triple], list[LocatedTriple] | None]:
    """The study's distinct triples, and its located triples for tracing results (None above
    KEEP_ORIGINS_UP_TO participants: tracing maps the study again)."""
    if len(study.participants) > KEEP_ORIGINS_UP_TO:
        return distinct_triples(located_triples(study)), None
    located = list(located_triples(study))
    return distinct_triples(located), located


class Progress(Protocol):
    """What a long run tells as it goes: each step as it starts, each study of several, each
    study's validation report (the CLI's shows them on stderr)."""

    def step(self, name: str) -> None:
        """A step of the run starts (reading, building, validating, writing a file)."""

    def study(self, index: int, total: int, directory: Path) -> None:
        """The ``index``-th of ``total`` studies is started."""

    def report(self, report: ValidationReport) -> None:
        """A study was validated and passed (a refused study's report goes with the error)."""


class _Silent:
    """The progress of a caller that wants none."""

    def step(self, name: str) -> None:
        pass

    def study(self, index: int, total: int, directory: Path) -> None:
        pass

    def report(self, report: ValidationReport) -> None:
        pass


def load_checked(directories: Iterable[str | Path], validate: bool = True, strict: bool = False,
                 options: ReadOptions = AS_WRITTEN, refusal: str = "nothing was written",
                 progress: Progress | None = None, one_of_several: bool | None = None,
                 claimed: dict[str, str | Path] | None = None) -> Iterator[Export]:
    """Each study folder in turn, read, built and mapped, its base IRI claimed (two studies
    may not share one) and, if ``validate``, checked: its report goes to ``progress``, and a
    study with a violation (or, under ``strict``, any result) is refused with
    :class:`InvalidGraphError`, the report and ``refusal`` in its message. The one place every
    command loads and checks studies; one study is held at a time, unless the caller keeps
    them. A refusal names the study's folder when it is one of several (``one_of_several``,
    by default: when there are several ``directories``). ``claimed`` holds the base IRIs
    claimed before, by folder."""
    tell = progress or _Silent()
    directories = list(directories)
    several = len(directories) > 1 if one_of_several is None else one_of_several
    claimed = {} if claimed is None else claimed
    for index, directory in enumerate(directories, start=1):
        if len(directories) > 1:
            tell.study(index, len(directories), Path(directory))
        tell.step("reading the study")
        study = load_study(directory, options)
        claim_base_iri(claimed, study, directory)
        tell.step(f"building the graph of {len(study.participants):,} participants")
        triples, located = _mapped(study)
        report = None
        if validate:
            tell.step(f"validating {len(triples):,} triples")
            report = check(study, triples, located)
            if report.results if strict else report.violations:
                where = f"{directory}: " if several else ""
                raise InvalidGraphError(
                    f"{where}the study graph has {report.summary()}"
                    f"{' (--strict refuses warnings)' if strict and report.conforms else ''}; "
                    f"{refusal}", report)
            tell.report(report)
        del located
        yield Export(study, triples, report, tuple(input_files(directory)))


def export_study(directory: str | Path, run_validation: bool = True, strict: bool = False,
                 options: ReadOptions = AS_WRITTEN, progress: Progress | None = None) -> Export:
    """Build and validate a study, to be written with :meth:`Export.write`. Raises
    :class:`InvalidGraphError` (with the report) when the graph has violations, or warnings
    under ``strict``."""
    return next(load_checked([directory], run_validation, strict, options, progress=progress))


def write_forms(export: Export, formats: list[OutputFormat], out_dir: str | Path,
                progress: Progress | None = None, provenance: bool = False,
                timestamp: bool = False) -> list[OutputFormat]:
    """Write each of the forms that the study can have to its file in ``out_dir`` (made if
    missing), and return those it cannot have (DataCite without a DOI), whose files from an
    earlier run are removed. The files appear together once all are written; if one fails,
    none does and the old ones stay. Runs into the same folder take turns, so the folder never
    holds a mix of two runs' files. ``provenance`` adds prov.ttl, the record of the run, once
    the others are written (with its times if ``timestamp``)."""
    tell = progress or _Silent()
    started = datetime.datetime.now(datetime.UTC)
    left_out = [fmt for fmt in formats if not fmt.available(export.study)]
    with locked_folder(out_dir):
        with ExitStack() as files:
            for fmt in formats:
                if fmt not in left_out:
                    tell.step(f"writing {fmt.filename}")
                    export.write(fmt, files.enter_context(
                        atomic_output(Path(out_dir) / fmt.filename, export.inputs)))
        for fmt in left_out:
            (Path(out_dir) / fmt.filename).unlink(missing_ok=True)
        if provenance:
            tell.step(f"writing {PROVENANCE_FILE}")
            generated = [Path(out_dir) / fmt.filename for fmt in formats if fmt not in left_out]
            report = export.report
            outcome = (report.conforms, report.summary()) if report else None
            times = (started, datetime.datetime.now(datetime.UTC)) if timestamp else None
            with atomic_output(Path(out_dir) / PROVENANCE_FILE, export.inputs) as handle:
                write_provenance(export.study, export.inputs, generated, outcome, handle, times)
    return left_out


CATALOG_IRI = URIRef("urn:svrdf:catalog")


def export_studies(directories: Sequence[str | Path], fmt: DatasetFormat, out: BinaryIO,
                   run_validation: bool = True, strict: bool = False,
                   options: ReadOptions = AS_WRITTEN, progress: Progress | None = None,
                   jobs: int = 1, catalog: CatalogDescription | None = None) -> None:
    """Write several studies to ``out``, each its own named graph (its base IRI), then a DCAT
    catalogue of them all in the default graph. One study is in memory at a time (a few, with
    ``jobs`` processes making them side by side; the bytes are the same). Raises
    :class:`InvalidGraphError` at the first study that fails validation; the caller's output
    is then to be discarded. The catalogue is ``catalog`` (catalog.yaml) or svrdf's own."""
    count = f"{len(directories)} stud{'y' if len(directories) == 1 else 'ies'}"
    catalogue = studies_catalogue(CATALOG_IRI, count, catalog)
    if jobs > 1 and len(directories) > 1:
        parts = _parts_in_processes(directories, fmt, run_validation, strict, options,
                                    progress, jobs)
    else:
        parts = (_part(export, fmt, catalogue, progress) for export in load_checked(
            directories, run_validation, strict, options, progress=progress))
    for entry, chunk in parts:
        catalogue.extend(entry)
        out.write(chunk)
    out.write(fmt.chunk(catalogue.triples, None))
    warn_without_publisher(catalogue)


def studies_catalogue(iri: URIRef, count: str, catalog: CatalogDescription | None) -> StudiesCatalogue:
    """The catalogue of several studies: as ``catalog`` describes it, else svrdf's own."""
    return StudiesCatalogue(iri, catalog or CatalogDescription(
        f"svrdf catalogue of {count}",
        "The studies published together by svrdf; each study's graph is the named graph of its base IRI."))


def warn_without_publisher(catalogue: StudiesCatalogue) -> None:
    if catalogue.lacks_publisher:
        warnings.warn(Notice("the catalogue names no publisher (DCAT-AP requires one) because the "
                             "studies do not share one: describe it with --catalog FILE (a "
                             "catalog.yaml with title, description and publisher)"), stacklevel=2)


def _part(export: Export, fmt: DatasetFormat, catalogue: StudiesCatalogue,
          progress: Progress | None) -> tuple[list[Triple], bytes]:
    """A study's entry in the catalogue and its chunk of the dataset form."""
    (progress or _Silent()).step(f"writing {fmt.filename}")
    return catalogue.entry(export.study), fmt.chunk(export.triples, URIRef(export.study.base_iri))


@dataclass(frozen=True)
class _Made:
    """What a worker process sends back of one study: enough to claim its base IRI and dataset
    IRI, tell its report and write it."""
    base_iri: str
    dataset_iri: str
    conforms: bool
    results: tuple
    entry: list[Triple]
    chunk: bytes
    #: What the study's loading warned of (svrdf's notices among them), for the parent to tell.
    warned: tuple[Warning, ...] = ()


def _make_part(directory: str | Path, fmt_name: str, validate: bool, strict: bool,
               options: ReadOptions) -> _Made | None:
    """In a worker process: one study, loaded, checked and written; None if it fails, for the
    parent to load it again itself and raise the error where the user sees it."""
    fmt = get_dataset_format(fmt_name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            [export] = load_checked([directory], validate, strict, options)
            entry, chunk = _part(export, fmt, studies_catalogue(CATALOG_IRI, "", None), None)  # type: ignore[arg-type]
        except Exception:
            return None
    report = export.report
    return _Made(export.study.base_iri, str(StudyIris(export.study).dataset),
                 report.conforms if report else True, report.results if report else (), entry, chunk,
                 tuple(w.message for w in caught if isinstance(w.message, Warning)))


def _parts_in_processes(directories: Sequence[str | Path], fmt: DatasetFormat, validate: bool,
                        strict: bool, options: ReadOptions, progress: Progress | None,
                        jobs: int) -> Iterator[tuple[list[Triple], bytes]]:
    """The studies' entries and chunks, made by ``jobs`` processes and taken in order. A study
    that fails in its worker is loaded again here, so that its error is raised as it would be
    in one process; a base IRI that two studies share is refused as it would be too."""
    tell = progress or _Silent()
    claimed: dict[str, str | Path] = {}
    # Spawned, not forked: the caller may have threads, and a fork copies their locks. Leaving
    # the block (an error, Ctrl-C, SIGTERM) terminates the workers at once, studies half made.
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pending: deque = deque()
        queued = iter(directories)

        def send(directory: str | Path) -> None:
            pending.append((directory, pool.apply_async(
                _make_part, (directory, fmt.name, validate, strict, options))))

        for directory in itertools.islice(queued, 2 * jobs):
            send(directory)
        index = 0
        while pending:
            directory, made_later = pending.popleft()
            for following in itertools.islice(queued, 1):  # keep the workers busy
                send(following)
            index += 1
            tell.study(index, len(directories), Path(directory))
            made = made_later.get()
            if made is None or made.base_iri in claimed or made.dataset_iri in claimed:
                # The error, as one process raises it (or, should the study pass now, its part).
                [export] = load_checked([directory], validate, strict, options, progress=tell,
                                        one_of_several=True, claimed=claimed)
                yield _part(export, fmt, studies_catalogue(CATALOG_IRI, "", None), tell)
                continue
            claimed[made.base_iri] = claimed[made.dataset_iri] = directory
            for warning in made.warned:
                warnings.warn(warning, stacklevel=2)
            if validate:
                tell.report(ValidationReport(made.conforms, made.results, _graph_left_behind))
            yield made.entry, made.chunk


def _graph_left_behind() -> Graph:
    raise RuntimeError("the results graph of a study made in a worker process stays there")


def export(directories: list[Path], format_name: str | None, output: str | None = None,
           out_dir: Path | None = None, validate: bool = True, strict: bool = False,
           options: ReadOptions = AS_WRITTEN, progress: Progress | None = None,
           stdout: BinaryIO | None = None, jobs: int = 1,
           catalog_file: Path | None = None, timestamp: bool = False) -> list[str]:
    """What ``svrdf export`` does: the studies in ``directories`` (the bundled one if none)
    written in the form ``format_name`` (else the one ``output``'s suffix names, else Turtle):
    to the file ``output``, into the folder ``out_dir`` (``all`` writes every form there), or
    to ``stdout`` (the process's own if None). Several studies go into one dataset form
    (nquads, trig), made by ``jobs`` processes side by side. Returns what it wrote or skipped,
    a line each, for the user. ``catalog_file`` (catalog.yaml) describes the catalogue of a
    dataset form. Raises :class:`UsageError` for options that do not fit together, before
    reading anything."""
    if output is not None and out_dir is not None:
        raise UsageError("give either -o/--output or --out-dir, not both")
    several = len(directories) > 1
    if format_name is None:
        format_name = format_for_path(output) if output not in (None, "-") else None
        if format_name is None and several:
            raise UsageError("several studies go into one file of a dataset form: give "
                             "--format nquads or --format trig")
    format_name = format_name or "turtle"
    directories = list(directories) or [bundled_study_dir()]
    dataset_format = get_dataset_format(format_name)
    if dataset_format is not None:
        catalog = load_catalog(catalog_file) if catalog_file is not None else None
        return _export_dataset(directories, dataset_format, output, out_dir, validate, strict,
                               options, progress, stdout, jobs, catalog)
    if catalog_file is not None:
        raise UsageError("--catalog describes the catalogue of several studies: it goes with "
                         "--format nquads or trig")
    if format_name.lower() == "all":
        if out_dir is None:
            raise UsageError("--format all writes several files: give --out-dir DIR")
        formats = bundle_formats()
    else:
        try:
            formats = [get_format(format_name)]
        except KeyError:
            names = [*FORMATS, "all", *DATASET_FORMATS]
            raise UsageError(f"--format {format_name!r}: choose from {', '.join(names)}") from None
    if several:
        raise UsageError(f"--format {format_name} writes one study; for several, use "
                         "--format nquads or --format trig")
    if jobs > 1:
        raise UsageError("--jobs makes several studies at a time: it goes with --format nquads "
                         "or trig and several --study")
    result = export_study(directories[0], validate, strict, options, progress)
    if out_dir is not None:
        bundle = format_name.lower() == "all"
        left_out = write_forms(result, formats, out_dir, progress, provenance=bundle, timestamp=timestamp)
        return [f"skipped {fmt.filename} (and removed any earlier one): {fmt.missing(result.study)}"
                if fmt in left_out else f"wrote {out_dir / fmt.filename}" for fmt in formats] + (
            [f"wrote {out_dir / PROVENANCE_FILE}"] if bundle else [])
    if output in (None, "-"):
        result.write(formats[0], stdout or sys.stdout.buffer)
        return []
    (progress or _Silent()).step(f"writing {formats[0].name}")
    with atomic_output(output, result.inputs) as handle:
        result.write(formats[0], handle)
    return [f"wrote {output}"]


def _export_dataset(directories: list[Path], fmt: DatasetFormat, output: str | None,
                    out_dir: Path | None, validate: bool, strict: bool,
                    options: ReadOptions, progress: Progress | None,
                    stdout: BinaryIO | None, jobs: int, catalog: CatalogDescription | None) -> list[str]:
    target = out_dir / fmt.filename if out_dir is not None else output
    if target in (None, "-"):
        # Spooled to disk first, so that a study failing late leaves stdout empty.
        with tempfile.TemporaryFile() as spool:
            export_studies(directories, fmt, spool, validate, strict, options, progress, jobs,
                           catalog)
            spool.seek(0)
            shutil.copyfileobj(spool, stdout or sys.stdout.buffer)
        return []
    inputs = [path for directory in directories for path in input_files(directory)]
    with locked_folder(out_dir) if out_dir is not None else nullcontext(), \
            atomic_output(target, inputs) as handle:
        export_studies(directories, fmt, handle, validate, strict, options, progress, jobs,
                       catalog)
    return [f"wrote {target} ({len(directories)} stud{'y' if len(directories) == 1 else 'ies'})"]
