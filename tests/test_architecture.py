"""Imports run one way between the project's apps: core ← directory ← referrals ← accounts ← reports; demo and config
above.

Checking every direct import is enough: if each one points down (or sideways within an app), no chain of imports
can lead back up. Imports inside functions count too."""

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]

# Lower layers first. An app may import its own modules and any app below it.
LAYERS = ["core", "directory", "referrals", "accounts", "reports", "demo", "config"]


def imported_apps(source: str) -> set[str]:
    """The project apps a module's source imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return found


def upward_imports(app: str, source: str) -> set[str]:
    rank = LAYERS.index(app)
    return {other for other in imported_apps(source) if LAYERS.index(other) > rank}


def test_no_app_imports_an_app_above_it():
    violations = []
    for app in LAYERS:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for other in sorted(upward_imports(app, path.read_text())):
                violations.append(f"{path.relative_to(BASE_DIR)} imports {other}")
    assert violations == []


def test_core_imports_no_project_app():
    for path in sorted((BASE_DIR / "core").rglob("*.py")):
        assert imported_apps(path.read_text()) <= {"core"}, path


def test_the_check_sees_an_import_back_up_even_inside_a_function():
    source = "def handler():\n    from referrals.policy import manages\n    return manages\n"
    assert upward_imports("directory", source) == {"referrals"}
    assert upward_imports("accounts", source) == set()
    assert upward_imports("core", "import accounts.views") == {"accounts"}
