"""The command-line scaffolding shared by `pmenomssl sandbox enom` and `... upstream`.

Each sandbox's own `cli.py` describes its command (`SandboxCommand`), adds its own options, says
how to open the sandbox and prints its banner; this module holds the parts that are the same:
the first options (where to listen, the login, the password file, the balance), the secret
(generated, or read from a file that is never printed), listening, and serving until
SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SandboxCommand:
    """One sandbox's command line: its name, its first options' spellings and defaults."""

    prog: str
    description: str
    default_port: int
    login_option: str  # the login the sandbox accepts: "--uid" (ENOM), "--username" (upstream)
    login_default: str
    login_help: str
    credential_file_option: str  # "--pw-file" (ENOM), "--password-file" (upstream)
    credential_name: str  # what the file holds, for --help
    default_balance: Decimal

    def build_parser(self) -> argparse.ArgumentParser:
        """The parser with the options every sandbox has; the caller adds its own after them."""
        parser = argparse.ArgumentParser(prog=self.prog, description=self.description)
        parser.add_argument(
            "--port", type=int, default=self.default_port, help="TCP port (0: any free port)"
        )
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument(self.login_option, default=self.login_default, help=self.login_help)
        parser.add_argument(
            self.credential_file_option,
            help=f"file holding the {self.credential_name} to accept (never printed); "
            "default: a generated one, printed",
        )
        parser.add_argument("--balance", type=decimal_amount, default=self.default_balance)
        return parser

    def main(
        self,
        args: argparse.Namespace,
        make: Callable[[str], _Sandbox],
        banner: Callable[[_Sandbox, str], Sequence[str]],
    ) -> int:
        """Open the sandbox (`make(password)`), print `banner(sandbox, password line)`, serve
        until SIGTERM/SIGINT; the exit status (see `open_or_exit_status` for the failures)."""
        secret_file = getattr(args, self.credential_file_option.lstrip("-").replace("-", "_"))
        opened = open_or_exit_status(self.prog, secret_file, args.host, args.port, make)
        if isinstance(opened, int):
            return opened
        sandbox, secret_line = opened
        serve(sandbox, banner(sandbox, secret_line))
        return 0


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
