"""Defaults and limits shared by the CLI and the modules behind it. Kept free of svrdf's and
rdflib's imports, so that ``svrdf --help`` can show them quickly (``os`` is loaded already)."""

import os

#: Seconds a query from ``svrdf query`` may run.
QUERY_TIMEOUT = 30.0
#: Result formats ``svrdf query`` writes for SELECT and ASK.
RESULT_FORMATS = ("table", "csv", "tsv", "json")
#: Seconds a query to ``svrdf serve``'s endpoint may run (then 503).
SERVE_QUERY_TIMEOUT = 10.0
#: Rows (or triples) an answer from ``svrdf serve``'s endpoint may have (else 400).
SERVE_MAX_RESULTS = 10_000
#: Bytes a request to ``svrdf serve`` may send (else 413): 1 MiB, ample for any SPARQL query.
SERVE_MAX_BODY = 2**20
#: Queries ``svrdf serve`` runs at once, each in a process of its own (more get 503): one per
#: CPU, as each keeps one busy.
SERVE_MAX_QUERIES = os.cpu_count() or 1
#: Megabytes of memory each of ``svrdf serve``'s query processes may take (then 503).
SERVE_QUERY_MEMORY = 512
