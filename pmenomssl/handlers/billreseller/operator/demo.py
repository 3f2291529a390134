"""`pmbillreseller demo`: the whole life of a resold VDS on embedded defaults, with no network.

In the frame of `pmenomssl.operator.demo` (a temporary directory, the BILLmanager stand-in with
an SQLite database, the REAL module run as BILLmanager runs it: `pmbillreseller --command NAME
…`, cwd `$ROOT`), with an upstream-BILLmanager sandbox in this process on 127.0.0.1.

Set-up: a processing module `pmbillreseller` with the sandbox's URL, username and password (the
password crypted, as BILLmanager stores it), a local vds tariff whose internal name is the
upstream tariff id 21 and a service on it with one addon (upstream addon 211, RAM in GB).

Steps: features, check_connection, getbalance, open (the upstream keeps the new service pending
for ACTIVATE_AFTER list reads), sync_item until active, prolong, setparam with more RAM,
suspend, resume, close. Each step says what the upstream was asked and charged (the sandbox's
records) and where the local service stands (the stand-in's database). Nothing is left outside
the temporary directory unless asked for (`--log PATH`, `--keep`).
"""

from __future__ import annotations

import collections
import shutil
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from pmenomssl.operator.demo import DemoFailed, LifecycleDemo, count_lines

if TYPE_CHECKING:
    from pmenomssl.sandbox.upstream import UpstreamSandbox

MODULE_NAME = "pmbillreseller"
DEFAULT_DOMAIN = "vds.example.com"
DEMO_MODULE_TITLE = "Upstream BILLmanager (demo)"
ITEMTYPE = "vds"
UPSTREAM_TARIFF = "21"  # the sandbox's VDS-1: 300,00 a month
UPSTREAM_ADDON = "211"  # RAM, GB: 50,00 per GB a month
ADDON_VALUE = 2
ADDON_NEW_VALUE = 4
PERIOD_MONTHS = 1
OSTEMPL = "Debian-12"
SANDBOX_BALANCE = Decimal("10000.00")
SANDBOX_CURRENCY = "RUB"
# List reads the upstream needs before a new service is active: open sees it "processing".
ACTIVATE_AFTER = 2
MAX_SYNCS = 6
STEPS = 11

# item.status in BILLmanager
LOCAL_STATUS = {1: "ordered", 2: "active", 3: "suspended", 4: "closed", 5: "processing"}


class ResellerDemo(LifecycleDemo):
    """One run of `pmbillreseller demo`; `run()` returns the exit status."""

    module_name: ClassVar[str] = MODULE_NAME
    python_module: ClassVar[str] = "pmenomssl.cli.billreseller"
    total_steps: ClassVar[int] = STEPS
    default_domain: ClassVar[str] = DEFAULT_DOMAIN

    def __post_init__(self) -> None:
        super().__post_init__()
        self.upstream: UpstreamSandbox | None = None
        self.addon_item_id = 0
        self._calls: collections.Counter[str] = collections.Counter()
        self._orders = 0
        self._prolongs = 0

    # --- reading both sides ------------------------------------------------------------------

    @property
    def up(self) -> UpstreamSandbox:
        assert self.upstream is not None
        return self.upstream

    def mark(self) -> None:
        """Remember the upstream's records, so that `new_calls` shows one step's calls."""
        self._calls = collections.Counter(self.up.calls)
        self._orders = len(self.up.orders)
        self._prolongs = len(self.up.prolongs)

    def new_calls(self) -> str:
        counts = collections.Counter(self.up.calls)
        counts.subtract(self._calls)
        shown = [f"{f}" + (f" x{n}" if n > 1 else "") for f, n in counts.items() if n > 0]
        return ", ".join(shown) or "none"

    def upstream_id(self) -> str:
        return self.params().get("upstream_id", "")

    def upstream_status(self) -> str:
        from pmenomssl.sandbox.upstream.services import STATUS_NAMES

        service_id = self.upstream_id()
        if not service_id:
            return "no service"
        return STATUS_NAMES.get(self.up.service(service_id).status, "?")

    def local(self) -> str:
        row = self.billmanager.item_row(self.item_id)
        status = int(row["status"] or 0)
        expires = f"expires {row['expiredate']}" if row["expiredate"] else "no expiry yet"
        return f"local status {status} ({LOCAL_STATUS.get(status, '?')}), {expires}"

    def money(self, amount: Decimal) -> str:
        return f"{amount:.2f} {SANDBOX_CURRENCY}"

    def run_command(self, command: str) -> None:
        self.mark()
        self.module("--command", command, "--item", str(self.item_id))

    # --- set-up ------------------------------------------------------------------------------

    def setup(self) -> None:
        from pmenomssl.sandbox.upstream import UpstreamSandbox

        standin = self.create_standin()
        self.upstream = self.start_sandbox(
            UpstreamSandbox(SANDBOX_BALANCE, SANDBOX_CURRENCY, activate_after=ACTIVATE_AFTER)
        )
        self.module_id = standin.add_module(
            MODULE_NAME,
            params={"url": self.up.url, "username": self.up.username},
            crypted_params={"password": self.up.password},
            title=DEMO_MODULE_TITLE,
        )
        pricelist = standin.add_pricelist(UPSTREAM_TARIFF, ITEMTYPE, module_id=self.module_id)
        self.introduce(
            "pmbillreseller demo: the whole life of a VDS resold from an upstream BILLmanager,",
            (
                "upstream",
                f"sandbox at {self.up.url}",
                f"account {self.up.username!r}, balance {self.money(SANDBOX_BALANCE)}, services "
                f"active after {ACTIVATE_AFTER} list reads",
            ),
            [
                f"processing module {self.module_id} {DEMO_MODULE_TITLE!r} ({MODULE_NAME})",
                "with the sandbox's URL, username and password (stored crypted)",
                f"vds tariff {pricelist}: internal name {UPSTREAM_TARIFF} (upstream VDS-1), "
                f"addon {UPSTREAM_ADDON} (RAM, GB)",
            ],
        )

    # --- steps -------------------------------------------------------------------------------

    def features(self) -> None:
        doc, features = self.features_step()
        itemtypes = [t.get("name", "") for t in doc.iterfind("itemtypes/itemtype")]
        if "open" not in features:
            raise DemoFailed("features lacks the open feature", etree.tostring(doc).decode())
        kinds = f"item types {', '.join(itemtypes)}; " if itemtypes else ""
        self.info(f"{kinds}{len(features)} features: {', '.join(features)}")

    def check_connection(self) -> None:
        self.mark()
        self.check_connection_with(self.up.url, self.up.username, self.up.password)
        self.info(
            f"OK: the upstream accepts {self.up.username!r}; upstream calls: {self.new_calls()}"
        )

    def balance(self) -> None:
        self.mark()
        amount, currency, saved = self.get_balance()
        self.info(
            f"upstream balance {amount} {currency}, saved in BILLmanager "
            f"(processing.savebalance: {saved['balance']} {saved['currency']}); upstream calls: "
            f"{self.new_calls()}"
        )

    def order_vds(self) -> None:
        self.step(f"Order: a client orders VDS-1 for {self.domain} with {ADDON_VALUE} GB RAM; open")
        self.item_id = self.billmanager.add_item(
            self.module_id,
            UPSTREAM_TARIFF,
            params={"domain": self.domain, "ostempl": OSTEMPL, "recipe": ""},
            period=PERIOD_MONTHS,
            name=self.domain,
        )
        self.addon_item_id = self.billmanager.add_addon(self.item_id, UPSTREAM_ADDON, ADDON_VALUE)
        self.run_command("open")
        orders = self.up.orders[self._orders :]
        if len(orders) != 1 or self.upstream_id() != orders[0].service_id:
            raise DemoFailed(
                "open did not order exactly one service upstream",
                f"orders={len(orders)}, upstream_id={self.upstream_id()!r}",
            )
        order = orders[0]
        self.info(
            f"upstream: one order ({order.func}) charged {self.money(order.cost)}, service "
            f"{order.service_id} with remoteid {order.remoteid}, now {self.upstream_status()!r}; "
            f"{self.local()} (waits for upstream)"
        )

    def sync_until_active(self) -> None:
        self.step(
            "sync_item until the upstream service is active (BILLmanager runs it periodically)"
        )
        for attempt in range(1, MAX_SYNCS + 1):
            self.run_command("sync_item")
            status = int(self.billmanager.item_row(self.item_id)["status"] or 0)
            self.info(f"sync {attempt}: upstream says {self.upstream_status()!r}; {self.local()}")
            if status == 2:
                return
        raise DemoFailed(f"the service was not active after {MAX_SYNCS} sync_item runs")

    def prolong(self) -> None:
        self.step("Renewal: the client pays for another month, BILLmanager runs prolong")
        self.run_command("prolong")
        prolongs = self.up.prolongs[self._prolongs :]
        if len(prolongs) != 1:
            raise DemoFailed("prolong did not renew exactly once upstream", f"{len(prolongs)}")
        self.info(
            f"upstream: one renewal ({self.new_calls()}) charged {self.money(prolongs[0].cost)}, "
            f"upstream expiry {prolongs[0].expiredate}; {self.local()}"
        )

    def change_addon(self) -> None:
        self.step(
            f"Change: the client raises RAM from {ADDON_VALUE} to {ADDON_NEW_VALUE} GB, setparam"
        )
        self.billmanager.set_addon_value(self.addon_item_id, ADDON_NEW_VALUE)
        balance = self.up.balance
        self.run_command("setparam")
        value = self.up.service(self.upstream_id()).addons().get(UPSTREAM_ADDON)
        if value != ADDON_NEW_VALUE:
            raise DemoFailed(
                f"the upstream addon {UPSTREAM_ADDON} is {value}, not {ADDON_NEW_VALUE}"
            )
        self.info(
            f"upstream: addon {UPSTREAM_ADDON} = {value} ({self.new_calls()}), charged "
            f"{self.money(balance - self.up.balance)} for the months left; {self.local()}"
        )

    def suspend_resume(self, command: str, wanted_local: int, wanted_upstream: str) -> None:
        title = (
            "Suspend: BILLmanager stops the service"
            if command == "suspend"
            else ("Resume: BILLmanager starts it again")
        )
        self.step(title)
        self.run_command(command)
        status = int(self.billmanager.item_row(self.item_id)["status"] or 0)
        if status != wanted_local or self.upstream_status() != wanted_upstream:
            raise DemoFailed(
                f"after {command}: local status {status}, upstream {self.upstream_status()!r}"
            )
        self.info(
            f"upstream: {self.new_calls()}, service {self.upstream_id()} is "
            f"{self.upstream_status()!r}; {self.local()}"
        )

    def close(self) -> None:
        self.step("Close: the client cancels the service")
        self.run_command("close")
        status = int(self.billmanager.item_row(self.item_id)["status"] or 0)
        if status != 4 or self.upstream_status() != "deleted":
            raise DemoFailed(
                f"after close: local status {status}, upstream {self.upstream_status()!r}"
            )
        self.info(
            f"upstream: {self.new_calls()}, service {self.upstream_id()} is 'deleted'; "
            f"local status 4 (closed)"
        )

    def keep_log(self) -> Path | None:
        self.step("The module's log")
        source = self.billmanager.log_path(MODULE_NAME)
        lines = count_lines(source)
        if self.copy_log:
            try:
                self.log_target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, self.log_target)
                self.log_target.chmod(0o600)
            except OSError as exc:
                self.info(f"could not copy the log to {self.log_target}: {exc.strerror or exc}")
                self.keep = True
                self.copy_log = False
        if self.copy_log:
            where = str(self.log_target)
        elif self.keep:
            where = str(source)
        else:
            where = f"{source} (removed with the work directory: --log PATH keeps a copy)"
        self.info(
            f"{lines} lines, one per upstream call and mgrctl call, tagged with the command and "
            f"the service: {where}"
        )
        return self.log_target if self.copy_log else source

    # --- the whole run -----------------------------------------------------------------------

    def lifecycle(self) -> str:
        self.features()
        self.check_connection()
        self.balance()
        self.order_vds()
        self.sync_until_active()
        self.prolong()
        self.change_addon()
        self.suspend_resume("suspend", 3, "stopped")
        self.suspend_resume("resume", 2, "active")
        self.close()
        self.keep_log()
        orders, prolongs = len(self.up.orders), len(self.up.prolongs)
        return (
            f", {self.module_runs} module runs: {orders} upstream order, {prolongs} renewal, 1 "
            "addon change, closed."
        )


def steps() -> Sequence[str]:
    """The step titles' keywords, in order (the tests check they are all printed)."""
    return (
        "Module features",
        "Connection check",
        "Balance",
        "Order",
        "until the upstream service is active",
        "Renewal",
        "Change",
        "Suspend",
        "Resume",
        "Close",
        "log",
    )
