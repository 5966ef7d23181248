"""Read a roster of participants out of a record's text: the participants table a person
would transcribe, and a report of every line read with less than certainty.

Records list their participants in a few styles, each recognised line by line:

* one code a line with what the record says of the person, as the ORDO record does:
  ``IP8 (CC1), Local Authority Commissioner (M)``, ``CB6 (LA), Procurement Manager (M&F)``;
* several such entries on a line, separated by ``;``: ``P1 (F, nurse); P2 (M, doctor)``;
* "Participant 3 (female, nurse, Site B)": a word and a number, the code being their initial
  and the number (``P3``);
* focus groups, numbered: ``Focus group 2 (FG2): 6 participants (4 women, 2 men), online``;
* a table pasted as text, its cells separated by tabs, ``|`` or two spaces or more, under a
  header row that names a code column.

Around them, the record's own keys say what its abbreviations mean (``M/F= refers to gender
(male/female)``, ``CA = Case 1``, ``CA 1(LA) = A participant from a local authority``) and its
section headings which phase a list belongs to (``In the second phase, ... anonymised with the
acronym (CA, CB, CC)``). Keys are read first, from the whole text, so a key may follow the list
it explains. Lines that are keys, headings or prose are not entries: an illustrative code in a
key (``CA 10(VSO) = ...``) is not a participant.

The parser never guesses silently: whatever it assumed is a :class:`Note` of the roster, with
the line it is about; the import report lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from svrdf.imports.words import (
    CASE_WORDS,
    FOCUS_GROUP_WORDS,
    GENDER_WORDS,
    IDENTIFYING_COLUMNS,
    MODE_WORDS,
    MONTHS,
    ORDINALS,
    TABLE_COLUMNS,
)

#: A quotation code: letters then digits, as records write them (IP8, CB10, FG2, HA2-T1).
CODE = r"[A-Za-z][A-Za-z]{0,5}\d+(?:[-_.][A-Za-z0-9]+)*"
_CODE = re.compile(rf"^{CODE}$")
_ENTRY = re.compile(rf"^\s*(?P<code>{CODE})(?=[\s(,:;]|$)(?P<rest>.*)$")
_NUMBERED = re.compile(r"^\s*(?P<word>[A-Za-z]+)\s+(?P<number>\d+)\s*(?=[(:,]|$)(?P<rest>.*)$")
_FOCUS_GROUP = re.compile(
    rf"^\s*(?:{'|'.join(FOCUS_GROUP_WORDS)})\s*(?P<number>\d+)\s*(?:\((?P<code>{CODE})\))?\s*[:,.-]?\s*(?P<rest>.*)$",
    re.IGNORECASE)
_PHASE_HEADING = re.compile(
    rf"\b(?P<ordinal>{'|'.join(ORDINALS)}|\d+(?:st|nd|rd|th))\s+(?:phase|stage|round|wave)\b"
    r"|\b(?:phase|stage|round|wave)\s+(?P<number>\d+|" + "|".join(ORDINALS) + r")\b",
    re.IGNORECASE)
_ACRONYMS = re.compile(r"\b(?:acronyms?|codes?|prefix(?:es)?)\s*\(([A-Z][A-Za-z]*(?:\s*,\s*[A-Z][A-Za-z]*)*)\)")
_GROUP = re.compile(r"\(([^()]*)\)")
_PEOPLE = re.compile(r"^(\d+)\s+(?:participants?|people|persons?|members?)$", re.IGNORECASE)
_GENDER_COUNT = re.compile(r"^(\d+)\s+(\w[\w-]*)$")
#: A case named by a word and a short name: "Site B", "Ward 3", "Case 2" (not "Ward manager").
_CASE_NAME = rf"(?:{'|'.join(CASE_WORDS)})\s+[A-Z0-9][A-Za-z0-9]{{0,2}}"
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")
_TABLE_SPLIT = re.compile(r"\t|\s*\|\s*|\s{2,}")


@dataclass(frozen=True)
class Note:
    """Something the parser assumed, or could not read, at a line of the text."""
    line: int
    text: str
    what: str


@dataclass
class Phase:
    id: str
    name: str
    description: str = ""
    code_prefixes: list[str] = field(default_factory=list)


@dataclass
class Case:
    id: str
    name: str
    alternate_names: list[str] = field(default_factory=list)
    code_prefixes: list[str] = field(default_factory=list)


@dataclass
class Row:
    """A row of participants.csv, as its columns."""
    code: str
    line: int
    phase: str = ""
    case: str = ""
    sector: str = ""
    role: str = ""
    gender: list[str] = field(default_factory=list)
    other_codes: list[str] = field(default_factory=list)
    people: int = 1
    same_event_as: str = ""
    consent: str = ""
    event: str = ""
    mode: str = ""
    date: str = ""
    note: str = ""
    #: Cells of columns that hold direct identifiers (a name, an e-mail), kept under their
    #: column's name so that loading the study refuses them as it refuses any such column.
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass
class Roster:
    phases: list[Phase] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    #: Code to label, in the order first met.
    sectors: dict[str, str] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: The lines of the text that the roster was read from (entries, keys, headings).
    used_lines: set[int] = field(default_factory=set)


@dataclass
class _Keys:
    """What the record's keys say its abbreviations mean."""
    genders: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)
    case_alternates: dict[str, list[str]] = field(default_factory=dict)


def parse_roster(text: str) -> Roster:
    """The roster in ``text`` (a record's text, or just its list of participants)."""
    lines = text.splitlines()
    roster = Roster()
    keys = _read_keys(lines, roster)
    parser = _EntryParser(roster, keys, lines)
    phase: Phase | None = None
    table: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            table = None
            continue
        if "=" in stripped:
            continue  # a key, read above
        if table is not None:
            parser.table_row(number, stripped, table, phase)
            continue
        header = _table_header(stripped)
        if header is not None:
            table = header
            roster.used_lines.add(number)
            continue
        heading = _phase_heading(stripped, len(roster.phases) + 1)
        if heading is not None and not _ENTRY.match(stripped):
            phase = _add_phase(roster, heading, stripped, number)
            continue
        parser.line(number, stripped, phase)
    parser.finish()
    _declare(roster, keys)
    roster.notes.sort(key=lambda note: note.line)
    return roster


# ---------------------------------------------------------------- keys and headings

def _read_keys(lines: list[str], roster: Roster) -> _Keys:
    keys = _Keys()
    for number, line in enumerate(lines, start=1):
        if "=" not in line:
            continue
        left, _, right = (part.strip() for part in line.partition("="))
        right = right.rstrip(";.").strip()
        if not left or not right:
            continue
        used = False
        if "gender" in right.lower() or "sex" in right.lower():
            codes = [c.strip() for c in re.split(r"[/,]", left) if c.strip()]
            labels_group = _GROUP.search(right)
            labels = [w.strip() for w in re.split(r"[/,]", labels_group.group(1))] if labels_group else []
            for index, code in enumerate(codes):
                if re.fullmatch(r"[A-Za-z]{1,3}", code):
                    keys.genders[code] = labels[index] if index < len(labels) else code
                    used = True
        elif re.fullmatch(r"[A-Z][A-Za-z]{0,5}", left):
            case = re.fullmatch(_CASE_NAME, right, re.IGNORECASE)
            if case:
                keys.cases.setdefault(left, right)
                used = True
        else:
            sector = re.fullmatch(rf"{CODE}\s*\(([A-Z][A-Za-z]*)\)", left.replace(" ", ""))
            if sector and not _CODE.match(sector.group(1)):
                keys.sectors.setdefault(sector.group(1), _sector_label(right))
                used = True
        for alternate, prefix in re.findall(rf"\b((?:{'|'.join(CASE_WORDS)})\s+\w+)\s*\(([A-Z][A-Za-z]*)\)",
                                            right, re.IGNORECASE):
            keys.case_alternates.setdefault(prefix, []).append(alternate)
            used = True
        if used or _ENTRY.match(left):
            roster.used_lines.add(number)
    return keys


def _sector_label(meaning: str) -> str:
    """``A participant from a local authority`` says the sector is "local authority"."""
    label = re.sub(r"^(?:an?\s+)?(?:participants?|person|people|interviewees?)\s+(?:from|in|of|at)\s+",
                   "", meaning, flags=re.IGNORECASE)
    return re.sub(r"^(?:the|an?)\s+", "", label, flags=re.IGNORECASE).strip()


def _phase_heading(line: str, next_number: int) -> str | None:
    """The phase id a section heading opens (``In the second phase, ...`` gives "2")."""
    found = _PHASE_HEADING.search(line)
    if found is None:
        return None
    word = (found.group("ordinal") or found.group("number")).lower()
    digits = re.match(r"\d+", word)
    number = ORDINALS.get(word) or (int(digits.group()) if digits else None)
    return str(number) if number else str(next_number)


def _add_phase(roster: Roster, phase_id: str, line: str, number: int) -> Phase:
    for phase in roster.phases:
        if phase.id == phase_id:
            return phase
    prefixes: list[str] = []
    for found in _ACRONYMS.finditer(line):
        prefixes.extend(p.strip() for p in found.group(1).split(","))
    phase = Phase(phase_id, f"Fieldwork phase {phase_id}", line, prefixes)
    roster.phases.append(phase)
    roster.used_lines.add(number)
    return phase


def _table_header(line: str) -> list[str] | None:
    """The columns of a table's header row, as participants.csv's names; None if ``line`` is
    not a header (it names no code column, or nothing else)."""
    cells = [c for c in _TABLE_SPLIT.split(line.strip().strip("|")) if c]
    if len(cells) < 2:
        return None
    columns = [TABLE_COLUMNS.get(cell.strip().lower().rstrip(":")) for cell in cells]
    if "code" not in columns or None in columns:
        return None
    return [c for c in columns if c is not None]


# ---------------------------------------------------------------- entries

class _EntryParser:
    def __init__(self, roster: Roster, keys: _Keys, lines: list[str]) -> None:
        self.roster = roster
        self.lines = lines
        self.keys = keys
        self.genders: dict[str, str] = dict(keys.genders)
        self.by_code: dict[str, Row] = {}
        self.mentions: list[tuple[Row, str]] = []  # (row, a second code it names)

    def note(self, line: int, text: str, what: str) -> None:
        self.roster.notes.append(Note(line, text or self.lines[line - 1].strip(), what))

    def line(self, number: int, text: str, phase: Phase | None) -> None:
        group = _FOCUS_GROUP.match(text)
        if group is not None:
            self._focus_group(number, text, group, phase)
            return
        # "Participants: P1 (F, nurse); P2 (M, doctor)": a list after a label of its own.
        label = re.match(r"^[A-Z][\w ]{0,30}:\s+(?=\S)", text)
        if label and ";" in text and not _ENTRY.match(text):
            text = text[label.end():]
        pieces = [p.strip() for p in text.split(";") if p.strip()]
        if len(pieces) > 1 and all(_ENTRY.match(p) or _NUMBERED.match(p) for p in pieces):
            for piece in pieces:
                self._entry(number, piece, phase)
            return
        if _ENTRY.match(text) or (_NUMBERED.match(text) and _GROUP.search(text)):
            self._entry(number, text, phase)

    def _entry(self, number: int, text: str, phase: Phase | None) -> None:
        entry = _ENTRY.match(text)
        if entry is not None:
            code, rest = entry.group("code"), entry.group("rest")
        else:
            numbered = _NUMBERED.match(text)
            assert numbered is not None
            code = numbered.group("word")[0].upper() + numbered.group("number")
            rest = numbered.group("rest")
            self.note(number, text, f"'{numbered.group('word')} {numbered.group('number')}' is "
                      f"given the code {code}")
        row = self._new_row(code, number, text, phase)
        if row is None:
            return
        leading, role_part = _split_leading(rest)
        for token in leading:
            self._attribute(row, token, text, leading=True)
        role, trailing = _split_trailing(role_part)
        for group_text in trailing:
            tokens = [t.strip() for t in group_text.split(",") if t.strip()]
            if not (self._is_gender_group(group_text) or len(tokens) > 1 or not role):
                role = f"{role} ({group_text})".strip()
                continue
            if self._is_gender_group(group_text):
                self._gender(row, group_text, text)
            else:
                for token in tokens:
                    self._attribute(row, token, text, leading=False)
        if role:
            row.role = row.role or role
        self._case_from_prefix(row)

    def _new_row(self, code: str, number: int, text: str, phase: Phase | None) -> Row | None:
        if code in self.by_code:
            self.note(number, text, f"{code} is listed again; the line is left out (the first "
                      f"listing, line {self.by_code[code].line}, is kept)")
            return None
        row = Row(code, number, phase=phase.id if phase else "")
        if phase and phase.code_prefixes and not any(code.startswith(p) for p in phase.code_prefixes):
            self.note(number, text, f"{code} does not start with a prefix of phase {phase.id} "
                      f"({', '.join(phase.code_prefixes)}); it is kept in that phase")
        self.by_code[code] = row
        self.roster.rows.append(row)
        self.roster.used_lines.add(number)
        return row

    def _attribute(self, row: Row, token: str, text: str, leading: bool) -> None:
        """One item of a parenthesised list: a sector, a second code, a gender, a case, a
        number of people, a mode, a date, or (the first otherwise) the role."""
        word = token.strip()
        lower = word.lower()
        if word in self.keys.sectors:
            row.sector = word
        elif _CODE.match(word) and word != row.code:
            row.other_codes.append(word)
            self.mentions.append((row, word))
        elif self._is_gender_group(word):
            self._gender(row, word, text)
        elif re.fullmatch(_CASE_NAME, word, re.IGNORECASE):
            row.case = _case_id(word)
            self._case(row.case, word)
        elif _PEOPLE.match(word):
            row.people = int(_PEOPLE.match(word).group(1))  # type: ignore[union-attr]
        elif lower in MODE_WORDS:
            row.mode = lower
        elif _date(word):
            row.date = _date(word)  # type: ignore[assignment]
        elif leading and re.fullmatch(r"[A-Z]{2,5}", word):
            # A key the record does not explain: most likely a sector, as in the keyed ones.
            row.sector = word
            self.keys.sectors.setdefault(word, word)
            self.note(row.line, text, f"'{word}' is read as a sector code; the record does "
                      "not say what it means")
        elif not row.role:
            row.role = word
        else:
            row.note = f"{row.note}; {word}" if row.note else word
            self.note(row.line, text, f"'{word}' is kept as a note on {row.code}")

    def _is_gender_group(self, group_text: str) -> bool:
        tokens = [t for t in re.split(r"\s*(?:&|\+|/|,|;|\band\b)\s*", group_text.strip()) if t]
        if not tokens:
            return False
        return all(t in self.genders or t.lower() in GENDER_WORDS or self._counted_gender(t) for t in tokens)

    def _counted_gender(self, token: str) -> bool:
        """``4 women`` counts people of a gender."""
        counted = _GENDER_COUNT.match(token)
        return bool(counted) and counted.group(2).lower() in GENDER_WORDS  # type: ignore[union-attr]

    def _gender(self, row: Row, group_text: str, text: str) -> None:
        codes: list[str] = []
        for token in re.split(r"\s*(?:&|\+|/|,|;|\band\b)\s*", group_text.strip()):
            if not token:
                continue
            counted = _GENDER_COUNT.match(token)
            if counted and token not in self.genders:
                codes += [_gender_code(counted.group(2), self.genders)] * int(counted.group(1))
            else:
                codes.append(_gender_code(token, self.genders))
        for code in codes:
            self.genders.setdefault(code, GENDER_WORDS.get(code.lower(), (code, code))[1])
        if len(codes) > 1 and row.people == 1 and row.event != "focus-group":
            row.people = len(codes)
            if not row.note:
                row.note = f"Joint interview; the record gives the gender as {group_text}"
            self.note(row.line, text, f"{group_text} is read as {len(codes)} people, a gender "
                      "each: a joint interview")
        row.gender = codes

    def _focus_group(self, number: int, text: str, found: re.Match, phase: Phase | None) -> None:
        code = found.group("code") or f"FG{found.group('number')}"
        if not found.group("code"):
            self.note(number, text, f"the focus group is given the code {code}")
        row = self._new_row(code, number, text, phase)
        if row is None:
            return
        row.event = "focus-group"
        rest = found.group("rest")
        for group_text in _GROUP.findall(rest):
            if self._is_gender_group(group_text):
                self._gender(row, group_text, text)
        outside = _GROUP.sub("", rest)
        for token in (t.strip() for t in outside.split(",")):
            if not token:
                continue
            if _PEOPLE.match(token):
                row.people = int(_PEOPLE.match(token).group(1))  # type: ignore[union-attr]
            elif token.lower() in MODE_WORDS:
                row.mode = token.lower()
            elif _date(token):
                row.date = _date(token)  # type: ignore[assignment]
            elif not row.role:
                row.role = token
        if row.people < max(len(row.gender), 2):
            row.people = max(len(row.gender), 2)
            self.note(number, text, f"the record does not say how many people {code} had; "
                      f"{row.people} is assumed")

    def table_row(self, number: int, text: str, columns: list[str], phase: Phase | None) -> None:
        cells = [c.strip() for c in _TABLE_SPLIT.split(text.strip().strip("|"))]
        if len(cells) != len(columns) or not _CODE.match(cells[columns.index("code")]):
            self.note(number, text, f"not read: a table row needs {len(columns)} cells, a code first")
            return
        values = dict(zip(columns, cells, strict=True))
        row = self._new_row(values["code"], number, text, phase)
        if row is None:
            return
        for column, value in values.items():
            if not value or column == "code":
                continue
            if column == "gender":
                self._gender(row, value, text)
            elif column == "people" and value.isdigit():
                row.people = int(value)
            elif column == "case":
                row.case = _case_id(value)
                self._case(row.case, value)
            elif column == "phase":
                row.phase = value
                if not any(p.id == value for p in self.roster.phases):
                    self.roster.phases.append(Phase(value, f"Fieldwork phase {value}"))
            elif column == "other_codes":
                row.other_codes = [c.strip() for c in re.split(r"[;,]", value) if c.strip()]
                self.mentions.extend((row, c) for c in row.other_codes)
            elif column == "sector":
                row.sector = value
                self.keys.sectors.setdefault(value, value)
            elif column == "mode":
                # A record's word (online) is made a DDI term in finish(); a DDI term stays.
                row.mode = value.lower() if value.lower() in MODE_WORDS else value
            elif column == "date":
                row.date = _date(value) or value
            elif column in IDENTIFYING_COLUMNS:
                row.identifiers[column] = value
            else:
                setattr(row, column, value)
        self._case_from_prefix(row)

    def _case(self, case_id: str, name: str) -> None:
        if not any(c.id == case_id for c in self.roster.cases):
            self.roster.cases.append(Case(case_id, name))

    def _case_from_prefix(self, row: Row) -> None:
        """A code whose prefix the keys name as a case is in that case (CB4 in case CB)."""
        if row.case or (row.phase == "" and not self.keys.cases):
            return
        prefix = _prefix(row.code)
        if prefix in self.keys.cases and (row.phase or not self.roster.phases):
            phase = next((p for p in self.roster.phases if p.id == row.phase), None)
            if phase is None or not phase.code_prefixes or prefix in phase.code_prefixes:
                row.case = prefix

    def finish(self) -> None:
        """Second codes: a code named by another and listed too is the same person's (one
        event, labelled by the first listed); one only named gets a row of its own."""
        for row, other in self.mentions:
            listed = self.by_code.get(other)
            if listed is None:
                mention = Row(other, row.line, other_codes=[row.code], same_event_as=row.code,
                              note=f"Only mentioned as {row.code}'s second code; not in any list")
                prefix = _prefix(other)
                if prefix in self.keys.cases:
                    mention.case = prefix
                self.by_code[other] = mention
                self.roster.rows.append(mention)
                self.note(row.line, "", f"{other} is only mentioned, as {row.code}'s second code: "
                          f"it gets a row of its own, the same person and event as {row.code}"
                          + (f", in case {mention.case} by its prefix" if mention.case else ""))
                continue
            if row.code not in listed.other_codes:
                listed.other_codes.append(row.code)
            if listed.line > row.line and not listed.same_event_as:
                listed.same_event_as = row.code
                self.note(listed.line, "", f"{row.code} and {other} name each other: one person, "
                          f"taken as interviewed once, {other} labelling {row.code}'s interview "
                          f"(same_event_as); give {other} an event of its own if it had one")
        for row in self.roster.rows:
            if row.mode in MODE_WORDS:
                row.mode = MODE_WORDS[row.mode][row.event == "focus-group"]
            if row.other_codes and not row.note:
                row.note = f"Record: {row.code} ({', '.join(row.other_codes)})"


def _declare(roster: Roster, keys: _Keys) -> None:
    """The code lists and cases the rows use, labelled from the keys."""
    used_sectors = {row.sector for row in roster.rows if row.sector}
    roster.sectors = {code: label for code, label in keys.sectors.items() if code in used_sectors}
    used_genders = [g for row in roster.rows for g in row.gender]
    labels = {**{code: GENDER_WORDS.get(code.lower(), (code, code))[1] for code in used_genders},
              **keys.genders}
    roster.genders = {code: labels[code] for code in dict.fromkeys(
        [*keys.genders, *used_genders]) if code in used_genders}
    for prefix, name in keys.cases.items():
        if not any(c.id == prefix for c in roster.cases):
            roster.cases.append(Case(prefix, name, keys.case_alternates.get(prefix, []), [prefix]))
    if not roster.phases:
        roster.phases.append(Phase("1", "Fieldwork"))
        for row in roster.rows:
            if not row.phase and not row.same_event_as:
                row.phase = "1"
    for case in roster.cases:
        case.alternate_names = [a for a in dict.fromkeys(case.alternate_names) if a != case.name]


def _split_leading(rest: str) -> tuple[list[str], str]:
    """``" (LA)(IP8),Commissioner (M)"`` gives ``["LA", "IP8"]`` and ``"Commissioner (M)"``."""
    tokens: list[str] = []
    rest = rest.strip()
    while rest.startswith("("):
        found = _GROUP.match(rest)
        if found is None:
            break
        tokens.extend(t.strip() for t in found.group(1).split(",") if t.strip())
        rest = rest[found.end():].strip()
    return tokens, rest.lstrip(",:;-– ").strip()


def _split_trailing(text: str) -> tuple[str, list[str]]:
    """The role and the parenthesised groups at its end, last first:
    ``"Director (Charity)(M)"`` gives ``"Director"`` and ``["M", "Charity"]``."""
    groups = []
    text = text.strip().rstrip(".;,")
    while text.endswith(")"):
        found = re.search(r"\(([^()]*)\)\s*$", text)
        if found is None:
            break
        groups.append(found.group(1))
        text = text[:found.start()].rstrip()
    return text.rstrip(",").strip(), groups


def _gender_code(word: str, genders: dict[str, str]) -> str:
    if word in genders:
        return word
    return GENDER_WORDS.get(word.lower(), (word, word))[0]


def _case_id(name: str) -> str:
    """``Site B`` gives the case id ``site-b``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name.strip()).strip("-").lower()


def _prefix(code: str) -> str:
    return re.match(r"[A-Za-z]*", code).group()  # type: ignore[union-attr]


def _date(text: str) -> str | None:
    """A date as participants.csv writes it: ``March 2019`` gives ``2019-03``."""
    text = text.strip()
    if _ISO_DATE.match(text):
        return text
    found = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", text)
    if found and found.group(1).lower() in MONTHS:
        return f"{found.group(2)}-{MONTHS[found.group(1).lower()]:02d}"
    return None
