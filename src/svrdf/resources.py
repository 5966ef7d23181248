"""Where svrdf's own files are: ontology, vocabularies, shapes, schemas, JSON-LD context and
the bundled study.

In a wheel, ``ontology/``, ``shapes/`` and ``schemas/`` are copied into the package as ``_resources/``; in a
source checkout (or an editable install) they are read from the top of the repository, so there
is one copy of each, the one curators edit.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent

BUNDLED_STUDY_NAME = "ordo-17147720"


def _resource_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_resources" / name, _CHECKOUT_ROOT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"svrdf is installed without its {name}/ folder")


def ontology_dir() -> Path:
    return _resource_dir("ontology")


def shapes_dir() -> Path:
    return _resource_dir("shapes")


def schemas_dir() -> Path:
    return _resource_dir("schemas")


def schema_file(name: str) -> Path:
    return schemas_dir() / name


def vocabulary_file(name: str) -> Path:
    """A controlled vocabulary svrdf maps to (DDI, COAR, licences), as a CSV table."""
    return ontology_dir() / "vocabularies" / f"{name}.csv"


def ontology_file() -> Path:
    return ontology_dir() / "svrdf.ttl"


def jsonld_context_file(name: str = "svrdf") -> Path:
    return ontology_dir() / f"{name}-context.jsonld"


def shape_files() -> list[Path]:
    return sorted(shapes_dir().glob("*.ttl"))


def bundled_study_dir() -> Path:
    return _PACKAGE_DIR / "studies" / BUNDLED_STUDY_NAME
