"""`pmenomssl install` / `pmenomssl uninstall`: put the module into a BILLmanager root, or take it
out again (billmanager-protocol.md section 0 and pitfalls 5-7).

install lays out, under `$ROOT` (default /usr/local/mgr5) and module name `<name>`:

    lib/<name>/venv/                    a venv of its own with this package installed
    processing/<name>                   a small sh wrapper: cd $ROOT, exec the venv's python
    etc/xml/billmgr_mod_<name>.xml      the module description (pmenomssl.operator.module_xml)
    lib/<name>/install.json             the manifest: what was created or replaced, and backups

then restarts the panel (`sbin/mgrctl -m billmgr -R`, features are cached until then) unless
`--no-restart`. It is idempotent: files with the same content are left alone, and a file with
other content is first copied to `<file>.pmenomssl-backup-<timestamp>` (the suffix goes after
the `.xml`, so BILLmanager never loads a backup as a module description). A file that is not
ours at `processing/<name>` (BILLmanager's stock, compiled `pmenomssl`) is replaced only with
`--replace-stock`: a panel update can restore the stock module over ours; installing under
another name (`--name pmenomsslpy`) avoids that. uninstall reverses it from the manifest and
restores what was replaced.

How the package gets into the venv (DECISION):

- The running package is packed into a wheel (`build_wheel`): its files as they are on disk,
  with the metadata and entry points of its installed distribution (editable from a checkout,
  or a regular install). No build backend, no network and nothing written into a checkout;
  pip installs it like any wheel.
- Dependencies come from the package index as usual, or offline from a wheelhouse
  (`--find-links DIR`, pip then runs with `--no-index`), or from the OS packages
  (`--system-site-packages`).
- `--link-deps-from PYTHON` (tests, and hosts where the dependencies are already installed in
  another environment): the venv gets a `.pth` naming that environment's site-packages and only
  this package is installed (`pip install --no-deps --ignore-installed`).
  An update of that environment then changes the module's dependencies, so production installs
  should not use it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from pmenomssl.operator import files, plan, venv
from pmenomssl.operator.kinds import DEFAULT_HANDLER, STOCK_NAME, by_handler, known
from pmenomssl.operator.layout import InstallError, InstallOptions, Layout, Say, check_name
from pmenomssl.operator.restart import restart_panel
from pmenomssl.operator.wheel import package_digest


def install(options: InstallOptions, say: Say = print) -> dict[str, Any]:
    """Install (or reinstall) the module; returns the manifest written."""
    name = check_name(options.name)
    root = options.root.resolve()
    if not root.is_dir():
        raise InstallError(
            f"{root} is not a directory: pass --root with BILLmanager's root (/usr/local/mgr5)."
        )
    layout = Layout(root, name)
    try:
        kind = by_handler(options.handler)
    except KeyError:
        raise InstallError(f"No installable module kind {options.handler!r}.") from None
    python = venv.interpreter(options.python or sys.executable)
    version = venv.check_python(python, options.os_release)
    if options.link_deps_from:
        options.link_deps_from = venv.interpreter(options.link_deps_from)
        venv.check_python(options.link_deps_from, options.os_release)
    manifest = files.load_manifest(layout)
    plan.refuse_other_kind(layout, manifest, kind)
    plan.refuse_foreign(layout, manifest, options.replace_stock, kind)
    if not kind.replace_stock_allowed:
        plan.refuse_foreign_xml(layout, manifest)
    if manifest is None:
        manifest = {"files": []}
    manifest.update(
        {
            "manifest_version": files.MANIFEST_VERSION,
            "name": name,
            "handler": kind.handler,
            "root": str(root),
            "venv": str(layout.venv),
            "python": python,
            "python_version": ".".join(str(v) for v in version),
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "linked_deps_from": options.link_deps_from,
        }
    )
    stamp = files.stamp()
    layout.lib_dir.mkdir(parents=True, exist_ok=True)

    previous_digest = manifest.get("package_digest")
    if venv.make_venv(layout, options, python, say):
        previous_digest = None
    if options.link_deps_from:
        venv.link_deps(layout, options.link_deps_from, say)
    manifest["package_version"] = venv.install_package(layout, options, say, previous_digest)
    manifest["package_digest"] = package_digest()

    from pmenomssl.operator import module_xml

    xml = module_xml.render(name, root=root, kind=kind)
    files.place(layout.xml, xml, 0o644, manifest, stamp, say, "XML", module_xml.is_generated)
    files.place(
        layout.wrapper,
        files.wrapper_script(layout, kind),
        0o755,
        manifest,
        stamp,
        say,
        "wrapper",
        files.is_our_wrapper,
    )
    files.save_manifest(layout, manifest)
    say(f"manifest: {layout.manifest}")
    if name == STOCK_NAME and kind.replace_stock_allowed:
        say(
            "note: installed under the stock name pmenomssl; a BILLmanager update may restore "
            "the stock module. `pmenomssl doctor` tells you when that happened."
        )
    if options.restart:
        restart_panel(layout, say)
    else:
        say(f"not restarted (--no-restart): run `{layout.mgrctl} -m billmgr -R` to load it")
    return manifest


def uninstall(
    root: Path,
    name: str = DEFAULT_HANDLER,
    *,
    restart: bool = True,
    say: Say = print,
    handler: str | None = None,
) -> None:
    """Remove what install created and restore what it replaced, from the manifest.

    With `handler`, only an installation of that kind is removed (`pmbillreseller uninstall`
    never removes an ENOM installation, and the other way round)."""
    layout = Layout(root.resolve(), check_name(name))
    manifest = files.load_manifest(layout)
    own = known(handler) if handler is not None else None
    command = own.command if own is not None else DEFAULT_HANDLER
    if manifest is None:
        raise InstallError(
            f"Nothing to uninstall: there is no manifest {layout.manifest}, so {command} install "
            f"did not install a module named {name} under {layout.root}."
        )
    installed = str(manifest.get("handler") or DEFAULT_HANDLER)
    if handler is not None and installed != handler:
        other = known(installed)
        hint = f" with `{other.command} uninstall`" if other is not None else ""
        raise InstallError(
            f"{name} under {layout.root} is the {installed} module, not {handler}: remove it"
            f"{hint}. Nothing was changed."
        )
    kept: list[str] = []
    for entry in manifest.get("files", []):
        path = Path(str(entry.get("path", "")))
        kept.extend(str(b) for b in entry.get("later_backups", []))
        current = path.read_bytes() if path.is_file() else None
        ours = current is not None and (files.is_our_wrapper(current) or _is_generated_xml(current))
        if current is not None and not ours:
            say(
                f"left alone: {path} is no longer the file pmenomssl install wrote (replaced "
                "since, for example by a BILLmanager update)"
            )
            continue
        if entry.get("action") == "replaced" and entry.get("backup"):
            backup = Path(str(entry["backup"]))
            if backup.exists():
                os.replace(backup, path)
                say(f"restored: {path} (from {backup})")
            else:
                say(f"cannot restore {path}: its backup {backup} is gone")
        elif current is not None:
            path.unlink()
            say(f"removed: {path}")
    if layout.venv.exists():
        shutil.rmtree(layout.venv)
        say(f"removed venv: {layout.venv}")
    layout.manifest.unlink()
    with contextlib.suppress(OSError):
        layout.lib_dir.rmdir()
    for old in kept:
        if Path(old).exists():
            say(f"kept backup of an earlier version: {old}")
    if restart:
        restart_panel(layout, say)
    else:
        say(f"not restarted (--no-restart): run `{layout.mgrctl} -m billmgr -R`")


def _is_generated_xml(content: bytes) -> bool:
    from pmenomssl.operator.module_xml import is_generated

    return is_generated(content)
