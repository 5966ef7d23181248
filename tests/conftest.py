"""Shared fixtures. Tests mirror the pipeline's stages and run the real libraries throughout."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
import yaml
from rdflib import Graph

from svrdf.rdf.mapping import build_graph
from svrdf.resources import bundled_study_dir
from svrdf.study.builder import load_study

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


#: The bad-input corpus: each case's edits to the minimal study, command and expected failure.
BAD_INPUT_CASES = yaml.safe_load((Path(__file__).resolve().parent / "bad-inputs" / "cases.yaml")
                                 .read_text("utf-8"))


def apply_edit(study: Path, edit: dict) -> None:
    """Make one edit of a bad-input case (tests/bad-inputs/cases.yaml) to a study folder."""
    if "remove" in edit:
        (study / edit["remove"]).unlink()
    elif "mkdir" in edit:
        (study / edit["mkdir"]).mkdir()
    elif "symlink" in edit:  # a link named `symlink` in the study, to the path `to`
        (study / edit["symlink"]).symlink_to(edit["to"].replace("{study}", str(study)))
    elif "hardlink" in edit:
        (study / edit["hardlink"]).hardlink_to(study / edit["to"])
    elif "fifo" in edit:
        os.mkfifo(study / edit["fifo"])
    elif "content" in edit:
        (study / edit["file"]).write_text(edit["content"], encoding="utf-8")
    else:
        path = study / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, f"the case's edit does not apply: {edit['old']!r}"
        path.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")


#: Each syntax a written form is read back in, by rdflib's name and by Oxigraph's.
READ_BACK_SYNTAXES = {"turtle": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
                      "json-ld": pyoxigraph.RdfFormat.JSON_LD, "trig": pyoxigraph.RdfFormat.TRIG,
                      "nquads": pyoxigraph.RdfFormat.N_QUADS}


def assert_reads_back(data: bytes, syntax: str, expected) -> None:
    """``data`` read by rdflib and by Oxigraph, each on its own, is the graph of ``expected``
    (triples, or an rdflib graph), named graphs merged, "x"^^xsd:string taken as "x" (one term
    in RDF 1.1, two in rdflib)."""
    from rdflib import Dataset
    from rdflib.compare import isomorphic

    from svrdf.rdf.oxigraph_terms import from_oxigraph

    if syntax in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=data, format=syntax)
        by_rdflib = [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]
    else:
        by_rdflib = list(Graph().parse(data=data, format=syntax))
    by_oxigraph = [(from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
                   for q in pyoxigraph.parse(data, format=READ_BACK_SYNTAXES[syntax])]
    wanted = _rdf11(expected)
    assert isomorphic(_rdf11(by_rdflib), wanted), f"rdflib reads another graph from the {syntax}"
    assert isomorphic(_rdf11(by_oxigraph), wanted), f"Oxigraph reads another graph from the {syntax}"


def _rdf11(triples) -> Graph:
    from rdflib import Literal
    from rdflib.namespace import XSD

    graph = Graph()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        graph.add((s, p, o))
    return graph


#: The bad graphs: the bundled study's graph, each broken by a SPARQL update of its own.
BAD_GRAPHS = sorted(path.stem for path in (FIXTURES / "bad-graphs").glob("*.ru"))


def bad_graph(bundled_graph: Graph, name: str) -> Graph:
    """The bundled study's graph broken by ``tests/fixtures/bad-graphs/<name>.ru``."""
    graph = Graph()
    for prefix, namespace in bundled_graph.namespaces():
        graph.bind(prefix, namespace)
    graph += bundled_graph
    graph.update((FIXTURES / "bad-graphs" / f"{name}.ru").read_text(encoding="utf-8"))
    return graph


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


#: The environment pycanon lives in, which .ci/run makes: pycanon pins numpy and
#: typing_extensions exactly, below what svrdf's server (starlette's anyio) needs, so it cannot
#: be installed beside svrdf; the tests ask it for its k-anonymity measure through a pipe.
PYCANON_ENV = REPO_ROOT / ".venv-pycanon"
PYCANON_SETUP = "python3 -m venv .venv-pycanon && .venv-pycanon/bin/pip install pycanon==1.3.6"


def pycanon_k_anonymity(tables: list[list[dict[str, str]]]) -> list[int]:
    """pycanon's k for each table (rows of quasi-identifier values, every column one)."""
    import json
    import subprocess

    python = PYCANON_ENV / "bin" / "python"
    if not python.exists():
        message = f"needs pycanon in {PYCANON_ENV} (make it with: {PYCANON_SETUP})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    program = ("import json, sys\nimport pandas\nfrom pycanon import anonymity\n"
               "tables = json.load(sys.stdin)\n"
               "print(json.dumps([int(anonymity.k_anonymity(pandas.DataFrame(t), list(t[0]))) for t in tables]))")
    done = subprocess.run([str(python), "-c", program], input=json.dumps(tables), capture_output=True,
                          text=True, check=True, timeout=300)
    return json.loads(done.stdout)


@pytest.fixture(scope="session", params=["4.7", "4.6"])
def datacite_schema(request):
    """The DataCite Metadata Schema's own XSD: 4.7, which svrdf writes, and 4.6, which
    repositories not yet on 4.7 still check against."""
    import xmlschema

    return xmlschema.XMLSchema(require_shared(f"standards/datacite-{request.param}/metadata.xsd"))


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
    """One person of a study as the oracle sees them. ``gender`` is the study's gender code, or
    None where no source records one; ``key`` is the person's identifier in the graph's IRIs
    (their people.csv id, their earliest code, or ``CODE/N`` for a group's unnamed member)."""
    codes: frozenset[str]
    phases: frozenset[str]
    cases: frozenset[str]
    gender: str | None
    sectors: frozenset[str] = frozenset()
    key: str = ""
    #: the person's people.csv id, if they are listed there
    listed: str | None = None


class RosterError(ValueError):
    """The study's files contradict themselves (the oracle's own check, not svrdf's)."""


def _cells(cell: str | None) -> list[str | None]:
    """A ;-separated cell's entries, in order, an empty entry as None; an empty cell has none."""
    text = (cell or "").strip()
    return [] if not text else [part.strip() or None for part in text.split(";")]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
                for row in csv.DictReader(handle)]


def study_genders(study_dir: Path) -> dict[str, dict]:
    """The study's gender codes from study.yaml: code -> its entry (label, schema, ...)."""
    study = yaml.safe_load((Path(study_dir) / "study.yaml").read_text("utf-8"))
    return {str(g["code"]): g for g in study.get("gender") or ()}


def roster(study_dir: Path) -> list[RosterPerson]:
    """The people of a study, worked out from its files alone (study.yaml, participants.csv,
    people.csv), never through svrdf, as the oracle that the graph's SPARQL answers are
    compared with. The rules are the study format's (schemas/*.json):

    - a row is a quotation code of ``people`` people (default 1);
    - one-person codes that name each other in ``other_codes`` are one person;
    - a person of people.csv is one person with all their codes; under a group's code
      (people > 1) they are one of its people, and the group's others are unnamed;
    - a group's gender cell with one value gives it to all its people; otherwise its entries
      are a multiset of up to ``people`` values (missing or empty = not recorded): a listed
      member takes the entry equal to their own gender (from their own rows, people.csv or a
      group's one gender for all), else an empty one, and the unnamed members take what is
      left, in order.
    """

    study_dir = Path(study_dir)
    study = yaml.safe_load((study_dir / "study.yaml").read_text("utf-8"))
    phase_rank = {str(p["id"]): i for i, p in enumerate(study.get("phases") or ())}
    rows = {row["code"]: row for row in _read_csv(study_dir / "participants.csv")}
    size = {code: int(row.get("people") or 1) for code, row in rows.items()}
    is_group = {code: n > 1 for code, n in size.items()}
    people_file = study_dir / "people.csv"
    listed = _read_csv(people_file) if people_file.exists() else []

    # Union-find over one-person codes and listed people ("#id").
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            node = parent[node]
        return node

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for code, row in rows.items():
        if not is_group[code]:
            find(code)
            for other in _cells(row.get("other_codes")):
                if other:
                    if is_group.get(other, True):
                        raise RosterError(f"{code} names {other}, not a one-person code")
                    union(code, other)
    members: dict[str, list[dict]] = {code: [] for code in rows if is_group[code]}
    by_id = {}
    for person in listed:
        by_id[person["person"]] = person
        find("#" + person["person"])
        for code in dict.fromkeys(c for c in _cells(person.get("codes")) if c):
            if code not in rows:
                raise RosterError(f"{person['person']} names the unknown code {code}")
            if is_group[code]:
                members[code].append(person)
            else:
                union(code, "#" + person["person"])
    components: dict[str, list[str]] = {}
    for node in list(parent):
        components.setdefault(find(node), []).append(node)

    def value(code: str, column: str) -> set[str]:
        cell = rows[code].get(column)
        return {cell} if cell else set()

    people: list[RosterPerson] = []
    own_gender: dict[str, set[str]] = {}  # listed id -> genders from own rows and people.csv
    pending: dict[str, dict] = {}
    for nodes in components.values():
        ids = [n[1:] for n in nodes if n.startswith("#")]
        own = [n for n in nodes if not n.startswith("#")]
        if len(ids) > 1:
            raise RosterError(f"{ids} are one person through other_codes")
        person = by_id[ids[0]] if ids else None
        groups = [c for c in _cells(person.get("codes")) if c and is_group[c]] if person else []
        groups = list(dict.fromkeys(groups))
        genders = {g for c in own for g in _cells(rows[c].get("gender")) if g}
        if person and person.get("gender"):
            genders.add(person["gender"])
        sectors = set().union(*(value(c, "sector") for c in own + groups))
        if person and person.get("sector"):
            sectors.add(person["sector"])
        key = person["person"] if person else min(
            own, key=lambda c: (phase_rank.get(rows[c].get("phase") or "", len(phase_rank)), c))
        facts = {
            "codes": frozenset(own + groups),
            "phases": frozenset().union(*(value(c, "phase") for c in own + groups)),
            "cases": frozenset().union(*(value(c, "case") for c in own + groups)),
            "sectors": frozenset(sectors),
            "genders": set(genders),
            "key": key,
            "listed": person["person"] if person else None,
        }
        if person:
            own_gender[person["person"]] = genders
        pending[key] = facts

    # A group's one gender for all is known of its listed members before any group's list
    # of one gender per person is shared out, whatever the order of the rows.
    for code, group in members.items():
        entries = _cells(rows[code].get("gender"))
        if len(entries) == 1 and entries[0]:
            for person in group:
                own_gender[person["person"]].add(entries[0])
    for code, group in members.items():
        entries = _cells(rows[code].get("gender"))
        n = size[code]
        if len(group) > n:
            raise RosterError(f"{code} lists {len(group)} members for {n} people")
        shared = entries[0] if len(entries) == 1 and entries[0] else None
        slots = entries + [None] * (n - len(entries))
        for person in group:
            if shared:
                pending[person["person"]]["genders"].add(shared)
                continue
            known = own_gender[person["person"]]
            match = next((g for g in known if g in slots), None)
            if match is not None:
                slots.remove(match)
            elif None in slots:
                slots.remove(None)
            else:
                raise RosterError(f"{code} leaves no gender entry for {person['person']}")
        for index in range(1, n - len(group) + 1):
            gender = shared if shared else slots[index - 1]
            people.append(RosterPerson(
                frozenset({code}), frozenset(value(code, "phase")), frozenset(value(code, "case")),
                gender, frozenset(value(code, "sector")), f"{code}/{index}", None))
    for facts in pending.values():
        genders = facts.pop("genders")
        if len(genders) > 1:
            raise RosterError(f"{facts['key']} has the genders {sorted(genders)}")
        people.append(RosterPerson(gender=next(iter(genders), None), **facts))
    return people


# ---------------------------------------------------------------- SPARQL answers in oracle terms

#: Each participant's gender, with what a reader needs to name it: the concept's notation and
#: whether it is the study's "prefer not to say".
GENDER_OF_EACH_PERSON = """
SELECT ?p ?g ?notation ?refused {
    ?p a svrdf:Participant ; schema:gender ?g .
    OPTIONAL { ?g skos:notation ?notation }
    BIND(EXISTS { ?g skos:exactMatch svrdf:PreferNotToSay } AS ?refused)
}"""


def gender_label(genders: dict[str, dict], code: str | None) -> str:
    """A person's gender code (None: not recorded) in words that the graph's answer can be
    put in too: schema.org's term where the study aligns the code to one, else the code, and
    "prefer not to say" apart from "not recorded". ``genders`` is :func:`study_genders`."""
    if code is None:
        return "not recorded"
    entry = genders[code]
    if entry.get("schema"):
        return f"schema:{entry['schema']}"
    return f"prefer not to say ({code})" if entry.get("prefer-not-to-say") else f"code {code}"


def graph_gender_label(value: str, notation: str | None, refused: bool) -> str:
    """:func:`gender_label` of a row of :data:`GENDER_OF_EACH_PERSON`."""
    if value == "https://w3id.org/svrdf/ns#NotRecorded":
        return "not recorded"
    if value.startswith("http://schema.org/"):
        return "schema:" + value[len("http://schema.org/"):]
    return f"prefer not to say ({notation})" if refused else f"code {notation}"


def participant_iri(base_iri: str, key: str) -> str:
    """The IRI the README promises for a person: participant/<key>, a group's unnamed members
    participant/<CODE>/<n>, each part percent-encoded."""
    from urllib.parse import quote

    return base_iri + "participant/" + "/".join(quote(part, safe="") for part in key.split("/"))


def shacl_violations(data: Graph, *shape_files: Path) -> list[tuple[str, str]]:
    shapes = Graph()
    for path in shape_files:
        shapes.parse(path, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True,
                                    do_owl_imports=False)
    query = """PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?focus ?path WHERE { ?r a sh:ValidationResult ; sh:resultSeverity sh:Violation ;
        sh:focusNode ?focus . OPTIONAL { ?r sh:resultPath ?path } }"""
    return sorted((str(r.focus), str(r.path)) for r in report.query(query))


DCAT_AP = "standards/shapes/dcat-ap-3.0.1/html-shacl/"


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> list[Path]:
    """DCAT-AP 3.0.1's own SHACL shapes and ranges."""
    return [require_shared(DCAT_AP + "shapes.ttl"), require_shared(DCAT_AP + "range.ttl")]


def dcat_ap_violations(data: Graph) -> list[tuple[str, str]]:
    """The DCAT-AP 3.0.1 violations of ``data``, by the standard's own shapes and ranges."""
    return shacl_violations(data, require_shared(DCAT_AP + "shapes.ttl"), require_shared(DCAT_AP + "range.ttl"))


def consenting_study(tmp_path: Path, access: str | None, attributes: list[str] | None,
                     rows: dict[str, str]) -> Path:
    """housing-voices with study.yaml's consent and a participants.csv consent cell per code."""
    folder = tmp_path / "study"
    shutil.copytree(FIXTURES / "studies" / "housing-voices", folder)
    consent = {k: v for k, v in (("access", access), ("attributes", attributes)) if v is not None}
    if consent:
        with open(folder / "study.yaml", "a", encoding="utf-8") as handle:
            handle.write(yaml.safe_dump({"consent": consent}, sort_keys=False))
    if rows:
        path = folder / "participants.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            table = list(csv.DictReader(handle))
        assert set(rows) <= {row["code"] for row in table}
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, [*table[0], "consent"])
            writer.writeheader()
            writer.writerows({**row, "consent": rows.get(row["code"], "")} for row in table)
    return folder
