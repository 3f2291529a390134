"""What the operator subcommands of every executable (`pmenomssl`, `pmbillreseller`) share: the
log, a handler Context, messages, the password options, and the parts of `balance` and
`install`/`uninstall` that are the same for every kind of module.

Operator subcommands reuse the handler's own functions (check_connection, getbalance, the
product cache, Service) with a Context built here, so a person gets exactly the behaviour and
the cause-and-fix texts BILLmanager gets. What differs between the executables (texts, the
password's environment variable, which handler) is a parameter here.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmenomssl import config, log

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from lxml import etree

    from pmenomssl.handlers.base import Context
    from pmenomssl.operator.progress import Progress

logger = logging.getLogger(__name__)


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


# --- the password: never an argument ------------------------------------------------------------


class UsageError(Exception):
    """Wrong arguments or no password: exit status 2 with this message."""


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
    """--password-file FILE, and a hidden --password/--pw that is refused. The parser needs
    `allow_abbrev=False`: `--password X` must not pass for `--password-file X`."""
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


def settings_form(values: Iterable[tuple[str, str]]) -> etree._Element:
    """The settings form's submission (`<doc><processingmodule><NAME>value…`) that
    check_connection reads."""
    from lxml import etree

    doc = etree.Element("doc")
    node = etree.SubElement(doc, "processingmodule")
    for name, value in values:
        etree.SubElement(node, name).text = value
    return doc


# --- balance -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    module_id: int
    name: str
    balance: str
    currency: str
    problem: str = ""


BALANCE_EXAMPLES = """\
examples:
  # every active processing module of this module's name
  {executable} balance

  # only processing module 3
  {executable} balance --module 3

exit status: 0 every balance was read, 1 at least one module failed (the output says why).
"""


def add_balance_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    executable: str,
    help: str,
    description: str,
) -> None:
    """Register `<executable> balance` (--module M)."""
    parser = subparsers.add_parser(
        name,
        help=help,
        description=paragraph(description),
        epilog=BALANCE_EXAMPLES.format(executable=executable),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--module",
        metavar="M",
        type=positive_int,
        help="only processing module M (default: every active module of this name)",
    )


def run_balance(
    args: argparse.Namespace,
    *,
    executable: str,
    asking: str,
    header: str,
    getbalance: Callable[[Context], etree._Element | None],
    own_modules_only: bool,
) -> int:
    """`<executable> balance`: the handler's `getbalance` for each processing module (or the
    one --module names), one row each; exit status 1 when one failed.

    `asking` labels the progress, `header` the balance column; with `own_modules_only`, a
    --module of another module name is refused before anything is asked."""
    from pmenomssl.billing import BillingGateway
    from pmenomssl.errors import ModuleError
    from pmenomssl.operator.progress import Progress

    start_log("balance", module=args.module)
    try:
        with BillingGateway(config.mgr_root()) as billing:
            if args.module is not None:
                modules = [billing.module(args.module)]
            else:
                modules = billing.modules_named(config.module_name())
    except ModuleError as exc:
        print(wrapped(exc.desc, "FAILED: "))
        return 1
    if not modules:
        return error(
            "balance",
            f"BILLmanager has no active processing module named {config.module_name()!r}: "
            "create one (Integration > Processing modules) or give --module M",
            executable=executable,
        )
    wrong = [m for m in modules if m.module != config.module_name()] if own_modules_only else []
    if wrong:
        return error(
            "balance",
            f"processing module {wrong[0].id} belongs to {wrong[0].module!r}, not "
            f"{config.module_name()!r}: give a {config.module_name()} module",
            executable=executable,
        )
    with Progress(asking, total=len(modules)) as progress:
        rows = [_balance(m.id, m.name, progress, getbalance) for m in modules]
    _print_balances(rows, header)
    return 1 if any(r.problem for r in rows) else 0


def _balance(
    module_id: int,
    name: str,
    progress: Progress,
    getbalance: Callable[[Context], etree._Element | None],
) -> BalanceRow:
    from pmenomssl.errors import ModuleError

    progress.show(f"module {module_id}")
    ctx = operator_context("getbalance", module=module_id)
    try:
        doc = getbalance(ctx)
    except ModuleError as exc:
        logger.error("balance of processing module %s: %s", module_id, exc.desc)
        return BalanceRow(module_id, name, "", "", exc.desc)
    finally:
        if ctx.billing_started:
            ctx.billing.close()
        progress.advance(f"module {module_id}")
    balance = doc.findtext("balance") if doc is not None else None
    if not balance:
        return BalanceRow(module_id, name, "", "", "the handler answered no balance")
    currency = doc.findtext("currency") if doc is not None else ""
    return BalanceRow(module_id, name, balance, currency or "")


def _print_balances(rows: list[BalanceRow], header: str) -> None:
    width = max(17, *(len(f"{r.module_id} {r.name}") for r in rows))
    print(f"{'processing module'.ljust(width)}  {header}")
    for row in rows:
        label = f"{row.module_id} {row.name}".ljust(width)
        if row.problem:
            print(wrapped(row.problem, f"{label}  FAILED: ", " " * (width + 4)))
        else:
            print(f"{label}  {row.balance} {row.currency}".rstrip())


# --- install / uninstall -------------------------------------------------------------------------


def add_location_options(
    parser: argparse.ArgumentParser, *, default_name: str, name_help: str
) -> None:
    """--root, --name and --no-restart (install and uninstall)."""
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(config.DEFAULT_MGR_ROOT),
        help="BILLmanager's root (default: %(default)s)",
    )
    parser.add_argument("--name", default=default_name, help=name_help)
    parser.add_argument(
        "--no-restart",
        action="store_true",
        help="do not run `mgrctl -m billmgr -R` afterwards",
    )


def add_install_options(
    parser: argparse.ArgumentParser,
    *,
    default_name: str,
    name_help: str,
    replace_stock_help: str | None = None,
) -> None:
    """The options of `install`: location, --python, --replace-stock (only with its help: only
    where the kind may replace a stock module) and the dependency options."""
    add_location_options(parser, default_name=default_name, name_help=name_help)
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the Python (3.9+) the module's venv is made from (default: this one)",
    )
    if replace_stock_help is not None:
        parser.add_argument("--replace-stock", action="store_true", help=replace_stock_help)
    deps = parser.add_argument_group("dependencies")
    deps.add_argument(
        "--find-links",
        metavar="DIR",
        help="install the dependencies offline from this wheelhouse (pip --no-index)",
    )
    deps.add_argument(
        "--system-site-packages",
        action="store_true",
        help="let the venv use the OS packages (python3-lxml, python3-cryptography, ...)",
    )
    deps.add_argument(
        "--link-deps-from",
        metavar="PYTHON",
        help="reuse the packages of the environment PYTHON runs in instead of installing the "
        "dependencies (tests, special set-ups; not for production)",
    )


def _say(line: str) -> None:
    print(line, flush=True)


def run_install(
    args: argparse.Namespace,
    *,
    executable: str,
    handler: str,
    done: str,
    replace_stock: bool = False,
) -> int:
    """`<executable> install` of the kind `handler`; print `done` when it worked."""
    from pmenomssl.operator.install import install
    from pmenomssl.operator.layout import InstallError, InstallOptions

    options = InstallOptions(
        root=args.root,
        name=args.name,
        python=args.python,
        restart=not args.no_restart,
        replace_stock=replace_stock,
        system_site_packages=args.system_site_packages,
        find_links=args.find_links,
        link_deps_from=args.link_deps_from,
        handler=handler,
    )
    try:
        install(options, say=_say)
    except InstallError as exc:
        return error("install", str(exc), executable=executable)
    print(done)
    return 0


def run_uninstall(args: argparse.Namespace, *, executable: str, handler: str | None) -> int:
    """`<executable> uninstall` (only an installation of the kind `handler`, if given)."""
    from pmenomssl.operator.install import uninstall
    from pmenomssl.operator.layout import InstallError

    try:
        uninstall(args.root, args.name, restart=not args.no_restart, say=_say, handler=handler)
    except InstallError as exc:
        return error("uninstall", str(exc), executable=executable)
    print(f"uninstalled {args.name}")
    return 0


# --- status --------------------------------------------------------------------------------------


def status_line(label: str, value: str) -> None:
    """One `label  value` line of `status` (the value wrapped under itself)."""
    print(wrapped(value, f"  {label:<22}", " " * 24) if value else f"  {label}")


def print_next(action: str) -> None:
    """The last paragraph of `status`: what happens next, in one sentence."""
    print()
    print(wrapped(action, "Next: ", "      "))
