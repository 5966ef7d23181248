"""Stage 2: build the typed study model from what the reader returned.

The files are first checked against the study format's schemas (:mod:`svrdf.study.schemas`); this
stage then checks what a schema cannot say (every code in its code list, every cross-reference
resolvable, dates that exist and come in order, identifiers with valid checksums) and works out
who the people are: codes that name each other are one person, a code of several people stands
for that many, and a person listed in people.csv under a group's code is one of its people. It
raises :class:`~svrdf.errors.StudyDataError` naming the file, the key or row, and the field. It
builds no triples and reads no files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from svrdf.errors import Notice, Origin, StudyDataError, UsageError, quoted
from svrdf.study.iri import iri_problem
from svrdf.study.model import (
    ACCESS_OPENNESS,
    ATTRIBUTES,
    WITHHOLDABLE,
    Access,
    Case,
    CatalogDescription,
    Concept,
    Consent,
    DataFile,
    Disclosure,
    Fact,
    Funding,
    Generalisation,
    Identifier,
    Legislation,
    License,
    ListedPerson,
    LocalText,
    Organization,
    PartialDate,
    Participant,
    Period,
    Person,
    Phase,
    Place,
    QuotationCode,
    RelatedWork,
    Study,
    normalised_role,
)
from svrdf.study.reader import CsvRow, CsvTable, StudySource, YamlDocument, YamlPath, read_study, read_yaml
from svrdf.study.schemas import (
    CATALOG_SCHEMA,
    PARTICIPANTS_SCHEMA,
    PEOPLE_SCHEMA,
    TableSchema,
    check_study_document,
    control_character_problem,
)
from svrdf.study.vocabularies import (
    SPDX_LICENSES,
    canonical_spdx_id,
    modes_of_collection,
    spdx_id_of_url,
    standard_language_tag,
)

#: Column names that announce direct identifiers. Such a column is refused, never mapped.
IDENTIFYING_COLUMNS = {
    "name", "names", "full_name", "fullname", "first_name", "firstname", "given_name",
    "given_names", "last_name", "lastname", "surname", "family_name", "family_names",
    "email", "e-mail", "e_mail", "mail", "email_address", "phone", "telephone", "tel", "mobile",
    "phone_number", "address", "street", "home_address", "postcode", "post_code", "zip",
    "zipcode", "zip_code", "postal_code", "dob", "date_of_birth", "birth_date", "birthdate",
    "birthday",
}

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.[0-9]{4,9}/\S+)$", re.IGNORECASE)
_ORCID = re.compile(r"([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])$")
_ROR = re.compile(r"(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})$")
_FUNDER_ID = re.compile(r"(10\.13039/[0-9]+)$")
_PARTIAL_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")


@dataclass(frozen=True)
class ReadOptions:
    """What a command asks of the reading of a study, on top of its study.yaml: the columns to
    leave unread (--drop-column, and what --publish-attributes leaves out: the only way past a
    column of direct identifiers) and values to publish generalised (--generalise), which take
    the place of study.yaml's generalisation of the same value."""

    drop_columns: tuple[str, ...] = ()
    generalise: tuple[Generalisation, ...] = ()


#: A study read as its files say: no column left unread, no value generalised but study.yaml's.
AS_WRITTEN = ReadOptions()


def load_study(directory: str | Path, options: ReadOptions = AS_WRITTEN) -> Study:
    """Read and build the study in ``directory``: the usual entry point from Python."""
    return build_study(read_study(directory), options)


def load_catalog(path: str | Path) -> CatalogDescription:
    """The catalogue described in the YAML file ``path`` (catalog.yaml), checked against its
    schema: errors name the file, line and key as a study's do."""
    doc = read_yaml(Path(path))
    top = _Node(doc, (), check_study_document(doc, CATALOG_SCHEMA))
    return CatalogDescription(
        title=top.text("title") or "", description=top.text("description") or "",
        publisher=_optional(top.node("publisher"), _organization), homepage=top.text("homepage"),
        iri=top.text("iri"), language=top.language("language"))


def build_study(source: StudySource, options: ReadOptions = AS_WRITTEN) -> Study:
    """Build the model, as ``options`` ask."""
    top = _Node(source.study, (), check_study_document(source.study))
    _refuse_contact_details(top)
    language = top.language("metadata-language")
    phases = tuple(_phase(s) for s in top.nodes("phases"))
    cases = tuple(_case(s) for s in top.nodes("cases"))
    sectors = tuple(_concept(s) for s in top.nodes("sectors"))
    genders = tuple(_concept(s) for s in top.nodes("gender"))
    identifiers = tuple(_identifier(s) for s in top.nodes("identifiers"))
    files = tuple(_data_file(s) for s in top.nodes("files"))
    consent = _optional(top.node("consent"), _consent)
    disclosure = _optional(top.node("disclosure"), _disclosure) or Disclosure()
    if options.generalise:  # the command line's in place of study.yaml's for the same value
        disclosure = _generalising(disclosure, options.generalise)
    for kind, entries in (("phases", phases), ("cases", cases), ("sectors", sectors),
                          ("gender", genders), ("identifiers", identifiers), ("files", files)):
        _require_unique(entries, kind)
    code_lists = _CodeLists(phases, cases, sectors, genders, disclosure)
    _check_dropped_columns(source, frozenset(options.drop_columns))
    dropped = frozenset(options.drop_columns) | frozenset(disclosure.withhold)
    codes = _quotation_codes(source.participants, dropped, code_lists)
    people = _listed_people(source.people, dropped, code_lists) if source.people else ()
    code_lists.check_every_role_matched(dropped)
    _check_dates(phases, codes, top.day("date-published"), top.origin("date-published"))
    access = _optional(top.node("access"), lambda s: _access(s, language))
    _check_consent(consent, access, codes, (source.participants, source.people), dropped)
    titles = top.local_texts("title", language)
    descriptions = top.local_texts("description", language)
    temporal = top.text("temporal-coverage")
    study = Study(
        base_iri=top.text("base-iri") or "",
        title=titles[0][1],
        description=descriptions[0][1],
        creators=tuple(_person(s) for s in top.nodes("creators")),
        publisher=_optional(top.node("publisher"), _organization),
        catalog=_optional(top.node("catalog"), _organization),
        source_organization=_optional(top.node("source-organization"), _organization),
        date_published=top.day("date-published"),
        identifiers=identifiers,
        landing_page=top.text("landing-page"),
        version=top.text("version"),
        license=_license(top),
        keywords=top.texts("keywords"),
        subjects=top.texts("subjects"),
        related_works=tuple(_related_work(s) for s in top.nodes("related-works")),
        legislation=tuple(_legislation(s) for s in top.nodes("legislation")),
        temporal_coverage=temporal,
        temporal_period=_coverage_period(temporal, top.origin("temporal-coverage")),
        spatial_coverage=tuple(_place(s) for s in top.nodes("spatial-coverage")),
        methodology=top.text("methodology"),
        techniques=top.texts("techniques"),
        mentioned_people=tuple(_person(s) for s in top.nodes("mentioned-people")),
        phases=phases,
        cases=cases,
        sectors=sectors,
        genders=genders,
        codes=codes,
        participants=_Grouping(codes, people, phases).participants(),
        titles=titles,
        descriptions=descriptions,
        metadata_language=language,
        languages=top.languages("languages"),
        contributors=tuple(_person(s) for s in top.nodes("contributors")),
        access=access,
        funding=tuple(_funding(s) for s in top.nodes("funding")),
        files=files,
        consent=consent,
        withheld=tuple(a for a in WITHHOLDABLE if a in dropped),
        partly_published=bool(dropped or disclosure.generalise),
        kind_of_data=top.text("kind-of-data"),
        unit_of_analysis=top.text("unit-of-analysis"),
        universe=top.local_texts("universe", language),
        sampling_procedure=top.text("sampling-procedure"),
        time_method=top.text("time-method"),
        people=people,
        origin=Origin(source.study.file),
        origins={key: top.origin(key) for key in top.value if isinstance(key, str)},
    )
    _tell_what_withholding_leaves(study, dropped, disclosure)
    return study


def _tell_what_withholding_leaves(study: Study, dropped: frozenset[str], disclosure: Disclosure) -> None:
    """What a study that withholds or generalises attributes still publishes that may give them
    away, which svrdf cannot judge: the notes, free text written as it is, and quotation codes
    named after their cases."""
    if not (study.withheld or disclosure.generalise):
        return
    if "note" not in dropped and any(code.note for code in study.codes):
        warnings.warn(Notice("participants.csv's notes are published as written: check that none "
                             "says what the study withholds or generalises, or leave them out with "
                             "--drop-column note"), stacklevel=3)
    prefixes = [p for case in study.cases for p in case.code_prefixes]
    if "case" in study.withheld and any(code.code.startswith(tuple(prefixes)) for code in study.codes):
        warnings.warn(Notice("the case is withheld, but quotation codes start with their cases' "
                             f"prefixes ({', '.join(prefixes)}), which tell a reader the case"), stacklevel=3)


class _Node:
    """A mapping of study.yaml that the schema has checked, read key by key, with the place
    of each key for messages about what the schema cannot check."""

    def __init__(self, doc: YamlDocument, path: YamlPath, value: dict[str, Any]):
        self.doc, self.path, self.value = doc, path, value

    def origin(self, key: str | int | tuple | None = None) -> Origin:
        if key is None:
            return self.doc.origin(self.path)
        return self.doc.origin(self.path + (key if isinstance(key, tuple) else (key,)))

    def get(self, key: str) -> Any:
        return self.value.get(key)

    def text(self, key: str) -> str | None:
        value = self.value.get(key)
        # The schema allows a number where text is meant (version: 1): read it as its text.
        return None if value is None else (str(value).strip() or None)

    def texts(self, key: str) -> tuple[str, ...]:
        return tuple(str(item).strip() for item in self.value.get(key) or () if str(item).strip())

    def local_texts(self, key: str, language: str | None) -> tuple[LocalText, ...]:
        """A text in one language (the record's, if it says) or several: (language, text)."""
        value = self.value.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            return ((language, str(value).strip()),)
        pairs: list[LocalText] = []
        for tag, text in value.items():
            standard = _language_tag(tag, self.origin((key, tag)))
            if any(standard == seen for seen, _ in pairs):
                raise StudyDataError(f"'{tag}' is a second text in {standard}; give one text a "
                                     "language", self.origin((key, tag)))
            pairs.append((standard, str(text).strip()))
        # The record's own language first, so that one-language forms take it.
        pairs.sort(key=lambda pair: pair[0] != language)
        return tuple(pairs)

    def language(self, key: str) -> str | None:
        value = self.text(key)
        return None if value is None else _language_tag(value, self.origin(key))

    def languages(self, key: str) -> tuple[str, ...]:
        return tuple(_language_tag(str(tag), self.origin((key, i)))
                     for i, tag in enumerate(self.value.get(key) or ()))

    def boolean(self, key: str) -> bool:
        return bool(self.value.get(key, False))

    def integer(self, key: str) -> int | None:
        return self.value.get(key)

    def day(self, key: str) -> dt.date | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise StudyDataError(f"{value} is not a date that exists ({exc}); expected "
                                 "YYYY-MM-DD", self.origin(key)) from None

    def partial_date(self, key: str) -> PartialDate | None:
        value = self.text(key)
        return None if value is None else _partial_date(value, self.origin(key))

    def node(self, key: str) -> _Node | None:
        value = self.value.get(key)
        return None if value is None else _Node(self.doc, self.path + (key,), value)

    def nodes(self, key: str) -> list[_Node]:
        return [_Node(self.doc, self.path + (key, i), item)
                for i, item in enumerate(self.value.get(key) or ())]


def _language_tag(tag: str, origin: Origin) -> str:
    standard = standard_language_tag(tag)
    if standard is None:
        raise StudyDataError(f"{quoted(tag)} is not a language tag of ISO 639 / BCP 47; expected a "
                             "tag such as en, cy or en-GB", origin)
    return standard


def _optional(node: _Node | None, make):
    return None if node is None else make(node)


def _partial_date(text: str, origin: Origin) -> PartialDate:
    if not _PARTIAL_DATE.match(text):
        raise StudyDataError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {quoted(text)}", origin)
    parts = [int(part) for part in text.split("-")]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        raise StudyDataError(f"{text} is not a date that exists (month must be in 1..12)", origin)
    if len(parts) > 2 and not _day_exists(*parts):
        raise StudyDataError(f"{text} is not a date that exists (day is out of range for month)",
                             origin)
    return PartialDate(text)


def _day_exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _period(text: str, origin: Origin) -> Period:
    """A date or an interval of two (``start/end``), each at its own precision, in order."""
    start_text, _, end_text = text.partition("/")
    start = _partial_date(start_text.strip(), origin)
    end = _partial_date(end_text.strip(), origin) if end_text else start
    if not in_order(start, end):
        raise StudyDataError(f"the interval {text} ends before it starts", origin)
    return Period(start, end)


def _coverage_period(text: str | None, origin: Origin) -> Period | None:
    """``temporal-coverage`` as dates, where it is a date or an interval of dates; any other
    text is kept as a label only."""
    start, _, end = (text or "").partition("/")
    if not _PARTIAL_DATE.match(start) or (end and not _PARTIAL_DATE.match(end)):
        return None
    return _period(text or "", origin)


def in_order(start: PartialDate, end: PartialDate) -> bool:
    """Whether ``start`` can come before ``end``: whether the first day ``start`` can mean is
    not after the last day ``end`` can mean (2019-03 can start a period that ends 2019-03-02;
    2019 cannot start one ending 2018-12)."""
    return start.first_day() <= end.last_day()


def _check_dates(phases: tuple[Phase, ...], codes: tuple[QuotationCode, ...],
                 published: dt.date | None, published_at: Origin) -> None:
    """Fieldwork comes before publication, and an event within its phase, each compared at the
    coarser of the two dates' precisions."""
    published_date = PartialDate(published.isoformat()) if published else None
    for phase in phases:
        if published_date and phase.end_date and not in_order(phase.end_date, published_date):
            raise StudyDataError(f"the phase '{phase.id}' ends {phase.end_date}, after the dataset "
                                 f"was published ({published_date})",
                                 phase.origin.with_field("end-date") if phase.origin else published_at)
    by_id = {phase.id: phase for phase in phases}
    for code in codes:
        if code.date is None:
            continue
        start, end = code.date.start, code.date.end
        where = code.origin.with_field("date") if code.origin else None
        in_phase = by_id.get(code.phase or "")
        if in_phase and in_phase.start_date and start and not in_order(in_phase.start_date, start):
            raise StudyDataError(f"the event is dated {code.date}, before its phase "
                                 f"'{in_phase.id}' starts ({in_phase.start_date})", where)
        if in_phase and in_phase.end_date and end and not in_order(end, in_phase.end_date):
            raise StudyDataError(f"the event is dated {code.date}, after its phase "
                                 f"'{in_phase.id}' ends ({in_phase.end_date})", where)
        if published_date and end and not in_order(end, published_date):
            raise StudyDataError(f"the event is dated {code.date}, after the dataset was "
                                 f"published ({published_date})", where)


def _require_unique(entries: Iterable, kind: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        key = (getattr(entry, "id", None) or getattr(entry, "code", None) or getattr(entry, "scheme", None)
               or entry.name)
        if key in seen:
            raise StudyDataError(f"'{key}' is listed twice under '{kind}'", entry.origin)
        seen.add(key)


def _organization(s: _Node) -> Organization:
    ror = s.text("ror")
    funder = s.text("crossref-funder-id")
    return Organization(
        name=s.text("name") or "",
        url=s.text("url"),
        ror=f"https://ror.org/{_ROR.search(ror).group(1)}" if ror else None,  # type: ignore[union-attr]
        crossref_funder_id=_FUNDER_ID.search(funder).group(1) if funder else None,  # type: ignore[union-attr]
        origin=s.origin())


def _person(s: _Node) -> Person:
    orcid = s.text("orcid")
    if orcid is not None:
        digits = _ORCID.search(orcid).group(1)  # type: ignore[union-attr]
        if not _orcid_checksum_ok(digits):
            raise StudyDataError(f"expected an ORCID iD such as 0000-0002-1825-0097, got {quoted(orcid)} "
                                 "(its check digit is wrong)", s.origin("orcid"))
        orcid = f"https://orcid.org/{digits}"
    affiliation = s.get("affiliation")
    organization: Organization | None
    if isinstance(affiliation, dict):
        organization = _organization(s.node("affiliation"))  # type: ignore[arg-type]
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
        role=s.text("role"),
        origin=s.origin(),
    )
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


def _identifier(s: _Node) -> Identifier:
    scheme, value = s.text("scheme") or "", s.text("value") or ""
    if scheme.upper() == "DOI":
        match = _DOI.match(value)
        # The DOI names the dataset as https://doi.org/<DOI>, which must be an IRI.
        problem = iri_problem(f"https://doi.org/{match.group(1)}") if match else None
        if not match or problem:
            raise StudyDataError(f"expected a DOI such as 10.1234/abc, got {quoted(value)}"
                                 + (f": as https://doi.org/..., {problem}" if problem else ""),
                                 s.origin("value"))
        scheme, value = "DOI", match.group(1)
    return Identifier(scheme, value, derived=s.boolean("derived"), note=s.text("note"),
                      origin=s.origin())


def _license(top: _Node) -> License | None:
    given = top.text("license")
    if given is None:
        return None
    where = top.origin("license")
    if given.startswith(("http://", "https://")):
        spdx = spdx_id_of_url(given)
        return License(f"{SPDX_LICENSES}{spdx}" if spdx else given, spdx, where)
    spdx = canonical_spdx_id(given)
    if spdx is None:
        raise StudyDataError(f"{quoted(given)} is neither an SPDX licence identifier (such as "
                             "CC-BY-4.0 or CC0-1.0) nor an http(s) address of a licence", where)
    return License(f"{SPDX_LICENSES}{spdx}", spdx, where)


def _access(s: _Node, language: str | None) -> Access:
    access = Access(rights=s.text("rights") or "", embargo_end=s.day("embargo-end"),
                    conditions=s.local_texts("conditions", language), origin=s.origin())
    if access.rights == "embargoed" and access.embargo_end is None:
        raise StudyDataError("an embargo needs the day it ends: add 'embargo-end' (YYYY-MM-DD)",
                             s.origin("rights"))
    if access.rights != "embargoed" and access.embargo_end is not None:
        raise StudyDataError(f"'embargo-end' is for embargoed data, but 'rights' is "
                             f"{quoted(access.rights)}", s.origin("embargo-end"))
    return access


def _consent(s: _Node) -> Consent:
    attributes = s.get("attributes")
    return Consent(access=s.text("access"), attributes=None if attributes is None else s.texts("attributes"),
                   origin=s.origin())


def _check_consent(consent: Consent | None, access: Access | None, codes: tuple[QuotationCode, ...],
                   tables: tuple[CsvTable, CsvTable | None], dropped: frozenset[str]) -> None:
    """Refuse an access more open than the participants consented to (study.yaml's consent, or
    a code's row), a row's consent more open than study.yaml's (a row may only narrow it), and
    a column of an attribute they did not consent to have published."""
    if consent is not None and consent.access is not None:
        for code in codes:
            if code.consent and ACCESS_OPENNESS[code.consent] > ACCESS_OPENNESS[consent.access]:
                raise StudyDataError(
                    f"consent {quoted(code.consent)} is more open than study.yaml's consent.access "
                    f"({quoted(consent.access)}), which is every participant's; a row may only narrow it",
                    code.origin.with_field("consent") if code.origin else None)
    if access is not None:
        limits = [(consent.access, consent.origin.with_field("access") if consent.origin else None)
                  ] if consent and consent.access else []
        limits += [(code.consent, code.origin.with_field("consent") if code.origin else None)
                   for code in codes if code.consent]
        for allowed, where in limits:
            if ACCESS_OPENNESS[access.rights] > ACCESS_OPENNESS[allowed]:
                raise StudyDataError(
                    f"access is {quoted(access.rights)}, more open than the participants consented to "
                    f"({quoted(allowed)}, {where}); set 'access' to what they consented to",
                    access.origin.with_field("rights") if access.origin else None)
    if consent is None or consent.attributes is None:
        return
    for table in tables:
        for column in ATTRIBUTES:
            if column in consent.attributes or column in dropped or table is None or column not in table.header:
                continue
            row = next((r for r in table.rows if (r.cells.get(column) or "").strip()), None)
            if row is None:
                continue
            raise StudyDataError(
                f"the participants consented to have only {', '.join(consent.attributes) or 'nothing'} "
                f"published of them, and this column gives their {column}; withhold it (study.yaml's "
                f"disclosure.withhold, or --drop-column {column}), or add it to 'consent.attributes' "
                "if they consented",
                row.origin(table.file, column))


def _match_key(attribute: str, value: str) -> str:
    """What a generalisation of ``attribute`` matches a value by: a role's normalised text, a
    code as it is."""
    return normalised_role(value) if attribute == "role" else value


def _generalising(disclosure: Disclosure, rules: tuple[Generalisation, ...]) -> Disclosure:
    """``disclosure`` with ``rules`` in place of its generalisations of the same values."""
    def matched(rule: Generalisation) -> tuple[str, str]:
        return rule.attribute, _match_key(rule.attribute, rule.value)

    asked = {matched(rule) for rule in rules}
    return replace(disclosure, generalise=(*(g for g in disclosure.generalise if matched(g) not in asked), *rules))


def _disclosure(s: _Node) -> Disclosure:
    written = s.doc.data
    for key in (*s.path, "generalise"):  # as written: the schema's view leaves out empty values
        written = written.get(key) if isinstance(written, dict) else None
    entries = []
    for attribute, pairs in (written or {}).items():
        for value, broader in (pairs or {}).items():
            where = s.origin(("generalise", attribute, value))
            if broader is None:
                raise StudyDataError(f"{quoted(str(value))} is generalised to nothing; give the value to "
                                     "publish in its place", where)
            entries.append(Generalisation(attribute, str(value).strip(), str(broader).strip(), where))
    return Disclosure(withhold=s.texts("withhold"), generalise=tuple(entries), origin=s.origin())


def _funding(s: _Node) -> Funding:
    return Funding(funder=_organization(s.node("funder")),  # type: ignore[arg-type]
                   award_number=s.text("award-number"), award_title=s.text("award-title"),
                   award_url=s.text("award-url"), origin=s.origin())


def _data_file(s: _Node) -> DataFile:
    checksum = s.text("checksum")
    algorithm, _, digest = (checksum or "").partition(":")
    return DataFile(name=s.text("name") or "", title=s.text("title"), media_type=s.text("media-type"),
                    size=s.integer("size"), checksum=(algorithm, digest.lower()) if checksum else None,
                    access=s.text("access"), url=s.text("url"), origin=s.origin())


def _related_work(s: _Node) -> RelatedWork:
    return RelatedWork(
        title=s.text("title") or "",
        url=s.text("url"),
        type=s.text("type") or "CreativeWork",
        authors=tuple(_person(a) for a in s.nodes("authors")),
        year=s.integer("year"),
        degree=s.text("degree"),
        institution=_optional(s.node("institution"), _organization),
        origin=s.origin(),
    )


def _legislation(s: _Node) -> Legislation:
    return Legislation(name=s.text("name") or "", url=s.text("url"), origin=s.origin())


def _place(s: _Node) -> Place:
    return Place(name=s.text("name") or "", same_as=s.texts("same-as"), origin=s.origin())


def _phase(s: _Node) -> Phase:
    phase = Phase(
        id=s.text("id") or "",
        name=s.text("name") or "",
        description=s.text("description"),
        code_prefixes=s.texts("code-prefixes"),
        start_date=s.partial_date("start-date"),
        end_date=s.partial_date("end-date"),
        origin=s.origin(),
    )
    if phase.start_date and phase.end_date and not in_order(phase.start_date, phase.end_date):
        raise StudyDataError(f"a fieldwork phase cannot start after it ends: it starts "
                             f"{phase.start_date} and ends {phase.end_date}",
                             s.origin("start-date"))
    return phase


def _case(s: _Node) -> Case:
    return Case(
        id=s.text("id") or "",
        name=s.text("name") or "",
        alternate_names=s.texts("alternate-names"),
        description=s.text("description"),
        code_prefixes=s.texts("code-prefixes"),
        origin=s.origin(),
    )


def _concept(s: _Node) -> Concept:
    concept = Concept(code=s.text("code") or "", label=s.text("label") or "",
                      definition=s.text("definition"), schema_term=s.text("schema"),
                      prefer_not_to_say=s.boolean("prefer-not-to-say"), origin=s.origin())
    if concept.schema_term and concept.prefer_not_to_say:
        raise StudyDataError(f"a code that means schema.org's {concept.schema_term} is not one "
                             "of people who preferred not to say: give one of 'schema' and "
                             "'prefer-not-to-say'", s.origin("prefer-not-to-say"))
    return concept


class _CodeLists:
    """The study's own lists, against which the tables' cells are checked, and the broader
    values the study publishes in place of some of them (its disclosure's generalisations)."""

    def __init__(self, phases, cases, sectors, genders, disclosure: Disclosure):
        self.known = {
            "phase": [p.id for p in phases],
            "case": [c.id for c in cases],
            "sector": [c.code for c in sectors],
            "gender": [c.code for c in genders],
        }
        self.broader: dict[str, dict[str, str]] = {}
        #: The generalisations of roles, by normalised role, until a role of the files matches.
        self.unmatched: dict[str, Generalisation] = {}
        meanings = {c.code: c.schema_term for c in genders}
        for rule in disclosure.generalise:
            key = _match_key(rule.attribute, rule.value)
            if problem := _contact_details(rule.broader) or control_character_problem(rule.broader):
                raise _refusal(rule, problem)
            if rule.attribute != "role":
                for code in (rule.value, rule.broader):
                    if code not in self.known[rule.attribute]:
                        raise _refusal(rule, f"unknown {rule.attribute} {quoted(code)}; expected one of "
                                             f"{', '.join(self.known[rule.attribute]) or 'none'}")
            if (rule.attribute == "gender" and meanings[rule.broader]
                    and meanings[rule.broader] != meanings[rule.value]):
                raise _refusal(rule, f"merging gender {quoted(rule.value)} into {quoted(rule.broader)} would "
                                     f"publish its people as {meanings[rule.broader]}; merge it into a code "
                                     "that does not mean male or female (add one to the gender list, e.g. 'other')")
            earlier = self.unmatched.get(key) if rule.attribute == "role" else None
            if earlier is not None:
                raise _refusal(rule, f"{quoted(rule.value)} and {quoted(earlier.value)} are the same role "
                                     "as svrdf compares roles; generalise it once")
            self.broader.setdefault(rule.attribute, {})[key] = rule.broader
            if rule.attribute == "role":
                self.unmatched[key] = rule
        for rule in disclosure.generalise:
            further = self.published(rule.attribute, rule.broader)
            if further != rule.broader:
                raise _refusal(rule, f"{quoted(rule.broader)} is itself generalised, to {quoted(further or '')}; "
                                     f"generalise {quoted(rule.value)} to that directly")

    def check(self, value: str | None, column: str, origin: Origin) -> str | None:
        """``value`` if it is a code of the study's list for ``column``; published as its
        broader code where the study generalises it."""
        if value is not None and value not in self.known[column]:
            choices = ", ".join(self.known[column]) or f"none: study.yaml declares no {column} codes"
            raise StudyDataError(f"unknown {column} {quoted(value)}; expected one of {choices}", origin)
        return self.published(column, value)

    def published(self, attribute: str, value: str | None) -> str | None:
        """What is published of ``value``: the broader value the study generalises it to, or itself."""
        if value is None or attribute not in self.broader:
            return value
        return self.broader[attribute].get(_match_key(attribute, value), value)

    def published_role(self, role: str | None) -> str | None:
        """What is published of a role a row gives (which matches its generalisation, if any)."""
        if role is not None:
            self.unmatched.pop(_match_key("role", role), None)
        return self.published("role", role)

    def check_every_role_matched(self, withheld: frozenset[str]) -> None:
        """Refuse a generalisation of a role that no row gives: a misspelt role would otherwise
        be published as it is."""
        rule = next(iter(self.unmatched.values()), None)
        if rule is not None and "role" not in withheld:
            raise _refusal(rule, f"no row of participants.csv or people.csv gives the role "
                                 f"{quoted(rule.value)}; check its spelling")


def _refusal(rule: Generalisation, message: str) -> StudyDataError | UsageError:
    """The error of a generalisation: located in study.yaml, or naming the --generalise that asked for it."""
    if rule.origin is not None:
        return StudyDataError(message, rule.origin)
    return UsageError(f"--generalise {quoted(f'{rule.attribute}:{rule.value}={rule.broader}')}: {message}")


def _check_dropped_columns(source: StudySource, dropped: frozenset[str]) -> None:
    """Each column --drop-column names is in participants.csv or people.csv, which it leaves
    unread; an attribute to withhold that neither file gives is simply not published."""
    present = set(source.participants.header) | set(source.people.header if source.people else ())
    participants = TableSchema.named(PARTICIPANTS_SCHEMA)
    participants.check_columns_exist(source.participants, dropped - present - set(WITHHOLDABLE))
    for schema in (participants, TableSchema.named(PEOPLE_SCHEMA)):
        required = sorted(name for name in dropped if name in schema.fields and schema.fields[name].required)
        if required:
            raise UsageError(f"--drop-column {required[0]!r}: a column every row needs cannot be left unread")


def _check_table_columns(table: CsvTable, schema: TableSchema, dropped: frozenset[str]) -> None:
    """The table's header: no column of direct identifiers, every column known."""
    header_origin = Origin(table.file, line=1, row=1)
    for column in table.header:
        if column not in dropped and column.lower() in IDENTIFYING_COLUMNS:
            raise StudyDataError(
                f"column '{column}' looks like it holds direct identifiers of participants "
                f"(names, contact details or birth dates), which svrdf never publishes; delete "
                f"the column, or pass --drop-column {column} to leave it unread",
                header_origin.with_field(column))
    schema.check_header(table, dropped)


def _cells(table: CsvTable, schema: TableSchema, row: CsvRow,
           dropped: frozenset[str]) -> dict[str, Any]:
    """A row's values, typed as the schema declares; every text checked for contact details."""
    values = {}
    cells = row.cells
    for name in schema.fields:
        text = None if name in dropped else (cells.get(name, "").strip() or None)
        if text is not None:
            problem = _contact_details(text) or control_character_problem(text)
            if problem:
                raise StudyDataError(problem, row.origin(table.file, name))
        values[name] = schema.cell(row, table.file, name, text)
    return values


def _quotation_codes(table: CsvTable, dropped: frozenset[str],
                     lists: _CodeLists) -> tuple[QuotationCode, ...]:
    schema = TableSchema.named(PARTICIPANTS_SCHEMA)
    _check_table_columns(table, schema, dropped)
    modes = modes_of_collection()
    codes: dict[str, QuotationCode] = {}
    for row in table.rows:
        cells = _cells(table, schema, row, dropped)

        def at(name: str, row: CsvRow = row) -> Origin:
            return row.origin(table.file, name)

        people = cells["people"] or 1
        # One person's "W;" is their gender W: an empty entry means something only for a group.
        genders = tuple(lists.check(g, "gender", at("gender")) for g in (
            cells["gender"] if people > 1 else (g for g in cells["gender"] if g)))
        if len(genders) > people:
            raise StudyDataError(f"gives {len(genders)} genders for {people} "
                                 f"{'person' if people == 1 else 'people'}; give one for all of "
                                 "them, or at most one per person separated by ';'", at("gender"))
        mode = cells["mode"]
        if mode is not None and mode not in modes:
            guess = difflib.get_close_matches(mode, modes, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else (
                "expected a term of the DDI Mode of Collection vocabulary such as "
                "Interview.FaceToFace, Interview.Telephone or FocusGroup.Online")
            raise StudyDataError(f"unknown mode {quoted(mode)}; {hint}", at("mode"))
        code = QuotationCode(
            code=cells["code"],
            phase=lists.check(cells["phase"], "phase", at("phase")),
            case=lists.check(cells["case"], "case", at("case")),
            sector=lists.check(cells["sector"], "sector", at("sector")),
            role=lists.published_role(cells["role"]),
            genders=genders,
            other_codes=tuple(c for c in cells["other_codes"] if c),
            people=people,
            note=cells["note"],
            event=cells["event"] or ("interview" if people == 1 else "joint-interview"),
            mode=mode,
            date=_period(cells["date"], at("date")) if cells["date"] else None,
            same_event_as=cells["same_event_as"],
            consent=cells["consent"],
            origin=row.origin(table.file),
        )
        if code.same_event_as:
            given = next((c for c in ("event", "mode", "date") if cells[c]), None)
            if given:
                raise StudyDataError(f"the code shares the event of '{code.same_event_as}', "
                                     f"whose row gives its {given}: leave it empty here", at(given))
        elif cells["event"] == "interview" and people > 1:
            raise StudyDataError(f"an interview is of one person, but the code stands for "
                                 f"{people}: write joint-interview or focus-group", at("event"))
        elif cells["event"] in ("joint-interview", "focus-group") and people == 1:
            raise StudyDataError(f"a {cells['event']} is of several people, but the code stands "
                                 "for one: give the number of people in 'people'", at("people"))
        if code.code in codes:
            first = codes[code.code].origin
            raise StudyDataError(f"code '{code.code}' is listed twice (first in row "
                                 f"{first.row if first else '?'})", at("code"))
        codes[code.code] = code
    if not codes:
        raise StudyDataError("no participant rows; expected one row per quotation code",
                             Origin(table.file))
    for code in codes.values():
        _check_shared_event(code, codes)
        where = code.origin.with_field("other_codes") if code.origin else None
        for other in code.other_codes:
            if other not in codes:
                raise StudyDataError(f"names the code '{other}', which has no row of its own", where)
            if other == code.code:
                raise StudyDataError("a code cannot name itself as another code of its person", where)
            if code.is_joint or codes[other].is_joint:
                raise StudyDataError(
                    "a code of several people cannot share a person through other_codes: list "
                    "the person in people.csv, with their own code and the group's", where)
    return tuple(codes.values())


def _check_shared_event(code: QuotationCode, codes: dict[str, QuotationCode]) -> None:
    if not code.same_event_as:
        return
    where = code.origin.with_field("same_event_as") if code.origin else None
    other = codes.get(code.same_event_as)
    if other is None:
        raise StudyDataError(f"names the code '{code.same_event_as}', which has no row of its own",
                             where)
    if other is code:
        raise StudyDataError("a code cannot share the event of itself", where)
    if other.same_event_as:
        raise StudyDataError(f"'{other.code}' shares the event of '{other.same_event_as}': name "
                             f"'{other.same_event_as}' here, the code whose row gives the event",
                             where)


def _listed_people(table: CsvTable, dropped: frozenset[str], lists: _CodeLists) -> tuple[ListedPerson, ...]:
    schema = TableSchema.named(PEOPLE_SCHEMA)
    _check_table_columns(table, schema, dropped)
    people: dict[str, ListedPerson] = {}
    for row in table.rows:
        cells = _cells(table, schema, row, dropped)
        person = ListedPerson(
            id=cells["person"],
            codes=tuple(dict.fromkeys(c for c in cells["codes"] if c)),
            gender=lists.check(cells["gender"], "gender", row.origin(table.file, "gender")),
            sector=lists.check(cells["sector"], "sector", row.origin(table.file, "sector")),
            role=lists.published_role(cells["role"]),
            origin=row.origin(table.file),
        )
        if not person.codes:
            raise StudyDataError("expected at least one quotation code", row.origin(table.file, "codes"))
        if person.id in people:
            first = people[person.id].origin
            raise StudyDataError(f"person '{person.id}' is listed twice (first in row "
                                 f"{first.row if first else '?'})", row.origin(table.file, "person"))
        people[person.id] = person
    return tuple(people.values())


class _Grouping:
    """Who the people are. Codes that name each other (other_codes) are one person; a person
    of people.csv is one person with all their codes; a code of N people stands for N people,
    of whom those listed in people.csv under it are some, and the rest are known only as
    members of it (``CODE/1``, ``CODE/2``...)."""

    def __init__(self, codes: tuple[QuotationCode, ...], people: tuple[ListedPerson, ...],
                 phases: tuple[Phase, ...]):
        self.codes = {c.code: c for c in codes}
        self.people = people
        self.person = {p.id: p for p in people}
        self.phase_rank = {p.id: i for i, p in enumerate(phases)}
        self.parent: dict[str, str] = {}

    # Union-find over one-person codes and listed people ("#id"), which cannot clash with a
    # code: a code never starts with '#'.
    def _root(self, node: str) -> str:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def _join(self, a: str, b: str) -> None:
        self.parent[self._root(a)] = self._root(b)

    def participants(self) -> tuple[Participant, ...]:
        members: dict[str, list[ListedPerson]] = {}
        claimed: dict[str, ListedPerson] = {}
        for code in self.codes.values():
            if not code.is_joint:
                self._root(code.code)
                for other in code.other_codes:
                    self._join(code.code, other)
        for person in self.people:
            self._root(f"#{person.id}")
            for code_name in person.codes:
                named = self.codes.get(code_name)
                where = person.origin.with_field("codes") if person.origin else None
                if named is None:
                    raise StudyDataError(f"names the code '{code_name}', which has no row in "
                                         "participants.csv", where)
                if named.is_joint:
                    members.setdefault(named.code, []).append(person)
                    if len(members[named.code]) > named.people:
                        raise StudyDataError(
                            f"'{named.code}' stands for {named.people} people, but people.csv "
                            f"lists {len(members[named.code])} under it", where)
                    continue
                if code_name in claimed:
                    raise StudyDataError(f"the code '{code_name}' is listed for two people, "
                                         f"'{claimed[code_name].id}' and '{person.id}'", where)
                claimed[code_name] = person
                self._join(code_name, f"#{person.id}")
        components: dict[str, list[str]] = {}
        for node in self.parent:
            components.setdefault(self._root(node), []).append(node)
        built: dict[str, _Person] = {}
        owner: dict[str, str] = {}
        for root, nodes in components.items():
            listed = [n[1:] for n in nodes if n.startswith("#")]
            if len(listed) > 1:
                raise StudyDataError(
                    f"people.csv lists '{listed[0]}' and '{listed[1]}' as two people, but "
                    "other_codes in participants.csv ties their codes together",
                    self.person[listed[1]].origin)
            own = sorted((n for n in nodes if not n.startswith("#")), key=self._primary_rank)
            listed_person = self.person[listed[0]] if listed else None
            key = listed_person.id if listed_person else own[0]
            if key in built:
                raise StudyDataError(f"person '{key}' of people.csv has the name of another "
                                     "person's code; give the person another identifier",
                                     listed_person.origin if listed_person
                                     else built[key].listed.origin)  # type: ignore[union-attr]
            built[key] = _Person(key, [self.codes[c] for c in own], listed_person)
            owner[root] = key
        for person in self.people:
            for code_name in person.codes:
                if self.codes[code_name].is_joint:
                    built[person.id].groups.append(self.codes[code_name])
        # Every group first, so that what a group says of its listed members reaches them
        # whatever the order of rows: first the groups whose one gender is everyone's, then
        # those that give one gender per person.
        groups = [code for code in self.codes.values() if code.is_joint]
        for code in groups:
            everyones = code.genders[0] if len(code.genders) == 1 else None
            if everyones:
                for person in members.get(code.code, []):
                    built[person.id].add_group_gender(everyones, code.origin)
        anonymous = {code.code: list(self._group(code, members.get(code.code, []), built))
                     for code in groups}
        result: list[Participant] = []
        done: set[str] = set()
        for code in self.codes.values():
            if code.is_joint:
                result.extend(anonymous[code.code])
                continue
            key = owner[self._root(code.code)]
            if key not in done:
                done.add(key)
                result.append(built[key].participant())
        for person in self.people:  # listed people with only group codes, in file order
            if person.id not in done and not built[person.id].own:
                done.add(person.id)
                result.append(built[person.id].participant())
        return tuple(result)

    def _primary_rank(self, code_name: str) -> tuple[int, str]:
        # A person is named after the code from their earliest phase, so the IRI does not
        # depend on the order of rows in the file.
        phase = self.codes[code_name].phase
        last = len(self.phase_rank)
        return (self.phase_rank.get(phase, last) if phase else last, code_name)

    def _group(self, code: QuotationCode, listed: list[ListedPerson],
               built: dict[str, _Person]) -> Iterator[Participant]:
        """The anonymous members of a group's code, each with the gender left to them once
        the listed members have taken theirs; the listed members are made with their own.
        Groups whose one gender is everyone's have given it to their listed members first."""
        where = code.origin
        shared = len(code.genders) == 1 and code.people > 1
        slots: list[str | None] = list(code.genders) + [None] * (code.people - len(code.genders))
        for person in listed:
            member = built[person.id]
            known = member.known_genders()
            if shared:
                continue
            if known and known[0] in slots:
                slots.remove(known[0])
            elif None in slots:
                slots.remove(None)
            elif not known and len(set(slots)) == 1 and (left := slots[0]) is not None:
                # Every gender left is the same one: it is this person's too.
                slots.pop()
                member.add_group_gender(left, where)
            else:
                row = code.origin.row if code.origin else "?"
                what = f"gender {known[0]} is not among them" if known else (
                    "gender is one of them: give it in people.csv")
                raise StudyDataError(
                    f"'{code.code}' (participants.csv, row {row}) gives a gender for each of its "
                    f"{code.people} people, and {person.id}'s {what}",
                    person.origin.with_field("gender") if person.origin else None)
        for index, gender in enumerate(slots[:code.people - len(listed)], start=1):
            genders = code.genders[0] if shared else gender
            facts = _row_facts(code) + ([("gender", genders, where)] if genders else [])
            yield Participant(key=f"{code.code}/{index}", codes=(code.code,), facts=tuple(facts),
                              code_origins=(code.origin,), origin=code.origin)


class _Person:
    """A person being put together: their own codes, the groups they were in, their
    people.csv row."""

    def __init__(self, key: str, own: list[QuotationCode], listed: ListedPerson | None):
        self.key, self.own, self.listed = key, own, listed
        self.groups: list[QuotationCode] = []
        self.group_genders: list[tuple[str, Origin | None]] = []
        # The distinct genders the records give, kept up to date as groups add theirs: each of
        # a person's groups asks for them, and recounting every code and group each time made
        # a person of thousands of groups cost time quadratic in their number.
        self.genders = dict.fromkeys(g for code in own for g in code.genders if g)
        if listed and listed.gender:
            self.genders.setdefault(listed.gender)

    def add_group_gender(self, gender: str, where: Origin | None) -> None:
        self.group_genders.append((gender, where))
        self.genders.setdefault(gender)

    def known_genders(self) -> list[str]:
        return list(self.genders)

    def participant(self) -> Participant:
        facts: list[Fact] = []
        for code in self.own:
            facts.extend(_row_facts(code))
            facts.extend(("gender", g, code.origin) for g in code.genders if g)
        for code in self.groups:
            facts.extend(_row_facts(code))
        facts.extend(("gender", g, where) for g, where in self.group_genders)
        listed = self.listed
        if listed:
            for attribute, value in (("gender", listed.gender), ("sector", listed.sector),
                                     ("role", listed.role)):
                if value:
                    facts.append((attribute, value, listed.origin))
        codes = [c.code for c in self.own] + [c.code for c in self.groups]
        origins = [c.origin for c in self.own] + [
            listed.origin.with_field("codes") if listed and listed.origin else c.origin
            for c in self.groups]
        origin = self.own[0].origin if self.own else (listed.origin if listed else None)
        return Participant(key=self.key, codes=tuple(codes), facts=tuple(facts),
                           code_origins=tuple(origins), origin=origin)


def _row_facts(code: QuotationCode) -> list[Fact]:
    """What a code's row says of each of its people, other than gender."""
    return [(attribute, value, code.origin)
            for attribute, value in (("phase", code.phase), ("case", code.case),
                                     ("sector", code.sector), ("role", code.role)) if value]


_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}")

#: The countries whose national way of writing phone numbers is looked for (0171 1234567,
#: (020) 7946 0958); a number written the international way (+45 32 12 34 56, 0045 ...) is
#: found whatever its country. These are the larger research countries of Europe, the United
#: States and Australia, whose plans keep numbers apart from counts and references: a national
#: number starts with the trunk prefix 0, or has 9 or 10 digits (Spain, Poland, the United
#: States), a length at which a bare run of digits in a roster is more likely a number than
#: not. Left out are plans in which most shorter runs are numbers: any 8 digits in Denmark and
#: Norway (two in three 8-digit runs are valid Danish numbers), almost any length in Luxembourg.
#: The study's languages are not used: they say what the interviews were in, not where the
#: numbers are from (English alone would be a dozen plans).
_PHONE_REGIONS = ("GB", "IE", "US", "AU", "FR", "DE", "AT", "CH", "BE", "NL", "SE", "FI", "IT",
                  "ES", "PT", "PL", "CZ", "GR")
#: The fewest digits of a number looked for: a national number of seven (0 and six) or more.
#: A few rural lines in Germany, Austria, Italy and Finland have fewer, but so have most counts,
#: years and references, which would all have to be parsed.
_FEWEST_PHONE_DIGITS = 7
#: Digits with nothing but spaces and punctuation between them: where a phone number can be.
_DIGIT_RUN = re.compile(r"\d(?:[\W_]*\d)*")
#: Identifiers whose digits a phone plan could take for a number (an ISSN is a valid Austrian
#: one, an ISBN-10 a French one): taken out of a text before phone numbers are looked for.
#: ISBN-13s and ORCID iDs need not be: no plan has numbers of their length and shape.
_NUMBERED_IDENTIFIERS = re.compile(
    r"https?://\S+"  # web addresses, doi.org ones among them
    r"|\b10\.\d{4,9}/\S+"  # DOIs
    r"|\bISSN:?\s*\d{4}-?\d{3}[\dX]\b"  # ISSNs, named as such
    r"|\bISBN(?:-10)?:?\s*(?:\d[ -]?){9}[\dX]\b",  # ISBN-10s, named as such
    re.IGNORECASE)
_YEAR, _MONTH, _DAY = r"(?:1[89]|20)\d\d", r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"
_UNTIL = r"\s*(?:[-–/]|to)\s*"


def _date_pattern(name: str) -> str:
    """A day or month, year first or last (2019-03-12, 2019-03, 12.03.2019, 3/12/2019), with
    one kind of separator; ``name`` tells its groups from another date's in one pattern."""
    return (rf"(?:{_YEAR}(?P<{name}ym>[-./]){_MONTH}(?:(?P={name}ym){_DAY})?"
            rf"|{_DAY}(?P<{name}dm>[-./]){_MONTH}(?P={name}dm){_YEAR})")


#: Dates and intervals of dates or years (2019/2020-03, 01.03.2021-05.03.2021, 2019–2021):
#: as many digits and separators as a phone number, and at times a valid one (2019/2020-03
#: reads as a number of New Jersey), so taken out first. A year alone is left: 2011 may end a
#: number.
_DATES = re.compile(rf"(?<![\d+])(?:{_date_pattern('a')}"
                    rf"(?:{_UNTIL}(?:{_date_pattern('b')}|{_YEAR}))?"
                    rf"|{_YEAR}{_UNTIL}(?:{_date_pattern('c')}|{_YEAR}))(?!\d)")


#: study.yaml's keys about who made, funded and publishes the dataset, how to get it, and what
#: it identifies or cites. Their texts are the researchers' and organisations' own, published
#: by them (an access condition's "apply to data@archive.example"), or identifiers and award
#: numbers. Every other text describes the fieldwork and its people (a case, a phase, a code
#: list, the abstract), and may no more hold contact details than a cell of the tables.
_PUBLISHING_KEYS = frozenset({
    "creators", "contributors", "mentioned-people", "publisher", "catalog",
    "source-organization", "funding", "access", "identifiers", "related-works", "legislation",
})


def _refuse_contact_details(top: _Node) -> None:
    """Refuse an e-mail address or phone number in study.yaml's texts about the fieldwork."""
    for key, value in top.value.items():
        if key in _PUBLISHING_KEYS:
            continue
        for path, text in _texts(value, (key,)):
            if path[0] == "files" and path[-1] == "size":
                continue  # a number of bytes, not a text: any ten digits may be a phone number
            problem = _contact_details(text)
            if problem:
                raise StudyDataError(problem, top.origin(path))


def _texts(value: Any, path: YamlPath) -> Iterator[tuple[YamlPath, str]]:
    """The texts in a value of study.yaml, each with its place."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, str(value)  # a number where text is meant is read, and published, as text
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, path + (index,))


def _contact_details(value: str) -> str | None:
    """What is wrong with a value that holds an e-mail address or a phone number, which has
    no place in a pseudonymous roster, whatever column it is in."""
    email = _EMAIL.search(value) if "@" in value else None
    if email:
        return (f"the value holds an e-mail address, {quoted(email.group())}; participants' "
                "contact details are never published, so remove it")
    number = _phone_number_in(value)
    if number:
        return (f"the value holds a phone number, {quoted(number)}; participants' contact "
                "details are never published, so remove it")
    return None


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _phone_number_in(text: str) -> str | None:
    """The first phone number in ``text``, as written there, by libphonenumber's rules of what
    a valid number of each plan is."""
    if _digits(text) < _FEWEST_PHONE_DIGITS:
        return None
    text = _DATES.sub(" ", _NUMBERED_IDENTIFIERS.sub(" ", text))
    runs = [run for run in _DIGIT_RUN.finditer(text)
            if _digits(run.group()) >= _FEWEST_PHONE_DIGITS]
    if not runs:
        return None
    # Imported only here, for the few values that may hold a number: it and its numbering plans
    # take a while to load, which `svrdf --help` and most studies need not pay.
    from phonenumbers import Leniency, PhoneNumberMatcher

    for run in runs:
        # The run with the characters around it, by which libphonenumber tells a number
        # ("+44 ...", "(020) ...") from part of a word (ID01711234567) or a time (... 10:30).
        around = text[max(run.start() - 3, 0):run.end() + 3]
        for region in _PHONE_REGIONS:
            for match in PhoneNumberMatcher(around, region, leniency=Leniency.VALID):
                # Some plans have numbers of five digits, which a run of any digits holds.
                if _digits(match.raw_string) >= _FEWEST_PHONE_DIGITS:
                    return match.raw_string
    return None
