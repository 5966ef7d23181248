"""The data list of a qualitative collection, as the UK Data Service asks for one: a row per
interview or focus group (its codes, phase, case, date, mode, how many people took part, and
their sectors, roles and genders), in ``datalist.csv``, described for CSV on the Web by
``datalist.csv-metadata.json``. The columns are declared once, in
``schemas/datalist.csv-metadata.json``, whose copy in the bundle names the study.

A data list says more of each person than a count does, so its description says it may be
disclosive; it publishes nothing the other forms do not.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Collection, Iterator
from functools import cache
from typing import Any, BinaryIO

from rdflib import Graph

from svrdf.forms.files import spreadsheet_text
from svrdf.forms.registry import register
from svrdf.rdf.mapping import Triple
from svrdf.resources import schema_file
from svrdf.study.model import QuotationCode, Study
from svrdf.study.vocabularies import modes_of_collection

DATALIST_FILE = "datalist.csv"
METADATA_FILE = "datalist.csv-metadata.json"
KINDS = {"interview": "interview", "joint-interview": "joint interview", "focus-group": "focus group"}


@cache
def _template() -> str:
    return schema_file(METADATA_FILE).read_text("utf-8")


def columns() -> list[str]:
    return [column["name"] for column in json.loads(_template())["tableSchema"]["columns"]]


def rows(study: Study) -> Iterator[dict[str, Any]]:
    """The data list's rows: one per data collection event, in the order of the codes."""
    labelled_by: dict[str, list[QuotationCode]] = {}
    for code in study.codes:
        labelled_by.setdefault(code.event_code, []).append(code)
    phases = {p.id: p.name for p in study.phases}
    cases = {c.id: c.name for c in study.cases}
    sectors = {s.code: s.label for s in study.sectors}
    genders = {g.code: g.label for g in study.genders}
    modes = modes_of_collection()
    no_gender = "withheld" if "gender" in study.withheld else "not recorded"
    people_of: dict[str, list] = {}
    for participant in study.participants:
        for name in participant.codes:
            people_of.setdefault(name, []).append(participant)
    for event in (code for code in study.codes if not code.same_event_as):
        codes = labelled_by[event.code]
        people = list({id(p): p for code in codes for p in people_of.get(code.code, [])}.values())
        counted = Counter(genders.get(g, g) for p in people for g in (p.genders or (no_gender,))[:1])
        yield {
            "code": ";".join(code.code for code in codes),
            "kind": KINDS[event.event],
            "phase": phases.get(event.phase or "", ""),
            "case": ";".join(dict.fromkeys(cases[c] for p in people for c in p.cases)),
            "date": str(event.date) if event.date else "",
            "mode": modes[event.mode].label if event.mode else "",
            "people": event.people,
            "sector": ";".join(dict.fromkeys(sectors.get(s, s) for p in people for s in p.sectors)),
            "role": ";".join(dict.fromkeys(r for p in people for r in p.roles)),
            "gender": ";".join(f"{label}: {n}" for label, n in counted.items()),
        }


@register("datalist", DATALIST_FILE, "text/csv", "the data list: a row per interview or focus group")
def write_datalist(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(), lineterminator="\n")
    writer.writeheader()
    for row in rows(study):
        writer.writerow({k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row.items()})
    out.write(buffer.getvalue().encode("utf-8"))


@register("datalist-metadata", METADATA_FILE, "application/csvm+json",
          "the data list's description for CSV on the Web (columns, types, a disclosure note)")
def write_datalist_metadata(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    metadata = json.loads(_template())
    metadata["dc:title"] = f"Data list of {study.title}"
    out.write((json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
