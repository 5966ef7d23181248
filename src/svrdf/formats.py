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
import json
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import Graph, URIRef
from rdflib.term import Node

from . import resources
from .errors import OutputError
from .mapping import PREFIXES, Triple, as_graph, new_graph
from .model import Study
from .oxigraph_terms import NTriplesText

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
    """Write a graph in one of the plain RDF forms (turtle, nt, json-ld). Distinct triples (in
    the order the study maps them) give the bytes their rdflib graph would."""
    if name == "turtle":
        _write_turtle(graph, out)
    elif name == "nt":
        _write_ntriples(graph, out)
    elif name == "json-ld":
        write_jsonld(graph, jsonld_context(), out)
    else:
        raise KeyError(name)


def _write_ntriples(graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    _write_lines(graph, None, out)


def _write_lines(triples: Iterable[Triple], graph_name: URIRef | None, out: BinaryIO) -> None:
    """N-Triples (or, in a named graph, N-Quads) in sorted lines, each term as Oxigraph writes
    it (its ``str``, the N-Triples form), which escapes every line break and control character
    as the line-based grammars require. A line begins with its subject's text and a space, and
    no subject's text (an IRI in <>, a blank node label) is another's followed by a character
    that sorts before a space: so the lines come sorted subject by subject, and only one
    subject's lines are made at a time. Sorted as UTF-8, which orders them as their text."""
    by_subject: dict[Node, list[Triple]] = defaultdict(list)
    for triple in triples:
        by_subject[triple[0]].append(triple)
    text = NTriplesText()
    end = " .\n" if graph_name is None else f" {text(graph_name)} .\n"
    for subject_text, subject in sorted((text(subject), subject) for subject in by_subject):
        lines = {f"{subject_text} {text(p)} {text(o)}{end}".encode("utf-8")
                 for _, p, o in by_subject.pop(subject)}
        out.writelines(sorted(lines))


def _write_turtle(graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    from .turtle_writer import NeedsRdflib, write_turtle

    namespaces = graph.namespace_manager if isinstance(graph, Graph) else new_graph().namespace_manager
    try:
        write_turtle(graph, namespaces, out)
    except NeedsRdflib:  # raised before anything is written
        as_graph(graph).serialize(out, format="turtle", encoding="utf-8")


@register("turtle", "study.ttl", "text/turtle", "the full graph in Turtle", aliases=("ttl",))
def write_study_turtle(study: Study, graph: Graph, out: BinaryIO) -> None:
    write_graph(graph, "turtle", out)


@register("nt", "study.nt", "application/n-triples", "the full graph in N-Triples",
          aliases=("ntriples", "n-triples"))
def write_study_ntriples(study: Study, graph: Graph, out: BinaryIO) -> None:
    write_graph(graph, "nt", out)


@lru_cache(maxsize=None)
def jsonld_context(name: str = "svrdf") -> dict[str, Any]:
    with open(resources.jsonld_context_file(name), encoding="utf-8") as handle:
        return json.load(handle)["@context"]


@register("json-ld", "study.jsonld", "application/ld+json", "the full graph in JSON-LD",
          aliases=("jsonld",))
def write_study_jsonld(study: Study, graph: Graph, out: BinaryIO) -> None:
    write_graph(graph, "json-ld", out)


def compact_jsonld(graph: Iterable[Triple], context: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    write_jsonld(graph, context, buffer)
    return buffer.getvalue()


def write_jsonld(graph: Iterable[Triple], context: dict[str, Any], out: BinaryIO) -> None:
    """Write a graph (or distinct triples) as JSON-LD compacted with ``context``, written
    inline so that reading the file back needs no network, in a canonical order: what
    rdflib's serializer writes, sorted."""
    from .jsonld_writer import compact_document

    document = _canonical_order(compact_document(graph, context))
    encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
    _write_text(encoder.iterencode(document), out)
    out.write(b"\n")


def _canonical_order(value: Any, sort: bool = True) -> Any:
    """The document as JSON (lists, and dicts with string keys, as a reader sees it) with
    what JSON-LD treats as unordered (node lists and value sets) sorted into a stable order:
    by each item's JSON text. Done in place, so a large document is never held twice; the
    strings are left as they are (rdflib's terms among them), since JSON writes them alike."""
    kind = type(value)
    if kind is dict:
        if not all(type(k) is str for k in value):
            value = {_json_key(k): v for k, v in value.items()}
        for k, v in value.items():
            if k == "@context":  # the caller's, which must not change: a copy as JSON
                value[k] = json.loads(json.dumps(v))
            else:
                value[k] = _canonical_order(v, sort and k != "@list")
        return value
    if kind is list or kind is tuple:
        items = value if kind is list else list(value)
        for index, item in enumerate(items):
            items[index] = _canonical_order(item, sort)
        if sort:
            items.sort(key=_id_text if _ids_lead_and_differ(items) else _json_text)
        return items
    return value


def _json_key(key: Any) -> str:
    """The key a JSON reader gets for ``key`` (a string subclass, a number, None...)."""
    return next(iter(json.loads(json.dumps({key: None}))))


def _ids_lead_and_differ(items: list) -> bool:
    """Whether every item is a node whose JSON text begins with '{"@id": ' and an id no other
    item has: sorting by the ids is then sorting by the texts, without making them."""
    ids = set()
    for item in items:
        if type(item) is not dict or not isinstance(item.get("@id"), str) or min(item) != "@id":
            return False
        ids.add(str(item["@id"]))  # its text: an rdflib term is unequal to the string
    return len(ids) == len(items)


def _id_text(item: dict) -> str:
    return encode_basestring(item["@id"])


def _json_text(item: Any) -> str:
    if isinstance(item, str):
        return encode_basestring(item)  # what json.dumps(item, ensure_ascii=False) writes
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


#: Pieces of text held before they are written out: about a megabyte of JSON.
TEXT_BATCH = 1 << 16


def _write_text(pieces: Iterable[str], out: BinaryIO) -> None:
    """Write many small pieces of text as UTF-8, a batch at a time."""
    held: list[str] = []
    for piece in pieces:
        held.append(piece)
        if len(held) >= TEXT_BATCH:
            out.write("".join(held).encode("utf-8"))
            held.clear()
    out.write("".join(held).encode("utf-8"))


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
    """Hold the folder's lock for the block: svrdf runs writing bundles into the same folder
    take turns (each waits for the one before), so the folder never ends up with some files
    of one run and some of another. An advisory lock (flock), which needs no file of its own."""
    try:
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
    out.write(to_landing_page(study, as_graph(graph), links))


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
    chunk: Callable[[Iterable[Triple], URIRef | None], bytes]


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
def nquads_chunk(graph: Iterable[Triple], name: URIRef | None) -> bytes:
    buffer = io.BytesIO()
    _write_lines(graph, name, buffer)
    return buffer.getvalue()


@register_dataset("trig", "studies.trig", "application/trig",
                  "every study's graph as a named graph, in TriG")
def trig_chunk(graph: Iterable[Triple], name: URIRef | None) -> bytes:
    from rdflib import Dataset

    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    target = dataset.graph(name) if name is not None else dataset.default_graph
    for triple in graph:
        target.add(triple)
    return dataset.serialize(format="trig", encoding="utf-8")
