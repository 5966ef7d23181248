"""Stage 4: check a study's graph against the SHACL shapes in ``shapes/``.

``validation`` is the entry point and traces each result back to the input; ``engine`` is
svrdf's own SHACL Core engine for the shapes it claims (the W3C suite shows which), and
``pyshacl_runner`` runs pyshacl, through its public API, for any other shapes.
"""
