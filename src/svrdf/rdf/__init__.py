"""Stage 3: the study model as RDF.

``vocab`` is the one table of namespaces and prefixes; ``mapping`` turns a study into its
triples, each with the input that made it; ``oxigraph_terms`` hands terms between rdflib and
Oxigraph. Nothing here parses a file.
"""
