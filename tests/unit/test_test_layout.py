"""Shared test helpers live in helper modules (``tests/helpers/``, ``tests/factories.py``, …):
a test module imports from them, never from another test module.  Importing a test module
imports its tests too (pytest then may collect them twice) and ties one test file's helpers to
another's fate."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every module a file imports, also inside functions, with its line; relative imports are
    resolved against the file's package."""
    package = list(path.relative_to(root.parent).parent.parts)
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.append((node.lineno, module))
            # ``from tests.integration import test_x`` imports the module test_x itself
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return sorted(found)


def imports_of_test_modules(root: Path = TESTS) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for line, module in _imported(path, root):
            if module.split(".")[-1].startswith("test_"):
                found.append(f"{path.relative_to(root.parent)}:{line} imports {module}")
    return sorted(found)


def test_no_test_module_imports_another() -> None:
    assert imports_of_test_modules() == []


def test_the_check_sees_every_way_of_importing_a_test_module(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    (tests / "integration").mkdir(parents=True)
    (tests / "integration" / "test_a.py").write_text(
        "from tests.integration.test_b import helper\n"
        "def test_x() -> None:\n"
        "    from .test_c import other\n"
        "    import tests.unit.test_d\n"
        "from tests.integration import test_e\n"
        "from tests.helpers.pages import csrf_token\n",
        encoding="utf-8",
    )
    found = imports_of_test_modules(tests)
    assert [line.split(" imports ")[1] for line in found] == [
        "tests.integration.test_b",
        "tests.integration.test_c",
        "tests.unit.test_d",
        "tests.integration.test_e",
    ]
