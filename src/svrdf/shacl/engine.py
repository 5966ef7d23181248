"""svrdf's own SHACL engine: pyshacl's results, for the part of SHACL that svrdf's shapes use.

pyshacl re-reads every shape's parameters and rebuilds its constraint objects for every focus
node it checks, so most of a validation is overhead (``python benchmarks/engines.py`` times
the two side by side). This
engine reads the shapes once (:func:`compile_shapes`), indexes the data by predicate, and
evaluates each constraint the way pyshacl's own component does, with svrdf's settings (no
inference, SHACL-AF targets, warnings allowed). It returns a validation's findings
(:func:`evaluate`), from which :mod:`svrdf.shacl.validation` makes the same results as from
pyshacl's report, and on request a results graph like pyshacl's.

It covers SHACL Core with predicate and inverse paths, the constraint components in
``_BUILDERS`` below, SHACL-SPARQL ``sh:sparql`` constraints whose queries it can pre-bind
exactly as pyshacl does, and SHACL-AF SPARQL targets (both answered by Oxigraph). For anything
else (``sh:and``, ``sh:closed``, other paths, SHACL rules, recursion, and, where svrdf asks for
its own messages, a result that would need pyshacl's generated message) it raises
:class:`Unsupported` when it reads the shapes (:func:`compile_shapes`), before it looks at any
data, and svrdf runs pyshacl instead. tests/shacl/test_shacl_suite.py runs it on the W3C SHACL Core
test suite (each case it claims must give the suite's report, each other it must refuse);
tests/shacl/test_engines.py compares its results with pyshacl's on every graph the tests have.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from weakref import WeakKeyDictionary

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from svrdf.rdf.mapping import Triple, graph_of
from svrdf.rdf.oxigraph_terms import to_oxigraph
from svrdf.shacl.multimap import held, hold
from svrdf.shacl.pyshacl_runner import (
    LOAD_BY_QUERY_ABOVE,
    as_data_term,
    prefix_header,
    select_sparql_targets,
    store_for,
)


class Unsupported(Exception):
    """The shapes need a SHACL feature this engine does not evaluate: pyshacl must run."""


ALLOWED_SEVERITIES = frozenset({SH.Info, SH.Warning})  # svrdf validates with warnings allowed
MAX_DEPTH = 8  # nested shape checks; deeper nesting is left to pyshacl

TARGET_PREDICATES = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Parameters that describe a shape or hold targets; they constrain nothing.
DESCRIPTIVE = frozenset({
    RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.message, SH.severity, SH.deactivated, SH.path, *TARGET_PREDICATES,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.flags,
})


# ---------------------------------------------------------------- the data, indexed by predicate

class DataIndex:
    """The data's triples of the predicates the shapes ask about, indexed both ways, read in
    one pass: rdflib answers a triple pattern in microseconds, a dict in nanoseconds.

    Predicates are any nodes: a shape's sh:targetSubjectsOf or sh:targetObjectsOf names one
    with whatever term the shapes graph holds."""

    def __init__(self, data: Iterable[tuple[Node, Node, Node]], forward: frozenset[Node],
                 backward: frozenset[Node]) -> None:
        # Only where asked for: hashing a literal costs a microsecond, and most objects are.
        # A node's one value is held without a list (svrdf.shacl.multimap).
        self._forward: dict[Node, dict[Node, Node | list[Node]]] = {p: {} for p in forward}
        self._backward: dict[Node, dict[Node, Node | list[Node]]] = {p: {} for p in backward}
        # Slots found by the predicate object's id: the data's predicates are other objects
        # than the shapes' equal ones, and rdflib compares terms in Python.
        slots: dict[int, tuple] = {}
        for s, p, o in data:
            slot = slots.get(id(p))
            if slot is None:
                slot = slots[id(p)] = (self._forward.get(p), self._backward.get(p), p)
            if slot[0] is not None:
                hold(slot[0], s, o)
            if slot[1] is not None:
                hold(slot[1], o, s)
        self._superclasses: dict[Node, frozenset[Node]] = {}
        self._classes: dict[Node, frozenset[Node]] = {}  # of a node: its types and their superclasses

    def objects(self, subject: Node, predicate: URIRef) -> Sequence[Node]:
        return held(self._forward[predicate], subject)

    def subjects(self, predicate: URIRef, obj: Node) -> Sequence[Node]:
        return held(self._backward[predicate], obj)

    def subjects_of(self, predicate: Node) -> Iterable[Node]:
        """The subjects of the predicate."""
        return self._forward[predicate].keys()

    def objects_of(self, predicate: Node) -> Iterable[Node]:
        """The objects of the predicate."""
        return self._backward[predicate].keys()

    def superclasses(self, cls: Node) -> frozenset[Node]:
        """The class and every class it is an rdfs:subClassOf, transitively."""
        found = self._superclasses.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.objects(todo.pop(), RDFS.subClassOf):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._superclasses[cls] = frozenset(seen)
        return found

    def subclasses(self, cls: Node) -> set[Node]:
        seen, todo = {cls}, [cls]
        while todo:
            for child in self.subjects(RDFS.subClassOf, todo.pop()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    def is_instance(self, node: Node, cls: Node) -> bool:
        if isinstance(node, Literal):
            return False
        classes = self._classes.get(node)
        if classes is None:
            classes = self._classes[node] = frozenset().union(
                *(self.superclasses(t) for t in self.objects(node, RDF.type)))
        return cls in classes


# ---------------------------------------------------------------- shapes, read once

@dataclass(eq=False)
class Finding:
    """One validation result, before it becomes triples of the results graph."""
    shape: Shape
    component: URIRef
    focus: Node
    value: Node | None = None
    details: list[Finding] = field(default_factory=list)
    #: sh:sourceConstraint (the node of an sh:sparql constraint), where there is one
    constraint: Node | None = None
    #: the result's messages where they are not the shape's (an sh:sparql constraint's)
    own_messages: tuple[Node, ...] | None = None

    @property
    def messages(self) -> tuple[Node, ...]:
        return self.shape.messages if self.own_messages is None else self.own_messages


#: A constraint: (engine, shape, value nodes by focus node, depth) -> (the focus nodes that
#: fail it, the findings). Every finding's focus is one of the focus nodes given.
Constraint = Callable[["Engine", "Shape", dict, int], tuple[set[Node], list[Finding]]]


@dataclass(eq=False)
class Shape:
    node: Node
    #: sh:severity as the shapes give it (any term, as pyshacl takes it), else sh:Violation
    severity: Node
    messages: tuple[Node, ...]
    deactivated: bool
    #: sh:path as written (an IRI, or the blank node of an inverse path); None for a node shape
    path_node: Node | None
    predicate: URIRef | None
    inverse: bool
    constraints: list[Constraint] = field(default_factory=list)

    def value_nodes(self, data: DataIndex, focus: Node) -> Sequence[Node]:
        if self.predicate is None:
            return [focus]
        if self.inverse:
            return data.subjects(self.predicate, focus)
        return data.objects(focus, self.predicate)


@dataclass
class CompiledShapes:
    graph: Graph
    #: (shape, its targets) for every shape that has targets
    targeted: list[tuple[Shape, dict[URIRef, list[Node]]]]
    #: the predicates whose objects the checks read, and those whose subjects they read
    forward: frozenset[Node]
    backward: frozenset[Node]


#: Compiled shapes by shapes graph and whether messages were required, with the graph's
#: triples when it was compiled: a graph is mutable, so each use compares its content (a
#: millisecond for svrdf's shapes) and an edited graph is read again, whatever its size.
_COMPILED: WeakKeyDictionary[Graph, dict[bool, tuple[frozenset, CompiledShapes | str]]] = \
    WeakKeyDictionary()


def compile_shapes(shapes: Graph, require_messages: bool = False) -> CompiledShapes:
    """The shapes read into :class:`Shape` objects, once per content of a shapes graph. Raises
    :class:`Unsupported` if they use anything this engine does not evaluate, or, with
    ``require_messages``, if a result could lack a single ``sh:message`` of its own (pyshacl
    would word one)."""
    content = frozenset(shapes)
    by_mode = _COMPILED.setdefault(shapes, {})
    known, compiled = by_mode.get(require_messages, (None, None))
    if compiled is None or known != content:
        try:
            compiled = _Compiler(shapes, require_messages).compile()
        except Unsupported as exc:
            compiled = str(exc)
        by_mode[require_messages] = (content, compiled)
    if isinstance(compiled, str):
        raise Unsupported(compiled)
    return compiled


#: The parameters through which a shape's members' own findings are reported (sh:node's as
#: the details of the holder's); the others (sh:or, sh:qualifiedValueShape) only count them.
_REPORTING = frozenset({SH.property, SH.node})


class _Compiler:
    def __init__(self, graph: Graph, require_messages: bool = False) -> None:
        self.graph = graph
        self.require_messages = require_messages
        self.shapes: dict[Node, Shape] = {}
        #: predicates that constraints compare values with (sh:lessThanOrEquals)
        self.compared: set[URIRef] = set()
        #: shape -> (parameter, member shape) for every shape a constraint checks values against
        self.members: dict[Node, set[tuple[URIRef, Node]]] = defaultdict(set)
        self._building: list[tuple[Node, URIRef]] = []  # the shape and parameter being read

    def compile(self) -> CompiledShapes:
        g = self.graph
        if (None, SH.rule, None) in g or (None, RDF.type, SH.ConstraintComponent) in g:
            raise Unsupported("SHACL rules or custom constraint components")
        # A shape that is a class targets its instances (as pyshacl reads it: typed rdfs:Class,
        # owl:Class or a direct subclass of rdfs:Class).
        class_types = {RDFS.Class, OWL.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
        implicit = {node for node in g.subjects(RDF.type, None)
                    if class_types & set(g.objects(node, RDF.type)) and self._is_shape(node)}
        targeted = []
        subjects = {s for p in TARGET_PREDICATES for s in g.subjects(p, None)} | implicit
        for node in sorted(subjects, key=str):
            if (node, RDF.type, SH.NodeShape) not in g and (node, RDF.type, SH.PropertyShape) not in g \
                    and (node, SH.target, None) in g:
                raise Unsupported(f"{node} has sh:target but is not declared a shape")
            targets = {p: sorted(g.objects(node, p), key=str) for p in TARGET_PREDICATES}
            if node in implicit:
                targets[SH.targetClass] = sorted({*targets[SH.targetClass], node}, key=str)
            for target in targets[SH.target]:
                if (target, RDF.type, SH.SPARQLTarget) not in g or (target, SH.select, None) not in g:
                    raise Unsupported(f"{node} has a target that is not a SPARQL SELECT")
            targeted.append((self.shape(node), targets))
        self.check_severities()
        self.check_nesting([shape for shape, _ in targeted])
        if self.require_messages:
            self.check_messages([shape for shape, _ in targeted])
        forward: set[Node] = {RDF.type, RDFS.subClassOf, *self.compared}
        backward: set[Node] = {RDF.type, RDFS.subClassOf}
        for shape in self.shapes.values():
            if shape.predicate is not None:
                (backward if shape.inverse else forward).add(shape.predicate)
        for _, targets in targeted:
            forward.update(targets[SH.targetSubjectsOf])
            backward.update(targets[SH.targetObjectsOf])
        return CompiledShapes(g, targeted, frozenset(forward), frozenset(backward))

    def check_severities(self) -> None:
        """pyshacl decides conformance per constraint: a failing constraint whose findings
        are all warnings does not fail the focus node. Through sh:property, a shape of allowed
        severity can pass on findings of a stricter member, and a focus node would pass or
        fail by which of them failed; this engine leaves such shapes to pyshacl."""
        for shape in self.shapes.values():
            if shape.severity in ALLOWED_SEVERITIES:
                for member in self.graph.objects(shape.node, SH.property):
                    if self.shapes[member].severity not in ALLOWED_SEVERITIES:
                        raise Unsupported(f"{shape.node} allows what its property shape {member} does not")

    def check_nesting(self, roots: list[Shape]) -> None:
        """Recursive shapes are refused (SHACL leaves their meaning open), and so is nesting
        deeper than MAX_DEPTH, before any data is seen."""
        depth: dict[Node, int] = {}
        visiting: set[Node] = set()

        def deepest(node: Node) -> int:
            if node in depth:
                return depth[node]
            if node in visiting:
                raise Unsupported(f"recursive shapes through {node}")
            visiting.add(node)
            found = max((1 + deepest(member) for _, member in self.members[node]), default=0)
            visiting.discard(node)
            depth[node] = found
            return found

        for shape in roots:
            if deepest(shape.node) > MAX_DEPTH:
                raise Unsupported(f"shapes nested more than {MAX_DEPTH} deep under {shape.node}")

    def check_messages(self, roots: list[Shape]) -> None:
        """Every shape whose findings are reported has one sh:message (or, for an sh:sparql
        constraint, the constraint has one): svrdf shows it, where pyshacl would word its own.
        A message with {?variable} placeholders is refused: pyshacl fills them in."""
        seen, todo = set(), [shape.node for shape in roots]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            shape = self.shapes[node]
            reports = {p for p in self.graph.predicates(node, None) if p in _BUILDERS} - {SH.property}
            if reports - {SH.sparql} and len(shape.messages) != 1:
                raise Unsupported(f"{node} has no sh:message (or several); pyshacl words one")
            if SH.sparql in reports:
                for constraint in self.graph.objects(node, SH.sparql):
                    if len(set(self.graph.objects(constraint, SH.message)) | set(shape.messages)) != 1:
                        raise Unsupported(f"the sh:sparql constraint of {node} has no sh:message "
                                          "(or several); pyshacl words one")
            for message in (*shape.messages, *(m for c in self.graph.objects(node, SH.sparql)
                                               for m in self.graph.objects(c, SH.message))):
                if not isinstance(message, Literal) or "{" in str(message):
                    raise Unsupported(f"a message of {node} is not plain text")
            todo.extend(member for parameter, member in self.members[node] if parameter in _REPORTING)

    def _is_shape(self, node: Node) -> bool:
        """SHACL's definition: a declared shape, or the subject of a target or a parameter."""
        g = self.graph
        return (node, RDF.type, SH.NodeShape) in g or (node, RDF.type, SH.PropertyShape) in g \
            or any(p in _BUILDERS or p in TARGET_PREDICATES or p == SH.path or
                   (isinstance(p, URIRef) and p.startswith(str(SH)) and p not in DESCRIPTIVE)
                   for p in g.predicates(node, None))

    def one(self, node: Node, parameter: URIRef) -> Node | None:
        values = list(self.graph.objects(node, parameter))
        if len(values) > 1:
            raise Unsupported(f"{node} has {len(values)} values of {parameter}")
        return values[0] if values else None

    def integer(self, node: Node, parameter: URIRef) -> int | None:
        value = self.one(node, parameter)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.value, int) or isinstance(value.value, bool):
            raise Unsupported(f"{parameter} of {node} is not an integer")
        return value.value

    def shape(self, node: Node) -> Shape:
        if self._building:
            holder, parameter = self._building[-1]
            self.members[holder].add((parameter, node))
        if node in self.shapes:
            return self.shapes[node]
        g = self.graph
        path_node = self.one(node, SH.path)
        predicate, inverse = None, False
        if isinstance(path_node, URIRef):
            predicate = path_node
        elif path_node is not None:
            inverse_of = list(g.objects(path_node, SH.inversePath))
            if len(inverse_of) != 1 or not isinstance(inverse_of[0], URIRef) \
                    or len(list(g.predicate_objects(path_node))) != 1:
                raise Unsupported(f"the path of {node} is neither a predicate nor its inverse")
            predicate, inverse = inverse_of[0], True
        if (node, RDF.type, SH.NodeShape) in g and path_node is not None:
            raise Unsupported(f"{node} is a node shape with a path")
        deactivated = self.one(node, SH.deactivated)
        shape = self.shapes[node] = Shape(
            node=node, severity=self.one(node, SH.severity) or SH.Violation,
            messages=tuple(g.objects(node, SH.message)),
            deactivated=isinstance(deactivated, Literal) and deactivated.value is True,
            path_node=path_node, predicate=predicate, inverse=inverse)
        # pyshacl ignores predicates outside SHACL (custom components were refused above).
        parameters = {p for p in g.predicates(node, None)
                      if isinstance(p, URIRef) and p.startswith(str(SH)) and p not in DESCRIPTIVE}
        if parameters.isdisjoint({SH.qualifiedValueShape}) and (
                (node, SH.qualifiedMinCount, None) in g or (node, SH.qualifiedMaxCount, None) in g):
            raise Unsupported(f"{node} has a qualified count without sh:qualifiedValueShape")
        for parameter in sorted(parameters):
            builder = _BUILDERS.get(parameter)
            if builder is None:
                raise Unsupported(f"{node} uses {parameter}")
            self._building.append((node, parameter))
            try:
                shape.constraints.append(builder(self, node, shape))
            finally:
                self._building.pop()
        return shape


# ---------------------------------------------------------------- the constraint components
# Each mirrors the pyshacl component named in its docstring: same tests, same results.

def _per_value(component: URIRef, passes: Callable[[Node], bool]) -> Constraint:
    def check(engine, shape, values_by_focus, depth):
        findings = [Finding(shape, component, focus, value)
                    for focus, values in values_by_focus.items() for value in values
                    if not passes(value)]
        return _foci(findings), findings
    return check


def _foci(findings: list[Finding]) -> set[Node]:
    return {finding.focus for finding in findings}


def _class(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """ClassConstraintComponent (rdflib mode)."""
    classes = list(compiler.graph.objects(node, SH["class"]))

    def check(engine, shape, values_by_focus, depth):
        findings = [Finding(shape, SH.ClassConstraintComponent, focus, value)
                    for cls in classes
                    for focus, values in values_by_focus.items() for value in values
                    if not engine.data.is_instance(value, cls)]
        return _foci(findings), findings
    return check


_DATATYPE_VALUES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time,
    XSD.dateTime: datetime}


def _datatype(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """DatatypeConstraintComponent."""
    datatype = compiler.one(node, SH.datatype)
    python_type = _DATATYPE_VALUES.get(datatype) if isinstance(datatype, URIRef) else None

    def actual(value: Literal) -> bool:
        return python_type is None or isinstance(value.value, python_type)

    def passes(value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.datatype == datatype:
            return getattr(value, "ill_typed", None) is not True and actual(value)
        if datatype == RDFS.Literal:
            return True
        if datatype == RDFS.Datatype and value.datatype:
            return True
        if value.datatype is None and value.language is None and datatype == XSD.string:
            return actual(value)
        if datatype == RDF.langString and value.language:
            return actual(value)
        return False
    return _per_value(SH.DatatypeConstraintComponent, passes)


def _node_kind(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """NodeKindConstraintComponent."""
    kind = compiler.one(node, SH.nodeKind)
    kinds = {BNode: (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI),
             Literal: (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral),
             URIRef: (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)}
    return _per_value(SH.NodeKindConstraintComponent,
                      lambda value: kind in kinds.get(type(value), kinds[URIRef]))


def _count(parameter: URIRef, component: URIRef, fails: Callable[[int, int], bool]):
    """MinCountConstraintComponent, MaxCountConstraintComponent."""
    def build(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
        limit = compiler.integer(node, parameter)  # not None: the shape has the parameter
        if limit is None or limit < 0 or shape.predicate is None:
            raise Unsupported(f"{parameter} of {node}")

        def check(engine, shape, values_by_focus, depth):
            if parameter == SH.minCount and limit == 0:
                return set(), []
            findings = [Finding(shape, component, focus)
                        for focus, values in values_by_focus.items() if fails(len(values), limit)]
            return _foci(findings), findings
        return check
    return build


def _value_text(value: Node) -> str:
    """pyshacl's string form of a value node for the string-based components."""
    if isinstance(value, Literal) and value.value is not None \
            and value.datatype in (None, RDF.langString, XSD.string):
        return str(value.value)
    return str(value)


def _length(parameter: URIRef, component: URIRef, fails: Callable[[int, int], bool]):
    """MinLengthConstraintComponent, MaxLengthConstraintComponent."""
    def build(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
        limit = compiler.integer(node, parameter)  # not None: the shape has the parameter
        if limit is None or limit < 0:
            raise Unsupported(f"{parameter} of {node}")

        def passes(value: Node) -> bool:
            if parameter == SH.minLength and limit == 0:
                return True
            return not isinstance(value, BNode) and not fails(len(_value_text(value)), limit)
        return _per_value(component, passes)
    return build


def _pattern(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """PatternConstraintComponent."""
    pattern = compiler.one(node, SH.pattern)
    flags = compiler.one(node, SH.flags)
    if not isinstance(pattern, Literal):
        raise Unsupported(f"sh:pattern of {node}")
    re_flags = 0
    if flags is not None:
        if not isinstance(flags, Literal):  # pyshacl fails on it (no .value): let it
            raise Unsupported(f"sh:flags of {node}")
        text = str(flags.value).lower()
        re_flags |= (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
    source = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    matcher = re.compile(source, re_flags)
    return _per_value(SH.PatternConstraintComponent,
                      lambda value: not isinstance(value, BNode)
                      and bool(matcher.match(_value_text(value)) or matcher.search(_value_text(value))))


def _in(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """InConstraintComponent."""
    members = compiler.one(node, SH["in"])
    if members is None:  # not reached: the builder runs only for a shape with sh:in
        raise Unsupported(f"sh:in of {node}")
    allowed = set(compiler.graph.items(members))
    return _per_value(SH.InConstraintComponent, lambda value: value in allowed)


def _has_value(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """HasValueConstraintComponent: a result without a value."""
    required = list(compiler.graph.objects(node, SH.hasValue))

    def check(engine, shape, values_by_focus, depth):
        findings = [Finding(shape, SH.HasValueConstraintComponent, focus)
                    for value in required
                    for focus, values in values_by_focus.items() if value not in values]
        return _foci(findings), findings
    return check


def _min_inclusive(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """MinInclusiveConstraintComponent."""
    minimum = compiler.one(node, SH.minInclusive)
    if not isinstance(minimum, Literal):
        raise Unsupported(f"sh:minInclusive of {node}")
    minimum_is_text = isinstance(minimum.value, str)

    def passes(value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if isinstance(value.value, str) != minimum_is_text:
            return False
        try:
            return _at_least(value, minimum)
        except (TypeError, NotImplementedError):
            return False
    return _per_value(SH.MinInclusiveConstraintComponent, passes)


def _at_least(value: Literal, bound: Literal) -> bool:
    """pyshacl's order of two literals (its compare_literal, which imports all of pyshacl):
    equal by rdflib's value equality; date-times and times by their Python values; anything
    else by rdflib's literal order. Incomparable values raise TypeError."""
    if value.eq(bound):
        return True
    if value.value.__class__ in (datetime, time):
        return value.value == bound.value or value.value > bound.value
    return value > bound


def _less_than_or_equals(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """LessThanOrEqualsConstraintComponent (rdflib mode)."""
    objects = list(compiler.graph.objects(node, SH.lessThanOrEquals))
    others = [other for other in objects if isinstance(other, URIRef)]
    if len(others) != len(objects):
        raise Unsupported(f"sh:lessThanOrEquals of {node}")
    compiler.compared.update(others)

    def comparable(term: Node) -> tuple[object, bool]:
        if isinstance(term, BNode):
            raise Unsupported("sh:lessThanOrEquals on a blank node")
        if isinstance(term, URIRef):
            return str(term), True
        if isinstance(term, Literal) and isinstance(term.value, str):
            return term.value, True
        return term, False

    def check(engine, shape, values_by_focus, depth):
        findings = []
        for other in others:
            for focus, values in values_by_focus.items():
                for value in set(values):
                    left, left_text = comparable(value)
                    for compared in set(engine.data.objects(focus, other)):
                        right, right_text = comparable(compared)
                        if left_text != right_text or not left <= right:
                            findings.append(Finding(shape, SH.LessThanOrEqualsConstraintComponent,
                                                    focus, value))
        return _foci(findings), findings
    return check


def _property(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """PropertyConstraintComponent: the property shapes' own results. pyshacl checks them
    value node by value node; a node shape's value node is its focus node, so one check of all
    focus nodes finds the same. Under a property shape, each value node is checked once and
    its findings repeated for every focus node it is a value of, as pyshacl's loop gives them."""
    members = [compiler.shape(member) for member in compiler.graph.objects(node, SH.property)]
    if any(member.predicate is None for member in members):
        raise Unsupported(f"sh:property of {node} is not a property shape")

    def check(engine, shape, values_by_focus, depth):
        failed, findings = set(), []
        if shape.predicate is None:
            for member in members:
                bad, found = engine.check(member, values_by_focus, depth + 1)
                failed |= bad
                findings.extend(found)
            return failed, findings
        values = _unique_values(values_by_focus)
        for member in members:
            bad, by_value = _check_values(engine, member, values, depth)
            for focus, focus_values in values_by_focus.items():
                for value in focus_values:
                    findings.extend(by_value.get(value, ()))
                    if value in bad:
                        failed.add(focus)
        return failed, findings
    return check


def _unique_values(values_by_focus: dict) -> list[Node]:
    return list(dict.fromkeys(value for values in values_by_focus.values() for value in values))


def _check_values(engine: Engine, member: Shape, values: list[Node],
                  depth: int) -> tuple[set[Node], dict[Node, list[Finding]]]:
    """A nested shape checked once on every value node: the values that fail it, and its
    findings by value node (each value is the nested check's focus node)."""
    bad, found = engine.check(member, values, depth + 1)
    by_value: dict[Node, list[Finding]] = defaultdict(list)
    for finding in found:
        by_value[finding.focus].append(finding)
    return bad, by_value


def _node(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """NodeConstraintComponent: the node shape's results become the result's sh:detail."""
    members = [compiler.shape(member) for member in compiler.graph.objects(node, SH.node)]
    if any(member.predicate is not None for member in members):
        raise Unsupported(f"sh:node of {node} is a property shape")

    def check(engine, shape, values_by_focus, depth):
        findings = []
        values = _unique_values(values_by_focus)
        for member in members:
            bad, by_value = _check_values(engine, member, values, depth)
            findings.extend(Finding(shape, SH.NodeConstraintComponent, focus, value, by_value[value])
                            for focus, values in values_by_focus.items() for value in values
                            if value in bad or by_value.get(value))
        return _foci(findings), findings
    return check


def _or(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """OrConstraintComponent: the members' own results are dropped."""
    lists = list(compiler.graph.objects(node, SH["or"]))
    alternatives = [[compiler.shape(member) for member in set(compiler.graph.items(lst))] for lst in lists]
    if not all(alternatives):
        raise Unsupported(f"sh:or of {node} is not a list of shapes")

    def check(engine, shape, values_by_focus, depth):
        findings = []
        values = _unique_values(values_by_focus)
        for members in alternatives:
            failing = set(values)
            for member in members:
                failing &= engine.check(member, values, depth + 1)[0]
            findings.extend(Finding(shape, SH.OrConstraintComponent, focus, value)
                            for focus, values in values_by_focus.items() for value in values
                            if value in failing)
        return _foci(findings), findings
    return check


def _qualified(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """QualifiedValueShapeConstraintComponent, with sibling shapes when disjoint."""
    g = compiler.graph
    if shape.predicate is None:
        raise Unsupported(f"sh:qualifiedValueShape on node shape {node}")
    minimum = compiler.integer(node, SH.qualifiedMinCount)
    maximum = compiler.integer(node, SH.qualifiedMaxCount)
    if minimum is None and maximum is None:
        raise Unsupported(f"sh:qualifiedValueShape of {node} without a count")
    disjoint = any(isinstance(d, Literal) and d.value is True
                   for d in g.objects(node, SH.qualifiedValueShapesDisjoint))
    plans = []
    for member in g.objects(node, SH.qualifiedValueShape):
        siblings: set[Node] = set()
        if disjoint:
            for parent in g.subjects(SH.property, node):
                for sibling_holder in g.objects(parent, SH.property):
                    siblings.update(s for s in g.objects(sibling_holder, SH.qualifiedValueShape) if s != member)
        plans.append((compiler.shape(member), [compiler.shape(s) for s in siblings]))

    def check(engine, shape, values_by_focus, depth):
        count_values = sum(len(values) for values in values_by_focus.values())
        if not disjoint and count_values < 1 and (minimum is None or minimum < 1):
            return set(), []
        findings = []
        values = _unique_values(values_by_focus)
        for member, siblings in plans:
            qualified = set(values) - engine.check(member, values, depth + 1)[0]
            for sibling in siblings:
                qualified &= engine.check(sibling, values, depth + 1)[0]
            for focus, focus_values in values_by_focus.items():
                conforming = sum(1 for value in focus_values if value in qualified)
                if maximum is not None and conforming > maximum:
                    findings.append(Finding(shape, SH.QualifiedMaxCountConstraintComponent, focus))
                if minimum is not None and conforming < minimum:
                    findings.append(Finding(shape, SH.QualifiedMinCountConstraintComponent, focus))
        return _foci(findings), findings
    return check


#: What a SPARQL constraint may not hold, as SHACL's pre-binding rules (and pyshacl) say, or
#: what this engine does not pre-bind: MINUS, VALUES, SERVICE, a nested SELECT, a pre-bound
#: variable assigned with AS, $shapesGraph and $currentShape.
_NOT_PRE_BINDABLE = re.compile(
    r"\b(MINUS|VALUES|SERVICE)\b|\bSELECT\b[^{]*\{[^}]*\bSELECT\b|\bAS\s+[?$](this|value|path)\b"
    r"|[?$](shapesGraph|currentShape)\b", re.IGNORECASE | re.DOTALL)
_THIS = pyoxigraph.Variable("this")


def _projected(query: str) -> list[str]:
    """The variables a SELECT query returns, read with rdflib's parser."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception as exc:  # a query neither engine can run: pyshacl reports it
        raise Unsupported(f"a SPARQL query that does not parse: {exc}") from None
    if algebra.name != "SelectQuery":
        raise Unsupported("an sh:select that is not a SELECT query")
    return [str(variable) for variable in algebra["PV"]]


def _sparql(compiler: _Compiler, node: Node, shape: Shape) -> Constraint:
    """SPARQLConstraintComponent: each solution of the SELECT, with $this pre-bound to the focus
    node, is a result, as pyshacl makes it: the focus node ?this, the shape's path, the value
    ?value (for a node shape, the focus node where ?value is unbound), the constraint's
    messages. Each query runs in Oxigraph once per focus node, with $this substituted (as
    SHACL pre-binds it), only for the focus nodes the shape's targets select."""
    g = compiler.graph
    queries = []
    for constraint in sorted(g.objects(node, SH.sparql), key=str):
        deactivated = compiler.one(constraint, SH.deactivated)
        if isinstance(deactivated, Literal) and deactivated.value is True:
            continue
        select = list(g.objects(constraint, SH.select))
        if len(select) != 1 or not isinstance(select[0], Literal) or not isinstance(select[0].value, str) \
                or (constraint, SH.ask, None) in g:
            raise Unsupported(f"the sh:sparql constraint of {node} is not one SELECT query")
        text = str(select[0])
        if _NOT_PRE_BINDABLE.search(text):
            raise Unsupported(f"the SPARQL query of {node} cannot be pre-bound (MINUS, VALUES, a "
                              "subquery, SERVICE or AS ?this)")
        if "$PATH" in text:
            if shape.predicate is None:
                raise Unsupported(f"$PATH in the SPARQL query of {node}, which has no path")
            text = text.replace("$PATH", ("^" if shape.inverse else "") + shape.predicate.n3())
        query = prefix_header(g, constraint) + text
        variables = _projected(query)
        if "this" not in variables or {"path", "failure"} & set(variables):
            raise Unsupported(f"the SPARQL query of {node} does not return ?this, or returns "
                              "?path or ?failure")
        shape_messages = {m: None for m in shape.messages}
        messages = tuple(Literal(str(m)) for m in
                         (*(m for m in g.objects(constraint, SH.message) if m not in shape_messages),
                          *shape_messages))
        queries.append((constraint, query, variables, messages))

    def check(engine, shape, values_by_focus, depth):
        findings = []
        for constraint, query, variables, messages in queries:
            if not values_by_focus:
                continue
            store = engine.sparql_store(query)
            rows = []
            for focus in values_by_focus:
                seen = set()
                for row in store.query(query, substitutions={_THIS: to_oxigraph(focus)}):
                    solution = tuple(row[v] for v in variables)
                    if solution not in seen:  # pyshacl reports a repeated solution once
                        seen.add(solution)
                        rows.append((focus, row["value"] if "value" in variables else None))
            terms = as_data_term([value for _, value in rows if value is not None], engine.triples)
            for focus, value in rows:  # ?this is the focus node, pre-bound
                value = (focus if shape.predicate is None else None) if value is None else terms[value]
                findings.append(Finding(shape, SH.SPARQLConstraintComponent, focus, value,
                                        constraint=constraint, own_messages=messages))
        return _foci(findings), findings
    return check


_BUILDERS: dict[URIRef, Callable[[_Compiler, Node, Shape], Constraint]] = {
    SH["class"]: _class,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH.minCount: _count(SH.minCount, SH.MinCountConstraintComponent, lambda n, limit: n < limit),
    SH.maxCount: _count(SH.maxCount, SH.MaxCountConstraintComponent, lambda n, limit: n > limit),
    SH.minLength: _length(SH.minLength, SH.MinLengthConstraintComponent, lambda n, limit: n < limit),
    SH.maxLength: _length(SH.maxLength, SH.MaxLengthConstraintComponent, lambda n, limit: n > limit),
    SH.pattern: _pattern,
    SH["in"]: _in,
    SH.hasValue: _has_value,
    SH.minInclusive: _min_inclusive,
    SH.lessThanOrEquals: _less_than_or_equals,
    SH.property: _property,
    SH.node: _node,
    SH["or"]: _or,
    SH.qualifiedValueShape: _qualified,
    SH.sparql: _sparql,
}


# ---------------------------------------------------------------- evaluation

class Engine:
    def __init__(self, compiled: CompiledShapes, data: Graph | Collection[Triple]) -> None:
        self.compiled = compiled
        # Selected before the index is made, so that Oxigraph's stores (hundreds of megabytes
        # for a large study) and the index are never in memory together.
        self.sparql_targets = select_sparql_targets(compiled.graph, data)
        self.data = DataIndex(data, compiled.forward, compiled.backward)
        self.triples = data
        self._stores: dict[str | None, pyoxigraph.Store] = {}

    def sparql_store(self, query: str) -> pyoxigraph.Store:
        """The data in Oxigraph for an sh:sparql query: made only when a shape with one has
        focus nodes (svrdf's rules select only offending nodes, so a valid study needs none)."""
        key = None if len(self.triples) <= LOAD_BY_QUERY_ABOVE else query
        if key not in self._stores:
            self._stores[key] = store_for(self.triples, [query])
        return self._stores[key]

    def focus_nodes(self, targets: dict[URIRef, list[Node]], shape: Shape) -> set[Node]:
        found = set(targets[SH.targetNode])
        for cls in targets[SH.targetClass]:
            for subclass in self.data.subclasses(cls):
                found.update(self.data.subjects(RDF.type, subclass))
        for predicate in targets[SH.targetSubjectsOf]:
            found.update(self.data.subjects_of(predicate))
        for predicate in targets[SH.targetObjectsOf]:
            found.update(self.data.objects_of(predicate))
        for target in targets[SH.target]:
            found.update(self.sparql_targets[shape.node, target])
        return found

    def check(self, shape: Shape, focus_nodes: Iterable[Node], depth: int) -> tuple[set[Node], list[Finding]]:
        """pyshacl's Shape.validate of each focus node: those that do not conform, and the
        findings. A shape of allowed severity always conforms; otherwise a focus node fails
        when a constraint fails it (its findings are then of the shape's severity or, through
        sh:property, of a member that fails too: see _Compiler.check_severities)."""
        if shape.deactivated:
            return set(), []
        values_by_focus = {focus: shape.value_nodes(self.data, focus) for focus in focus_nodes}
        failed, findings = set(), []
        for constraint in shape.constraints:
            bad, found = constraint(self, shape, values_by_focus, depth)
            failed |= bad
            findings.extend(found)
        return (set() if shape.severity in ALLOWED_SEVERITIES else failed), findings

    def run(self) -> tuple[bool, list[Finding]]:
        conforms, findings = True, []
        for shape, targets in self.compiled.targeted:
            failed, found = self.check(shape, self.focus_nodes(targets, shape), 0)
            conforms = conforms and not failed
            findings.extend(found)
        return conforms, findings


@dataclass
class Evaluation:
    """What the engine found, and the results graph pyshacl would give, made on request."""
    conforms: bool
    findings: list[Finding]
    shapes: Graph
    #: The data as given, not the engine's index of it: an evaluation outlives the engine,
    #: and the index of a large study takes hundreds of megabytes.
    data: Graph | Collection[Triple]

    def all_findings(self) -> Iterator[Finding]:
        """Every finding, and every finding in their sh:detail, depth first."""
        todo = list(reversed(self.findings))
        while todo:
            finding = todo.pop()
            yield finding
            todo.extend(reversed(finding.details))

    def results_graph(self) -> Graph:
        return _results_graph(self.findings, self.conforms, self.shapes, lambda: self.data_graph)

    @cached_property
    def data_graph(self) -> Graph:
        """The data as an rdflib graph, to copy blank nodes into a report from."""
        return self.data if isinstance(self.data, Graph) else graph_of(self.data)


def evaluate(data: Graph | Collection[Triple], shapes: Graph,
             require_messages: bool = False) -> Evaluation:
    """Validate ``data`` (an rdflib graph, or a collection of distinct triples) as pyshacl
    would. Raises :class:`Unsupported`, before reading the data, where pyshacl must run
    instead (see :func:`compile_shapes`)."""
    engine = Engine(compile_shapes(shapes, require_messages), data)
    conforms, findings = engine.run()
    return Evaluation(conforms, findings, shapes, data)


def validate(data: Graph | Collection[Triple], shapes: Graph) -> Graph:
    """The results graph (sh:ValidationReport) that pyshacl would give for ``data``."""
    return evaluate(data, shapes, require_messages=True).results_graph()


def _results_graph(findings: list[Finding], conforms: bool, shapes: Graph,
                   data: Callable[[], Graph]) -> Graph:
    """pyshacl's report: shape and data blank nodes are copied in with their descriptions."""
    from pyshacl.rdfutil import clone_blank_node

    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, namespace)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    cloned: set[tuple[bool, BNode]] = set()

    def copied(node: Node, from_data: bool) -> Node:
        """The node, with a blank node's description copied in (once) as pyshacl does."""
        if isinstance(node, BNode) and (from_data, node) not in cloned:
            cloned.add((from_data, node))
            clone_blank_node(data() if from_data else shapes, node, report, keepid=True)
        return node

    def add(finding: Finding) -> BNode:
        shape = finding.shape
        result = BNode()
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.sourceConstraintComponent, finding.component))
        report.add((result, SH.sourceShape, copied(shape.node, from_data=False)))
        report.add((result, SH.resultSeverity, shape.severity))
        report.add((result, SH.focusNode, copied(finding.focus, from_data=True)))
        if finding.value is not None:
            report.add((result, SH.value, copied(finding.value, from_data=True)))
        if shape.path_node is not None:
            report.add((result, SH.resultPath, copied(shape.path_node, from_data=False)))
        if finding.constraint is not None:
            report.add((result, SH.sourceConstraint, copied(finding.constraint, from_data=False)))
        for message in finding.messages:
            report.add((result, SH.resultMessage, message))
        for detail in finding.details:
            report.add((result, SH.detail, add(detail)))
        return result

    for finding in findings:
        report.add((root, SH.result, add(finding)))
    return report
