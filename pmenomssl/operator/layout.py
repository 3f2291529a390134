"""Where and how `install` puts a module: the options, the paths under `$ROOT`, the module name
(the layout is described in `pmenomssl.operator.install`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmenomssl import config
from pmenomssl.operator.kinds import DEFAULT_HANDLER

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class InstallError(Exception):
    """install/uninstall cannot go on; the message says why and what to do.

    Not a ModuleError: it never reaches BILLmanager, only the person running the command."""


Say = Callable[[str], None]


@dataclass
class InstallOptions:
    root: Path = field(default_factory=lambda: Path(config.DEFAULT_MGR_ROOT))
    name: str = DEFAULT_HANDLER
    python: str | None = None  # the interpreter the venv is made from (default: this one)
    restart: bool = True
    replace_stock: bool = False
    system_site_packages: bool = False
    find_links: str | None = None
    link_deps_from: str | None = None
    os_release: Path = Path("/etc/os-release")
    # Which kind of module (pmenomssl.operator.kinds): the package's own unless said otherwise.
    handler: str = DEFAULT_HANDLER


@dataclass(frozen=True)
class Layout:
    root: Path
    name: str

    @property
    def lib_dir(self) -> Path:
        return self.root / "lib" / self.name

    @property
    def venv(self) -> Path:
        return self.lib_dir / "venv"

    @property
    def venv_python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def manifest(self) -> Path:
        return self.lib_dir / "install.json"

    @property
    def wrapper(self) -> Path:
        return self.root / "processing" / self.name

    @property
    def xml(self) -> Path:
        from pmenomssl.operator.module_xml import xml_path

        return xml_path(self.root, self.name)

    @property
    def mgrctl(self) -> Path:
        return self.root / "sbin" / "mgrctl"


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise InstallError(
            f"{name!r} is not a usable module name: use letters, digits, '.', '_' and '-' "
            "(BILLmanager names the module after the executable, e.g. pmenomssl or pmenomsslpy)."
        )
    return name
