"""Shared fixtures. Tests mirror the pipeline's stages and run the real libraries throughout."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from svrdf.builder import load_study
from svrdf.mapping import build_graph
from svrdf.resources import bundled_study_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO_ROOT.parent / "shared"
PREFIXES = """
PREFIX schema: <http://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX svrdf: <https://w3id.org/svrdf/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def require_shared(relative: str) -> Path:
    """A file from ../shared/ (the seed, the standards). Missing on a developer's machine: skip
    and say what is missing. Missing in CI: fail, because a conformance check must not skip."""
    path = SHARED / relative
    if not path.exists():
        message = (f"needs {path} (the team's shared/ folder beside the checkout, "
                   f"with {relative})")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return bundled_study_dir()


@pytest.fixture(scope="session")
def bundled_study(bundled_dir):
    return load_study(bundled_dir)


@pytest.fixture(scope="session")
def bundled_graph(bundled_study) -> Graph:
    return build_graph(bundled_study)


@pytest.fixture
def study_copy(tmp_path, bundled_dir) -> Path:
    """An editable copy of the bundled study in a temporary folder."""
    target = tmp_path / "study"
    shutil.copytree(bundled_dir, target)
    return target


@pytest.fixture
def minimal_study() -> Path:
    return FIXTURES / "studies" / "minimal"


def query(graph: Graph, sparql: str) -> list[tuple]:
    return [tuple(None if v is None else v.toPython() for v in row)
            for row in graph.query(PREFIXES + sparql)]


_NETWORK_EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                   "urllib.Request", "http.client.connect"}
_network_attempts: list[tuple] | None = None


def _audit(event: str, args: tuple) -> None:
    if _network_attempts is not None and event in _NETWORK_EVENTS:
        _network_attempts.append((event, args))
        raise ConnectionRefusedError(f"test forbids network access ({event} {args!r})")


sys.addaudithook(_audit)  # audit hooks cannot be removed; the fixture arms and disarms it


@pytest.fixture
def no_network():
    """Every attempt to open a network connection fails, and fails the test, even if the
    library that made it swallowed the error."""
    global _network_attempts
    _network_attempts = []
    try:
        yield
        assert _network_attempts == [], f"svrdf tried to reach the network: {_network_attempts}"
    finally:
        _network_attempts = None


@dataclass(frozen=True)
class RosterPerson:
    codes: frozenset[str]
    phases: frozenset[str]
    cases: frozenset[str]
    gender: str | None


def roster(study_dir: Path) -> list[RosterPerson]:
    """The people of a study, worked out from participants.csv alone (not through svrdf), as
    the oracle that the graph's SPARQL answers are compared with."""
    with open(study_dir / "participants.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    split = lambda cell: [v.strip() for v in (cell or "").split(";") if v.strip()]
    group = {row["code"]: {row["code"]} for row in rows}
    for row in rows:
        for other in split(row["other_codes"]):
            merged = group[row["code"]] | group[other]
            for code in merged:
                group[code] = merged
    by_code = {row["code"]: row for row in rows}
    people, seen = [], set()
    for row in rows:
        codes = frozenset(group[row["code"]])
        if codes in seen:
            continue
        seen.add(codes)
        members = [by_code[c] for c in codes]
        phases = frozenset(m["phase"] for m in members if m["phase"])
        cases = frozenset(m["case"] for m in members if m["case"])
        count = int(row["people"] or 1)
        genders = split(row["gender"])
        for index in range(count):
            gender = genders[index] if len(genders) == count else (genders[0] if genders else None)
            if count == 1:
                gender = next((g for m in members for g in split(m["gender"])), None)
            people.append(RosterPerson(codes, phases, cases, gender))
    return people
