"""The search package's modules import downward only (HOUSE_STYLE), and at module level."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import rogatory.knowledge.search as package

# Lowest first: a module may import only the modules before it.
LAYERS = ("arabic", "analysis", "synonyms", "query", "engine")
PREFIX = "rogatory.knowledge.search."


def _imports(module: str) -> tuple[set[str], set[str]]:
    """The sibling modules ``module`` imports at module level, and those it imports inside
    a function (a local import to dodge a cycle)."""
    tree = ast.parse((Path(package.__file__).parent / f"{module}.py").read_text())
    top: set[str] = set()
    local: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        siblings = {n.removeprefix(PREFIX) for n in names if n.startswith(PREFIX)}
        siblings &= set(LAYERS)
        (top if node in tree.body else local).update(siblings)
    return top, local


@pytest.mark.parametrize("module", LAYERS)
def test_modules_import_only_lower_layers(module: str) -> None:
    """Each module of the search package imports only the modules below it, at module level."""
    top, local = _imports(module)
    assert not local, f"{module} imports {local} inside a function"
    below = set(LAYERS[: LAYERS.index(module)])
    assert top <= below, f"{module} imports {top - below}, not below it"
