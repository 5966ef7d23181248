"""The record of how a bundle was made (``prov.ttl``), in W3C PROV-O: the export as a
``prov:Activity`` that used the study's input files and svrdf's shapes (each with its SHA-256,
but for input files the bundle publishes only part of: their checksums would let a reader test
guesses of the withheld values, such as the few genders of a withheld gender column),
was carried out by svrdf and the libraries it ran on (each with its version), generated the
validation report (its outcome) and each of the bundle's files (each with its SHA-256).

It holds no time unless asked for (``--timestamp``): the same inputs give the same bytes, run
after run. It is written once the other files are, since it names their checksums.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from rdflib import Literal, URIRef

from svrdf import __version__
from svrdf.forms.rdf_syntax import write_rdf
from svrdf.rdf.mapping import StudyIris, Triple
from svrdf.rdf.vocab import PROV, RDF, RDFS, SCHEMA, SPDX, XSD
from svrdf.resources import shape_files
from svrdf.study.model import Study

PROVENANCE_FILE = "prov.ttl"
SVRDF_HOME = "https://w3id.org/svrdf"
SH_CONFORMS = URIRef("http://www.w3.org/ns/shacl#conforms")
SH_REPORT = URIRef("http://www.w3.org/ns/shacl#ValidationReport")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def runtime_libraries() -> list[str]:
    """The libraries svrdf runs on, as its package declares them (pyproject.toml's
    dependencies, not the test or lint extras)."""
    requirements = importlib.metadata.requires("svrdf") or []
    return sorted(match.group() for requirement in requirements if "extra ==" not in requirement
                  if (match := re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)))


def _file(node: URIRef, path: Path, name: str, checksummed: bool = True) -> Iterator[Triple]:
    yield node, RDF.type, PROV.Entity
    yield node, SCHEMA.name, Literal(name)
    if not checksummed:
        yield node, RDFS.comment, Literal("No checksum: the bundle publishes only part of this file, and a "
                                          "checksum would let a reader test guesses of the rest.", lang="en")
        return
    checksum = URIRef(f"{node}#sha256")
    yield node, SPDX.checksum, checksum
    yield checksum, RDF.type, SPDX.Checksum
    yield checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256
    yield checksum, SPDX.checksumValue, Literal(sha256(path), datatype=XSD.hexBinary)


def provenance_triples(study: Study, inputs: Iterable[Path], generated: Iterable[Path],
                       outcome: tuple[bool, str] | None,
                       times: tuple[dt.datetime, dt.datetime] | None = None) -> Iterator[Triple]:
    """The export's record: ``inputs`` and ``generated`` are files, ``outcome`` the validation's
    (conforms, summary) if it ran, ``times`` its start and end if they are to be stated."""
    base = StudyIris(study).base
    run = URIRef(f"{base}export")
    software = URIRef(f"{SVRDF_HOME}/{quote(__version__)}")
    yield run, RDF.type, PROV.Activity
    yield run, RDFS.label, Literal("svrdf export", lang="en")
    yield run, PROV.wasAssociatedWith, software
    yield software, RDF.type, PROV.SoftwareAgent
    yield software, SCHEMA.name, Literal("svrdf")
    yield software, SCHEMA.version, Literal(__version__)
    for library in runtime_libraries():
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            continue
        node = URIRef(f"https://pypi.org/project/{library}/{quote(version)}/")
        yield software, SCHEMA.softwareRequirements, node
        yield node, RDF.type, PROV.SoftwareAgent
        yield node, SCHEMA.name, Literal(library)
        yield node, SCHEMA.version, Literal(version)
    for path in inputs:
        node = URIRef(f"{base}export/input/{quote(path.name)}")
        yield run, PROV.used, node
        yield from _file(node, path, path.name, checksummed=not study.partly_published)
    for path in shape_files():
        node = URIRef(f"{base}export/shapes/{quote(path.name)}")
        yield run, PROV.used, node
        yield from _file(node, path, f"shapes/{path.name}")
    if outcome is not None:
        report = URIRef(f"{base}export/validation")
        yield report, RDF.type, SH_REPORT
        yield report, RDF.type, PROV.Entity
        yield report, SH_CONFORMS, Literal(outcome[0])
        yield report, RDFS.comment, Literal(outcome[1], lang="en")
        yield report, PROV.wasGeneratedBy, run
    for path in generated:
        node = URIRef(f"{base}export/output/{quote(path.name)}")
        yield from _file(node, path, path.name)
        yield node, PROV.wasGeneratedBy, run
    if times:
        for predicate, moment in ((PROV.startedAtTime, times[0]), (PROV.endedAtTime, times[1])):
            yield run, predicate, Literal(moment.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def write_provenance(study: Study, inputs: Iterable[Path], generated: Iterable[Path],
                     outcome: tuple[bool, str] | None, out: BinaryIO,
                     times: tuple[dt.datetime, dt.datetime] | None = None) -> None:
    write_rdf(list(dict.fromkeys(provenance_triples(study, inputs, generated, outcome, times))), "turtle", out)
