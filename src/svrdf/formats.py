"""Stage 5: write a graph in the forms repositories and catalogues take in.

Formats are registered by name: a new one is a function and one decorator line, and the
registry drives the CLI's ``--format`` choices, suffix guessing and the ``all`` bundle. Every
writer writes bytes that are identical from run to run and machine to machine, to a stream,
so that a large study's forms go to their files piece by piece; files are written through
:func:`atomic_output`, so a failed run never leaves a partial file.
"""

from __future__ import annotations

import fcntl
import io
import os
import stat
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, URIRef

from .errors import OutputError
from .jsonld import jsonld_context, write_jsonld
from .mapping import Triple
from .model import Study
from .rdf_syntax import SYNTAXES, write_rdf

#: Writes a form of the study to a binary stream, from the study and its graph: an rdflib
#: graph, or the graph's distinct triples in the order the study maps them (see as_graph).
#: A large study's forms go straight to their files, never whole into memory.
Writer = Callable[[Study, "Graph | Collection[Triple]", BinaryIO], None]


@dataclass(frozen=True)
class OutputFormat:
    name: str
    #: The file name this form gets in a bundle (``--format all``).
    filename: str
    media_type: str
    #: What the form is, for the landing page and ``--help``.
    title: str
    aliases: tuple[str, ...]
    write: Writer
    #: Says why a study cannot have this form (None when it can): DataCite needs a DOI, a
    #: publisher or catalog and date-published; RO-Crate needs date-published.
    missing: Callable[[Study], str | None] = lambda study: None

    @property
    def suffix(self) -> str:
        return Path(self.filename).suffix

    def available(self, study: Study) -> bool:
        return self.missing(study) is None

    def serialize(self, study: Study, graph: Graph | Collection[Triple]) -> bytes:
        """The form's bytes, for a caller that wants them in memory."""
        buffer = io.BytesIO()
        self.write(study, graph, buffer)
        return buffer.getvalue()


FORMATS: dict[str, OutputFormat] = {}


def register(name: str, filename: str, media_type: str, title: str,
             aliases: tuple[str, ...] = (), missing: Callable[[Study], str | None] | None = None):
    def decorator(write: Writer) -> Writer:
        FORMATS[name] = OutputFormat(name, filename, media_type, title, aliases, write,
                                     *([missing] if missing else []))
        return write
    return decorator


def available_formats(study: Study) -> list[OutputFormat]:
    return [fmt for fmt in FORMATS.values() if fmt.available(study)]


def get_format(name: str) -> OutputFormat:
    lowered = name.lower()
    for fmt in FORMATS.values():
        if lowered == fmt.name or lowered in fmt.aliases:
            return fmt
    raise KeyError(name)


def format_for_path(path: str | Path) -> str | None:
    """The name of the format a file name's suffix implies, if any."""
    suffix = Path(path).suffix.lower()
    every = [*FORMATS.values(), *DATASET_FORMATS.values()]
    return next((f.name for f in every if suffix and Path(f.filename).suffix == suffix), None)


def graph_bytes(graph: Graph | Collection[Triple], name: str) -> bytes:
    """A graph in one of the plain RDF forms (turtle, nt, json-ld), needing no study."""
    buffer = io.BytesIO()
    write_graph(graph, name, buffer)
    return buffer.getvalue()


def write_graph(graph: Graph | Collection[Triple], name: str, out: BinaryIO) -> None:
    """Write a graph (or distinct triples, in the order the study maps them) in one of the
    plain RDF forms: an RDF syntax Oxigraph writes, or JSON-LD compacted with svrdf's context."""
    if name == "json-ld":
        write_jsonld(graph, jsonld_context(), out)
    elif name in SYNTAXES:
        write_rdf(graph, name, out)
    else:
        raise KeyError(name)


@register("turtle", "study.ttl", "text/turtle", "the full graph in Turtle", aliases=("ttl",))
def write_study_turtle(study: Study, graph: Graph, out: BinaryIO) -> None:
    write_graph(graph, "turtle", out)


@register("nt", "study.nt", "application/n-triples", "the full graph in N-Triples",
          aliases=("ntriples", "n-triples"))
def write_study_ntriples(study: Study, graph: Graph, out: BinaryIO) -> None:
    write_graph(graph, "nt", out)


@register("json-ld", "study.jsonld", "application/ld+json", "the full graph in JSON-LD",
          aliases=("jsonld",))
def write_study_jsonld(study: Study, graph: Graph, out: BinaryIO) -> None:
    write_graph(graph, "json-ld", out)


def write_atomically(data: bytes, destination: str | Path) -> None:
    """Write ``data`` to ``destination`` through a temporary file in the same folder, so the
    old file stays intact until the new one is complete."""
    with atomic_output(destination) as handle:
        handle.write(data)


@contextmanager
def atomic_output(destination: str | Path, inputs: Iterable[Path] = ()) -> Iterator[BinaryIO]:
    """A file to write in pieces that appears at ``destination`` only when the block ends
    without an error; until then, and after a failure, the old file is left as it was.
    ``destination`` may not be one of ``inputs`` (by any path or link to it): an output never
    replaces what it was made from."""
    _refuse_replacing_an_input(Path(destination), inputs)
    target = Path(destination)
    if target.is_symlink():
        target = target.resolve()  # replace the file the link points to, and keep the link
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        # A device or a pipe (/dev/stdout, a FIFO): write into it; renaming would replace it.
        try:
            with open(target, "wb") as stream:
                yield stream
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror}") from None
        return
    try:
        handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{target.name}.", suffix=".tmp",
                                             delete=False)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, _mode_for(target))
        os.replace(handle.name, target)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@contextmanager
def locked_folder(folder: str | Path) -> Iterator[None]:
    """Hold the folder's lock for the block, making the folder (and its parents) first if it
    is missing: svrdf runs writing bundles into the same folder take turns (each waits for the
    one before), so the folder never ends up with some files of one run and some of another.
    An advisory lock (flock), which needs no file of its own."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # which releases the lock


def _refuse_replacing_an_input(destination: Path, inputs: Iterable[Path]) -> None:
    if not destination.exists():
        return
    for source in inputs:
        try:
            same = os.path.samefile(destination, source)
        except OSError:  # an input gone since it was read
            continue
        if same:
            raise OutputError(f"cannot write {destination}: it is an input of the study "
                              f"({source}); svrdf never replaces its inputs, so choose another "
                              "output path")


def _mode_for(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@register("dcat", "dcat.ttl", "text/turtle", "the DCAT-AP 3 catalogue record in Turtle",
          aliases=("dcat-ap", "dcat-turtle"))
def write_dcat_turtle(study: Study, graph: Graph, out: BinaryIO) -> None:
    from .dcat import dcat_graph

    write_graph(dcat_graph(study), "turtle", out)


@register("dcat-json-ld", "dcat.jsonld", "application/ld+json",
          "the DCAT-AP 3 catalogue record in JSON-LD", aliases=("dcat-jsonld",))
def write_dcat_jsonld(study: Study, graph: Graph, out: BinaryIO) -> None:
    from .dcat import dcat_graph

    write_jsonld(dcat_graph(study), jsonld_context("dcat"), out)


def _datacite_missing(study: Study) -> str | None:
    """What the study lacks for DataCite (a DOI, a publisher or catalog, date-published): the
    same check to_datacite_xml makes, so a bundle skips the form rather than fail on it."""
    from .datacite import missing

    return missing(study)


@register("datacite", "datacite.xml", "application/vnd.datacite.datacite+xml",
          "DataCite Metadata Schema 4.6 XML, for minting the DOI", missing=_datacite_missing)
def write_datacite(study: Study, graph: Graph, out: BinaryIO) -> None:
    from .datacite import to_datacite_xml

    out.write(to_datacite_xml(study))


@register("ro-crate", "ro-crate-metadata.json", "application/ld+json",
          "the RO-Crate 1.2 metadata file", aliases=("rocrate",),
          missing=lambda study: None if study.date_published else "the study has no date-published")
def write_rocrate(study: Study, graph: Graph, out: BinaryIO) -> None:
    from .rocrate import to_rocrate_json

    out.write(to_rocrate_json(study))


@register("html", "index.html", "text/html", "the landing page", aliases=("landing-page",))
def write_html(study: Study, graph: Graph, out: BinaryIO) -> None:
    from .landing_page import to_landing_page

    links = [(f.filename, f.media_type, f.title) for f in available_formats(study)
             if f.name != "html"]
    out.write(to_landing_page(study, graph, links))


# Dataset formats: several studies in one file, one named graph each, plus a DCAT catalogue
# of them all in the default graph. Each study is written as a chunk and then dropped, so
# memory is bounded by the largest study, not the sum of them.

@dataclass(frozen=True)
class DatasetFormat:
    name: str
    filename: str
    media_type: str
    title: str
    aliases: tuple[str, ...]
    #: The bytes for one graph (an rdflib graph or distinct triples): named by the IRI, or the
    #: default graph when it is None.
    chunk: Callable[[Collection[Triple], URIRef | None], bytes]


DATASET_FORMATS: dict[str, DatasetFormat] = {}


def register_dataset(name: str, filename: str, media_type: str, title: str,
                     aliases: tuple[str, ...] = ()):
    def decorator(chunk):
        DATASET_FORMATS[name] = DatasetFormat(name, filename, media_type, title, aliases, chunk)
        return chunk
    return decorator


def get_dataset_format(name: str) -> DatasetFormat | None:
    lowered = name.lower()
    return next((f for f in DATASET_FORMATS.values() if lowered == f.name or lowered in f.aliases),
                None)


@register_dataset("nquads", "studies.nq", "application/n-quads",
                  "every study's graph as a named graph, in N-Quads", aliases=("nq", "n-quads"))
def nquads_chunk(graph: Collection[Triple], name: URIRef | None) -> bytes:
    buffer = io.BytesIO()
    write_rdf(graph, "nquads", buffer, graph_name=name)
    return buffer.getvalue()


@register_dataset("trig", "studies.trig", "application/trig",
                  "every study's graph as a named graph, in TriG")
def trig_chunk(graph: Collection[Triple], name: URIRef | None) -> bytes:
    buffer = io.BytesIO()
    write_rdf(graph, "trig", buffer, graph_name=name)
    return buffer.getvalue()
