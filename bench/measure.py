"""The measurements of issue 7, shared by `python -m bench` and `tests/bench` (CI).

Everything runs the real executable as BILLmanager does (a new process per command) against
the BILLmanager stand-in and the ENOM sandbox; calls are counted where they arrive: ENOM calls
in the sandbox (`sb.calls`), mgrctl calls in the stand-in's journal.

- start-up (`features` / `approver` against `python -c pass`): bench/startup.py.
- `Economy`: ENOM and mgrctl calls of open (DV), sync_item (unchanged), getbalance.
- `bulk()`: `pmenomssl sync --all --module M` over N seeded certificates.
- Every module process's peak RSS is taken from `wait4()`.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom import EnomSandbox

REPO = Path(__file__).resolve().parents[1]
MODULE_NAME = "pmenomssl"
MGRCTL_READS = frozenset({"paramlist", "task.gettype"})
PAGE_SIZE = 250  # bulk.PAGE_SIZE, restated so the bench states its own expectation

CONTACTS = {
    "adm_fname": "Alice",
    "adm_lname": "Admin",
    "adm_jtitle": "IT manager",
    "adm_email": "alice@example.net",
    "adm_phone": "+1.4252744500",
    "tech_fname": "Tom",
    "tech_lname": "Tech",
    "tech_email": "tom@example.net",
    "tech_phone": "+1.4252744500",
    "org_name": "Example Inc",
    "org_address": "1 Main Street",
    "org_city": "Kirkland",
    "org_state": "WA",
    "org_postcode": "98033",
    "org_country": "US",
    "org_phone": "+1.4252744500",
}


# --- processes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished process: exit status, output, wall time and peak RSS."""

    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss_kib: int

    def check(self) -> Run:
        if self.returncode != 0:
            raise RuntimeError(
                f"{' '.join(self.argv)} exited {self.returncode}:\n"
                f"{self.stdout.decode(errors='replace')}\n{self.stderr.decode(errors='replace')}"
            )
        return self


# A child forked from this (large) process starts with its pages, and Linux carries the peak
# RSS of the address space a process leaves at exec() into ru_maxrss. So the command runs as
# the grandchild of a tiny launcher (python -S -E, a few MiB), which reports the grandchild's
# own ru_maxrss from wait4() (what GNU time's %M does).
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_process(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    stdin: bytes = b"",
    timeout: float = 600,
    exact_rss: bool = True,
) -> Run:
    """Run `argv`; peak RSS comes from wait4() of exactly this child (through the launcher
    unless `exact_rss=False`, for wall-time runs where the launcher's start would count)."""
    report = None
    if exact_rss:
        fd, report = tempfile.mkstemp(prefix="pmenomssl-rss-")
        os.close(fd)
        argv = [sys.executable, "-S", "-E", "-c", LAUNCHER, report, *argv]
    with contextlib.ExitStack() as stack:
        stdin_file, out, err = (stack.enter_context(tempfile.TemporaryFile()) for _ in range(3))
        stdin_file.write(stdin)
        stdin_file.seek(0)
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdin=stdin_file, stdout=out, stderr=err, env=env, cwd=str(cwd)
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        max_rss = int(usage.ru_maxrss)  # KiB on Linux
        if report is not None:
            text = Path(report).read_text(encoding="utf-8").strip()
            os.unlink(report)
            max_rss = int(text) if text.isdigit() else 0
        return Run(tuple(argv), proc.returncode, out.read(), err.read(), seconds, max_rss)


def module_argv() -> list[str]:
    """The module as BILLmanager starts it: the installed executable of this interpreter's
    environment, else `python -m pmenomssl`."""
    script = Path(sys.executable).parent / MODULE_NAME
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", MODULE_NAME]


def base_env(extra: dict[str, str] | None = None, pycache: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
    env["PMENOMSSL_NAME"] = MODULE_NAME
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(extra or {})
    return env


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count() or 1),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()}",
    }


# --- start-up ------------------------------------------------------------------------------


# --- a world: stand-in + sandbox + module ----------------------------------------------------


@dataclass
class World:
    standin: StandIn
    sandbox: EnomSandbox
    module: int
    env: dict[str, str] = field(default_factory=dict)
    peak_rss_kib: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(cls, standin: StandIn, sandbox: EnomSandbox) -> World:
        module = standin.add_module(
            MODULE_NAME,
            params={"url": sandbox.url, "username": sandbox.uid},
            crypted_params={"password": sandbox.pw},
        )
        env = base_env({**standin.env(), "PMENOMSSL_DEADLINE": "120"})
        return cls(standin, sandbox, module, env)

    def run(self, *args: str, label: str | None = None, timeout: float = 600) -> Run:
        result = run_process(
            [*module_argv(), *args], env=self.env, cwd=self.standin.root, timeout=timeout
        )
        key = label or (args[1] if args and args[0] == "--command" else args[0])
        self.peak_rss_kib[key] = max(self.peak_rss_kib.get(key, 0), result.max_rss_kib)
        return result

    def command(self, command: str, item: int | None = None, *args: str) -> Run:
        argv = ["--command", command]
        if item is not None:
            argv += ["--item", str(item)]
        return self.run(*argv, *args).check()

    def reset_counts(self) -> None:
        self.sandbox.state.calls.clear()
        self.standin.clear_journal()

    def enom_calls(self) -> dict[str, int]:
        return dict(self.sandbox.calls)

    def mgrctl_calls(self) -> list[str]:
        return [str(r["func"]) for r in self.standin.journal()]

    def mgrctl_writes(self) -> list[str]:
        return [f for f in self.mgrctl_calls() if f not in MGRCTL_READS]

    def written_items(self) -> set[int]:
        """The items (elid) the mgrctl writes so far were about."""
        return {
            int(str(r["params"].get("elid", "0")))
            for r in self.standin.journal()
            if r["func"] not in MGRCTL_READS and str(r["params"].get("elid", "")).isdigit()
        }

    def order(self, domain: str, template: str = "rapidssl") -> int:
        from pmenomssl.ssl import generate_key_and_csr

        key, csr = generate_key_and_csr(domain)
        values = dict(CONTACTS, approver_email=f"admin@{domain}")
        return self.standin.add_item(
            self.module, template, params=values, csr=csr, pkey=key, period=12
        )


# --- API economy ---------------------------------------------------------------------------


@dataclass
class Economy:
    """Calls per command; `*_mgrctl` lists every mgrctl function called, reads included."""

    open_enom: dict[str, int]
    open_mgrctl: list[str]
    open_warm_enom: dict[str, int]
    open_warm_mgrctl: list[str]
    sync_unchanged_enom: dict[str, int]
    sync_unchanged_mgrctl: list[str]
    sync_pending_enom: dict[str, int]
    sync_pending_mgrctl: list[str]
    getbalance_enom: dict[str, int]
    getbalance_mgrctl: list[str]

    @staticmethod
    def writes(calls: list[str]) -> list[str]:
        return [f for f in calls if f not in MGRCTL_READS]


def economy(world: World) -> Economy:
    """open (cold product cache, then warm), sync_item unchanged (issued and pending),
    getbalance: the calls each makes."""
    item = world.order("eco.example.com")
    world.reset_counts()
    world.command("open", item)
    open_enom, open_mgrctl = world.enom_calls(), world.mgrctl_calls()

    second = world.order("eco2.example.com")
    world.reset_counts()
    world.command("open", second)
    warm_enom, warm_mgrctl = world.enom_calls(), world.mgrctl_calls()

    for _ in range(5):  # the sandbox issues after a few polls
        world.command("sync_item", item)
        if world.standin.service_status(item) == 5:
            break
    if world.standin.service_status(item) != 5:
        raise RuntimeError("the sandbox did not issue the certificate")
    world.reset_counts()
    world.command("sync_item", item)
    unchanged_enom, unchanged_mgrctl = world.enom_calls(), world.mgrctl_calls()

    world.sandbox.configure({"polls_before_issue": 1000})
    world.command("sync_item", second)  # pending; status already 4
    world.reset_counts()
    world.command("sync_item", second)
    pending_enom, pending_mgrctl = world.enom_calls(), world.mgrctl_calls()

    world.reset_counts()
    world.command("getbalance", None, "--module", str(world.module))
    balance_enom, balance_mgrctl = world.enom_calls(), world.mgrctl_calls()
    return Economy(
        open_enom,
        open_mgrctl,
        warm_enom,
        warm_mgrctl,
        unchanged_enom,
        unchanged_mgrctl,
        pending_enom,
        pending_mgrctl,
        balance_enom,
        balance_mgrctl,
    )


# --- bulk ------------------------------------------------------------------------------------


@dataclass
class Bulk:
    certificates: int  # seeded for the module
    account_certificates: int  # all certificates the ENOM account lists (CertGetCerts pages)
    changed: int
    page_size: int
    seconds: float
    enom_calls: dict[str, int]
    mgrctl_writes: list[str]
    # a second run right after: nothing changed any more
    again_seconds: float
    again_enom_calls: dict[str, int]
    again_mgrctl_writes: list[str]
    # item -> what a separate sync_item run wrote afterwards (must be nothing)
    sync_item_after: dict[int, list[str]]
    changed_ok: bool
    # every item a write of the first run was about was one of the changed items
    writes_only_changed: bool
    max_rss_kib: int

    @property
    def pages(self) -> int:
        return math.ceil(self.account_certificates / self.page_size)

    @property
    def call_budget(self) -> int:
        return self.pages + self.changed


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


ITEM_INSERT = (
    "INSERT INTO item (name, pricelist, processingmodule, account, period, status, expiredate)"
    " VALUES {marks}"
)


def seed_bulk(world: World, n: int) -> dict[int, str]:
    """N issued certificates in the sandbox and N items in BILLmanager that already hold their
    state (status 5, certificate announced, expiry date). Returns item -> CertID."""
    state = world.sandbox.state
    cert_ids = state.seed_certificates(n, domain_template="bulk{i}.example.com")
    expiry = {cid: state.cert(cid).expiration.date() for cid in cert_ids}
    store = world.standin.store
    pricelist = world.standin.add_pricelist("rapidssl", module_id=world.module)
    for chunk in _chunks(cert_ids, 1000):
        marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        values: list[object] = []
        for cid in chunk:
            values += [f"bulk-{cid}", pricelist, world.module, 1, 12, 2, expiry[cid].isoformat()]
        sql = ITEM_INSERT.format(marks=marks)  # placeholders only; every value is bound
        store.execute(sql, values)
    rows = store.query(
        "SELECT id, name FROM item WHERE processingmodule = %s AND name LIKE %s",
        [world.module, "bulk-%"],
    )
    items = {int(r["id"]): str(r["name"]).split("-", 1)[1] for r in rows}
    params: list[tuple[int, str, str]] = []
    for item_id, cid in items.items():
        params += [
            (item_id, "enom_cert_id", cid),
            (item_id, "service_status", "5"),
            (item_id, "enom_opened", cid),
        ]
    for chunk in _chunks(params, 2000):
        marks = ", ".join(["(%s, %s, %s)"] * len(chunk))
        store.execute(
            f"INSERT INTO itemparam (item, intname, value) VALUES {marks}",  # noqa: S608
            [v for row in chunk for v in row],
        )
    return items


def make_changes(world: World, items: dict[int, str], count: int) -> dict[int, str]:
    """Change `count` certificates in three ways sync must notice; returns item -> kind."""
    state = world.sandbox.state
    store = world.standin.store
    kinds = ("issued", "refunded", "expiry")
    changes: dict[int, str] = {}
    for index, (item_id, cid) in enumerate(sorted(items.items())[:count]):
        kind = kinds[index % len(kinds)]
        if kind == "issued":  # BILLmanager still thinks it is pending
            store.execute(
                "UPDATE itemparam SET value = '4' WHERE item = %s AND intname = 'service_status'",
                [item_id],
            )
            store.execute(
                "DELETE FROM itemparam WHERE item = %s AND intname = 'enom_opened'", [item_id]
            )
        elif kind == "refunded":  # ENOM refunded it
            state.set_status(int(cid), 8)
        else:  # BILLmanager holds an older expiry date than the certificate's (a manual edit):
            # sync moves it later; it never moves a paid-until date earlier (issue 12 §5)
            other = date.today() + timedelta(days=10)
            store.execute(
                "UPDATE item SET expiredate = %s WHERE id = %s", [other.isoformat(), item_id]
            )
        changes[item_id] = kind
    return changes


def _changes_applied(world: World, changes: dict[int, str], items: dict[int, str]) -> bool:
    for item_id, kind in changes.items():
        status = world.standin.service_status(item_id)
        if kind == "refunded":
            if status != 6:
                return False
            continue
        if status != 5:
            return False
        row = world.standin.item_row(item_id)
        cert = world.sandbox.state.cert(items[item_id])
        if row["expiredate"] is None or abs((row["expiredate"] - cert.expiration.date()).days) > 1:
            return False
        if kind == "issued":
            crt = world.standin.certificate_row(item_id)
            if not crt or "BEGIN CERTIFICATE" not in str(crt["crt"]):
                return False
    return True


def bulk(world: World, n: int, changed: int, check_items: int = 3) -> Bulk:
    """Seed N certificates, change some, run `sync --all --module M` twice."""
    items = seed_bulk(world, n)
    changes = make_changes(world, items, changed)
    world.reset_counts()
    first = world.run("sync", "--all", "--module", str(world.module), label="sync --all")
    first.check()
    enom, writes = world.enom_calls(), world.mgrctl_writes()
    only_changed = world.written_items() <= set(changes)
    applied = _changes_applied(world, changes, items)

    world.reset_counts()
    again = world.run("sync", "--all", "--module", str(world.module), label="sync --all")
    again.check()
    again_enom, again_writes = world.enom_calls(), world.mgrctl_writes()

    after: dict[int, list[str]] = {}
    for item_id in sorted(changes)[:check_items]:
        world.reset_counts()
        world.command("sync_item", item_id)
        after[item_id] = world.mgrctl_writes()
    return Bulk(
        certificates=n,
        account_certificates=len(world.sandbox.state.certs),
        changed=len(changes),
        page_size=PAGE_SIZE,
        seconds=first.seconds,
        enom_calls=enom,
        mgrctl_writes=writes,
        again_seconds=again.seconds,
        again_enom_calls=again_enom,
        again_mgrctl_writes=again_writes,
        sync_item_after=after,
        changed_ok=applied,
        writes_only_changed=only_changed,
        max_rss_kib=max(first.max_rss_kib, again.max_rss_kib),
    )
