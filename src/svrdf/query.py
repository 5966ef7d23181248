"""SPARQL over study graphs, read-only and offline.

A query is parsed before it runs, and refused when it would change data (an update), reach
the network (``SERVICE``, or ``FROM``/``FROM NAMED`` with a remote graph) or not parse, with the
line and column of the problem. It runs in a forked process under a time limit (and, for
``svrdf serve``, a memory limit), so that a query past its limit can be stopped. Named queries
ship as ``.rq`` files in ``svrdf/queries/``, each opening with a comment that says what it
answers.

Results in CSV and TSV are for spreadsheets too, so a value a spreadsheet would run as a formula
is defused (OWASP's advice on CSV injection); the table is for a terminal, so its control
characters are escaped.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import multiprocessing
import os
import re
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from .errors import SvrdfError
from .terminal import printable
from .vocab import PREFIXES, XSD

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


class QueryError(SvrdfError):
    """A query svrdf will not run: it does not parse, it would write, or it would go online."""

    exit_code = 2


class QueryFailed(SvrdfError):
    """The query was accepted, but failed as it ran."""

    exit_code = 2


class QueryTimeout(SvrdfError):
    """The query ran past its time limit."""

    exit_code = 2


class QueryOutOfMemory(SvrdfError):
    """The query needed more memory than its process may have."""

    exit_code = 2


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    text: str


@lru_cache(maxsize=1)
def named_queries() -> dict[str, NamedQuery]:
    queries = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comment = [line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")]
        queries[path.stem] = NamedQuery(path.stem, " ".join(comment), text)
    return queries


def resolve_query(text_or_name: str) -> str:
    """A named query's text, or the argument itself as SPARQL."""
    named = named_queries().get(text_or_name)
    if named:
        return named.text
    if re.fullmatch(r"[\w.-]+", text_or_name.strip()):
        # One bare word is not SPARQL: it was meant as a name.
        guess = difflib.get_close_matches(text_or_name, named_queries(), n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else "; see 'svrdf query --list'"
        raise QueryError(f"no named query '{text_or_name}'{hint}")
    return text_or_name


def union_graph(graphs: dict[str, Graph]) -> Graph:
    """One graph to query over several studies: each study the named graph of its base IRI,
    as in ``export --format nquads`` and ``publish``, all queried as one."""
    if len(graphs) == 1:
        return next(iter(graphs.values()))
    dataset = Dataset(default_union=True)
    for name, graph in graphs.items():
        named = dataset.graph(URIRef(name))
        for triple in graph:
            named.add(triple)
    return dataset


def prepare(text: str):
    """Parse and check a query; returns rdflib's prepared query."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        prepared = prepareQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            raise QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: "
                             f"{exc.msg}") from None
        raise QueryError("updates are refused: svrdf's queries are read-only") from None
    except Exception as exc:  # rdflib raises plain exceptions for some malformed queries
        raise QueryError(f"the query cannot be run: {exc}") from None
    if _contains(prepared.algebra, "ServiceGraphPattern"):
        raise QueryError("SERVICE is refused: svrdf never sends a query to another endpoint")
    if prepared.algebra.get("datasetClause"):
        raise QueryError("FROM and FROM NAMED are refused: svrdf queries only the studies given "
                         "with --study, and never loads a graph from elsewhere")
    return prepared


def _contains(node, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_contains(value, name) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(_contains(value, name) for value in node)
    return False


def run_query(graph: Graph, prepared, render: Callable[[Result], bytes], timeout: float,
              memory_mb: int | None = None) -> bytes:
    """Run a query from :func:`prepare` over ``graph`` and return ``render`` of its result.

    The query runs, and is rendered (rdflib evaluates lazily), in a forked process, which sees
    the graph without copying it. Past ``timeout`` seconds, or when the caller is interrupted
    (Ctrl-C), that process is killed: a thread could not be stopped, since a backtracking
    regular expression never hands control back to Python. ``memory_mb`` bounds what the
    process may allocate. Raises :class:`QueryTimeout`, :class:`QueryOutOfMemory`,
    :class:`QueryFailed`, or the :class:`SvrdfError` ``render`` raised.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_answer, daemon=True,
                            args=(sender, graph, prepared, render, timeout, memory_mb))
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        try:
            answer = receiver.recv()
        except EOFError:
            child.join()
            raise QueryFailed("the query's process ended without an answer "
                              f"(exit status {child.exitcode})") from None
    finally:
        # Answered, past its time or interrupted, the query leaves no process behind.
        child.kill()
        child.join()
        receiver.close()
    if isinstance(answer, SvrdfError):
        raise answer
    return answer


def _answer(sender, graph: Graph, prepared, render: Callable[[Result], bytes], timeout: float,
            memory_mb: int | None) -> None:
    """In the forked process: run the query, render the result and send it (or the error)."""
    # Ctrl-C reaches the whole process group; the parent stops this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Should the parent die before it can stop this process, the kernel stops it instead.
    _lower_limit(resource.RLIMIT_CPU, math.ceil(timeout) + 1)
    if memory_mb is not None:
        _limit_growth(memory_mb)
    try:
        answer = render(graph.query(prepared))
    except SvrdfError as error:
        answer = error
    except MemoryError:
        limit = f" (the limit is {memory_mb} MB)" if memory_mb is not None else ""
        answer = QueryOutOfMemory(f"the query ran out of memory{limit} and was stopped")
    except Exception as exc:  # rdflib raises plain exceptions for a query that fails as it runs
        answer = QueryFailed(f"the query failed: {exc}")
    sender.send(answer)
    sender.close()


def _limit_growth(megabytes: int) -> None:
    """Let this process's address space grow by ``megabytes`` at most. A forked process starts
    with all of its parent's, so the limit counts from what it has now. Linux only: elsewhere
    that size cannot be read, and no limit is set."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except FileNotFoundError:
        return
    _lower_limit(resource.RLIMIT_AS, size + megabytes * 2**20)


def _lower_limit(kind: int, value: int) -> None:
    """Set a resource limit to ``value``, or to the hard limit already in force if lower."""
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def format_result(result: Result, fmt: str, names=None) -> bytes:
    """SELECT and ASK as a table, CSV, TSV, or SPARQL 1.1 Query Results JSON or XML;
    CONSTRUCT and DESCRIBE as Turtle, whatever ``fmt`` says."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, replace=True)
        return graph.serialize(format="turtle", encoding="utf-8")
    if fmt == "json":
        return result.serialize(format="json") + b"\n"
    if fmt == "xml":
        return _xml_results(result)
    if result.type == "ASK":
        return (("true" if result.askAnswer else "false") + "\n").encode()
    variables = [str(v) for v in result.vars]
    rows = [[row[v] for v in result.vars] for row in result]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        # CSV has no escapes: a control character (which only a query can make) is shown as
        # its escape, so that no cell can drive the terminal it is printed on.
        writer.writerows([["" if t is None else printable(_defused(t)) for t in row]
                          for row in rows])
        return out.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_cell(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    return _table(variables, [[_cell(t, names) for t in row] for row in rows]).encode("utf-8")


#: What XML 1.0 cannot hold, not even as a character reference.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_results(result: Result) -> bytes:
    """The SPARQL XML results, or a :class:`QueryError` if a value holds a character that no
    XML 1.0 document can (a query can make one: ``BIND("\\u0007" AS ?x)``)."""
    for row in result if result.type == "SELECT" else ():
        for term in row:
            found = _NOT_IN_XML.search(str(term)) if term is not None else None
            if found:
                raise QueryError(f"a value of the result holds U+{ord(found.group()):04X}, which "
                                 "XML cannot hold; ask for the JSON results instead")
    return result.serialize(format="xml")


#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The XSD datatypes of numbers.
_NUMERIC_TYPES = frozenset(XSD[name] for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "nonPositiveInteger", "negativeInteger", "positiveInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte"))
#: A number's lexical form, which a spreadsheet reads as that number and nothing more.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _defused(term: Node) -> str:
    """The term's text, after a ``'`` if a spreadsheet would run it as a formula. A number
    (``-5``) is left as it is; an ill-typed one (``"=1"^^xsd:integer``) is not a number."""
    text = str(term)
    number = (isinstance(term, Literal) and term.datatype in _NUMERIC_TYPES
              and _NUMBER.fullmatch(text))
    return "'" + text if text.startswith(_FORMULA_STARTS) and not number else text


#: Turtle's escapes for a string, which SPARQL's TSV results require: a value holds no tab or
#: line break that would start a new cell or row.
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_CELL_BREAKS = re.compile("[\t\n\r]")
#: Other control characters, which Turtle's \u escapes write without sending them to a terminal.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _tsv_cell(term: Node | None) -> str:
    """A term as SPARQL TSV writes it (as in Turtle), its literal's text defused."""
    if term is None:
        return ""
    if not isinstance(term, Literal):
        # An IRI or blank node label a query made up can hold a tab or line break too.
        return _CELL_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04X}", term.n3())
    suffix = (f"@{term.language}" if term.language
              else f"^^{_tsv_cell(term.datatype)}" if term.datatype else "")
    text = _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04X}",
                         _defused(term).translate(_STRING_ESCAPES))
    return f'"{text}"{suffix}'


def _cell(term: Node | None, names) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef) and names is not None:
        text = term.n3(names)
    else:
        text = str(term) if isinstance(term, (Literal, URIRef)) else term.n3()
    return printable(text, keep_newlines=False)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    count = f"({len(rows)} row{'s' * (len(rows) != 1)})"
    return "\n".join([line(header), rule, *(line(r) for r in rows), count]) + "\n"
