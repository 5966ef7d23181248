"""Reading and building a study: the model is right, and bad input gets an error that names
the file, the line or row, and the field."""

from __future__ import annotations

import pytest

from svrdf.errors import StudyDataError, StudyFileError
from svrdf.study.builder import load_study


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_bundled_study_model(bundled_dir):
    study = load_study(bundled_dir)
    assert [p.id for p in study.phases] == ["1", "2"]
    assert [(c.id, c.name) for c in study.cases] == [("CA", "Case 1"), ("CB", "Case 2"), ("CC", "Case 3")]
    assert study.cases[2].alternate_names == ("Case C",)
    assert study.doi.value == "10.21954/ou.rd.17147720" and study.doi.derived
    assert study.license is None
    assert len(study.codes) == 21 and len(study.participants) == 20
    assert [p.full_name for p in study.mentioned_people] == ["Anthony Nutt"]


def test_minimal_study_has_no_doi_and_gets_a_base_iri_dataset(minimal_study):
    from svrdf.rdf.mapping import StudyIris

    study = load_study(minimal_study)
    assert study.doi is None
    assert str(StudyIris(study).dataset) == "https://example.org/studies/minimal/dataset"


def test_codes_are_percent_encoded_in_iris(study_copy):
    from svrdf.rdf.mapping import StudyIris

    study = load_study(study_copy)
    iris = StudyIris(study)
    assert str(iris.code("A b/c?<>")) == study.base_iri + "code/A%20b%2Fc%3F%3C%3E"
    assert str(iris.participant("CB6/2")) == study.base_iri + "participant/CB6/2"


@pytest.mark.parametrize("old, new, error, where, message", [
    ("title: ", "titel: ", StudyDataError, "key 'titel'", "did you mean 'title'"),
    ("date-published: 2021-12-09", "date-published: [2021]", StudyDataError,
     "key 'date-published'", "expected a date"),
    ("subjects: []", "subjects: 3", StudyDataError, "key 'subjects'", "expected a list"),
    ("base-iri: https://w3id.org/svrdf/studies/ordo-17147720/", "", StudyDataError, "study.yaml",
     "missing required key 'base-iri'"),
    ("  - id: CA\n", "  - id: CA\n  bad: [\n", StudyFileError, "line", "YAML does not parse"),
])
def test_yaml_errors_name_file_key_and_problem(study_copy, old, new, error, where, message):
    edit(study_copy / "study.yaml", old, new)
    with pytest.raises(error) as caught:
        load_study(study_copy)
    text = str(caught.value)
    assert "study.yaml" in text and where in text and message in text


@pytest.mark.parametrize("old, new, row, field, message", [
    ("IP3,1,,,Consultant,M,,1,", "IP3,1,,,Consultant,X,,1,", 3, "gender", "unknown gender 'X'"),
    ("IP3,1,,,Consultant,M,,1,", "IP3,1,CZ,,Consultant,M,,1,", 3, "case", "unknown case 'CZ'"),
    ("IP3,1,,,Consultant,M,,1,", "IP3,7,,,Consultant,M,,1,", 3, "phase", "unknown phase '7'"),
    ("IP3,1,,,Consultant,M,,1,", "IP1,1,,,Consultant,M,,1,", 3, "code", "listed twice"),
    ("IP3,1,,,Consultant,M,,1,", "IP3,1,,,Consultant,M,ZZ9,1,", 3, "other_codes", "no row"),
    ("IP3,1,,,Consultant,M,,1,", "IP3,1,,,Consultant,M,,two,", 3, "people", "whole number"),
    ("CB6,2,CB,LA,Procurement Manager,M;F,,2", "CB6,2,CB,LA,Procurement Manager,M;F;F,,2", 16,
     "gender", "3 genders for 2 people"),
])
def test_csv_errors_name_file_row_and_field(study_copy, old, new, row, field, message):
    edit(study_copy / "participants.csv", old, new)
    with pytest.raises(StudyDataError) as caught:
        load_study(study_copy)
    assert caught.value.origin.row == row and caught.value.origin.field == field
    assert message in str(caught.value) and "participants.csv" in str(caught.value)


def test_identifying_column_is_refused(study_copy):
    edit(study_copy / "participants.csv", "people,note", "people,email")
    with pytest.raises(StudyDataError, match="direct identifiers") as caught:
        load_study(study_copy)
    assert caught.value.origin.field == "email"


def test_yaml_alias_bomb_is_refused(study_copy):
    (study_copy / "study.yaml").write_text(
        'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\ntitle: *c\n', encoding="utf-8")
    with pytest.raises(StudyFileError, match="aliases"):
        load_study(study_copy)


def test_byte_order_mark_is_accepted_and_other_encodings_refused(study_copy):
    csv_path = study_copy / "participants.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + csv_path.read_bytes())
    assert len(load_study(study_copy).codes) == 21
    csv_path.write_bytes(csv_path.read_bytes().replace(b"Consultant", "Consult\u00e9".encode("latin-1")))
    with pytest.raises(StudyFileError, match="not UTF-8") as caught:
        load_study(study_copy)
    assert caught.value.origin.line == 3


def test_missing_file_and_directory_in_its_place(study_copy):
    (study_copy / "participants.csv").unlink()
    with pytest.raises(StudyFileError, match="file not found"):
        load_study(study_copy)
    (study_copy / "participants.csv").mkdir()
    with pytest.raises(StudyFileError, match="found a folder"):
        load_study(study_copy)


def test_ragged_csv_row_names_its_row(study_copy):
    edit(study_copy / "participants.csv", "IP7,1,,,Social Enterprise Consultant,M,,1,",
         "IP7,1,,,Social Enterprise Consultant,M,,1")
    with pytest.raises(StudyFileError, match="9 cells; the header has 10") as caught:
        load_study(study_copy)
    assert caught.value.origin.row == 5


@pytest.mark.parametrize("given, family, slug", [
    ("Zoë", "Ångström", "zoe-angstrom"),           # accents fold to ASCII: readable
    ("José María", "Núñez-Çelik", "jose-maria-nunez-celik"),
    ("太郎", "山田", "%E5%A4%AA%E9%83%8E-%E5%B1%B1%E7%94%B0"),  # no Latin letters: encoded once
    # Letters with no ASCII form are kept, so "Rjan Ster" cannot get the same IRI.
    ("Ørjan", "Øster", "%C3%B8rjan-%C3%B8ster"),
    ("Rjan", "Ster", "rjan-ster"),
    ("Jürgen", "Strauß", "jurgen-strau%C3%9F"),
])
def test_a_creator_name_gives_a_readable_stable_person_iri(tmp_path, minimal_study, given,
                                                           family, slug):
    import shutil

    from rdflib import Graph, Literal, URIRef

    from svrdf.forms import get_format
    from svrdf.rdf.mapping import build_graph
    from svrdf.rdf.vocab import SCHEMA

    study_dir = tmp_path / "study"
    shutil.copytree(minimal_study, study_dir)
    edit(study_dir / "study.yaml",
         "  - given-names: Ada\n    family-names: Example\n    orcid: https://orcid.org/0000-0002-1825-0097\n",
         f"  - given-names: {given}\n    family-names: {family}\n")
    study = load_study(study_dir)
    parsed = []
    for fmt in ("turtle", "nt", "json-ld"):
        data = get_format(fmt).serialize(study, build_graph(study))
        parsed.append(Graph().parse(data=data, format=fmt))
    iri = URIRef(f"https://example.org/studies/minimal/person/{slug}")
    for graph in parsed:
        assert list(graph.objects(iri, SCHEMA.givenName)) == [Literal(given)]
        assert list(graph.objects(iri, SCHEMA.familyName)) == [Literal(family)]
        assert not any("%25" in str(node) for triple in graph for node in triple)
    again = load_study(study_dir)
    assert get_format("nt").serialize(again, build_graph(again)) == \
        get_format("nt").serialize(study, build_graph(study))


# The general model: people in groups, genders known or not, events, dates at their precision,
# study-level fields. Each expectation is worked out by hand from the files it writes.


def write_study(folder, rows: str, people: str | None = None, extra_yaml: str = ""):
    """A small study: one phase, one case, the genders M, F, NB and X (prefer not to say)."""
    folder.mkdir(exist_ok=True)
    (folder / "study.yaml").write_text(
        "base-iri: https://example.org/s/\ntitle: T\ndescription: D\n"
        "creators: [{name: A Person}]\nphases: [{id: P, name: Phase}]\n"
        "cases: [{id: K, name: Case}, {id: EMPTY, name: Nobody here}]\n"
        "gender:\n  - {code: M, label: man, schema: Male}\n  - {code: F, label: woman, schema: Female}\n"
        "  - {code: NB, label: non-binary}\n  - {code: X, label: prefer not to say, prefer-not-to-say: true}\n"
        + extra_yaml, encoding="utf-8")
    (folder / "participants.csv").write_text("code,phase,case,gender,people,event\n" + rows,
                                             encoding="utf-8")
    if people is not None:
        (folder / "people.csv").write_text("person,codes,gender\n" + people, encoding="utf-8")
    return folder


def people_of(study) -> dict[str, tuple]:
    return {p.key: (p.codes, p.genders) for p in study.participants}


def test_a_person_with_their_own_code_is_one_of_a_focus_groups_people(tmp_path):
    study = load_study(write_study(tmp_path / "s", "T1,P,K,F,1,\nFG1,P,K,M;M;F;F;X,5,focus-group\n",
                                   people="T1,T1;FG1,\n"))
    assert people_of(study) == {
        "T1": (("T1", "FG1"), ("F",)),
        "FG1/1": (("FG1",), ("M",)), "FG1/2": (("FG1",), ("M",)),
        "FG1/3": (("FG1",), ("F",)), "FG1/4": (("FG1",), ("X",)),
    }


def test_a_person_in_two_groups_is_counted_once(tmp_path):
    study = load_study(write_study(tmp_path / "s", "G1,P,K,,3,focus-group\nG2,P,K,,2,focus-group\n",
                                   people="P7,G1;G2,NB\n"))
    assert sorted(people_of(study)) == ["G1/1", "G1/2", "G2/1", "P7"]
    assert people_of(study)["P7"] == (("G1", "G2"), ("NB",))


@pytest.mark.parametrize("genders, expected", [
    ("F", ("F", "F", "F")),           # one for all (the earlier format's meaning)
    ("F;NB", ("F", "NB", None)),      # fewer than people: the rest not recorded
    ("M;;X", ("M", None, "X")),       # an empty entry: not recorded
    ("", (None, None, None)),         # none given
])
def test_a_groups_genders_are_one_for_all_or_one_per_person(tmp_path, genders, expected):
    study = load_study(write_study(tmp_path / "s", f"G,P,K,{genders},3,focus-group\n"))
    assert tuple(p.genders[0] if p.genders else None for p in study.participants) == expected


def test_not_recorded_is_written_and_differs_from_prefer_not_to_say(tmp_path):
    from rdflib import URIRef

    from svrdf.rdf.mapping import build_graph
    from svrdf.rdf.vocab import SCHEMA, SKOS, SVRDF

    graph = build_graph(load_study(write_study(tmp_path / "s", "A,P,K,X,1,\nB,P,K,,1,\n")))
    x = URIRef("https://example.org/s/scheme/gender/X")
    assert graph.value(URIRef("https://example.org/s/participant/A"), SCHEMA.gender) == x
    assert (x, SKOS.exactMatch, SVRDF.PreferNotToSay) in graph
    assert graph.value(URIRef("https://example.org/s/participant/B"), SCHEMA.gender) == SVRDF.NotRecorded


def test_events_carry_their_kind_mode_and_date_at_its_precision(tmp_path):
    from rdflib import Literal, URIRef

    from svrdf.rdf.mapping import build_graph
    from svrdf.rdf.vocab import DCTERMS, RDF, SCHEMA, SVRDF, XSD

    folder = write_study(tmp_path / "s", "")
    (folder / "participants.csv").write_text(
        "code,phase,people,event,mode,date\nA,P,1,,Interview.Telephone,2019-03\n"
        "G,P,4,focus-group,FocusGroup.Online,2020-10/2020-11-02\n", encoding="utf-8")
    graph = build_graph(load_study(folder))
    event_a = URIRef("https://example.org/s/event/A")
    event_g = URIRef("https://example.org/s/event/G")
    assert (event_a, RDF.type, SVRDF.Interview) in graph and (event_g, RDF.type, SVRDF.FocusGroup) in graph
    assert graph.value(event_a, DCTERMS.isPartOf) == URIRef("https://example.org/s/phase/P")
    assert graph.value(event_a, SCHEMA.startDate) == Literal("2019-03", datatype=XSD.gYearMonth)
    assert graph.value(event_g, SCHEMA.endDate) == Literal("2020-11-02", datatype=XSD.date)
    assert str(graph.value(event_g, SVRDF.modeOfCollection)).startswith(
        "http://rdf-vocabulary.ddialliance.org/cv/ModeOfCollection/")


@pytest.mark.parametrize("start, end, ok", [
    ("2019-03", "2019-03-02", True), ("2019", "2019-01", True), ("2019", "2018-12", False),
    ("2019-03-05", "2019-03", True), ("2019-04-01", "2019-03", False),
])
def test_phase_dates_are_ordered_at_their_precision(tmp_path, start, end, ok):
    folder = write_study(tmp_path / "s", "A,P,K,M,1,\n")
    edit(folder / "study.yaml", "phases: [{id: P, name: Phase}]",
         f"phases: [{{id: P, name: Phase, start-date: '{start}', end-date: '{end}'}}]")
    if ok:
        phase = load_study(folder).phases[0]
        assert (phase.start_date.text, phase.end_date.text) == (start, end)
    else:
        with pytest.raises(StudyDataError, match="cannot start after it ends"):
            load_study(folder)


@pytest.mark.parametrize("given, iri, spdx", [
    ("CC-BY-4.0", "http://spdx.org/licenses/CC-BY-4.0", "CC-BY-4.0"),
    ("cc0-1.0", "http://spdx.org/licenses/CC0-1.0", "CC0-1.0"),
    ("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode",
     "http://spdx.org/licenses/CC-BY-NC-SA-4.0", "CC-BY-NC-SA-4.0"),
    ("https://spdx.org/licenses/ODbL-1.0.html", "http://spdx.org/licenses/ODbL-1.0", "ODbL-1.0"),
    ("https://example.org/our-own-licence", "https://example.org/our-own-licence", None),
])
def test_a_licence_is_written_as_its_spdx_iri_where_there_is_one(tmp_path, given, iri, spdx):
    study = load_study(write_study(tmp_path / "s", "A,P,K,M,1,\n", extra_yaml=f"license: {given}\n"))
    assert (study.license.iri, study.license.spdx_id) == (iri, spdx)


def test_texts_in_several_languages_and_language_tags_are_standardised(tmp_path):
    folder = write_study(tmp_path / "s", "A,P,K,M,1,\n",
                         extra_yaml="metadata-language: CY\nlanguages: [EN, cy]\n")
    edit(folder / "study.yaml", "title: T", "title: {en: English title, cy: Teitl Cymraeg}")
    study = load_study(folder)
    assert study.titles == (("cy", "Teitl Cymraeg"), ("en", "English title"))
    assert study.title == "Teitl Cymraeg" and study.languages == ("en", "cy")
    assert study.descriptions == (("cy", "D"),)


def test_a_study_in_the_earlier_format_loads_with_the_same_people(minimal_study):
    """The minimal fixture uses none of the new keys or columns: it reads as it always has."""
    study = load_study(minimal_study)
    assert people_of(study) == {"A1": (("A1", "B1"), ("W",)), "J2/1": (("J2",), ("N",)),
                                "J2/2": (("J2",), ("W",)), "C3": (("C3",), ())}
    assert [c.event for c in study.codes] == ["interview", "interview", "joint-interview", "interview"]


@pytest.mark.parametrize("t1_gender", ["", "F"])
def test_a_gender_one_group_gives_reaches_the_member_in_every_other_group(tmp_path, t1_gender):
    """T1 is one of G1's three women, and also one of G2's four people (F;NB;;): saying so
    again in people.csv changes nothing, whatever the order of the rows."""
    rows = "G2,P,K,F;NB;;,4,focus-group\nG1,P,K,F,3,focus-group\n"
    study = load_study(write_study(tmp_path / "s", rows, people=f"T1,G1;G2,{t1_gender}\n"))
    genders = people_of(study)
    assert genders["T1"] == (("G1", "G2"), ("F",))
    assert sorted((key, g) for key, (_, g) in genders.items() if key != "T1") == [
        ("G1/1", ("F",)), ("G1/2", ("F",)), ("G2/1", ("NB",)), ("G2/2", ()), ("G2/3", ())]


def test_a_member_of_unknown_gender_in_a_group_of_one_gender_has_it(tmp_path):
    study = load_study(write_study(tmp_path / "s", "G,P,K,M;M,2,joint-interview\n",
                                   people="P1,G,\n"))
    assert people_of(study)["P1"] == (("G",), ("M",)) and people_of(study)["G/1"] == (("G",), ("M",))


def test_codes_that_label_one_interview_share_its_event(bundled_study):
    """IP8 and CC1 are one person and one interview; CB1 is only mentioned: 19 events for the
    bundled study's 21 codes, 11 in phase 1 and 8 (one of them CB6's joint interview) in 2."""
    from collections import Counter

    from rdflib import URIRef

    from svrdf.rdf.mapping import build_graph
    from svrdf.rdf.vocab import DCTERMS, SVRDF

    graph = build_graph(bundled_study)
    base = bundled_study.base_iri
    assert graph.value(URIRef(base + "code/CC1"), SVRDF.collectedIn) == URIRef(base + "event/IP8")
    assert graph.value(URIRef(base + "code/CB1"), SVRDF.collectedIn) == URIRef(base + "event/IP13")
    events = set(graph.objects(None, SVRDF.collectedIn))
    phases = Counter(str(graph.value(event, DCTERMS.isPartOf)).rsplit("/", 1)[1] for event in events)
    assert len(events) == 19 and phases == {"1": 11, "2": 8}


@pytest.mark.parametrize("length", [65_537, 100_000, 10_000_000])
def test_a_long_cell_is_refused_where_it_is_and_the_csv_module_is_left_alone(study_copy, length):
    """Longer than svrdf's limit (64 KiB), whether or not longer than the csv module's own
    (128 KiB, process-wide, which reading leaves as it finds it)."""
    import csv

    from svrdf.study.reader import read_csv

    path = study_copy / "participants.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[2].split(",")
    cells[4] = "x" * length
    lines[2] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")
    before = csv.field_size_limit()
    with pytest.raises(StudyFileError, match="a cell is longer than 65,536 characters") as caught:
        read_csv(path)
    assert caught.value.origin.row == 3
    assert csv.field_size_limit() == before


def test_a_cell_at_the_limit_is_read(study_copy):
    import csv

    from svrdf.study.reader import read_csv

    path = study_copy / "participants.csv"
    edit(path, "IP3,1,,,Consultant", "IP3,1,,,C" + "x" * 65_535)
    before = csv.field_size_limit()
    table = read_csv(path)
    assert max(len(row.cells["role"]) for row in table.rows) == 65_536
    assert csv.field_size_limit() == before
