"""Stage 5: the forms a study is written in, one module each, each registering itself in
:mod:`~svrdf.forms.registry` (its name, file name, media type and writer).

A new form is a module here with a writer and its ``@register`` line, and an import below: the
registry drives ``--format``, the bundle of ``--format all``, the landing page's links and the
README's table. The order of the imports is the order of the forms in a bundle. Callers import
from this package, which holds every form once it is imported.
"""

from svrdf.forms import rdf_syntax, jsonld, dcat, datacite, ddi, datalist, rocrate, signposting, landing_page  # noqa: F401, I001
from svrdf.forms.graph import graph_bytes, write_graph
from svrdf.forms.registry import (
    DATASET_FORMATS,
    FORMATS,
    DatasetFormat,
    OutputFormat,
    available_formats,
    bundle_formats,
    format_for_path,
    get_dataset_format,
    get_format,
)

__all__ = [
    "DATASET_FORMATS",
    "FORMATS",
    "DatasetFormat",
    "OutputFormat",
    "available_formats",
    "bundle_formats",
    "format_for_path",
    "get_dataset_format",
    "get_format",
    "graph_bytes",
    "write_graph",
]
