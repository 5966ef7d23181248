"""Stage 2: build the typed study model from what the reader returned.

This stage checks structure, types and references (every key known, every code in its code
list, every cross-reference resolvable) and groups quotation codes into people. It raises
:class:`~svrdf.errors.StudyDataError` naming the file, the key or row, and the field. It builds
no triples and reads no files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import Origin, StudyDataError, UsageError
from .model import (
    Case,
    Concept,
    Identifier,
    Legislation,
    Organization,
    Participant,
    Person,
    Phase,
    Place,
    QuotationCode,
    RelatedWork,
    Study,
)
from .reader import CsvRow, CsvTable, StudySource, YamlDocument, YamlPath, read_study

#: Columns of participants.csv: name -> required.
PARTICIPANT_COLUMNS: dict[str, bool] = {
    "code": True,
    "phase": True,
    "case": False,
    "sector": False,
    "role": True,
    "gender": True,
    "other_codes": False,
    "people": False,
    "note": False,
}

#: Column names that announce direct identifiers. Such a column is refused, never mapped.
IDENTIFYING_COLUMNS = {
    "name", "names", "full_name", "fullname", "first_name", "firstname", "given_name",
    "given_names", "last_name", "lastname", "surname", "family_name", "family_names",
    "email", "e-mail", "e_mail", "mail", "email_address", "phone", "telephone", "tel", "mobile",
    "phone_number", "address", "street", "home_address", "postcode", "post_code", "zip",
    "zipcode", "zip_code", "postal_code", "dob", "date_of_birth", "birth_date", "birthdate",
    "birthday",
}

#: More people under one code than any joint interview or focus group has: a typo.
MAX_PEOPLE_PER_CODE = 100

#: Separates several values in one CSV cell (other codes; one gender per person of a joint code).
LIST_SEPARATOR = ";"

RELATED_WORK_TYPES = ("CreativeWork", "Thesis", "ScholarlyArticle", "Book", "Report")
GENDER_TERMS = ("Male", "Female")

_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}\d{2})$")
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')


def load_study(directory: str | Path, drop_columns: Iterable[str] = ()) -> Study:
    """Read and build the study in ``directory``: the usual entry point from Python."""
    return build_study(read_study(directory), drop_columns)


def build_study(source: StudySource, drop_columns: Iterable[str] = ()) -> Study:
    """Build the model. ``drop_columns`` names participants.csv columns to ignore unread: the
    only way past a column of direct identifiers."""
    top = _Section(source.study, (), source.study.data)
    base_iri = top.iri("base-iri", required=True)
    if not base_iri.endswith(("/", "#")):
        raise StudyDataError("expected the base IRI to end with '/' or '#', so that svrdf can "
                             "append codes to it", top.origin("base-iri"))
    phases = tuple(_phase(s) for s in top.sections("phases", required=True))
    if not phases:
        raise StudyDataError("expected at least one fieldwork phase", top.origin("phases"))
    cases = tuple(_case(s) for s in top.sections("cases"))
    sectors = tuple(_concept(s) for s in top.sections("sectors"))
    genders = tuple(_concept(s, gender=True) for s in top.sections("gender"))
    identifiers = tuple(_identifier(s) for s in top.sections("identifiers"))
    for kind, entries in (("phases", phases), ("cases", cases), ("sectors", sectors),
                          ("gender", genders), ("identifiers", identifiers)):
        _require_unique(entries, kind, source.study)
    codes = _quotation_codes(source.participants, frozenset(drop_columns), phases, cases,
                             sectors, genders)
    study = Study(
        base_iri=base_iri,
        title=top.text("title", required=True),
        description=top.text("description", required=True),
        creators=tuple(_person(s) for s in top.sections("creators", required=True)),
        publisher=_optional(top.section("publisher"), _organization),
        catalog=_optional(top.section("catalog"), _organization),
        source_organization=_optional(top.section("source-organization"), _organization),
        date_published=top.date("date-published"),
        identifiers=identifiers,
        landing_page=top.iri("landing-page"),
        version=top.text("version"),
        license=top.iri("license"),
        keywords=top.texts("keywords"),
        subjects=top.texts("subjects"),
        related_works=tuple(_related_work(s) for s in top.sections("related-works")),
        legislation=tuple(_legislation(s) for s in top.sections("legislation")),
        temporal_coverage=top.text("temporal-coverage"),
        spatial_coverage=tuple(_place(s) for s in top.sections("spatial-coverage")),
        methodology=top.text("methodology"),
        techniques=top.texts("techniques"),
        mentioned_people=tuple(_person(s) for s in top.sections("mentioned-people")),
        phases=phases,
        cases=cases,
        sectors=sectors,
        genders=genders,
        codes=codes,
        participants=_participants(codes, phases, source.participants.file),
        origin=Origin(source.study.file),
        origins={key: top.origin(key) for key in top.value if isinstance(key, str)},
    )
    top.finish()
    if not study.creators:
        raise StudyDataError("expected at least one creator", top.origin("creators"))
    return study


class _Section:
    """A YAML mapping being read key by key, so that unknown keys can be reported at the end."""

    def __init__(self, doc: YamlDocument, path: YamlPath, value: Any):
        if not isinstance(value, dict):
            raise StudyDataError(f"expected a mapping of keys to values, got {_kind(value)}",
                                 doc.origin(path))
        self.doc, self.path, self.value = doc, path, value
        self.read: set[str] = set()

    def origin(self, key: str | None = None) -> Origin:
        return self.doc.origin(self.path + (key,) if key else self.path)

    def _get(self, key: str, required: bool) -> Any:
        self.read.add(key)
        value = self.value.get(key)
        if value is None and required:
            # A misspelt required key shows up here first; name the typo, not the absence.
            unread = [k for k in self.value if isinstance(k, str) and k != key]
            typo = difflib.get_close_matches(key, unread, n=1)
            if typo:
                raise StudyDataError(f"unknown key '{typo[0]}'; did you mean '{key}'?",
                                     self.origin(typo[0]))
            raise StudyDataError(f"missing required key '{key}'", self.origin(key)
                                 if key in self.value else self.origin())
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
            raise StudyDataError(f"expected text, got {_kind(value)}", self.origin(key))
        text = str(value).strip()
        if required and not text:
            raise StudyDataError("expected text, got an empty value", self.origin(key))
        return text or None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise StudyDataError(f"expected a list of text, got {_kind(value)}", self.origin(key))
        result = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise StudyDataError(f"expected text, got {_kind(item)}",
                                     self.doc.origin(self.path + (key, index)))
            if str(item).strip():
                result.append(str(item).strip())
        return tuple(result)

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise StudyDataError(f"expected true or false, got {_kind(value)}", self.origin(key))
        return value

    def integer(self, key: str) -> int | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise StudyDataError(f"expected a whole number, got {_kind(value)}", self.origin(key))
        return value

    def date(self, key: str) -> dt.date | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise StudyDataError(f"expected a date as YYYY-MM-DD, got {value!r}", self.origin(key))

    def iri(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None:
            _check_iri(value, self.origin(key))
        return value

    def section(self, key: str, required: bool = False) -> _Section | None:
        value = self._get(key, required)
        return None if value is None else _Section(self.doc, self.path + (key,), value)

    def sections(self, key: str, required: bool = False) -> list[_Section]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise StudyDataError(f"expected a list, got {_kind(value)}", self.origin(key))
        return [_Section(self.doc, self.path + (key, i), item) for i, item in enumerate(value)]

    def finish(self) -> None:
        for key in self.value:
            if key not in self.read:
                known = sorted(self.read)
                guess = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else f"; known keys: {', '.join(known)}"
                raise StudyDataError(f"unknown key '{key}'{hint}", self.origin(str(key)))


def _optional(section: _Section | None, make):
    return None if section is None else make(section)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, dt.date):
        return f"a date ({value})"
    return f"{type(value).__name__} {value!r}"


def _check_iri(value: str, origin: Origin) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StudyDataError(f"expected an absolute http(s) address, got {value!r}", origin)
    if _IRI_FORBIDDEN.search(value):
        raise StudyDataError(f"the address {value!r} contains a space or one of <>\"{{}}|\\^`; "
                             "percent-encode it", origin)


def _require_unique(entries: Iterable, kind: str, doc: YamlDocument) -> None:
    seen: set[str] = set()
    for entry in entries:
        key = getattr(entry, "id", None) or getattr(entry, "code", None) or entry.scheme
        if key in seen:
            raise StudyDataError(f"'{key}' is listed twice under '{kind}'", entry.origin)
        seen.add(key)


def _organization(s: _Section) -> Organization:
    ror = s.text("ror")
    if ror is not None:
        match = _ROR.match(ror)
        if not match:
            raise StudyDataError(f"expected a ROR identifier such as https://ror.org/05mzfcs16, "
                                 f"got {ror!r}", s.origin("ror"))
        ror = f"https://ror.org/{match.group(1)}"
    org = Organization(name=s.text("name", required=True), url=s.iri("url"), ror=ror,
                       origin=s.origin())
    s.finish()
    return org


def _person(s: _Section) -> Person:
    orcid = s.text("orcid")
    if orcid is not None:
        match = _ORCID.match(orcid)
        if not match or not _orcid_checksum_ok(match.group(1)):
            raise StudyDataError(f"expected an ORCID iD such as 0000-0002-1825-0097, got {orcid!r}",
                                 s.origin("orcid"))
        orcid = f"https://orcid.org/{match.group(1)}"
    affiliation = s.value.get("affiliation")
    if isinstance(affiliation, dict):
        organization = _organization(s.section("affiliation"))
    else:
        name = s.text("affiliation")
        organization = Organization(name, origin=s.origin("affiliation")) if name else None
    person = Person(
        given_names=s.text("given-names"),
        family_names=s.text("family-names"),
        name=s.text("name"),
        orcid=orcid,
        affiliation=organization,
        description=s.text("description"),
        origin=s.origin(),
    )
    s.finish()
    if not person.full_name:
        raise StudyDataError("expected 'given-names' and 'family-names' (or 'name')", s.origin())
    return person


def _orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID specifies for its final check character."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _identifier(s: _Section) -> Identifier:
    scheme = s.text("scheme", required=True)
    value = s.text("value", required=True)
    if scheme.upper() == "DOI":
        match = _DOI.match(value)
        if not match:
            raise StudyDataError(f"expected a DOI such as 10.1234/abc, got {value!r}",
                                 s.origin("value"))
        scheme, value = "DOI", match.group(1)
    identifier = Identifier(scheme, value, derived=s.boolean("derived"), note=s.text("note"),
                            origin=s.origin())
    s.finish()
    return identifier


def _related_work(s: _Section) -> RelatedWork:
    kind = s.text("type") or "CreativeWork"
    if kind not in RELATED_WORK_TYPES:
        raise StudyDataError(f"expected one of {', '.join(RELATED_WORK_TYPES)}, got {kind!r}",
                             s.origin("type"))
    work = RelatedWork(
        title=s.text("title", required=True),
        url=s.iri("url"),
        type=kind,
        authors=tuple(_person(a) for a in s.sections("authors")),
        year=s.integer("year"),
        degree=s.text("degree"),
        institution=_optional(s.section("institution"), _organization),
        origin=s.origin(),
    )
    s.finish()
    return work


def _legislation(s: _Section) -> Legislation:
    law = Legislation(name=s.text("name", required=True), url=s.iri("url"), origin=s.origin())
    s.finish()
    return law


def _place(s: _Section) -> Place:
    same_as = s.texts("same-as")
    for index, iri in enumerate(same_as):
        _check_iri(iri, s.doc.origin(s.path + ("same-as", index)))
    place = Place(name=s.text("name", required=True), same_as=same_as, origin=s.origin())
    s.finish()
    return place


def _phase(s: _Section) -> Phase:
    phase = Phase(
        id=s.text("id", required=True),
        name=s.text("name", required=True),
        description=s.text("description"),
        code_prefixes=s.texts("code-prefixes"),
        start_date=s.date("start-date"),
        end_date=s.date("end-date"),
        origin=s.origin(),
    )
    s.finish()
    return phase


def _case(s: _Section) -> Case:
    case = Case(
        id=s.text("id", required=True),
        name=s.text("name", required=True),
        alternate_names=s.texts("alternate-names"),
        description=s.text("description"),
        code_prefixes=s.texts("code-prefixes"),
        origin=s.origin(),
    )
    s.finish()
    return case


def _concept(s: _Section, gender: bool = False) -> Concept:
    schema_term = s.text("schema") if gender else None
    if schema_term is not None and schema_term not in GENDER_TERMS:
        raise StudyDataError(f"expected one of {', '.join(GENDER_TERMS)} (schema.org's "
                             f"GenderType), got {schema_term!r}", s.origin("schema"))
    concept = Concept(code=s.text("code", required=True), label=s.text("label", required=True),
                      definition=s.text("definition"), schema_term=schema_term, origin=s.origin())
    s.finish()
    return concept


def _check_columns(table: CsvTable, dropped: frozenset[str]) -> None:
    header_origin = Origin(table.file, line=1, row=1)
    absent = sorted(dropped - set(table.header))
    if absent:
        raise UsageError(f"--drop-column {absent[0]!r}: there is no such column "
                         f"(columns: {', '.join(table.header)})", header_origin)
    for column in table.header:
        if column in dropped:
            continue
        if column.lower() in IDENTIFYING_COLUMNS:
            raise StudyDataError(
                f"column '{column}' looks like it holds direct identifiers of participants "
                "(names, contact details or birth dates), which svrdf never publishes; delete "
                f"the column, or pass --drop-column {column} to leave it unread",
                header_origin.with_field(column))
        if column not in PARTICIPANT_COLUMNS:
            guess = difflib.get_close_matches(column, PARTICIPANT_COLUMNS, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else (
                f"; known columns: {', '.join(PARTICIPANT_COLUMNS)}")
            raise StudyDataError(f"unknown column '{column}'{hint}",
                                 header_origin.with_field(column))
    for column, required in PARTICIPANT_COLUMNS.items():
        if required and column not in table.header and column not in dropped:
            raise StudyDataError(f"the header lacks the required column '{column}'",
                                 header_origin.with_field(column))


def _quotation_codes(table: CsvTable, dropped: frozenset[str], phases, cases, sectors,
                     genders) -> tuple[QuotationCode, ...]:
    _check_columns(table, dropped)
    known = {
        "phase": [p.id for p in phases],
        "case": [c.id for c in cases],
        "sector": [c.code for c in sectors],
        "gender": [c.code for c in genders],
    }
    codes: dict[str, QuotationCode] = {}
    for row in table.rows:
        code = _quotation_code(row, table.file, known, dropped)
        if code.code in codes:
            first = codes[code.code].origin
            raise StudyDataError(f"code '{code.code}' is listed twice (first in row {first.row})",
                                 row.origin(table.file, "code"))
        codes[code.code] = code
    if not codes:
        raise StudyDataError("no participant rows; expected one row per quotation code",
                             Origin(table.file))
    for code in codes.values():
        for other in code.other_codes:
            if other not in codes:
                raise StudyDataError(f"names the code '{other}', which has no row of its own",
                                     code.origin.with_field("other_codes"))
            if other == code.code:
                raise StudyDataError("a code cannot name itself as another code of its person",
                                     code.origin.with_field("other_codes"))
            if code.is_joint or codes[other].is_joint:
                raise StudyDataError(
                    "a joint code (people > 1) cannot share a person with another code: svrdf "
                    "could not tell which of its people that is", code.origin.with_field("other_codes"))
    return tuple(codes.values())


def _quotation_code(row: CsvRow, file: str, known: dict[str, list[str]],
                    dropped: frozenset[str]) -> QuotationCode:
    def cell(name: str) -> str | None:
        if name in dropped:
            return None
        value = row.cells.get(name, "").strip()
        _refuse_contact_details(value, row.origin(file, name))
        return value or None

    def coded(name: str) -> str | None:
        value = cell(name)
        _check_known(value, name)
        return value

    def _check_known(value: str | None, name: str) -> None:
        if value is not None and value not in known[name]:
            choices = ", ".join(known[name]) or f"none: study.yaml declares no {name} codes"
            raise StudyDataError(f"unknown {name} {value!r}; expected one of {choices}",
                                 row.origin(file, name))

    code = cell("code")
    if code is None:
        raise StudyDataError("the code is empty", row.origin(file, "code"))
    people_text = cell("people") or "1"
    if not (people_text.isascii() and people_text.isdigit()) or not 1 <= int(people_text) <= MAX_PEOPLE_PER_CODE:
        raise StudyDataError(f"expected a whole number from 1 to {MAX_PEOPLE_PER_CODE}, got "
                             f"{people_text!r}", row.origin(file, "people"))
    people = int(people_text)
    genders = _split(cell("gender"))
    for gender in genders:
        _check_known(gender, "gender")
    if len(genders) not in (0, 1, people):
        raise StudyDataError(f"gives {len(genders)} genders for {people} people; give one, "
                             f"or one per person separated by '{LIST_SEPARATOR}'",
                             row.origin(file, "gender"))
    return QuotationCode(
        code=code,
        phase=coded("phase"),
        case=coded("case"),
        sector=coded("sector"),
        role=cell("role"),
        genders=genders,
        other_codes=_split(cell("other_codes")),
        people=people,
        note=cell("note"),
        origin=row.origin(file),
    )


_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}")
_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d ()./-]{6,}\d(?![\w/])")


def _refuse_contact_details(value: str, origin: Origin) -> None:
    """A value that looks like an e-mail address or a phone number has no place in a
    pseudonymous roster, whatever column it is in."""
    if _EMAIL.search(value):
        raise StudyDataError("the value looks like an e-mail address; participants' contact "
                             "details are never published, so remove it", origin)
    for match in _PHONE.finditer(_DATE.sub(" ", value)):
        if sum(ch.isdigit() for ch in match.group()) >= 9:
            raise StudyDataError("the value looks like a phone number; participants' contact "
                                 "details are never published, so remove it", origin)


def _split(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())


def _participants(codes: tuple[QuotationCode, ...], phases: tuple[Phase, ...],
                  file: str) -> tuple[Participant, ...]:
    """Group codes into people: codes that name each other are one person; a joint code
    stands for as many people as its ``people`` column says."""
    by_code = {c.code: c for c in codes}
    group_of: dict[str, list[str]] = {}
    for code in codes:
        group = group_of.setdefault(code.code, [code.code])
        for other in code.other_codes:
            other_group = group_of.get(other)
            if other_group is None:
                group.append(other)
                group_of[other] = group
            elif other_group is not group:
                group.extend(other_group)
                for member in other_group:
                    group_of[member] = group
    phase_rank = {p.id: i for i, p in enumerate(phases)}

    def primary_rank(code: str) -> tuple[int, str]:
        # A person is named after the code from their earliest phase, so the IRI does not
        # depend on the order of rows in the file.
        phase = by_code[code].phase
        return (phase_rank.get(phase, len(phase_rank)) if phase else len(phase_rank), code)

    participants: list[Participant] = []
    done: set[int] = set()
    for code in codes:
        group = group_of[code.code]
        if id(group) in done:
            continue
        done.add(id(group))
        members = tuple(sorted(group, key=primary_rank))
        rows = [by_code[m] for m in members]
        if code.is_joint:
            for index in range(code.people):
                # One gender per person, or none or one shared by everyone under the code.
                shared = len(code.genders) != code.people
                genders = code.genders if shared else (code.genders[index],)
                participants.append(_participant(f"{code.code}/{index + 1}", rows, genders))
        else:
            genders = _union(g for row in rows for g in row.genders)
            participants.append(_participant(members[0], rows, genders))
    return tuple(participants)


def _participant(key: str, rows: list[QuotationCode], genders: tuple[str, ...]) -> Participant:
    return Participant(
        key=key,
        codes=tuple(row.code for row in rows),
        phases=_union(row.phase for row in rows),
        cases=_union(row.case for row in rows),
        sectors=_union(row.sector for row in rows),
        roles=_union(row.role for row in rows),
        genders=genders,
        rows=tuple(rows),
        origin=rows[0].origin,
    )


def _union(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
