"""`core` knows no app by name: its modules and migrations import no app and name none.

Apps reach core through settings (FORGE_PARTNER_TOKEN_MODEL, FORGE_TOKEN_ACTOR_RESOLVER,
FORGE_REMINDER_MODULES...) and registries the apps fill in. The check reads the source (AST),
so it also covers modules nothing imports, and migrations.

What counts as naming an app: an import of it; a string shaped like a reference into it
(a dotted path or model label "members.PartnerToken", a URL name "meetings:detail", a template
path "meetings/detail.html"); a migration dependency on it; `get_model("members", ...)`.
A bare word in prose or a value ("members" is also a confidentiality level) is not a reference.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ("members", "meetings", "projects", "decisions", "markets")
REFERENCE = re.compile(rf"^(?:{'|'.join(APPS)})[.:/][A-Za-z_][\w.:/-]*$")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (prose, not references)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _label(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def app_names_in(source: str) -> list[str]:
    """Each place the source names an app, as "line N: what"."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            found += [f"line {line}: import {a.name}" for a in node.names if a.name.split(".")[0] in APPS]
        elif (
            isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in APPS and not node.level
        ):
            found.append(f"line {line}: from {node.module} import ...")
        elif isinstance(node, ast.Constant) and id(node) not in skip and isinstance(node.value, str):
            if REFERENCE.match(node.value):
                found.append(f"line {line}: {node.value!r}")
        elif isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "dependencies" for t in node.targets
        ):
            for dependency in getattr(node.value, "elts", []):
                if isinstance(dependency, ast.Tuple) and _label(dependency.elts[0]) in APPS:
                    found.append(f"line {line}: ({_label(dependency.elts[0])!r}, ...)")
        elif isinstance(node, ast.Call) and node.args and _label(node.args[0]) in APPS:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("get_model", "get_app_config", "swappable_dependency"):
                found.append(f"line {line}: {name}({_label(node.args[0])!r}, ...)")
    return found


def _core_sources() -> list[Path]:
    return sorted(path for path in (ROOT / "core").rglob("*.py") if "__pycache__" not in path.parts)


def test_core_names_no_app_in_modules_or_migrations():
    sources = _core_sources()
    assert any("migrations" in path.parts for path in sources), "core's migrations were not found"
    offences = [
        f"{path.relative_to(ROOT)} {where}"
        for path in sources
        for where in app_names_in(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "core names an app:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import members.models\n", "import members.models"),
        ("from meetings.services import x\n", "from meetings.services import ..."),
        ("TOKEN = 'members.PartnerToken'\n", "'members.PartnerToken'"),
        ("url = reverse('meetings:meeting_detail')\n", "'meetings:meeting_detail'"),
        ("template = 'projects/detail.html'\n", "'projects/detail.html'"),
        ("dependencies = [('decisions', '0001_initial')]\n", "('decisions', ...)"),
        ("Model = apps.get_model('markets', 'Price')\n", "get_model('markets', ...)"),
    ],
)
def test_app_names_in_finds_each_kind_of_reference(source, expected):
    assert app_names_in(source) == [f"line 1: {expected}"]


def test_app_names_in_leaves_prose_and_values_alone():
    source = (
        '"""Meetings and projects share this; e.g. members.PartnerToken."""\n'
        "LEVEL = 'members'  # a confidentiality level\n"
        "MEMBERS = 'members', 'All delegations'\n"
        "HELP = 'a collection of /api/v1/ (e.g. \"meetings.upsert\").'\n"
        "from core.webhooks import services\n"
    )
    assert app_names_in(source) == []
