"""DDI-Codebook for the archives: valid by the DDI Alliance's own XSDs (2.5.1 and 2.6), meeting
the CESSDA Data Catalogue profile's mandatory XPaths as the profile itself lists them, each study
field where it belongs; and the data list, checked by the csvw package against its CSVW
description and against the graph."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, query, require_shared

from svrdf.cli import cli
from svrdf.forms.ddi import to_ddi_xml
from svrdf.rdf.mapping import build_graph
from svrdf.resources import bundled_study_dir
from svrdf.study.builder import load_study

HOUSING = FIXTURES / "studies" / "housing-voices"
STUDIES = {"bundled": bundled_study_dir(), "housing-voices": HOUSING, "minimal": FIXTURES / "studies" / "minimal"}
XSDS = {"2.5": "standards/ddi-codebook-2.5.1/schemas/codebook.xsd",
        "2.6": "standards/ddi-codebook-2.6/schemas/codebook.xsd"}
PROFILES = {"2.5": "standards/cessda-profiles/CDC_2.5_PROFILE/cdc25_profile.xml",
            "2.6": "standards/cessda-profiles/CDC_2.6_PROFILE/cdc26_profile.xml"}
XML_NS = "http://www.w3.org/XML/1998/namespace"


@pytest.fixture(scope="module", params=["2.5", "2.6"])
def version(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def xsd(version):
    import xmlschema

    return xmlschema.XMLSchema(require_shared(XSDS[version]))


def profile_rules(version: str) -> list[tuple[str, str]]:
    """(level, XPath) of each pr:Used of the CESSDA profile, its level from 'Required: ...'."""
    text = require_shared(PROFILES[version]).read_text("utf-8")
    return [(level.group(1), used.group(1))
            for used in re.finditer(r'<pr:Used xpath="([^"]*)"[^>]*>(.*?)</pr:Used>', text, re.S)
            if (level := re.search(r"Required: (\w+)", used.group(2)))]


def missing_mandatory(xml: bytes, version: str) -> list[str]:
    """The profile's mandatory XPaths the record misses: an element or attribute the profile
    makes mandatory, absent from a parent the record has (an optional parent absent is fine)."""
    import elementpath

    root = ET.fromstring(xml)
    namespaces = {"ddi": f"ddi:codebook:{version.replace('.', '_')}", "xml": XML_NS,
                  "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    missing = []
    for level, xpath in profile_rules(version):
        if level != "Mandatory":
            continue
        parent, _, last = xpath.rpartition("/")
        for node in elementpath.select(root, parent or "/", namespaces):
            if not elementpath.select(node, last, namespaces):
                missing.append(xpath)
                break
    return missing


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_ddi_is_valid_by_the_xsd_and_meets_the_cessda_mandatory_xpaths(name, version, xsd):
    xml = to_ddi_xml(load_study(STUDIES[name]), version)
    xsd.validate(xml.decode("utf-8"))
    assert missing_mandatory(xml, version) == []


def test_the_profile_has_mandatory_rules_to_check(version):
    levels = [level for level, _ in profile_rules(version)]
    assert levels.count("Mandatory") > 10 and levels.count("Recommended") > 10


def test_a_broken_record_fails_both_checks(version, xsd):
    xml = to_ddi_xml(load_study(HOUSING), version).decode("utf-8")
    misplaced = xml.replace("<stdyInfo>", "<stdyInfo><bogus/>")
    assert not xsd.is_valid(misplaced)
    unnamed = re.sub(r' agency="[^"]*"', "", xml, count=1)
    assert "/ddi:codeBook/ddi:stdyDscr/ddi:citation/ddi:titlStmt/ddi:IDNo/@agency" in missing_mandatory(
        unnamed.encode(), version)


def test_each_study_field_is_where_ddi_puts_it():
    spec = yaml.safe_load((HOUSING / "study.yaml").read_text("utf-8"))
    root = ET.fromstring(to_ddi_xml(load_study(HOUSING)))
    ns = {"d": "ddi:codebook:2_5"}

    def texts(path: str) -> list[str]:
        return [e.text or "" for e in root.iterfind(path, ns)]

    def lang(element: ET.Element) -> str | None:
        return element.get(f"{{{XML_NS}}}lang")

    citation = "d:stdyDscr/d:citation/"
    [title] = root.iterfind(citation + "d:titlStmt/d:titl", ns)
    assert (lang(title), title.text) == ("en", spec["title"]["en"])
    assert {(lang(e), e.text) for e in root.iterfind(citation + "d:titlStmt/d:parTitl", ns)} == {
        (tag, text) for tag, text in spec["title"].items() if tag != "en"}
    assert {(e.get("agency"), e.text) for e in root.iterfind(citation + "d:titlStmt/d:IDNo", ns)} == {
        (i["scheme"], i["value"]) for i in spec["identifiers"]}
    [author] = root.iterfind(citation + "d:rspStmt/d:AuthEnty", ns)
    creator = spec["creators"][0]
    assert author.text == f"{creator['given-names']} {creator['family-names']}"
    assert author.find("d:ExtLink", ns).get("URI") == f"https://orcid.org/{creator['orcid']}"
    assert texts(citation + "d:prodStmt/d:fundAg") == [f["funder"]["name"] for f in spec["funding"]]
    assert texts(citation + "d:prodStmt/d:grantNo") == [f["award-number"] for f in spec["funding"]]
    assert texts(citation + "d:distStmt/d:distrbtr") == [spec["publisher"]["name"]]
    assert root.find(citation + "d:distStmt/d:distDate", ns).get("date") == str(spec["date-published"])
    assert texts(citation + "d:verStmt/d:version") == [spec["version"]]
    assert root.find(citation + "d:holdings", ns).get("URI") == spec["landing-page"]
    info = "d:stdyDscr/d:stdyInfo/"
    assert texts(info + "d:subject/d:keyword") == spec["keywords"]
    assert {(lang(e), e.text) for e in root.iterfind(info + "d:abstract", ns)} == {
        (tag, " ".join(text.split())) for tag, text in spec["description"].items()}
    summary = info + "d:sumDscr/"
    assert texts(summary + "d:anlyUnit") == [spec["unit-of-analysis"]]
    assert texts(summary + "d:dataKind") == [spec["kind-of-data"]]
    assert texts(summary + "d:geogCover") == [p["name"] for p in spec["spatial-coverage"]]
    dates = {(e.get("cycle"), e.get("event"), e.get("date")) for e in root.iterfind(summary + "d:collDate", ns)}
    assert dates == {(p["name"], event, str(p[f"{event}-date"])) for p in spec["phases"]
                     for event in ("start", "end") if f"{event}-date" in p}
    collection = "d:stdyDscr/d:method/d:dataColl/"
    assert texts(collection + "d:timeMeth") == [spec["time-method"]]
    assert texts(collection + "d:sampProc") == [spec["sampling-procedure"]]
    modes = {e.text for e in root.iterfind(collection + "d:collMode/d:concept", ns)}
    rows = (HOUSING / "participants.csv").read_text("utf-8")
    assert modes and all(mode in rows for mode in modes)
    assert [s.split(":")[0].split(" (")[0] for s in texts(collection + "d:collSitu")] == [
        p["name"] for p in spec["phases"]]
    assert texts("d:stdyDscr/d:dataAccs/d:useStmt/d:restrctn") == [spec["access"]["conditions"]]
    assert texts("d:fileDscr/d:fileTxt/d:fileName") == [f["name"] for f in spec["files"]]
    # Nothing of a participant: no code of participants.csv is in the record.
    codes = {line.split(",")[0] for line in rows.splitlines()[1:]}
    written = ET.tostring(root, encoding="unicode")
    assert not {code for code in codes if re.search(rf"\b{re.escape(code)}\b", written)}


def test_export_writes_ddi_2_5_by_default_and_2_6_when_asked(tmp_path):
    for args, namespace in (([], "ddi:codebook:2_5"), (["--ddi-version", "2.6"], "ddi:codebook:2_6")):
        target = tmp_path / f"ddi{len(args)}.xml"
        result = CliRunner().invoke(cli, ["export", "--format", "ddi", *args, "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        assert ET.parse(target).getroot().tag == f"{{{namespace}}}codeBook"
    result = CliRunner().invoke(cli, ["export", "--format", "turtle", "--ddi-version", "2.6"])
    assert result.exit_code == 2 and "--format ddi" in result.stderr


# The data list ----------------------------------------------------------------------------

def bundle(tmp_path: Path, study: Path) -> Path:
    result = CliRunner().invoke(cli, ["export", "--study", str(study), "--format", "all",
                                      "--out-dir", str(tmp_path / "bundle"), "-q"])
    assert result.exit_code == 0, result.stderr
    return tmp_path / "bundle"


@pytest.mark.parametrize("name", ["bundled", "housing-voices"])
def test_the_data_list_is_valid_csvw_and_its_rows_are_the_graph_s_events(tmp_path, name):
    import csvw

    folder = bundle(tmp_path, STUDIES[name])
    described = csvw.CSVW(str(folder / "datalist.csv-metadata.json"), validate=True)
    assert described.is_valid
    [table] = described.to_json()["tables"]
    listed = {row["describes"][0]["code"]: row["describes"][0] for row in table["row"]}
    graph = build_graph(load_study(STUDIES[name]))
    events = query(graph, """SELECT ?event (COUNT(DISTINCT ?p) AS ?people)
        (GROUP_CONCAT(DISTINCT ?code; separator=";") AS ?codes)
        { ?c svrdf:collectedIn ?event ; svrdf:notation ?code .
          OPTIONAL { ?p svrdf:hasQuotationCode ?c } } GROUP BY ?event""")
    assert len(events) == len(listed)
    for _, people, codes in events:
        [row] = [row for key, row in listed.items() if set(key.split(";")) == set(codes.split(";"))]
        assert row["people"] == people


def test_a_broken_data_list_fails_csvw(tmp_path):
    import csvw

    folder = bundle(tmp_path, HOUSING)
    path = folder / "datalist.csv"
    lines = path.read_text("utf-8").splitlines()
    cells = lines[1].split(",")
    cells[6] = "many"  # people: an integer of at least 1
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    assert not csvw.CSVW(str(folder / "datalist.csv-metadata.json"), validate=True).is_valid


def test_the_data_list_says_it_may_be_disclosive(tmp_path):
    import json

    folder = bundle(tmp_path, HOUSING)
    metadata = json.loads((folder / "datalist.csv-metadata.json").read_text("utf-8"))
    assert "disclosive" in metadata["dc:description"]
    assert [c["titles"] for c in metadata["tableSchema"]["columns"]] == [
        "Code", "Kind", "Phase", "Case", "Date or month", "Mode", "People", "Sector", "Role", "Gender"]


def test_validate_warns_of_each_recommended_element_a_study_cannot_fill():
    """The bundled study's record names no unit, universe, kind of data, time method or sampling
    procedure: each warning names its DDI element and the study.yaml key; the second example
    study, which has them all, gets none of these warnings."""
    from svrdf.shacl.validation import validate

    expected = {"anlyUnit": "unit-of-analysis", "universe": "universe", "dataKind": "kind-of-data",
                "timeMeth": "time-method", "sampProc": "sampling-procedure"}
    messages = [r.message for r in validate(build_graph(load_study(bundled_study_dir()))).warnings
                if "CESSDA" in r.message]
    assert len(messages) == len(expected)
    for element, key in expected.items():
        assert any(f"/{element}" in m and f"'{key}'" in m for m in messages), element
    assert not [r for r in validate(build_graph(load_study(HOUSING))).warnings if "CESSDA" in r.message]
