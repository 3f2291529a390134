"""What the operator subcommands share: the log, a handler Context, and messages.

Operator subcommands reuse the handler's own functions (check_connection, getbalance, the
product cache, Service) with a Context built here, so a person gets exactly the behaviour and
the cause-and-fix texts BILLmanager gets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log

if TYPE_CHECKING:
    from lxml import etree

    from pmenomssl.handlers.base import Context


def start_log(command: str, *, item: int | None = None, module: int | None = None) -> Path:
    """Log this run to the module's log file, tagged `[<command> item=… module=…]`."""
    path = log.setup(config.module_name())
    log.set_context(command, item=item, module=module)
    return path


def operator_context(
    command: str,
    *,
    item: int | None = None,
    module: int | None = None,
    document: etree._Element | None = None,
    root: Path | None = None,
) -> Context:
    """A handler Context for an operator run (BILLmanager's root and module name)."""
    from pmenomssl.handlers.base import Context
    from pmenomssl.protocol.args import Invocation

    invocation = Invocation(command=command, item=item, module=module)
    return Context(
        invocation,
        module_name=config.module_name(),
        root=root if root is not None else config.mgr_root(),
        document=document,
    )


def var_writable(root: Path) -> bool:
    """Whether `$ROOT/var` exists and this user may write the product cache into it."""
    var = root / "var"
    return var.is_dir() and os.access(var, os.W_OK)


def error(prog: str, message: str, status: int = 1) -> int:
    """Print `pmenomssl <prog>: message` on stderr and return `status`."""
    sys.stderr.write(f"pmenomssl {prog}: {message}\n")
    return status


def positive_int(text: str) -> int:
    """argparse type for ids."""
    import argparse

    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return int(text)


def wrapped(text: str, first: str = "", rest: str = "    ", width: int = 100) -> str:
    """`text` wrapped for a terminal: `first` before the first line, `rest` before the others."""
    import textwrap

    return "\n".join(
        textwrap.wrap(
            text,
            width=width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def paragraph(text: str, width: int = 79) -> str:
    """A --help description, wrapped here because the raw formatter keeps the epilog's layout."""
    import textwrap

    return textwrap.fill(text, width=width)
