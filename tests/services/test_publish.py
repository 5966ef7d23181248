"""svrdf publish, against real stores on loopback ports: an Oxigraph server, and a small Graph
Store written here that can ask for a login, misbehave on cue, or drip its answer."""

from __future__ import annotations

import base64
import csv
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, roster

from svrdf.cli import cli
from svrdf.services.publish import Endpoint, PublishError, credentials, publish_graph, redact

BUNDLED_GRAPH = "https://w3id.org/svrdf/studies/ordo-17147720/"
MINIMAL_GRAPH = "https://example.org/studies/minimal/"
MINIMAL = str(FIXTURES / "studies" / "minimal")


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
        self.endpoint = f"{self.base}/store"
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


def publish(endpoint: str, *args: str):
    return CliRunner().invoke(cli, ["publish", "--endpoint", endpoint, *args])


def test_publish_two_studies_then_again_without_doubling(oxigraph, bundled_dir, bundled_graph):
    result = publish(oxigraph.endpoint, "--study", str(bundled_dir), "--study", MINIMAL)
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
    again = publish(oxigraph.endpoint, "--study", str(bundled_dir), "--study", MINIMAL)
    assert again.exit_code == 0
    assert oxigraph.counts() == first


def test_graph_option_names_the_graph(oxigraph):
    result = publish(oxigraph.endpoint, "--graph", "urn:example:graph")
    assert result.exit_code == 0 and "urn:example:graph" in oxigraph.counts()
    two = publish(oxigraph.endpoint, "--graph", "urn:x", "--study", "a", "--study", "b")
    assert two.exit_code == 2


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
    command = [sys.executable, "-m", "svrdf.cli", "publish", "--endpoint", oxigraph.endpoint,
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


class Canned(NamedTuple):
    """An answer the loopback store gives in place of its own."""

    status: int
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


class Seen(NamedTuple):
    method: str
    host: str | None


class LoopbackStore:
    """A Graph Store on a loopback port that keeps graphs in memory and records each request.
    With a login it asks for Basic authentication first; the answers queued in ``canned`` come
    before its own; with ``drip`` it answers every request one byte a second, for ever."""

    def __init__(self, login: tuple[str, str] | None = None, drip: bool = False):
        self.graphs: dict[str, bytes] = {}
        self.canned: dict[str, list[Canned]] = {"PUT": [], "GET": []}
        self.seen: list[Seen] = []
        self.stopped = threading.Event()
        store = self
        expected = "Basic " + base64.b64encode(":".join(login).encode()).decode() if login else None

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_PUT(self):
                self.answer(self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def do_GET(self):
                self.answer(None)

            def answer(self, body: bytes | None):
                authorization = self.headers.get("Authorization")
                store.seen.append(Seen(self.command, self.headers.get("Host")))
                if drip:
                    self.drip()
                elif expected and authorization != expected:
                    self.reply(Canned(401, headers=(("WWW-Authenticate", 'Basic realm="store"'),)))
                elif store.canned[self.command]:
                    self.reply(store.canned[self.command].pop(0))
                elif body is not None:
                    store.graphs[self.path] = body
                    self.reply(Canned(204))
                else:
                    self.reply(Canned(200, body=store.graphs.get(self.path, b"")))

            def reply(self, canned: Canned):
                self.send_response(canned.status, canned.reason)
                for name, value in canned.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                self.wfile.write(canned.body)

            def drip(self):
                for byte in b"HTTP/1.1 200 OK\r\n" * 1000:
                    if store.stopped.wait(1.0):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                    except OSError:  # the client gave up
                        return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.endpoint = f"http://127.0.0.1:{self.port}/store"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback_store():
    stores: list[LoopbackStore] = []

    def start(**options) -> LoopbackStore:
        stores.append(LoopbackStore(**options))
        return stores[-1]

    yield start
    for store in stores:
        store.close()


def test_credentials_come_from_the_url_then_the_environment_then_netrc(monkeypatch, tmp_path):
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine store.example login curator password fromnetrc\n")
    netrc_file.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc_file))
    monkeypatch.delenv("SVRDF_PUBLISH_USER", raising=False)
    assert credentials(Endpoint.parse("http://store.example/ds")) == ("curator", "fromnetrc")
    assert credentials(Endpoint.parse("http://other.example/ds")) is None
    monkeypatch.setenv("SVRDF_PUBLISH_USER", "curator")
    monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "fromenv")
    assert credentials(Endpoint.parse("http://store.example/ds")) == ("curator", "fromenv")
    from_url = Endpoint.parse("http://cur%40tor:s3%3Acret@store.example/ds")
    assert credentials(from_url) == ("cur@tor", "s3:cret")
    assert from_url.url == "http://store.example/ds" and "s3" not in repr(from_url)


def test_credentials_answer_the_store_s_challenge(monkeypatch, loopback_store):
    """A loopback store that asks for Basic authentication gets it, and only then the data."""
    from rdflib import Graph, Literal, URIRef

    store = loopback_store(login=("curator", "s3cret"))
    monkeypatch.setenv("SVRDF_PUBLISH_USER", "curator")
    monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "s3cret")
    graph = Graph()
    graph.add((URIRef("urn:s"), URIRef("urn:p"), Literal("o")))
    endpoint = Endpoint.parse(store.endpoint)
    assert publish_graph(endpoint, "urn:g", graph, retries=0).stored == 1
    monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "wrong")
    with pytest.raises(PublishError, match="refused the credentials"):
        publish_graph(endpoint, "urn:g", graph, retries=0)


def test_the_url_s_login_goes_as_basic_authentication_not_into_the_host_name(monkeypatch,
                                                                            loopback_store):
    store = loopback_store(login=("cur@tor", "s3:cret"))
    monkeypatch.setenv("SVRDF_PUBLISH_USER", "someone")  # the URL's login comes first
    monkeypatch.setenv("SVRDF_PUBLISH_PASSWORD", "else")
    endpoint = f"http://cur%40tor:s3%3Acret@127.0.0.1:{store.port}/store?access_token=tok123"
    result = publish(endpoint, "--study", MINIMAL)
    assert result.exit_code == 0, result.stderr
    assert len(store.graphs) == 1
    assert {seen.host for seen in store.seen} == {f"127.0.0.1:{store.port}"}
    assert (f"published <{MINIMAL_GRAPH}> to <http://***@127.0.0.1:{store.port}/store"
            "?access_token=***>") in result.stderr
    assert "s3" not in result.stderr and "tok123" not in result.stderr


def test_no_message_shows_a_credential(loopback_store):
    """Not the retry's line, and not the error quoting an exception that quotes a URL."""
    store = loopback_store(login=("curator", "s3cret"))
    store.canned["PUT"].append(Canned(503, "Busy"))
    # urllib refuses the redirect with an error that quotes where it leads.
    store.canned["GET"].append(Canned(302, headers=(
        ("Location", "gopher://curator:s3cret@127.0.0.1/store?access_token=tok123"),)))
    endpoint = f"http://curator:s3cret@127.0.0.1:{store.port}/store?graph-token=tok123"
    result = publish(endpoint, "--study", MINIMAL, "--retries", "1")
    assert result.exit_code == 2, result.stderr
    at = f"at <http://***@127.0.0.1:{store.port}/store?graph-token=***>"
    assert f"svrdf: PUT <{MINIMAL_GRAPH}> {at}: HTTP 503 Busy; trying again" in result.stderr
    assert f"svrdf: error: GET <{MINIMAL_GRAPH}> {at}: HTTP 302 " in result.stderr
    assert "Redirection to url 'gopher://***@127.0.0.1/store?access_token=***" in result.stderr
    assert "s3cret" not in result.stderr and "tok123" not in result.stderr


@pytest.mark.parametrize(("text", "redacted"), [
    ("http://u:p%40ss@h:1/s?graph=g&access_token=t#x",
     "http://***@h:1/s?graph=g&access_token=***#x"),
    ("'https://a@b@h/?X-Amz-Signature=s1&X-Amz-Credential=c1&apikey=k&sig=z'",
     "'https://***@h/?X-Amz-Signature=***&X-Amz-Credential=***&apikey=***&sig=***"),
    ("http://h/?a=1;secret=s;t&b=2", "http://h/?a=1;secret=***&b=2"),  # ";" may be in a secret
    ("http://h/s?key=k (and password=p, mail me@example.org)",
     "http://h/s?key=*** (and password=p, mail me@example.org)"),
])
def test_redact_hides_userinfo_and_secret_parameters(text, redacted):
    assert redact(text) == redacted


def test_a_store_that_drips_its_answer_is_cut_off_at_the_deadline(loopback_store):
    store = loopback_store(drip=True)
    command = [sys.executable, "-m", "svrdf.cli", "publish", "--endpoint", store.endpoint,
               "--study", MINIMAL, "--no-validate", "--deadline", "2", "--retries", "1"]
    started = time.monotonic()
    # In a process of its own, so that a publish with no deadline fails here, killed, not hangs.
    result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert "no complete answer within 2 s; trying again in 0.5 s" in result.stderr
    assert "no complete answer within 2 s; gave up after 2 tries" in result.stderr
    assert "Traceback" not in result.stderr
    assert [seen.method for seen in store.seen] == ["PUT", "PUT"]
    assert elapsed >= 4.5  # two tries of 2 s, and 0.5 s between them


def test_what_the_store_says_is_shown_escaped_and_cut_short(loopback_store):
    store = loopback_store()
    store.canned["PUT"] += [Canned(503, "Busy \x1b]0;owned\x07"),
                            Canned(400, "Bad \x1b[31mRequest", body=b"\x1b[2J" + b"A" * 5000)]
    result = publish(store.endpoint, "--study", MINIMAL, "--retries", "1")
    assert result.exit_code == 2, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "HTTP 503 Busy \\x1b]0;owned\\x07; trying again" in result.stderr
    assert "HTTP 400 Bad \\x1b[31mRequest: \\x1b[2J" + "A" * 196 + "…\n" in result.stderr


@pytest.mark.parametrize(("endpoint", "problem"), [
    ("localhost:7878/store", "must be an http(s) URL"),
    ("file:///tmp/store", "must be an http(s) URL"),
    ("http://127.0.0.1:99999/store", "port must be a number from 1 to 65535"),
    ("http://curator:s3cret@127.0.0.1:abc/store", "port must be a number from 1 to 65535"),
    ("http://127.0.0.1:0/store", "port must be a number from 1 to 65535"),
    ("http://127.0.0.1:7878/st\r\nore", "a line break or other control character"),
    ("http://127.0.0.1:7878/\x1b[2Jstore", "a line break or other control character"),
    ("http://127.0.0.1:7878/my store", "a space"),
    ("http:///store", "names no host"),
    ("http://curator:s3cret@/store", "names no host"),
    ("http://[::1:7878/store", "not an IPv6 address in brackets"),
    ("http://[store]/store", "not an IPv6 address in brackets"),
])
def test_a_malformed_endpoint_is_refused_before_anything_else(endpoint, problem):
    result = publish(endpoint, "--study", "no-such-study")
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("svrdf: error: the endpoint") and problem in line
    assert "s3cret" not in line


def test_a_challenge_urllib_cannot_answer_is_a_clear_error(tmp_path):
    """A Digest challenge with an algorithm urllib lacks: one message, exit 2, not a bug."""
    import http.server
    import threading

    class Challenging(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="r", nonce="n", algorithm="SHA3-999"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Challenging)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = CliRunner().invoke(cli, ["publish", "--retries", "0", "--endpoint",
                                          f"http://curator:secret@127.0.0.1:{server.server_port}/store"])
    finally:
        server.shutdown()
    assert result.exit_code == 2, result.stderr
    assert "cannot be handled" in result.stderr and "secret" not in result.stderr
