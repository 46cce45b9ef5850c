"""The core (citymgmt) imports no app: apps depend on the core, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import citymgmt

APPS = {"squads", "complaints", "vendors", "campaigns", "dashboard"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_of_the_core_imports_an_app():
    core = Path(citymgmt.__file__).parent
    offenders = {
        str(path.relative_to(core)): sorted(imported_roots(path) & APPS)
        for path in core.rglob("*.py")
        if imported_roots(path) & APPS
    }
    assert offenders == {}


def test_no_app_imports_the_dashboard():
    # The dashboard sits on top of the tree: it reads every app, none reads it.
    root = Path(citymgmt.__file__).parent.parent
    offenders = sorted(
        str(path.relative_to(root))
        for app in APPS - {"dashboard"}
        for path in (root / app).rglob("*.py")
        if "dashboard" in imported_roots(path)
    )
    assert offenders == []


def test_the_outbox_holds_only_the_templates_the_apps_registered():
    from citymgmt.notifications.messages import MESSAGES
    from complaints.messages import CITIZEN_MESSAGES, STAFF_MESSAGES
    from vendors import messages as vendor_messages

    assert set(MESSAGES) == set(CITIZEN_MESSAGES) | set(STAFF_MESSAGES) | set(
        vendor_messages.VENDOR_MESSAGES
    ) | set(vendor_messages.STAFF_MESSAGES)
