"""`svrdf import figshare|datacite|schemaorg`: what a repository's API JSON (Figshare's
article, DataCite's DOI) or a landing page's schema.org JSON-LD says, mapped into study.yaml,
the rest listed in the import report as not imported, through the readers and the real CLI.

The fixtures in tests/fixtures/repositories/ follow the shapes the public APIs document
(Figshare API v2 ``GET /v2/articles/{id}``, DataCite REST API ``GET /dois/{id}``, schema.org
Dataset JSON-LD in a ``<script type="application/ld+json">``), with made-up values. The expected
values are read from the fixtures themselves, so that a fixture and its test cannot drift apart.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from svrdf.cli import cli
from svrdf.imports import read_source
from svrdf.imports.draft import Draft
from svrdf.imports.folder import REPORT_FILE
from svrdf.imports.repositories import read_datacite, read_figshare, read_schemaorg
from svrdf.resources import bundled_study_dir

SOURCES = FIXTURES / "repositories"
BASE = "https://example.org/studies/x/"
ORCID_URL = "https://orcid.org/"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def load(name: str) -> Any:
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))


def json_ld(name: str) -> list[dict[str, Any]]:
    """The JSON-LD scripts of a landing page, found with a regular expression (not the reader's
    HTML parser), each parsed as JSON."""
    page = (SOURCES / name).read_text(encoding="utf-8")
    return [json.loads(script) for script in
            re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.DOTALL)]


def notes(draft: Draft) -> list[str]:
    return [note.what for note in draft.notes]


def left_out(draft: Draft, *words: str) -> bool:
    """Whether a note of the draft says that something named by all ``words`` is not imported."""
    return any(note.startswith("not imported") and all(w in note for w in words) for note in notes(draft))


def tags_removed(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup).strip()


def paragraphs(markup: str) -> list[str]:
    """The paragraphs of a description's HTML, a ``<br>`` starting a new one."""
    return [tags_removed(p) for p in re.split(r"</p>\s*<p>|<br\s*/?>|</?p>", markup) if tags_removed(p)]


def before_roster(parts: list[str], code: str) -> list[str]:
    """The parts of a description before its roster, whose first entry starts with ``code``."""
    return parts[:next(i for i, part in enumerate(parts) if part.startswith(code))]


#: A roster entry as the fixtures write them: "P1 (F), Nurse".
ENTRY = re.compile(r"^([A-Z]\d+) \(([FM])\), (.+)$")


def roster_of(parts: list[str]) -> list[tuple[str, list[str], str]]:
    return [(m.group(1), [m.group(2)], m.group(3)) for m in map(ENTRY.match, parts) if m]


def rows_of(draft: Draft) -> list[tuple[str, list[str], str]]:
    assert draft.roster is not None
    return [(row.code, row.gender, row.role) for row in draft.roster.rows]


def split_name(full_name: str) -> dict[str, str]:
    """A "Given Family" or "Family, Given" name as study.yaml's creators give it."""
    if "," in full_name:
        family, given = (part.strip() for part in full_name.split(",", 1))
    else:
        given, family = full_name.rsplit(" ", 1)
    return {"given-names": given, "family-names": family}


# ---------------------------------------------------------------- Figshare

def test_a_figshare_article_maps_onto_study_yaml():
    data = load("figshare-article.json")
    draft = read_figshare(data, "figshare-article.json")
    study = draft.study
    assert study["title"] == data["title"]
    parts = paragraphs(data["description"])
    assert study["description"] == "\n\n".join(before_roster(parts, "P1"))
    assert study["creators"] == [split_name(a["full_name"]) | {"orcid": a["orcid_id"]} for a in data["authors"]]
    assert study["date-published"] == data["published_date"][:10]
    assert not data["handle"]  # an empty handle is no identifier
    assert study["identifiers"] == [{"scheme": "DOI", "value": data["doi"]},
                                    {"scheme": "Figshare article", "value": str(data["id"])}]
    assert study["landing-page"] == data["url_public_html"]
    assert study["version"] == str(data["version"])
    assert data["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert study["license"] == "CC-BY-4.0"
    granted, named_only = data["funding_list"]
    assert study["funding"] == [
        {"funder": {"name": granted["funder_name"]}, "award-number": granted["grant_code"],
         "award-title": granted["title"], "award-url": granted["url"]},
        # A funding entry typed in by hand names its funder in its title, and nothing else.
        {"funder": {"name": named_only["title"]}},
    ]
    assert study["keywords"] == data["tags"]
    assert study["subjects"] == [category["title"] for category in data["categories"]]
    assert study["related-works"] == [
        {"type": "ScholarlyArticle", "title": data["resource_title"],
         "url": f"https://doi.org/{data['resource_doi']}"},
        *({"title": url, "url": url} for url in data["references"]),
    ]


def test_a_figshare_article_s_roster_is_read_from_its_description():
    data = load("figshare-article.json")
    draft = read_figshare(data, "figshare-article.json")
    assert rows_of(draft) == roster_of(paragraphs(data["description"]))
    assert len(draft.study["phases"]) == 1


def test_a_figshare_article_s_files_are_the_study_s_files():
    data = load("figshare-article.json")
    draft = read_figshare(data, "figshare-article.json")
    assert data["files"] and "access" not in draft.study  # public: its files download
    assert draft.study["files"] == [
        {"name": f["name"], "media-type": f["mimetype"], "size": f["size"],
         "checksum": f"md5:{f['computed_md5']}", "url": f["download_url"]} for f in data["files"]]
    # The API's own bookkeeping is not the study's, and is not reported.
    for key in ("url_public_api", "thumb", "figshare_url", "citation", "timeline"):
        assert not any(key in note for note in notes(draft))


def test_an_unusual_figshare_article_keeps_what_it_has_and_says_what_it_lacks():
    data = load("figshare-unusual.json")
    draft = read_figshare(data, "figshare-unusual.json")
    study = draft.study
    assert study["title"] == data["title"].strip()
    # An empty description gives no description and no roster, so no phases.
    assert data["description"] == ""
    assert "description" not in study and "phases" not in study and draft.roster is None
    named = [a for a in data["authors"] if a["full_name"]]
    assert len(named) < len(data["authors"])
    assert study["creators"] == [split_name(a["full_name"]) for a in named]  # no ORCID iD is made up
    assert not data["doi"]
    assert study["identifiers"] == [{"scheme": "Figshare article", "value": str(data["id"])},
                                    {"scheme": "Handle", "value": data["handle"]}]
    # A licence svrdf does not know is kept as its address, and the report says so.
    assert study["license"] == data["license"]["url"]
    assert any(data["license"]["url"] in note and "no SPDX identifier" in note for note in notes(draft))
    assert study["access"] == {"rights": "embargoed", "embargo-end": data["embargo_date"][:10],
                               "conditions": tags_removed(data["embargo_reason"])}
    # An embargoed file does not download: no address; the supplied MD5 where none was computed.
    [file] = data["files"]
    assert study["files"] == [{"name": file["name"], "size": file["size"],
                               "checksum": f"md5:{file['supplied_md5']}"}]
    for key in ("funding", "keywords", "subjects", "related-works"):
        assert key not in study


def test_an_unusual_figshare_article_s_unknown_fields_are_listed_as_not_imported():
    data = load("figshare-unusual.json")
    draft = read_figshare(data, "figshare-unusual.json")
    for key in ("institution_review_state", "x_caerwent_legacy_id", "related_materials"):
        assert left_out(draft, key)
    assert data["is_public_preview"] is None
    assert not any("is_public_preview" in note for note in notes(draft))  # empty: nothing lost


def test_an_unusual_figshare_article_s_free_text_funding_and_custom_fields_are_not_lost_silently():
    data = load("figshare-unusual.json")
    draft = read_figshare(data, "figshare-unusual.json")
    assert data["funding"] and not data["funding_list"]
    assert left_out(draft, "funding", data["funding"])
    filled, empty = data["custom_fields"]
    assert left_out(draft, filled["name"], filled["value"])
    assert not any(empty["name"] in note for note in notes(draft))


# ---------------------------------------------------------------- DataCite

def datacite_creator(creator: dict[str, Any]) -> dict[str, Any]:
    if creator["nameType"] == "Organizational":
        return {"name": creator["name"]}
    entry = ({"given-names": creator["givenName"], "family-names": creator["familyName"]}
             if creator.get("givenName") else split_name(creator["name"]))
    orcids = [i["nameIdentifier"] for i in creator["nameIdentifiers"] if i["nameIdentifierScheme"] == "ORCID"]
    if orcids:
        entry["orcid"] = orcids[0].removeprefix(ORCID_URL)
    if creator["affiliation"]:
        first = creator["affiliation"][0]
        entry["affiliation"] = first["name"] if isinstance(first, dict) else first
        if isinstance(first, dict) and first.get("affiliationIdentifierScheme") == "ROR":
            entry["affiliation"] = {"name": first["name"], "ror": first["affiliationIdentifier"]}
    return entry


def test_a_datacite_doi_maps_onto_study_yaml():
    attributes = load("datacite-doi.json")["data"]["attributes"]
    draft = read_datacite(load("datacite-doi.json"), "datacite-doi.json")
    study = draft.study
    assert study["title"] == next(t["title"] for t in attributes["titles"] if "titleType" not in t)
    abstract = next(d["description"] for d in attributes["descriptions"] if d["descriptionType"] == "Abstract")
    assert study["description"] == "\n\n".join(before_roster(paragraphs(abstract), "T1"))
    assert {c["nameType"] for c in attributes["creators"]} == {"Personal", "Organizational"}
    assert study["creators"] == [datacite_creator(c) for c in attributes["creators"]]
    assert study["publisher"] == {"name": attributes["publisher"]}
    dates = {d["dateType"]: d["date"] for d in attributes["dates"]}
    assert study["date-published"] == dates["Issued"]
    assert study["temporal-coverage"] == dates["Collected"]
    assert study["identifiers"] == [{"scheme": "DOI", "value": attributes["doi"]}] + [
        {"scheme": a["alternateIdentifierType"], "value": a["alternateIdentifier"]}
        for a in attributes["alternateIdentifiers"]]
    assert study["landing-page"] == attributes["url"]
    assert study["version"] == attributes["version"]
    assert study["languages"] == [attributes["language"]]
    methods = [d["description"] for d in attributes["descriptions"] if d["descriptionType"] == "Methods"]
    assert methods and study["methodology"] == "\n\n".join(methods)
    for title in attributes["titles"]:
        if "titleType" in title:
            assert any(title["title"] in note and "not imported" in note for note in notes(draft))


def test_a_datacite_doi_s_rights_give_the_licence_and_the_access():
    attributes = load("datacite-doi.json")["data"]["attributes"]
    study = read_datacite(load("datacite-doi.json"), "datacite-doi.json").study
    spdx = next(r for r in attributes["rightsList"] if r.get("rightsIdentifierScheme") == "SPDX")
    # DataCite's API gives SPDX identifiers in lower case; study.yaml has SPDX's own spelling.
    assert spdx["rightsIdentifier"] == "cc-by-4.0"
    assert study["license"] == "CC-BY-4.0"
    assert {"rightsUri": "http://purl.org/coar/access_right/c_abf2"}.items() <= \
        next(r for r in attributes["rightsList"] if "coar" in r["rightsUri"]).items()
    assert study["access"] == {"rights": "open"}


def test_a_datacite_doi_s_funding_subjects_places_and_related_works():
    attributes = load("datacite-doi.json")["data"]["attributes"]
    draft = read_datacite(load("datacite-doi.json"), "datacite-doi.json")
    study = draft.study
    by_ror, by_crossref = attributes["fundingReferences"]
    assert (by_ror["funderIdentifierType"], by_crossref["funderIdentifierType"]) == ("ROR", "Crossref Funder ID")
    assert study["funding"] == [
        {"funder": {"name": by_ror["funderName"], "ror": by_ror["funderIdentifier"]},
         "award-number": by_ror["awardNumber"], "award-title": by_ror["awardTitle"],
         "award-url": by_ror["awardUri"]},
        {"funder": {"name": by_crossref["funderName"], "crossref-funder-id": by_crossref["funderIdentifier"]}},
    ]
    subjects = attributes["subjects"]
    assert study["keywords"] == [s["subject"] for s in subjects if "subjectScheme" not in s]
    assert study["subjects"] == [s["subject"] for s in subjects if "subjectScheme" in s]
    assert study["spatial-coverage"] == [{"name": g["geoLocationPlace"]} for g in attributes["geoLocations"]
                                         if "geoLocationPlace" in g]
    related = {r["relatedIdentifierType"]: r["relatedIdentifier"] for r in attributes["relatedIdentifiers"]}
    assert set(related) == {"DOI", "URL", "ISBN"}
    assert study["related-works"] == [{"title": related["DOI"], "url": f"https://doi.org/{related['DOI']}"},
                                      {"title": related["URL"], "url": related["URL"]}]
    # An ISBN has no address to link to: the report says it was left out.
    assert left_out(draft, related["ISBN"], "ISBN")


def test_a_datacite_doi_s_roster_and_unmapped_fields():
    attributes = load("datacite-doi.json")["data"]["attributes"]
    draft = read_datacite(load("datacite-doi.json"), "datacite-doi.json")
    abstract = next(d["description"] for d in attributes["descriptions"] if d["descriptionType"] == "Abstract")
    assert rows_of(draft) == roster_of(paragraphs(abstract))
    assert attributes["contributors"]
    assert left_out(draft, "contributors")
    for key in ("viewsOverTime", "schemaVersion", "types", "relationships"):
        assert not any(key in note for note in notes(draft))
    # The resource's sizes and formats name no file: reported, with what to do.
    for key in ("sizes", "formats"):
        assert attributes[key] and left_out(draft, key, *map(str, attributes[key]))
    assert "files" not in draft.study


def test_a_minimal_datacite_doi_with_a_publication_year_only():
    attributes = load("datacite-minimal.json")["data"]["attributes"]
    draft = read_datacite(load("datacite-minimal.json"), "datacite-minimal.json")
    study = draft.study
    assert study["title"] == attributes["titles"][0]["title"]
    # DataCite 4.5's publisher is an object.
    assert isinstance(attributes["publisher"], dict)
    assert study["publisher"] == {"name": attributes["publisher"]["name"]}
    assert study["creators"] == [{"given-names": c["givenName"], "family-names": c["familyName"]}
                                 for c in attributes["creators"]]
    # A year is not a day: date-published is left out, and the report says why.
    assert not attributes["dates"] and "date-published" not in study
    assert any(str(attributes["publicationYear"]) in note and "date-published" in note for note in notes(draft))
    assert study["identifiers"] == [{"scheme": "DOI", "value": attributes["doi"]}]
    assert study["landing-page"] == attributes["url"]
    for key in ("description", "phases", "version", "languages", "license", "access", "funding"):
        assert key not in study
    assert draft.roster is None


# ---------------------------------------------------------------- schema.org in a landing page

def dataset_of(name: str) -> dict[str, Any]:
    nodes = [node for script in json_ld(name) for node in [script, *script.get("@graph", [])]]
    datasets = [node for node in nodes if "Dataset" in node.get("@type", [])]
    assert len(datasets) == 1
    return datasets[0]


def test_a_landing_page_s_dataset_maps_onto_study_yaml():
    dataset = dataset_of("landing-page.html")
    draft = read_schemaorg((SOURCES / "landing-page.html").read_text(encoding="utf-8"), "landing-page.html")
    study = draft.study
    assert study["title"] == dataset["name"]
    lines = dataset["description"].splitlines()
    assert study["description"] == "\n".join(before_roster(lines, "R1")).strip()
    person, named_person, organization = dataset["creator"]
    assert study["creators"] == [
        {"given-names": person["givenName"], "family-names": person["familyName"],
         "orcid": person["@id"].removeprefix(ORCID_URL)},
        split_name(named_person["name"]) | {"orcid": named_person["identifier"].removeprefix(ORCID_URL)},
        {"name": organization["name"]},
    ]
    assert study["publisher"] == {"name": dataset["publisher"]["name"], "url": dataset["publisher"]["url"]}
    catalog = dataset["includedInDataCatalog"]
    assert study["catalog"] == {"name": catalog["name"], "url": catalog["url"]}
    assert study["date-published"] == dataset["datePublished"]
    assert study["identifiers"] == [{"scheme": "DOI", "value": dataset["@id"].removeprefix("https://doi.org/")}]
    assert study["landing-page"] == dataset["url"]
    assert study["version"] == dataset["version"]
    assert dataset["license"] == "https://creativecommons.org/licenses/by-nc/4.0/"
    assert study["license"] == "CC-BY-NC-4.0"
    assert dataset["isAccessibleForFree"] is True and study["access"] == {"rights": "open"}
    assert study["keywords"] == [k.strip() for k in dataset["keywords"].split(",")]
    assert study["temporal-coverage"] == dataset["temporalCoverage"]
    assert study["spatial-coverage"] == [{"name": dataset["spatialCoverage"]["name"]}]
    assert study["techniques"] == dataset["measurementTechnique"]
    assert study["languages"] == [dataset["inLanguage"]]
    assert study["funding"] == [{"funder": {"name": dataset["funder"]["name"]}}]


def test_a_landing_page_s_roster_and_unmapped_fields():
    dataset = dataset_of("landing-page.html")
    draft = read_schemaorg((SOURCES / "landing-page.html").read_text(encoding="utf-8"), "landing-page.html")
    assert rows_of(draft) == roster_of(dataset["description"].splitlines())
    assert draft.study["files"] == [{"name": item["name"], "media-type": item["encodingFormat"],
                                     "url": item["contentUrl"]} for item in dataset["distribution"]]
    assert left_out(draft, "variableMeasured")
    # The page's other JSON-LD (the WebSite) and its JavaScript are not the dataset.
    assert "not the record" not in json.dumps(draft.study)


def test_a_dataset_in_an_at_graph_is_found_and_its_references_are_followed():
    scripts = json_ld("landing-page-graph.html")
    assert len(scripts) == 1 and "@graph" in scripts[0]
    nodes = {node["@id"]: node for node in scripts[0]["@graph"]}
    dataset = dataset_of("landing-page-graph.html")
    draft = read_schemaorg((SOURCES / "landing-page-graph.html").read_text(encoding="utf-8"),
                           "landing-page-graph.html")
    study = draft.study
    assert study["title"] == dataset["name"]
    assert study["description"] == paragraphs(dataset["description"])[0]
    with_orcid, name_only = dataset["creator"]
    assert study["creators"] == [
        {"given-names": with_orcid["givenName"], "family-names": with_orcid["familyName"],
         "orcid": with_orcid["sameAs"].removeprefix(ORCID_URL)},
        split_name(name_only["name"]),
    ]
    # The publisher is a reference to another node of the graph.
    publisher = nodes[dataset["publisher"]["@id"]]
    assert study["publisher"] == {"name": publisher["name"], "url": publisher["url"]}
    assert study["identifiers"] == [{"scheme": "DOI", "value": dataset["identifier"]["value"]}]
    assert study["date-published"] == dataset["datePublished"][:10]
    assert dataset["license"]["url"].startswith("http://www.nationalarchives.gov.uk/doc/open-government-licence/")
    assert study["license"] == "OGL-UK-3.0"
    assert dataset["isAccessibleForFree"] is False
    assert study["access"] == {"rights": "restricted", "conditions": dataset["conditionsOfAccess"]}
    assert study["keywords"] == dataset["keywords"]
    assert study["languages"] == [dataset["inLanguage"]["alternateName"]]
    grant = dataset["funding"]
    assert study["funding"] == [{"funder": {"name": grant["funder"]["name"]}, "award-number": grant["identifier"],
                                 "award-title": grant["name"]}]
    assert rows_of(draft) == roster_of(paragraphs(dataset["description"]))
    item = dataset["distribution"]
    assert study["files"] == [{"name": item["name"], "media-type": item["encodingFormat"],
                               "url": item["contentUrl"]}]


# ---------------------------------------------------------------- through the command line

#: Each fixture: its kind, and whether the study it gives is valid (it has a roster, so phases).
IMPORTS = [
    ("figshare", "figshare-article.json", True),
    ("figshare", "figshare-unusual.json", False),
    ("datacite", "datacite-doi.json", True),
    ("datacite", "datacite-minimal.json", False),
    ("schemaorg", "landing-page.html", True),
    ("schemaorg", "landing-page-graph.html", True),
]


def csv_codes(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


@pytest.mark.parametrize(("kind", "name", "valid"), IMPORTS)
def test_the_import_command_writes_the_study_and_validate_agrees(tmp_path, kind, name, valid):
    folder = tmp_path / "s"
    result = run("import", kind, str(SOURCES / name), str(folder), "--base-iri", BASE)
    assert "Traceback" not in result.output
    assert result.exit_code == (0 if valid else 1), result.output
    draft = read_source(kind, (SOURCES / name).read_text(encoding="utf-8"), str(SOURCES / name))
    written = yaml.safe_load((folder / "study.yaml").read_text(encoding="utf-8"))
    assert written["base-iri"] == BASE
    assert {key: written.get(key) for key in draft.study} == draft.study
    # The rest is the roster's code lists.
    assert set(written) - set(draft.study) <= {"base-iri", "gender", "cases", "sectors"}
    report = (folder / REPORT_FILE).read_text(encoding="utf-8")
    for note in notes(draft):
        assert note in report and note in result.output
    checked = run("validate", "--study", str(folder))
    if valid:
        assert csv_codes(folder / "participants.csv") == [row.code for row in draft.roster.rows]
        assert checked.exit_code == 0, checked.output
    else:
        # No roster, so no phases: the import says the study needs them, and is not valid yet.
        assert draft.roster is None and not (folder / "participants.csv").exists()
        assert "no 'phases'" in result.output and "no 'phases'" in report
        assert checked.exit_code != 0 and "Traceback" not in checked.output


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize(("kind", "content", "message"), [
    ("figshare", "title: not JSON\n", "not JSON"),
    ("datacite", "<html><body>a DOI's landing page</body></html>", "not JSON"),
    ("figshare", "", "not JSON"),
    ("figshare", '{"items": [], "total": 0}', "expected a Figshare article"),
    ("figshare", '[{"id": 1, "title": "a search result, not an article"}]', "expected a Figshare article"),
    ("datacite", '{"errors": [{"status": "404", "title": "The resource you are looking for doesn\'t exist."}]}',
     "expected a DataCite DOI"),
    # GET /dois?query=... answers with a list of DOIs, not one.
    ("datacite", '{"data": [{"id": "10.5072/x", "type": "dois", "attributes": {"titles": [{"title": "T"}]}}]}',
     "expected a DataCite DOI"),
    ("datacite", '{"data": null}', "expected a DataCite DOI"),
    ("schemaorg", "<html><head><title>No metadata</title></head><body><p>Hello</p></body></html>",
     "Dataset"),
    ("schemaorg", '<html><script type="application/ld+json">{"@context": "https://schema.org", '
                  '"@type": "WebSite", "name": "A repository"}</script></html>', "Dataset"),
    ("schemaorg", '<script type="application/ld+json">{"@type": "Dataset", "name": }</script>', "not JSON"),
])
def test_a_source_that_is_not_what_the_kind_reads_is_refused_naming_the_file(tmp_path, kind, content, message):
    source = tmp_path / "record.src"
    source.write_text(content, encoding="utf-8")
    result = run("import", kind, str(source), str(tmp_path / "s"), "--base-iri", BASE)
    assert result.exit_code == 2, result.output
    assert str(source) in result.output and message in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(("kind", "name"), [("datacite", "figshare-article.json"),
                                            ("figshare", "datacite-doi.json"),
                                            ("figshare", "landing-page.html")])
def test_another_repository_s_record_is_refused(tmp_path, kind, name):
    result = run("import", kind, str(SOURCES / name), str(tmp_path / "s"))
    assert result.exit_code == 2, result.output
    assert name in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s").exists()


def test_svrdf_s_own_landing_page_imports_back_to_its_study_s_catalogue_fields(tmp_path):
    """The landing page's JSON-LD links its nodes by IRI alone (its context types those
    properties as @id): the import follows them to the nodes of the page's @graph."""
    page = tmp_path / "index.html"
    assert run("export", "--format", "html", "-o", str(page), "-q").exit_code == 0
    study = yaml.safe_load((bundled_study_dir() / "study.yaml").read_text(encoding="utf-8"))
    draft = read_source("schemaorg", page.read_text(encoding="utf-8"), str(page))
    for key in ("title", "description", "temporal-coverage", "source-organization"):
        assert draft.study[key] == study[key]
    assert str(draft.study["date-published"]) == str(study["date-published"])
    assert [{k: c[k] for k in ("given-names", "family-names")} for c in study["creators"]] == draft.study["creators"]
    assert draft.study["publisher"]["name"] == study["publisher"]["name"]
    assert draft.study["catalog"]["name"] == study["catalog"]["name"]
    assert [p["name"] for p in draft.study["spatial-coverage"]] == [p["name"] for p in study["spatial-coverage"]]
    assert sorted(draft.study["keywords"]) == sorted(study["keywords"])
    assert draft.study["identifiers"] == [{"scheme": "DOI", "value": study["identifiers"][0]["value"]}]
