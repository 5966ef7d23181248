"""Import a study from what repositories already hold: a record's text, Figshare's or
DataCite's API JSON, a landing page's schema.org JSON-LD, or svrdf's own graph, written as a study folder with a
report of everything the import assumed or left out. Reads files only; fetching from an API is
:mod:`svrdf.imports.fetch`, used only when asked for."""

from __future__ import annotations

import json
from pathlib import Path

from svrdf.errors import StudyFileError
from svrdf.imports.draft import Draft
from svrdf.imports.folder import Imported, write_study_folder
from svrdf.imports.graph import read_svrdf_graph
from svrdf.imports.record import read_record_text
from svrdf.imports.repositories import SourceError, read_datacite, read_figshare, read_schemaorg

#: Larger sources are refused before reading: no record comes near this size.
MAX_SOURCE_BYTES = 10 * 1024 * 1024


def read_source(kind: str, content: str, source: str) -> Draft:
    """The study in ``content`` (the text of ``source``), read as ``kind``. Raises
    :class:`StudyFileError` naming ``source`` when it is not what ``kind`` reads."""
    try:
        if kind == "text":
            return read_record_text(content, source)
        if kind == "schemaorg":
            return read_schemaorg(content, source)
        if kind == "rdf":
            return read_svrdf_graph(content, source)
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise StudyFileError(f"{source}, line {exc.lineno}: not JSON ({exc.msg})") from None
        return read_figshare(data, source) if kind == "figshare" else read_datacite(data, source)
    except SourceError as exc:
        raise StudyFileError(f"{source}: {exc}") from None


def read_file(path: Path) -> str:
    """A source file's text (UTF-8), refused if it is too large or not text."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise StudyFileError(f"{path}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB; "
                                 "no record is that large")
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StudyFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except FileNotFoundError:
        raise StudyFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StudyFileError(f"{path}: a folder, not a file") from None


def import_study(kind: str, path: Path, directory: Path, base_iri: str | None = None,
                 merge: bool = False) -> Imported:
    """Import the study in the file ``path`` (read as ``kind``) into the folder ``directory``."""
    draft = read_source(kind, read_file(path), str(path))
    return write_study_folder(draft, directory, base_iri, merge)


__all__ = ["Imported", "import_study", "read_source", "write_study_folder"]
