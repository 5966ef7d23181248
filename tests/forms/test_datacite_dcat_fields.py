"""The DataCite XML and the DCAT-AP record carry every field of the general study model that has
a place in them, with the values the study's files give: read here with yaml and csv, never
through svrdf. Each form is checked by its standard's own validator (the DataCite 4.6 and 4.7
XSDs with xmlschema, the DCAT-AP 3.0.1 shapes with pyshacl)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD
from test_conformance import shacl_violations

from svrdf.cli import cli
from svrdf.errors import StudyDataError
from svrdf.forms import FORMATS
from svrdf.rdf.mapping import StudyIris, build_graph
from svrdf.rdf.vocab import SPDX
from svrdf.resources import bundled_study_dir
from svrdf.study.builder import load_study

HOUSING = FIXTURES / "studies" / "housing-voices"
MINIMAL = FIXTURES / "studies" / "minimal"

NS = {"d": "http://datacite.org/schema/kernel-4"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: The COAR access rights (http://purl.org/coar/access_right/), as the vocabulary gives them.
COAR = {
    "open": ("http://purl.org/coar/access_right/c_abf2", "open access"),
    "embargoed": ("http://purl.org/coar/access_right/c_f1cf", "embargoed access"),
    "restricted": ("http://purl.org/coar/access_right/c_16ec", "restricted access"),
    "metadata-only": ("http://purl.org/coar/access_right/c_14cb", "metadata only access"),
}
#: The DDI Mode of Collection labels of the modes the fixture uses.
DDI_MODE_LABELS = {
    "Interview.FaceToFace": "Face-to-face interview",
    "Interview.Telephone": "Telephone interview",
    "Interview.WebBased": "Web-based interview",
    "FocusGroup.FaceToFace": "Face-to-face focus group",
    "FocusGroup.Online": "Online focus group",
}
#: The EU Languages authority's codes (ISO 639-2/T) of the fixture's languages.
EU_LANGUAGE = {"en": "ENG", "cy": "CYM"}
EU_LANGUAGES = "http://publications.europa.eu/resource/authority/language/"
FUNDER_ROLE = URIRef("http://id.loc.gov/vocabulary/relators/fnd")
DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}



# Helpers -----------------------------------------------------------------------------------

def read_yaml(study_dir: Path) -> dict:
    return yaml.safe_load((study_dir / "study.yaml").read_text(encoding="utf-8"))


def copy_study(source: Path, target: Path, change) -> Path:
    """A copy of a study whose study.yaml ``change`` edits (a function of the parsed dict)."""
    shutil.copytree(source, target)
    document = read_yaml(target)
    change(document)
    (target / "study.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    return target


def datacite(study_dir: Path) -> bytes:
    study = load_study(study_dir)
    return FORMATS["datacite"].serialize(study, build_graph(study))


def dcat(study_dir: Path, name: str = "dcat") -> Graph:
    study = load_study(study_dir)
    data = FORMATS[name].serialize(study, build_graph(study))
    return Graph().parse(data=data, format="turtle" if name == "dcat" else "json-ld")


def lines(element: ET.Element) -> list[str]:
    """A DataCite description's lines: its text and the text after each <br/>."""
    return [element.text or "", *((br.tail or "") for br in element)]


def one(elements: list[ET.Element]) -> ET.Element:
    assert len(elements) == 1, [ET.tostring(e) for e in elements]
    return elements[0]


def lang(element: ET.Element) -> str | None:
    return element.get(XML_LANG)


def as_language_map(value) -> dict[str, str]:
    return value if isinstance(value, dict) else {None: value}


def dataset(graph: Graph) -> URIRef:
    [node] = graph.subjects(RDF.type, DCAT.Dataset)
    return node


def expected_date(text: str) -> Literal:
    return Literal(text, datatype=DATE_TYPES[len(text)])


@pytest.fixture(scope="module")
def housing() -> dict:
    return read_yaml(HOUSING)


@pytest.fixture(scope="module")
def housing_xml() -> ET.Element:
    return ET.fromstring(datacite(HOUSING))


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    """housing-voices with what the fixture has not: a funder known only by its Crossref
    Funder ID, an award page, an embargo and conditions in two languages."""
    def change(document: dict) -> None:
        funder = document["funding"][0]
        del funder["funder"]["ror"]
        funder["award-url"] = "https://example.org/awards/ES-X000000-1"
        document["access"] = {"rights": "embargoed", "embargo-end": dt.date(2027, 1, 31),
                              "conditions": {"en": "Embargoed until the thesis is examined.",
                                             "cy": "Dan embargo nes arholi'r traethawd."}}
    return copy_study(HOUSING, tmp_path_factory.mktemp("variant") / "study", change)


@pytest.fixture(scope="module")
def minimal_with_doi(tmp_path_factory) -> Path:
    def change(document: dict) -> None:
        document["identifiers"] = [{"scheme": "DOI", "value": "10.5555/minimal"}]
    return copy_study(MINIMAL, tmp_path_factory.mktemp("minimal-doi") / "study", change)



# DataCite: valid against both schemas ------------------------------------------------------

@pytest.mark.parametrize("which", ["housing-voices", "bundled", "minimal", "variant"])
def test_datacite_xml_is_valid_against_the_4_6_and_4_7_schemas(
        which, datacite_schema, bundled_dir, minimal_with_doi, variant):
    study_dir = {"housing-voices": HOUSING, "bundled": bundled_dir, "minimal": minimal_with_doi,
                 "variant": variant}[which]
    xml = datacite(study_dir).decode("utf-8")
    datacite_schema.validate(xml)
    assert ET.fromstring(xml).find("d:identifier", NS).text


def test_the_schemas_catch_a_broken_funding_reference(datacite_schema):
    xml = datacite(HOUSING).decode("utf-8")
    broken = xml.replace('funderIdentifierType="ROR"', 'funderIdentifierType="Ringgold"')
    assert broken != xml and not datacite_schema.is_valid(broken)


# DataCite: each field, from the study's files ----------------------------------------------

def test_datacite_sizes_and_formats_are_the_files(housing, housing_xml):
    sizes = [e.text for e in housing_xml.iterfind("d:sizes/d:size", NS)]
    assert sizes == [f"{f['size']} bytes" for f in housing["files"]]
    formats = [e.text for e in housing_xml.iterfind("d:formats/d:format", NS)]
    assert formats == list(dict.fromkeys(f["media-type"] for f in housing["files"]))


def test_datacite_titles_and_abstracts_are_one_per_language(housing, housing_xml):
    titles = {lang(t): t.text for t in housing_xml.iterfind("d:titles/d:title", NS)}
    assert titles == housing["title"] and len(titles) == 2
    abstracts = {lang(d): d.text for d in housing_xml.iterfind(
        "d:descriptions/d:description[@descriptionType='Abstract']", NS)}
    assert abstracts == housing["description"]
    # The main language's title comes first: a one-title reader takes it.
    assert lang(housing_xml.find("d:titles/d:title", NS)) == housing["metadata-language"]


def test_datacite_title_has_no_language_where_the_record_gives_none(minimal_with_doi):
    root = ET.fromstring(datacite(minimal_with_doi))
    title = one(root.findall("d:titles/d:title", NS))
    assert title.text == read_yaml(minimal_with_doi)["title"] and lang(title) is None


def test_datacite_methods_hold_method_sampling_time_method_and_modes(housing, housing_xml):
    methods = one(housing_xml.findall("d:descriptions/d:description[@descriptionType='Methods']", NS))
    with open(HOUSING / "participants.csv", encoding="utf-8", newline="") as handle:
        modes = list(dict.fromkeys(row["mode"] for row in csv.DictReader(handle) if row["mode"]))
    assert len(modes) == 5
    assert lines(methods) == [
        "; ".join([housing["methodology"], *housing["techniques"]]),
        f"Sampling procedure: {housing['sampling-procedure']}",
        f"Time method: {housing['time-method']}",
        "Modes of collection: " + "; ".join(DDI_MODE_LABELS[m] for m in modes),
    ]
    assert lang(methods) == housing["metadata-language"]


def test_datacite_other_description_holds_kind_of_data_unit_and_universe(housing, housing_xml):
    other = one(housing_xml.findall("d:descriptions/d:description[@descriptionType='Other']", NS))
    assert lines(other) == [f"Kind of data: {housing['kind-of-data']}",
                            f"Unit of analysis: {housing['unit-of-analysis']}",
                            f"Universe: {housing['universe']['en']}"]
    assert lang(other) == "en"


def test_datacite_rights_give_the_spdx_licence_the_coar_access_right_and_conditions(
        housing, housing_xml):
    rights = housing_xml.findall("d:rightsList/d:rights", NS)
    licence, access, conditions = rights
    spdx = housing["license"]
    assert licence.attrib == {"rightsURI": f"http://spdx.org/licenses/{spdx}",
                              "rightsIdentifier": spdx, "rightsIdentifierScheme": "SPDX",
                              "schemeURI": "https://spdx.org/licenses/"}
    iri, label = COAR[housing["access"]["rights"]]
    assert (access.get("rightsURI"), access.text) == (iri, label)
    assert conditions.text == housing["access"]["conditions"] and conditions.get("rightsURI") is None
    assert lang(conditions) == housing["metadata-language"]


def test_datacite_dates_language_and_contributors(housing, housing_xml):
    dates = {d.get("dateType"): d.text for d in housing_xml.iterfind("d:dates/d:date", NS)}
    assert dates == {"Issued": housing["date-published"].isoformat(),
                     "Collected": housing["temporal-coverage"]}
    assert housing_xml.find("d:language", NS).text == housing["languages"][0]
    found = [(c.get("contributorType"), c.find("d:contributorName", NS).text,
              c.find("d:contributorName", NS).get("nameType"))
             for c in housing_xml.iterfind("d:contributors/d:contributor", NS)]
    expected = []
    for person in housing["contributors"]:
        if "family-names" in person:
            expected.append((person["role"], f"{person['family-names']}, {person['given-names']}",
                             "Personal"))
        else:
            expected.append((person["role"], person["name"], "Organizational"))
    assert found == expected and len(found) == 2


def test_datacite_funding_reference_with_ror(housing, housing_xml):
    [funding] = housing["funding"]
    reference = one(housing_xml.findall("d:fundingReferences/d:fundingReference", NS))
    assert reference.find("d:funderName", NS).text == funding["funder"]["name"]
    identifier = reference.find("d:funderIdentifier", NS)
    assert identifier.text == funding["funder"]["ror"]
    assert identifier.attrib == {"funderIdentifierType": "ROR", "schemeURI": "https://ror.org/"}
    assert reference.find("d:awardNumber", NS).text == funding["award-number"]
    assert reference.find("d:awardTitle", NS).text == funding["award-title"]


def test_datacite_crossref_funder_award_page_embargo_and_conditions_in_two_languages(variant):
    document = read_yaml(variant)
    root = ET.fromstring(datacite(variant))
    [funding] = document["funding"]
    reference = one(root.findall("d:fundingReferences/d:fundingReference", NS))
    identifier = reference.find("d:funderIdentifier", NS)
    assert identifier.text == f"https://doi.org/{funding['funder']['crossref-funder-id']}"
    assert identifier.get("funderIdentifierType") == "Crossref Funder ID"
    assert reference.find("d:awardNumber", NS).get("awardURI") == funding["award-url"]
    dates = {d.get("dateType"): d.text for d in root.iterfind("d:dates/d:date", NS)}
    assert dates["Available"] == document["access"]["embargo-end"].isoformat()
    rights = root.findall("d:rightsList/d:rights", NS)
    assert (rights[1].get("rightsURI"), rights[1].text) == COAR["embargoed"]
    assert {lang(r): r.text for r in rights[2:]} == document["access"]["conditions"]


def test_datacite_record_is_the_same_bytes_each_time():
    assert datacite(HOUSING) == datacite(HOUSING)


# DataCite: availability agrees with what the writer needs ----------------------------------

@pytest.mark.parametrize("remove, reason", [
    (("identifiers",), "no DOI"),
    (("date-published",), "no date-published"),
    (("publisher", "catalog"), "no publisher or catalog"),
])
def test_datacite_is_unavailable_exactly_when_the_writer_cannot_write_it(tmp_path, remove, reason):
    def change(document: dict) -> None:
        for key in remove:
            document.pop(key, None)
    study = load_study(copy_study(HOUSING, tmp_path / "study", change))
    fmt = FORMATS["datacite"]
    assert not fmt.available(study)
    assert fmt.missing(study) == f"the study has {reason}"
    with pytest.raises(StudyDataError, match=reason):
        fmt.serialize(study, build_graph(study))
    assert FORMATS["datacite"].available(load_study(HOUSING))


def test_export_all_skips_datacite_for_a_study_with_a_doi_but_no_date_published(tmp_path):
    """Regression: the bundle used to fail on DataCite here, although the study has a DOI."""
    def change(document: dict) -> None:
        document["identifiers"] = [{"scheme": "DOI", "value": "10.5555/minimal"}]
        del document["date-published"]
    study = copy_study(MINIMAL, tmp_path / "study", change)
    out = tmp_path / "bundle"
    out.mkdir()
    result = CliRunner().invoke(cli, ["export", "--study", str(study), "--format", "all",
                                      "--out-dir", str(out)])
    assert result.exit_code == 0, result.stderr + repr(result.exception)
    assert "skipped datacite.xml (and removed any earlier one): the study has no date-published" in result.stderr
    written = {p.name for p in out.iterdir()}
    assert "datacite.xml" not in written and "dcat.ttl" in written


# DCAT-AP -----------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["housing-voices", "variant", "minimal"])
def test_dcat_record_has_no_dcat_ap_violations(which, dcat_ap_shapes, variant):
    study_dir = {"housing-voices": HOUSING, "variant": variant, "minimal": MINIMAL}[which]
    graph = dcat(study_dir)
    assert shacl_violations(graph, *dcat_ap_shapes) == []


def test_dcat_ap_shapes_catch_untyped_languages_rights_and_unlabelled_roles(dcat_ap_shapes):
    # (DCAT-AP 3.0.1 checks the dates' datatypes with sh:shape, which is not SHACL and which
    # pyshacl ignores: the datatypes are checked by the tests below instead.)
    graph = dcat(HOUSING)
    for node in set(graph.subjects(RDF.type, DCTERMS.LinguisticSystem)):
        graph.remove((node, RDF.type, DCTERMS.LinguisticSystem))
    for node in set(graph.subjects(RDF.type, DCTERMS.RightsStatement)):
        graph.remove((node, RDF.type, DCTERMS.RightsStatement))
    graph.remove((None, SKOS.prefLabel, Literal("data collector", lang="en")))
    violations = shacl_violations(graph, *dcat_ap_shapes)
    paths = {path for _, path in violations}
    assert {str(DCTERMS.language), str(DCTERMS.accessRights), str(DCTERMS.rights),
            str(SKOS.prefLabel)} <= paths


@pytest.mark.parametrize("name", ["dcat", "dcat-json-ld"])
def test_dcat_titles_descriptions_and_languages(housing, name):
    graph = dcat(HOUSING, name)
    ds = dataset(graph)
    expected_titles = {Literal(text, lang=tag) for tag, text in housing["title"].items()}
    assert set(graph.objects(ds, DCTERMS.title)) == expected_titles
    expected_descriptions = {Literal(text, lang=tag) for tag, text in housing["description"].items()}
    assert set(graph.objects(ds, DCTERMS.description)) == expected_descriptions
    languages = {URIRef(EU_LANGUAGES + EU_LANGUAGE[tag]) for tag in housing["languages"]}
    assert set(graph.objects(ds, DCTERMS.language)) == languages
    assert all((node, RDF.type, DCTERMS.LinguisticSystem) in graph for node in languages)


def test_dcat_forms_in_turtle_and_json_ld_are_the_same_graph():
    assert isomorphic(dcat(HOUSING, "dcat"), dcat(HOUSING, "dcat-json-ld"))


def test_dcat_access_rights_conditions_and_licence_on_each_file_s_distribution(housing):
    graph = dcat(HOUSING)
    ds = dataset(graph)
    iri, label = COAR[housing["access"]["rights"]]
    right = URIRef(iri)
    assert list(graph.objects(ds, DCTERMS.accessRights)) == [right]
    assert (right, RDF.type, DCTERMS.RightsStatement) in graph
    assert graph.value(right, RDFS.label) == Literal(label, lang="en")
    licence = URIRef(f"http://spdx.org/licenses/{housing['license']}")
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    distributions = {str(graph.value(d, DCTERMS.title)): d for d in graph.objects(ds, DCAT.distribution)}
    assert set(distributions) == {f["title"] for f in housing["files"]}
    for entry in housing["files"]:
        distribution = distributions[entry["title"]]
        assert list(graph.objects(distribution, DCTERMS.license)) == [licence]
        # A file is reached at its download address, else through the landing page.
        access = entry.get("url", housing["landing-page"])
        assert list(graph.objects(distribution, DCAT.accessURL)) == [URIRef(access)]
        assert list(graph.objects(distribution, DCAT.downloadURL)) == ([URIRef(entry["url"])] if "url" in entry else [])
        [file_right] = graph.objects(distribution, DCTERMS.accessRights)
        assert file_right == URIRef(COAR[entry.get("access", housing["access"]["rights"])][0])
        media_type = graph.value(distribution, DCAT.mediaType)
        assert media_type == URIRef(f"https://www.iana.org/assignments/media-types/{entry['media-type']}")
        assert (media_type, RDF.type, DCTERMS.MediaType) in graph
        assert graph.value(distribution, DCAT.byteSize).toPython() == entry["size"]
        checksum = graph.value(distribution, SPDX.checksum)
        algorithm, digest = entry["checksum"].split(":")
        assert graph.value(checksum, SPDX.algorithm) == SPDX[f"checksumAlgorithm_{algorithm}"]
        assert str(graph.value(checksum, SPDX.checksumValue)) == digest
        [statement] = graph.objects(distribution, DCTERMS.rights)
        assert (statement, RDF.type, DCTERMS.RightsStatement) in graph
        assert set(graph.objects(statement, RDFS.label)) == {
            Literal(housing["access"]["conditions"], lang=housing["metadata-language"])}


def test_dcat_offers_a_study_without_files_through_its_landing_page():
    """The bundled study lists no files: its one distribution is the repository's page."""
    graph = dcat(bundled_study_dir())
    [distribution] = graph.objects(dataset(graph), DCAT.distribution)
    landing = read_yaml(bundled_study_dir())["landing-page"]
    assert list(graph.objects(distribution, DCAT.accessURL)) == [URIRef(landing)]


def test_dcat_keeps_the_licence_of_a_study_with_neither_landing_page_nor_doi():
    document = read_yaml(MINIMAL)
    assert "landing-page" not in document and "identifiers" not in document
    graph = dcat(MINIMAL)
    ds = dataset(graph)
    licence = URIRef("http://spdx.org/licenses/CC-BY-4.0")  # what its licence address is in SPDX
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert list(graph.objects(ds, DCTERMS.license)) == [licence]
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    # No address to give: DCAT-AP's distribution needs an access URL, so there is none.
    assert list(graph.objects(ds, DCAT.distribution)) == []


def test_dcat_bundled_licence_free_record_keeps_its_landing_page_distribution(bundled_study):
    graph = Graph().parse(data=FORMATS["dcat"].serialize(bundled_study, build_graph(bundled_study)),
                          format="turtle")
    [distribution] = graph.objects(StudyIris(bundled_study).dataset, DCAT.distribution)
    assert graph.value(distribution, DCAT.accessURL) == URIRef(bundled_study.landing_page)
    assert graph.value(distribution, DCTERMS.license) is None  # the record states none


def test_dcat_temporal_coverage_is_typed_at_its_precision(housing):
    graph = dcat(HOUSING)
    period = graph.value(dataset(graph), DCTERMS.temporal)
    start, end = housing["temporal-coverage"].split("/")
    assert graph.value(period, DCAT.startDate) == expected_date(start)
    assert graph.value(period, DCAT.endDate) == expected_date(end)
    assert expected_date(start).datatype == XSD.gYearMonth


@pytest.mark.parametrize("coverage, start, end", [
    ("2018", Literal("2018", datatype=XSD.gYear), Literal("2018", datatype=XSD.gYear)),
    ("2019-03-02/2020", Literal("2019-03-02", datatype=XSD.date), Literal("2020", datatype=XSD.gYear)),
])
def test_dcat_temporal_coverage_at_other_precisions(tmp_path, dcat_ap_shapes, coverage, start, end):
    def change(document: dict) -> None:
        document["temporal-coverage"] = coverage
    graph = dcat(copy_study(HOUSING, tmp_path / "study", change))
    period = graph.value(dataset(graph), DCTERMS.temporal)
    assert (graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)) == (start, end)
    assert shacl_violations(graph, *dcat_ap_shapes) == []


def test_dcat_contributors_are_qualified_attributions_with_their_roles(housing):
    graph = dcat(HOUSING)
    ds = dataset(graph)
    found = set()
    for attribution in graph.objects(ds, PROV.qualifiedAttribution):
        role = graph.value(attribution, DCAT.hadRole)
        notation = graph.value(role, SKOS.notation)
        if notation is None:
            continue  # the creator's and funder's roles are not DataCite contributor types
        agent = graph.value(attribution, PROV.agent)
        assert (attribution, RDF.type, PROV.Attribution) in graph
        assert (role, RDF.type, DCAT.Role) in graph and graph.value(role, SKOS.prefLabel)
        found.add((str(graph.value(agent, FOAF.name)), str(notation)))
    expected = {(c.get("name") or f"{c['given-names']} {c['family-names']}", c["role"])
                for c in housing["contributors"]}
    assert found == expected and len(found) == 2


def test_dcat_funder_is_an_attribution_with_the_funder_role(housing):
    graph = dcat(HOUSING)
    [funding] = housing["funding"]
    attributions = [a for a in graph.objects(dataset(graph), PROV.qualifiedAttribution)
                    if graph.value(a, DCAT.hadRole) == FUNDER_ROLE]
    [attribution] = attributions
    agent = graph.value(attribution, PROV.agent)
    assert agent == URIRef(funding["funder"]["ror"])
    assert graph.value(agent, FOAF.name) == Literal(funding["funder"]["name"])
    assert (agent, RDF.type, FOAF.Agent) in graph


def test_dcat_embargo_end_and_conditions_in_two_languages(variant):
    document = read_yaml(variant)
    graph = dcat(variant)
    ds = dataset(graph)
    assert graph.value(ds, DCTERMS.accessRights) == URIRef(COAR["embargoed"][0])
    assert graph.value(ds, DCTERMS.available) == Literal(
        document["access"]["embargo-end"].isoformat(), datatype=XSD.date)
    [statement] = graph.objects(ds, DCTERMS.rights)
    assert set(graph.objects(statement, RDFS.label)) == {
        Literal(text, lang=tag) for tag, text in document["access"]["conditions"].items()}


def test_dcat_phase_labels_are_unchanged(housing):
    graph = dcat(HOUSING)
    labels = {str(graph.value(p, RDFS.label)) for p in graph.objects(dataset(graph), PROV.wasGeneratedBy)}
    assert labels == {phase["name"] for phase in housing["phases"]}


def test_dcat_distribution_without_a_landing_page_is_reached_through_the_doi(tmp_path, housing):
    folder = tmp_path / "no-page"
    shutil.copytree(HOUSING, folder)
    text = (folder / "study.yaml").read_text(encoding="utf-8")
    (folder / "study.yaml").write_text(
        text.replace(f"landing-page: {housing['landing-page']}\n", ""), encoding="utf-8")
    graph = dcat(folder)
    doi = next(i["value"] for i in housing["identifiers"] if i["scheme"] == "DOI")
    restricted = next(f for f in housing["files"] if "url" not in f)
    [distribution] = graph.subjects(DCTERMS.title, Literal(restricted["title"]))
    assert list(graph.objects(distribution, DCAT.accessURL)) == [URIRef(f"https://doi.org/{doi}")]
    assert list(graph.objects(distribution, DCTERMS.license)) == [
        URIRef(f"http://spdx.org/licenses/{housing['license']}")]


def test_datacite_award_page_without_an_award_number(tmp_path, datacite_schema):
    """An award known by its page only is not dropped: an empty awardNumber with its URI."""
    def change(document: dict) -> None:
        funding = document["funding"][0]
        del funding["award-number"]
        funding["award-url"] = "https://example.org/awards/tenant-participation"
    study = copy_study(HOUSING, tmp_path / "study", change)
    xml = datacite(study)
    datacite_schema.validate(xml)
    reference = one(ET.fromstring(xml).findall("d:fundingReferences/d:fundingReference", NS))
    award = reference.find("d:awardNumber", NS)
    assert award.get("awardURI") == "https://example.org/awards/tenant-participation"
    assert not award.text


def test_datacite_collected_dates_come_from_the_phases_without_a_temporal_coverage(
        tmp_path, housing, datacite_schema):
    """Without temporal-coverage, the fieldwork's span is its phases' earliest start to their
    latest end, each at its precision (a phase ending in 2021 ends after one ending 2021-06)."""
    def change(document: dict) -> None:
        del document["temporal-coverage"]
        document["phases"][-1]["end-date"] = "2021"
    study = copy_study(HOUSING, tmp_path / "study", change)
    xml = datacite(study)
    datacite_schema.validate(xml)
    dates = {d.get("dateType"): d.text for d in ET.fromstring(xml).iterfind("d:dates/d:date", NS)}
    starts = [str(p["start-date"]) for p in housing["phases"]]
    assert dates["Collected"] == f"{min(starts)}/2021"


#: In a fresh interpreter, as it changes ElementTree's registry of prefixes, which is global.
REGISTRY_SCRIPT = r"""
import sys
import xml.etree.ElementTree as ET
from svrdf.study.builder import load_study
from svrdf.forms.datacite import NAMESPACE, XSI, to_datacite_xml

study = load_study(sys.argv[1])
record = to_datacite_xml(study)
# Writing the record registered no prefix: DataCite's namespace is not the default one.
assert ET.tostring(ET.Element("{%s}x" % NAMESPACE)) == b'<ns0:x xmlns:ns0="%s" />' % NAMESPACE.encode()
# And whatever a program registers, the record is the same.
ET.register_namespace("d", NAMESPACE)
ET.register_namespace("schema-instance", XSI)
ET.register_namespace("language", "http://www.w3.org/XML/1998/namespace")
assert to_datacite_xml(study) == record
print("ok")
"""


def test_datacite_xml_neither_changes_nor_depends_on_elementtree_prefixes():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", REGISTRY_SCRIPT, str(HOUSING)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr
