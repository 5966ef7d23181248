"""Compacted JSON-LD with one of svrdf's contexts.

No fast library compacts JSON-LD (Oxigraph writes expanded JSON-LD only), and svrdf's
contexts are small and plain: prefixes, ``@vocab``, and terms that name an IRI and perhaps
coerce their values (``"@type": "@id"``, ``"@vocab"`` or a datatype). For such a context,
compaction is a choice per IRI, made once: the term, the ``@vocab``-relative name, the
prefixed name or the IRI itself, whichever reads back as that IRI. Each subject becomes one
node object of a flat ``@graph``, in the order the study maps them, and a literal becomes a
plain string only where the key's coercion reads it back as the same literal; everything else
is an explicit value object. The tests read every document back and compare the graphs.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Collection, Iterator
from functools import cache
from itertools import groupby
from typing import Any, BinaryIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from svrdf import resources
from svrdf.forms.rdf_syntax import reading_order, write_rdf
from svrdf.forms.registry import register
from svrdf.rdf.mapping import Triple
from svrdf.rdf.oxigraph_terms import to_oxigraph
from svrdf.rdf.vocab import RDF, XSD
from svrdf.study.model import Study

_KEYWORD_COERCIONS = ("@id", "@vocab")


class UnsupportedContext(ValueError):
    """The context uses a feature this compaction does not (containers, reverse terms…)."""


class Compactor:
    """How the IRIs and values of a graph are written under one context."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.vocab: str | None = context.get("@vocab")
        self.prefixes = {name: value for name, value in context.items()
                         if isinstance(value, str) and not name.startswith("@")}
        #: The key each defined IRI is written under, with its coercion ("@id", "@vocab", a
        #: datatype IRI or None).
        self.terms: dict[str, tuple[str, str | None]] = {}
        for key, definition in context.items():
            if key.startswith("@") or isinstance(definition, str):
                continue
            if not isinstance(definition, dict) or set(definition) - {"@id", "@type"}:
                raise UnsupportedContext(f"the context's term {key!r} is not a plain term")
            coercion = definition.get("@type")
            if coercion is not None and coercion not in _KEYWORD_COERCIONS:
                coercion = self._expand(coercion)
            self.terms.setdefault(self._expand(definition.get("@id", key)), (key, coercion))
        self._keys: dict[Node, tuple[str, str | None]] = {}
        self._vocab_names: dict[Node, str] = {}
        self._languages: set[str] = set()
        self._datatypes: set[str] = set()
        names = "|".join(re.escape(name) for name in context if not name.startswith("@"))
        clash = f"(?!(?:{names}):(?!//))" if names else ""
        #: Matches an IRI that reads back as itself written as it is (see writes_as_is).
        self._iri_as_is = re.compile(
            clash + r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`]*").fullmatch

    def _expand(self, name: str) -> str:
        prefix, colon, rest = name.partition(":")
        if colon and prefix in self.prefixes and not rest.startswith("//"):
            return self.prefixes[prefix] + rest
        return name

    def _reads_back(self, name: str, iri: str) -> bool:
        """Whether ``name``, read as a key or a type, expands to ``iri`` and nothing else."""
        if name in self.context:
            return self.terms.get(iri, ("",))[0] == name
        if ":" in name:
            return self._expand(name) == iri
        return self.vocab is not None and name != "" and not name.startswith("@") \
            and self.vocab + name == iri

    def vocab_name(self, iri: Node) -> str:
        """An IRI as a key or a type writes it: term, vocabulary name, prefixed name or IRI."""
        found = self._vocab_names.get(iri)
        if found is None:
            text = str(iri)
            candidates = [self.terms[text][0]] if text in self.terms else []
            if self.vocab and text.startswith(self.vocab):
                candidates.append(text[len(self.vocab):])
            candidates += [f"{prefix}:{text[len(namespace):]}"
                           for prefix, namespace in self.prefixes.items()
                           if text.startswith(namespace) and len(text) > len(namespace)]
            found = next((name for name in candidates if self._reads_back(name, text)), text)
            self._vocab_names[iri] = found
        return found

    def key(self, predicate: Node) -> tuple[str, str | None]:
        found = self._keys.get(predicate)
        if found is None:
            name = self.vocab_name(predicate)
            coercion = self.terms[str(predicate)][1] if name in self.context else None
            found = self._keys[predicate] = (name, coercion)
        return found

    def node_id(self, node: Node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else str(node)

    def value(self, obj: Node, coercion: str | None) -> Any:
        if isinstance(obj, Literal):
            if obj.language:
                if obj.language not in self._languages:
                    to_oxigraph(obj)  # refuses a malformed tag, as the other writers do
                    self._languages.add(obj.language)
                # Tags are alike in any case (BCP 47): one case, so one graph gives one text.
                return {"@language": obj.language.lower(), "@value": str(obj)}
            datatype = str(obj.datatype) if obj.datatype else str(XSD.string)
            if (coercion is None and datatype == str(XSD.string)) or coercion == datatype:
                return str(obj)
            if datatype == str(XSD.string):
                return {"@value": str(obj)}
            if datatype not in self._datatypes:
                to_oxigraph(obj)  # refuses a datatype no syntax can write, as the others do
                if self._iri_as_is(datatype) is None:
                    raise ValueError(f"the datatype <{datatype}> would read back as another IRI "
                                     "in JSON-LD compacted with this context")
                self._datatypes.add(datatype)
            return {"@type": self.vocab_name(URIRef(datatype)), "@value": str(obj)}
        if coercion == "@id":
            return self.node_id(obj)
        if coercion == "@vocab" and isinstance(obj, URIRef):
            return self.vocab_name(obj)
        return {"@id": self.node_id(obj)}

    def node(self, subject: Node, triples: list[Triple]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.node_id(subject)}
        for predicate, group in groupby(triples, key=lambda triple: triple[1]):
            objects = [obj for _, _, obj in group]
            if predicate == RDF.type and not any(isinstance(o, Literal) for o in objects):
                values = [self.vocab_name(o) if isinstance(o, URIRef) else self.node_id(o)
                          for o in objects]
                key = "@type"
            else:
                key, coercion = self.key(predicate)
                values = [self.value(obj, coercion) for obj in objects]
            node[key] = values[0] if len(values) == 1 else values
        return node

    def writes_as_is(self, triples: Collection[Triple]) -> bool:
        """Whether every IRI and blank node of the triples reads back as itself, written as it
        is under the context: an IRI is absolute, holds nothing an IRI cannot, and its scheme is
        no name of the context (``dct:x`` would read as a prefixed name, whatever comes after
        the colon but ``//``); a blank node's label holds no colon. (Literals are checked as
        they are written.)"""
        iri = self._iri_as_is

        def as_is(node: Identifier) -> bool:
            kind = type(node)
            return iri(node) is not None if kind is URIRef else kind is BNode and ":" not in node

        last = None
        for s, p, o in triples:
            if s is not last:  # a subject's triples come together
                last = s
                if not as_is(s):
                    return False
            if not as_is(p) or (type(o) is not Literal and not as_is(o)):
                return False
        return True

    def nodes(self, triples: Collection[Triple]) -> Iterator[dict[str, Any]]:
        for subject, group in groupby(triples, key=lambda triple: triple[0]):
            yield self.node(subject, list(group))


def write_jsonld(data: Graph | Collection[Triple], context: dict[str, Any], out: BinaryIO) -> None:
    """Write the triples (in reading order, see :mod:`svrdf.forms.rdf_syntax`) as one JSON-LD
    document compacted with ``context``, which it holds inline so that reading it back needs
    no network: one node object per subject, a line each, one at a time. A graph with an IRI the context
    would misread (which no study makes, but a query may) is written expanded, by Oxigraph.
    Raises ValueError for a term no RDF syntax can write."""
    triples = reading_order(data)
    compactor = Compactor(context)
    if not compactor.writes_as_is(triples):
        # Oxigraph's expanded JSON-LD, which needs no context, or its refusal of a term that
        # no syntax can write (as Turtle's).
        write_rdf(triples, "json-ld-expanded", out)
        return
    head = json.dumps({"@context": context}, indent=2, ensure_ascii=False)[:-2]
    out.write(f'{head},\n  "@graph": ['.encode())
    # One node a line: a diff shows which nodes changed, and without indentation json's
    # encoder is the one written in C.
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    separator = "\n    "
    for node in compactor.nodes(triples):
        out.write((separator + encode(node)).encode("utf-8"))
        separator = ",\n    "
    out.write(b"\n  ]\n}\n")


def compact_jsonld(data: Graph | Collection[Triple], context: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    write_jsonld(data, context, buffer)
    return buffer.getvalue()


def jsonld_context(name: str = "svrdf") -> dict[str, Any]:
    """The JSON-LD context ``name`` (``svrdf`` or ``dcat``): a new copy, which the caller may
    change."""
    return json.loads(_context_text(name))


@cache
def _context_text(name: str) -> str:
    with open(resources.jsonld_context_file(name), encoding="utf-8") as handle:
        return json.dumps(json.load(handle)["@context"])


@register("json-ld", "study.jsonld", "application/ld+json", "the full graph in JSON-LD",
          aliases=("jsonld",))
def write_study_jsonld(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    write_jsonld(graph, jsonld_context(), out)
