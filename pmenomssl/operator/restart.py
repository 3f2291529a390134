"""Restarting BILLmanager after install/uninstall: it caches features and XML until then."""

from __future__ import annotations

import subprocess

from pmenomssl.operator.layout import InstallError, Layout, Say


def restart_panel(layout: Layout, say: Say) -> None:
    """`mgrctl -m billmgr -R`: BILLmanager caches features and XML until it restarts."""
    argv = [str(layout.mgrctl), "-m", "billmgr", "-R"]
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=120, check=False, cwd=str(layout.root)
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InstallError(
            f"Restarting BILLmanager ({' '.join(argv)}) failed: {exc}. Restart it yourself "
            "(that command, or `killall core`) so that it reads the new module."
        ) from None
    if proc.returncode != 0:
        raise InstallError(
            f"Restarting BILLmanager ({' '.join(argv)}) exited with {proc.returncode}: "
            f"{(proc.stderr or proc.stdout).strip()[-300:]}. Restart it yourself so that it "
            "reads the new module."
        )
    say(f"restarted BILLmanager: {' '.join(argv)}")
