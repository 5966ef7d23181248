"""prov.ttl, the record of how a bundle was made: it parses, names every input, shape and
generated file with its SHA-256 (but an input the bundle publishes only part of) and the
validation's outcome, holds no time unless asked, and
two runs give the same bundle."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import tomllib

from click.testing import CliRunner
from conftest import FIXTURES, REPO_ROOT, query
from rdflib import Graph

from svrdf.cli import cli
from svrdf.resources import shape_files

HOUSING = FIXTURES / "studies" / "housing-voices"


def bundle(folder, *options: str):
    result = CliRunner().invoke(cli, ["export", "--study", str(HOUSING), "--format", "all",
                                      "--out-dir", str(folder), "-q", *options])
    assert result.exit_code == 0, result.stderr
    return Graph().parse(folder / "prov.ttl", format="turtle")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_record_names_every_input_shape_and_output_with_its_checksum(tmp_path):
    graph = bundle(tmp_path)
    files = dict(query(graph, """SELECT ?name ?value { ?f schema:name ?name ;
        <http://spdx.org/rdf/terms#checksum>/<http://spdx.org/rdf/terms#checksumValue> ?value }"""))
    inputs = {p.name: p for p in HOUSING.iterdir() if p.name in ("study.yaml", "participants.csv", "people.csv")}
    outputs = {p.name: p for p in tmp_path.iterdir() if p.name != "prov.ttl"}
    shapes = {f"shapes/{p.name}": p for p in shape_files()}
    assert set(files) == set(inputs) | set(outputs) | set(shapes)
    for name, path in {**inputs, **outputs, **shapes}.items():
        assert files[name] == bytes.fromhex(digest(path)), name  # xsd:hexBinary reads as bytes
    used = {name for (name,) in query(graph, "SELECT ?name { ?run a prov:Activity ; prov:used/schema:name ?name }")}
    assert used == set(inputs) | set(shapes)
    made = {name for (name,) in query(graph, "SELECT ?name { ?f prov:wasGeneratedBy ?run ; schema:name ?name }")}
    assert made == set(outputs)
    [(conforms,)] = query(graph, "SELECT ?c { ?r <http://www.w3.org/ns/shacl#conforms> ?c }")
    assert conforms is True
    versions = dict(query(graph, "SELECT ?n ?v { ?s a prov:SoftwareAgent ; schema:name ?n ; schema:version ?v }"))
    # svrdf and every library pyproject.toml says it runs on, each at its installed version.
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    names = {re.match(r"[A-Za-z0-9._-]+", d).group().lower() for d in declared}
    assert {n.lower() for n in versions} == names | {"svrdf"}
    assert all(versions[n] == importlib.metadata.version(n) for n in versions if n != "svrdf")


def test_no_input_the_bundle_publishes_only_part_of_has_its_checksum(tmp_path):
    """With the gender withheld, the hash of participants.csv would let a reader try each gender
    a row could have until it matched: the record names the inputs, without checksums."""
    graph = bundle(tmp_path, "--publish-attributes", "role,sector,case")
    inputs = query(graph, """SELECT ?name ?sum { ?run a prov:Activity ; prov:used ?f . ?f schema:name ?name
        FILTER (!STRSTARTS(?name, "shapes/"))
        OPTIONAL { ?f <http://spdx.org/rdf/terms#checksum> ?sum } }""")
    assert sorted(inputs) == [("participants.csv", None), ("people.csv", None), ("study.yaml", None)]
    made = query(graph, """SELECT ?name { ?f prov:wasGeneratedBy ?run ; schema:name ?name ;
        <http://spdx.org/rdf/terms#checksum> ?sum }""")
    assert {name for (name,) in made} == {p.name for p in tmp_path.iterdir() if p.name != "prov.ttl"}


def test_two_runs_give_the_same_bundle_and_no_time_unless_asked(tmp_path):
    bundle(tmp_path / "a")
    bundle(tmp_path / "b")
    assert {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()} == {
        p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert b"Time" not in (tmp_path / "a" / "prov.ttl").read_bytes()
    timed = bundle(tmp_path / "c", "--timestamp")
    assert query(timed, "SELECT ?t { ?run prov:startedAtTime ?s ; prov:endedAtTime ?t }")
