"""Stage 1: read a study folder's files into located raw data.

This stage knows file formats (YAML, CSV, encodings) and nothing about studies: it returns the
parsed content together with the line of every YAML key and CSV row, and raises
:class:`~svrdf.errors.StudyFileError` for anything that cannot be read.
"""

from __future__ import annotations

import csv
import io
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent

from svrdf.errors import Origin, StudyFileError, listed

STUDY_FILE = "study.yaml"
PARTICIPANTS_FILE = "participants.csv"
#: Optional: the people who must be told apart from the others under a group's code.
PEOPLE_FILE = "people.csv"

#: Larger inputs are refused before parsing: no study description comes near these sizes,
#: and the limits keep memory bounded whatever a file holds.
MAX_YAML_BYTES = 5 * 1024 * 1024
MAX_CSV_BYTES = 100 * 1024 * 1024
MAX_CSV_FIELD_CHARS = 64 * 1024

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file and the line where each key or list item starts."""

    file: str
    data: Any
    lines: dict[YamlPath, int]

    def origin(self, path: YamlPath) -> Origin:
        key = _key_name(path)
        for depth in range(len(path), -1, -1):
            line = self.lines.get(path[:depth])
            if line is not None:
                return Origin(self.file, line=line, key=key)
        return Origin(self.file, key=key)


def _key_name(path: YamlPath) -> str | None:
    """A YAML path as people write it: phases[0].start-date."""
    key = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in path)
    return key.replace(".[", "[") or None


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str]

    def origin(self, file: str, field: str | None = None) -> Origin:
        return Origin(file, line=self.line, row=self.line, field=field)


@dataclass(frozen=True)
class CsvTable:
    file: str
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]


@dataclass(frozen=True)
class StudySource:
    """Everything read from one study folder, not yet interpreted."""

    directory: Path
    study: YamlDocument
    participants: CsvTable
    people: CsvTable | None = None


def read_study(directory: str | Path) -> StudySource:
    directory = Path(directory)
    if not directory.exists():
        raise StudyFileError("no such study folder", Origin(str(directory)))
    if not directory.is_dir():
        raise StudyFileError("expected a study folder (with study.yaml and participants.csv), "
                             f"got {_kind(directory.stat().st_mode)}", Origin(str(directory)))
    people = directory / PEOPLE_FILE
    return StudySource(
        directory=directory,
        study=read_yaml(directory / STUDY_FILE),
        participants=read_csv(directory / PARTICIPANTS_FILE),
        people=read_csv(people, rows_are="person") if people.is_symlink() or people.exists() else None,
    )


def input_files(directory: str | Path) -> list[Path]:
    """The files svrdf reads from a study folder (those that are there): what no output may
    replace."""
    directory = Path(directory)
    return [path for path in (directory / name for name in (STUDY_FILE, PARTICIPANTS_FILE, PEOPLE_FILE))
            if path.exists()]


def _check_readable(path: Path) -> None:
    """Refuse an input that is not a regular file inside its study folder. A link out of the
    folder could make svrdf read (and quote in its messages) any file the user can read,
    /proc/self/environ for one; a FIFO or a device would block or never end."""
    where = Origin(str(path))
    if not path.exists():
        raise StudyFileError("a link to a file that does not exist" if path.is_symlink()
                             else "file not found", where)
    folder = path.parent.resolve()
    if path.is_symlink() and not path.resolve().is_relative_to(folder):
        raise StudyFileError("the file is a link to a file outside the study folder, which svrdf "
                             "does not follow; copy the file into the folder instead", where)
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise StudyFileError(f"expected a file, found {_kind(mode)}", where)


def _kind(mode: int) -> str:
    """What a file of this mode is, as a message names it."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    return "a socket" if stat.S_ISSOCK(mode) else "a device"


def _read_text(path: Path, limit: int) -> str:
    where = Origin(str(path))
    _check_readable(path)
    size = path.stat().st_size
    if size > limit:
        raise StudyFileError(f"file is {size:,} bytes; svrdf reads at most {limit:,}", where)
    with open(path, "rb") as handle:  # at most the limit, whatever the size said
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise StudyFileError(f"file is over {limit:,} bytes; svrdf reads at most {limit:,}", where)
    try:
        # utf-8-sig accepts and drops a byte-order mark, as spreadsheet programs write one.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise StudyFileError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8", Origin(str(path), line=line)) from None


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, so that a 'billion laughs' document cannot expand."""

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise StudyFileError(
                "YAML aliases (*name) are not allowed in a study file; write the value out",
                Origin(self.name, line=event.start_mark.line + 1))
        return super().compose_node(parent, index)


def read_yaml(path: Path) -> YamlDocument:
    text = _read_text(path, MAX_YAML_BYTES)
    if not text.strip():
        raise StudyFileError("file is empty", Origin(str(path)))
    loader = None
    try:
        node, loader = _compose(text, path)
        if node is None:
            raise StudyFileError("the file holds no YAML document, only comments or blank lines",
                                 Origin(str(path)))
        lines: dict[YamlPath, int] = {}
        _collect_lines(node, (), lines, str(path))
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a document
        line = text.count("\n", 0, exc.position) + 1
        raise StudyFileError(f"YAML does not allow the character U+{exc.character:04X} "
                             f"(at position {exc.position + 1}); remove it",
                             Origin(str(path), line=line)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line_of_mark = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise StudyFileError(f"YAML does not parse: {problem}",
                             Origin(str(path), line=line_of_mark)) from None
    except yaml.YAMLError as exc:
        raise StudyFileError(f"YAML does not parse: {exc}", Origin(str(path))) from None
    except RecursionError:
        raise StudyFileError("YAML is nested too deeply to be a study file",
                             Origin(str(path))) from None
    except (ValueError, TypeError) as exc:  # e.g. a date that does not exist: 2021-31-12
        raise StudyFileError(f"a YAML value cannot be read: {exc}", Origin(str(path))) from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(str(path), data, lines)


def _compose(text: str, path: Path) -> tuple[yaml.Node | None, yaml.SafeLoader | yaml.CSafeLoader]:
    """The document's node tree, and the loader to construct it with. libyaml composes many
    times faster than PyYAML's Python parser, but cannot be stopped at an alias; a text
    without '&' and '*' has no anchors or aliases to stop at. Errors are worded by PyYAML."""
    if yaml.__with_libyaml__ and "&" not in text and "*" not in text:
        fast = yaml.CSafeLoader(text)
        try:
            return fast.get_single_node(), fast
        except yaml.YAMLError:
            fast.dispose()
    loader = _NoAliasLoader(io.StringIO(text))
    loader.name = str(path)
    try:
        return loader.get_single_node(), loader
    except BaseException:
        loader.dispose()
        raise


def _collect_lines(node, path: YamlPath, lines: dict[YamlPath, int], file: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag != "tag:yaml.org,2002:str":
                # yes:, 2021:, [a, b]: ... are not text to YAML; a study's keys must be.
                line = key_node.start_mark.line + 1
                if isinstance(key_node, yaml.ScalarNode):
                    where = Origin(file, line=line, key=_key_name(path + (key_node.value,)))
                    raise StudyFileError("a key must be text; put it in quotes if it is meant so",
                                         where)
                kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                raise StudyFileError(f"a key must be text, not {kind}",
                                     Origin(file, line=line, key=_key_name(path)))
            key = key_node.value
            if key in seen:
                raise StudyFileError(f"key '{key}' appears twice in the same mapping",
                                     Origin(file, line=key_node.start_mark.line + 1, key=key))
            seen.add(key)
            _collect_lines(value_node, path + (key,), lines, file)
            # A key's own line, not its value's, is where a person looks for it.
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, path + (index,), lines, file)
    elif node.tag == "tag:yaml.org,2002:timestamp":
        # YAML reads 2023-02-30 as a date and fails to build it; say where, not just why.
        try:
            _TIMESTAMPS.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise StudyFileError(f"{node.value} is not a date that exists ({exc}); expected "
                                 "YYYY-MM-DD", Origin(file, line=node.start_mark.line + 1,
                                                      key=_key_name(path))) from None


_TIMESTAMPS = yaml.constructor.SafeConstructor()


def read_csv(path: Path, rows_are: str = "code") -> CsvTable:
    text = _read_text(path, MAX_CSV_BYTES)
    file = str(path)
    if not text.strip():
        raise StudyFileError(f"file is empty; expected a header row and one row per {rows_are}",
                             Origin(file))
    # The csv module's own limit on a cell is process-wide (csv.field_size_limit), so it is
    # left as it is, and each cell is measured here instead.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    header: tuple[str, ...] = ()
    line = 1
    try:
        for cells in reader:
            if max(map(len, cells), default=0) > MAX_CSV_FIELD_CHARS:
                raise StudyFileError(_too_long(MAX_CSV_FIELD_CHARS), Origin(file, line=line, row=line))
            if not header:
                header = tuple(cell.strip() for cell in cells)
                _check_header(header, file)
            elif any(cell.strip() for cell in cells):
                if len(cells) != len(header):
                    raise StudyFileError(
                        f"row has {len(cells)} cells; the header has {len(header)} "
                        f"({listed(header)})", Origin(file, line=line, row=line))
                rows.append(CsvRow(line, dict(zip(header, cells, strict=False))))
            line = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            # The csv module's limit (128 KiB unless a program changed it) came first.
            message = _too_long(min(MAX_CSV_FIELD_CHARS, csv.field_size_limit()))
        elif "unexpected end of data" in message or "EOF" in message:
            message = "a quote opened in this row is never closed"
        else:
            message = f"CSV does not parse: {message}"
        raise StudyFileError(message, Origin(file, line=line, row=line)) from None
    return CsvTable(file, header, tuple(rows))


def _too_long(limit: int) -> str:
    return f"a cell is longer than {limit:,} characters"


def _check_header(header: tuple[str, ...], file: str) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            raise StudyFileError("the header has an empty column name", Origin(file, line=1, row=1))
        if name in seen:
            raise StudyFileError(f"column '{name}' appears twice in the header",
                                 Origin(file, line=1, row=1, field=name))
        seen.add(name)
