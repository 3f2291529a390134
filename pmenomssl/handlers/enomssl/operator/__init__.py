"""The ENOM SSL handler's room: `pmenomssl`'s subcommands for people, and what its generic ones
(`install`, `uninstall`, `demo`) say. The dispatcher (`pmenomssl.cli`) reads `ROOM`.

    check.py      the settings form's connection test, by hand
    products.py   the certificate templates with ENOM's codes and prices
    status.py     a certificate service as BILLmanager and ENOM see it
    sync.py       sync_item for every certificate of a module, in bulk
"""

from __future__ import annotations

from pmenomssl.cli.room import BalanceSpec, DemoSpec, Installation, Room, Texts

_INSTALL = Texts(
    help="install the module into BILLmanager (venv, wrapper, module XML)",
    description=(
        "Create $ROOT/lib/NAME/venv with this package, the executable $ROOT/processing/NAME "
        "and the description $ROOT/etc/xml/billmgr_mod_NAME.xml, then restart BILLmanager. "
        "Idempotent; every replaced file is backed up and `pmenomssl uninstall` restores it."
    ),
    examples="""\
  # install as `pmenomsslpy` beside BILLmanager's stock pmenomssl (survives panel updates)
  pmenomssl install --name pmenomsslpy
""",
)

_UNINSTALL = Texts(
    help="remove a module installed by `pmenomssl install`, restoring what it replaced",
    description=(
        "Remove the wrapper, the module XML and the venv that `pmenomssl install` created "
        "(as listed in $ROOT/lib/NAME/install.json), put back the files it replaced, and "
        "restart BILLmanager. The log and the product cache in $ROOT/var stay."
    ),
    examples="""\
  pmenomssl uninstall --name pmenomsslpy
  pmenomssl uninstall --root /usr/local/mgr5 --name pmenomssl --no-restart
""",
)

_DEMO = Texts(
    help="run the whole certificate lifecycle against local stand-ins (no network)",
    description=(
        "Run the whole lifecycle of an SSL certificate with the real module, as BILLmanager "
        "runs it, against an ENOM sandbox on 127.0.0.1 and a BILLmanager stand-in with an "
        "SQLite database, all in a temporary directory. Takes a few seconds."
    ),
    examples="""\
examples:
  # the whole lifecycle: features, check, balance, order, issue, renewal, close
  pmenomssl demo

  # another sample domain, and keep the temporary BILLmanager root to look around in it
  pmenomssl demo --domain www.example.org --keep

exit status: 0 every step worked, 1 a step failed (the output says which and why).
The module's log is copied to {log_copy} (see --log).
""",
)

ROOM = Room(
    prog="pmenomssl",
    handler="pmenomssl",
    description=(
        "ENOM SSL certificates for BILLmanager 6. BILLmanager runs this program as "
        "`pmenomssl --command NAME`; the subcommands below are for people."
    ),
    # In the order of the help's list.
    subcommands={
        "balance": "pmenomssl.cli.balance",
        "check": "pmenomssl.handlers.enomssl.operator.check",
        "csr": "pmenomssl.cli.csr",
        "doctor": "pmenomssl.cli.doctor",
        "install": "pmenomssl.cli.install",
        "demo": "pmenomssl.cli.demo",
        "logs": "pmenomssl.cli.logs",
        "products": "pmenomssl.handlers.enomssl.operator.products",
        "sandbox": "pmenomssl.cli.sandbox",
        "uninstall": "pmenomssl.cli.uninstall",
        "status": "pmenomssl.handlers.enomssl.operator.status",
        "sync": "pmenomssl.handlers.enomssl.operator.sync",
    },
    installation=Installation(
        install=_INSTALL,
        uninstall=_UNINSTALL,
        name_help=(
            "module name = executable and XML name (default: %(default)s; "
            "`pmenomsslpy` keeps BILLmanager's stock pmenomssl untouched)"
        ),
        done="installed {name}; check it with `pmenomssl doctor --root {root} --name {name}`",
        replace_stock_help=(
            "replace BILLmanager's own pmenomssl (or another program at processing/NAME); "
            "a panel update can restore the stock one, another --name avoids that"
        ),
        example_options=" --name pmenomsslpy",
    ),
    demo=DemoSpec(
        texts=_DEMO,
        runner="pmenomssl.handlers.enomssl.operator.demo:Demo",
        domain_help="the sample domain to order a certificate for (default: %(default)s)",
        log_help="where to keep a copy of the module's log (default: %(default)s)",
        keeps_log=True,
    ),
    balance=BalanceSpec(
        help="show the ENOM account balance of each processing module",
        description=(
            "Ask ENOM for the available balance of each processing module (GetBalance) and "
            "save it in BILLmanager, as BILLmanager's periodic getbalance does."
        ),
        asking="asking ENOM for the balance",
        header="available balance",
        # Unlike pmbillreseller, a --module of another module name is asked all the same.
        own_modules_only=False,
    ),
)
