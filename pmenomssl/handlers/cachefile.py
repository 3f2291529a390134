"""A handler's cache files under `$ROOT/var/` (ENOM's product list, the upstream's certificate
tariffs): where each lives, and writing one so that a concurrent `features`, which reads it at
every panel start, never sees half a file."""

from __future__ import annotations

from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def cache_path(root: Path, module_name: str, suffix: str) -> Path:
    """`$ROOT/var/<module name><suffix>`: one cache per module name, as BILLmanager runs one
    executable per name."""
    return root / "var" / f"{module_name}{suffix}"


def write_json(path: Path, data: object, *, sort_keys: bool = False) -> None:
    """Write `data` as JSON to a temporary file beside `path`, then rename it over `path`."""
    import contextlib
    import json
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=sort_keys)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
