"""Defaults and limits shared by the CLI and the modules behind it. Kept free of imports, so
that ``svrdf --help`` can show them without loading rdflib."""

#: Seconds a query from ``svrdf query`` may run.
QUERY_TIMEOUT = 30.0
#: Result formats ``svrdf query`` writes for SELECT and ASK.
RESULT_FORMATS = ("table", "csv", "tsv", "json")
#: Seconds a query to ``svrdf serve``'s endpoint may run (then 503).
SERVE_QUERY_TIMEOUT = 10.0
#: Rows (or triples) an answer from ``svrdf serve``'s endpoint may have (else 400).
SERVE_MAX_RESULTS = 10_000
