"""Reading and building a study: the model is right, and bad input gets an error that names
the file, the line or row, and the field."""

from __future__ import annotations

import pytest

from svrdf.builder import load_study
from svrdf.errors import StudyDataError, StudyFileError


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
    from svrdf.mapping import StudyIris

    study = load_study(minimal_study)
    assert study.doi is None
    assert str(StudyIris(study).dataset) == "https://example.org/studies/minimal/dataset"


def test_codes_are_percent_encoded_in_iris(study_copy):
    from svrdf.mapping import StudyIris

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
    with pytest.raises(StudyFileError, match="directory"):
        load_study(study_copy)


def test_ragged_csv_row_names_its_row(study_copy):
    edit(study_copy / "participants.csv", "IP7,1,,,Social Enterprise Consultant,M,,1,",
         "IP7,1,,,Social Enterprise Consultant,M,,1")
    with pytest.raises(StudyFileError, match="8 cells") as caught:
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

    from svrdf.formats import get_format
    from svrdf.mapping import build_graph
    from svrdf.vocab import SCHEMA

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
