"""The prepared `features` document: computed once, then only copied out (issue 16).

BILLmanager runs `features` at every panel start. Computing the document means loading the
handler, its product table and the product cache; copying a file needs only `os`. So a
computing `features` run saves the bytes it printed to `$ROOT/var/<name>.features.prepared`,
together with what they were computed from, and the next run prints them if nothing of that
changed. The first `features` after an install, an upgrade or a product-list refresh (the
panel restart `install` does runs one) computes and prepares again.

What the document depends on, and how a copy knows it is still the same:

- the code: every module file of the package (and of a third-party handler's package) the
  computing run had loaded, by path, modification time (ns), size and inode; a file that
  changed, moved or vanished makes the copy stale;
- the package directory itself: a copy prepared by another installation of the package (a
  checkout next to the installed venv) is never served;
- the handler name (`PMENOMSSL_HANDLER`) and the data files the handler declares
  (`Handler.features_inputs`, e.g. ENOM's product cache), present or absent as they were.

The module name and the root are part of the file's own path. The bytes after the header are
exactly what the computing run wrote to stdout, so BILLmanager receives the same document either
way (tests/protocol/test_prepared_features.py compares them).

File format (UTF-8 header, one field per line, tab-separated, then an empty line, then the
document): `pmenomssl prepared features 1`, `handler NAME`, `package DIR`,
`file PATH MTIME_NS SIZE INODE` or `missing PATH` lines.

Only `os` and `sys` are imported here: this is the whole of `features`' work when the copy
is fresh.
"""

from __future__ import annotations

import os
import sys

from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

MAGIC = "pmenomssl prepared features 1"
SUFFIX = ".features.prepared"


def path_for(var_dir: str, module_name: str) -> str:
    return os.path.join(var_dir, f"{module_name}{SUFFIX}")


def package_dir() -> str:
    """The directory this package runs from (a copy prepared by another one is stale)."""
    return os.path.dirname(os.path.abspath(sys.modules["pmenomssl"].__file__ or ""))


def signature(path: str) -> str:
    """`file PATH MTIME SIZE INODE` for an existing file, `missing PATH` otherwise."""
    try:
        st = os.stat(path)
    except OSError:
        return f"missing\t{path}"
    return f"file\t{path}\t{st.st_mtime_ns}\t{st.st_size}\t{st.st_ino}"


def read(path: str, handler_name: str) -> bytes | None:
    """The prepared document, or None when there is none or it is stale."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    end = data.find(b"\n\n")
    if end < 0:
        return None
    lines = data[:end].decode("utf-8", "surrogateescape").split("\n")
    if not lines or lines[0] != MAGIC:
        return None
    expected_handler = expected_package = False
    for line in lines[1:]:
        kind, _, rest = line.partition("\t")
        if kind == "handler":
            if rest != handler_name:
                return None
            expected_handler = True
        elif kind == "package":
            if rest != package_dir():
                return None
            expected_package = True
        elif kind in ("file", "missing"):
            if signature(rest.split("\t", 1)[0]) != line:
                return None
        else:
            return None  # a header this version does not understand: compute instead
    if not (expected_handler and expected_package):
        return None
    body = data[end + 2 :]
    return body or None


def header(handler_name: str, signatures: Iterable[str]) -> str:
    """The header of a prepared file: what a copy must find unchanged to be served."""
    lines = [MAGIC, f"handler\t{handler_name}", f"package\t{package_dir()}", *signatures]
    return "\n".join(lines) + "\n\n"


def write(path: str, head: str, document: bytes) -> None:
    """Save atomically (a concurrent reader sees the old file or the new one, never half)."""
    temporary = f"{path}.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(head.encode("utf-8", "surrogateescape") + document)
        os.replace(temporary, path)
    except BaseException:
        import contextlib  # only on this rare path: start-up time

        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
