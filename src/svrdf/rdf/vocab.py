"""The vocabularies svrdf writes, defined once.

``SCHEMA`` and ``SVRDF`` are checked namespaces: a misspelt term raises at import time instead
of minting a wrong IRI. rdflib's own ``SDO`` is ``https://schema.org/``, which the schema.org
JSON-LD context, RO-Crate and Science-on-Schema.org do not expect, so it is not used.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef


class SCHEMA(DefinedNamespace):
    _NS = Namespace("http://schema.org/")
    _fail = True

    # classes and enumeration members
    Book: URIRef
    CreativeWork: URIRef
    DataCatalog: URIRef
    DataDownload: URIRef
    Dataset: URIRef
    Female: URIRef
    Legislation: URIRef
    Male: URIRef
    MonetaryGrant: URIRef
    Organization: URIRef
    Person: URIRef
    Place: URIRef
    Report: URIRef
    ScholarlyArticle: URIRef
    PropertyValue: URIRef
    Thesis: URIRef
    # properties
    about: URIRef
    address: URIRef
    affiliation: URIRef
    alternateName: URIRef
    author: URIRef
    birthDate: URIRef
    citation: URIRef
    conditionsOfAccess: URIRef
    contentSize: URIRef
    contentUrl: URIRef
    contributor: URIRef
    creator: URIRef
    datePublished: URIRef
    description: URIRef
    distribution: URIRef
    email: URIRef
    encodingFormat: URIRef
    endDate: URIRef
    familyName: URIRef
    funder: URIRef
    funding: URIRef
    gender: URIRef
    givenName: URIRef
    identifier: URIRef
    inLanguage: URIRef
    inSupportOf: URIRef
    includedInDataCatalog: URIRef
    isAccessibleForFree: URIRef
    isBasedOn: URIRef
    jobTitle: URIRef
    keywords: URIRef
    license: URIRef
    measurementMethod: URIRef
    measurementTechnique: URIRef
    mentions: URIRef
    name: URIRef
    propertyID: URIRef
    publisher: URIRef
    sameAs: URIRef
    sourceOrganization: URIRef
    softwareRequirements: URIRef
    spatialCoverage: URIRef
    startDate: URIRef
    subjectOf: URIRef
    telephone: URIRef
    temporalCoverage: URIRef
    url: URIRef
    value: URIRef
    variableMeasured: URIRef
    version: URIRef


class SVRDF(DefinedNamespace):
    """svrdf's own terms; each is defined, labelled and aligned in ``ontology/svrdf.ttl``."""

    _NS = Namespace("https://w3id.org/svrdf/ns#")
    _fail = True

    Case: URIRef
    DataCollectionEvent: URIRef
    FieldworkPhase: URIRef
    FocusGroup: URIRef
    Interview: URIRef
    Interviewee: URIRef
    JointInterview: URIRef
    JointInterviewCode: URIRef
    NotRecorded: URIRef
    Participant: URIRef
    PreferNotToSay: URIRef
    QuotationCode: URIRef
    Sector: URIRef
    Withheld: URIRef
    codePrefix: URIRef
    collectedIn: URIRef
    kindOfData: URIRef
    modeOfCollection: URIRef
    samplingProcedure: URIRef
    timeMethod: URIRef
    unitOfAnalysis: URIRef
    universe: URIRef
    hasQuotationCode: URIRef
    inCase: URIRef
    isDerived: URIRef
    listedInPhase: URIRef
    notation: URIRef
    numberOfPeople: URIRef
    sameParticipantAs: URIRef
    sector: URIRef


class DCAT3(DefinedNamespace):
    """DCAT 3 terms that rdflib's ``DCAT`` (DCAT 2) does not list yet."""

    _NS = Namespace("http://www.w3.org/ns/dcat#")
    _fail = True

    version: URIRef


class SPDX(DefinedNamespace):
    """The SPDX terms DCAT 3 describes a file's checksum with."""

    _NS = Namespace("http://spdx.org/rdf/terms#")
    _fail = True

    Checksum: URIRef
    ChecksumAlgorithm: URIRef
    algorithm: URIRef
    checksum: URIRef
    checksumValue: URIRef
    checksumAlgorithm_md5: URIRef
    checksumAlgorithm_sha1: URIRef
    checksumAlgorithm_sha256: URIRef
    checksumAlgorithm_sha512: URIRef


class DPV(DefinedNamespace):
    """The Data Privacy Vocabulary (DPV 2) terms svrdf states what participants consented to with."""

    _NS = Namespace("https://w3id.org/dpv#")
    _fail = True

    ConsentGiven: URIRef
    ConsentRecord: URIRef
    InformedConsent: URIRef
    MakeAvailable: URIRef
    Process: URIRef
    ScientificResearch: URIRef
    hasConsentStatus: URIRef
    hasData: URIRef
    hasDataSubject: URIRef
    hasLegalBasis: URIRef
    hasPersonalData: URIRef
    hasProcess: URIRef
    hasProcessing: URIRef
    hasPurpose: URIRef


#: DPV's personal data categories (https://w3id.org/dpv/pd#), named in
#: ``ontology/vocabularies/dpv-personal-data.csv``.
DPV_PD = Namespace("https://w3id.org/dpv/pd#")

#: IANA's register of media types, whose pages DCAT-AP names a distribution's dcat:mediaType by.
IANA_MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")

#: vCard, for DCAT-AP contact points (rdflib has no checked namespace of it).
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

#: Prefixes bound in every written graph, in the order a reader meets them.
PREFIXES: dict[str, Namespace] = {
    "schema": Namespace(str(SCHEMA._NS)),
    "prov": Namespace(str(PROV)),
    "dcat": Namespace(str(DCAT)),
    "dct": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "svrdf": Namespace(str(SVRDF._NS)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "foaf": Namespace(str(FOAF)),
    "vcard": Namespace(str(VCARD)),
    "spdx": Namespace(str(SPDX._NS)),
    "dpv": Namespace(str(DPV._NS)),
    "pd": DPV_PD,
}

__all__ = ["DCAT", "DCAT3", "DCTERMS", "DPV", "DPV_PD", "FOAF", "IANA_MEDIA_TYPES", "PREFIXES", "PROV", "RDF",
           "RDFS", "SCHEMA", "SKOS", "SPDX", "SVRDF", "VCARD", "XSD"]
