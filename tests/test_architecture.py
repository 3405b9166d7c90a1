"""The three apps are layered one way: `resources` ← `search` ← `opendata`. A module imports
only from its own app and the apps below it, and never names a command of an app above it
(a lower app learns of changes by sending signals the higher ones listen to)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ["resources", "search", "opendata"]
ROOT = Path(settings.BASE_DIR)


def modules(app):
    return sorted((ROOT / app).rglob("*.py"))


def imported_apps(path):
    """The top-level packages a module imports (relative imports stay in its own app)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def commands(app):
    folder = ROOT / app / "management" / "commands"
    return {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}


def strings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_from_the_apps_below_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules(app)
        for line, name in imported_apps(path)
        if name in above
    ]
    assert not wrong


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_never_calls_a_command_of_an_app_above_it(app):
    above = set().union(*(commands(a) for a in LAYERS[LAYERS.index(app) + 1 :]))
    wrong = [
        f"{path.relative_to(ROOT)}:{line} names the command {value!r}"
        for path in modules(app)
        for line, value in strings(path)
        if value in above
    ]
    assert not wrong


def test_the_check_sees_a_wrong_import(tmp_path):
    """The walk does find imports, relative ones aside (so the tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text("import search.places\nfrom opendata.hsds import rows\nfrom . import x\n")
    assert list(imported_apps(module)) == [(1, "search"), (2, "opendata")]


def test_every_app_is_installed_in_layer_order():
    installed = [app for app in settings.INSTALLED_APPS if app in LAYERS]
    assert installed == LAYERS
