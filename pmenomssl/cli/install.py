"""`<executable> install`: put the handler's kind of module into BILLmanager (see
pmenomssl.operator.install). What the kind differs in (default name, wrapper target, whether it
may replace a stock module) is the installer's; what `install` says is the handler's room's
(`Room.installation`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import error, new_parser

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Installation, Room
    from pmenomssl.operator.kinds import ModuleKind


def installation(room: Room) -> tuple[Installation, ModuleKind]:
    """What `install`/`uninstall` say for `room`'s handler, and its kind of module."""
    from pmenomssl.operator.kinds import by_handler

    if room.installation is None:
        raise RuntimeError(f"{room.prog} declares no installation texts in its room")
    return room.installation, by_handler(room.handler)


#: The examples every kind's `install` shows after its usual one (`{usual}`); `{install}` is
#: `<executable> install` with the kind's example options.
INSTALL_EXAMPLES = """\
examples:
{usual}
  # AlmaLinux 8: the system python3 is 3.6, use the python39 package
  {install} --python /usr/bin/python3.9

  # no access to PyPI: dependencies from a wheelhouse made with `pip download`
  {install} --find-links /root/wheels

exit status: 0 installed, 1 refused or failed (the message says why and what to do).
"""
UNINSTALL_EXAMPLES = """\
examples:
{lines}
exit status: 0 removed, 1 nothing installed under that name or a step failed.
"""


def location_parser(
    subparsers: Subparsers, name: str, room: Room, *, uninstall: bool
) -> argparse.ArgumentParser:
    """Register `install` or `uninstall` with the room's texts (descriptions as written: the
    raw formatter keeps them on one line each) and their shared options: --root, --name
    (default: the kind's name), --no-restart."""
    texts, kind = installation(room)
    if uninstall:
        shown, examples = texts.uninstall, UNINSTALL_EXAMPLES.format(lines=texts.uninstall.examples)
    else:
        install = f"{room.prog} install{texts.example_options}"
        shown = texts.install
        examples = INSTALL_EXAMPLES.format(usual=texts.install.examples, install=install)
    parser = new_parser(
        subparsers,
        name,
        help=shown.help,
        description=shown.description,
        examples=examples,
        wrap=False,
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(config.DEFAULT_MGR_ROOT),
        help="BILLmanager's root (default: %(default)s)",
    )
    parser.add_argument("--name", default=kind.default_name, help=texts.name_help)
    parser.add_argument(
        "--no-restart",
        action="store_true",
        help="do not run `mgrctl -m billmgr -R` afterwards",
    )
    return parser


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `<executable> install`: location, --python, --replace-stock (only where the
    room gives it a help: only a kind that may replace a stock module has it) and the
    dependency options."""
    parser = location_parser(subparsers, name, room, uninstall=False)
    texts, _ = installation(room)
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the Python (3.9+) the module's venv is made from (default: this one)",
    )
    if texts.replace_stock_help is not None:
        parser.add_argument("--replace-stock", action="store_true", help=texts.replace_stock_help)
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


def say(line: str) -> None:
    """The installer's progress, line by line as it happens."""
    print(line, flush=True)


def run(args: argparse.Namespace) -> int:
    """Carry out `<executable> install` of the room's kind; return the exit status."""
    from pmenomssl.operator.install import install
    from pmenomssl.operator.layout import InstallError, InstallOptions

    texts, kind = installation(args.room)
    options = InstallOptions(
        root=args.root,
        name=args.name,
        python=args.python,
        restart=not args.no_restart,
        replace_stock=getattr(args, "replace_stock", False),
        system_site_packages=args.system_site_packages,
        find_links=args.find_links,
        link_deps_from=args.link_deps_from,
        handler=kind.handler,
    )
    try:
        install(options, say=say)
    except InstallError as exc:
        return error("install", str(exc), executable=kind.command)
    wrapper = args.root / "processing" / args.name
    print(texts.done.format(name=args.name, root=args.root, wrapper=wrapper))
    return 0
