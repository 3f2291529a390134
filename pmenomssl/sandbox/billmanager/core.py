"""The stand-in's core: the process that made the stand-in answers its `mgrctl` calls.

A stand-in's `mgrctl` is a process the module starts for every call, as on a real BILLmanager.
Run alone, each such process imports PyMySQL and the stand-in and connects to the database
(35-60 ms a call, thousands of calls in the test suite). With the core serving (`StandIn.serve`),
`mgrctl` only forwards its argv, environment, working directory and pid over a unix socket and
prints the answer (~20 ms). Both ways run the same `mgrctl.run`, so the replies, exit codes,
journal lines and faults are the same. Where no core listens (the demo, the benchmark, a
stand-in reopened later), `mgrctl` runs the call itself.

Client side (`entry`, `forward`, `emit`): marshal, os, socket and sys only (not json, typing
or pathlib: ~8 ms of imports), so the forwarding `mgrctl` starts fast. Both ends are the same
interpreter (the script's shebang is the creating process's), so marshal's format is shared;
the socket lies in a 0700 directory, so only this user's processes reach it, and marshal builds
data, never runs it. The server side imports its modules when it starts.
"""

from __future__ import annotations

import marshal
import os
import socket
import sys

TYPE_CHECKING = False  # not typing's: see above
if TYPE_CHECKING:
    import socketserver
    import threading
    from pathlib import Path
    from typing import Any

#: Under `$ROOT`: holds the path of the core's socket. The socket itself lives in a short
#: temporary directory: a unix socket's path may not exceed 107 bytes; `$ROOT` under pytest's
#: tmp_path may.
ADDRESS_FILE = os.path.join("var", "mgrctl.core")


class CoreStopped(Exception):
    """The stand-in was closed while a call waited (a `hang` or `slow` fault): the call is
    dropped, so it never writes into a database the next test already uses."""


def emit(code: int, out: str, err: str) -> int:
    """Print one call's answer as mgrctl does (an XML reply gets its declaration); -> exit code."""
    if out.startswith("<doc"):
        sys.stdout.write('<?xml version="1.0" encoding="UTF-8"?>\n' + out + "\n")
    elif out:
        sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    return code


def forward(root: str, argv: list[str]) -> int | None:
    """Hand the call to the core; None when no core listens (then nothing was sent)."""
    try:
        with open(os.path.join(root, ADDRESS_FILE), encoding="utf-8") as file:
            address = file.read()
    except OSError:
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        try:
            conn.connect(address)
        except OSError:
            return None
        request = {
            "argv": argv,
            "environ": dict(os.environ),
            "cwd": os.getcwd(),
            "pid": os.getpid(),
        }
        try:
            conn.sendall(marshal.dumps(request))
            conn.shutdown(socket.SHUT_WR)
            reply = b"".join(iter(lambda: conn.recv(65536), b""))
        except OSError:
            reply = b""
    if not reply:  # connected, never answered: the call may have run, so it is not run here
        return emit(1, "", "mgrctl: the stand-in's core stopped during the call\n")
    answer = marshal.loads(reply)  # noqa: S302 (see the module's docstring)
    return emit(int(answer["code"]), str(answer["out"]), str(answer["err"]))


def entry(argv: list[str], root: str) -> int:
    """The generated `mgrctl` script's body: forward to the core, else run the call here."""
    code = forward(root, argv)
    if code is None:
        from pmenomssl.sandbox.billmanager.mgrctl import main

        code = main(argv, root=root)
    return code


class Core:
    """Serves one stand-in `$ROOT`'s mgrctl calls from threads of this process until `stop`."""

    def __init__(self, root: Path) -> None:
        import socketserver
        import tempfile
        import threading
        from pathlib import Path

        self.root = root
        self._stopped = threading.Event()
        self._directory = Path(tempfile.mkdtemp(prefix="mgrcore"))  # mode 0700
        address = str(self._directory / "s")
        self._server = socketserver.ThreadingUnixStreamServer(
            address, _handler(root, self._stopped)
        )
        self._server.daemon_threads = True  # a call held by a `hang` fault never blocks the stop
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # how long `stop` waits (0.5 s by default, per test)
            name=f"mgrctl core {root}",
            daemon=True,
        )
        self._thread.start()
        (root / ADDRESS_FILE).write_text(address, encoding="utf-8")

    def stop(self) -> None:
        """Stop answering: later `mgrctl` calls run themselves; waiting calls are dropped."""
        (self.root / ADDRESS_FILE).unlink(missing_ok=True)
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        for leftover in self._directory.iterdir():
            leftover.unlink()
        self._directory.rmdir()


def _handler(root: Path, stopped: threading.Event) -> type[socketserver.StreamRequestHandler]:
    import socketserver

    from pmenomssl.sandbox.billmanager.mgrctl import Caller, run

    def wait(seconds: float) -> None:
        if stopped.wait(seconds):
            raise CoreStopped

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request: dict[str, Any] = marshal.loads(self.rfile.read())  # noqa: S302
            caller = Caller(pid=int(request["pid"]), cwd=str(request["cwd"]), sleep=wait)
            try:
                code, out, err = run(list(request["argv"]), root, dict(request["environ"]), caller)
            except CoreStopped:
                return  # no answer: the client says the core stopped
            answer = {"code": code, "out": out, "err": err}
            self.wfile.write(marshal.dumps(answer))

    return Handler
