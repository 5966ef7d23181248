"""No command opens a network connection: not for JSON-LD contexts, owl:imports or SERVICE."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph

from svrdf.cli import cli
from svrdf.errors import ShapesError
from svrdf.shacl.validation import shapes_graph, validate


def test_export_validate_and_jsonld_round_trip_stay_offline(no_network, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--format", "all", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    for fmt in ("text", "json", "turtle"):
        assert runner.invoke(cli, ["validate", "--format", fmt]).exit_code == 0
    graph = Graph().parse(tmp_path / "study.jsonld", format="json-ld")
    assert len(graph) == len(Graph().parse(tmp_path / "study.ttl", format="turtle"))


def test_the_guard_itself_catches_a_connection(no_network):
    import socket

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("192.0.2.1", 80), timeout=0.01)
    from conftest import _network_attempts

    assert _network_attempts  # the fixture would now fail this test; empty it to pass
    _network_attempts.clear()


def test_owl_imports_in_shapes_are_not_followed(no_network, bundled_graph):
    shapes = Graph() + shapes_graph()
    shapes.parse(data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <https://w3id.org/svrdf/shapes#> owl:imports <http://example.org/remote-shapes.ttl> .
    """, format="turtle")
    assert validate(bundled_graph, shapes).conforms


def test_service_in_a_sparql_constraint_is_refused_without_fetching(no_network, bundled_graph):
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> a sh:NodeShape ; sh:targetClass <http://schema.org/Dataset> ;
          sh:sparql [ sh:message "x" ; sh:select
            "SELECT $this WHERE { SERVICE <http://example.org/sparql> { $this ?p ?o } }" ] .
    """, format="turtle")
    with pytest.raises(ShapesError, match="SERVICE"):
        validate(bundled_graph, shapes)
