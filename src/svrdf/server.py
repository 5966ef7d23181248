"""``svrdf serve``: a read-only linked-data server for one or more studies.

Every IRI svrdf mints under a study's base IRI resolves here (the path of the base IRI is kept,
so a w3id redirect to this server makes the IRIs dereferenceable) through content negotiation
to Turtle, JSON-LD, N-Triples or the landing page. ``/sparql`` is a SPARQL 1.1 Protocol
endpoint, ``/catalog`` a DCAT catalogue of the studies, ``/health`` a liveness check.

Built on Starlette and served by uvicorn, which logs one line per request and shuts down
gracefully on SIGTERM. Each SPARQL query runs in a forked process, so one past its time limit
is killed rather than left running.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph, Literal, URIRef
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .dcat import dcat_graph
from .defaults import SERVE_MAX_RESULTS, SERVE_QUERY_TIMEOUT
from .errors import InvalidGraphError
from .formats import available_formats, graph_bytes
from .mapping import StudyIris, new_graph
from .model import Study
from .pipeline import check, study_graphs
from .query import QueryError, format_result, prepare
from .vocab import DCAT, DCTERMS, RDF

#: Media types a resource can be served as, in the server's order of preference.
RDF_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
HTML = "text/html"
#: SPARQL result media types for SELECT and ASK.
RESULT_MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
}


@dataclass
class ServedStudy:
    study: Study
    graph: Graph
    iris: StudyIris
    #: The base IRI's path, percent-encoded as in the IRIs, where the study is served.
    base_path: str
    #: The study's other forms, made once: file name in the bundle -> (media type, bytes).
    files: dict[str, tuple[str, bytes]]


def load_studies(directories: list[Path]) -> list[ServedStudy]:
    """Load, validate and render each study once. A study with a violation is not served."""
    served = []
    for directory, study, graph in study_graphs(directories):
        report = check(study, graph)
        if report.violations:
            raise InvalidGraphError(f"{directory}: the study graph has {report.summary()}; "
                                    "svrdf serves valid studies only", report)
        files = {f.filename: (f.media_type, f.serialize(study, graph)) for f in available_formats(study)}
        served.append(ServedStudy(study, graph, StudyIris(study), urlsplit(study.base_iri).path, files))
    return served


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured), or None."""
    if not accept.strip():
        return offered[0]
    choices = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, quality = fields[0].lower(), 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    quality = float(field[2:])
                except ValueError:
                    quality = 0.0
        choices.append((quality, -position, media))
    for quality, _, media in sorted(choices, reverse=True):
        if quality <= 0:
            continue
        for candidate in offered:
            kind, _, sub = media.partition("/")
            if media in ("*/*", candidate) or (sub == "*" and candidate.startswith(kind + "/")):
                return candidate
    return None


def create_app(directories: list[Path], query_timeout: float = SERVE_QUERY_TIMEOUT,
               max_results: int = SERVE_MAX_RESULTS) -> Starlette:
    studies = load_studies(directories)
    union = new_graph()
    for served in studies:
        union += served.graph

    def signposting(served: ServedStudy, base_url: str) -> str:
        links = []
        if served.study.doi:
            links.append(f'<{served.iris.dataset}>; rel="cite-as"')
        links += [f'<{base_url}{name}>; rel="describedby"; type="{media}"'
                  for name, (media, _) in served.files.items() if media != "text/html"]
        links += ['<https://schema.org/Dataset>; rel="type"', '<https://schema.org/AboutPage>; rel="type"']
        links += [f'<{p.orcid}>; rel="author"' for p in served.study.creators if p.orcid]
        if served.study.license:
            links.append(f'<{served.study.license.iri}>; rel="license"')
        return ", ".join(links)

    def describe(served: ServedStudy, iri: URIRef) -> Graph:
        graph = new_graph()
        for triple in served.graph.triples((iri, None, None)):
            graph.add(triple)
        return graph

    def rdf_response(graph: Graph, media: str) -> Response:
        return Response(graph_bytes(graph, RDF_MEDIA_TYPES[media]), media_type=media,
                        headers={"Vary": "Accept"})

    def not_acceptable(offered: list[str]) -> Response:
        return PlainTextResponse(f"Not Acceptable: this resource is available as {', '.join(offered)}\n",
                                 status_code=406, headers={"Vary": "Accept"})

    async def resource(request: Request) -> Response:
        # The raw path keeps percent-encoding, as the IRIs do (participant/CB%209).
        path = request.scope.get("raw_path", b"").decode("ascii", "replace") or request.url.path
        path = path.split("?", 1)[0]
        served = next((s for s in studies if path.startswith(s.base_path)), None)
        if served is None:
            return PlainTextResponse("Not Found\n", status_code=404)
        rest = path[len(served.base_path):]
        if rest in served.files and rest != "index.html":
            media, body = served.files[rest]
            return Response(body, media_type=media)
        offered = [*RDF_MEDIA_TYPES, HTML]
        if rest in ("", "index.html"):
            page_url = str(request.url.replace(path=served.base_path, query=""))
            graph, headers = served.graph, {"Link": signposting(served, page_url)}
        else:
            graph = describe(served, URIRef(served.study.base_iri + rest))
            if not len(graph):
                return PlainTextResponse("Not Found\n", status_code=404)
            headers = {}
        media = negotiate(request.headers.get("accept", ""), offered)
        if media is None:
            return not_acceptable(offered)
        if media == HTML:
            return Response(served.files["index.html"][1], media_type="text/html; charset=utf-8",
                            headers={**headers, "Vary": "Accept"})
        response = rdf_response(graph, media)
        response.headers.update(headers)
        return response

    async def sparql(request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return PlainTextResponse("Method Not Allowed: this endpoint is read-only; use GET or "
                                     "POST with a query\n", status_code=405,
                                     headers={"Allow": "GET, POST"})
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/sparql-update":
                return _refuse_update()
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs((await request.body()).decode("utf-8", "replace"))
                if "update" in form:
                    return _refuse_update()
                text = form.get("query", [None])[0]
            elif kind == "application/sparql-query":
                text = (await request.body()).decode("utf-8", "replace")
            else:
                return PlainTextResponse("Unsupported Media Type: send application/sparql-query or "
                                         "a form with 'query'\n", status_code=415)
        else:
            if "update" in request.query_params:
                return _refuse_update()
            text = request.query_params.get("query")
        if not text:
            return PlainTextResponse("Bad Request: no 'query' given\n", status_code=400)
        try:
            kind = prepare(text).algebra.name
        except QueryError as error:
            status = 403 if "updates are refused" in error.message else 400
            return PlainTextResponse(f"{error.message}\n", status_code=status)
        offered = (list(RDF_MEDIA_TYPES) if kind in ("ConstructQuery", "DescribeQuery")
                   else list(RESULT_MEDIA_TYPES))
        media = negotiate(request.headers.get("accept", ""), offered)
        if media is None:
            return not_acceptable(offered)
        # In a worker thread, so the event loop answers other clients while the query runs.
        status, body = await run_in_threadpool(_run_isolated, union, text, media, query_timeout,
                                               max_results)
        if status != 200:
            return PlainTextResponse(body.decode("utf-8"), status_code=status)
        return Response(body, media_type=media)

    async def catalog(request: Request) -> Response:
        graph = new_graph()
        graph.bind("foaf", "http://xmlns.com/foaf/0.1/")
        node = URIRef(str(request.url.replace(query="")))
        graph.add((node, RDF.type, DCAT.Catalog))
        graph.add((node, DCTERMS.title, Literal("Studies served by svrdf")))
        graph.add((node, DCTERMS.description, Literal(
            f"A catalogue of the {len(studies)} qualitative stud{'y' if len(studies) == 1 else 'ies'} "
            "this svrdf server publishes.")))
        for served in studies:
            graph.add((node, DCAT.dataset, served.iris.dataset))
            graph += dcat_graph(served.study)
        media = negotiate(request.headers.get("accept", ""), list(RDF_MEDIA_TYPES))
        if media is None:
            return not_acceptable(list(RDF_MEDIA_TYPES))
        return rdf_response(graph, media)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "studies": len(studies), "triples": len(union)})

    routes = [
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/catalog", catalog),
        Route("/{path:path}", resource),
    ]
    return Starlette(routes=routes)


def _refuse_update() -> Response:
    return PlainTextResponse("Forbidden: this endpoint is read-only; SPARQL updates are refused\n",
                             status_code=403)


def _run_isolated(graph: Graph, text: str, media: str, timeout: float,
                  max_results: int) -> tuple[int, bytes]:
    """Run the query in a forked child, which sees the loaded graphs without copying them, and
    kill it when it passes the time limit."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_query_child, args=(sender, graph, text, media, max_results),
                            daemon=True)
    child.start()
    sender.close()
    if receiver.poll(timeout):
        try:
            status, body = receiver.recv()
        except EOFError:
            status, body = 500, b"the query process ended without an answer\n"
    else:
        child.kill()
        status, body = 503, f"Service Unavailable: the query ran longer than {timeout:g} s\n".encode()
    child.join(1)
    receiver.close()
    return status, body


def _query_child(sender, graph: Graph, text: str, media: str, max_results: int) -> None:
    try:
        result = graph.query(prepare(text))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            if len(result.graph) > max_results:
                sender.send((400, f"Bad Request: the result has more than {max_results} triples; "
                                  "narrow the query\n".encode()))
                return
            body = graph_bytes(result.graph, RDF_MEDIA_TYPES[media])
        else:
            if result.type == "SELECT" and len(result.bindings) > max_results:
                sender.send((400, f"Bad Request: the result has more than {max_results} rows; "
                                  "add a LIMIT\n".encode()))
                return
            fmt = RESULT_MEDIA_TYPES[media]
            body = result.serialize(format="xml") if fmt == "xml" else format_result(result, fmt)
        sender.send((200, body))
    except Exception as exc:
        sender.send((500, f"Internal Server Error: the query failed: {exc}\n".encode()))
    finally:
        sender.close()
