"""What repositories' APIs give about a dataset, read into a study: Figshare's article JSON
(API v2), DataCite's DOI JSON (REST API, the ``attributes`` of a DOI) and the schema.org
JSON-LD that landing pages embed. Every field svrdf's study format has a place for is mapped;
the others are listed in the import report, and the roster is read from the description when
it holds one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

from svrdf.imports.draft import Draft, file_entry, first_paragraphs, html_text, person
from svrdf.study.vocabularies import canonical_spdx_id, spdx_id_of_url

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")


class SourceError(ValueError):
    """The source is not what the import reads (not JSON, not an article, no JSON-LD)."""


def _description(draft: Draft, markup: str | None) -> None:
    if not markup:
        return
    text = html_text(markup)
    draft.read_roster(text)
    draft.study["description"] = first_paragraphs(text, draft.roster) or text


def _licence(draft: Draft, url: str | None, name: str | None) -> None:
    if url and spdx_id_of_url(url):
        draft.study["license"] = spdx_id_of_url(url)
    elif url:
        draft.study["license"] = url
        draft.note(f"the licence {url} has no SPDX identifier svrdf knows: kept as its address")
    elif name:
        draft.left_out("licence", f"named {name!r} without an address")


def _doi(value: str | None) -> str | None:
    found = _DOI.match(value.strip()) if value else None
    return found.group(1) if found else None


def _keywords(values: Iterable[Any]) -> list[str]:
    return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


def _unknown(draft: Draft, data: dict[str, Any], mapped: Iterable[str], ignored: Iterable[str]) -> None:
    for key in sorted(set(data) - set(mapped) - set(ignored)):
        if data[key] not in (None, "", [], {}):
            draft.left_out(key, "svrdf's study format has no place for it")


def read_figshare(data: Any, source: str) -> Draft:
    """A Figshare article (``GET /v2/articles/{id}``)."""
    if not isinstance(data, dict) or "title" not in data or "id" not in data:
        raise SourceError("expected a Figshare article: a JSON object with 'id' and 'title'")
    draft = Draft(source)
    study = draft.study
    study["title"] = str(data["title"]).strip()
    _description(draft, data.get("description"))
    authors = [person(a.get("full_name", ""), a.get("orcid_id") or None)
               for a in data.get("authors") or [] if a.get("full_name")]
    if authors:
        study["creators"] = authors
    published = str(data.get("published_date") or (data.get("timeline") or {}).get("posted") or "")
    if re.match(r"\d{4}-\d{2}-\d{2}", published):
        study["date-published"] = published[:10]
    identifiers = []
    if _doi(data.get("doi")):
        identifiers.append({"scheme": "DOI", "value": _doi(data.get("doi"))})
    identifiers.append({"scheme": "Figshare article", "value": str(data["id"])})
    if data.get("handle"):
        identifiers.append({"scheme": "Handle", "value": str(data["handle"])})
    study["identifiers"] = identifiers
    if data.get("url_public_html"):
        study["landing-page"] = data["url_public_html"]
    if data.get("version") is not None:
        study["version"] = str(data["version"])
    licence = data.get("license") or {}
    _licence(draft, licence.get("url"), licence.get("name"))
    if data.get("is_embargoed"):
        access: dict[str, Any] = {"rights": "embargoed"}
        if re.match(r"\d{4}-\d{2}-\d{2}", str(data.get("embargo_date") or "")):
            access["embargo-end"] = str(data["embargo_date"])[:10]
        if data.get("embargo_reason"):
            access["conditions"] = html_text(str(data["embargo_reason"]))
        study["access"] = access
    elif data.get("is_metadata_record"):
        study["access"] = {"rights": "metadata-only"}
        if data.get("metadata_reason"):
            study["access"]["conditions"] = html_text(str(data["metadata_reason"]))
    elif data.get("is_confidential"):
        study["access"] = {"rights": "restricted"}
        if data.get("confidential_reason"):
            study["access"]["conditions"] = html_text(str(data["confidential_reason"]))
    funding = [_figshare_funding(f) for f in data.get("funding_list") or [] if f.get("funder_name") or f.get("title")]
    if funding:
        study["funding"] = funding
    elif str(data.get("funding") or "").strip():
        draft.left_out(f"funding {html_text(str(data['funding']))!r}",
                       "free text; the study format's funding needs a funder, and funding_list names none")
    keywords = _keywords(data.get("tags") or data.get("keywords") or [])
    if keywords:
        study["keywords"] = keywords
    subjects = _keywords(c.get("title", "") for c in data.get("categories") or [])
    if subjects:
        study["subjects"] = subjects
    related = [{"title": url, "url": url} for url in data.get("references") or [] if isinstance(url, str)]
    if data.get("resource_doi") and data.get("resource_title"):
        related.insert(0, {"type": "ScholarlyArticle", "title": data["resource_title"],
                           "url": f"https://doi.org/{_doi(data['resource_doi']) or data['resource_doi']}"})
    if related:
        study["related-works"] = related
    files = [_figshare_file(f, study.get("access")) for f in data.get("files") or []
             if isinstance(f, dict) and str(f.get("name") or "").strip()]
    if files:
        study["files"] = files
    for custom in data.get("custom_fields") or []:
        value = custom.get("value") if isinstance(custom, dict) else None
        if value not in (None, "", [], {}):
            shown = "; ".join(map(str, value)) if isinstance(value, list) else html_text(str(value))
            draft.left_out(f"custom field {custom.get('name', '?')!r} = {shown!r}",
                           "svrdf's study format has no place for it")
    _unknown(draft, data, MAPPED_FIGSHARE, IGNORED_FIGSHARE)
    return draft


def _figshare_file(file: dict[str, Any], access: dict[str, Any] | None) -> dict[str, Any]:
    md5 = file.get("computed_md5") or file.get("supplied_md5")
    # Figshare gives every file a download address; it downloads only while the article is
    # public, so a file of an embargoed, confidential or metadata-only record has none here.
    url = file.get("download_url") if access is None else None
    return file_entry(str(file["name"]), media_type=file.get("mimetype"), size=file.get("size"),
                      checksum=f"md5:{md5}" if md5 else None, url=url)


MAPPED_FIGSHARE = ("title", "description", "authors", "published_date", "timeline", "doi", "id",
                   "handle", "url_public_html", "version", "license", "is_embargoed", "embargo_date",
                   "embargo_reason", "is_confidential", "confidential_reason", "is_metadata_record",
                   "metadata_reason", "funding_list",
                   "funding", "tags", "keywords", "categories", "references", "resource_doi",
                   "resource_title", "files", "custom_fields")
#: Fields about the API or the page, not the study.
IGNORED_FIGSHARE = ("url", "url_public_api", "url_private_api", "url_private_html", "thumb",
                    "defined_type", "defined_type_name", "group_id", "created_date",
                    "modified_date", "is_public", "status", "size", "figshare_url",
                    "download_disabled", "folder_structure", "embargo_type", "embargo_title",
                    "embargo_options", "has_linked_file",
                    "citation", "is_active", "views", "downloads", "shares",
                    "cites", "item_type", "account_id")


def _figshare_funding(item: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"funder": {"name": item.get("funder_name") or item.get("title")}}
    if item.get("grant_code"):
        entry["award-number"] = str(item["grant_code"])
    if item.get("title") and item.get("funder_name"):
        entry["award-title"] = item["title"]
    if item.get("url"):
        entry["award-url"] = item["url"]
    return entry


def read_datacite(data: Any, source: str) -> Draft:
    """A DataCite DOI (``GET /dois/{doi}``: ``{"data": {"attributes": ...}}``, or the
    attributes alone)."""
    attributes = data
    if isinstance(data, dict) and "data" in data:
        record = data["data"]
        if isinstance(record, list):
            raise SourceError("expected a DataCite DOI, got a list of DOIs (a search's answer): save one "
                              "DOI's JSON (GET /dois/DOI)")
        attributes = record.get("attributes") if isinstance(record, dict) else None
    titles = attributes.get("titles") if isinstance(attributes, dict) else None
    if not isinstance(titles, list) or not any(isinstance(t, dict) and t.get("title") for t in titles):
        raise SourceError("expected a DataCite DOI: JSON with 'data.attributes.titles'")
    draft = Draft(source)
    study = draft.study
    titles = [t for t in titles if isinstance(t, dict) and t.get("title")]
    main = next((t for t in titles if not t.get("titleType")), titles[0])
    study["title"] = main["title"].strip()
    for other in titles:
        if other is not main:
            draft.left_out(f"title {other['title']!r} ({other.get('titleType', 'another title')})",
                           "study.yaml has one title")
    descriptions = [d for d in attributes.get("descriptions") or [] if d.get("description")]
    abstract = next((d["description"] for d in descriptions
                     if d.get("descriptionType", "Abstract") == "Abstract"), None)
    _description(draft, abstract)
    methods = [html_text(d["description"]) for d in descriptions if d.get("descriptionType") == "Methods"]
    if methods:
        study["methodology"] = "\n\n".join(methods)
    for other in descriptions:
        if other.get("descriptionType", "Abstract") not in ("Abstract", "Methods"):
            draft.left_out(f"description of type {other['descriptionType']!r}", "study.yaml has no place for it")
    creators = [_datacite_person(c) for c in attributes.get("creators") or []]
    if creators:
        study["creators"] = [c for c in creators if c]
    publisher = attributes.get("publisher")
    if isinstance(publisher, dict) and publisher.get("name"):
        study["publisher"] = {"name": publisher["name"]}
    elif isinstance(publisher, str) and publisher:
        study["publisher"] = {"name": publisher}
    issued = next((d["date"] for d in attributes.get("dates") or []
                   if d.get("dateType") == "Issued" and re.match(r"\d{4}-\d{2}-\d{2}", str(d.get("date", "")))), None)
    if issued:
        study["date-published"] = issued[:10]
    elif attributes.get("publicationYear"):
        draft.note(f"only a publication year ({attributes['publicationYear']}) is given: "
                   "date-published needs a day, and is left out")
    collected = next((d["date"] for d in attributes.get("dates") or [] if d.get("dateType") == "Collected"), None)
    if collected:
        study["temporal-coverage"] = str(collected)
    doi = _doi(attributes.get("doi"))
    identifiers = [{"scheme": "DOI", "value": doi}] if doi else []
    identifiers += [{"scheme": str(a["alternateIdentifierType"]), "value": str(a["alternateIdentifier"])}
                    for a in attributes.get("alternateIdentifiers") or []
                    if a.get("alternateIdentifierType") and a.get("alternateIdentifier")]
    if identifiers:
        study["identifiers"] = identifiers
    if attributes.get("url"):
        study["landing-page"] = attributes["url"]
    if attributes.get("version"):
        study["version"] = str(attributes["version"])
    rights = attributes.get("rightsList") or []
    licence = next((r for r in rights if r.get("rightsUri") and "info:eu-repo" not in r["rightsUri"]), None)
    spdx = (canonical_spdx_id(str(licence.get("rightsIdentifier") or ""))
            if licence and str(licence.get("rightsIdentifierScheme", "")).upper() == "SPDX" else None)
    if spdx:  # DataCite's API gives SPDX identifiers in lower case (cc-by-4.0)
        study["license"] = spdx
    elif licence:
        _licence(draft, licence.get("rightsUri"), licence.get("rights"))
    access = _coar_access(rights)
    if access:
        study["access"] = {"rights": access}
    funding = [_datacite_funding(f) for f in attributes.get("fundingReferences") or [] if f.get("funderName")]
    if funding:
        study["funding"] = funding
    subjects = attributes.get("subjects") or []
    keywords = _keywords(s["subject"] for s in subjects if s.get("subject") and not s.get("subjectScheme"))
    if keywords:
        study["keywords"] = keywords
    schemes = _keywords(s["subject"] for s in subjects if s.get("subject") and s.get("subjectScheme"))
    if schemes:
        study["subjects"] = schemes
    language = attributes.get("language")
    if language:
        study["languages"] = [language]
    places = [g["geoLocationPlace"] for g in attributes.get("geoLocations") or [] if g.get("geoLocationPlace")]
    if places:
        study["spatial-coverage"] = [{"name": p} for p in places]
    for location in attributes.get("geoLocations") or []:
        if not location.get("geoLocationPlace"):
            draft.left_out("a geolocation without a place name", "spatial-coverage names places")
    related = []
    for item in attributes.get("relatedIdentifiers") or []:
        url = _related_url(item)
        if url:
            related.append({"title": item.get("relatedIdentifier", url), "url": url})
        else:
            draft.left_out(f"related identifier {item.get('relatedIdentifier')!r}",
                           f"its type {item.get('relatedIdentifierType')!r} has no address")
    if related:
        study["related-works"] = related
    for key in ("sizes", "formats"):
        if attributes.get(key):
            # DataCite's are the resource's, not a named file's: study.yaml's belong to files.
            draft.left_out(f"{key} {', '.join(map(str, attributes[key]))}",
                           "DataCite does not say which file each is of; list the files under 'files'")
    _unknown(draft, attributes, MAPPED_DATACITE, IGNORED_DATACITE)
    return draft


MAPPED_DATACITE = ("titles", "descriptions", "alternateIdentifiers", "creators", "publisher", "dates",
                   "publicationYear",
                   "doi", "url", "version", "rightsList", "fundingReferences", "subjects",
                   "language", "geoLocations", "relatedIdentifiers")
IGNORED_DATACITE = ("identifiers", "prefix", "suffix", "types", "state", "created", "registered",
                    "updated", "published", "isActive", "schemaVersion", "source", "metadataVersion",
                    "xml", "viewCount", "downloadCount", "citationCount", "referenceCount",
                    "partCount", "partOfCount", "versionCount", "versionOfCount", "viewsOverTime",
                    "downloadsOverTime", "citationsOverTime", "event", "reason", "landingPage",
                    "contentUrl", "sizes", "formats", "relatedItems")


def _datacite_person(creator: dict[str, Any]) -> dict[str, Any] | None:
    orcid = next((_ORCID.search(i.get("nameIdentifier", "")).group(1)  # type: ignore[union-attr]
                  for i in creator.get("nameIdentifiers") or []
                  if i.get("nameIdentifierScheme") == "ORCID" and _ORCID.search(i.get("nameIdentifier", ""))), None)
    if creator.get("nameType") == "Organizational":
        return {"name": creator["name"]} if creator.get("name") else None
    if creator.get("givenName") and creator.get("familyName"):
        entry: dict[str, Any] = {"given-names": creator["givenName"], "family-names": creator["familyName"]}
        if orcid:
            entry["orcid"] = orcid
    elif creator.get("name"):
        entry = person(creator["name"], orcid)
    else:
        return None
    affiliations = creator.get("affiliation") or []
    first = affiliations[0] if affiliations else None
    name = first.get("name") if isinstance(first, dict) else first
    if name:
        entry["affiliation"] = name
        # A ROR ID names the organisation: it becomes its IRI in every form.
        if isinstance(first, dict) and first.get("affiliationIdentifierScheme") == "ROR" \
                and first.get("affiliationIdentifier"):
            entry["affiliation"] = {"name": name, "ror": first["affiliationIdentifier"]}
    return entry


def _datacite_funding(item: dict[str, Any]) -> dict[str, Any]:
    funder: dict[str, Any] = {"name": item["funderName"]}
    identifier, kind = item.get("funderIdentifier", ""), item.get("funderIdentifierType", "")
    if kind == "ROR" and identifier:
        funder["ror"] = identifier
    elif kind == "Crossref Funder ID" and identifier:
        funder["crossref-funder-id"] = identifier
    entry: dict[str, Any] = {"funder": funder}
    award = item.get("awardNumber")
    if isinstance(award, dict):
        award = award.get("awardNumber")
    if award:
        entry["award-number"] = str(award)
    if item.get("awardTitle"):
        entry["award-title"] = item["awardTitle"]
    if item.get("awardUri"):
        entry["award-url"] = item["awardUri"]
    return entry


#: COAR access rights by the addresses DataCite's rights lists give them.
_COAR = {"c_abf2": "open", "c_f1cf": "embargoed", "c_16ec": "restricted", "c_14cb": "metadata-only",
         "openaccess": "open", "embargoedaccess": "embargoed", "restrictedaccess": "restricted",
         "closedaccess": "metadata-only"}


def _coar_access(rights: list[dict[str, Any]]) -> str | None:
    for item in rights:
        uri = str(item.get("rightsUri", ""))
        key = uri.rstrip("/").rsplit("/", 1)[-1].lower()
        if key in _COAR and ("coar" in uri or "info:eu-repo" in uri):
            return _COAR[key]
    return None


def _related_url(item: dict[str, Any]) -> str | None:
    value, kind = str(item.get("relatedIdentifier", "")), item.get("relatedIdentifierType")
    if kind == "DOI":
        doi = _doi(value)
        return f"https://doi.org/{doi}" if doi else None
    if kind in ("URL", "URI") and value.startswith(("http://", "https://")):
        return value
    return None


class _JsonLdScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._inside = tag == "script" and dict(attrs).get("type", "").lower().startswith("application/ld+json")
        if self._inside:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def read_schemaorg(page: str, source: str) -> Draft:
    """The schema.org Dataset in a landing page's ``<script type="application/ld+json">`` (or
    in a JSON-LD document of its own)."""
    if page.lstrip().startswith(("{", "[")):
        scripts = [page]
    else:
        reader = _JsonLdScripts()
        reader.feed(page)
        reader.close()
        scripts = reader.scripts
    nodes: list[dict[str, Any]] = []
    for script in scripts:
        try:
            nodes.extend(_nodes(json.loads(script)))
        except json.JSONDecodeError as exc:
            raise SourceError(f"a JSON-LD script is not JSON: {exc.msg} at line {exc.lineno}") from None
    dataset = next((n for n in nodes if "Dataset" in _types(n)), None)
    if dataset is None:
        raise SourceError("expected schema.org JSON-LD with a Dataset (none of its scripts has one)")
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and set(n) != {"@id"}}
    dataset = {key: value if key == "@id" else _followed(value, by_id) for key, value in dataset.items()}
    draft = Draft(source)
    study = draft.study
    study["title"] = _text(dataset.get("name"))
    _description(draft, _text(dataset.get("description")))
    creators = [_schema_person(c) for c in _list(dataset.get("creator") or dataset.get("author"))]
    if any(creators):
        study["creators"] = [c for c in creators if c]
    for key, target in (("publisher", "publisher"), ("includedInDataCatalog", "catalog"),
                        ("sourceOrganization", "source-organization")):
        org = _list(dataset.get(key))
        if org and isinstance(org[0], dict) and org[0].get("name"):
            study[target] = {"name": _text(org[0]["name"])} | ({"url": org[0]["url"]} if org[0].get("url") else {})
    published = _text(dataset.get("datePublished"))
    if re.match(r"\d{4}-\d{2}-\d{2}", published):
        study["date-published"] = published[:10]
    identifiers: list[dict[str, str]] = []
    for value in _list(dataset.get("identifier")) + ([dataset["@id"]] if "@id" in dataset else []):
        text = (value.get("value") or value.get("url") or value.get("@id")) if isinstance(value, dict) else value
        doi = _doi(str(text))
        if doi and not any(i["scheme"] == "DOI" for i in identifiers):
            identifiers.append({"scheme": "DOI", "value": doi})
    if identifiers:
        study["identifiers"] = identifiers
    if isinstance(dataset.get("url"), str):
        study["landing-page"] = dataset["url"]
    if dataset.get("version") is not None:
        study["version"] = str(dataset["version"])
    licence = _list(dataset.get("license"))
    if licence:
        first = licence[0]
        url = first.get("url") or first.get("@id") if isinstance(first, dict) else str(first)
        _licence(draft, url if str(url).startswith("http") else None, str(first))
    if dataset.get("isAccessibleForFree") is True:
        study["access"] = {"rights": "open"}
    elif dataset.get("isAccessibleForFree") is False:
        study["access"] = {"rights": "restricted"}
        if dataset.get("conditionsOfAccess"):
            study["access"]["conditions"] = _text(dataset["conditionsOfAccess"])
    keywords = dataset.get("keywords")
    if isinstance(keywords, str):
        keywords = [k for k in keywords.split(",")]
    if keywords:
        study["keywords"] = _keywords(_text(k) for k in _list(keywords))
    if dataset.get("temporalCoverage"):
        study["temporal-coverage"] = _text(dataset["temporalCoverage"])
    places = [_text(p.get("name")) if isinstance(p, dict) else _text(p) for p in _list(dataset.get("spatialCoverage"))]
    if any(places):
        study["spatial-coverage"] = [{"name": p} for p in places if p]
    techniques = _keywords(_text(t) for t in _list(dataset.get("measurementTechnique")))
    if techniques:
        study["techniques"] = techniques
    languages = [_text(x.get("alternateName") or x.get("name")) if isinstance(x, dict) else _text(x)
                 for x in _list(dataset.get("inLanguage"))]
    if languages:
        study["languages"] = languages
    funding = []
    for item in _list(dataset.get("funding")):
        funder = (_list(item.get("funder")) or [{}])[0] if isinstance(item, dict) else {}
        if isinstance(funder, dict) and funder.get("name"):
            entry: dict[str, Any] = {"funder": {"name": _text(funder["name"])}}
            if item.get("identifier"):
                entry["award-number"] = _text(item["identifier"])
            if item.get("name"):
                entry["award-title"] = _text(item["name"])
            funding.append(entry)
    for funder in _list(dataset.get("funder")):
        if isinstance(funder, dict) and funder.get("name") and not funding:
            funding.append({"funder": {"name": _text(funder["name"])}})
    if funding:
        study["funding"] = funding
    files = []
    for item in _list(dataset.get("distribution")):
        url = _text(item.get("contentUrl")) if isinstance(item, dict) and item.get("contentUrl") else None
        name = _text(item.get("name")) if isinstance(item, dict) and item.get("name") else (
            url.rstrip("/").rsplit("/", 1)[-1] if url else "")
        if not name:
            draft.left_out(f"distribution {item!r}", "it has neither a name nor a contentUrl")
            continue
        title, media_type = (_text(item[key]) if item.get(key) else None for key in ("description", "encodingFormat"))
        files.append(file_entry(name, title, media_type, item.get("contentSize"), url=url))
        if item.get("contentSize") is not None and "size" not in files[-1]:
            draft.left_out(f"contentSize {item['contentSize']!r} of {name!r}", "not a number of bytes")
    if files:
        study["files"] = files
    _unknown(draft, dataset, MAPPED_SCHEMAORG, IGNORED_SCHEMAORG)
    return draft


MAPPED_SCHEMAORG = ("name", "description", "creator", "author", "publisher", "includedInDataCatalog",
                    "sourceOrganization", "datePublished", "identifier", "@id", "url", "version",
                    "license", "isAccessibleForFree", "conditionsOfAccess", "keywords",
                    "temporalCoverage", "spatialCoverage", "measurementTechnique", "inLanguage",
                    "funding", "funder", "distribution")
IGNORED_SCHEMAORG = ("@context", "@type", "sameAs", "dateModified", "dateCreated", "thumbnailUrl",
                     "image", "citation", "mainEntityOfPage")


def _nodes(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, list):
        return [n for item in document for n in _nodes(item)]
    if not isinstance(document, dict):
        return []
    return [document, *(n for item in _list(document.get("@graph")) for n in _nodes(item))]


def _followed(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 3) -> Any:
    """``value`` with each reference to another node of the page (``{"@id": ...}``, as an
    ``@graph`` links its nodes, or the node's IRI alone, where the context types the property
    as ``@id``) replaced by that node, ``depth`` levels down."""
    if depth == 0:
        return value
    if isinstance(value, str) and value in by_id:
        value = by_id[value]
    if isinstance(value, list):
        return [_followed(item, by_id, depth) for item in value]
    if isinstance(value, dict):
        if set(value) == {"@id"} and value["@id"] in by_id:
            value = by_id[value["@id"]]
        return {key: item if key == "@id" else _followed(item, by_id, depth - 1)
                for key, item in value.items()}
    return value


def _types(node: dict[str, Any]) -> list[str]:
    return [str(t).rsplit("/", 1)[-1].removeprefix("schema:") for t in _list(node.get("@type"))]


def _list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@value", value.get("name", ""))
    if isinstance(value, list):
        value = value[0] if value else ""
    return html_text(str(value)) if value is not None else ""


def _schema_person(node: Any) -> dict[str, Any] | None:
    if isinstance(node, str):
        return person(node)
    if not isinstance(node, dict):
        return None
    orcid_source = " ".join(str(v) for v in (node.get("@id"), node.get("identifier"), node.get("sameAs")) if v)
    orcid = _ORCID.search(orcid_source) if "orcid" in orcid_source else None
    if "Organization" in _types(node):
        return {"name": _text(node.get("name"))} if node.get("name") else None
    if node.get("givenName") and node.get("familyName"):
        entry: dict[str, Any] = {"given-names": _text(node["givenName"]), "family-names": _text(node["familyName"])}
        if orcid:
            entry["orcid"] = orcid.group(1)
        return entry
    return person(_text(node.get("name")), orcid.group(1) if orcid else None) if node.get("name") else None
