"""What an import makes before it is written: study.yaml's content, the roster, and the notes
of the import report."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from svrdf.imports.roster import Note, Roster, parse_roster


@dataclass
class Draft:
    """A study as an import found it. ``study`` holds study.yaml's keys in the format's order;
    ``notes`` what was assumed or left out, for the import report."""
    source: str
    study: dict[str, Any] = field(default_factory=dict)
    roster: Roster | None = None
    #: people.csv's rows, where the source tells people apart from their codes.
    people: list[dict[str, str]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def note(self, what: str, line: int = 0, text: str = "") -> None:
        self.notes.append(Note(line, text, what))

    def left_out(self, name: str, why: str) -> None:
        """A field of the source that svrdf's study format has no place for, or that is empty."""
        self.note(f"not imported: {name} ({why})")

    def read_roster(self, text: str) -> None:
        """The roster in ``text`` (a record's text or a description), if it lists anyone."""
        roster = parse_roster(text)
        if roster.rows:
            self.roster = roster
            self.notes.extend(roster.notes)
            if not self.study.get("phases"):
                self.study["phases"] = [phase_entry(p) for p in roster.phases]


def phase_entry(phase: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": phase.id, "name": phase.name}
    if phase.description:
        entry["description"] = phase.description
    if phase.code_prefixes:
        entry["code-prefixes"] = list(phase.code_prefixes)
    return entry


def person(full_name: str, orcid: str | None = None) -> dict[str, str]:
    """A creator as study.yaml writes one: "Cristina Mititelu" or "Mititelu, Cristina"."""
    name = " ".join(full_name.split())
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
    else:
        given, _, family = name.rpartition(" ")
    entry = {"given-names": given, "family-names": family} if given and family else {"name": name}
    if orcid:
        entry["orcid"] = orcid.strip().removeprefix("https://orcid.org/").removeprefix("http://orcid.org/")
    return entry


def file_entry(name: str, title: Any = None, media_type: Any = None, size: Any = None,
               checksum: str | None = None, url: Any = None) -> dict[str, Any]:
    """A data file as study.yaml writes one: the values a source gives, a size only where it
    is a whole number of bytes (``2746021`` or ``"2746021 bytes"``, not ``"2.6 MB"``)."""
    entry: dict[str, Any] = {"name": name.strip()}
    bytes_ = re.fullmatch(r"\s*(\d+)\s*(?:bytes?|B)?\s*", str(size)) if size is not None else None
    for key, value in (("title", title), ("media-type", media_type),
                       ("size", int(bytes_.group(1)) if bytes_ else None), ("checksum", checksum),
                       ("url", url)):
        if value not in (None, ""):
            entry[key] = value.strip() if isinstance(value, str) else value
    return entry


class _Text(HTMLParser):
    """HTML's text, a paragraph a line: descriptions in repositories' APIs are HTML."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The text of an HTML fragment: a line per paragraph or line break, spaces collapsed."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    reader = _Text()
    reader.feed(markup)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def first_paragraphs(text: str, roster: Roster | None) -> str:
    """The description: the text's paragraphs before its roster starts (all of it if none)."""
    if roster is None or not roster.used_lines:
        return text.strip()
    first = min(roster.used_lines)
    kept = text.splitlines()[:first - 1]
    return "\n".join(kept).strip()
