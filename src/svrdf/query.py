"""SPARQL over study graphs, read-only and offline.

A query is parsed before it runs, and refused when it would change data (an update), reach
the network (``SERVICE``, or ``FROM``/``FROM NAMED`` with a remote graph) or not parse, with the
line and column of the problem. It runs under a time limit. Named queries ship as ``.rq`` files
in ``svrdf/queries/``, each opening with a comment that says what it answers.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from .defaults import QUERY_TIMEOUT
from .errors import SvrdfError
from .vocab import PREFIXES

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


class QueryError(SvrdfError):
    """A query svrdf will not run: it does not parse, it would write, or it would go online."""

    exit_code = 2


class QueryTimeout(SvrdfError):
    """The query ran past its time limit."""

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


def run_query(graph: Graph, text: str, timeout: float = QUERY_TIMEOUT) -> Result:
    prepared = prepare(text)
    outcome: dict = {}

    def work() -> None:
        try:
            result = graph.query(prepared)
            if result.type == "SELECT":
                result.bindings  # evaluate now, inside the time limit
            elif result.type in ("CONSTRUCT", "DESCRIBE"):
                result.graph
            outcome["result"] = result
        except Exception as exc:  # reported in the caller's thread
            outcome["error"] = exc

    # A daemon thread: a query past its limit is abandoned, not waited for.
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped "
                           "(raise the limit with --timeout)")
    if "error" in outcome:
        raise QueryError(f"the query failed: {outcome['error']}")
    return outcome["result"]


def format_result(result: Result, fmt: str, names=None) -> bytes:
    """SELECT and ASK as a table, CSV, TSV or SPARQL 1.1 Query Results JSON; CONSTRUCT and
    DESCRIBE as Turtle, whatever ``fmt`` says."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, replace=True)
        return graph.serialize(format="turtle", encoding="utf-8")
    if fmt == "json":
        return result.serialize(format="json") + b"\n"
    if result.type == "ASK":
        return (("true" if result.askAnswer else "false") + "\n").encode()
    variables = [str(v) for v in result.vars]
    rows = [[row[v] for v in result.vars] for row in result]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([["" if t is None else str(t) for t in row] for row in rows])
        return out.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else t.n3() for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    return _table(variables, [[_cell(t, names) for t in row] for row in rows]).encode("utf-8")


def _cell(term: Node | None, names) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef) and names is not None:
        return term.n3(names)
    return str(term) if isinstance(term, (Literal, URIRef)) else term.n3()


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    count = f"({len(rows)} row{'s' * (len(rows) != 1)})"
    return "\n".join([line(header), rule, *(line(r) for r in rows), count]) + "\n"
