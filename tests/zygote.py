"""A pre-started Python that forks a fresh-looking interpreter for each run of the executable.

Run as `python tests/zygote.py FD` by tests/launcher.py (never imported). It imports the heavy
third-party libraries once (httpx, lxml, PyMySQL, cryptography, tenacity: ~0.25 s of CPU in
every `python -m pmenomssl` start), then waits for requests on the socket FD. Each carries
the argv, environment and working directory of one run plus its stdin/stdout/stderr pipe ends
and a reply socket. The zygote forks a waiter; the waiter forks the run, reports the run's pid,
waits for it and reports its wait status. The run itself:

- gets the pipes as fds 0, 1 and 2 and no other descriptor (like subprocess's close_fds);
- gets exactly the request's environment (os.environ, so its own subprocesses inherit it), its
  working directory, and the sys.path the interpreter would build from them (`-m`: the working
  directory first; a script: its directory), then PYTHONPATH, then the site directories;
- runs `python -m pmenomssl ARGS` through runpy exactly as the interpreter does, or a console
  script by path, and exits through the interpreter's normal shutdown (atexit, flushes).

Nothing of pmenomssl is imported here, so each run imports the package under test itself, from
the paths its own environment names; the zygote has no thread, so forking it is safe.
"""

from __future__ import annotations

import sys

# The script's directory (tests/) is no place to import from: tests/ssl would shadow `ssl`.
del sys.path[0]

import json  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import socket  # noqa: E402

# Imported once for every run (what `python -m pmenomssl --command open` spends its start on).
PRELOAD = (
    "httpx",
    "lxml.etree",
    "pymysql",
    "cryptography.x509",
    "cryptography.hazmat.primitives.serialization",
    "tenacity",
    "idna",
)
MAX_REQUEST = 1 << 20


def _preload() -> None:
    import importlib

    for name in PRELOAD:  # all of them dependencies of the package
        importlib.import_module(name)


def _site_paths(path0_dropped: list[str], own_pythonpath: list[str]) -> list[str]:
    """The zygote's sys.path without its own script directory and PYTHONPATH entries: the
    interpreter's and site's directories, which a fresh process gets in the same order."""
    rest = list(path0_dropped)
    for entry in own_pythonpath:
        if rest and os.path.abspath(rest[0]) == os.path.abspath(entry):
            rest.pop(0)
    return rest


def _pythonpath(env: dict[str, str]) -> list[str]:
    return [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]


def _dedupe(paths: list[str]) -> list[str]:
    """site.removeduppaths: absolute, first occurrence kept."""
    seen: set[str] = set()
    kept = []
    for path in paths:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


def _become_the_run(request: dict[str, object], site_paths: list[str]) -> None:
    """In the forked run: fds, environment, cwd, sys.path and argv of the request; then the
    program. Returns only by raising SystemExit (or any exception the program raises)."""
    argv = [str(a) for a in request["argv"]]  # type: ignore[attr-defined]
    env = {str(k): str(v) for k, v in request["env"].items()}  # type: ignore[attr-defined]
    os.chdir(str(request["cwd"]))
    os.environ.clear()
    os.environ.update(env)
    if request["module"]:
        path0 = os.getcwd()
        sys.argv = ["-m", *argv]
    else:
        path0 = os.path.dirname(os.path.realpath(str(request["script"])))
        sys.argv = [str(request["script"]), *argv]
    sys.executable = str(request["executable"])
    sys.path[:] = [path0, *_dedupe([*_pythonpath(env), *site_paths])]
    if request["module"]:
        # What `python -m NAME` runs (runpy's own entry for -m; sets argv[0] to the file).
        runpy._run_module_as_main(str(request["module"]))  # type: ignore[attr-defined]
    else:
        runpy.run_path(str(request["script"]), run_name="__main__")


def _wait_and_report(pid: int, reply: socket.socket) -> None:
    reply.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            status = 255 << 8
            break
        except InterruptedError:
            continue
    reply.sendall(json.dumps({"status": status}).encode() + b"\n")


def serve() -> tuple[dict[str, object], list[str]] | None:
    """The zygote's loop; returns (request, site paths) in a forked run, None at the end."""
    own_pythonpath = _pythonpath(dict(os.environ))
    site_paths = _site_paths(sys.path, own_pythonpath)
    _preload()
    control = socket.socket(fileno=int(sys.argv[1]))
    while True:
        _reap()
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 4)
        except OSError:
            return None
        if not data:
            return None
        request = json.loads(data)
        stdin_fd, stdout_fd, stderr_fd, reply_fd = fds
        if os.fork() != 0:  # the zygote: close its copies, take the next request
            for fd in fds:
                os.close(fd)
            continue
        # the waiter
        control.close()
        reply = socket.socket(fileno=reply_fd)
        run_pid = os.fork()
        if run_pid != 0:
            for fd in (stdin_fd, stdout_fd, stderr_fd):
                os.close(fd)
            try:
                _wait_and_report(run_pid, reply)
            finally:
                os._exit(0)
        # the run
        reply.close()
        for target, fd in ((0, stdin_fd), (1, stdout_fd), (2, stderr_fd)):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
        return request, site_paths


def _reap() -> None:
    """Collect finished waiters (they report to the tests themselves)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


if __name__ == "__main__":
    work = serve()
    if work is None:
        sys.exit(0)
    _become_the_run(*work)
