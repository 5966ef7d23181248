"""The controlled vocabularies svrdf maps study fields to, read from the CSV tables in
``ontology/vocabularies/`` (which a curator can review and extend): the DDI Mode of Collection
terms, the COAR access rights, the attributes a study records of its participants (with the DPV
personal data category of each), the DPV processing each consented access allows, the licence
addresses that have an SPDX identifier, and the two-letter ISO 639-1 languages with their ISO
639-2/T codes.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from urllib.parse import urlsplit

from svrdf.resources import vocabulary_file

SPDX_LICENSES = "http://spdx.org/licenses/"


@dataclass(frozen=True)
class Term:
    """A term of a controlled vocabulary: what a study file writes, its label and its IRI."""

    notation: str
    label: str
    iri: str
    description: str = ""


# Each table is read once and shared by every caller, so each is a read-only view.


@cache
def _table(name: str) -> Mapping[str, Term]:
    with open(vocabulary_file(name), encoding="utf-8", newline="") as handle:
        return MappingProxyType({row[_KEY[name]]: Term(row[_KEY[name]], row["label"], row["iri"],
                                                       row.get("description", ""))
                                 for row in csv.DictReader(handle)})


_KEY = {"ddi-mode-of-collection": "notation", "coar-access-rights": "key",
        "participant-attributes": "attribute", "dpv-consented-access": "key",
        "dpv-personal-data": "attribute"}


def participant_attributes() -> Mapping[str, Term]:
    """What a study may record of each participant (phase, case, sector, role, gender), each
    with the property that holds it: schema.org's variableMeasured."""
    return _table("participant-attributes")


def personal_data_categories() -> Mapping[str, Term]:
    """The DPV personal data category of each attribute a study may publish of its participants."""
    return _table("dpv-personal-data")


def consented_processing() -> Mapping[str, Term]:
    """The DPV processing that each access a participant may consent to (``open``,
    ``restricted``, ``metadata-only``) allows of the data."""
    return _table("dpv-consented-access")


def modes_of_collection() -> Mapping[str, Term]:
    """The DDI Mode of Collection vocabulary, by notation (``Interview.FaceToFace``)."""
    return _table("ddi-mode-of-collection")


def access_rights() -> Mapping[str, Term]:
    """The COAR access rights, by the key a study writes (``open``, ``embargoed``, ...)."""
    return _table("coar-access-rights")


@cache
def _licence_urls() -> Mapping[str, str]:
    with open(vocabulary_file("licence-urls"), encoding="utf-8", newline="") as handle:
        return MappingProxyType({row["url"]: row["spdx"] for row in csv.DictReader(handle)})


def _url_key(url: str) -> str:
    """A licence address without what varies between its spellings: the scheme, ``www.``,
    a ``legalcode`` page, a trailing slash."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/").removesuffix(".html").removesuffix("/legalcode")
    return parts.netloc.lower().removeprefix("www.") + path


def spdx_id_of_url(url: str) -> str | None:
    """The SPDX identifier of a licence's address, where svrdf knows it: an SPDX page
    (``https://spdx.org/licenses/MIT.html``) or a known licence's own address."""
    parts = urlsplit(url)
    if parts.netloc.lower().removeprefix("www.") == "spdx.org" and parts.path.startswith("/licenses/"):
        name = parts.path.removeprefix("/licenses/").removesuffix(".html").removesuffix(".json")
        return canonical_spdx_id(name)
    return _licence_urls().get(_url_key(url))


@cache
def _spdx_licensing():
    # Imported here, and made once: its licence index takes a moment to load, and a study that
    # gives its licence as an address never needs it.
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@cache
def canonical_spdx_id(text: str) -> str | None:
    """``text`` as an SPDX licence identifier in its registered spelling (``cc-by-4.0`` gives
    ``CC-BY-4.0``), or None if SPDX has no licence of that identifier. One licence only: an
    expression such as ``MIT OR Apache-2.0`` is not an identifier."""
    if not text or any(char.isspace() or char in "()" for char in text):
        return None
    result = _spdx_licensing().validate(text)
    if result.errors or not result.normalized_expression:
        return None
    return str(result.normalized_expression)


@cache
def _two_letter_languages() -> Mapping[str, str]:
    with open(vocabulary_file("iso-639-1"), encoding="utf-8", newline="") as handle:
        return MappingProxyType({row["code"]: row["alpha3"] for row in csv.DictReader(handle)})


def standard_language_tag(tag: str) -> str | None:
    """``tag`` in its standard form (``EN`` gives ``en``), or None if it is not a language tag
    of ISO 639 / BCP 47. A plain two-letter language is looked up in svrdf's table of them;
    any other tag (``en-GB``, ``yue``) is checked by langcodes against the IANA registry, which
    takes a moment to load."""
    if tag.lower() in _two_letter_languages():
        return tag.lower()
    import langcodes

    return str(langcodes.standardize_tag(tag)) if langcodes.tag_is_valid(tag) else None


def language_code_3(tag: str) -> str:
    """The ISO 639-2/T code of a standard language tag's language (``cy`` gives ``cym``)."""
    primary = tag.split("-")[0]
    known = _two_letter_languages().get(primary)
    if known:
        return known
    import langcodes

    return str(langcodes.Language.get(tag).to_alpha3())
