"""The password of a connection typed in on the command line: never an argument.

A password on the command line shows in `ps` and in the shell's history, so `--password` is
refused (without echoing it); it comes from `--password-file FILE`, else an environment
variable the executable names, else a prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, Any

from pmenomssl import log
from pmenomssl.cli.common import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence


class RefusePassword(argparse.Action):
    """`--password VALUE` is refused without echoing VALUE (argv shows in ps and history)."""

    def __init__(
        self, option_strings: Sequence[str], dest: str, *, password_env: str, **kwargs: Any
    ) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.password_env = password_env

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, str):
            log.register_secret(values)
        parser.error(
            f"{option_string} does not exist: a password on the command line shows in `ps` and "
            f"the shell's history. Use --password-file FILE, {self.password_env}, or the prompt."
        )


def add_password_options(parser: argparse.ArgumentParser, *, env: str, what: str) -> None:
    """--password-file FILE, and a hidden --password/--pw that is refused."""
    # `--password X` must not pass for an abbreviated `--password-file X` (argparse reads
    # this attribute when it parses, so setting it here is as good as at construction).
    parser.allow_abbrev = False
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help=f"read {what} from FILE (else {env}, else a prompt)",
    )
    parser.add_argument(
        "--password",
        "--pw",
        nargs="?",
        action=RefusePassword,
        password_env=env,
        help=argparse.SUPPRESS,
    )


def read_password(path: str | None, *, env: str, prompt: str) -> str:
    """The password from FILE, else the variable `env`, else a prompt on a terminal
    (UsageError when there is none); registered as a secret."""
    if path:
        from pmenomssl.cli import files

        try:
            with open(path, "rb") as handle:
                data = files.read_small(handle, path, files.MAX_PASSWORD_BYTES, "a password")
            password = data.decode("utf-8").rstrip("\r\n")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
        except (files.FileRefused, UnicodeDecodeError) as exc:
            # The message never quotes the content: it may be a password.
            reason = str(exc) if isinstance(exc, files.FileRefused) else "it is not UTF-8 text"
            raise UsageError(f"cannot use {path} as a password file: {reason}") from None
    elif os.environ.get(env):
        password = os.environ[env]
    elif sys.stdin.isatty():
        password = getpass.getpass(prompt)
    else:
        raise UsageError(
            f"no password: use --password-file FILE or {env}, or run it on a terminal to be asked"
        )
    log.register_secret(password)
    return password


def scripted_examples(command: str, *, env: str, from_file: str) -> str:
    """The --help examples of `command` (a full command line with its login) run from a
    script: the password from the file `from_file`, or from the variable `env`."""
    return (
        f"  # from a script: the password in a file (mode 0600) or in {env}\n"
        f"  {command} --password-file {from_file}\n"
        f"  {env}=... {command}\n"
    )


def refuse_login_with_module(args: argparse.Namespace) -> None:
    """UsageError when a login (--username, --password-file) comes with --module, whose
    stored settings have their own."""
    if args.module is not None and (args.username or args.password_file):
        raise UsageError("--username and --password-file go with --url, not --module")
