"""What may import what (ARCHITECTURE.md), checked on the source: pure rules stay pure."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "carecoord"
MAX_LINES = 400
# Named pure modules; besides these every `rules.py` and the whole `codes` package are pure.
PURE = frozenset(
    {
        "carecoord.timeutil",
        "carecoord.audit.chain",
        "carecoord.audit.append_only",
        "carecoord.trajectories.intake_rules",
        "carecoord.providers.rules",
        "carecoord.clients.rules",
        "carecoord.security.crypto",
        "carecoord.security.pseudonyms",
        "carecoord.reporting.aggregates",
        "carecoord.reporting.suppression",
        "carecoord.reporting.comensha",
    }
)
PURE_THIRD_PARTY = frozenset({"cryptography"})
# The composition roots: the app factory registers every blueprint, cli.py every command group;
# the benchmarks' bare endpoints run every page's queries without the framework.
COMPOSITION_ROOTS = frozenset({"carecoord", "carecoord.cli", "carecoord.benchmarking.bare"})
# The order of features: a model may import the models of features before its own.
FEATURE_ORDER = (
    "audit",
    "accounts",
    "providers",
    "clients",
    "trajectories",
    "handovers",
    "reporting",
)


@dataclass(frozen=True)
class Import:
    target: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    """Whether `name` is a module or package of this project (not an attribute in one)."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def sources() -> dict[str, Path]:
    """Every module of the package, read afresh (so a test sees the tree as it is now)."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_pure(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "carecoord" and (
        name in PURE or parts[1:2] == ["codes"] or "rules" in parts[2:]
    )


def imports_of(name: str) -> list[Import]:
    """Every import in module `name`, resolved to the module it loads."""
    path = ROOT.joinpath(*name.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return imports_in(tree, name if path.name == "__init__.py" else name.rpartition(".")[0])


def imports_in(tree: ast.AST, package: str) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno, in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append(
                    Import(candidate if is_module(candidate) else base, node.lineno, in_function)
                )
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def top(name: str) -> str:
    return name.partition(".")[0]


def views_root(name: str) -> str | None:
    """The views module or package `name` belongs to (`views`, `views/…`, `admin_views`)."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part == "views" or part.endswith("_views"):
            return ".".join(parts[: i + 1])
    return None


def test_the_checks_see_the_modules_they_guard():
    pure = [name for name in sources() if is_pure(name)]
    assert {"carecoord.codes", "carecoord.timeutil", "carecoord.security.crypto"} <= set(pure)
    assert any(name.endswith(".rules") for name in pure)
    assert any(views_root(name) for name in sources())
    snippet = ast.parse(
        "from carecoord.accounts import views\n"
        "from . import rules\n"
        "from .models import Client\n"
        "def f():\n    import os\n"
    )
    assert imports_in(snippet, "carecoord.clients") == [
        Import("carecoord.accounts.views", 1, False),
        Import("carecoord.clients.rules", 2, False),
        Import("carecoord.clients.models", 3, False),
        Import("os", 5, True),
    ]


def where(path: Path, line: int | None = None) -> str:
    return f"{path.relative_to(ROOT)}:{line}" if line else str(path.relative_to(ROOT))


def test_pure_modules_import_only_the_standard_library_and_pure_modules():
    wrong = [
        f"{where(path, i.line)} {i.target}"
        for name, path in sources().items()
        if is_pure(name)
        for i in imports_of(name)
        if top(i.target) not in sys.stdlib_module_names
        and top(i.target) not in PURE_THIRD_PARTY
        and not is_pure(i.target)
    ]
    assert not wrong, f"pure modules import beyond the standard library and pure modules: {wrong}"


def test_no_function_local_imports():
    wrong = [
        f"{where(path, i.line)} {i.target}"
        for name, path in sources().items()
        for i in imports_of(name)
        if i.in_function
    ]
    assert not wrong, f"imports inside functions (a cycle means a piece is misplaced): {wrong}"


def test_only_the_app_factory_imports_views():
    wrong = [
        f"{where(path, i.line)} {i.target}"
        for name, path in sources().items()
        if name != "carecoord"
        for i in imports_of(name)
        if (root := views_root(i.target))
        and root.startswith("carecoord.")
        and views_root(name) != root
    ]
    assert not wrong, f"views imported outside the app factory: {wrong}"


def test_nothing_imports_reporting():
    wrong = [
        f"{where(path, i.line)} {i.target}"
        for name, path in sources().items()
        if name not in COMPOSITION_ROOTS and not name.startswith("carecoord.reporting")
        for i in imports_of(name)
        if i.target == "carecoord.reporting" or i.target.startswith("carecoord.reporting.")
    ]
    assert not wrong, f"reporting is imported by: {wrong}"


def models_feature(name: str) -> str | None:
    """`trajectories` for carecoord.trajectories.models and carecoord.trajectories.models.step."""
    parts = name.split(".")
    return parts[1] if len(parts) >= 3 and parts[2] == "models" else None


def test_models_import_only_earlier_features():
    wrong = []
    for name, path in sources().items():
        feature = models_feature(name)
        if feature is None:
            continue
        if feature not in FEATURE_ORDER:
            wrong.append(f"{where(path)}: add {feature} to FEATURE_ORDER (ARCHITECTURE.md)")
            continue
        reachable = FEATURE_ORDER[: FEATURE_ORDER.index(feature) + 1]
        wrong.extend(
            f"{where(path, i.line)} {i.target}"
            for i in imports_of(name)
            if top(i.target) == "carecoord"
            and not is_pure(i.target)
            and i.target != "carecoord.extensions"
            and i.target.partition(".")[2].partition(".")[0] != "security"
            and models_feature(i.target) not in reachable
        )
    assert not wrong, f"models reach beyond the features before them: {wrong}"


def test_no_module_is_over_400_lines():
    wrong = []
    for path in sources().values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            wrong.append(f"{where(path)}: {lines} lines")
    assert not wrong, f"split these (at most {MAX_LINES} lines): {wrong}"
