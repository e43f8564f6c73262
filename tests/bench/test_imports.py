"""Every benchmark module imports, and every name it imports from storyline exists, including the imports inside
functions (the gate's runs are long and rare: a renamed library function must break a test, not the gate)."""

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
MODULES = sorted(p for p in BENCH.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_bench_module_imports(path: Path) -> None:
    importlib.import_module(f"bench.{path.stem}")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_names_bench_takes_from_storyline_exist(path: Path) -> None:
    missing = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("storyline") and node.level == 0:
            module = importlib.import_module(node.module)
            missing += [f"{node.module}.{a.name} (line {node.lineno})" for a in node.names
                        if not hasattr(module, a.name) and importlib.util.find_spec(f"{node.module}.{a.name}") is None]
    assert not missing, f"bench/{path.name} imports names storyline no longer has: {missing}"
