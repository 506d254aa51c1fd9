"""The shape of the code: no import cycles, imports only go down the layers, no module over ~400
lines, each module says what it owns. Read from the source (every import, also those inside a
function), so a cycle hidden in a late import is found too."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
MAX_LINES = 420  # "about 400"


def _name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(APP.rglob("*.py"))}


def _target(module: str, name: str | None) -> str | None:
    """The app module an import statement loads: `from a.b import c` loads a.b.c when that is a module."""
    if name and f"{module}.{name}" in MODULES:
        return f"{module}.{name}"
    return module if module in MODULES else None


def imports(module: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Import):
            found |= {t for alias in node.names if (t := _target(alias.name, None))}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {t for alias in node.names if (t := _target(node.module, alias.name))}
    return found - {module}


GRAPH = {m: imports(m) for m in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert imports("app.main") >= {"app.domains", "app.web"}


def test_no_import_cycles():
    assert cycles(GRAPH) == []


# Which layer may import which: router -> service -> model, wired together only by app.domains.
FORBIDDEN = {
    "app.models": ("app.services", "app.routers", "app.domains", "app.demo", "app.web", "app.deps"),
    "app.services": ("app.routers", "app.domains", "app.demo", "app.web", "app.deps", "app.main"),
    "app.routers": ("app.domains", "app.demo", "app.main"),
    "app.demo": ("app.routers", "app.main"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_go_down_the_layers(layer):
    wrong = [f"{m} imports {t}" for m, targets in GRAPH.items() if m.startswith(layer)
             for t in targets if t.startswith(FORBIDDEN[layer])]
    assert wrong == []


def test_no_module_is_a_long_corridor():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_every_module_says_what_it_owns():
    silent = [m for m, p in MODULES.items() if p.read_text().strip() and ast.get_docstring(ast.parse(p.read_text())) is None]
    assert silent == []
