"""What runs on a built study: SPARQL queries (``query``), an HTTP server of its graph and
forms (``server``) and publishing to a SPARQL store (``publish``)."""
