"""The layout shows the pipeline: data flows one way, from the study's files to its forms and
the services on them, and no module imports another that (through any chain) imports it."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "svrdf"
#: Each top-level part of svrdf, in the order data flows: a part may import only from parts of
#: a rank no higher than its own.
RANK = {"errors": 0, "terminal": 0, "defaults": 0, "resources": 0, "study": 1, "rdf": 2,
        "shacl": 3, "forms": 4, "pipeline": 5, "services": 6, "imports": 6, "format_docs": 6, "cli": 7,
        "__main__": 8,
        # The package itself: its version, and its public names imported lazily, by name.
        "svrdf": 0}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path], top_level_only: bool) -> set[str]:
    """The svrdf modules ``path`` imports (at its top level only, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("svrdf"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                names.add(candidate if candidate in modules else node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("svrdf"))
    return names & set(modules)


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def test_every_module_imports_only_from_its_own_stage_or_an_earlier_one():
    modules = _modules()
    backwards = [f"{name} imports {other}" for name, path in modules.items()
                 for other in sorted(_imports(path, modules, top_level_only=False))
                 if RANK[_part(other)] > RANK[_part(name)]]
    assert backwards == []


def test_no_module_imports_itself_through_a_chain():
    modules = _modules()
    graph = {name: _imports(path, modules, top_level_only=True) - {name}
             for name, path in modules.items()}
    # A package imports its own modules to register them; that is not a cycle of its modules.
    graph = {name: {o for o in imports if not (o.startswith(name + "."))} for name, imports in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(name: str, chain: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycles.append(" -> ".join(chain[chain.index(other):] + [other]) if other in chain
                              else f"{name} -> {other}")
            elif other not in state:
                visit(other, [*chain, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_every_import_of_svrdf_is_absolute():
    """The checks above read absolute imports; a relative one (from ..forms import x) would slip
    past them, so there are none."""
    relative = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path in _modules().values()
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert relative == []


def test_the_checks_catch_a_backward_import(tmp_path):
    """The rule is not vacuous: the study stage importing the forms would be caught."""
    modules = _modules()
    bad = tmp_path / "bad.py"
    bad.write_text("from svrdf.forms.registry import FORMATS\n", encoding="utf-8")
    assert "svrdf.forms.registry" in _imports(bad, modules, top_level_only=True)
    assert RANK[_part("svrdf.forms.registry")] > RANK[_part("svrdf.study.builder")]
