"""The package's layers: imports only go down (no circle among module-level imports), the
estimators reach the kernels only through the engine and the heads, and no module is over 500
lines (docs/architecture.md)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rtrl_river"
ESTIMATORS = {"rtrl_river.regressor", "rtrl_river.classifier", "rtrl_river.forecaster",
              "rtrl_river.base", "rtrl_river.lifecycle"}


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules():
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(name, path, top_level_only):
    """The rtrl_river modules `name` imports (module level only, or everywhere)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("rtrl_river"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name.startswith("rtrl_river"))
    return found


def test_module_level_imports_form_no_circle():
    known = modules()
    graph = {name: {target for target in imported(name, path, True) if target in known
                    and target != name}
             for name, path in known.items()}
    # a package's __init__ importing its own submodules is the package, not a circle
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in graph[node]:
            if state.get(target) == "open":
                cycle = stack[stack.index(target):] + [target]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert len(graph) > 50  # the walk saw the package


def test_estimators_reach_the_kernels_through_the_engine_and_heads():
    known = modules()
    for name in ESTIMATORS:
        reached = imported(name, known[name], top_level_only=False)
        kernels = sorted(t for t in reached if t.startswith("rtrl_river.kernels"))
        assert not kernels, f"{name} imports {kernels}"


def test_no_module_is_over_500_lines():
    long = {name: len(path.read_text().splitlines()) for name, path in modules().items()}
    assert max(long.values()) <= 500, sorted(long.items(), key=lambda item: -item[1])[:3]
