"""What a handler declares about its operator executable, in `<handler package>.operator`.

A handler owns its room: its subcommands, their texts and what its `install`, `uninstall` and
`demo` say all live under its own package (`handlers/<name>/operator/`), whose `__init__.py`
holds one `ROOM`. The framework's dispatcher (`pmenomssl.cli`) finds that package through the
handler and builds the executable from it; the generic subcommands (`install`, `uninstall`,
`demo`) read their texts from it.

Records, not dataclasses: the rooms' `__init__` is imported beside the handler's own modules.
"""

from __future__ import annotations

from pmenomssl.records import TYPE_CHECKING, record

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The attribute of a room's package that holds its Room.
ROOM_ATTRIBUTE = "ROOM"


@record(frozen=True)
class Texts:
    """A subcommand's --help: the line in the executable's list, the description, the
    examples (with the exit statuses) shown after the options."""

    help: str
    description: str
    examples: str


@record(frozen=True)
class Installation:
    """What `install` and `uninstall` say for this handler's kind of module."""

    #: Its examples: only the usual install, commented; the examples every kind shares
    #: (another Python, a wheelhouse) and the exit statuses follow.
    install: Texts
    #: Its examples: only the command lines; the exit statuses follow.
    uninstall: Texts
    #: --name's help (`%(default)s` is the kind's default module name).
    name_help: str
    #: Printed after a successful install; `{name}`, `{root}` and `{wrapper}` are filled in.
    done: str
    #: --replace-stock's help; None: this kind has no such option (it never replaces a module).
    replace_stock_help: str | None = None
    #: What the shared install examples add to `<prog> install` (` --name pmenomsslpy`).
    example_options: str = ""


@record(frozen=True)
class BalanceSpec:
    """What `balance` says, and whether a --module of another module name is refused."""

    help: str
    description: str
    #: The progress line while the handler's getbalance runs.
    asking: str
    #: The balance column's header.
    header: str
    own_modules_only: bool


@record(frozen=True)
class DemoSpec:
    """What `demo` says and runs for this handler."""

    texts: Texts
    #: `module:Class` of the demo; the module also has DEFAULT_DOMAIN (and DEFAULT_LOG_COPY
    #: when `keeps_log`). `{log_copy}` in the examples is DEFAULT_LOG_COPY.
    runner: str
    domain_help: str
    log_help: str
    #: Whether the module's log is copied out by default (else only with --log).
    keeps_log: bool


@record(frozen=True)
class Room:
    """One handler's operator executable."""

    #: The executable's name (`pmenomssl`, `pmbillreseller`), in help and error messages.
    prog: str
    #: The handler's entry-point name, which the installer knows its kind by.
    handler: str
    description: str
    #: subcommand -> module with `add_parser(subparsers, name, room)` and `run(args) -> int`
    #: (`args.room` is this Room); the order is the order of the help's list.
    subcommands: Mapping[str, str]
    #: With an epilog, the top-level help keeps its layout and the description is wrapped by
    #: the dispatcher; without one, argparse wraps the description itself.
    epilog: str | None = None
    installation: Installation | None = None
    demo: DemoSpec | None = None
    balance: BalanceSpec | None = None
