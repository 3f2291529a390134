"""The module's own venv: the Python it is made from (3.9 or newer, with advice per
distribution when it is older), creating or reusing it, and installing the package into it
(how the dependencies get there: the DECISION in `pmenomssl.operator.install`)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pmenomssl
from pmenomssl.operator.files import write_atomic
from pmenomssl.operator.layout import InstallError, InstallOptions, Layout, Say
from pmenomssl.operator.wheel import build_wheel, package_digest

MIN_PYTHON = (3, 9)
LINKED_DEPS_PTH = "_pmenomssl_linked_deps.pth"
_PY_TIMEOUT = 60
_PIP_TIMEOUT = 900


def python_version(python: str) -> tuple[int, int, int]:
    """Run `python` and ask its version (a path that does not run is an InstallError)."""
    try:
        proc = subprocess.run(
            [python, "-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"],
            capture_output=True,
            text=True,
            timeout=_PY_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InstallError(f"Cannot run the Python {python}: {exc}. Pass --python PATH.") from None
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", proc.stdout)
    if proc.returncode != 0 or not match:
        detail = (proc.stderr or proc.stdout).strip()[-300:]
        raise InstallError(f"{python} did not report a Python version: {detail or 'no output'}.")
    major, minor, micro = (int(g) for g in match.groups())
    return major, minor, micro


def interpreter(python: str) -> str:
    """An absolute path for `python` (a name is looked up in PATH). Symlinks are kept: a venv's
    python is a symlink whose target is another environment."""
    if os.sep not in python:
        found = shutil.which(python)
        if found is None:
            raise InstallError(f"No {python} in PATH: pass --python with the full path.")
        return found
    return os.path.abspath(python)


def read_os_release(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def python_advice(os_release: dict[str, str]) -> str:
    """Which package gives a Python >= 3.9 on this distribution."""
    ids = {os_release.get("ID", "").lower(), *os_release.get("ID_LIKE", "").lower().split()}
    major = os_release.get("VERSION_ID", "").split(".")[0]
    pretty = os_release.get("PRETTY_NAME") or "this system"
    rhel = ids & {"rhel", "centos", "almalinux", "rocky", "ol", "fedora"}
    if rhel and major == "8":
        return (
            f"On {pretty} install the package python39 (`dnf install python39`), then run "
            "`pmenomssl install --python /usr/bin/python3.9`."
        )
    if rhel and major in ("9", "10"):
        return f"On {pretty} the package python3 is 3.9 or newer: `dnf install python3`."
    if "ubuntu" in ids and os_release.get("VERSION_ID", "").startswith("20.04"):
        return (
            f"On {pretty} install python3.9 and python3.9-venv (`apt install python3.9 "
            "python3.9-venv`), then run `pmenomssl install --python /usr/bin/python3.9`."
        )
    if "debian" in ids and major == "11":
        return (
            f"On {pretty} the package python3 is 3.9: `apt install python3 python3-venv`, then "
            "`pmenomssl install --python /usr/bin/python3`."
        )
    return (
        "Install Python 3.9 or newer and pass it with --python PATH: on AlmaLinux/Rocky 8 the "
        "package python39, on Debian 11 python3 (3.9), on Ubuntu 20.04 python3.9 with "
        "python3.9-venv."
    )


def check_python(python: str, os_release: Path) -> tuple[int, int, int]:
    version = python_version(python)
    if version[:2] < MIN_PYTHON:
        shown = ".".join(str(v) for v in version)
        raise InstallError(
            f"{python} is Python {shown}; pmenomssl needs Python "
            f"{MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer. "
            + python_advice(read_os_release(os_release))
        )
    return version


def _run_checked(argv: list[str], what: str, timeout: float, hint: str = "") -> str:
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InstallError(f"{what} failed: {exc}. {hint}".strip()) from None
    if proc.returncode != 0:
        output = (proc.stderr.strip() or proc.stdout.strip())[-1500:]
        raise InstallError(f"{what} failed (exit {proc.returncode}):\n{output}\n{hint}".rstrip())
    return proc.stdout


def _site_packages(python: str) -> list[str]:
    out = _run_checked(
        [
            python,
            "-c",
            "import sysconfig; p = sysconfig.get_paths(); print(p['purelib']); print(p['platlib'])",
        ],
        f"asking {python} for its site-packages",
        _PY_TIMEOUT,
    )
    paths: list[str] = []
    for line in out.splitlines():
        if line.strip() and line.strip() not in paths:
            paths.append(line.strip())
    return paths


def make_venv(layout: Layout, options: InstallOptions, python: str, say: Say) -> bool:
    """Create the venv, or reuse one made from the same Python; True when (re)created."""
    wanted = python_version(python)
    if layout.venv_python.exists():
        try:
            current = python_version(str(layout.venv_python))
        except InstallError:
            current = None
        if current is not None and current[:2] == wanted[:2]:
            say(f"reusing venv: {layout.venv} (Python {'.'.join(map(str, current))})")
            return False
        say(f"recreating venv: {layout.venv} (its Python differs from {python} or is broken)")
        shutil.rmtree(layout.venv)
    argv = [python, "-m", "venv"]
    if options.system_site_packages:
        argv.append("--system-site-packages")
    if options.link_deps_from:
        argv.append("--without-pip")  # pip comes from the linked environment
    argv.append(str(layout.venv))
    minor = f"{wanted[0]}.{wanted[1]}"
    _run_checked(
        argv,
        f"creating the venv {layout.venv} with {python}",
        _PIP_TIMEOUT,
        hint=(
            f"On Debian/Ubuntu the venv module is a separate package: `apt install "
            f"python{minor}-venv` (or python3-venv)."
        ),
    )
    say(f"created venv: {layout.venv} (Python {'.'.join(map(str, wanted))})")
    return True


def link_deps(layout: Layout, source_python: str, say: Say) -> None:
    venv_site = _site_packages(str(layout.venv_python))[0]
    linked = [p for p in _site_packages(source_python) if p not in (venv_site,)]
    pth = Path(venv_site) / LINKED_DEPS_PTH
    write_atomic(pth, ("\n".join(linked) + "\n").encode(), 0o644)
    say(f"dependencies linked from {source_python}: {', '.join(linked)}")


def installed_version(layout: Layout) -> tuple[str, Path]:
    out = _run_checked(
        [
            str(layout.venv_python),
            "-I",
            "-c",
            "import pmenomssl; print(pmenomssl.__version__); print(pmenomssl.__file__)",
        ],
        "importing pmenomssl from the venv",
        _PY_TIMEOUT,
    )
    lines = out.splitlines()
    installed_at = Path(lines[1]).resolve() if len(lines) > 1 else Path()
    if layout.venv.resolve() not in installed_at.parents:
        raise InstallError(
            f"The venv's python imports pmenomssl from {installed_at}, not from {layout.venv}."
        )
    return (lines[0].strip() if lines else ""), installed_at


def install_package(
    layout: Layout, options: InstallOptions, say: Say, previous_digest: object
) -> str:
    """pip install the package into the venv, unless exactly this code is installed there."""
    if previous_digest == package_digest():
        with contextlib.suppress(InstallError):
            version, where = installed_version(layout)
            say(f"unchanged package: pmenomssl {version} in {where.parent}")
            return version
    with tempfile.TemporaryDirectory(prefix="pmenomssl-install-") as tmp:
        source = build_wheel(Path(tmp))
        origin = f"code in {Path(pmenomssl.__file__).resolve().parent}"
        argv = [
            str(layout.venv_python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--no-warn-script-location",
        ]
        if options.link_deps_from:
            argv += ["--no-deps", "--ignore-installed"]
        if options.find_links:
            argv += ["--no-index", "--find-links", options.find_links]
        argv.append(str(source))
        say(f"installing pmenomssl {pmenomssl.__version__} from the {origin}")
        _run_checked(
            argv,
            "pip install of pmenomssl into the venv",
            _PIP_TIMEOUT,
            hint=(
                "Without access to the package index, pass --find-links DIR with a wheelhouse "
                "of the dependencies (pip download), or --system-site-packages with the OS "
                "packages of httpx, lxml, cryptography, tenacity and PyMySQL."
            ),
        )
    return installed_version(layout)[0]
