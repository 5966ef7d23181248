"""``svrdf serve``: a read-only linked-data server for one or more studies.

Every IRI svrdf mints under a study's base IRI resolves here (the path of the base IRI is kept,
so a w3id redirect to this server makes the IRIs dereferenceable) through content negotiation
to Turtle, JSON-LD, N-Triples or the landing page. ``/sparql`` is a SPARQL 1.1 Protocol
endpoint, ``/catalog`` a DCAT catalogue of the studies, ``/health`` a liveness check.

Every absolute URL the server writes (signposting links, the catalogue's IRI) is built from
its base URL, never from the request's Host header, which any client can set. Each request is
bounded: its body in bytes, and each SPARQL query in time and memory, in a process of a
:class:`svrdf.services.query.QueryPool` made before the server starts a thread; a query past its limits
has its process killed and replaced. As many queries run at once as the pool has processes,
and the next is turned away with 503 rather than queued.

Built on Starlette and served by uvicorn, which logs one line per request and shuts down
gracefully on SIGTERM.
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from rdflib import Graph, URIRef
from rdflib.query import Result
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from svrdf.defaults import SERVE_MAX_BODY, SERVE_MAX_QUERIES, SERVE_MAX_RESULTS, SERVE_QUERY_MEMORY, SERVE_QUERY_TIMEOUT
from svrdf.errors import UsageError
from svrdf.forms import available_formats, graph_bytes
from svrdf.forms.landing_page import catalogue_page
from svrdf.forms.signposting import (
    LINKSET_FILE,
    LINKSET_MEDIA_TYPE,
    landing_page_signposts,
    linkset_bytes,
    metadata_files,
)
from svrdf.pipeline import load_checked, studies_catalogue, warn_without_publisher
from svrdf.rdf.mapping import StudyIris, new_graph
from svrdf.services.query import (
    QueriesBusy,
    QueryError,
    QueryFailed,
    QueryOutOfMemory,
    QueryPool,
    QueryTimeout,
    format_result,
    result_graph,
)
from svrdf.study.model import CatalogDescription, Study

#: Media types a resource can be served as, in the server's order of preference.
RDF_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdfxml",
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
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


@dataclass(frozen=True)
class Limits:
    """What one request may cost the server."""

    #: Seconds a SPARQL query may run (then 503).
    query_timeout: float = SERVE_QUERY_TIMEOUT
    #: Rows (or triples) a SPARQL answer may have (else 400).
    max_results: int = SERVE_MAX_RESULTS
    #: Bytes a request body may have (else 413).
    max_body: int = SERVE_MAX_BODY
    #: SPARQL queries that may run at once (more get 503).
    max_queries: int = SERVE_MAX_QUERIES
    #: Megabytes each query's process may allocate (then 503).
    query_memory: int = SERVE_QUERY_MEMORY


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
    for export in load_checked(directories, refusal="svrdf serves valid studies only"):
        study = export.study
        files = {f.filename: (f.media_type, export.serialize(f)) for f in available_formats(study)}
        served.append(ServedStudy(study, export.graph, StudyIris(study),
                                  urlsplit(study.base_iri).path, files))
    return served


def listening_url(host: str, port: int) -> str:
    """The URL of the server's root at the address it listens on."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def server_root(base_url: str) -> str:
    """The base URL without a final slash (or an empty ``?`` or ``#``), ready to have a path
    added, once it is known to be an http or https URL with a host and nothing after its path."""
    try:
        parts = urlsplit(base_url)
        well_formed = (parts.scheme in ("http", "https") and parts.hostname
                       and not parts.query and not parts.fragment)
    except ValueError:  # an unclosed [ of an IPv6 address
        well_formed = False
    if not well_formed:
        raise UsageError(f"the base URL must be http:// or https://, name a host and have no query "
                         f"or fragment; got {base_url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


#: The characters a URI may hold as they are: RFC 3986's reserved ones and '%' of the escapes
#: already made (quote() keeps letters, digits and "-._~" itself).
_URI_CHARACTERS = "!#$%&'()*+,/:;=?@[]"
#: An IRI's scheme and user (if any), its host name, and the rest.
_AUTHORITY = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://(?:[^/?#@]*@)?)([^/?#:\[]*)(.*)", re.DOTALL)


def header_uri(iri: str) -> str:
    """``iri`` as a URI, as an HTTP header needs (RFC 3987, 3.1): an international host name in
    IDNA (``xn--``), every other character a URI cannot hold percent-encoded as UTF-8."""
    parts = _AUTHORITY.fullmatch(iri)
    if parts and not parts[2].isascii():
        try:
            iri = parts[1] + parts[2].encode("idna").decode("ascii") + parts[3]
        except UnicodeError:  # not a name IDNA can write; percent-encoded below, as RFC 3986 allows
            pass
    return quote(iri, safe=_URI_CHARACTERS)


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


def create_app(directories: list[Path], base_url: str, limits: Limits = Limits(),
               catalog: CatalogDescription | None = None) -> Starlette:
    """The server's application for the studies in ``directories``, its absolute URLs under
    ``base_url``, the server's root as clients reach it, their catalogue as ``catalog``
    describes it (else svrdf's own).

    Its SPARQL queries run in ``limits.max_queries`` processes forked here, so call this before
    the process starts a thread (uvicorn's run does); they end when the application shuts
    down, or with the process."""
    root = server_root(base_url)
    studies = load_studies(directories)
    count = f"{len(studies)} qualitative stud{'y' if len(studies) == 1 else 'ies'}"
    catalogue = studies_catalogue(URIRef(root + "/catalog"), count, catalog)
    for served in studies:
        catalogue.add(served.study)
    warn_without_publisher(catalogue)
    catalogue_links = [(f"{root}/catalog", media) for media in (*RDF_MEDIA_TYPES, HTML)]
    catalogue_html = catalogue_page(
        catalogue.about, [(s.study, root + s.base_path) for s in studies],
        [(url, media) for url, media in catalogue_links if media != HTML])
    union = new_graph()
    for served in studies:
        union += served.graph
        if LINKSET_FILE in served.files:
            address = root + served.base_path
            served.files[LINKSET_FILE] = (LINKSET_MEDIA_TYPE, linkset_bytes(served.study, address, address))
    pool = QueryPool(union, limits.max_queries)

    def signposting(served: ServedStudy) -> str:
        """The landing page's Link header: FAIR Signposting level 1, and the linkset."""
        address = root + served.base_path
        described_by = [(address + name, media) for name, media in metadata_files(served.study)]
        links = [(href, f'rel="{rel}"' + (f'; type="{media}"' if media else ""))
                 for rel, href, media in landing_page_signposts(served.study, described_by)]
        if LINKSET_FILE in served.files:
            links.append((address + LINKSET_FILE, f'rel="linkset"; type="{LINKSET_MEDIA_TYPE}"'))
        return ", ".join(f"<{header_uri(str(target))}>; {params}" for target, params in links)

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

    def catalogue_response(request: Request) -> Response:
        """The catalogue, as a page for people or in RDF."""
        offered = [*RDF_MEDIA_TYPES, HTML]
        media = negotiate(request.headers.get("accept", ""), offered)
        if media is None:
            return not_acceptable(offered)
        links = {"Link": ", ".join(f'<{header_uri(url)}>; rel="alternate"; type="{kind}"'
                                   for url, kind in catalogue_links)}
        if media == HTML:
            return Response(catalogue_html, media_type="text/html; charset=utf-8",
                            headers={**links, "Vary": "Accept"})
        return Response(graph_bytes(catalogue.triples, RDF_MEDIA_TYPES[media]), media_type=media,
                        headers={**links, "Vary": "Accept"})

    async def resource(request: Request) -> Response:
        # The raw path keeps percent-encoding, as the IRIs do (participant/CB%209).
        path = request.scope.get("raw_path", b"").decode("ascii", "replace") or request.url.path
        path = path.split("?", 1)[0]
        slashed = next((s for s in studies if path + "/" == s.base_path), None)
        if slashed is not None:
            # A study's page without its final slash: sent to its address, made from the base
            # URL (never from the Host header).
            return RedirectResponse(root + slashed.base_path, status_code=308)
        served = next((s for s in studies if path.startswith(s.base_path)), None)
        if served is None:
            if path == "/":
                return catalogue_response(request)
            return PlainTextResponse("Not Found\n", status_code=404)
        rest = path[len(served.base_path):]
        if rest in served.files and rest != "index.html":
            file_media, body = served.files[rest]
            # Each metadata resource points back at the page it describes (Signposting).
            back = f'<{header_uri(root + served.base_path)}>; rel="describes"; type="text/html"'
            return Response(body, media_type=file_media, headers={"Link": back})
        offered = [*RDF_MEDIA_TYPES, HTML]
        if rest in ("", "index.html"):
            graph, headers = served.graph, {"Link": signposting(served)}
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
            if kind not in (FORM, SPARQL_QUERY):
                return PlainTextResponse("Unsupported Media Type: send application/sparql-query or "
                                         "a form with 'query'\n", status_code=415)
            body = await _read_body(request, limits.max_body)
            if body is None:
                return PlainTextResponse(f"Content Too Large: a request may send at most "
                                         f"{limits.max_body} bytes\n", status_code=413)
            text: str | None = body.decode("utf-8", "replace")
            if kind == FORM:
                form = parse_qs(text)
                if "update" in form:
                    return _refuse_update()
                text = form.get("query", [None])[0]
        else:
            if "update" in request.query_params:
                return _refuse_update()
            text = request.query_params.get("query")
        if not text:
            return PlainTextResponse("Bad Request: no 'query' given\n", status_code=400)
        try:
            # In a thread, so the event loop answers other clients while the query runs; the
            # query's process is taken and given back (or replaced) in the same thread. The
            # query is parsed there too, under its limits: a huge one costs its own process.
            media, body = await run_in_threadpool(
                pool.run, text,
                partial(_render, request.headers.get("accept", ""), limits.max_results),
                limits.query_timeout, limits.query_memory)
        except _NotAcceptable as error:
            return not_acceptable(error.offered)
        except QueriesBusy as error:
            # Turned away, not queued: a queue would hold every waiting client's connection and
            # answer them later than a retry would. By the time given, a slot has come free.
            return PlainTextResponse(
                f"Service Unavailable: {error}; try again later\n",
                status_code=503, headers={"Retry-After": str(math.ceil(limits.query_timeout))})
        except QueryError as error:
            if "updates are refused" in error.message:
                return PlainTextResponse(f"{error.message}\n", status_code=403)
            return PlainTextResponse(f"Bad Request: {error}\n", status_code=400)
        except (QueryTimeout, QueryOutOfMemory) as error:
            return PlainTextResponse(f"Service Unavailable: {error}\n", status_code=503)
        except QueryFailed as error:
            return PlainTextResponse(f"Internal Server Error: {error}\n", status_code=500)
        return Response(body, media_type=media)

    async def catalog_page(request: Request) -> Response:
        return catalogue_response(request)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "studies": len(studies), "triples": len(union)})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            pool.close()

    routes = [
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/catalog", catalog_page),
        Route("/{path:path}", resource),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _refuse_update() -> Response:
    return PlainTextResponse("Forbidden: this endpoint is read-only; SPARQL updates are refused\n",
                             status_code=403)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None if it is longer than ``limit`` bytes, in which case the rest
    is never read: a declared length is checked before any of the body, a chunked body counted
    as it arrives."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


class _NotAcceptable(QueryError):
    """No media type the client accepts is one the query's answer comes in."""

    @property
    def offered(self) -> list[str]:
        return self.message.split(": ", 1)[1].split(", ")


def _render(accept: str, max_results: int, result: Result) -> tuple[str, bytes]:
    """What the query's process makes of its result: the media type the client's Accept header
    prefers among those of the answer's kind (a graph's or a table's), and the answer's bytes
    in it; or a :class:`QueryError` when it has more than ``max_results`` rows or triples. A
    function of the module, so that (partially applied) it can be sent to the query's
    process."""
    is_graph = result.type in ("CONSTRUCT", "DESCRIBE")
    offered = list(RDF_MEDIA_TYPES if is_graph else RESULT_MEDIA_TYPES)
    media = negotiate(accept, offered)
    if media is None:
        raise _NotAcceptable(f"this resource is available as: {', '.join(offered)}")
    if is_graph:
        graph = result_graph(result)
        if len(graph) > max_results:
            raise QueryError(f"the result has more than {max_results} triples; narrow the query")
        return media, graph_bytes(graph, RDF_MEDIA_TYPES[media])
    if result.type == "SELECT" and len(result.bindings) > max_results:
        raise QueryError(f"the result has more than {max_results} rows; add a LIMIT")
    return media, format_result(result, RESULT_MEDIA_TYPES[media])
