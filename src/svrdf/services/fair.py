"""``svrdf fair``: the study's bundle scored offline against the F-UJI metrics that can be judged
without the network, each with the test it makes, what is missing and the study.yaml key that
would fill it.

F-UJI (FAIRsFAIR's assessor) fetches the landing page and follows its links; these tests look at
what svrdf will publish instead: the typed model and the forms the study can have. What needs
the network (the DOI resolving, the files downloading) is not judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from svrdf.forms import available_formats
from svrdf.study.model import Study


@dataclass(frozen=True)
class Metric:
    identifier: str
    name: str
    test: str
    #: What the study lacks for the test, as (what, study.yaml key); empty when it passes.
    judge: Callable[[Study], list[tuple[str, str]]]


@dataclass(frozen=True)
class Score:
    metric: Metric
    missing: tuple[tuple[str, str], ...]

    @property
    def passed(self) -> bool:
        return not self.missing


def _core(study: Study) -> list[tuple[str, str]]:
    wanted = [("a title", "title", bool(study.title)), ("a description", "description", bool(study.description)),
              ("its creators", "creators", bool(study.creators)),
              ("the date it was published", "date-published", study.date_published is not None),
              ("keywords", "keywords", bool(study.keywords)),
              ("a publisher", "publisher", bool(study.publisher or study.catalog)),
              ("a persistent identifier", "identifiers", study.doi is not None)]
    return [(what, key) for what, key, present in wanted if not present]


def _forms(study: Study) -> set[str]:
    return {f.name for f in available_formats(study)}


METRICS = (
    Metric("FsF-F1-02D", "F1: a persistent identifier", "the dataset is named by a DOI",
           lambda s: [] if s.doi else [("a DOI", "identifiers")]),
    Metric("FsF-F2-01M", "F2: core descriptive metadata",
           "title, description, creators, publication date, keywords, publisher and identifier are given",
           _core),
    Metric("FsF-F3-01M", "F3: the data's identifiers in the metadata",
           "the metadata lists the data files (name, size, type) and where to download them",
           lambda s: [] if any(f.url for f in s.files) else [
               ("a download address of a file" if s.files else "the data files and their download addresses",
                "files")]),
    Metric("FsF-F4-01M", "F4: metadata search engines and registries read",
           "the landing page embeds schema.org JSON-LD, and DataCite metadata registers the DOI",
           lambda s: [] if {"html", "datacite"} <= _forms(s) else [
               ("DataCite metadata (a DOI, a publisher and a publication date)", "identifiers")]),
    Metric("FsF-A1-01M", "A1: the access level", "the access right is stated as a COAR term",
           lambda s: [] if s.access else [("the access right", "access")]),
    Metric("FsF-I1-01M", "I1: a formal knowledge representation",
           "the metadata is RDF (Turtle, JSON-LD) under a schema",
           lambda s: [] if {"turtle", "json-ld"} <= _forms(s) else [("an RDF form", "base-iri")]),
    # F-UJI looks for the namespaces of known semantic resources: schema.org, DCAT, PROV-O and
    # SKOS are in every graph svrdf writes.
    Metric("FsF-I2-01M", "I2: registered vocabularies",
           "the metadata uses the namespaces of known semantic resources (schema.org, DCAT, PROV-O, SKOS)",
           lambda s: [] if {"turtle", "dcat"} <= _forms(s) else [("an RDF form", "base-iri")]),
    Metric("FsF-I3-01M", "I3: links to related resources",
           "the metadata links related works, funders or other identifiers",
           lambda s: [] if s.related_works or s.funding or len(s.identifiers) > 1 else [
               ("a related work or funder", "related-works")]),
    Metric("FsF-R1.1-01M", "R1.1: a licence", "a licence is stated, and registered at SPDX",
           lambda s: [] if s.license and s.license.spdx_id else [
               ("a licence SPDX knows" if s.license else "a licence", "license")]),
    Metric("FsF-R1.2-01M", "R1.2: provenance", "who made the data and how: creators and fieldwork phases",
           lambda s: [(what, key) for what, key, ok in (("its creators", "creators", bool(s.creators)),
                                                         ("its fieldwork phases", "phases", bool(s.phases)))
                      if not ok]),
    Metric("FsF-R1.3-01M", "R1.3: community metadata standards",
           "the metadata is offered in the social sciences' standard, DDI",
           lambda s: [] if "ddi" in _forms(s) else [("a DDI record", "title")]),
)


def fair_scores(study: Study) -> list[Score]:
    return [Score(metric, tuple(metric.judge(study))) for metric in METRICS]


def to_text(scores: list[Score]) -> str:
    lines = [f"{sum(s.passed for s in scores)} of {len(scores)} F-UJI metrics met, judged offline"]
    for score in scores:
        metric = score.metric
        lines.append(f"{'pass' if score.passed else 'FAIL'}  {metric.identifier}  {metric.name}: {metric.test}")
        lines += [f"      missing {what}: set '{key}' in study.yaml" for what, key in score.missing]
    return "\n".join(lines) + "\n"


def to_json(scores: list[Score]) -> dict:
    return {"met": sum(s.passed for s in scores), "metrics": len(scores),
            "results": [{"metric": s.metric.identifier, "name": s.metric.name, "test": s.metric.test,
                         "passed": s.passed,
                         "missing": [{"what": what, "key": key} for what, key in s.missing]}
                        for s in scores]}
