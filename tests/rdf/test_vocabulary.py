"""The ontology, the checked namespaces and the JSON-LD context agree with each other and with
schema.org itself."""

from __future__ import annotations

import json

import pytest
from conftest import require_shared
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from svrdf import resources
from svrdf.rdf.vocab import SCHEMA, SVRDF

ONTOLOGY_IRI = URIRef("https://w3id.org/svrdf/ns")
#: Terms that specialise no standard property: svrdf's own flags about its input.
UNALIGNED = {SVRDF.isDerived, SVRDF.codePrefix}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def declared_terms(namespace) -> list[URIRef]:
    return [namespace[name] for name in namespace.__annotations__]


def test_ontology_is_versioned_and_licensed(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) is not None


@pytest.mark.parametrize("term", declared_terms(SVRDF), ids=str)
def test_every_svrdf_term_is_labelled_defined_and_aligned(ontology, term):
    assert ontology.value(term, RDFS.label) is not None
    assert ontology.value(term, SKOS.definition) is not None
    kinds = set(ontology.objects(term, RDF.type))
    if OWL.Class in kinds:
        assert ontology.value(term, RDFS.subClassOf) is not None
    elif kinds & {OWL.ObjectProperty, OWL.DatatypeProperty} and term not in UNALIGNED:
        assert ontology.value(term, RDFS.subPropertyOf) is not None
    else:
        assert kinds, f"{term} has no rdf:type in the ontology"


def test_ontology_defines_nothing_the_code_does_not_know(ontology):
    defined = {s for s in ontology.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI)}
    assert defined == set(declared_terms(SVRDF))


@pytest.fixture(scope="module")
def schemaorg() -> Graph:
    path = require_shared("standards/schemaorg-30.0/schemaorg-current-http.ttl")
    return Graph().parse(path, format="turtle")


def test_every_schema_term_svrdf_writes_exists_in_schemaorg(schemaorg):
    missing = [t for t in declared_terms(SCHEMA) if (t, None, None) not in schemaorg]
    assert missing == []


def test_every_term_of_the_jsonld_context_exists(schemaorg, ontology):
    context = json.loads(resources.jsonld_context_file().read_text())["@context"]
    for term, definition in context.items():
        if isinstance(definition, dict) and str(definition.get("@id", "")).startswith("schema:"):
            iri = URIRef("http://schema.org/" + definition["@id"].split(":", 1)[1])
            assert (iri, None, None) in schemaorg, term
        if term.startswith("svrdf:"):
            assert (SVRDF[term.split(":", 1)[1]], None, None) in ontology, term


def test_bundled_graph_uses_only_existing_schema_terms(bundled_graph, schemaorg):
    used = {t for triple in bundled_graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith("http://schema.org/")}
    assert used and [t for t in used if (t, None, None) not in schemaorg] == []


def test_the_two_letter_language_table_agrees_with_langcodes():
    """svrdf's table of ISO 639-1 languages (read without loading the IANA registry) says what
    langcodes says of each, and tags it does not hold go to langcodes."""
    import csv

    import langcodes

    from svrdf.study.vocabularies import language_code_3, standard_language_tag

    with open(resources.vocabulary_file("iso-639-1"), encoding="utf-8", newline="") as handle:
        table = {row["code"]: row["alpha3"] for row in csv.DictReader(handle)}
    assert len(table) > 150
    for code, alpha3 in table.items():
        assert langcodes.tag_is_valid(code) and langcodes.standardize_tag(code) == code
        assert langcodes.Language.get(code).to_alpha3() == alpha3
        assert standard_language_tag(code.upper()) == code and language_code_3(code) == alpha3
    assert standard_language_tag("en-gb") == "en-GB" and language_code_3("yue") == "yue"
    assert standard_language_tag("xx") is None and standard_language_tag("iw") == "he"
