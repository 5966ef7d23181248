"""svrdf serve, started for real on a loopback port and spoken to over HTTP."""

from __future__ import annotations

import json
import shutil
import signal
import threading
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from conftest import FIXTURES

STUDY_PATH = "/svrdf/studies/ordo-17147720/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def spaced_study(tmp_path_factory):
    """The minimal study with a phase id that has a space, so its IRI is percent-encoded."""
    folder = tmp_path_factory.mktemp("spaced") / "minimal"
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    for name in ("study.yaml", "participants.csv"):
        path = folder / name
        path.write_text(path.read_text().replace("fieldwork", "field work"))
    return folder


def serve(*studies, options: tuple[str, ...] = ()):
    """svrdf serve on a free loopback port, until the caller is done with it."""
    port = free_port()
    arguments = [arg for study in studies for arg in ("--study", str(study))]
    process = subprocess.Popen(
        [sys.executable, "-m", "svrdf.cli", "serve", "--port", str(port), *options, *arguments],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"svrdf serve did not start: {process.stderr.read()}")
    yield base, process
    if process.poll() is None:
        process.kill()


@pytest.fixture(scope="module")
def server(spaced_study):
    yield from serve(spaced_study, FIXTURES.parent.parent / "src" / "svrdf" / "studies" / "ordo-17147720",
                     options=("--query-timeout", "1", "--max-results", "50"))


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("accept, media, parser", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.5", "text/turtle", "turtle"),
])
def test_minted_iris_resolve_by_content_negotiation(server, accept, media, parser):
    base, _ = server
    status, headers, body = get(base + STUDY_PATH + "participant/CB6/2", accept)
    assert status == 200 and headers["content-type"].startswith(media)
    graph = Graph().parse(data=body, format=parser)
    iri = URIRef("https://w3id.org/svrdf/studies/ordo-17147720/participant/CB6/2")
    assert (iri, URIRef("http://schema.org/identifier"), None) in graph


def test_html_is_the_landing_page_with_signposting(server):
    base, _ = server
    status, headers, body = get(base + STUDY_PATH, "text/html")
    assert status == 200 and b"<!DOCTYPE html>" in body
    link = headers["link"]
    assert '<https://doi.org/10.21954/ou.rd.17147720>; rel="cite-as"' in link
    assert 'rel="describedby"; type="application/vnd.datacite.datacite+xml"' in link
    assert '<https://schema.org/Dataset>; rel="type"' in link


def test_bundle_files_are_served(server):
    base, _ = server
    status, headers, body = get(base + STUDY_PATH + "datacite.xml")
    assert status == 200 and b"10.21954/ou.rd.17147720" in body


def test_unservable_type_is_406_and_unknown_iri_404(server):
    base, _ = server
    assert get(base + STUDY_PATH + "participant/IP8", "application/rdf+xml")[0] == 406
    assert get(base + STUDY_PATH + "participant/NOPE", "text/turtle")[0] == 404


def test_sparql_endpoint_with_a_real_client(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    base, _ = server
    client = SPARQLWrapper(base + "/sparql")
    client.setReturnFormat(JSON)
    client.setQuery("PREFIX svrdf: <https://w3id.org/svrdf/ns#> "
                    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a svrdf:Participant }")
    for method in ("GET", "POST"):
        client.setMethod(method)
        rows = client.queryAndConvert()["results"]["bindings"]
        assert rows[0]["n"]["value"] == "24"  # 20 in the bundled study, 4 in the minimal one


def test_sparql_result_media_types(server):
    base, _ = server
    query = urllib.parse.urlencode({"query": "SELECT ?case WHERE { ?c <http://schema.org/identifier> ?case ; a <https://w3id.org/svrdf/ns#Case> } ORDER BY ?case"})
    status, headers, body = get(f"{base}/sparql?{query}", "text/csv")
    assert status == 200 and body.decode().split() == ["case", "CA", "CB", "CC", "K1"]
    status, headers, body = get(f"{base}/sparql?{query}", "application/sparql-results+xml")
    assert status == 200 and b"<sparql" in body
    construct = urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?c a <https://w3id.org/svrdf/ns#Case> }"})
    status, headers, body = get(f"{base}/sparql?{construct}", "text/turtle")
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) == 4


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_updates_are_forbidden(server, how):
    base, _ = server
    update = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"
    if how == "get":
        status = get(f"{base}/sparql?{urllib.parse.urlencode({'update': update})}")[0]
    elif how == "form":
        status = get(f"{base}/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                     content_type="application/x-www-form-urlencoded")[0]
    else:
        status = get(f"{base}/sparql", data=update.encode(), content_type="application/sparql-update")[0]
    assert status == 403


def test_service_and_syntax_errors_are_refused(server):
    base, _ = server
    service = urllib.parse.urlencode({"query": "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"})
    status, _, body = get(f"{base}/sparql?{service}")
    assert status == 400 and b"SERVICE is refused" in body
    status, _, body = get(f"{base}/sparql?{urllib.parse.urlencode({'query': 'SELECT WHERE'})}")
    assert status == 400 and b"line 1, column" in body


def test_timeout_and_result_limit_give_clear_statuses(server):
    base, _ = server
    slow = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    status, _, body = get(f"{base}/sparql?{slow}")
    assert status == 503 and b"longer than 1 s" in body
    big = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, _, body = get(f"{base}/sparql?{big}")
    assert status == 400 and b"more than 50 rows" in body
    assert get(base + "/health")[0] == 200  # the server is still answering


def test_catalog_lists_every_served_study(server):
    base, _ = server
    status, _, body = get(base + "/catalog", "text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    [catalog] = [c for c in graph.subjects(RDF.type, DCAT.Catalog) if str(c).endswith("/catalog")]
    assert len(set(graph.objects(catalog, DCAT.dataset))) == 2


def test_percent_encoded_iris_resolve(server):
    base, _ = server
    status, _, body = get(base + "/studies/minimal/phase/field%20work", "text/turtle")
    assert status == 200 and b"field work" in body


def test_forms_a_study_cannot_have_are_neither_linked_nor_served(server):
    base, _ = server
    status, headers, _ = get(base + "/studies/minimal/", "text/html")
    assert status == 200 and "datacite.xml" not in headers["link"]  # no DOI
    assert get(base + "/studies/minimal/datacite.xml")[0] == 404


def test_other_methods_on_the_endpoint_are_not_allowed(server):
    base, _ = server
    request = urllib.request.Request(base + "/sparql", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 405


def test_a_slow_query_does_not_hold_up_other_clients(server):
    base, _ = server
    slow = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    worker = threading.Thread(target=get, args=(f"{base}/sparql?{slow}",))
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert get(base + "/health")[0] == 200
    assert time.monotonic() - started < 0.5
    worker.join()


def test_invalid_studies_are_not_served(tmp_path):
    from svrdf.errors import InvalidGraphError
    from svrdf.server import create_app

    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "studies" / "minimal", broken)
    # It reads, but B1 and A1 are one person with two genders: a SHACL violation.
    text = (broken / "participants.csv").read_text().replace("B1,fieldwork,K1,,Officer,,A1",
                                                             "B1,fieldwork,K1,,Officer,N,A1")
    (broken / "participants.csv").write_text(text)
    with pytest.raises(InvalidGraphError):
        create_app([broken])


def test_a_port_in_use_is_a_clean_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "svrdf.cli", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "cannot listen on 127.0.0.1" in result.stderr
    assert "serving on" not in result.stderr


def test_health(server):
    base, _ = server
    status, _, body = get(base + "/health")
    assert status == 200 and json.loads(body)["studies"] == 2


def test_sigterm_shuts_down_gracefully_after_logging_each_request(server):
    base, process = server
    get(base + "/health")
    process.send_signal(signal.SIGTERM)
    # uvicorn finishes the open requests, then exits by the signal it received.
    assert process.wait(timeout=15) in (0, -signal.SIGTERM)
    log = process.stderr.read()
    assert '"GET /health HTTP/1.1" 200' in log
    assert "Shutting down" in log and "Finished server process" in log


def test_a_study_of_focus_groups_is_served_with_its_people_counted_right():
    """The focus-group fixture: a person in two groups and one with a code of their own are
    each counted once, per case and in all; its licence is signposted as its SPDX IRI."""
    from conftest import roster

    study = FIXTURES / "studies" / "housing-voices"
    people = roster(study)
    for base, _ in serve(study):
        query = urllib.parse.urlencode({"query": """
            PREFIX svrdf: <https://w3id.org/svrdf/ns#>
            PREFIX schema: <http://schema.org/>
            SELECT ?case (COUNT(DISTINCT ?p) AS ?n) WHERE {
              ?p a svrdf:Participant . OPTIONAL { ?p svrdf:inCase/schema:identifier ?c }
              BIND(COALESCE(?c, "none") AS ?case) } GROUP BY ?case ORDER BY ?case"""})
        status, _, body = get(f"{base}/sparql?{query}", "application/sparql-results+json")
        assert status == 200
        served = {row["case"]["value"]: int(row["n"]["value"])
                  for row in json.loads(body)["results"]["bindings"]}
        expected: dict[str, int] = {}
        for person in people:
            for case in person.cases or {"none"}:
                expected[case] = expected.get(case, 0) + 1
        assert served == expected and sum(served.values()) == len(people)
        status, headers, _ = get(base + "/studies/housing-voices/", "text/html")
        assert status == 200
        assert '<http://spdx.org/licenses/CC-BY-4.0>; rel="license"' in headers["link"]
