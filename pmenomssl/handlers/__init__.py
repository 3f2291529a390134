"""Handlers, found by the executable's name through the entry-point group `pmenomssl.handlers`.

A new kind of module is a new package that registers `NAME = "pkg.module:HandlerClass"` in that
group; the framework needs no change.

Start-up matters (BILLmanager starts a process per command), and a full entry-point scan with
`importlib.metadata` reads every installed distribution. So the lookup first reads only the
`entry_points.txt` of this package's own distribution (found on `sys.path` the way
importlib.metadata finds it); a name it does not register falls back to the full scan, so a
handler from another package works exactly as before. Consequence: a third-party package
cannot override a name this package registers itself (`pmenomssl`); it registers its own name.
"""

from __future__ import annotations

import os
import sys

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.base import Handler, load_object

ENTRY_POINT_GROUP = "pmenomssl.handlers"
DISTRIBUTION = "pmenomssl"


class NoHandlerError(ModuleError):
    error_type = "no_handler"


def load_handler(name: str) -> Handler:
    """Instantiate the handler registered under `name`."""
    target = own_entry_points().get(name)
    if target is not None:
        return _instantiate(name, load_object(target))
    return _load_from_all_distributions(name)


def own_entry_points(paths: list[str] | None = None) -> dict[str, str]:
    """`name -> "module:attr"` of the group in this distribution's metadata ({} if not found).

    The first `pmenomssl-*.dist-info` (or `.egg-info`) directory on `paths` (default
    `sys.path`) counts, as it does for importlib.metadata.
    """
    normalised = DISTRIBUTION.replace("-", "_").lower()
    for entry in sys.path if paths is None else paths:
        directory = entry or "."
        try:
            names = os.listdir(directory)
        except OSError:  # not a directory (a zip file) or gone: the full scan handles it
            continue
        for candidate in sorted(names):
            stem, dot, suffix = candidate.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            project = stem.split("-", 1)[0].replace("-", "_").replace(".", "_").lower()
            if project != normalised:
                continue
            path = os.path.join(directory, candidate, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as handle:
                    return parse_entry_points(handle.read()).get(ENTRY_POINT_GROUP, {})
            except OSError:
                continue
    return {}


def parse_entry_points(text: str) -> dict[str, dict[str, str]]:
    """`entry_points.txt` (an INI file: `[group]`, `name = module:attr [extras]`)."""
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = groups.setdefault(line[1:-1].strip(), {})
            continue
        if current is None or "=" not in line:
            continue
        key, value = line.split("=", 1)
        current[key.strip()] = value.split("[", 1)[0].strip()
    return groups


def _instantiate(name: str, handler_class: object) -> Handler:
    if not (isinstance(handler_class, type) and issubclass(handler_class, Handler)):
        raise NoHandlerError(f"Entry point {name} does not name a Handler subclass.")
    return handler_class()


def _load_from_all_distributions(name: str) -> Handler:
    from importlib.metadata import EntryPoint, entry_points

    group: list[EntryPoint]
    if sys.version_info >= (3, 10):
        group = list(entry_points(group=ENTRY_POINT_GROUP))
    else:  # Python 3.9 returns a dict of groups
        group = list(entry_points().get(ENTRY_POINT_GROUP, []))
    for ep in group:
        if ep.name == name:
            return _instantiate(name, ep.load())
    known = ", ".join(sorted({ep.name for ep in group})) or "none"
    raise NoHandlerError(
        f"No handler is registered for the module name {name!r} (registered: {known}). "
        "The executable's file name chooses the handler: install the module under one of those "
        "names, or install the package that provides this handler.",
        obj=name,
    )
