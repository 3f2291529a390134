"""The running package as a wheel, for the module's venv (the DECISION is in
`pmenomssl.operator.install`): its files as they are on disk, with the metadata and entry points
of its installed distribution. No build backend, no network and nothing written into a checkout.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pmenomssl
from pmenomssl.operator.layout import InstallError

PACKAGE = "pmenomssl"


def package_files() -> list[tuple[str, Path]]:
    """(name in the wheel, file) for every file of the running package, caches excluded."""
    package_dir = Path(pmenomssl.__file__).resolve().parent
    files: list[tuple[str, Path]] = []
    for path in sorted(package_dir.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        relative = path.relative_to(package_dir).as_posix()
        files.append((f"{PACKAGE}/{relative}", path))
    return files


def package_digest() -> str:
    """A digest of the running package's files and version: equal digests, equal installs."""
    digest = hashlib.sha256(pmenomssl.__version__.encode())
    for name, path in package_files():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_wheel(target_dir: Path) -> Path:
    """A wheel of the running package: its files as they are on disk, and the metadata and
    entry points of its installed distribution (editable or not). No build backend and no
    network are needed; pip then installs it like any wheel."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(PACKAGE)
    except PackageNotFoundError:
        raise InstallError(
            "pmenomssl runs without being installed, so its metadata (dependencies, entry "
            "points) is unknown: install it first (`python3 -m pip install <checkout>`)."
        ) from None
    metadata = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    entry_points = dist.read_text("entry_points.txt")
    if not metadata or not entry_points or "pmenomssl.handlers" not in entry_points:
        raise InstallError(
            "The installed pmenomssl distribution has no metadata or no handler entry points: "
            "reinstall it (`python3 -m pip install <checkout>`), then run install again."
        )
    version = dist.version
    if version != pmenomssl.__version__:
        raise InstallError(
            f"The installed metadata says pmenomssl {version} but the code is "
            f"{pmenomssl.__version__}: reinstall the package (`pip install -e <checkout>`)."
        )
    dist_info = f"{PACKAGE}-{version}.dist-info"
    wheel_meta = (
        "Wheel-Version: 1.0\nGenerator: pmenomssl install\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )
    contents: list[tuple[str, bytes]] = [
        (name, path.read_bytes()) for name, path in package_files()
    ]
    contents += [
        (f"{dist_info}/METADATA", metadata.encode("utf-8")),
        (f"{dist_info}/entry_points.txt", entry_points.encode("utf-8")),
        (f"{dist_info}/WHEEL", wheel_meta.encode("utf-8")),
    ]
    wheel = target_dir / f"{PACKAGE}-{version}-py3-none-any.whl"
    record: list[str] = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents:
            zf.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{name},sha256={digest.decode()},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        zf.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return wheel
