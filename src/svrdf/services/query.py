"""SPARQL over study graphs, read-only and offline.

A query is parsed before it runs, and refused when it would change data (an update), reach
the network (``SERVICE``, or ``FROM``/``FROM NAMED`` with a remote graph) or not parse, with the
line and column of the problem. It runs in a process of its own under a time limit (and, for
``svrdf serve``, a memory limit), so that a query past its limit can be stopped: forked for it
by ``svrdf query``, taken from a :class:`QueryPool` made at start-up by ``svrdf serve``. Named queries
ship as ``.rq`` files in ``svrdf/services/queries/``, each opening with a comment that says what it
answers.

Results in CSV and TSV are for spreadsheets too, so a value a spreadsheet would run as a formula
is defused (OWASP's advice on CSV injection); the table is for a terminal, so its control
characters are escaped.
"""

from __future__ import annotations

import csv
import difflib
import gc
import io
import logging
import math
import os
import pickle
import re
import resource
import signal
import socket
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from svrdf.errors import SvrdfError
from svrdf.forms.files import spreadsheet_text
from svrdf.rdf.vocab import XSD
from svrdf.terminal import printable

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


class QueriesBusy(SvrdfError):
    """Every process of a :class:`QueryPool` is running a query."""

    exit_code = 2


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    text: str


@lru_cache(maxsize=1)
def named_queries() -> Mapping[str, NamedQuery]:
    """The named queries by name, read once: a read-only view, since every caller shares it."""
    queries = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comment = [line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")]
        queries[path.stem] = NamedQuery(path.stem, " ".join(comment), text)
    return MappingProxyType(queries)


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

    The query runs, and is rendered (rdflib evaluates lazily), in a process forked for it, which
    sees the graph without copying it. Past ``timeout`` seconds, or when the caller is
    interrupted (Ctrl-C), that process is killed: a thread could not be stopped, since a
    backtracking regular expression never hands control back to Python. ``memory_mb`` bounds
    what the process may allocate. Raises :class:`QueryTimeout`, :class:`QueryOutOfMemory`,
    :class:`QueryFailed`, or the :class:`SvrdfError` ``render`` raised.

    For one query from a single-threaded program (``svrdf query``): it forks. A server, with
    threads of its own, keeps a :class:`QueryPool` made before its first thread instead; both
    run the query with the same code (:func:`_work`).
    """
    process = _QueryProcess.fork(graph, first_job=(prepared, render, timeout, memory_mb))
    try:
        answer, _ = process.answer(timeout)
    except QueryFailed as error:
        # Ended on its own: say how, which only its parent can know.
        raise QueryFailed(f"{error.message} ({process.exit_status()})") from None
    finally:
        # Answered, past its time or interrupted, the query leaves no process behind.
        process.kill()
    return _returned(answer)


#: What a query's process makes of its result and sends back (bytes, or bytes and their type).
Rendered = TypeVar("Rendered")


class QueryPool:
    """Query processes made once, before the caller has any thread, for a server to run its
    queries in: forking from a thread of a multi-threaded process is unsafe (the child gets
    copies of locks other threads hold), so nothing here forks once the server runs.

    At start a *forker* process is forked, single-threaded, from the caller, with ``graph``;
    it forks ``size`` query processes, and later a new one for each that is killed. Each query
    process answers queries one after another (:func:`_work`); one that runs past its time or
    memory is killed and replaced, so a runaway query cannot take a place in the pool for good.
    When the caller ends, or :meth:`close` is called, the forker kills the query processes.
    """

    def __init__(self, graph: Graph, size: int):
        if _thread_count() > 1:
            raise RuntimeError("a QueryPool must be made before the process starts a thread: "
                               "forking from a multi-threaded process is unsafe")
        self.size = size
        self._control, theirs = socket.socketpair()
        self._forker = _fork(_forker, theirs, graph, close=(self._control,))
        theirs.close()
        self._control_lock = threading.Lock()
        self._idle_lock = threading.Lock()
        self._closed = False
        self._idle = [self._new_process() for _ in range(size)]

    def run(self, query: str, render: Callable[[Result], Rendered], timeout: float,
            memory_mb: int | None = None) -> Rendered:
        """Run ``query`` (its text: a prepared query cannot be sent to another process) in an
        idle query process, as :func:`run_query` does, and give the process back (or its
        replacement) before returning. Raises :class:`QueriesBusy` at once if none is idle.
        ``render`` must be picklable: a function of a module, or a :func:`functools.partial`
        of one."""
        with self._idle_lock:
            if not self._idle:
                raise QueriesBusy(f"{self.size} queries are running")
            process = self._idle.pop()
        replace = True
        try:
            answer, retire = process.ask((query, render, timeout, memory_mb), timeout)
            # After a MemoryError, what the process holds is anyone's guess: a fresh one.
            replace = retire or isinstance(answer, QueryOutOfMemory)
        finally:
            self._give_back(process, replace)
        return _returned(answer)

    def close(self) -> None:
        """Stop every query process, and the forker."""
        with self._control_lock:
            if self._closed:
                return
            self._closed = True
            self._control.close()  # the forker kills its query processes, and ends
        with self._idle_lock:
            for process in self._idle:
                process.conn.close()
            self._idle.clear()
        try:
            os.waitpid(self._forker, 0)
        except ChildProcessError:
            pass

    def _new_process(self) -> _QueryProcess:
        with self._control_lock:
            if self._closed:
                raise QueryFailed("the server is stopping")
            try:
                self._control.sendall(b"F" + _PID.pack(0))
                message, fds, _, _ = socket.recv_fds(self._control, _PID.size, 1)
            except OSError:
                message, fds = b"", []
        if len(message) != _PID.size or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise QueryFailed("no query process could be started")
        os.set_inheritable(fds[0], False)
        return _QueryProcess(_PID.unpack(message)[0], socket.socket(fileno=fds[0]))

    def _give_back(self, process: _QueryProcess, replace: bool) -> None:
        if replace:
            process.conn.close()
            with self._control_lock:
                if not self._closed:
                    try:
                        self._control.sendall(b"K" + _PID.pack(process.pid))
                    except OSError:
                        pass
            try:
                process = self._new_process()
            except QueryFailed as error:
                with self._idle_lock:
                    if not self._closed:
                        self.size -= 1
                        _log.error("svrdf: %s: %d queries can run at once, not %d", error.message,
                                   self.size, self.size + 1)
                return
        with self._idle_lock:
            if self._closed:
                process.conn.close()
            else:
                self._idle.append(process)


_log = logging.getLogger(__name__)
#: A process id, as the forker and the server send it to each other.
_PID = struct.Struct("!q")
#: The length of a message between a query process and the server, which precedes it.
_LENGTH = struct.Struct("!Q")


class _QueryProcess:
    """The server's end of a query process: its id and a socket to it."""

    def __init__(self, pid: int, conn: socket.socket):
        self.pid = pid
        self.conn = conn
        self._status: int | None = None  # once reaped, when a child of this process

    @classmethod
    def fork(cls, graph: Graph, first_job=None, close=()) -> _QueryProcess:
        ours, theirs = socket.socketpair()
        pid = _fork(_work, theirs, graph, first_job, close=(ours, *close))
        theirs.close()
        return cls(pid, ours)

    def ask(self, job, timeout: float):
        try:
            _send(self.conn, job)
        except OSError:
            raise QueryFailed("the query's process ended before the query was sent") from None
        return self.answer(timeout)

    def answer(self, timeout: float):
        """``(answer, retire)`` from the process, within ``timeout`` seconds."""
        try:
            return _receive(self.conn, time.monotonic() + timeout)
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except EOFError:
            raise QueryFailed("the query's process ended without an answer") from None

    def kill(self) -> None:
        """Kill and reap the process, which must be a child of this one."""
        self.conn.close()
        if self._status is None:  # once reaped, its id may be another process's
            _kill(self.pid)

    def exit_status(self) -> str:
        """How the process, a child of this one that has ended, ended (after reaping it)."""
        if self._status is None:
            try:
                self._status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:
                return "exit status unknown"
        return f"exit status {os.waitstatus_to_exitcode(self._status)}"


def _fork(target, *args, close=()) -> int:
    """Fork a process that runs ``target(*args)`` after closing the sockets in ``close`` (the
    parent's ends), and then ends; returns its id."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        for sock in close:
            sock.close()
        # Nothing else of the parent's stays open here: not the server's listening socket nor
        # its clients' connections, which a process running untrusted queries has no use for.
        keep = sorted({0, 1, 2} | {arg.fileno() for arg in args if isinstance(arg, socket.socket)})
        for low, high in zip([-1, *keep], [*keep, os.sysconf("SC_OPEN_MAX")], strict=True):
            if low + 1 < high:  # an empty range may close everything (close_range's last is high-1)
                os.closerange(low + 1, high)
        target(*args)
        status = 0
    finally:
        # Neither the parent's cleanup (atexit) nor its buffered output is the child's to run.
        os._exit(status)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _thread_count() -> int:
    """Threads in this process, those Python did not start included where the system says."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _forker(control: socket.socket, graph: Graph) -> None:
    """The forker of a :class:`QueryPool`: forks a query process for each ``F`` sent on
    ``control`` and sends back its id and socket; kills and reaps the one each ``K`` names
    (only a parent can do so without the risk of its id being reused). When ``control`` closes,
    it kills the rest."""
    _quiet_signals()
    # The graph is never collected, so the collector need not walk it: doing so would write to
    # every object, and the pages the graph shares with the server would be copied.
    gc.freeze()
    children: set[int] = set()
    try:
        while True:
            try:
                request = _read(control, 1 + _PID.size)
            except EOFError:
                return
            pid = _PID.unpack(request[1:])[0]
            if request[:1] == b"F":
                try:
                    process = _QueryProcess.fork(graph, close=(control,))
                except OSError:  # no process to be had (EAGAIN, ENOMEM): the server is told
                    control.sendall(_PID.pack(0))
                    continue
                children.add(process.pid)
                socket.send_fds(control, [_PID.pack(process.pid)], [process.conn.fileno()])
                process.conn.close()
            elif pid in children:
                children.discard(pid)
                _kill(pid)
    finally:
        for pid in children:
            _kill(pid)


def _quiet_signals() -> None:
    # Ctrl-C reaches the whole process group; the parent stops this process itself. SIGTERM
    # ends it at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(conn: socket.socket, graph: Graph, job=None) -> None:
    """A query process: answers ``job``, if given, and each one sent on ``conn``, until
    ``conn`` closes. A job is ``(query, render, timeout, memory_mb)``, the query prepared or
    its text; the answer ``(render's bytes or an SvrdfError, retire)``, ``retire`` saying the
    process has grown by more than ``memory_mb`` and should be replaced."""
    _quiet_signals()
    start_size = _address_space()
    # The queries this process has prepared, by text, the last used last: a client sends the
    # same few again and again, and preparing one takes longer than running it.
    prepared: OrderedDict[str, object] = OrderedDict()
    while True:
        if job is None:
            try:
                job = _receive(conn)
            except EOFError:
                return
        query, render, timeout, memory_mb = job
        job = None
        answer = _answer(graph, query, render, timeout, memory_mb, prepared)
        retire = (memory_mb is not None and start_size is not None
                  and _address_space() > start_size + memory_mb * 2**20)
        _send(conn, (answer, retire))


#: How many prepared queries a query process keeps, and the longest text it keeps one for.
_PREPARED_KEPT = 32
_PREPARED_MAX_CHARS = 16 * 1024


def _answer(graph: Graph, query, render: Callable[[Result], Rendered], timeout: float,
            memory_mb: int | None, prepared: OrderedDict[str, object]) -> Rendered | SvrdfError:
    """Run and render the query (prepared, or its text, prepared here or taken from
    ``prepared``) under the process's limits: the bytes, or the error."""
    # Should the server die before it can stop this process, the kernel stops it instead.
    limits = [_limit_for_now(resource.RLIMIT_CPU, _cpu_seconds() + math.ceil(timeout) + 1)]
    size = _address_space()
    if memory_mb is not None and size is not None:
        # Counted from what the process has now: a forked process starts with all of the
        # server's memory.
        limits.append(_limit_for_now(resource.RLIMIT_AS, size + memory_mb * 2**20))
    try:
        if isinstance(query, str):
            text, query = query, prepared.get(query) or prepare(query)
            if len(text) <= _PREPARED_MAX_CHARS:
                prepared[text] = query
                prepared.move_to_end(text)
                if len(prepared) > _PREPARED_KEPT:
                    prepared.popitem(last=False)
        return render(graph.query(query))
    except SvrdfError as error:
        return error
    except MemoryError:
        limit = f" (the limit is {memory_mb} MB)" if memory_mb is not None else ""
        return QueryOutOfMemory(f"the query ran out of memory{limit} and was stopped")
    except Exception as exc:  # rdflib raises plain exceptions for a query that fails as it runs
        return QueryFailed(f"the query failed: {exc}")
    finally:
        # The memory limit was the query's; the answer must still be sent.
        for kind, previous in reversed(limits):
            resource.setrlimit(kind, previous)


def _returned(answer: Rendered | SvrdfError) -> Rendered:
    if isinstance(answer, SvrdfError):
        raise answer
    return answer


def _address_space() -> int | None:
    """This process's address space in bytes; None where it cannot be read (not Linux)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except FileNotFoundError:
        return None


def _cpu_seconds() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return math.ceil(usage.ru_utime + usage.ru_stime)


def _limit_for_now(kind: int, value: int) -> tuple[int, tuple[int, int]]:
    """Lower the soft limit of ``kind`` to ``value`` (or to the hard limit if lower), keeping
    the hard one so that it can be raised again; returns what to restore."""
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard))
    return kind, (soft, hard)


def _send(conn: socket.socket, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    conn.sendall(_LENGTH.pack(len(data)))
    conn.sendall(data)


def _receive(conn: socket.socket, deadline: float | None = None):
    """The next message on ``conn``; EOFError if it closes first, TimeoutError if the
    ``deadline`` (of :func:`time.monotonic`) passes first."""
    (length,) = _LENGTH.unpack(_read(conn, _LENGTH.size, deadline))
    return pickle.loads(_read(conn, length, deadline))


def _read(conn: socket.socket, size: int, deadline: float | None = None) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    done = 0
    while done < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            conn.settimeout(remaining)
        received = conn.recv_into(view[done:])
        if not received:
            raise EOFError
        done += received
    return buffer


def result_graph(result: Result) -> Graph:
    """The graph of a CONSTRUCT or DESCRIBE result."""
    if result.graph is None:  # rdflib gives every CONSTRUCT and DESCRIBE result one
        raise QueryFailed(f"the {result.type} query gave no graph")
    return result.graph


def _serialized(result: Result, fmt: str) -> bytes:
    """A SELECT or ASK result in rdflib's serializer ``fmt``."""
    data = result.serialize(format=fmt)
    if data is None:  # rdflib returns None only when given a destination to write to
        raise QueryFailed(f"rdflib did not serialize the result as {fmt}")
    return data


def format_result(result: Result, fmt: str, names=None) -> bytes:
    """SELECT and ASK as a table, CSV, TSV, or SPARQL 1.1 Query Results JSON or XML;
    CONSTRUCT and DESCRIBE as Turtle, whatever ``fmt`` says."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        from svrdf.forms import graph_bytes  # the one Turtle writer of every form

        return graph_bytes(result_graph(result), "turtle")
    if fmt == "json":
        return _serialized(result, "json") + b"\n"
    if fmt == "xml":
        return _xml_results(result)
    if result.type == "ASK":
        return (("true" if result.askAnswer else "false") + "\n").encode()
    if result.vars is None:  # rdflib gives every SELECT result its variables
        raise QueryFailed("the SELECT query gave no variables")
    variables = [str(v) for v in result.vars]
    # A SELECT result's rows are all ResultRows (an ASK's is a bool, a graph's are triples).
    rows = [[row[v] for v in result.vars] for row in result if isinstance(row, ResultRow)]
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
        if not isinstance(row, ResultRow):  # not reached: a SELECT result's rows are all ResultRows
            continue
        for term in row:
            found = _NOT_IN_XML.search(str(term)) if term is not None else None
            if found:
                raise QueryError(f"a value of the result holds U+{ord(found.group()):04X}, which "
                                 "XML cannot hold; ask for the JSON results instead")
    return _serialized(result, "xml")


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
    return text if number else spreadsheet_text(text)


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
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    count = f"({len(rows)} row{'s' * (len(rows) != 1)})"
    return "\n".join([line(header), rule, *(line(r) for r in rows), count]) + "\n"
