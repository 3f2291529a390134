"""`pmenomssl demo`: the whole certificate lifecycle on embedded defaults, with no network.

In the frame of `pmenomssl.operator.demo` (a temporary directory, the BILLmanager stand-in, the
REAL module run as BILLmanager runs it), with the ENOM sandbox in this process on 127.0.0.1.

Steps: features, check_connection, getbalance, the approver list, an order of a RapidSSL
certificate with a CSR made on the spot, open, sync_item until issued, the certificate, a
renewal (prolong) and a close. The module's log is copied to ./logs/pmenomssl-demo.log.

The renewal needs a certificate close to its expiry. A real one is a year old by then, so the
sandbox's clock runs BACKDATE behind while the first certificate is ordered and issued: it is
issued "11 months ago" and falls inside RapidSSL's 30-day renewal window. The clock is right
again for the renewal. This is the only pretence in the demo, and the output says so.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from pmenomssl.operator.demo import DemoFailed, LifecycleDemo, count_lines
from pmenomssl.sandbox.enom.state import SandboxState

if TYPE_CHECKING:
    from pmenomssl.sandbox.enom.server import EnomSandbox

MODULE_NAME = "pmenomssl"
DEFAULT_DOMAIN = "shop.example.com"
TEMPLATE = "rapidssl"  # a DV product: no organisation data, e-mail validation
DEFAULT_LOG_COPY = Path("logs") / "pmenomssl-demo.log"
SANDBOX_UID = "demo-reseller"
DEMO_MODULE_TITLE = "ENOM SSL (demo)"
SANDBOX_BALANCE = Decimal("500.00")
# How far the sandbox's clock runs behind while the first certificate is ordered and issued.
BACKDATE = timedelta(days=340)
MAX_SYNCS = 6
STEPS = 9

# What a client's order form leaves in the item's params (contacts for ENOM's order).
CONTACTS = {
    "adm_fname": "Alice",
    "adm_lname": "Admin",
    "adm_jtitle": "IT manager",
    "adm_email": "alice@example.net",
    "adm_phone": "+1 425 2744500",
    "tech_fname": "Tom",
    "tech_lname": "Tech",
    "tech_email": "tom@example.net",
    "tech_phone": "+1 425 2744501",
    "org_name": "Example Shop Inc",
    "org_address": "1 Main Street",
    "org_city": "Kirkland",
    "org_state": "WA",
    "org_postcode": "98033",
    "org_country": "US",
    "org_phone": "+1.4252744500",
}


class BackdatedState(SandboxState):
    """The sandbox's ENOM account with a clock that runs `offset` behind (see the docstring)."""

    offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() - self.offset


class Demo(LifecycleDemo):
    """One run of `pmenomssl demo`; `run()` returns the exit status."""

    module_name: ClassVar[str] = MODULE_NAME
    python_module: ClassVar[str] = "pmenomssl"
    total_steps: ClassVar[int] = STEPS
    default_domain: ClassVar[str] = DEFAULT_DOMAIN
    default_log_copy: ClassVar[Path | None] = DEFAULT_LOG_COPY

    def __post_init__(self) -> None:
        super().__post_init__()
        self.sandbox: EnomSandbox | None = None

    @property
    def enom(self) -> EnomSandbox:
        """The ENOM sandbox (once `setup` started it)."""
        assert self.sandbox is not None
        return self.sandbox

    def service_status(self) -> str:
        return self.params().get("service_status", "")

    # --- set-up ------------------------------------------------------------------------------

    def setup(self) -> None:
        from pmenomssl.sandbox.enom.server import EnomSandbox

        standin = self.create_standin()
        state = BackdatedState(SANDBOX_UID, secrets.token_urlsafe(18), SANDBOX_BALANCE)
        state.offset = BACKDATE
        # The CA "approves" at once: the first sync_item after the order finds it issued.
        state.policy.polls_before_issue = 0
        self.sandbox = self.start_sandbox(EnomSandbox(state=state))
        self.module_id = standin.add_module(
            MODULE_NAME,
            params={"url": self.sandbox.url, "username": self.sandbox.uid},
            crypted_params={"password": self.sandbox.pw},
            title=DEMO_MODULE_TITLE,
        )
        self.introduce(
            "pmenomssl demo: the whole lifecycle of an SSL certificate resold through ENOM,",
            (
                "ENOM sandbox",
                self.sandbox.url,
                f"reseller {self.sandbox.uid!r}, balance {SANDBOX_BALANCE} USD, real X.509 from "
                "a sandbox CA",
            ),
            [
                f"processing module {self.module_id} {DEMO_MODULE_TITLE!r} ({MODULE_NAME}) "
                "connected to the sandbox"
            ],
        )

    # --- steps -------------------------------------------------------------------------------

    def features(self) -> None:
        doc, features = self.features_step()
        templates = [t.get("name", "") for t in doc.iterfind("templates/template")]
        params = [p.get("name", "") for p in doc.iterfind("params/param")]
        if TEMPLATE not in templates or "open" not in features:
            raise DemoFailed("features lacks the rapidssl template or the open feature")
        shown = ", ".join(templates[:6])
        self.info(f"{len(templates)} certificate templates: {shown}, …")
        self.info(f"{len(features)} features: {', '.join(features)}")
        self.info(f"connection form: {', '.join(params)}")

    def check_connection(self) -> None:
        self.check_connection_with(self.enom.url, self.enom.uid, self.enom.pw)
        from pmenomssl.handlers.enomssl import products

        cache = products.load_cache(products.cache_path(self.root, MODULE_NAME))
        count = len(cache.products) if cache is not None else 0
        self.info(f"OK: ENOM accepts {self.enom.uid!r} at {self.enom.url}")
        self.info(f"ENOM's product list is cached: {count} products (var/pmenomssl.products.json)")

    def balance(self) -> None:
        amount, currency, saved = self.get_balance()
        self.info(f"available: {amount} {currency}")
        self.info(
            f"saved in BILLmanager (processing.savebalance): {saved['balance']} {saved['currency']}"
        )

    def approvers(self) -> str:
        self.step(f"The client orders RapidSSL for {self.domain}: the approver list")
        doc = self.module(
            "--command", "approver", "--module", str(self.module_id), "--domain", self.domain
        ).document()
        addresses = [a.text or "" for a in doc.iterfind("domain/approver")]
        if not addresses:
            raise DemoFailed("approver returned no address", etree.tostring(doc).decode())
        chosen = f"admin@{self.domain.split('.', 1)[-1]}"
        if chosen not in addresses:
            chosen = addresses[0]
        self.info(f"{len(addresses)} addresses the CA may send the approval e-mail to:")
        for start in range(0, len(addresses), 3):
            self.info("  " + ", ".join(addresses[start : start + 3]))
        self.info(f"the client picks {chosen}")
        return chosen

    def order(self, approver: str) -> None:
        self.step("Order: a CSR made on the spot, then open")
        from pmenomssl.ssl import generate_key_and_csr, parse_csr

        key_pem, csr_pem = generate_key_and_csr(self.domain, key="rsa2048")
        csr = parse_csr(csr_pem)
        self.info(
            f"CSR: CN={csr.common_name}, names {', '.join(csr.names)}, {csr.key_type} "
            f"{csr.key_size} (like `pmenomssl csr --cn {self.domain}`)"
        )
        values = dict(CONTACTS)
        values["approver_email"] = approver
        self.billmanager.add_pricelist(TEMPLATE, module_id=self.module_id)
        self.item_id = self.billmanager.add_item(
            self.module_id, TEMPLATE, params=values, csr=csr_pem, pkey=key_pem, period=12
        )
        self.info(
            f"BILLmanager created service {self.item_id} (tariff {TEMPLATE!r}) and runs open:"
        )
        cert_id, price = self.buy_one("open", "enom_cert_id", "certificate")
        cert = self.enom.state.cert(cert_id)
        self.info(
            f"bought at ENOM: CertID {cert_id}, OrderID "
            f"{self.params().get('enom_order_id', '?')}, {price} USD"
        )
        self.info(
            f"configured and submitted: ENOM says {cert.status!r}; approval e-mail to "
            f"{cert.approver_email}"
        )
        self.info(f"service_status {self.service_status()} (4 = enrolled, waiting for the CA)")

    def buy_one(self, command: str, cert_param: str, what: str) -> tuple[str, Decimal]:
        """Run `command` on the item: it must buy exactly one certificate at ENOM and keep its
        CertID in `cert_param`; that CertID and its price."""
        before = len(self.enom.purchases)
        self.module("--command", command, "--item", str(self.item_id))
        cert_id = self.params().get(cert_param, "")
        bought = self.enom.purchases[before:]
        if not cert_id or len(bought) != 1:
            raise DemoFailed(
                f"{command} did not buy exactly one {what}",
                f"{cert_param}={cert_id!r}, purchases={len(bought)}",
            )
        return cert_id, bought[0].price

    def sync_until_issued(self, cert_param: str, expected_id: str | None = None) -> None:
        """sync_item until the item's certificate (`expected_id` when given) is issued."""
        for attempt in range(1, MAX_SYNCS + 1):
            self.module("--command", "sync_item", "--item", str(self.item_id))
            params = self.params()
            cert_id = params.get(cert_param, "") or params.get("enom_cert_id", "")
            enom = self.enom.state.cert(cert_id).status if cert_id else "?"
            status = params.get("service_status", "")
            done = status == "5" and (
                expected_id is None or params.get("enom_cert_id") == expected_id
            )
            self.info(
                f"sync {attempt}: ENOM says {enom!r}; service_status {status}"
                + (" (5 = issued)" if done else "")
            )
            if done:
                return
        raise DemoFailed(f"the certificate was not issued after {MAX_SYNCS} sync_item runs")

    def certificate(self) -> date:
        from pmenomssl.ssl import parse_certificate, split_pem_chain

        row = self.billmanager.certificate_row(self.item_id)
        crt = str(row["crt"]) if row else ""
        if not crt.strip():
            raise DemoFailed("no certificate was saved in BILLmanager's certificate table")
        info = parse_certificate(crt)
        chain = len(split_pem_chain(crt)) - 1
        expires = info.not_after.astimezone(timezone.utc).date()
        paid_until = self.billmanager.item_row(self.item_id)["expiredate"]
        self.info(
            "saved in BILLmanager's certificate table: the certificate"
            + (f" and {chain} CA certificate{'s' if chain != 1 else ''}" if chain > 0 else "")
        )
        self.info(f"  subject  CN={info.subject_cn}; names {', '.join(info.sans)}")
        self.info(f"  issuer   CN={info.issuer_cn}")
        self.info(
            f"  valid    {info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d %H:%M} UTC "
            f"(serial {info.serial:x})"
        )
        self.info(
            f"  service  expiredate {paid_until} (the certificate's notAfter, but never earlier "
            "than the date BILLmanager has been paid for)"
        )
        return expires

    def issue(self) -> date:
        self.step("sync_item until the certificate is issued (BILLmanager runs it periodically)")
        self.sync_until_issued("enom_cert_id")
        return self.certificate()

    def renew(self, expires: date) -> None:
        self.step("Renewal: the client pays for another year, BILLmanager runs prolong")
        today = datetime.now(timezone.utc).date()
        self.info(
            f"(demo) the sandbox's clock ran {BACKDATE.days} days behind until now, so the "
            f"certificate expires in {(expires - today).days} days:"
        )
        self.info("inside RapidSSL's 30-day renewal window. The clock is right from here on.")
        state = self.enom.state
        assert isinstance(state, BackdatedState)
        state.offset = timedelta(0)
        paid_until = _add_year(expires)
        self.billmanager.store.execute(
            "UPDATE item SET expiredate = %s WHERE id = %s", [paid_until.isoformat(), self.item_id]
        )
        self.info(f"BILLmanager moved the service's paid-until date to {paid_until}")
        old_id = self.params().get("enom_cert_id", "")
        new_id, price = self.buy_one("prolong", "enom_renewal_cert_id", "renewal")
        self.info(
            f"ENOM has no renewal call: a new RapidSSL, CertID {new_id} ({price} USD), "
            f"configured like CertID {old_id} and submitted"
        )
        self.sync_until_issued("enom_renewal_cert_id", expected_id=new_id)
        params = self.params()
        self.info(
            f"CertID {new_id} replaced CertID {old_id} "
            f"(enom_previous_cert_ids={params.get('enom_previous_cert_ids', '')})"
        )
        new_expiry = self.certificate()
        if new_expiry <= expires:
            raise DemoFailed(f"the renewed certificate expires {new_expiry}, not after {expires}")

    def close(self) -> None:
        self.step("Close: the client cancels the service")
        self.module("--command", "close", "--item", str(self.item_id))
        status = self.billmanager.item_row(self.item_id)["status"]
        note = self.params().get("enom_refund_note", "")
        if str(status) != "4":
            raise DemoFailed(f"the service's status is {status} after close, not 4 (closed)")
        self.info("service closed (item status 4); an issued certificate is not cancelled at ENOM")
        if note:
            self.info(f"note for staff (enom_refund_note): {note}")

    def keep_log(self) -> Path | None:
        self.step("The module's log")
        source = self.billmanager.log_path(MODULE_NAME)
        lines = count_lines(source)
        try:
            self.log_target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, self.log_target)
            os.chmod(self.log_target, 0o600)
        except OSError as exc:
            self.info(f"could not copy the log to {self.log_target}: {exc.strerror or exc}")
            self.keep = True
            self.info(f"it stays at {source}")
            return source
        self.info(f"{lines} lines, one per ENOM call and mgrctl call, tagged with the command")
        self.info(f"and the service: {self.log_target}")
        self.info(
            f"this service's history: pmenomssl logs --item {self.item_id} --file {self.log_target}"
        )
        return self.log_target

    # --- the whole run -----------------------------------------------------------------------

    def lifecycle(self) -> str:
        self.features()
        self.check_connection()
        self.balance()
        approver = self.approvers()
        self.order(approver)
        expires = self.issue()
        self.renew(expires)
        self.close()
        self.keep_log()
        return (
            f": {self.module_runs} module runs, one certificate ordered, issued, renewed and "
            "closed."
        )


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def steps() -> Sequence[str]:
    """The step titles' keywords, in order (the tests check they are all printed)."""
    return (
        "Module features",
        "Connection check",
        "Balance",
        "approver list",
        "Order",
        "until the certificate is issued",
        "Renewal",
        "Close",
        "log",
    )
