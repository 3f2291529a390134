"""The error types a module kind can answer with, observed by the tests themselves (issue 17).

The module XML must carry a msgerror for every error type the code can raise. Taking that list
from `module_xml.error_types_for` (the code under test) would let a discovery bug hide a missing
message, so the tests read the source here, with Python's own parser, independently: every
class-level `error_type = "…"` and every `error_type="…"` keyword argument, in the files of the
package that a module of the kind runs (the other kinds' folders, written down below, left out).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pmenomssl"

#: Folders and files of the package that are the OTHER kind's own (relative to pmenomssl/).
NOT_ENOM = (
    "upstream",
    "handlers/billreseller",
    "sandbox/upstream",
    "cli/billreseller",
)
NOT_RESELLER = ("enom", "handlers/enomssl", "sandbox/enom")


def _foreign(path: Path, foreign: tuple[str, ...]) -> bool:
    relative = path.relative_to(PACKAGE).as_posix()
    return any(relative == f"{part}.py" or relative.startswith(f"{part}/") for part in foreign)


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def error_types(foreign: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if _foreign(path, foreign):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                value = _literal(node.value) if node.value is not None else None
                if "error_type" in names and value:
                    found.add(value)
            elif isinstance(node, ast.keyword) and node.arg == "error_type":
                value = _literal(node.value)
                if value:
                    found.add(value)
    return found
