"""A record's JSON fetched from a repository's public API: only when the user asks for it
(``svrdf import figshare --id``, ``svrdf import datacite --doi``), with a timeout, a size limit
and a message that says what to do offline."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

from svrdf import __version__
from svrdf.errors import SvrdfError

#: The public APIs' addresses (``--api`` gives another, such as a repository's own).
APIS = {"figshare": "https://api.figshare.com/v2", "datacite": "https://api.datacite.org"}
MAX_RESPONSE_BYTES = 10 * 1024 * 1024


class FetchError(SvrdfError):
    """The API could not be reached, or did not give the record."""

    exit_code = 2


def record_url(kind: str, identifier: str, api: str | None = None) -> str:
    """The API address of a Figshare article (by its id) or a DataCite DOI."""
    base = (api or APIS[kind]).rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise FetchError(f"--api {base!r}: expected an http:// or https:// address")
    if kind == "figshare":
        if not re.fullmatch(r"\d{1,12}", identifier):
            raise FetchError(f"--id {identifier!r}: a Figshare article id is a number (17147720)")
        return f"{base}/articles/{identifier}"
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", identifier.strip(), flags=re.IGNORECASE)
    if not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
        raise FetchError(f"--doi {identifier!r}: expected a DOI such as 10.21954/ou.rd.17147720")
    return f"{base}/dois/{quote(doi, safe='')}"


def fetch(url: str, timeout: float = 30.0) -> str:
    """The body of ``url`` (JSON, as text). Raises :class:`FetchError` with what went wrong."""
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": f"svrdf/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # http(s) only: record_url checks
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        what = "no such record" if exc.code == 404 else f"the API answered HTTP {exc.code}"
        raise FetchError(f"{url}: {what}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot reach {urlsplit(url).netloc}: {reason}. svrdf is offline unless "
                         "asked; without a network, save the record's JSON and import the file") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise FetchError(f"{url}: the answer is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise FetchError(f"{url}: the answer is not UTF-8 text") from None
