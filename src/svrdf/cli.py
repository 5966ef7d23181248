"""The ``svrdf`` command: a thin shell over :mod:`svrdf.pipeline` and its neighbours.

Data goes to stdout, messages to stderr. Exit codes: 0 success; 1 the study is invalid;
2 usage error, or input or output that cannot be read or written; 3 a bug. rdflib and pyshacl are
imported inside the commands, so ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import shutil
import signal
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import click

from svrdf import __version__, defaults
from svrdf.errors import InvalidGraphError, Notice, OutputError, PathError, SvrdfError

if TYPE_CHECKING:
    from svrdf.study.builder import ReadOptions

INTERNAL_ERROR = 3

EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  the study is invalid (a SHACL violation, or a value the study files may not hold)
  2  usage error, or a file that cannot be read or written
  3  svrdf itself failed (a bug: set SVRDF_DEBUG=1 for the traceback)
  130, 143  stopped by Ctrl-C or SIGTERM (nothing half-written is left)
  141  the reader of stdout went away (as in `svrdf export | head`)"""


class _ReportedError(click.ClickException):
    """An :class:`SvrdfError` on its way out: one line on stderr, the error's exit code."""

    def __init__(self, error: SvrdfError):
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance

    def show(self, file=None) -> None:
        from svrdf.terminal import printable

        click.echo(f"svrdf: error: {printable(self.format_message())}", err=True)


#: The words of the command line (click shares ``meta`` with every context of a run), and
#: whether a refusal was already written as JSON, once, though it passes through every group.
_ARGS, _JSON_WRITTEN = "svrdf.args", "svrdf.json-written"


def _json_in(args: list[str]) -> bool:
    """Whether a command line asks for JSON (--json, --format json): read from its words, so
    that a refusal made before click has read the options (an unknown one) is JSON too."""
    return "--json" in args or "--format=json" in args or "-fjson" in args or any(
        word in ("--format", "-f") and following == "json" for word, following in itertools.pairwise(args))


def _echo_json_refusal(ctx: click.Context, message: str, exit_code: int) -> None:
    if _json_in(ctx.meta.get(_ARGS, [])) and not ctx.meta.get(_JSON_WRITTEN):
        import json

        ctx.meta[_JSON_WRITTEN] = True
        click.echo(json.dumps({"error": message, "exit_code": exit_code}, ensure_ascii=False))


class _Group(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(_ARGS, list(args))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InvalidGraphError as error:
            _echo_report(error.report)
            _echo_json_refusal(ctx, str(error), error.exit_code)
            raise _ReportedError(error) from None
        except SvrdfError as error:
            _echo_json_refusal(ctx, str(error), error.exit_code)
            raise _ReportedError(error) from None
        except click.exceptions.ClickException as error:
            _echo_json_refusal(ctx, error.format_message(), error.exit_code)
            raise  # click reports it itself
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise  # click reports these itself
        except BrokenPipeError:
            # The reader went away (`svrdf export | head`): quietly, with the status of a
            # process a shell saw stopped by SIGPIPE, not 1, which means an invalid study.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush into the closed pipe
            sys.exit(128 + signal.SIGPIPE)
        except KeyboardInterrupt:
            # Every open output's cleanup has run on the way here; 130 is a shell's status for
            # a command stopped by Ctrl-C (click's own would be 1, which means an invalid study).
            click.echo("svrdf: interrupted; no output was left half-written", err=True)
            sys.exit(128 + signal.SIGINT)
        except Exception as error:
            if isinstance(error, OSError) and error.filename is not None:
                # A path the system refuses (too long, in a loop of links, not permitted)
                # wherever it is first touched: a file that cannot be read or written.
                raise _ReportedError(PathError(error)) from None
            if os.environ.get("SVRDF_DEBUG"):
                raise
            from svrdf.terminal import printable

            click.echo(f"svrdf: internal error: {type(error).__name__}: {printable(str(error))} (this is a bug in "
                       "svrdf; set SVRDF_DEBUG=1 to see the traceback)", err=True)
            sys.exit(INTERNAL_ERROR)


@click.group(cls=_Group, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", "-V", prog_name="svrdf")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn a qualitative research study into validated linked data.

    A study is a folder with study.yaml and participants.csv; without --study, svrdf uses the
    bundled ORDO study. Run 'svrdf COMMAND --help' for each command.
    """
    # svrdf's notices (errors.Notice) as one line each on stderr, once per run.
    ctx.with_resource(warnings.catch_warnings())
    warnings.simplefilter("default", Notice)
    shown = warnings.showwarning

    def show(message, category, *args, **kwargs):
        if not issubclass(category, Notice):
            return shown(message, category, *args, **kwargs)
        from svrdf.terminal import printable

        click.echo(f"svrdf: note: {printable(str(message))}", err=True)
    warnings.showwarning = show


def study_option(command):
    return click.option(
        "--study", "study_dir", type=click.Path(path_type=Path), default=None,
        metavar="DIR", help="Study folder (study.yaml + participants.csv). Default: the bundled study.",
    )(command)


def drop_column_option(command):
    return click.option(
        "--drop-column", "drop_columns", multiple=True, metavar="NAME",
        help="Leave this column of participants.csv (and people.csv) unread (repeatable). The "
             "only way past a column of direct identifiers such as 'email'.",
    )(command)


def generalise_option(command):
    return click.option(
        "--generalise", "generalisations", multiple=True, metavar="ATTRIBUTE:VALUE=BROADER",
        help="Publish VALUE of ATTRIBUTE (role, sector or gender) as BROADER (repeatable), "
             "as 'generalise' under study.yaml's 'disclosure' does, in place of its entry for "
             "VALUE: 'role:Director (Charity)=Director', 'sector:VSO=LA'.",
    )(command)


def read_options(drop_columns: tuple[str, ...], generalisations: tuple[str, ...]) -> ReadOptions:
    """How the study is to be read, from --drop-column and --generalise."""
    from svrdf.errors import UsageError, quoted
    from svrdf.study.builder import ReadOptions
    from svrdf.study.model import GENERALISABLE, Generalisation

    rules = []
    for spec in generalisations:
        attribute, colon, rest = spec.partition(":")
        value, equals, broader = rest.partition("=")
        if not (colon and equals and value.strip() and broader.strip()) or attribute.strip() not in GENERALISABLE:
            raise UsageError(f"--generalise {quoted(spec)}: expected ATTRIBUTE:VALUE=BROADER, the attribute "
                             f"one of {', '.join(GENERALISABLE)} (e.g. 'role:Director (Charity)=Director')")
        rules.append(Generalisation(attribute.strip(), value.strip(), broader.strip()))
    return ReadOptions(tuple(drop_columns), tuple(rules))


def quiet_option(command):
    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress and no notes of what was written; warnings and "
                             "errors are still printed.")(command)


class _Progress:
    """Progress on stderr, only when it is a terminal and --quiet is not given: the current
    step of one study, or a bar over several."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.shown = not quiet and sys.stderr.isatty()
        self._bar: Any = None  # click's progress bar, made at the second study

    def step(self, name: str) -> None:
        if self.shown:
            click.echo(f"\rsvrdf: {name}...\033[K", err=True, nl=False)

    def study(self, index: int, total: int, directory: Path) -> None:
        if not self.shown or total < 2:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="svrdf: exporting study",
                                          file=sys.stderr, show_pos=True, show_eta=True)
        self._bar.update(index - self._bar.pos, current_item=directory.name)

    def clear_line(self) -> None:
        """Make room for a message; the bar draws itself again at the next study."""
        if self._bar is not None:
            click.echo("\r\033[K", err=True, nl=False)

    def done(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()
        elif self.shown:
            click.echo("\r\033[K", err=True, nl=False)

    def report(self, report) -> None:
        if report.results:
            self.clear_line()
            _echo_report(report)

    def note(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


def catalog_option(command):
    return click.option(
        "--catalog", "catalog_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
        help="A catalog.yaml (title, description, publisher, homepage) describing the DCAT "
             "catalogue of the studies. Default: svrdf's, published by the studies' shared "
             "publisher.")(command)


def strict_option(command):
    return click.option("--strict", is_flag=True,
                        help="Treat warnings as failures (exit 1).")(command)


def _study_dir(study_dir: Path | None) -> Path:
    from svrdf.resources import bundled_study_dir

    return study_dir if study_dir is not None else bundled_study_dir()


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--study", "study_dirs", type=click.Path(path_type=Path), multiple=True,
              metavar="DIR", help="Study folder (study.yaml + participants.csv); repeatable with "
                                  "nquads and trig. Default: the bundled study.")
@click.option("--format", "-f", "format_name", metavar="FORMAT", default=None,
              help="turtle (ttl), json-ld (jsonld), nt (ntriples), dcat, dcat-json-ld, datacite, "
                   "ro-crate, html; all (with --out-dir); nquads or trig for several studies. "
                   "Default: from the -o suffix, else turtle.")
@click.option("--output", "-o", metavar="FILE", default=None,
              help="Write to FILE (atomically); '-' or nothing writes to stdout.")
@click.option("--out-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="Write each format under its bundle name (study.ttl, ...) in DIR.")
@click.option("--no-validate", is_flag=True,
              help="Skip SHACL validation. The output may then be invalid or disclose data.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="N", help="With nquads or trig: make N studies at a time, each in a process "
                                "of its own. The output is the same as with one.")
@click.option("--ddi-version", type=click.Choice(["2.5", "2.6"]), default=None,
              help="With --format ddi: the DDI-Codebook version (default 2.5, which the CESSDA "
                   "Data Catalogue harvests).")
@click.option("--publish-attributes", metavar="LIST",
              help="Publish only these attributes of each participant (of role, sector, gender, "
                   "case, separated by commas; the phase is always published); the others' columns "
                   "are left unread, as --drop-column would, and what study.yaml's disclosure "
                   "withholds stays withheld. What 'svrdf risk' suggests.")
@click.option("--timestamp", is_flag=True,
              help="With --format all: state in prov.ttl when the export ran (otherwise it holds "
                   "no time, so that the same inputs give the same bytes).")
@catalog_option
@strict_option
@drop_column_option
@generalise_option
@quiet_option
def export(study_dirs: tuple[Path, ...], format_name: str | None, output: str | None,
           out_dir: Path | None, jobs: int, no_validate: bool, ddi_version: str | None,
           publish_attributes: str | None, timestamp: bool, catalog_file: Path | None, strict: bool,
           drop_columns: tuple[str, ...], generalisations: tuple[str, ...], quiet: bool) -> None:
    """Validate a study and write its RDF graph, or another of its forms.

    The graph is checked against svrdf's SHACL shapes first. Warnings are printed on stderr
    and the graph is written; a violation (or, with --strict, a warning) prints the report,
    writes nothing, and exits 1. With --format nquads or trig, several studies go into one
    file, each its own named graph, with a DCAT catalogue of them all.

    \b
    Examples:
      svrdf export --format turtle
      svrdf export --format json-ld -o study.jsonld
      svrdf export --study path/to/my-study --format nt -o out.nt
      svrdf export --format all --out-dir output/
      svrdf export --study a --study b --format nquads -o studies.nq
      svrdf export --study a --study b --study c --format nquads --jobs 2 -o studies.nq
      svrdf export --study a --study b --format trig --catalog catalog.yaml -o studies.trig
      svrdf export --format ddi --ddi-version 2.6 -o ddi.xml
    """
    from svrdf import pipeline
    from svrdf.forms import get_format
    from svrdf.study.model import ATTRIBUTES, WITHHOLDABLE

    if publish_attributes is not None:
        kept = {a.strip() for a in publish_attributes.split(",") if a.strip()}
        if kept - set(ATTRIBUTES):
            raise click.UsageError(f"--publish-attributes: expected some of {', '.join(WITHHOLDABLE)}, "
                                   f"got {', '.join(sorted(kept - set(ATTRIBUTES)))}")
        drop_columns = (*drop_columns, *(a for a in WITHHOLDABLE if a not in kept))
    if ddi_version is not None:
        try:
            asked = get_format(format_name or "").name
        except KeyError:
            asked = None
        if asked not in ("ddi", "ddi-2.6"):
            raise click.UsageError("--ddi-version goes with --format ddi")
        format_name = "ddi-2.6" if ddi_version == "2.6" else "ddi"

    if no_validate:
        click.echo("svrdf: WARNING: --no-validate: the graph is NOT checked against the shapes; "
                   "it may be invalid or disclose personal data.", err=True)
    progress = _Progress(quiet)
    try:
        notes = pipeline.export(list(study_dirs), format_name, output, out_dir, not no_validate, strict,
                                read_options(drop_columns, generalisations), progress, None, jobs,
                                catalog_file, timestamp)
    finally:
        progress.done()
    if output in (None, "-") and out_dir is None:
        sys.stdout.buffer.flush()
    for note in notes:
        progress.note(note)


@cli.command(epilog=EXIT_CODES_HELP)
@study_option
@click.option("--format", "-f", "report_format", type=click.Choice(["text", "json", "turtle"]),
              default="text", show_default=True,
              help="text for people (on stderr); json for scripts and turtle for the standard "
                   "sh:ValidationReport (both on stdout).")
@strict_option
@drop_column_option
@generalise_option
def validate(study_dir: Path | None, report_format: str, strict: bool,
             drop_columns: tuple[str, ...], generalisations: tuple[str, ...]) -> None:
    """Check a study against svrdf's SHACL shapes and report every result.

    Each result names the input file and the line, row or key, and the field that produced
    it, as well as the SHACL focus node, path and shape. Exits 0 when the study conforms
    (warnings allowed unless --strict) and 1 when it does not.

    \b
    Examples:
      svrdf validate
      svrdf validate --study path/to/my-study --format json > report.json
      svrdf validate --strict
    """
    from svrdf.pipeline import check_study

    directory = _study_dir(study_dir)
    report = check_study(directory, read_options(drop_columns, generalisations))
    if report_format == "json":
        click.echo(report.to_json(), nl=False)
    elif report_format == "turtle":
        click.echo(report.to_turtle(), nl=False)
    else:
        _echo_report(report)
    failed = not report.conforms or (strict and report.results)
    click.echo(f"{directory}: {'INVALID' if failed else 'valid'} ({report.summary()})", err=True)
    if failed:
        sys.exit(1)


@cli.command(epilog=EXIT_CODES_HELP)
@study_option
@click.option("--format", "-f", "report_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="The report's form, on stdout.")
def fair(study_dir: Path | None, report_format: str) -> None:
    """Score the study's bundle against F-UJI's FAIR metrics, offline.

    Each metric that can be judged without the network (F1 identifier, F2 core metadata, F3
    data identifiers, F4 searchable metadata, A1 access level, I1 formal representation, I2
    vocabularies, I3 links, R1.1 licence, R1.2 provenance, R1.3 community standards) is
    passed or failed with its test, what is missing and the study.yaml key that fills it.
    Exits 0 whatever the score: a report, not a check.

    \b
    Examples:
      svrdf fair
      svrdf fair --study path/to/my-study --format json
    """
    import json

    from svrdf.services.fair import fair_scores, to_json, to_text
    from svrdf.study.builder import load_study

    directory = _study_dir(study_dir)
    scores = fair_scores(load_study(directory))
    click.echo(json.dumps(to_json(scores), ensure_ascii=False, indent=2) if report_format == "json"
               else to_text(scores), nl=report_format == "json")
    click.echo(f"{directory}: {sum(s.passed for s in scores)} of {len(scores)} metrics met", err=True)


@cli.command(epilog=EXIT_CODES_HELP)
@study_option
@click.option("--k", "k", type=click.IntRange(min=1), default=3, show_default=True,
              help="The fewest people who may share a combination of published values.")
@click.option("--attributes", default=None, metavar="LIST",
              help="The attributes the study publishes of each participant, separated by commas "
                   "(of role, sector, gender, case, phase). Default: role, sector, gender and case, "
                   "less those the study withholds (study.yaml's disclosure).")
@click.option("--format", "-f", "report_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="The report's form, on stdout.")
@drop_column_option
@generalise_option
def risk(study_dir: Path | None, k: int, attributes: str | None, report_format: str,
         drop_columns: tuple[str, ...], generalisations: tuple[str, ...]) -> None:
    """Find the participants whom the published attributes could single out.

    Every combination of the attributes that fewer than K people share is reported with its
    people's codes, the rows that give their values, and what would fix it: an attribute to
    withhold ('svrdf export --publish-attributes', or 'withhold' under study.yaml's
    'disclosure'), or values to generalise ('generalise' under 'disclosure', or --generalise
    to try one first). The study is seen as it is published, its disclosure choices applied.
    Roles are compared normalised, and a role fewer than K people have is listed on its own.
    Exits 1 when a combination is shared by fewer than K people.

    \b
    Examples:
      svrdf risk
      svrdf risk --study path/to/my-study --k 5 --attributes role,sector,gender
      svrdf risk --format json > risk.json
      svrdf risk --attributes sector,gender --generalise sector:VSO=LA
    """
    import json

    from svrdf.services.risk import disclosure_risk
    from svrdf.study.builder import load_study

    directory = _study_dir(study_dir)
    chosen = None if attributes is None else tuple(a.strip() for a in attributes.split(",") if a.strip())
    report = disclosure_risk(load_study(directory, read_options(drop_columns, generalisations)), k, chosen)
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if report_format == "json"
               else report.to_text(), nl=report_format == "json")
    groups = len(report.groups)
    click.echo(f"{directory}: {groups} combination{'' if groups == 1 else 's'} shared by fewer than {k} "
               f"people" if groups else f"{directory}: every combination is shared by {k} or more people",
               err=True)
    if report.at_risk:
        sys.exit(1)


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--study", "study_dirs", type=click.Path(path_type=Path), multiple=True,
              metavar="DIR", help="A study folder (repeatable). Default: the bundled study.")
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Read the query from FILE (e.g. q.rq).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--format", "-f", "result_format", type=click.Choice(defaults.RESULT_FORMATS),
              default="table", show_default=True,
              help="For SELECT and ASK; CONSTRUCT and DESCRIBE always give Turtle.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=defaults.QUERY_TIMEOUT,
              show_default=True, help="Stop the query after this many seconds (exit 2).")
@click.argument("query_text", metavar="[QUERY | NAME]", required=False)
def query(study_dirs: tuple[Path, ...], query_file: Path | None, list_queries: bool,
          result_format: str, timeout: float, query_text: str | None) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) over one or more studies.

    QUERY is SPARQL text, or the NAME of a query that ships with svrdf (see --list). Queries
    are read-only and offline: updates, SERVICE and FROM are refused, and a syntax error is
    reported with its line and column. A query that is refused, fails, or runs past --timeout
    exits 2: the query could not be answered, whatever the study. CSV and TSV put a ' before
    any value a spreadsheet would run as a formula (=, +, -, @); the table escapes control
    characters.

    \b
    Examples:
      svrdf query --list
      svrdf query people-per-case
      svrdf query --format csv 'SELECT ?code WHERE { ?p <http://schema.org/identifier> ?code }'
      svrdf query --study a --study b --file q.rq --format json
    """
    from svrdf.services.query import (
        QueryTimeout,
        format_result,
        named_queries,
        prepare,
        resolve_query,
        run_query,
        union_graph,
    )

    if list_queries:
        if query_text is not None or query_file is not None:
            raise click.UsageError("--list takes no query")
        for named in named_queries().values():
            click.echo(f"{named.name:22} {named.description}")
        return
    if (query_text is None) == (query_file is None):
        raise click.UsageError("give a query (text or a NAME from --list), or --file FILE")
    if query_file is not None:
        try:
            query_text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"cannot read {query_file}: {exc}", param_hint="'--file'") from None
    from svrdf.pipeline import load_checked

    prepared = prepare(resolve_query(query_text or ""))
    graphs = {export.study.base_iri: export.graph
              for export in load_checked(study_dirs or (_study_dir(None),), validate=False)}
    names = next(iter(graphs.values())).namespace_manager
    try:
        output = run_query(union_graph(graphs), prepared,
                           lambda result: format_result(result, result_format, names), timeout)
    except QueryTimeout as error:
        raise QueryTimeout(f"{error} (raise the limit with --timeout)") from None
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--study", "study_dirs", type=click.Path(path_type=Path), multiple=True,
              metavar="DIR", help="A study folder (repeatable). Default: the bundled study.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--base-url", metavar="URL",
              help="The server's root as clients reach it (https://data.example.org/ behind a "
                   "proxy); every absolute URL in an answer starts with it, never with the "
                   "request's Host header. Default: http://HOST:PORT/ of the address it listens on.")
@click.option("--query-timeout", type=click.FloatRange(min=0.1),
              default=defaults.SERVE_QUERY_TIMEOUT, show_default=True,
              help="Seconds a SPARQL query may run before it is stopped (503).")
@click.option("--max-results", type=click.IntRange(min=1), default=defaults.SERVE_MAX_RESULTS,
              show_default=True,
              help="Most rows (or triples) a SPARQL answer may have (else 400).")
@click.option("--max-body", type=click.IntRange(min=1), default=defaults.SERVE_MAX_BODY,
              show_default=True,
              help="Most bytes a request may send (else 413, before the rest is read).")
@click.option("--max-queries", type=click.IntRange(min=1), default=defaults.SERVE_MAX_QUERIES,
              show_default=True,
              help="SPARQL queries run at once, each in a process of its own; more get 503 with "
                   "Retry-After, not a place in a queue. Default: one per CPU.")
@click.option("--query-memory", type=click.IntRange(min=1), default=defaults.SERVE_QUERY_MEMORY,
              show_default=True, metavar="MB",
              help="Memory each query's process may take beyond the server's own, in MB (Linux); "
                   "a query that needs more is stopped (503).")
@catalog_option
def serve(study_dirs: tuple[Path, ...], host: str, port: int, base_url: str | None,
          query_timeout: float, max_results: int, max_body: int, max_queries: int,
          query_memory: int, catalog_file: Path | None) -> None:
    """Serve studies as read-only linked data, with a SPARQL endpoint.

    Every IRI svrdf mints under a study's base IRI resolves at the same path on this server,
    by content negotiation, to Turtle, JSON-LD, N-Triples or the landing page (with FAIR
    Signposting Link headers). /sparql is a SPARQL 1.1 Protocol endpoint (GET and POST;
    updates get 403), /catalog a DCAT catalogue of the studies, /health a liveness check.
    One log line per request; SIGTERM shuts down gracefully.

    \b
    Examples:
      svrdf serve
      svrdf serve --study a --study b --port 9000
      svrdf serve --host 0.0.0.0 --base-url https://data.example.org/
      curl -H 'Accept: text/turtle' http://127.0.0.1:8080/svrdf/studies/ordo-17147720/participant/IP8
    """
    import socket

    import uvicorn

    from svrdf.services.server import Limits, create_app, listening_url
    from svrdf.study.builder import load_catalog

    catalog = load_catalog(catalog_file) if catalog_file is not None else None

    # Bound here, not by uvicorn, so that the port (picked by the system for --port 0) is known
    # for the default base URL, and a port in use is reported before anything is announced.
    try:
        listener = socket.create_server(
            (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    with listener:
        port = listener.getsockname()[1]
        limits = Limits(query_timeout, max_results, max_body, max_queries, query_memory)
        app = create_app(list(study_dirs) or [_study_dir(None)],
                         base_url or listening_url(host, port), limits, catalog)
        click.echo(f"svrdf: serving on {listening_url(host, port)} (Ctrl-C or SIGTERM to stop)",
                   err=True)
        # uvicorn logs requests to stdout by default; a server's log is messages, so stderr.
        log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
        log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
        config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=True,
                                log_config=log_config)
        # uvicorn shuts down gracefully on SIGTERM and then raises it again; the export's
        # handler, which speaks of half-written output, is not the one to meet it.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        uvicorn.Server(config).run(sockets=[listener])


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's SPARQL 1.1 Graph Store Protocol endpoint, e.g. "
                   "http://localhost:7878/store (Oxigraph) or http://localhost:3030/ds/data (Fuseki).")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="Named graph to load into (one study only). Default: the study's base IRI.")
@click.option("--study", "study_dirs", type=click.Path(path_type=Path), multiple=True,
              metavar="DIR", help="A study folder (repeatable). Default: the bundled study.")
@click.option("--no-validate", is_flag=True,
              help="Publish without SHACL validation. The store may then hold an invalid graph.")
@click.option("--retries", type=click.IntRange(0, 10), default=4, show_default=True,
              help="Tries again after a transient failure, waiting 0.5 s, then twice as long each time.")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), default=300,
              show_default=True, metavar="SECONDS",
              help="Longest one request may take, from connecting to the last byte of the "
                   "answer; a request that overruns it is a transient failure.")
def publish(endpoint: str, graph_iri: str | None, study_dirs: tuple[Path, ...],
            no_validate: bool, retries: int, deadline: float) -> None:
    """Load each study's graph into a triplestore, one named graph per study.

    Uses HTTP PUT (SPARQL 1.1 Graph Store Protocol), so running it again replaces the graph
    instead of duplicating it. Transient failures are retried with backoff, a bounded number of
    times; after the load svrdf reads the graph back and checks the triple count. Credentials
    come from the URL's user:password@, else SVRDF_PUBLISH_USER and SVRDF_PUBLISH_PASSWORD,
    else ~/.netrc; the last two keep the password out of the process list. Messages never show
    them.

    \b
    Examples:
      svrdf publish --endpoint http://localhost:7878/store
      svrdf publish --endpoint http://localhost:3030/ds/data --study a --study b
    """
    from svrdf.pipeline import load_checked
    from svrdf.services.publish import Endpoint, publish_graph
    from svrdf.terminal import printable

    store = Endpoint.parse(endpoint)
    directories = list(study_dirs) or [_study_dir(None)]
    if graph_iri is not None and len(directories) > 1:
        raise click.UsageError("--graph names one graph: give it with one --study only")
    if no_validate:
        click.echo("svrdf: WARNING: --no-validate: the graphs are NOT checked before publishing.",
                   err=True)
    # Every study is read, its base IRI claimed and its graph checked before anything is sent.
    loaded = list(load_checked(directories, validate=not no_validate,
                               refusal="nothing was published"))
    for export in loaded:
        target = graph_iri or export.study.base_iri
        # publish_graph's log lines come redacted and escaped.
        result = publish_graph(store, target, export.graph, retries=retries, deadline=deadline,
                               log=lambda message: click.echo(f"svrdf: {message}", err=True))
        click.echo(printable(f"published <{result.graph}> to <{store}>: {result.sent} triples "
                             f"sent, {result.stored} in the store"), err=True)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create DIRECTORY with an editable copy of the bundled study to start from.

    \b
    Example:
      svrdf init my-study && svrdf validate --study my-study
    """
    from svrdf.resources import bundled_study_dir, schema_file
    from svrdf.study.reader import PARTICIPANTS_FILE, STUDY_FILE
    from svrdf.study.schemas import STUDY_SCHEMA

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise OutputError(f"{directory} already exists and is not an empty folder; "
                          "svrdf init never overwrites files")
    if not directory.parent.is_dir():
        raise OutputError(f"cannot create {directory}: the folder {directory.parent} does not exist")
    # The copy gets a base IRI of its own, so its IRIs never collide with the bundled study's.
    base = f"https://example.org/studies/{quote(directory.resolve().name, safe='')}/"
    study_text = re.sub(r"(?m)^base-iri: .*$", f"base-iri: {base}  # replace with your own",
                        (bundled_study_dir() / STUDY_FILE).read_text(encoding="utf-8"), count=1)
    # Copied, not a file URI into the install, which breaks when moved and leaks a home path.
    # The modeline takes the place of the blank line under the opening comment, so every key
    # keeps the line number that messages (and the README's example) give for it.
    study_text = (f"# yaml-language-server: $schema={STUDY_SCHEMA}\n"
                  + re.sub(r"\A((?:#.*\n)*)\n", r"\1", study_text, count=1))
    try:
        directory.mkdir(exist_ok=True)
        (directory / STUDY_FILE).write_text(study_text, encoding="utf-8")
        shutil.copyfile(bundled_study_dir() / PARTICIPANTS_FILE, directory / PARTICIPANTS_FILE)
        shutil.copyfile(schema_file(STUDY_SCHEMA), directory / STUDY_SCHEMA)
    except OSError as exc:
        raise OutputError(f"cannot create {directory}: {exc.strerror}") from None
    click.echo(f"created {directory}/ with {STUDY_FILE} and {PARTICIPANTS_FILE}, a copy of the "
               f"bundled study with the base IRI {base}, and {STUDY_SCHEMA}, which editors use "
               f"to complete and check {STUDY_FILE}. Replace its base-iri, title, "
               "identifiers and roster with your study's, then run: "
               f"svrdf validate --study {directory}", err=True)


_IMPORT_SOURCES = {
    "text": "a record's text, as its landing page shows it (the bundled study's seed is one)",
    "figshare": "a Figshare API v2 article (GET /v2/articles/ID), as JSON",
    "datacite": "a DataCite REST API DOI (GET /dois/DOI), as JSON",
    "schemaorg": "a landing page (HTML) with schema.org JSON-LD, or the JSON-LD itself",
    "rdf": "svrdf's own graph (study.ttl, study.nt or study.jsonld, as export writes it)",
}


@cli.group(name="import", cls=_Group, epilog=EXIT_CODES_HELP)
def import_group() -> None:
    """Start a study folder from what a repository already holds.

    Each kind reads a file and writes DIRECTORY/study.yaml, participants.csv (the roster, read
    from the record's text or description) and import-report.md, which lists every line the
    import read with less than certainty and every field it left out. The same list goes to
    stderr, and the new study is validated. Nothing is fetched unless --id or --doi asks for it.

    \b
    Examples:
      svrdf import text record.txt my-study
      svrdf import figshare article.json my-study
      svrdf import figshare --id 17147720 my-study      (fetches from Figshare's API)
      svrdf import datacite --doi 10.21954/ou.rd.17147720 my-study
      svrdf import schemaorg page.html my-study --merge
      svrdf import rdf output/study.ttl my-study        (svrdf's graph back to a folder)
    """


def _import_command(kind: str, fetch_option: str | None):
    """The ``svrdf import KIND`` command."""

    def run(paths: tuple[Path, ...], merge: bool, base_iri: str | None, as_json: bool,
            identifier: str | None = None, api: str | None = None, timeout: float = 30.0) -> None:
        import json

        from svrdf.imports import import_study, read_source, write_study_folder
        from svrdf.imports.fetch import fetch, record_url
        from svrdf.pipeline import check_study
        from svrdf.terminal import printable

        wanted = 1 if identifier is not None else 2
        if len(paths) != wanted:
            raise click.UsageError(f"with {fetch_option}, give DIRECTORY only" if identifier is not None
                                   else "give SOURCE (the record's file) and DIRECTORY"
                                   + (f", or {fetch_option} ID and DIRECTORY" if fetch_option else ""))
        *sources, directory = paths
        source = sources[0] if sources else None
        if identifier is not None:
            url = record_url(kind, identifier, api)
            click.echo(f"svrdf: fetching {url}", err=True)
            result = write_study_folder(read_source(kind, fetch(url, timeout), url), directory,
                                        base_iri, merge)
        else:
            assert source is not None
            result = import_study(kind, source, directory, base_iri, merge)
        for note in result.notes:
            where = f"line {note.line}: " if note.line else ""
            click.echo(printable(f"svrdf: import: {where}{note.what}"), err=True)
        wrote = (f"svrdf: wrote {', '.join(result.files)} in {directory} ({result.participants} "
                 f"participant rows, {len(result.notes)} notes)")
        try:
            report = check_study(directory)
        except SvrdfError as error:  # the study does not load yet: what to fill in, located
            click.echo(f"{wrote}; the study is not valid yet: {printable(str(error))}", err=True)
            if as_json:
                click.echo(json.dumps({"directory": str(directory), "files": list(result.files),
                                       "participants": result.participants, "conforms": False,
                                       "error": str(error)}, ensure_ascii=False, indent=2))
            raise SystemExit(1) from None
        click.echo(f"{wrote}; the study is {'valid' if report.conforms else 'not valid yet'} "
                   f"({report.summary()})", err=True)
        if not report.conforms:
            _echo_report(report)
        if as_json:
            click.echo(json.dumps({"directory": str(directory), "files": list(result.files),
                                   "participants": result.participants, "conforms": report.conforms,
                                   "notes": [{"line": n.line or None, "text": n.text, "note": n.what}
                                             for n in result.notes]}, ensure_ascii=False, indent=2))
        if not report.conforms:
            raise SystemExit(1)

    run.__doc__ = f"""Import SOURCE, {_IMPORT_SOURCES[kind]}, into DIRECTORY.

    DIRECTORY is created; an existing folder with files in it is refused unless --merge is
    given, which adds what the folder lacks and keeps what it has (the report says where the
    two differ). Exit 1 if the imported study does not validate yet (the report says why).
    """
    command = run
    if fetch_option:
        command = click.option("--api", metavar="URL", help="The API's address (default: the public one).")(command)
        command = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                               show_default=True, metavar="SECONDS", help="Longest the fetch may take.")(command)
        command = click.option(fetch_option, "identifier", metavar="ID",
                               help=f"Fetch the record from the API by its {fetch_option[2:]} "
                                    "(the only way import uses the network).")(command)
    command = click.option("--json", "as_json", is_flag=True,
                           help="Print what was written, the notes and the validation outcome as "
                                "JSON on stdout.")(command)
    command = click.option("--base-iri", metavar="IRI",
                           help="The study's base IRI (default: the source's, else a placeholder under "
                                "https://example.org/studies/).")(command)
    command = click.option("--merge", is_flag=True,
                           help="Fill in what DIRECTORY lacks; never overwrite what it has.")(command)
    command = click.argument("paths", nargs=-1, type=click.Path(path_type=Path),
                             metavar="SOURCE DIRECTORY" if fetch_option is None else "[SOURCE] DIRECTORY")(command)
    return import_group.command(name=kind, epilog=EXIT_CODES_HELP)(command)


for _kind, _fetch_option in (("text", None), ("figshare", "--id"), ("datacite", "--doi"), ("schemaorg", None),
                              ("rdf", None)):
    _import_command(_kind, _fetch_option)


def _echo_report(report) -> None:
    from svrdf.terminal import printable

    click.echo(printable(report.to_text()), err=True, nl=False)


def _stop_on_sigterm(signum: int, frame) -> None:
    # As an exception, so that every open output's cleanup runs (no temporary file is left)
    # before the process ends with the usual status of a process stopped by SIGTERM.
    click.echo("svrdf: stopped by SIGTERM; no output was left half-written", err=True)
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `serve` puts uvicorn's own in its place
    cli(prog_name="svrdf")


if __name__ == "__main__":
    main()
