"""Property-based tests over generated studies: every accepted study exports to Turtle, JSON-LD
and N-Triples that parse back to the same graph and conform; every rejected study fails with
one of svrdf's own errors, naming a file."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from svrdf.errors import InvalidGraphError, SvrdfError
from svrdf.formats import FORMATS
from svrdf.pipeline import export_study
from svrdf.validation import validate

PARSERS = {"turtle": "turtle", "nt": "nt", "json-ld": "json-ld"}
COLUMNS = ["code", "phase", "case", "sector", "role", "gender", "other_codes", "people", "note"]

ids = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}", fullmatch=True)
codes = st.from_regex(r"[A-Z]{1,3}[0-9]{1,3}", fullmatch=True)
# Any text a person might type, surrogates excluded (they cannot be written as UTF-8).
free_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
plain_text = st.text(st.characters(whitelist_categories=("L", "N", "Zs", "P")), min_size=1,
                     max_size=40).filter(lambda t: t.strip() and "@" not in t
                                         and sum(c.isdigit() for c in t) < 9)


@st.composite
def studies(draw, text=plain_text):
    phases = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    cases = draw(st.lists(ids, max_size=3, unique=True))
    sectors = draw(st.lists(ids, max_size=2, unique=True))
    row_codes = draw(st.lists(codes, min_size=1, max_size=8, unique=True))
    rows = []
    for code in row_codes:
        people = draw(st.sampled_from([1, 1, 1, 2]))
        rows.append({
            "code": code,
            "phase": draw(st.sampled_from(phases)),
            "case": draw(st.sampled_from(["", *cases])),
            "sector": draw(st.sampled_from(["", *sectors])),
            "role": draw(st.one_of(st.just(""), text)),
            "gender": ";".join(draw(st.sampled_from(["M", "F"])) for _ in range(people)),
            "other_codes": "",
            "people": str(people),
            "note": draw(st.one_of(st.just(""), text)),
        })
    singles = [r for r in rows if r["people"] == "1"]
    if len(singles) >= 2 and draw(st.booleans()):
        first, second = singles[0], singles[1]
        first["other_codes"], second["other_codes"] = second["code"], first["code"]
        second["gender"], second["case"], second["sector"] = first["gender"], first["case"], first["sector"]
    study = {
        "base-iri": draw(st.sampled_from(["https://example.org/s/", "http://example.com/x#"])),
        "title": draw(text),
        "description": draw(text),
        "creators": [{"given-names": draw(text), "family-names": draw(text)}],
        "phases": [{"id": p, "name": draw(text)} for p in phases],
        "cases": [{"id": c, "name": draw(text)} for c in cases],
        "sectors": [{"code": s, "label": draw(text)} for s in sectors],
        "gender": [{"code": "M", "label": "male", "schema": "Male"},
                   {"code": "F", "label": "female", "schema": "Female"}],
    }
    return study, rows


def write(directory: Path, study: dict, rows: list[dict]) -> None:
    (directory / "study.yaml").write_text(yaml.safe_dump(study, allow_unicode=True), "utf-8")
    with open(directory / "participants.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def check_export(directory: Path) -> None:
    result = export_study(directory)
    graphs = [Graph().parse(data=result.serialize(FORMATS[name]), format=PARSERS[name])
              for name in PARSERS]
    for graph in graphs:
        assert isomorphic(graph, result.graph)
    assert validate(graphs[0]).conforms


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(studies())
def test_every_well_formed_study_exports_conforming_isomorphic_forms(generated):
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), *generated)
        check_export(Path(folder))


@SETTINGS
@given(studies(text=free_text), st.data())
def test_any_study_either_exports_cleanly_or_fails_with_an_svrdf_error(generated, data):
    study, rows = generated
    # Make some of the structure hostile too: any text where a code or reference goes.
    row = data.draw(st.sampled_from(rows))
    column = data.draw(st.sampled_from(["code", "phase", "case", "gender", "people", "other_codes"]))
    row[column] = data.draw(free_text)
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), study, rows)
        try:
            check_export(Path(folder))
        except InvalidGraphError as error:
            # Every violation is traced back to the input that caused it.
            assert error.report.violations
            assert all(r.sources for r in error.report.violations), error.report.to_text()
        except SvrdfError as error:
            assert error.origin is not None and error.origin.file and str(error)

