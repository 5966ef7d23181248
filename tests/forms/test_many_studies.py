"""Several studies in one export: a named graph each and a DCAT catalogue of them all."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, dcat_ap_violations
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from svrdf.cli import cli
from svrdf.rdf.mapping import build_graph
from svrdf.study.builder import load_study

CATALOG = URIRef("urn:svrdf:catalog")


@pytest.fixture
def two_studies(bundled_dir):
    return [bundled_dir, FIXTURES / "studies" / "minimal"]


@pytest.mark.parametrize("fmt, parser", [("nquads", "nquads"), ("trig", "trig")])
def test_each_study_is_a_named_graph_and_the_catalogue_lists_them(two_studies, tmp_path, fmt, parser):
    target = tmp_path / f"out.{fmt}"
    args = ["export", "--format", fmt]
    for directory in two_studies:
        args += ["--study", str(directory)]
    result = CliRunner().invoke(cli, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    dataset = Dataset()
    dataset.parse(target, format=parser)
    for directory in two_studies:
        study = load_study(directory)
        assert isomorphic(dataset.graph(URIRef(study.base_iri)), build_graph(study))
    catalog = dataset.default_graph
    assert (CATALOG, RDF.type, DCAT.Catalog) in catalog
    assert len(set(catalog.objects(CATALOG, DCAT.dataset))) == 2
    again = tmp_path / f"again.{fmt}"
    assert CliRunner().invoke(cli, [*args, "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == target.read_bytes()


def test_single_study_formats_refuse_several_studies(two_studies):
    result = CliRunner().invoke(cli, ["export", "--format", "turtle", "--study", str(two_studies[0]),
                                      "--study", str(two_studies[1])])
    assert result.exit_code == 2 and "nquads or --format trig" in result.stderr


def test_studies_made_in_several_processes_give_the_same_bytes(two_studies, tmp_path):
    studies = [*two_studies, FIXTURES / "studies" / "housing-voices"]
    args = ["export", "--format", "nquads", *(a for d in studies for a in ("--study", str(d)))]
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs-{jobs}.nq"
        result = CliRunner().invoke(cli, [*args, "--jobs", jobs, "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 1000


def test_studies_made_in_processes_are_read_as_asked_and_their_notices_told_once(bundled_dir, tmp_path):
    """Each worker reads its study with the command's --drop-column, and what its loading
    warns of (here: notes published while a gender is withheld) is told by the parent, once,
    as svrdf tells notices; the bytes are those of one process."""
    studies = [bundled_dir, FIXTURES / "studies" / "housing-voices"]
    args = ["export", "--format", "nquads", "--drop-column", "gender",
            *(a for d in studies for a in ("--study", str(d)))]
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs-{jobs}.nq"
        result = CliRunner().invoke(cli, [*args, "--jobs", jobs, "-o", str(target), "-q"])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.count("svrdf: note: participants.csv's notes are published as written") == 1
        assert "Notice:" not in result.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] and b"<http://schema.org/gender> <https://w3id.org/svrdf/ns#Withheld>" in outputs[0]


def test_a_failing_first_study_stops_an_export_in_processes_without_waiting_for_the_rest(
        two_studies, tmp_path):
    """Found in review: the worker pool finished every queued study before the first one's
    error came out. Leaving the pool now stops its workers, studies half made."""
    import sys
    import time

    from conftest import REPO_ROOT

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from generate_study import generate

    broken = tmp_path / "broken"
    shutil.copytree(two_studies[1], broken)
    (broken / "participants.csv").write_text(
        (broken / "participants.csv").read_text().replace("C3,fieldwork", "C 3,fieldwork"))
    large = [generate(tmp_path / f"large{n}", 12000, seed=n) for n in range(3)]
    args = ["export", "--format", "nquads", "--jobs", "2", "-o", str(tmp_path / "out.nq"),
            *(a for d in [broken, *large] for a in ("--study", str(d)))]
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "field 'code'" in result.stderr
    one = time.perf_counter() - started
    started = time.perf_counter()
    assert CliRunner().invoke(cli, [*args[:7], "--study", str(large[0])]).exit_code == 0
    assert one < time.perf_counter() - started  # less than making one of the large studies


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_invalid_study_writes_nothing(two_studies, tmp_path, jobs):
    broken = tmp_path / "broken"
    shutil.copytree(two_studies[1], broken)
    text = (broken / "participants.csv").read_text().replace("C3,fieldwork", "C 3,fieldwork")
    (broken / "participants.csv").write_text(text)
    target = tmp_path / "out.nq"
    target.write_bytes(b"previous")
    result = CliRunner().invoke(cli, ["export", "--format", "nquads", "-o", str(target), "--jobs", jobs,
                                      "--study", str(two_studies[0]), "--study", str(broken)])
    assert result.exit_code == 1 and f"{broken}/participants.csv, row 5, field 'code'" in result.stderr
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "out.nq"]


@pytest.mark.parametrize("command", [
    ["export", "--format", "nquads"],
    ["export", "--format", "nquads", "--jobs", "2"],
    ["query", "ASK { ?s ?p ?o }"],
    ["serve", "--port", "0"],
    # Refused before anything is sent: the no_network fixture fails any connection.
    ["publish", "--endpoint", "http://127.0.0.1:9/store"],
], ids=["export", "export-in-processes", "query", "serve", "publish"])
def test_two_studies_with_one_base_iri_are_refused(two_studies, tmp_path, command, no_network):
    copy = tmp_path / "copy"
    shutil.copytree(two_studies[1], copy)
    result = CliRunner().invoke(cli, [*command, "--study", str(two_studies[1]),
                                      "--study", str(copy)])
    assert result.exit_code == 1, result.output
    assert "shares its base IRI" in result.stderr and str(copy) in result.stderr


@pytest.mark.parametrize("command", [
    ["export", "--format", "nquads"],
    ["export", "--format", "trig", "--jobs", "2"],
    ["query", "ASK { ?s ?p ?o }"],
], ids=["export", "export-in-processes", "query"])
def test_two_studies_with_one_doi_are_refused(bundled_dir, tmp_path, command, no_network):
    """Another folder, another base IRI, but the bundled study's DOI: one dataset with two
    titles, were it let through."""
    copy = tmp_path / "copy"
    shutil.copytree(bundled_dir, copy)
    study = copy / "study.yaml"
    study.write_text(study.read_text("utf-8").replace(
        "base-iri: https://w3id.org/svrdf/studies/ordo-17147720/",
        "base-iri: https://example.org/studies/copy/"), "utf-8")
    result = CliRunner().invoke(cli, [*command, "--study", str(bundled_dir), "--study", str(copy)])
    assert result.exit_code == 1, result.output
    assert "shares its DOI 10.21954/ou.rd.17147720" in result.stderr and str(bundled_dir) in result.stderr
    assert f"{study}, line" in result.stderr  # the DOI's own line


HOUSING = FIXTURES / "studies" / "housing-voices"
CATALOG_FILE = FIXTURES / "catalogs" / "caerwent.yaml"


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_a_catalogue_of_studies_of_two_publishers_passes_dcat_ap_read_whole_and_alone(
        bundled_dir, tmp_path, fmt):
    """Described by catalog.yaml: its title, description, publisher and homepage; 0 DCAT-AP
    3.0.1 violations (shapes and ranges), the default graph alone and with every study's."""
    target = tmp_path / f"studies.{fmt}"
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "--study", str(bundled_dir),
                                      "--study", str(HOUSING), "--catalog", str(CATALOG_FILE),
                                      "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "no publisher" not in result.stderr
    dataset = Dataset()
    dataset.parse(target, format=fmt)
    whole, alone = Graph(), Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        whole.add((s, p, o))
        if g in (None, dataset.default_graph.identifier):
            alone.add((s, p, o))
    assert len(alone) < len(whole)
    assert dcat_ap_violations(alone) == [] and dcat_ap_violations(whole) == []
    described = yaml.safe_load(CATALOG_FILE.read_text("utf-8"))
    catalog = URIRef(described["iri"])
    assert alone.value(catalog, DCTERMS.title) == Literal(described["title"], lang=described["language"])
    publisher = alone.value(catalog, DCTERMS.publisher)
    assert alone.value(publisher, FOAF.name) == Literal(described["publisher"]["name"])
    assert alone.value(catalog, FOAF.homepage) == URIRef(described["homepage"])
    assert len(set(alone.objects(catalog, DCAT.dataset))) == 2


def test_without_a_catalogue_file_the_studies_shared_publisher_publishes_it(bundled_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(bundled_dir, copy)
    study = copy / "study.yaml"
    study.write_text(study.read_text("utf-8").replace("ordo-17147720/", "ordo-copy/").replace(
        "value: 10.21954/ou.rd.17147720", "value: 10.21954/ou.rd.99999999"), "utf-8")
    target = tmp_path / "studies.nq"
    result = CliRunner().invoke(cli, ["export", "--format", "nquads", "--study", str(bundled_dir),
                                      "--study", str(copy), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    dataset = Dataset()
    dataset.parse(target, format="nquads")
    alone = Graph()
    for s, p, o in dataset.default_graph:
        alone.add((s, p, o))
    assert alone.value(CATALOG, DCTERMS.publisher) == URIRef(
        "https://w3id.org/svrdf/studies/ordo-17147720/organization/the-open-university")
    assert dcat_ap_violations(alone) == []


def test_without_a_catalogue_file_studies_of_two_publishers_are_told_what_to_add(bundled_dir, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "nquads", "--study", str(bundled_dir),
                                      "--study", str(HOUSING), "-o", str(tmp_path / "s.nq")])
    assert result.exit_code == 0, result.stderr
    assert "the catalogue names no publisher" in result.stderr and "--catalog FILE" in result.stderr


@pytest.mark.parametrize(("text", "message"), [
    ("title: T\ndescription: D\n", "missing required key 'publisher'"),
    ("title: T\ndescription: D\npublisher: {name: P}\nhomepag: https://a.example/\n",
     "unknown key 'homepag'; did you mean 'homepage'?"),
    ("title: T\ndescription: D\npublisher: {name: P, url: not-an-address}\n", "key 'publisher.url'"),
])
def test_a_catalogue_file_that_does_not_fit_its_schema_is_refused_where_it_is_wrong(
        bundled_dir, tmp_path, text, message):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", "nquads", "--study", str(bundled_dir),
                                      "--catalog", str(catalog), "-o", str(tmp_path / "s.nq")])
    assert result.exit_code == 1, result.output
    assert str(catalog) in result.stderr and message in result.stderr
    assert not (tmp_path / "s.nq").exists()


def test_a_catalogue_file_goes_with_several_studies_only(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "turtle", "--catalog", str(CATALOG_FILE)])
    assert result.exit_code == 2 and "--format nquads or trig" in result.stderr
