"""The shape of the house: feature packages, arrows only downward, no import cycles, small modules.

The module graph is read from the source (every ``import``, also those only for type checkers
or inside functions), and importing ``a.b.c`` counts as importing the packages ``a.b`` and
``a`` too, as Python runs their ``__init__`` first.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "events_app"

# Every top-level part of events_app, lowest first: a part imports only from itself and the
# parts before it.  Infrastructure first, then the features, then the ways in (web, worker, cli).
ORDER = [
    "events_app",  # the package itself: its version
    "settings",
    "clock",
    "urls",
    "i18n",
    "domain",  # pure rules: no database, no web
    "db",
    "tables",
    "audit",
    "throttle",
    "calendar",  # iCalendar bytes
    "documents",  # PDF bytes (certificates of participation)
    "observability",
    "agenda",  # read models of series and dates
    "feeds",
    "mail",  # the outbox, and delivering it (infrastructure below the features)
    "accounts",  # accounts, sessions, logins, teams
    "registration",  # taking places: registering, cancelling, the manage link, seats
    "series",  # planning series and their dates
    "programmes",
    "hosting",  # what hosts work with: their dates, sign-up lists, the mail log
    "certificates",  # certificates of participation: thresholds, issuing, verifying
    "requests",  # requests for an expert: intake, inbox, pool, proposals that become events
    "web",  # controllers: pages, API, feeds over HTTP
    "demo",
    "worker",
    "app",
    "devserver",
    "copy_database",
    "piccolo_app",
    "cli",
]

MAX_LINES = 400
LONGER_ALLOWED = {
    "events_app.tables",  # the table definitions, one class per table
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imported(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = module.split(".")
        if path.name != "__init__.py":
            anchor = anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(module, path, node):
                if target not in modules:
                    continue
                # the target and every package above it that is not above the importer
                parts = target.split(".")
                for n in range(1, len(parts) + 1):
                    ancestor = ".".join(parts[:n])
                    if ancestor == module or module.startswith(ancestor + "."):
                        continue
                    if ancestor in modules:
                        edges[module].add(ancestor)
    return edges


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(set(edges) | {t for ts in edges.values() for t in ts}):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_part_has_a_place_in_the_order() -> None:
    parts = {_part(m) for m in _modules()}
    assert parts - set(ORDER) == set(), "add the new part to ORDER, below what imports it"
    assert set(ORDER) - parts == set(), "ORDER names a part that no longer exists"


def test_arrows_only_point_down() -> None:
    rank = {part: n for n, part in enumerate(ORDER)}
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if rank[_part(target)] > rank[_part(module)]
    )
    assert upward == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_a_submodule_import_counts_its_package() -> None:
    edges = _graph()
    # routes imports the page controllers, which runs the pages package's __init__ first
    assert "events_app.web.pages" in edges["events_app.web.routes"]


def test_modules_stay_small() -> None:
    long = sorted(
        f"{module}: {len(path.read_text(encoding='utf-8').splitlines())} lines"
        for module, path in _modules().items()
        if module not in LONGER_ALLOWED
        and len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    )
    assert long == []
