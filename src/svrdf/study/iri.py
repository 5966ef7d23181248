"""One check of the IRIs a study gives (its base IRI, licence, landing pages, DOIs...), made
when the study is read, so that a malformed one is a located message and never a failure
further on: in a writer, in an HTTP header, or in a catalogue that rejects the record.

The syntax is RFC 3987's, as Oxigraph parses it (percent escapes, IPv6 literals, ports); the
host must also be one a resolver can be asked for (IDNA labels of 1 to 63 characters)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyoxigraph

MAX_IRI_CHARS = 2048
MAX_LABEL_CHARS = 63
MAX_HOST_CHARS = 253


def iri_problem(text: str) -> str | None:
    """What is wrong with ``text`` as an absolute http(s) IRI, or None if nothing is."""
    if len(text) > MAX_IRI_CHARS:
        return f"it is {len(text):,} characters long; an address may have at most {MAX_IRI_CHARS:,}"
    try:
        pyoxigraph.NamedNode(text)
    except ValueError as exc:
        return f"it is not a well-formed IRI ({str(exc).rstrip('.')})"
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        return "it is not an http(s) address"
    try:
        parts.port  # noqa: B018 - urllib checks the port's range when it is read
    except ValueError:
        return "its port is not a number from 0 to 65535"
    host = parts.hostname
    if not host:
        return "it has no host name"
    if "@" in parts.netloc:
        return "it holds a user name or password, which a published address must not"
    if parts.netloc.rpartition("@")[2].startswith("["):
        return None  # an IPv6 literal, which Oxigraph has checked
    return _host_problem(host)


def _host_problem(host: str) -> str | None:
    if "%" in host:
        return "its host name holds a percent escape; write the name itself"
    labels = host.rstrip(".").split(".")
    if any(not label for label in labels):
        return "its host name has an empty label (two dots in a row, or a leading dot)"
    if any(len(label) > MAX_LABEL_CHARS for label in labels):
        return f"a label of its host name is longer than {MAX_LABEL_CHARS} characters"
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return "its host name is not a valid internationalised domain name"
    if len(ascii_host) > MAX_HOST_CHARS:
        return f"its host name is longer than {MAX_HOST_CHARS} characters"
    return None
