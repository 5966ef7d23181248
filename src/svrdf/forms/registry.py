"""The registry of forms: each module of :mod:`svrdf.forms` registers the forms it writes.

A form of one study (``register``) has a writer from the study and its graph to a stream; a
form of many studies (``register_dataset``) has a writer of one study's chunk, a named graph.
The registry drives the CLI's ``--format`` choices, suffix guessing, the ``all`` bundle, the
landing page's links and the README's table. Every writer writes the same bytes on every run
and machine, to a stream, so that a large study's forms go to their files piece by piece.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, URIRef

from svrdf.rdf.mapping import Triple
from svrdf.study.model import Study

#: Writes a form of the study to a binary stream, from the study and its graph: an rdflib
#: graph, or the graph's distinct triples in the order the study maps them.
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
    #: Whether the bundle (``--format all``) holds it: not a variant of another form (DDI 2.6
    #: of DDI 2.5), written only when asked for.
    bundled: bool = True

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
             aliases: tuple[str, ...] = (), missing: Callable[[Study], str | None] | None = None,
             bundled: bool = True):
    def decorator(write: Writer) -> Writer:
        FORMATS[name] = OutputFormat(name, filename, media_type, title, aliases, write,
                                     missing or (lambda study: None), bundled)
        return write
    return decorator


def bundle_formats() -> list[OutputFormat]:
    """The forms of a bundle (``--format all``), in their order."""
    return [fmt for fmt in FORMATS.values() if fmt.bundled]


def available_formats(study: Study) -> list[OutputFormat]:
    """The bundle's forms that the study can have."""
    return [fmt for fmt in bundle_formats() if fmt.available(study)]


def get_format(name: str) -> OutputFormat:
    lowered = name.lower()
    for fmt in FORMATS.values():
        if lowered == fmt.name or lowered in fmt.aliases:
            return fmt
    raise KeyError(name)


def format_for_path(path: str | Path) -> str | None:
    """The name of the format a file name's suffix implies, if any."""
    name, suffix = Path(path).name.lower(), Path(path).suffix.lower()
    every: list[OutputFormat | DatasetFormat] = [*bundle_formats(), *DATASET_FORMATS.values()]
    # A bundle's own file name first (ddi.xml is DDI, not DataCite's .xml), then the suffix.
    return next((f.name for f in every if name == f.filename), None) or next(
        (f.name for f in every if suffix and Path(f.filename).suffix == suffix), None)


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
