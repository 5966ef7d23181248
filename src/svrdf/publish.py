"""``svrdf publish``: load study graphs into a triplestore by the SPARQL 1.1 Graph Store HTTP
Protocol, so that any conforming store (Oxigraph, Apache Jena Fuseki, GraphDB, Virtuoso) works.

Each study goes into its own named graph with ``PUT``, which replaces the graph: publishing
again never duplicates. Transient failures (connection errors, 429, 5xx) are retried with
exponential backoff a bounded number of times. After each load the graph is read back and its
triples counted against what was sent. Credentials come from the environment or ``.netrc``,
never from the command line.
"""

from __future__ import annotations

import netrc
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph

from .errors import SvrdfError

USER_VARIABLE = "SVRDF_PUBLISH_USER"
PASSWORD_VARIABLE = "SVRDF_PUBLISH_PASSWORD"
RETRIES = 4
FIRST_BACKOFF = 0.5
REQUEST_TIMEOUT = 60.0


class PublishError(SvrdfError):
    """The store could not be reached, refused the graph, or holds something else after it."""

    exit_code = 2


@dataclass(frozen=True)
class Published:
    graph: str
    sent: int
    stored: int


def credentials(endpoint: str) -> tuple[str, str] | None:
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user and password is not None:
        return user, password
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    try:
        entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    return (entry[0], entry[2]) if entry else None


def graph_url(endpoint: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"


def publish_graph(endpoint: str, graph_iri: str, graph: Graph, retries: int = RETRIES,
                  log: Callable[[str], None] = lambda message: None) -> Published:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"expected the store's endpoint as an http(s) URL, such as "
                           f"http://localhost:7878/store; got {endpoint!r}")
    body = graph.serialize(format="nt", encoding="utf-8")
    url = graph_url(endpoint, graph_iri)
    auth = credentials(endpoint)
    _send("PUT", url, auth, retries, log, data=body, content_type="application/n-triples")
    answer = _send("GET", url, auth, retries, log, accept="application/n-triples")
    try:
        stored = Graph().parse(data=answer, format="nt")
    except Exception:  # rdflib's parsers raise several kinds of error for bad input
        raise PublishError(f"GET {url}: the store did not answer with N-Triples, so the load "
                           "cannot be checked; is this its Graph Store endpoint?") from None
    result = Published(graph_iri, len(graph), len(stored))
    if result.stored != result.sent:
        raise PublishError(f"the store holds {result.stored} triples in <{graph_iri}> after the "
                           f"load, not the {result.sent} sent")
    return result


def _opener(url: str, auth: tuple[str, str] | None) -> urllib.request.OpenerDirector:
    """Answers the store's challenge with Basic or Digest authentication (Virtuoso asks for
    Digest); without credentials, a plain opener."""
    if auth is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, *auth)
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords),
                                       urllib.request.HTTPDigestAuthHandler(passwords))


def _send(method: str, url: str, auth: tuple[str, str] | None, retries: int,
          log: Callable[[str], None],
          data: bytes | None = None, content_type: str | None = None,
          accept: str | None = None) -> bytes:
    request = urllib.request.Request(url, data=data, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    if accept:
        request.add_header("Accept", accept)
    opener = _opener(url, auth)
    delay = FIRST_BACKOFF
    for attempt in range(retries + 1):  # returns or raises on the last attempt
        try:
            with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise PublishError(f"{method} {url}: the store refused the credentials "
                                   f"(HTTP {error.code}); set {USER_VARIABLE} and "
                                   f"{PASSWORD_VARIABLE}, or a .netrc entry") from None
            if error.code != 429 and error.code < 500:
                detail = error.read(300).decode("utf-8", "replace").strip()
                raise PublishError(f"{method} {url}: HTTP {error.code} {error.reason}: {detail}") from None
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            problem = str(getattr(error, "reason", error))
        if attempt == retries:
            raise PublishError(f"{method} {url}: {problem}; gave up after {retries + 1} tries")
        log(f"{method} {url}: {problem}; trying again in {delay:g} s")
        time.sleep(delay)
        delay *= 2
