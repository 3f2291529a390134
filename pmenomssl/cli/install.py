"""`pmenomssl install`: put the module into BILLmanager (see pmenomssl.operator.install)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmenomssl import config

EXAMPLES = """\
examples:
  # install as `pmenomsslpy` beside BILLmanager's stock pmenomssl (survives panel updates)
  pmenomssl install --name pmenomsslpy

  # AlmaLinux 8: the system python3 is 3.6, use the python39 package
  pmenomssl install --name pmenomsslpy --python /usr/bin/python3.9

  # no access to PyPI: dependencies from a wheelhouse made with `pip download`
  pmenomssl install --name pmenomsslpy --find-links /root/wheels

exit status: 0 installed, 1 refused or failed (the message says why and what to do).
"""


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(config.DEFAULT_MGR_ROOT),
        help="BILLmanager's root (default: %(default)s)",
    )
    parser.add_argument(
        "--name",
        default="pmenomssl",
        help="module name = executable and XML name (default: %(default)s; "
        "`pmenomsslpy` keeps BILLmanager's stock pmenomssl untouched)",
    )
    parser.add_argument(
        "--no-restart",
        action="store_true",
        help="do not run `mgrctl -m billmgr -R` afterwards",
    )


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install",
        help="install the module into BILLmanager (venv, wrapper, module XML)",
        description=(
            "Create $ROOT/lib/NAME/venv with this package, the executable $ROOT/processing/NAME "
            "and the description $ROOT/etc/xml/billmgr_mod_NAME.xml, then restart BILLmanager. "
            "Idempotent; every replaced file is backed up and `pmenomssl uninstall` restores it."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the Python (3.9+) the module's venv is made from (default: this one)",
    )
    parser.add_argument(
        "--replace-stock",
        action="store_true",
        help="replace BILLmanager's own pmenomssl (or another program at processing/NAME); "
        "a panel update can restore the stock one, another --name avoids that",
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
    from pmenomssl.operator.install import InstallError, InstallOptions, install

    options = InstallOptions(
        root=args.root,
        name=args.name,
        python=args.python,
        restart=not args.no_restart,
        replace_stock=args.replace_stock,
        system_site_packages=args.system_site_packages,
        find_links=args.find_links,
        link_deps_from=args.link_deps_from,
    )
    try:
        install(options, say=lambda line: print(line, flush=True))
    except InstallError as exc:
        print(f"pmenomssl install: {exc}", file=sys.stderr)
        return 1
    print(
        f"installed {args.name}; check it with `pmenomssl doctor --root {args.root} --name "
        f"{args.name}`"
    )
    return 0
