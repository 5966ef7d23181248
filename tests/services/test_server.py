"""svrdf serve, started for real on a loopback port and spoken to over HTTP."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import FIXTURES, dcat_ap_violations
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from svrdf.defaults import SERVE_MAX_QUERIES

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


@pytest.fixture(scope="module")
def idn_licensed_study(tmp_path_factory):
    """The minimal study under a licence whose host name is not ASCII."""
    folder = tmp_path_factory.mktemp("idn") / "minimal"
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    path = folder / "study.yaml"
    path.write_text(re.sub(r"(?m)^license: .*$", "license: https://lizenz.bücher.example/by/4.0",
                           path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def serve(*studies, options: tuple[str, ...] = ()):
    """svrdf serve on the loopback port the system picks (--port 0) and announces, until the
    caller is done with it."""
    arguments = [arg for study in studies for arg in ("--study", str(study))]
    process = subprocess.Popen(
        [sys.executable, "-m", "svrdf.cli", "serve", "--port", "0", *options, *arguments],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)  # a server that never announces itself ends
    watchdog.start()
    try:
        printed = []
        for line in iter(process.stderr.readline, ""):
            printed.append(line)
            if "serving on http://" in line:
                break
        else:
            pytest.fail(f"svrdf serve did not start: {''.join(printed)}")
    finally:
        watchdog.cancel()
    base = line.split("serving on ", 1)[1].split()[0].rstrip("/")
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"svrdf serve did not answer: {process.stderr.read()}")
    yield base, process
    if process.poll() is None:
        process.kill()


@pytest.fixture(scope="module")
def server(spaced_study):
    yield from serve(spaced_study, FIXTURES.parent.parent / "src" / "svrdf" / "studies" / "ordo-17147720",
                     options=("--query-timeout", "1", "--max-results", "50"))


@pytest.fixture(scope="module")
def limited(idn_licensed_study):
    """A server with tight limits, a base URL of its own, and a licence on an international host."""
    yield from serve(idn_licensed_study, options=(
        "--base-url", "https://data.example.org/", "--max-body", "1000", "--max-queries", "1",
        "--query-timeout", "1", "--query-memory", "64"))


def get(url: str, accept: str | None = None, data: bytes | None = None,
        content_type: str | None = None, host: str | None = None):
    request = urllib.request.Request(url, data=data)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sparql_get(base: str, query: str, accept: str | None = None, host: str | None = None):
    return get(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}", accept, host=host)


#: Backtracks through 2^30 ways to match, minutes of work: a query that is slow on any data.
SLOW_REGEX = 'ASK { FILTER(REGEX("' + "a" * 30 + '!", "^(a+)+$")) }'


@pytest.mark.parametrize("accept, media, parser", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/trix;q=0.9, text/turtle;q=0.5", "text/turtle", "turtle"),
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
    status, _headers, body = get(base + STUDY_PATH + "datacite.xml")
    assert status == 200 and b"10.21954/ou.rd.17147720" in body


def test_unservable_type_is_406_and_unknown_iri_404(server):
    base, _ = server
    assert get(base + STUDY_PATH + "participant/IP8", "application/trix")[0] == 406
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
    query = urllib.parse.urlencode({"query": "SELECT ?case WHERE { ?c <http://schema.org/identifier> ?case ; "
                                             "a <https://w3id.org/svrdf/ns#Case> } ORDER BY ?case"})
    status, _, body = get(f"{base}/sparql?{query}", "text/csv")
    assert status == 200 and body.decode().split() == ["case", "CA", "CB", "CC", "K1"]
    status, _, body = get(f"{base}/sparql?{query}", "application/sparql-results+xml")
    assert status == 200 and b"<sparql" in body
    construct = urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?c a <https://w3id.org/svrdf/ns#Case> }"})
    status, _headers, body = get(f"{base}/sparql?{construct}", "text/turtle")
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) == 4


def test_xml_results_are_well_formed_or_refused(server):
    """A value XML 1.0 cannot hold (a query can make one) gets 400, not a broken document; any
    other, markup included, comes back well-formed and exact."""
    import xml.etree.ElementTree as ElementTree

    base, _ = server
    for value, expected in (("a<b>&c]]>", "a<b>&c]]>"), ("bell\\u0007", None)):
        query = urllib.parse.urlencode({"query": f'SELECT ?x WHERE {{ BIND("{value}" AS ?x) }}'})
        status, _, body = get(f"{base}/sparql?{query}", "application/sparql-results+xml")
        if expected is None:
            assert status == 400 and b"U+0007" in body and b"XML cannot hold" in body
        else:
            assert status == 200
            literal = ElementTree.fromstring(body).find(".//{http://www.w3.org/2005/sparql-results#}literal")
            assert literal.text == expected


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
    _status, _, body = get(base + "/catalog", "text/turtle")
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
    from svrdf.services.server import create_app

    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "studies" / "minimal", broken)
    # It reads, but B1 and A1 are one person with two genders: a SHACL violation.
    text = (broken / "participants.csv").read_text().replace("B1,fieldwork,K1,,Officer,,A1",
                                                             "B1,fieldwork,K1,,Officer,N,A1")
    (broken / "participants.csv").write_text(text)
    with pytest.raises(InvalidGraphError):
        create_app([broken], "http://127.0.0.1:8080/")


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


def test_absolute_urls_come_from_the_base_url_never_from_the_host_header(server):
    """By default the base URL is the address the server listens on, the port the system
    picked for --port 0 included; whatever Host a client sends is not repeated back."""
    base, _ = server
    construct = "CONSTRUCT WHERE { ?c a <https://w3id.org/svrdf/ns#Case> }"
    answers = {
        "/": get(base + "/", host="evil.example"),
        "/catalog": get(base + "/catalog", "text/turtle", host="evil.example"),
        "landing page": get(base + STUDY_PATH, "text/html", host="evil.example"),
        "resource": get(base + STUDY_PATH + "participant/IP8", "text/turtle", host="evil.example"),
        "/sparql": sparql_get(base, construct, "text/turtle", host="evil.example"),
    }
    for what, (status, headers, body) in answers.items():
        assert status in (200, 404), what
        assert "evil.example" not in str(headers) and b"evil.example" not in body, what
    links = answers["landing page"][1]["link"]
    assert f'<{base}{STUDY_PATH}datacite.xml>; rel="describedby"' in links
    catalog = Graph().parse(data=answers["/catalog"][2], format="turtle")
    assert (URIRef(base + "/catalog"), RDF.type, DCAT.Catalog) in catalog


def test_a_base_url_given_is_used_for_links_and_the_catalog(limited):
    base, _ = limited
    status, headers, _ = get(base + "/studies/minimal/", "text/html", host="evil.example")
    assert status == 200
    assert '<https://data.example.org/studies/minimal/study.ttl>; rel="describedby"' in headers["link"]
    _, _, body = get(base + "/catalog", "text/turtle")
    catalog = Graph().parse(data=body, format="turtle")
    assert (URIRef("https://data.example.org/catalog"), RDF.type, DCAT.Catalog) in catalog


def test_a_malformed_base_url_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "svrdf.cli", "serve", "--port", "0",
                             "--base-url", "data.example.org"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "the base URL must be http:// or https://" in result.stderr


def test_an_international_licence_host_is_signposted_as_a_uri(limited):
    base, _ = limited
    status, headers, _ = get(base + "/studies/minimal/", "text/html")
    assert status == 200
    assert '<https://lizenz.xn--bcher-kva.example/by/4.0>; rel="license"' in headers["link"]
    assert headers["link"].isascii()


def test_header_uri_keeps_uris_and_encodes_the_rest():
    from svrdf.services.server import header_uri

    assert header_uri("http://spdx.org/licenses/CC-BY-4.0") == "http://spdx.org/licenses/CC-BY-4.0"
    assert (header_uri("https://user@bücher.example:8443/pfad/über?q=ä#teil")
            == "https://user@xn--bcher-kva.example:8443/pfad/%C3%BCber?q=%C3%A4#teil")
    assert header_uri('https://example.org/a b<c>"d') == "https://example.org/a%20b%3Cc%3E%22d"
    assert header_uri("https://example.org/already%20encoded") == "https://example.org/already%20encoded"


def raw_request(base: str, message: bytes) -> bytes:
    """Send ``message`` as it is and return the start of the answer, without finishing it."""
    address = urllib.parse.urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(message)
        return sock.recv(4096)


def test_a_body_over_the_limit_is_refused_before_it_is_read(limited):
    base, _ = limited
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    # 100 MB declared, 64 KB sent: the answer comes from the declared length alone.
    declared = raw_request(base, head + b"Content-Length: 100000000\r\n\r\n" + b"#" * 65536)
    assert declared.startswith(b"HTTP/1.1 413")
    # Chunked, so no length is declared: counted as it comes, refused before it ends.
    chunk = b"258\r\n" + b"#" * 600 + b"\r\n"
    chunked = raw_request(base, head + b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 2)
    assert chunked.startswith(b"HTTP/1.1 413")
    status, _, body = get(base + "/sparql", data=b"x" * 1001, content_type="application/sparql-query")
    assert status == 413 and b"at most 1000 bytes" in body
    assert get(base + "/health")[0] == 200
    # A query within the limit is still answered, sent in a form.
    form = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    status, _, body = get(base + "/sparql", "application/sparql-results+json", data=form,
                          content_type="application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_queries_over_the_limit_are_turned_away_not_queued(limited):
    base, _ = limited
    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: sparql_get(base, SLOW_REGEX), range(3)))
    assert time.monotonic() - started < 10
    # --max-queries 1: one runs (until it is stopped), and the others are turned away at once.
    turned_away = [headers for status, headers, body in answers
                   if status == 503 and b"queries are running" in body]
    stopped = [body for status, _, body in answers if b"ran longer than 1 s" in body]
    assert turned_away and len(turned_away) + len(stopped) == 3
    assert all(headers["retry-after"] == "1" for headers in turned_away)
    assert sparql_get(base, "ASK {}")[0] == 200  # the slot is free again


def test_a_query_past_its_memory_limit_is_stopped_with_a_clear_answer(limited):
    base, _ = limited
    # Each REPLACE makes the string ten times longer: 100 MB at the end, past --query-memory 64.
    expression = '"aaaaaaaaaa"'
    for _ in range(7):
        expression = f'REPLACE({expression}, "a", "aaaaaaaaaa")'
    status, _, body = sparql_get(base, f"SELECT (STRLEN({expression}) AS ?n) {{}}")
    assert status == 503 and b"ran out of memory (the limit is 64 MB)" in body
    assert get(base + "/health")[0] == 200
    assert sparql_get(base, "ASK {}")[0] == 200


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_queries_run_in_processes_made_at_start_and_a_runaway_one_is_replaced(limited):
    """The server forks nothing once it runs (forking from a thread is unsafe): its one child
    forked the query processes at start-up, and forks the replacement of one that is killed."""
    base, server_process = limited
    [forker] = children(server_process.pid)
    [before] = children(forker)  # --max-queries 1
    assert sparql_get(base, "ASK {}")[0] == 200
    assert children(forker) == [before]  # an answered query keeps its process
    assert b"ran longer than 1 s" in sparql_get(base, SLOW_REGEX)[2]
    assert children(server_process.pid) == [forker]
    [after] = children(forker)
    assert after != before and not Path(f"/proc/{before}").exists()
    assert sparql_get(base, "ASK {}")[0] == 200


def test_csv_and_tsv_answers_defuse_formulas_and_json_is_exact(server):
    base, _ = server
    query = 'SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://e\\")" -5 } } ORDER BY ?v'
    _, _, body = sparql_get(base, query, "text/csv")
    assert list(csv.reader(io.StringIO(body.decode()))) == [
        ["v"], ["-5"], ["'=HYPERLINK(\"http://e\")"]]
    _, _, body = sparql_get(base, query, "text/tab-separated-values")
    assert body.decode().splitlines()[2] == '"\'=HYPERLINK(\\"http://e\\")"'
    _, _, body = sparql_get(base, query, "application/sparql-results+json")
    values = [row["v"]["value"] for row in json.loads(body)["results"]["bindings"]]
    assert values == ["-5", '=HYPERLINK("http://e")']


# Last, as it stops the module's server.
def test_a_query_slow_to_parse_holds_up_no_other_request(server):
    """Found in review: the server parsed each query itself, on its event loop, before its
    process did; a query of a hundred kilobytes held every client up for tens of seconds. It is
    parsed in its query process now, under its time limit."""
    base, _ = server
    slow = "SELECT ?s WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {n}" for n in range(8000)) + ") }"
    answers: list[int] = []
    sender = threading.Thread(target=lambda: answers.append(get(
        f"{base}/sparql", data=slow.encode(), content_type="application/sparql-query")[0]))
    sender.start()
    time.sleep(0.5)  # the slow query is being parsed by now
    started = time.perf_counter()
    status, _, _ = get(f"{base}/health")
    assert status == 200 and time.perf_counter() - started < 3
    sender.join(60)
    assert answers and answers[0] in (200, 400, 503)  # answered, within its own limits


def test_query_processes_hold_none_of_the_servers_sockets(server):
    """Found in review: the pool's processes, which run untrusted queries, kept the server's
    listening socket open. Each holds only its own end of its pipe to the server."""
    _, process = server

    def sockets(pid: int) -> set[str]:
        found = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:"):
                found.add(target)
        return found

    def descendants(pid: int) -> list[int]:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(c) for c in children] + [d for c in children for d in descendants(int(c))]

    pool = descendants(process.pid)
    assert len(pool) >= 2  # the forker and at least one query process
    held_by_server = sockets(process.pid)
    for pid in pool:
        assert not sockets(pid) & held_by_server, pid


def test_sigterm_shuts_down_gracefully_after_logging_each_request(server):
    base, process = server
    get(base + "/health")
    [forker] = children(process.pid)
    query_processes = children(forker)
    assert len(query_processes) == SERVE_MAX_QUERIES  # --max-queries's default
    process.send_signal(signal.SIGTERM)
    # uvicorn finishes the open requests, then exits by the signal it received (as svrdf's
    # handler reports it, 128 + the signal's number).
    assert process.wait(timeout=15) in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
    log = process.stderr.read()
    assert '"GET /health HTTP/1.1" 200' in log
    assert "Shutting down" in log and "Finished server process" in log
    # The query processes and their forker end with the server.
    assert not any(Path(f"/proc/{pid}").exists() for pid in (forker, *query_processes))



# ---------------------------------------------------------------- the index and the catalogue

@pytest.fixture(scope="module")
def catalogued():
    """Two studies of two publishers, in the catalogue catalog.yaml describes."""
    bundled = FIXTURES.parent.parent / "src" / "svrdf" / "studies" / "ordo-17147720"
    yield from serve(bundled, FIXTURES / "studies" / "housing-voices",
                     options=("--catalog", str(FIXTURES / "catalogs" / "caerwent.yaml")))


#: The catalogue's IRI, as catalog.yaml gives it.
CATALOGUE_IRI = URIRef("https://archive.caerwent.example.ac.uk/catalog")


def study_title(folder: Path) -> str:
    import yaml

    title = yaml.safe_load((folder / "study.yaml").read_text("utf-8"))["title"]
    return title if isinstance(title, str) else next(iter(title.values()))


def test_the_root_is_an_index_of_the_studies_and_in_rdf_their_catalogue(catalogued):
    """What svrdf prints as its address answers: each study's title linking to its page, its
    DOI, and the catalogue; a client asking for RDF gets the catalogue itself."""
    from html import escape

    base, _ = catalogued
    status, headers, body = get(base + "/", "text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode("utf-8")
    bundled = FIXTURES.parent.parent / "src" / "svrdf" / "studies" / "ordo-17147720"
    for folder in (FIXTURES / "studies" / "housing-voices", bundled):
        assert escape(study_title(folder)) in page
    assert f'href="{base}{STUDY_PATH}"' in page
    assert 'href="https://doi.org/10.21954/ou.rd.17147720"' in page
    assert f'href="{base}/catalog"' in page
    status, headers, body = get(base + "/", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    catalogue = Graph().parse(data=body, format="turtle")
    assert len(set(catalogue.objects(CATALOGUE_IRI, DCAT.dataset))) == 2


@pytest.mark.parametrize("accept, media, parser", [
    ("text/html", "text/html", None),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/ld+json", "application/ld+json", "json-ld"),
])
def test_the_catalogue_is_a_page_for_people_and_rdf_for_machines(catalogued, accept, media, parser):
    base, _ = catalogued
    status, headers, body = get(base + "/catalog", accept)
    assert status == 200 and headers["content-type"].startswith(media)
    if parser:
        graph = Graph().parse(data=body, format=parser)
        assert (CATALOGUE_IRI, RDF.type, DCAT.Catalog) in graph
    else:
        assert b"<h1>" in body and STUDY_PATH.encode() in body


def test_a_study_page_without_its_final_slash_redirects_to_it(catalogued):
    """To the address made from the base URL, whatever the Host header says."""
    import http.client

    base, _ = catalogued
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", STUDY_PATH.rstrip("/"), headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert response.status == 308 and response.getheader("Location") == base + STUDY_PATH
    connection.close()
    status, _, _ = get(base + STUDY_PATH.rstrip("/") + "x")
    assert status == 404


def test_the_served_catalogue_passes_dcat_ap(catalogued):
    base, _ = catalogued
    status, _, body = get(base + "/catalog", "text/turtle")
    assert status == 200
    graph = Graph().parse(data=body, format="turtle")
    assert dcat_ap_violations(graph) == []
    assert len(set(graph.objects(CATALOGUE_IRI, DCAT.dataset))) == 2


def test_signposting_levels_1_and_2_read_by_a_signposting_client(catalogued):
    """The signposting package (what FAIR assessors build on) reads the same links from the
    served page's Link header, its HTML and its linkset: the DOI, each metadata form with its
    type, the page's types, the ORCID author, the licence and the open file; each metadata
    resource and file points back at the page."""
    import signposting
    import yaml

    from svrdf.forms import FORMATS

    base, _ = catalogued
    housing = FIXTURES / "studies" / "housing-voices"
    spec = yaml.safe_load((housing / "study.yaml").read_text("utf-8"))
    page = base + urllib.parse.urlsplit(spec["base-iri"]).path
    forms = {f.filename: f.media_type for f in FORMATS.values()
             if f.filename not in ("index.html", "linkset.json")}
    readings = {"header": signposting.find_signposting_http(page),
                "html": signposting.find_signposting_html(page),
                "linkset": signposting.find_signposting_linkset(page + "linkset.json").for_context(page)}
    for how, found in readings.items():
        doi = next(i["value"] for i in spec["identifiers"] if i["scheme"] == "DOI")
        assert found.citeAs.target == f"https://doi.org/{doi}", how
        assert {(d.target, d.type) for d in found.describedBy} == {
            (page + name, media) for name, media in forms.items()}, how
        assert {t.target for t in found.types} == {"https://schema.org/Dataset", "https://schema.org/AboutPage"}
        assert {a.target for a in found.authors} == {f"https://orcid.org/{c['orcid']}"
                                                     for c in spec["creators"] if "orcid" in c}
        assert found.license.target == "http://spdx.org/licenses/" + spec["license"]
        assert {i.target for i in found.items} == {f["url"] for f in spec["files"] if "url" in f}, how
    assert {ls.target for ls in readings["header"].linksets} == {page + "linkset.json"}
    linkset = signposting.find_signposting_linkset(page + "linkset.json")
    for name in forms:
        assert {d.target for d in linkset.for_context(page + name).describes} == {page}
        assert {d.target for d in signposting.find_signposting_http(page + name).describes} == {page}
    for entry in spec["files"]:
        if "url" in entry:
            assert linkset.for_context(entry["url"]).collection.target == page
