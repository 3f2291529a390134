"""What the operator subcommands of every executable (`pmenomssl`, `pmbillreseller`) share: the
parser scaffolding, the log, a handler Context, the handler's own commands, and the output
conventions. The password options are in `password.py`, what both `check`s share in `check.py`,
balance in `balance.py`, install and uninstall in `install.py`/`uninstall.py`.

Operator subcommands reuse the handler's own functions (check_connection, getbalance, the
product cache, Service) with a Context built here, so a person gets exactly the behaviour and
the cause-and-fix texts BILLmanager gets. What differs between the executables (texts, the
password's environment variable, which handler) is a parameter here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lxml import etree

    from pmenomssl.errors import ModuleError
    from pmenomssl.handlers.base import Context, Output

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


logger = logging.getLogger(__name__)

#: --module's help wherever the default is every module of this name (balance, sync).
EVERY_MODULE_HELP = "only processing module M (default: every active module of this name)"


class UsageError(Exception):
    """Wrong arguments or no password: the dispatcher prints `<executable> <subcommand>:
    message` and exits with status 2."""


def new_parser(
    subparsers: Subparsers,
    name: str,
    *,
    help: str,
    description: str,
    examples: str,
    wrap: bool = True,
) -> argparse.ArgumentParser:
    """Register the subcommand `name`: its line in the executable's help, its description
    (wrapped here unless `wrap` is false: the raw formatter keeps the examples' layout, and so
    the description's too) and its examples after the options."""
    return subparsers.add_parser(
        name,
        help=help,
        description=paragraph(description) if wrap else description,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_item_option(parser: argparse.ArgumentParser) -> None:
    """--item I, required: the service a subcommand is about."""
    parser.add_argument(
        "--item", metavar="I", type=positive_int, required=True, help="the service (item) id"
    )


def add_module_option(parser: argparse._ActionsContainer, help: str) -> None:
    """--module M: one processing module."""
    parser.add_argument("--module", metavar="M", type=positive_int, help=help)


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


def handler_command(handler: str, command: str) -> Callable[[Context], Output]:
    """The own implementation of `command` of the handler registered as `handler` (the
    panel's behaviour)."""
    from pmenomssl.handlers import load_handler

    method = load_handler(handler).method_for(command)
    if method is None:
        raise RuntimeError(f"the {handler} handler has no {command} command")
    return method


def output_document(output: Output) -> etree._Element | None:
    """A command's output as an lxml element (None for no output)."""
    from lxml import etree

    if output is None:
        return None
    if isinstance(output, etree._Element):
        return output
    data = output if isinstance(output, bytes) else output.to_bytes()  # the minimal writer's
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(data, parser)


def settings_form(values: Iterable[tuple[str, str]]) -> etree._Element:
    """The settings form's submission (`<doc><processingmodule><NAME>value…`) that
    check_connection reads."""
    from lxml import etree

    doc = etree.Element("doc")
    node = etree.SubElement(doc, "processingmodule")
    for name, value in values:
        etree.SubElement(node, name).text = value
    return doc


def var_writable(root: Path) -> bool:
    """Whether `$ROOT/var` exists and this user may write the product cache into it."""
    var = root / "var"
    return var.is_dir() and os.access(var, os.W_OK)


def error(prog: str, message: str, status: int = 1, *, executable: str = "pmenomssl") -> int:
    """Print `<executable> <prog>: message` on stderr and return `status`."""
    sys.stderr.write(f"{executable} {prog}: {message}\n")
    return status


def positive_int(text: str) -> int:
    """argparse type for ids."""
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


def failed(desc: str) -> int:
    """Print `FAILED: desc` (wrapped) and return exit status 1."""
    print(wrapped(desc, "FAILED: "))
    return 1


def logged_failure(command: str, exc: ModuleError) -> int:
    """`failed`, with the error in the module's log too."""
    logger.error("%s failed: %s (%s)", command, exc.desc, exc.error_type)
    return failed(exc.desc)


# --- status --------------------------------------------------------------------------------------


def status_line(label: str, value: str) -> None:
    """One `label  value` line of `status` (the value wrapped under itself)."""
    print(wrapped(value, f"  {label:<22}", " " * 24) if value else f"  {label}")


def print_next(action: str) -> None:
    """The last paragraph of `status`: what happens next, in one sentence."""
    print()
    print(wrapped(action, "Next: ", "      "))
