"""An imported study written as a study folder: ``study.yaml``, ``participants.csv``
(``people.csv`` where the source tells people apart from their codes) and
``import-report.md``, which lists what the import assumed, could not read or left out.

A new folder is written whole. ``merge`` fills what an existing folder lacks and nothing else:
keys study.yaml does not have are added at its end (the user's text and comments stay as they
are), codes participants.csv does not have are added as rows; where the folder and the import
differ, the folder's value stays and the report says what the import had.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from svrdf.errors import OutputError, StudyFileError
from svrdf.forms.files import locked_folder, write_atomically
from svrdf.imports.draft import Draft
from svrdf.imports.roster import Note, Roster, Row
from svrdf.study.reader import PARTICIPANTS_FILE, PEOPLE_FILE, STUDY_FILE
from svrdf.study.schemas import STUDY_SCHEMA, load_schema, study_problems

REPORT_FILE = "import-report.md"
#: The participants.csv columns an import writes, in the format's order; empty ones are left out.
COLUMNS = [f.name for f in fields(Row) if f.name not in ("line", "identifiers")]
#: The schema.org term of a gender label.
_SCHEMA_GENDERS = {"male": "Male", "female": "Female"}


@dataclass(frozen=True)
class Imported:
    """What an import wrote."""
    directory: Path
    files: tuple[str, ...]
    notes: tuple[Note, ...]
    participants: int


def write_study_folder(draft: Draft, directory: Path, base_iri: str | None = None,
                       merge: bool = False) -> Imported:
    """Write ``draft`` into ``directory`` (made if missing). Raises :class:`OutputError` if
    the folder holds files and ``merge`` is not set: an import never overwrites silently."""
    directory = Path(directory)
    existing = directory.exists() and (not directory.is_dir() or any(directory.iterdir()))
    if existing and not merge:
        raise OutputError(f"{directory} already exists and is not an empty folder; give --merge "
                          "to fill in what it lacks (nothing of it is overwritten)")
    if not directory.parent.is_dir():
        raise OutputError(f"cannot create {directory}: the folder {directory.parent} does not exist")
    study = _complete(draft, directory, base_iri)
    rows = [_csv_row(row) for row in draft.roster.rows] if draft.roster else []
    directory.mkdir(exist_ok=True)
    with locked_folder(directory):
        study_path, participants_path = directory / STUDY_FILE, directory / PARTICIPANTS_FILE
        study_text = (_merged_yaml(study_path, study, draft) if merge and study_path.exists()
                      else _yaml(study, draft))
        if merge and participants_path.exists():
            rows = _merged_rows(participants_path, rows, draft)
        written = [STUDY_FILE]
        write_atomically(study_text.encode("utf-8"), study_path)
        if rows:
            write_atomically(_csv(rows), participants_path)
            written.append(PARTICIPANTS_FILE)
        else:
            draft.note("no participants were found: participants.csv is not written")
        if draft.people:
            if merge and (directory / PEOPLE_FILE).exists():
                draft.note(f"kept {PEOPLE_FILE} as it is; the import's rows are not merged into it")
            else:
                write_atomically(_csv(draft.people, "person"), directory / PEOPLE_FILE)
                written.append(PEOPLE_FILE)
        write_atomically(_report(draft, written).encode("utf-8"), directory / REPORT_FILE)
    notes = sorted(draft.notes, key=lambda n: (n.line == 0, n.line))
    return Imported(directory, (*written, REPORT_FILE), tuple(notes), len(rows))


def _complete(draft: Draft, directory: Path, base_iri: str | None) -> dict[str, Any]:
    """study.yaml's content: the draft with the roster's lists, in the format's key order,
    less whatever the format would refuse (each such value noted)."""
    study = dict(draft.study)
    if base_iri:
        study["base-iri"] = base_iri
    elif not study.get("base-iri"):
        study["base-iri"] = f"https://example.org/studies/{quote(directory.resolve().name, safe='')}/"
        draft.note(f"base-iri is a placeholder ({study['base-iri']}): replace it with your own")
    roster = draft.roster
    if roster is not None:
        _roster_lists(study, roster)
    _drop_refused(study, draft)
    schema = load_schema(STUDY_SCHEMA)
    for key in schema.get("required", []):
        if key not in study:
            draft.note(f"study.yaml has no '{key}': the source does not give it; fill it in")
    order = list(schema["properties"])
    return {key: study[key] for key in sorted(study, key=lambda k: order.index(k) if k in order else len(order))}


def _roster_lists(study: dict[str, Any], roster: Roster) -> None:
    if roster.cases and "cases" not in study:
        study["cases"] = [{"id": c.id, "name": c.name}
                          | ({"alternate-names": c.alternate_names} if c.alternate_names else {})
                          | ({"code-prefixes": c.code_prefixes} if c.code_prefixes else {})
                          for c in roster.cases]
    if roster.sectors and "sectors" not in study:
        study["sectors"] = [{"code": code, "label": label} for code, label in roster.sectors.items()]
    if roster.genders and "gender" not in study:
        study["gender"] = [{"code": code, "label": label}
                           | ({"schema": _SCHEMA_GENDERS[label]} if label in _SCHEMA_GENDERS else {})
                           for code, label in roster.genders.items()]


def _drop_refused(study: dict[str, Any], draft: Draft) -> None:
    """Leave out each value the study format refuses: a list's item where the problem is in
    one, else the whole key. Items go last first, so the indexes of the others still hold."""
    refused: dict[tuple[str, int | None], list[str]] = {}
    for path, message in study_problems(study):
        if not path or path[0] not in study:
            continue
        item = path[1] if len(path) >= 2 and isinstance(study[path[0]], list) and isinstance(path[1], int) else None
        refused.setdefault((str(path[0]), item), []).append(f"{'.'.join(map(str, path))}: {message}")
    for key, item in sorted(refused, key=lambda target: (target[0], -1 if target[1] is None else target[1]),
                            reverse=True):
        if key not in study:
            continue  # the whole key went already
        if item is None:
            del study[key]
        else:
            del study[key][item]
            if not study[key]:
                del study[key]
        draft.note(f"not imported: {key}{'' if item is None else f'[{item}]'}, which the study "
                   f"format refuses ({'; '.join(refused[key, item])})")


def _yaml(study: dict[str, Any], draft: Draft) -> str:
    header = (f"# yaml-language-server: $schema={STUDY_SCHEMA}\n"
              f"# Imported by svrdf from {draft.source}; {REPORT_FILE} lists what the import\n"
              "# assumed or could not read. Check it, then: svrdf validate --study <this folder>\n")
    return header + _dump(study)


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _merged_yaml(path: Path, study: dict[str, Any], draft: Draft) -> str:
    text = path.read_text(encoding="utf-8")
    try:
        current = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise StudyFileError(f"{path}: cannot merge into it, it is not YAML ({exc})") from None
    if not isinstance(current, dict):
        raise StudyFileError(f"{path}: cannot merge into it, it is not a mapping of keys to values")
    added = {}
    for key, value in study.items():
        if current.get(key) in (None, "", [], {}):
            added[key] = value
        elif key != "base-iri" and _plain(current[key]) != _plain(value):
            draft.note(f"kept study.yaml's '{key}'; the import has {_short(value)}")
    if not added:
        return text
    draft.note(f"added to study.yaml: {', '.join(added)}")
    # Keys the file has with no value (license:) are written anew below: drop the empty ones.
    kept = [line for line in text.splitlines()
            if not any(line.rstrip() == f"{key}:" for key in added if key in current)]
    return "\n".join(kept).rstrip("\n") + f"\n\n# Added by svrdf import from {draft.source}\n" + _dump(added)


def _plain(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=True, default_flow_style=True).strip()


def _short(value: Any) -> str:
    text = _plain(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _csv_row(row: Row) -> dict[str, str]:
    values = asdict(row)
    return {column: (";".join(values[column]) if isinstance(values[column], list) else str(values[column]))
            for column in COLUMNS} | row.identifiers


def _merged_rows(path: Path, rows: list[dict[str, str]], draft: Draft) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            current = list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise StudyFileError(f"{path}: cannot merge into it ({exc})") from None
    by_code = {row.get("code", ""): row for row in current}
    for row in rows:
        mine = by_code.get(row["code"])
        if mine is None:
            current.append(row)
            draft.note(f"added {row['code']} to participants.csv")
            continue
        for column, value in row.items():
            # A cell the folder leaves empty stays empty: it may be so on purpose.
            if mine.get(column) not in (None, "") and value and mine[column] != value:
                draft.note(f"kept participants.csv's {column} of {row['code']} ({mine[column]!r}); "
                           f"the import has {value!r}")
    return current


def _csv(rows: list[dict[str, str]], key: str = "code") -> bytes:
    columns = [key, *(c for c in dict.fromkeys(k for row in rows for k in row) if c != key
                         and any(row.get(c) not in (None, "", "1" if c == "people" else None) for row in rows))]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _report(draft: Draft, written: list[str]) -> str:
    lines = [f"# Import report: {_md(draft.source)}", "",
             f"svrdf wrote {', '.join(written)} from it. Each line below is something the import "
             "assumed, could not read, or left out: check them, then run `svrdf validate`.", ""]
    if not draft.notes:
        lines.append("Nothing to report: every line was read with certainty.")
    for note in sorted(draft.notes, key=lambda n: (n.line == 0, n.line)):  # as Imported.notes
        where = f"line {note.line}: " if note.line else ""
        quoted = f" (`{_md(note.text)}`)" if note.text else ""
        lines.append(f"- {where}{_md(note.what)}{quoted}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown line: no backticks or line breaks of its own."""
    return " ".join(text.replace("`", "'").split())
