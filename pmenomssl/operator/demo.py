"""`pmenomssl demo`: the whole certificate lifecycle on embedded defaults, with no network.

In a temporary directory: the ENOM sandbox in this process on 127.0.0.1, the BILLmanager
stand-in with an SQLite database, and the REAL module started as a subprocess for every
command, exactly as BILLmanager starts it (`pmenomssl --command NAME …`, cwd `$ROOT`).

Steps: features, check_connection, getbalance, the approver list, an order of a RapidSSL
certificate with a CSR made on the spot, open, sync_item until issued, the certificate, a
renewal (prolong) and a close. The module's log is copied to ./logs/pmenomssl-demo.log.

The renewal needs a certificate close to its expiry. A real one is a year old by then, so the
sandbox's clock runs BACKDATE behind while the first certificate is ordered and issued: it is
issued "11 months ago" and falls inside RapidSSL's 30-day renewal window. The clock is right
again for the renewal. This is the only pretence in the demo, and the output says so.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lxml import etree

from pmenomssl.sandbox.enom.state import SandboxState

if TYPE_CHECKING:
    from pmenomssl.sandbox.billmanager.standin import StandIn
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
MODULE_TIMEOUT_SECONDS = 60.0
WIDTH = 96  # output columns
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


class DemoFailed(Exception):
    """A step did not do what it should; `detail` says what happened instead."""

    def __init__(self, what: str, detail: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.detail = detail


@dataclass(frozen=True)
class ModuleRun:
    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    program: str = MODULE_NAME

    def document(self) -> etree._Element:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        try:
            return etree.fromstring(self.stdout, parser)
        except etree.XMLSyntaxError:
            raise DemoFailed(
                f"{self.program} {' '.join(self.argv)} printed no XML document",
                self.stdout.decode("utf-8", "replace")[:500],
            ) from None


def error_text(run: ModuleRun) -> str:
    """The `desc` of the module's error document, else its stderr/stdout."""
    with contextlib.suppress(DemoFailed):
        error = run.document().find("error")
        if error is not None:
            desc = error.findtext("param[@name='desc']") or ""
            return f"{desc} (error type {error.get('type', '?')})"
    text = (run.stderr or run.stdout).decode("utf-8", "replace").strip()
    return text[-1000:] or f"exit status {run.returncode}, no output"


class BackdatedState(SandboxState):
    """The sandbox's ENOM account with a clock that runs `offset` behind (see the docstring)."""

    offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() - self.offset


class Demo:
    """One run of the demo; `run()` returns the exit status.

    The class attributes name the module it runs (the reseller's demo, operator/reseller_demo.py,
    reuses the narration, the module runs and the stand-in's set-up with its own values)."""

    module_name = MODULE_NAME  # the executable's name: PMENOMSSL_NAME, its log, the output
    python_module = "pmenomssl"  # run as `python -m python_module --command …`
    total_steps = STEPS

    def __init__(
        self,
        out: TextIO,
        *,
        domain: str = DEFAULT_DOMAIN,
        log_copy: Path = DEFAULT_LOG_COPY,
        keep: bool = False,
        workdir: Path | None = None,
    ) -> None:
        self.out = out
        self.domain = domain
        self.log_copy = log_copy
        self.keep = keep
        self._workdir = workdir
        self.directory = Path()
        self.standin: StandIn | None = None
        self.sandbox: EnomSandbox | None = None
        self.module_id = 0
        self.item_id = 0
        self.step_number = 0
        self.current_step = "setting up"
        self.module_runs = 0
        self.started = time.monotonic()

    # --- output ------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, title: str) -> None:
        self.step_number += 1
        self.current_step = title
        self.say()
        self.say(f"[{self.step_number}/{self.total_steps}] {title}")

    def info(self, text: str) -> None:
        indent = "      " + " " * (len(text) - len(text.lstrip(" ")))
        for line in textwrap.wrap(
            text.strip(), width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  "
        ):
            self.say(line)

    # --- the pieces --------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        assert self.standin is not None
        return self.standin.root

    def module(self, *args: str, stdin: bytes = b"", show: str | None = None) -> ModuleRun:
        """Run `pmenomssl ARGS` (`module_name`) as BILLmanager does; show the command line and
        its time."""
        assert self.standin is not None
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("PMENOMSSL_"):
                del env[name]
        env.update(self.standin.env())
        env["PMENOMSSL_LOG"] = str(self.standin.log_path(self.module_name))
        env["PMENOMSSL_NAME"] = self.module_name
        package_parent = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_parent, env.get("PYTHONPATH", "")) if p
        )
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", self.python_module, *args],
                input=stdin,
                env=env,
                cwd=str(self.root),
                capture_output=True,
                timeout=MODULE_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DemoFailed(
                f"{self.module_name} {' '.join(args)} did not finish within "
                f"{MODULE_TIMEOUT_SECONDS:g} s"
            ) from None
        self.module_runs += 1
        run = ModuleRun(
            tuple(args),
            proc.returncode,
            proc.stdout,
            proc.stderr,
            time.monotonic() - started,
            self.module_name,
        )
        shown = f"    $ {self.module_name} {show if show is not None else ' '.join(args)}"
        timing = f"{run.seconds:.2f} s"
        self.say(shown + " " * max(2, WIDTH - len(shown) - len(timing)) + timing)
        if run.returncode != 0:
            raise DemoFailed(
                f"{self.module_name} {' '.join(args)} exited with status {run.returncode}",
                error_text(run),
            )
        return run

    def params(self) -> dict[str, str]:
        assert self.standin is not None
        return self.standin.item_params(self.item_id)

    def service_status(self) -> str:
        return self.params().get("service_status", "")

    # --- set-up ------------------------------------------------------------------------------

    def _prepare_directory(self) -> None:
        """The work directory: --keep's, or a fresh temporary one named after the module."""
        if self._workdir is not None:
            self.directory = self._workdir
            self.directory.mkdir(parents=True, exist_ok=True)
        else:
            self.directory = Path(tempfile.mkdtemp(prefix=f"{self.module_name}-demo-"))

    def setup(self) -> None:
        from pmenomssl import billing
        from pmenomssl.sandbox.billmanager.standin import StandIn
        from pmenomssl.sandbox.enom.server import EnomSandbox

        self._prepare_directory()
        billing.clear_caches()
        self.standin = StandIn.create(self.directory / "mgr5", db="sqlite", debug_level=9)
        state = BackdatedState(SANDBOX_UID, secrets.token_urlsafe(18), SANDBOX_BALANCE)
        state.offset = BACKDATE
        # The CA "approves" at once: the first sync_item after the order finds it issued.
        state.policy.polls_before_issue = 0
        self.sandbox = EnomSandbox(state=state).start()
        self.module_id = self.standin.add_module(
            MODULE_NAME,
            params={"url": self.sandbox.url, "username": self.sandbox.uid},
            crypted_params={"password": self.sandbox.pw},
            title=DEMO_MODULE_TITLE,
        )
        self.say("pmenomssl demo: the whole lifecycle of an SSL certificate resold through ENOM,")
        self.say("run by the real module exactly as BILLmanager runs it. No network, no MySQL.")
        self.say()
        self.say(f"  work directory   {self.directory}")
        self.say(f"  ENOM sandbox     {self.sandbox.url}")
        self.say(
            f"                   reseller {self.sandbox.uid!r}, balance {SANDBOX_BALANCE} USD, "
            "real X.509 from a sandbox CA"
        )
        self.say(f"  BILLmanager      stand-in at {self.root} (SQLite, a working mgrctl)")
        self.say(
            f"                   processing module {self.module_id} {DEMO_MODULE_TITLE!r} "
            f"({MODULE_NAME}) connected to the sandbox"
        )

    def teardown(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
        if self.standin is not None:
            if self.keep:
                self.standin.close()
            else:
                self.standin.drop()
        if not self.keep and self._workdir is None and self.directory != Path():
            shutil.rmtree(self.directory, ignore_errors=True)

    # --- steps -------------------------------------------------------------------------------

    def features(self) -> None:
        self.step("Module features: what BILLmanager learns when it loads the module")
        doc = self.module("--command", "features").document()
        templates = [t.get("name", "") for t in doc.iterfind("templates/template")]
        features = [f.get("name", "") for f in doc.iterfind("features/feature")]
        params = [p.get("name", "") for p in doc.iterfind("params/param")]
        if TEMPLATE not in templates or "open" not in features:
            raise DemoFailed("features lacks the rapidssl template or the open feature")
        shown = ", ".join(templates[:6])
        self.info(f"{len(templates)} certificate templates: {shown}, …")
        self.info(f"{len(features)} features: {', '.join(features)}")
        self.info(f"connection form: {', '.join(params)}")

    def check_connection(self) -> None:
        assert self.sandbox is not None
        self.step("Connection check: the Test button of the module's settings form")
        form = etree.Element("doc")
        node = etree.SubElement(form, "processingmodule")
        etree.SubElement(node, "url").text = self.sandbox.url
        etree.SubElement(node, "username").text = self.sandbox.uid
        etree.SubElement(node, "password").text = self.sandbox.pw
        stdin = etree.tostring(form, xml_declaration=True, encoding="UTF-8")
        self.module(
            "--command",
            "check_connection",
            stdin=stdin,
            show="--command check_connection   < form (url, username, password)",
        )
        from pmenomssl.handlers.enomssl import products

        cache = products.load_cache(products.cache_path(self.root, MODULE_NAME))
        count = len(cache.products) if cache is not None else 0
        self.info(f"OK: ENOM accepts {self.sandbox.uid!r} at {self.sandbox.url}")
        self.info(f"ENOM's product list is cached: {count} products (var/pmenomssl.products.json)")

    def balance(self) -> None:
        assert self.standin is not None
        self.step("Balance: BILLmanager's periodic getbalance")
        doc = self.module("--command", "getbalance", "--module", str(self.module_id)).document()
        amount = doc.findtext("balance") or ""
        saved = self.standin.balance(self.module_id)
        if not amount or saved is None:
            raise DemoFailed("getbalance printed or saved no balance", etree.tostring(doc).decode())
        self.info(f"available: {amount} {doc.findtext('currency') or ''}")
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
        assert self.standin is not None and self.sandbox is not None
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
        self.standin.add_pricelist(TEMPLATE, module_id=self.module_id)
        self.item_id = self.standin.add_item(
            self.module_id, TEMPLATE, params=values, csr=csr_pem, pkey=key_pem, period=12
        )
        self.info(
            f"BILLmanager created service {self.item_id} (tariff {TEMPLATE!r}) and runs open:"
        )
        before = len(self.sandbox.purchases)
        self.module("--command", "open", "--item", str(self.item_id))
        params = self.params()
        cert_id = params.get("enom_cert_id", "")
        bought = self.sandbox.purchases[before:]
        if not cert_id or len(bought) != 1:
            raise DemoFailed(
                "open did not buy exactly one certificate",
                f"enom_cert_id={cert_id!r}, purchases={len(bought)}",
            )
        cert = self.sandbox.state.cert(cert_id)
        self.info(
            f"bought at ENOM: CertID {cert_id}, OrderID {params.get('enom_order_id', '?')}, "
            f"{bought[0].price} USD"
        )
        self.info(
            f"configured and submitted: ENOM says {cert.status!r}; approval e-mail to "
            f"{cert.approver_email}"
        )
        self.info(f"service_status {self.service_status()} (4 = enrolled, waiting for the CA)")

    def sync_until_issued(self, cert_param: str, expected_id: str | None = None) -> None:
        """sync_item until the item's certificate (`expected_id` when given) is issued."""
        assert self.sandbox is not None
        for attempt in range(1, MAX_SYNCS + 1):
            self.module("--command", "sync_item", "--item", str(self.item_id))
            params = self.params()
            cert_id = params.get(cert_param, "") or params.get("enom_cert_id", "")
            enom = self.sandbox.state.cert(cert_id).status if cert_id else "?"
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
        assert self.standin is not None
        from pmenomssl.ssl import parse_certificate, split_pem_chain

        row = self.standin.certificate_row(self.item_id)
        crt = str(row["crt"]) if row else ""
        if not crt.strip():
            raise DemoFailed("no certificate was saved in BILLmanager's certificate table")
        info = parse_certificate(crt)
        chain = len(split_pem_chain(crt)) - 1
        expires = info.not_after.astimezone(timezone.utc).date()
        paid_until = self.standin.item_row(self.item_id)["expiredate"]
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
        assert self.standin is not None and self.sandbox is not None
        self.step("Renewal: the client pays for another year, BILLmanager runs prolong")
        today = datetime.now(timezone.utc).date()
        self.info(
            f"(demo) the sandbox's clock ran {BACKDATE.days} days behind until now, so the "
            f"certificate expires in {(expires - today).days} days:"
        )
        self.info("inside RapidSSL's 30-day renewal window. The clock is right from here on.")
        state = self.sandbox.state
        assert isinstance(state, BackdatedState)
        state.offset = timedelta(0)
        paid_until = _add_year(expires)
        self.standin.store.execute(
            "UPDATE item SET expiredate = %s WHERE id = %s", [paid_until.isoformat(), self.item_id]
        )
        self.info(f"BILLmanager moved the service's paid-until date to {paid_until}")
        old_id = self.params().get("enom_cert_id", "")
        before = len(self.sandbox.purchases)
        self.module("--command", "prolong", "--item", str(self.item_id))
        params = self.params()
        new_id = params.get("enom_renewal_cert_id", "")
        bought = self.sandbox.purchases[before:]
        if not new_id or len(bought) != 1:
            raise DemoFailed(
                "prolong did not buy exactly one renewal",
                f"enom_renewal_cert_id={new_id!r}, purchases={len(bought)}",
            )
        self.info(
            f"ENOM has no renewal call: a new RapidSSL, CertID {new_id} ({bought[0].price} USD), "
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
        assert self.standin is not None
        self.step("Close: the client cancels the service")
        self.module("--command", "close", "--item", str(self.item_id))
        status = self.standin.item_row(self.item_id)["status"]
        note = self.params().get("enom_refund_note", "")
        if str(status) != "4":
            raise DemoFailed(f"the service's status is {status} after close, not 4 (closed)")
        self.info("service closed (item status 4); an issued certificate is not cancelled at ENOM")
        if note:
            self.info(f"note for staff (enom_refund_note): {note}")

    def keep_log(self) -> Path | None:
        assert self.standin is not None
        self.step("The module's log")
        source = self.standin.log_path(MODULE_NAME)
        lines = _count_lines(source)
        try:
            self.log_copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, self.log_copy)
            os.chmod(self.log_copy, 0o600)
        except OSError as exc:
            self.info(f"could not copy the log to {self.log_copy}: {exc.strerror or exc}")
            self.keep = True
            self.info(f"it stays at {source}")
            return source
        self.info(f"{lines} lines, one per ENOM call and mgrctl call, tagged with the command")
        self.info(f"and the service: {self.log_copy}")
        self.info(
            f"this service's history: pmenomssl logs --item {self.item_id} --file {self.log_copy}"
        )
        return self.log_copy

    # --- the whole run -----------------------------------------------------------------------

    def run(self) -> int:
        self.started = time.monotonic()
        try:
            self.setup()
            self.features()
            self.check_connection()
            self.balance()
            approver = self.approvers()
            self.order(approver)
            expires = self.issue()
            self.renew(expires)
            self.close()
            self.keep_log()
        except DemoFailed as failure:
            return self._failed(failure.what, failure.detail)
        except Exception as exc:  # a bug or a broken environment: still say which step
            return self._failed(f"{type(exc).__name__}: {exc}", "")
        finally:
            self.teardown()
        assert self.sandbox is None
        self.say()
        self.say(
            f"Demo finished in {time.monotonic() - self.started:.1f} s: "
            f"{self.module_runs} module runs, one certificate ordered, issued, renewed and closed."
        )
        if self.keep:
            self.say(f"Kept for a look around: {self.directory}")
        return 0

    def _failed(self, what: str, detail: str) -> int:
        self.say()
        self.say(f"DEMO FAILED at step {self.step_number} ({self.current_step}): {what}")
        if detail:
            for line in detail.splitlines():
                for part in textwrap.wrap(line, WIDTH - 4) or [""]:
                    self.say(f"    {part}")
        if self.standin is not None:
            log = self.standin.log_path(self.module_name)
            with contextlib.suppress(OSError):
                self.log_copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(log, self.log_copy)
                log = self.log_copy
            self.say(f"The module's log: {log}")
        return 1


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for _ in handle)
    except OSError:
        return 0


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
