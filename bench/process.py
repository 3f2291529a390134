"""The processes the bench starts: the module as BILLmanager starts it (a new process per
command), timed, with the peak RSS of exactly that process; and the machine they run on."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODULE_NAME = "pmenomssl"


@dataclass(frozen=True)
class Run:
    """One finished process: its exit status and output, wall time and peak RSS."""

    process: subprocess.CompletedProcess[bytes]
    seconds: float
    max_rss_kib: int

    def check(self) -> Run:
        done = self.process
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(done.args)} exited {done.returncode}:\n"
                f"{done.stdout.decode(errors='replace')}\n{done.stderr.decode(errors='replace')}"
            )
        return self


# A child forked from this (large) process starts with its pages, and Linux carries the peak
# RSS of the address space a process leaves at exec() into ru_maxrss. So the command runs as
# the grandchild of a tiny launcher (python -S -E, a few MiB), which reports the grandchild's
# own ru_maxrss from wait4() (what GNU time's %M does).
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_process(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    stdin: bytes = b"",
    timeout: float = 600,
    exact_rss: bool = True,
) -> Run:
    """Run `argv`; peak RSS comes from wait4() of exactly this child (through the launcher
    unless `exact_rss=False`, for wall-time runs where the launcher's start would count)."""
    report = None
    if exact_rss:
        fd, report = tempfile.mkstemp(prefix="pmenomssl-rss-")
        os.close(fd)
        argv = [sys.executable, "-S", "-E", "-c", LAUNCHER, report, *argv]
    with contextlib.ExitStack() as stack:
        stdin_file, out, err = (stack.enter_context(tempfile.TemporaryFile()) for _ in range(3))
        stdin_file.write(stdin)
        stdin_file.seek(0)
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdin=stdin_file, stdout=out, stderr=err, env=env, cwd=str(cwd)
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        max_rss = int(usage.ru_maxrss)  # KiB on Linux
        if report is not None:
            text = Path(report).read_text(encoding="utf-8").strip()
            os.unlink(report)
            max_rss = int(text) if text.isdigit() else 0
        completed = subprocess.CompletedProcess(
            tuple(argv), proc.returncode, out.read(), err.read()
        )
        return Run(completed, seconds, max_rss)


def module_argv() -> list[str]:
    """The module as BILLmanager starts it: the installed executable of this interpreter's
    environment, else `python -m pmenomssl`."""
    script = Path(sys.executable).parent / MODULE_NAME
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", MODULE_NAME]


def base_env(extra: dict[str, str] | None = None, pycache: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
    env["PMENOMSSL_NAME"] = MODULE_NAME
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(extra or {})
    return env


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count() or 1),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()}",
    }
