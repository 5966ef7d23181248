"""svrdf: a qualitative research study in, a validated linked-data graph out.

The pipeline, one module a stage: :mod:`~svrdf.reader` (files to located raw data),
:mod:`~svrdf.builder` (raw data to the typed :mod:`~svrdf.model`), :mod:`~svrdf.mapping`
(model to triples), :mod:`~svrdf.validation` (SHACL) and :mod:`~svrdf.formats` (writers);
:mod:`~svrdf.pipeline` chains them. The names below are imported on first use, so that
``import svrdf`` stays light.
"""

from __future__ import annotations

from importlib import import_module

# The one place the version is written: pyproject.toml reads it from here. (Asking
# importlib.metadata instead costs 90 ms on every start, --help and --version included.)
__version__ = "0.1.0"

_PUBLIC = {
    "read_study": "reader",
    "build_study": "builder",
    "load_study": "builder",
    "triples": "mapping",
    "build_graph": "mapping",
    "validate": "validation",
    "FORMATS": "formats",
    "get_format": "formats",
    "write_atomically": "formats",
    "atomic_output": "formats",
    "export_study": "pipeline",
    "write_forms": "pipeline",
    "study_graph": "pipeline",
    "SvrdfError": "errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'svrdf' has no attribute {name!r}")
