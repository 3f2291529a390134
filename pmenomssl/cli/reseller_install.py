"""`pmbillreseller install` / `uninstall`: put the reseller module into BILLmanager, or take it out
(pmenomssl.operator.install, kind BILLRESELLER: its own venv, wrapper and module XML; it never
replaces another module, BILLmanager's stock ones included)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmenomssl import config
from pmenomssl.operator.kinds import BILLRESELLER

INSTALL_EXAMPLES = """\
examples:
  # the usual: /usr/local/mgr5/processing/pmbillreseller and its XML, then a panel restart
  pmbillreseller install

  # AlmaLinux 8: the system python3 is 3.6, use the python39 package
  pmbillreseller install --python /usr/bin/python3.9

  # no access to PyPI: dependencies from a wheelhouse made with `pip download`
  pmbillreseller install --find-links /root/wheels

exit status: 0 installed, 1 refused or failed (the message says why and what to do).
"""

UNINSTALL_EXAMPLES = """\
examples:
  pmbillreseller uninstall
  pmbillreseller uninstall --root /usr/local/mgr5 --no-restart

exit status: 0 removed, 1 nothing installed under that name or a step failed.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(config.DEFAULT_MGR_ROOT),
        help="BILLmanager's root (default: %(default)s)",
    )
    parser.add_argument(
        "--name",
        default=BILLRESELLER.default_name,
        help="module name = executable and XML name (default: %(default)s)",
    )
    parser.add_argument(
        "--no-restart",
        action="store_true",
        help="do not run `mgrctl -m billmgr -R` afterwards",
    )


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    if name == "uninstall":
        parser = subparsers.add_parser(
            "uninstall",
            help="remove a module installed by `pmbillreseller install`, restoring backups",
            description=(
                "Remove the wrapper, the module XML and the venv that `pmbillreseller install` "
                "created (as listed in $ROOT/lib/NAME/install.json) and restart BILLmanager. "
                "The log in $ROOT/var stays. An ENOM module is never removed by this command."
            ),
            epilog=UNINSTALL_EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _common(parser)
        return
    parser = subparsers.add_parser(
        "install",
        help="install the module into BILLmanager (venv, wrapper, module XML)",
        description=(
            "Create $ROOT/lib/NAME/venv with this package, the executable $ROOT/processing/NAME "
            "(which runs pmbillreseller) and the description $ROOT/etc/xml/billmgr_mod_NAME.xml, "
            "then restart BILLmanager. Idempotent. It never replaces a file another module "
            "owns (BILLmanager's stock modules, the ENOM module): it stops and says so."
        ),
        epilog=INSTALL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(parser)
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the Python (3.9+) the module's venv is made from (default: this one)",
    )
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


def run(args: argparse.Namespace) -> int:
    from pmenomssl.operator.install import InstallError, InstallOptions, install, uninstall

    say = lambda line: print(line, flush=True)  # noqa: E731
    try:
        if args.subcommand == "uninstall":
            uninstall(
                args.root,
                args.name,
                restart=not args.no_restart,
                say=say,
                handler=BILLRESELLER.handler,
            )
            print(f"uninstalled {args.name}")
            return 0
        options = InstallOptions(
            root=args.root,
            name=args.name,
            python=args.python,
            restart=not args.no_restart,
            system_site_packages=args.system_site_packages,
            find_links=args.find_links,
            link_deps_from=args.link_deps_from,
            handler=BILLRESELLER.handler,
        )
        install(options, say=say)
    except InstallError as exc:
        print(f"pmbillreseller {args.subcommand}: {exc}", file=sys.stderr)
        return 1
    print(
        f"installed {args.name}; check it with `{args.root / 'processing' / args.name} check "
        "--module M` once the processing module exists"
    )
    return 0
