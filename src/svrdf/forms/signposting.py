"""FAIR Signposting: the typed links from a study's landing page to what a machine needs (its
persistent identifier, its metadata in each form, its type, authors, licence and files), and
back from each of those to the page.

Level 1 is the landing page's ``<link>`` elements and, when served, its HTTP ``Link`` header;
level 2 is the linkset (RFC 9264, ``application/linkset+json``) that holds them all, with the
links back (``describes`` from each metadata resource, ``collection`` from each file), as
``linkset.json`` in the bundle. The three come from :func:`landing_page_signposts`, so they
cannot disagree.

The bundle's linkset names the landing page and the metadata files by references relative to
itself (``./``, ``study.ttl``), which resolve wherever the bundle is hosted, as long as its
files stay together beside a repository's own record. ``svrdf serve`` serves one with the
absolute addresses it knows: some clients resolve a reference against its context's anchor
rather than the linkset's address, which for a file elsewhere gives another page.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import BinaryIO, NamedTuple

from rdflib import Graph

from svrdf.forms.registry import available_formats, register
from svrdf.rdf.mapping import StudyIris, Triple
from svrdf.study.model import Study

LINKSET_FILE = "linkset.json"
LINKSET_MEDIA_TYPE = "application/linkset+json"
#: What a landing page is, by Signposting's ``type`` relation.
PAGE_TYPES = ("https://schema.org/Dataset", "https://schema.org/AboutPage")


class Signpost(NamedTuple):
    rel: str
    href: str
    media_type: str | None = None


def metadata_files(study: Study) -> list[tuple[str, str]]:
    """The bundle's metadata resources, as (file name, media type): every form the study has
    but the landing page itself and the linkset."""
    return [(f.filename, f.media_type) for f in available_formats(study)
            if f.media_type != "text/html" and f.filename != LINKSET_FILE]


def landing_page_signposts(study: Study, described_by: Iterable[tuple[str, str]]) -> list[Signpost]:
    """The level 1 links of the study's landing page, ``described_by`` being its metadata
    resources (address, media type) as the caller addresses them."""
    signposts = []
    if study.doi:
        signposts.append(Signpost("cite-as", str(StudyIris(study).dataset)))
    signposts += [Signpost("describedby", href, media) for href, media in described_by]
    signposts += [Signpost("type", page_type) for page_type in PAGE_TYPES]
    signposts += [Signpost("author", person.orcid) for person in study.creators if person.orcid]
    if study.license:
        signposts.append(Signpost("license", study.license.iri))
    signposts += [Signpost("item", f.url, f.media_type) for f in study.files if f.url]
    return signposts


def linkset(study: Study, page: str = "./", address: str = "") -> dict:
    """The study's linkset: the landing page ``page`` with its links, each metadata resource
    (its file name after ``address``) described by it, each file in its collection."""
    described_by = [(address + name, media) for name, media in metadata_files(study)]
    signposts = landing_page_signposts(study, described_by)
    page_links: dict[str, list[dict[str, str]]] = {}
    for rel, href, media in signposts:
        page_links.setdefault(rel, []).append({"href": href, **({"type": media} if media else {})})
    contexts = [{"anchor": page, **page_links}]
    contexts += [{"anchor": href, "describes": [{"href": page, "type": "text/html"}]}
                 for href, _ in described_by]
    contexts += [{"anchor": href, "collection": [{"href": page, "type": "text/html"}]}
                 for rel, href, _ in signposts if rel == "item"]
    return {"linkset": contexts}


def linkset_bytes(study: Study, page: str = "./", address: str = "") -> bytes:
    return (json.dumps(linkset(study, page, address), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@register("linkset", LINKSET_FILE, LINKSET_MEDIA_TYPE,
          "the FAIR Signposting linkset (level 2, RFC 9264)", aliases=("signposting",))
def write_linkset(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    out.write(linkset_bytes(study))
