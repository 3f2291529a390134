"""The command-line scaffolding shared by `pmenomssl sandbox enom` and `... upstream`.

Each sandbox's own `cli.py` keeps its options, its banner and its `main`; this module holds the
parts that are the same: an amount option, the secret (generated, or read from a file that is
never printed), listening, and serving until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from types import FrameType
from typing import TypeVar

from pmenomssl.sandbox.http import ADMIN_PREFIX, LoopbackSandbox

_Sandbox = TypeVar("_Sandbox", bound=LoopbackSandbox)


def decimal_amount(text: str) -> Decimal:
    """argparse type: an amount such as 5000.00."""
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount") from None


def add_listen_arguments(parser: argparse.ArgumentParser, default_port: int) -> None:
    """--port and --host, the first options of every sandbox."""
    parser.add_argument(
        "--port", type=int, default=default_port, help="TCP port (0: any free port)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")


def read_secret(path: str) -> str:
    """The password in `path` (stripped); ValueError if the file holds none."""
    with open(path, encoding="utf-8") as handle:
        secret = handle.read().strip()
    if not secret:
        raise ValueError(f"{path} is empty")
    return secret


def open_or_exit_status(
    prog: str, secret_file: str | None, host: str, port: int, make: Callable[[str], _Sandbox]
) -> tuple[_Sandbox, str] | int:
    """`make(password)` listening on host:port, and the line that shows the password: the
    generated one itself, a file's only as "(from FILE)". On failure the exit status, said on
    stderr: 2 if the file cannot be read, 1 if the sandbox cannot listen."""
    try:
        secret = secrets.token_urlsafe(18) if secret_file is None else read_secret(secret_file)
    except (OSError, ValueError) as exc:
        print(f"{prog}: cannot read the password file: {exc}", file=sys.stderr)
        return 2
    try:
        sandbox = make(secret)
    except OSError as exc:
        print(f"{prog}: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    return sandbox, secret if secret_file is None else f"(from {secret_file})"


def run(sandbox: LoopbackSandbox, stop: threading.Event) -> None:
    """Serve until `stop` is set."""
    sandbox.start()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        sandbox.stop()


def serve(sandbox: LoopbackSandbox, banner: Sequence[str]) -> None:
    """Print `banner` (where and who), the admin URL and how to stop; serve until
    SIGTERM/SIGINT."""
    for line in banner:
        print(line)
    print(f"admin: {sandbox.base_url}{ADMIN_PREFIX}state")
    print("Stop with Ctrl-C or SIGTERM.", flush=True)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    run(sandbox, stop)
