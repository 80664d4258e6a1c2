"""The size limits every app keeps, so that each module reads in one sitting and each view
is a thin layer over selectors and services (see README, "where things live")."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("core", "forge", "members", "meetings", "projects", "decisions", "markets")
MODULE_LIMIT = 500
VIEW_LIMIT = 30


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_view_module(path: Path) -> bool:
    return path.stem.startswith("views") or "views" in path.parent.parts


def _view_functions(path: Path):
    """Module-level functions and methods of classes in a views module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) else [node]
        for member in members:
            if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                yield member


def test_no_module_is_longer_than_the_limit():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LIMIT
    }
    assert long == {}


def test_no_view_function_is_longer_than_the_limit():
    long = {
        f"{path.relative_to(ROOT)}:{function.name}": length
        for path in _modules()
        if _is_view_module(path)
        for function in _view_functions(path)
        if (length := function.end_lineno - function.lineno + 1) > VIEW_LIMIT
    }
    assert long == {}
