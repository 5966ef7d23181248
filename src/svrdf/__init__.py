"""svrdf: a qualitative research study in, a validated linked-data graph out.

The pipeline, one package a stage: :mod:`svrdf.study` (the files read and checked, the typed
model built), :mod:`svrdf.rdf` (the model as triples), :mod:`svrdf.shacl` (validation) and
:mod:`svrdf.forms` (one module a form, each registering itself); :mod:`svrdf.pipeline` chains
them, :mod:`svrdf.services` query, serve and publish the result, and :mod:`svrdf.cli` is the
command line. The names below are imported on first use, so that
``import svrdf`` stays light.
"""

from __future__ import annotations

from importlib import import_module

# The one place the version is written: pyproject.toml reads it from here. (Asking
# importlib.metadata instead costs an import of its own on every start, --help included.)
__version__ = "0.1.0"

_PUBLIC = {
    "read_study": "study.reader",
    "build_study": "study.builder",
    "load_study": "study.builder",
    "triples": "rdf.mapping",
    "build_graph": "rdf.mapping",
    "validate": "shacl.validation",
    "FORMATS": "forms",
    "get_format": "forms",
    "write_atomically": "forms.files",
    "atomic_output": "forms.files",
    "export_study": "pipeline",
    "write_forms": "pipeline",
    "export_studies": "pipeline",
    "load_checked": "pipeline",
    "SvrdfError": "errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'svrdf' has no attribute {name!r}")
