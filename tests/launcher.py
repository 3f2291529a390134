"""How the tests start the executable: a real `python` per run, or a fork of a pre-started one.

`run_program(argv, stdin=…, env=…, cwd=…, timeout=…)` is `subprocess.run(argv, input=stdin,
env=env, cwd=cwd, capture_output=True, timeout=timeout, check=False)`. When the current test
allows it (below) and argv is `sys.executable -m pmenomssl …` or one of the venv's console
scripts, the run is forked from tests/zygote.py instead: still a separate process with its own
pipes, exit status, environment and working directory, running the same entry point the same
way, but without the ~0.4 s a fresh interpreter spends importing httpx, lxml, PyMySQL and
cryptography (tests/zygote.py says exactly what the fork sets up).

A real interpreter is started for the run when:

- the test is marked `real_executable` (tests/conftest.py marks the guard tests, reliability,
  the clock tests, the start-up and prepared-document tests and the benchmarks: there the whole
  process, interpreter start included, is what is tested), or the run comes from a thread the
  test started, or `PMENOMSSL_TEST_LAUNCH=process` is set (the mutation runner, whose
  sitecustomize must run in every process; or to compare);
- the run's environment differs from the zygote's in anything the interpreter reads while
  starting (PYTHON* other than PYTHONPATH, the locale);
- the program is anything else.

Popen-style starts (kill, signals, races between processes) always use a real process: they
never come here.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

ZYGOTE = Path(__file__).resolve().with_name("zygote.py")
LAUNCH_ENV = "PMENOMSSL_TEST_LAUNCH"
CONSOLE_SCRIPTS = ("pmenomssl", "pmbillreseller")
MODULE = "pmenomssl"


class _Program(NamedTuple):
    """`executable -m module args` or `executable script args` (script's shebang)."""

    executable: str
    module: str | None
    script: str | None
    args: list[str]


_allowed = threading.local()
_zygote_lock = threading.Lock()
_zygote: _Zygote | None = None


def allow_forking(allowed: bool) -> None:
    """Set by tests/conftest.py around each test: may this test's runs be forked?"""
    _allowed.value = allowed


def run_program(
    argv: Sequence[str],
    *,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
    cwd: str | Path,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """`subprocess.run(argv, input=stdin, capture_output=True, …)`, forked when allowed."""
    full_env = dict(os.environ if env is None else env)
    target = _forkable(argv)
    if target is not None and _forking_wanted():
        zygote = _the_zygote()
        if zygote.accepts(full_env):
            return zygote.run(
                list(argv),
                target,
                stdin=stdin,
                env=full_env,
                cwd=str(cwd),
                timeout=timeout,
            )
    return subprocess.run(
        list(argv),
        input=stdin,
        env=full_env,
        cwd=str(cwd),
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def _forking_wanted() -> bool:
    if os.environ.get(LAUNCH_ENV) == "process":
        return False
    return bool(getattr(_allowed, "value", False))


def _forkable(argv: Sequence[str]) -> _Program | None:
    """What the zygote is to run, when argv is one of the programs it can run."""
    if len(argv) >= 3 and argv[0] == sys.executable and argv[1] == "-m" and argv[2] == MODULE:
        return _Program(sys.executable, MODULE, None, list(argv[3:]))
    program = Path(argv[0]) if argv else None
    if (
        program is not None
        and program.name in CONSOLE_SCRIPTS
        and program.parent == Path(sys.executable).parent
        and program.is_file()
    ):
        with program.open("rb") as handle:
            first = handle.readline().strip()
        interpreter = Path(os.fsdecode(first[2:])) if first.startswith(b"#!") else None
        # the venv's python or python3 (the same interpreter, the same venv)
        if (
            interpreter is not None
            and interpreter.parent == Path(sys.executable).parent
            and interpreter.resolve() == Path(sys.executable).resolve()
        ):
            return _Program(str(interpreter), None, str(program), list(argv[1:]))
    return None


def _startup_view(env: Mapping[str, str]) -> dict[str, str]:
    """What a fresh interpreter reads from the environment while it starts."""
    return {
        k: v
        for k, v in env.items()
        if (k.startswith("PYTHON") and k != "PYTHONPATH")
        or k in ("LANG", "LANGUAGE")
        or k.startswith("LC_")
    }


def _the_zygote() -> _Zygote:
    global _zygote
    with _zygote_lock:
        if _zygote is None or not _zygote.alive():
            _zygote = _Zygote()
            atexit.register(_zygote.stop)
        return _zygote


class _Zygote:
    """One pre-started interpreter per test process (so per xdist worker)."""

    def __init__(self) -> None:
        self.env = {k: v for k, v in os.environ.items() if k != LAUNCH_ENV}
        self.lock = threading.Lock()
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, str(ZYGOTE), str(theirs.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=self.env,
                pass_fds=(theirs.fileno(),),
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def accepts(self, env: Mapping[str, str]) -> bool:
        return self.alive() and _startup_view(env) == _startup_view(self.env)

    def run(
        self,
        argv: list[str],
        program: _Program,
        *,
        stdin: bytes,
        env: Mapping[str, str],
        cwd: str,
        timeout: float | None,
    ) -> subprocess.CompletedProcess[bytes]:
        request = {
            "executable": program.executable,
            "module": program.module,
            "script": program.script,
            "argv": program.args,
            "env": dict(env),
            "cwd": cwd,
        }
        in_read, in_write = os.pipe()
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        reply, reply_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(
                    self.control,
                    [json.dumps(request).encode()],
                    [in_read, out_write, err_write, reply_theirs.fileno()],
                )
        finally:
            for fd in (in_read, out_write, err_write):
                os.close(fd)
            reply_theirs.close()
        with reply:
            return _Exchange(argv, reply, in_write, out_read, err_read).finish(stdin, timeout)


class _Exchange:
    """subprocess's communicate() over the fork's pipes, plus its pid and status on `reply`."""

    def __init__(
        self, argv: list[str], reply: socket.socket, stdin: int, stdout: int, stderr: int
    ) -> None:
        self.argv = argv
        self.reply = reply
        self.fds = {"stdin": stdin, "stdout": stdout, "stderr": stderr}
        self.output: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self.replied = bytearray()
        self.pid: int | None = None
        self.status: int | None = None

    def finish(self, stdin: bytes, timeout: float | None) -> subprocess.CompletedProcess[bytes]:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            if not self._exchange(stdin, deadline):
                if self.pid is not None and self.status is None:
                    os.kill(self.pid, signal.SIGKILL)
                self._exchange(b"", None)
                raise subprocess.TimeoutExpired(
                    self.argv,
                    timeout or 0.0,
                    output=bytes(self.output["stdout"]),
                    stderr=bytes(self.output["stderr"]),
                )
        finally:
            for fd in self.fds.values():
                if fd >= 0:
                    os.close(fd)
        assert self.status is not None
        return subprocess.CompletedProcess(
            self.argv,
            os.waitstatus_to_exitcode(self.status),
            bytes(self.output["stdout"]),
            bytes(self.output["stderr"]),
        )

    def _exchange(self, stdin: bytes, deadline: float | None) -> bool:
        """Feed stdin, read both pipes to their end and the status; False on the deadline."""
        pending = memoryview(stdin)
        with selectors.DefaultSelector() as selector:
            if self.fds["stdin"] >= 0:
                if pending:
                    os.set_blocking(self.fds["stdin"], False)
                    selector.register(self.fds["stdin"], selectors.EVENT_WRITE, "stdin")
                else:
                    self._close("stdin")
            for name in ("stdout", "stderr"):
                if self.fds[name] >= 0:
                    selector.register(self.fds[name], selectors.EVENT_READ, name)
            if self.status is None:
                selector.register(self.reply, selectors.EVENT_READ, "reply")
            while selector.get_map():
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    return False
                for key, _ in selector.select(wait):
                    name = key.data
                    if name == "stdin":
                        try:
                            written = os.write(self.fds["stdin"], pending[:65536])
                        except BrokenPipeError:
                            written = len(pending)
                        pending = pending[written:]
                        if not pending:
                            selector.unregister(key.fileobj)
                            self._close("stdin")
                    elif name == "reply":
                        chunk = self.reply.recv(4096)
                        self._replied(chunk)
                        if not chunk or self.status is not None:
                            selector.unregister(key.fileobj)
                    else:
                        chunk = os.read(self.fds[name], 65536)
                        if chunk:
                            self.output[name] += chunk
                        else:
                            selector.unregister(key.fileobj)
                            self._close(name)
        if self.status is None:
            raise RuntimeError("the zygote ended without the run's status (tests/zygote.py)")
        return True

    def _replied(self, chunk: bytes) -> None:
        self.replied += chunk
        while b"\n" in self.replied:
            line, _, rest = bytes(self.replied).partition(b"\n")
            self.replied = bytearray(rest)
            message = json.loads(line)
            self.pid = message.get("pid", self.pid)
            self.status = message.get("status", self.status)

    def _close(self, name: str) -> None:
        if self.fds[name] >= 0:
            os.close(self.fds[name])
            self.fds[name] = -1
