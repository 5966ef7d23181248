"""svrdf publish, against a real Oxigraph server on a loopback port."""

from __future__ import annotations

import csv
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, roster
from svrdf.cli import cli

BUNDLED_GRAPH = "https://w3id.org/svrdf/studies/ordo-17147720/"
MINIMAL_GRAPH = "https://example.org/studies/minimal/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Oxigraph:
    """An `oxigraph serve` process with its data in a temporary folder."""

    def __init__(self, data: Path):
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(binary).exists():
            pytest.fail("needs the 'oxigraph' server (pip package oxigraph, in the test extras)")
        self.binary, self.data, self.port = binary, data, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> Oxigraph:
        self.process = subprocess.Popen([self.binary, "serve", "--location", str(self.data),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/query?query=ASK%7B%7D", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def select(self, query: str) -> list[dict]:
        request = urllib.request.Request(
            self.base + "/query?" + urllib.parse.urlencode({"query": query}),
            headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            bindings = json.load(response)["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    def counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]: int(row["n"]) for row in rows}


@pytest.fixture
def oxigraph(tmp_path):
    server = Oxigraph(tmp_path / "oxigraph").start()
    yield server
    if server.process.poll() is None:
        server.kill()


def publish(server: Oxigraph, *args: str):
    return CliRunner().invoke(cli, ["publish", "--endpoint", f"{server.base}/store", *args])


def test_publish_two_studies_then_again_without_doubling(oxigraph, bundled_dir, bundled_graph):
    minimal = str(FIXTURES / "studies" / "minimal")
    result = publish(oxigraph, "--study", str(bundled_dir), "--study", minimal)
    assert result.exit_code == 0, result.stderr
    first = oxigraph.counts()
    assert first[BUNDLED_GRAPH] == len(bundled_graph) and MINIMAL_GRAPH in first
    assert f"{len(bundled_graph)} triples sent, {len(bundled_graph)} in the store" in result.stderr
    rows = oxigraph.select(f"""
        PREFIX schema: <http://schema.org/> PREFIX svrdf: <https://w3id.org/svrdf/ns#>
        SELECT ?case (COUNT(DISTINCT ?p) AS ?people) WHERE {{ GRAPH <{BUNDLED_GRAPH}> {{
          ?p a svrdf:Participant ; svrdf:inCase ?c . ?c schema:identifier ?case }} }} GROUP BY ?case""")
    people = roster(bundled_dir)
    assert {r["case"]: int(r["people"]) for r in rows} == {
        case: sum(1 for p in people if case in p.cases) for case in ("CA", "CB", "CC")}
    assert publish(oxigraph, "--study", str(bundled_dir), "--study", minimal).exit_code == 0
    assert oxigraph.counts() == first


def test_graph_option_names_the_graph(oxigraph):
    result = publish(oxigraph, "--graph", "urn:example:graph")
    assert result.exit_code == 0 and "urn:example:graph" in oxigraph.counts()
    assert publish(oxigraph, "--graph", "urn:x", "--study", "a", "--study", "b").exit_code == 2


def big_study(folder: Path, people: int) -> Path:
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    with open(folder / "participants.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "phase", "case", "sector", "role", "gender", "other_codes", "people", "note"])
        for n in range(people):
            writer.writerow([f"P{n}", "fieldwork", "K1", "PUB", "Officer", "W", "", "1", ""])
    return folder


def test_server_killed_mid_publish_fails_cleanly_and_a_rerun_recovers(oxigraph, tmp_path):
    study = big_study(tmp_path / "big", 3000)
    command = [sys.executable, "-m", "svrdf.cli", "publish", "--endpoint", f"{oxigraph.base}/store",
               "--study", str(study), "--no-validate", "--retries", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    oxigraph.kill()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stderr
    assert "svrdf: error: " in stderr and "gave up after 2 tries" in stderr
    assert "Traceback" not in stderr
    oxigraph.start()  # same data folder
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert "triples sent" in rerun.stderr
    [count] = oxigraph.counts().values()
    assert f"{count} triples sent, {count} in the store" in rerun.stderr


def test_credentials_come_from_the_environment(monkeypatch):
    from svrdf.publish import credentials

    monkeypatch.setenv("SVRDF_PUBLISH_USER", "curator")
    monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "s3cret")
    assert credentials("http://store.example/ds") == ("curator", "s3cret")


def test_credentials_come_from_netrc(monkeypatch, tmp_path):
    from svrdf.publish import credentials

    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine store.example login curator password fromnetrc\n")
    netrc_file.chmod(0o600)
    monkeypatch.delenv("SVRDF_PUBLISH_USER", raising=False)
    monkeypatch.setenv("NETRC", str(netrc_file))
    assert credentials("http://store.example/ds") == ("curator", "fromnetrc")
    assert credentials("http://other.example/ds") is None


def test_credentials_answer_the_store_s_challenge(monkeypatch):
    """A loopback store that asks for Basic authentication gets it, and only then the data."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from rdflib import Graph, Literal, URIRef

    from svrdf.publish import publish_graph

    stored: dict[str, bytes] = {}
    expected = "Basic " + base64.b64encode(b"curator:s3cret").decode()

    class Store(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == expected:
                return True
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False

        def do_PUT(self):
            if self._authorised():
                stored[self.path] = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(204)
                self.end_headers()

        def do_GET(self):
            if self._authorised():
                body = stored.get(self.path, b"")
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("SVRDF_PUBLISH_USER", "curator")
        monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "s3cret")
        graph = Graph()
        graph.add((URIRef("urn:s"), URIRef("urn:p"), Literal("o")))
        endpoint = f"http://127.0.0.1:{server.server_port}/store"
        assert publish_graph(endpoint, "urn:g", graph, retries=0).stored == 1
        monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "wrong")
        from svrdf.publish import PublishError

        with pytest.raises(PublishError, match="refused the credentials"):
            publish_graph(endpoint, "urn:g", graph, retries=0)
    finally:
        server.shutdown()


@pytest.mark.parametrize("endpoint", ["localhost:7878/store", "file:///tmp/store"])
def test_an_endpoint_that_is_not_http_is_refused_at_once(endpoint):
    result = CliRunner().invoke(cli, ["publish", "--endpoint", endpoint])
    assert result.exit_code == 2 and "http(s) URL" in result.stderr
