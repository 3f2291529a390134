"""The upstream-BILLmanager reseller handler's room: `pmbillreseller`'s subcommands for people,
and what its generic ones (`install`, `uninstall`, `demo`) say. The dispatcher
(`pmenomssl.cli`) reads `ROOM`.

    credentials.py  where the upstream credentials come from (typed in, or a module's)
    check.py        the settings form's connection test, by hand
    status.py       a service as BILLmanager and the upstream see it
    tariffs.py      the upstream's tariffs, to set up the local ones
"""

from __future__ import annotations

from pmenomssl.cli.room import BalanceSpec, DemoSpec, Installation, Room, Texts

_INSTALL = Texts(
    help="install the module into BILLmanager (venv, wrapper, module XML)",
    description=(
        "Create $ROOT/lib/NAME/venv with this package, the executable $ROOT/processing/NAME "
        "(which runs pmbillreseller) and the description $ROOT/etc/xml/billmgr_mod_NAME.xml, "
        "then restart BILLmanager. Idempotent. It never replaces a file another module "
        "owns (BILLmanager's stock modules, the ENOM module): it stops and says so."
    ),
    examples="""\
  # the usual: /usr/local/mgr5/processing/pmbillreseller and its XML, then a panel restart
  pmbillreseller install
""",
)

_UNINSTALL = Texts(
    help="remove a module installed by `pmbillreseller install`, restoring backups",
    description=(
        "Remove the wrapper, the module XML and the venv that `pmbillreseller install` "
        "created (as listed in $ROOT/lib/NAME/install.json) and restart BILLmanager. "
        "The log in $ROOT/var stays. An ENOM module is never removed by this command."
    ),
    examples="""\
  pmbillreseller uninstall
  pmbillreseller uninstall --root /usr/local/mgr5 --no-restart
""",
)

_DEMO = Texts(
    help="run the whole life of a resold VDS against local stand-ins (no network)",
    description=(
        "Run the whole life of a VDS resold from an upstream BILLmanager with the real "
        "module, as BILLmanager runs it, against an upstream sandbox on 127.0.0.1 and a "
        "BILLmanager stand-in with an SQLite database, all in a temporary directory that is "
        "removed afterwards. Takes a few seconds."
    ),
    examples="""\
examples:
  # the whole life: features, check, balance, order, sync, renewal, addon change,
  # suspend, resume, close
  pmbillreseller demo

  # another sample domain, keep a copy of the module's log, keep the temporary BILLmanager
  # root to look around in it
  pmbillreseller demo --domain vps.example.org --log demo.log --keep

exit status: 0 every step worked, 1 a step failed (the output says which and why; the
temporary directory with the module's log is then kept).
""",
)

ROOM = Room(
    prog="pmbillreseller",
    handler="pmbillreseller",
    description=(
        "Resell the services of an upstream BILLmanager (certificate, soft, vhost, vds, dedic) "
        "through its client API. BILLmanager runs this program as `pmbillreseller --command "
        "NAME`; the subcommands below are for people."
    ),
    epilog="""\
examples:
  pmbillreseller demo
  pmbillreseller check --url https://my.example.com/billmgr --username reseller
  pmbillreseller tariffs --module 3 --itemtype vds
  pmbillreseller status --item 42
""",
    # In the order of the help's list.
    subcommands={
        "balance": "pmenomssl.cli.balance",
        "check": "pmenomssl.handlers.billreseller.operator.check",
        "demo": "pmenomssl.cli.demo",
        "install": "pmenomssl.cli.install",
        "status": "pmenomssl.handlers.billreseller.operator.status",
        "tariffs": "pmenomssl.handlers.billreseller.operator.tariffs",
        "uninstall": "pmenomssl.cli.uninstall",
    },
    installation=Installation(
        install=_INSTALL,
        uninstall=_UNINSTALL,
        name_help="module name = executable and XML name (default: %(default)s)",
        done=(
            "installed {name}; check it with `{wrapper} check --module M` once the processing "
            "module exists"
        ),
    ),
    demo=DemoSpec(
        texts=_DEMO,
        runner="pmenomssl.handlers.billreseller.operator.demo:ResellerDemo",
        domain_help="the sample domain (the VDS's name) (default: %(default)s)",
        log_help="keep a copy of the module's log there (default: none, the log goes with the "
        "temporary directory)",
        keeps_log=False,
    ),
    balance=BalanceSpec(
        help="show (and save) the upstream balance of each processing module",
        description=(
            "Ask the upstream BILLmanager for the balance of each processing module's account "
            "and save it in BILLmanager (processing.savebalance), as BILLmanager's periodic "
            "getbalance does."
        ),
        asking="asking the upstream for the balance",
        header="balance",
        own_modules_only=True,
    ),
)
