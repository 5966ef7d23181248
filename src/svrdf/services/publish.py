"""``svrdf publish``: load study graphs into a triplestore by the SPARQL 1.1 Graph Store HTTP
Protocol, so that any conforming store (Oxigraph, Apache Jena Fuseki, GraphDB, Virtuoso) works.

Each study goes into its own named graph with ``PUT``, which replaces the graph: publishing
again never duplicates. Transient failures (connection errors, a request that outlives its
deadline, 429, 5xx) are retried with exponential backoff a bounded number of times. After each
load the graph is read back and its triples counted against what was sent.

Credentials come from the endpoint URL's ``user:password@``, else the environment, else
``.netrc``. No message shows them: every one is passed through :func:`redact`, and through
:func:`svrdf.terminal.printable`, since it may quote what the store said.
"""

from __future__ import annotations

import http.client
import netrc
import os
import queue
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph

from svrdf.errors import SvrdfError
from svrdf.terminal import printable

USER_VARIABLE = "SVRDF_PUBLISH_USER"
PASSWORD_VARIABLE = "SVRDF_PUBLISH_PASSWORD"
RETRIES = 4
FIRST_BACKOFF = 0.5
#: Seconds one request may take, from connecting to the store to the last byte of its answer.
DEADLINE = 300.0
#: How much of a text from the store (a reason phrase, an error body) a message quotes.
EXCERPT_CHARACTERS = 200
#: Enough bytes of an error body for EXCERPT_CHARACTERS characters of UTF-8, read no further.
EXCERPT_BYTES = 4 * EXCERPT_CHARACTERS

#: The characters RFC 3986 allows in a URL. Anything else (a space, a line break or another
#: control character, a letter outside ASCII, ``"<>\\^`{|}``) would be sent as is or mangled.
_URL = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")
#: The userinfo of a URL anywhere in a text. Like urlsplit, it ends at the authority's last "@".
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")
#: A query or fragment parameter whose name ends in a word that, in the common schemes, names
#: a credential: OAuth 2 tokens (access_token, refresh_token, id_token: RFC 6750 puts the
#: bearer token in the query), API keys (api_key, apikey, key), passwords and client secrets,
#: and the signatures of signed URLs (Azure SAS sig, AWS X-Amz-Signature, X-Amz-Credential and
#: X-Amz-Security-Token, X-Goog-Signature). Matching the ending rather than a list of exact
#: names hides a few harmless values too (monkey=...), which costs a message nothing. The value
#: runs to the next "&", "#" or space, so a quote or colon right after it is hidden with it.
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&;#][^=&#\s]*(?:token|key|secret|password|passwd|pwd|sig|signature|credential|auth)=)"
    r"[^&#\s\"<>]*")


def redact(text: str) -> str:
    """``text`` with the credentials of every URL in it hidden: the userinfo becomes ``***@``
    and the value of a parameter that carries a secret becomes ``***``."""
    return _SECRET_PARAMETER.sub(r"\1***", _USERINFO.sub(r"\1***@", text))


def _fit_to_show(message: str) -> str:
    return printable(redact(message), keep_newlines=False)


class PublishError(SvrdfError):
    """The endpoint is malformed, the store could not be reached, refused the graph, or holds
    something else after it."""

    exit_code = 2

    def __init__(self, message: str):
        # Redacted here, whatever built the message: an exception's text can quote a URL.
        super().__init__(_fit_to_show(message))


@dataclass(frozen=True)
class Endpoint:
    """A store's Graph Store endpoint, checked, with the credentials of its URL taken out."""

    #: Where requests go: the URL without its userinfo (and fragment).
    url: str
    #: The user and password of the URL's userinfo, percent-decoded.
    login: tuple[str, str] | None = field(repr=False)
    #: The URL for messages, its credentials redacted.
    shown: str

    def __str__(self) -> str:
        return self.shown

    @classmethod
    def parse(cls, text: str) -> Endpoint:
        """The endpoint ``text`` names, or a :class:`PublishError` saying what is wrong with it.
        The messages never quote ``text``: a malformed URL cannot be trusted to redact."""
        example = "such as http://localhost:7878/store"
        if not _URL.fullmatch(text):
            raise PublishError(f"the endpoint must be a URL, {example}, but it holds a "
                               "character no URL may: a space, a line break or other control "
                               "character, a letter outside ASCII, or one of \" < > \\ ^ ` { | } "
                               "(percent-encode it)")
        try:
            parts = urllib.parse.urlsplit(text)
        except ValueError:  # on ASCII text, urlsplit raises only for a host in brackets
            raise PublishError("the endpoint's host in brackets is not an IPv6 address in "
                               "brackets, such as http://[::1]:7878/store") from None
        if parts.scheme not in ("http", "https"):
            raise PublishError(f"the endpoint must be an http(s) URL, {example}")
        if not parts.hostname:
            raise PublishError(f"the endpoint names no host; give it as a URL {example}")
        try:
            port_is_valid = parts.port != 0  # None when the URL gives none
        except ValueError:  # not a number, or above 65535
            port_is_valid = False
        if not port_is_valid:
            raise PublishError("the endpoint's port must be a number from 1 to 65535")
        userinfo, _, host_and_port = parts.netloc.rpartition("@")
        login = ((urllib.parse.unquote(parts.username or ""),
                  urllib.parse.unquote(parts.password or "")) if userinfo else None)
        url = urllib.parse.urlunsplit((parts.scheme, host_and_port, parts.path, parts.query, ""))
        return cls(url, login, redact(text))


@dataclass(frozen=True)
class Published:
    graph: str
    sent: int
    stored: int


def credentials(endpoint: Endpoint) -> tuple[str, str] | None:
    """The user and password for the store: the endpoint URL's, which names this store alone;
    else the environment's, set for the session; else the ``.netrc`` entry of its host."""
    if endpoint.login is not None:
        return endpoint.login
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user and password is not None:
        return user, password
    host = urllib.parse.urlsplit(endpoint.url).hostname or ""
    try:
        entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    return (entry[0], entry[2]) if entry else None


def graph_url(endpoint_url: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(endpoint_url).query else "?"
    return f"{endpoint_url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def publish_graph(endpoint: Endpoint, graph_iri: str, graph: Graph, retries: int = RETRIES,
                  deadline: float = DEADLINE,
                  log: Callable[[str], None] = lambda message: None) -> Published:
    """Load ``graph`` into the named graph ``graph_iri`` and check the store holds it all.
    ``log`` is given each retry as a line fit to show: credentials redacted, control
    characters escaped."""
    url = graph_url(endpoint.url, graph_iri)
    exchange = _Exchange(url, credentials(endpoint), f"<{graph_iri}> at <{endpoint}>",
                         retries, deadline, log)
    exchange.send("PUT", graph.serialize(format="nt", encoding="utf-8"),
                  {"Content-Type": "application/n-triples"})
    answer = exchange.send("GET", None, {"Accept": "application/n-triples"})
    try:
        stored = Graph().parse(data=answer, format="nt")
    except Exception:  # rdflib's parsers raise several kinds of error for bad input
        raise PublishError(f"GET {exchange.subject}: the store did not answer with "
                           "N-Triples, so the load cannot be checked; is this its Graph Store "
                           "endpoint?") from None
    result = Published(graph_iri, len(graph), len(stored))
    if result.stored != result.sent:
        raise PublishError(f"the store holds {result.stored} triples in <{graph_iri}> after the "
                           f"load, not the {result.sent} sent")
    return result


class _DeadlinePassed(Exception):
    pass


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    #: The whole body of a success; the first EXCERPT_BYTES of an error's.
    body: bytes


@dataclass(frozen=True)
class _Exchange:
    """Requests to one graph of one store, each tried again after a transient failure."""

    url: str
    auth: tuple[str, str] | None = field(repr=False)
    #: The graph and endpoint as messages name them.
    subject: str
    retries: int
    deadline: float
    log: Callable[[str], None]

    def __post_init__(self) -> None:
        if self.retries < 0:  # a caller's mistake: say so rather than guess what it meant
            raise ValueError(f"retries must be 0 or more, not {self.retries}")

    def send(self, method: str, data: bytes | None, headers: dict[str, str]) -> bytes:
        """The body of the store's successful answer."""
        delay = FIRST_BACKOFF
        attempt = 0
        while True:  # returns, or raises on the last attempt
            try:
                answer = self._within_deadline(method, data, headers)
            except _DeadlinePassed:
                problem = f"no complete answer within {self.deadline:g} s"
            except (OSError, http.client.HTTPException) as error:
                # OSError covers urllib's URLError, whose reason is the socket's own error.
                problem = _excerpt(str(getattr(error, "reason", error)))
            except ValueError as error:  # urllib cannot answer the store's challenge (a Digest
                # algorithm it lacks): asking again would meet the same one
                raise PublishError(f"{method} {self.subject}: the store's answer cannot be "
                                   f"handled: {_excerpt(str(error))}") from None
            else:
                if 200 <= answer.status < 300:
                    return answer.body
                if answer.status in (401, 403):
                    refused = "the credentials" if self.auth else "access without credentials"
                    raise PublishError(f"{method} {self.subject}: the store refused {refused} "
                                       f"(HTTP {answer.status}); give them in the endpoint URL, "
                                       f"in {USER_VARIABLE} and {PASSWORD_VARIABLE}, or in a "
                                       ".netrc entry")
                problem = f"HTTP {answer.status} {_excerpt(answer.reason)}"
                if answer.status != 429 and answer.status < 500:
                    detail = _excerpt(answer.body.decode("utf-8", "replace"))
                    raise PublishError(f"{method} {self.subject}: {problem}: {detail}")
            if attempt >= self.retries:
                tries = attempt + 1
                raise PublishError(f"{method} {self.subject}: {problem}; gave up after {tries} "
                                   f"tr{'y' if tries == 1 else 'ies'}")
            self.log(_fit_to_show(f"{method} {self.subject}: {problem}; trying again in "
                                  f"{delay:g} s"))
            time.sleep(delay)
            delay *= 2
            attempt += 1

    def _within_deadline(self, method: str, data: bytes | None,
                         headers: dict[str, str]) -> _Answer:
        """The store's answer, or :class:`_DeadlinePassed` once ``deadline`` seconds are up.

        A socket's timeout bounds each wait for a byte, so a store that drips its answer a byte
        at a time never trips it. The request therefore runs in a thread of its own, which the
        caller waits for no longer than the deadline, whatever stage (name lookup, connection,
        TLS, request, answer) it is at. A thread left behind is a daemon, so it cannot keep
        svrdf from exiting, and its socket's timeout (the deadline too) ends it unless the
        store keeps dripping."""
        outcomes: queue.SimpleQueue[_Answer | Exception] = queue.SimpleQueue()

        def request() -> None:
            try:
                outcomes.put(self._request(method, data, headers))
            except Exception as error:  # handed to the caller, which tells transient from not
                outcomes.put(error)

        threading.Thread(target=request, name=f"svrdf {method}", daemon=True).start()
        try:
            outcome = outcomes.get(timeout=self.deadline)
        except queue.Empty:
            raise _DeadlinePassed from None
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _request(self, method: str, data: bytes | None, headers: dict[str, str]) -> _Answer:
        # A request and opener of its own: a thread left behind by its deadline may still use
        # its own, and urllib's are not for sharing between threads.
        request = urllib.request.Request(self.url, data=data, headers=headers, method=method)
        try:
            with _opener(self.url, self.auth).open(request, timeout=self.deadline) as response:
                return _Answer(response.status, response.reason, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return _Answer(error.code, error.reason, error.read(EXCERPT_BYTES))


def _opener(url: str, auth: tuple[str, str] | None) -> urllib.request.OpenerDirector:
    """Answers the store's challenge with Basic or Digest authentication (Virtuoso asks for
    Digest); without credentials, a plain opener."""
    if auth is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, *auth)
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords),
                                       urllib.request.HTTPDigestAuthHandler(passwords))


def _excerpt(text: str) -> str:
    """The start of a text svrdf did not write, on one line: a store's reply can be long."""
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARACTERS else text[:EXCERPT_CHARACTERS] + "…"
