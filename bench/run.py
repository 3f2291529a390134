"""The performance benchmark (issues 7 and 16): one command, one table.

    python -m bench            # the full run (10,000 certificates for the bulk sync)
    python -m bench --quick    # CI's setting (500 certificates, fewer start-up rounds)
    python -m bench --only startup --runs 5 --rounds 20
    python bench/run.py [--quick]

The BILLmanager stand-in uses the MariaDB/MySQL server of PMENOMSSL_TEST_DB (default
mysql://root@127.0.0.1:3306) in a throw-away database, or SQLite when no server answers.
Start-up is measured as bench/startup.py describes (a wheel-installed venv, interleaved rounds,
min/median/max over at least three runs, a verdict on the machine's load).

Exit status: 0 every target met; 1 a target missed; 3 no target missed, but the machine was
too loaded for the start-up ratios to show that theirs are met (measure again when it is quiet).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import measure, startup
from bench.process import machine
from bench.world import World

EXIT_MISSED = 1
EXIT_TOO_LOADED = 3
MIB = 1024
MEMORY_LIMIT_KIB = 64 * MIB
STARTUP_RATIO = 2.0
BULK_SECONDS = 60.0
# open with the product list cached: GetBalance, the CertID watermark (one CertGetCerts row, the
# clock-free never-pay-twice guard of issue 12 §1), PurchaseServices, CertConfigureCert,
# CertPurchaseCert. Without the cache GetCerts comes first (+1).
OPEN_ENOM_BUDGET = 5


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    target: str
    ok: bool


@contextlib.contextmanager
def world_for_bench() -> Iterator[World]:
    """A stand-in (MariaDB when available, else SQLite) and a sandbox, removed afterwards."""
    from pmenomssl import billing
    from pmenomssl.sandbox.billmanager import StandIn, StoreConfig, server_available
    from pmenomssl.sandbox.billmanager.store import unique_database_name
    from pmenomssl.sandbox.enom import EnomSandbox

    url = os.environ.get("PMENOMSSL_TEST_DB") or "mysql://root@127.0.0.1:3306"
    server = StoreConfig.from_url(url)
    db: str | StoreConfig = "sqlite"
    if server_available(server) is None:
        db = server.with_database(unique_database_name("pmenomssl_bench"))
    billing.clear_caches()
    with tempfile.TemporaryDirectory(prefix="pmenomssl-bench-") as tmp:
        standin = StandIn.create(Path(tmp) / "mgr5", db=db, debug_level=6)
        try:
            with EnomSandbox(uid="bench", balance=Decimal("100000.00")) as sandbox:
                yield World.create(standin, sandbox)
        finally:
            standin.drop()


def _calls(calls: dict[str, int]) -> str:
    return f"{sum(calls.values())} ({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})"


def _mgrctl(calls: list[str]) -> str:
    return f"{len(calls)} ({', '.join(calls)})" if calls else "0"


def startup_rows(result: startup.Startup) -> list[Row]:
    base = startup.Spread.of(result.all_times(startup.BASELINE))
    runs = len(result.blocks[startup.BASELINE])
    rows = [
        Row(
            f"{startup.BASELINE} ({result.layout} layout, {runs} runs)",
            f"{base.text(' ms', 1)}",
            "-",
            True,
        )
    ]
    for label in startup.COMMANDS:
        ratio = result.ratio(label)
        times = startup.Spread.of(result.all_times(label))
        # The fastest round of each: the least disturbed by load (reported, not judged).
        fastest = times.low / base.low
        rows.append(
            Row(
                f"{label} start-up: ratio per run",
                f"{ratio.text('x')}; {times.median:.1f} ms; fastest {fastest:.2f}x",
                f"<= {STARTUP_RATIO:g}x (median)",
                ratio.median <= STARTUP_RATIO,
            )
        )
    computing = result.ratio(startup.FEATURES_COMPUTING)
    rows.append(
        Row(
            f"{startup.FEATURES_COMPUTING} (no prepared copy): ratio per run",
            computing.text("x"),
            "- (once per change)",
            True,
        )
    )
    for label in startup.COMMANDS:
        rows.append(
            Row(
                f"{label}: -X importtime beyond python -c pass",
                f"{result.importtime_us[label] / 1000:.1f} ms",
                "-",
                True,
            )
        )
    for what, ours, theirs in startup.STAND_INS:
        if ours in result.blocks:
            saved = result.extra_ms(theirs, ours)
            imports = result.importtime_us.get(theirs, 0.0) - result.importtime_us.get(ours, 0.0)
            rows.append(
                Row(
                    f"stand-in {what}: import saves (wall; -X importtime)",
                    f"{saved.text(' ms', 1)}; {imports / 1000:.1f} ms",
                    "> 0 (else drop it)",
                    saved.median > 0 and imports > 0,
                )
            )
    return rows


def economy_rows(eco: measure.Economy) -> list[Row]:
    writes = measure.Economy.writes
    sync_ok = sum(eco.sync_unchanged_enom.values()) == 1 and not writes(eco.sync_unchanged_mgrctl)
    pending_ok = sum(eco.sync_pending_enom.values()) == 1 and not writes(eco.sync_pending_mgrctl)
    return [
        Row(
            "open DV, no product cache: ENOM calls",
            _calls(eco.open_enom),
            "<= 6",
            sum(eco.open_enom.values()) <= OPEN_ENOM_BUDGET + 1,
        ),
        Row(
            "open DV, no product cache: mgrctl calls",
            _mgrctl(eco.open_mgrctl),
            "<= 6",
            len(eco.open_mgrctl) <= 6,
        ),
        Row(
            "open DV, product cache: ENOM calls",
            _calls(eco.open_warm_enom),
            "<= 5",
            sum(eco.open_warm_enom.values()) <= OPEN_ENOM_BUDGET,
        ),
        Row(
            "open DV, product cache: mgrctl calls",
            _mgrctl(eco.open_warm_mgrctl),
            "<= 6",
            len(eco.open_warm_mgrctl) <= 6,
        ),
        Row(
            "sync_item unchanged (issued): ENOM / mgrctl writes",
            f"{_calls(eco.sync_unchanged_enom)} / {_mgrctl(writes(eco.sync_unchanged_mgrctl))}",
            "1 / 0",
            sync_ok,
        ),
        Row(
            "sync_item unchanged (pending): ENOM / mgrctl writes",
            f"{_calls(eco.sync_pending_enom)} / {_mgrctl(writes(eco.sync_pending_mgrctl))}",
            "1 / 0",
            pending_ok,
        ),
        Row(
            "getbalance --module: ENOM calls",
            _calls(eco.getbalance_enom),
            "1",
            sum(eco.getbalance_enom.values()) == 1,
        ),
    ]


def bulk_rows(result: measure.Bulk) -> list[Row]:
    calls = sum(result.enom_calls.values())
    again = sum(result.again_enom_calls.values())
    n = result.certificates
    return [
        Row(
            f"sync --all, {n} certificates, {result.changed} changed: time",
            f"{result.seconds:.1f} s",
            f"< {BULK_SECONDS:g} s" if n >= 10_000 else f"< {BULK_SECONDS:g} s at 10,000",
            result.seconds < BULK_SECONDS,
        ),
        Row(
            "sync --all: ENOM calls",
            _calls(result.enom_calls),
            f"<= {result.pages} + {result.changed} = {result.call_budget}",
            calls <= result.call_budget,
        ),
        Row(
            "sync --all: mgrctl writes (changed items only)",
            str(len(result.mgrctl_writes)),
            "only for changed",
            result.changed_ok and result.writes_only_changed and len(result.mgrctl_writes) > 0,
        ),
        Row(
            "sync --all again (nothing changed): ENOM calls / writes",
            f"{again} / {len(result.again_mgrctl_writes)} ({result.again_seconds:.1f} s)",
            f"{result.pages} / 0",
            again == result.pages and not result.again_mgrctl_writes,
        ),
        Row(
            "sync_item after sync --all: mgrctl writes",
            str(sum(len(w) for w in result.sync_item_after.values())),
            "0 (same effects)",
            not any(result.sync_item_after.values()),
        ),
    ]


def memory_rows(peaks: dict[str, int], baseline_kib: int) -> list[Row]:
    rows = []
    if baseline_kib:
        reference = f"{baseline_kib / MIB:.1f} MiB"
        rows.append(Row("peak RSS: python3 -c pass (reference)", reference, "-", True))
    for name in ("features", "approver", "open", "sync_item", "getbalance", "sync --all"):
        if name in peaks:
            kib = peaks[name]
            rows.append(
                Row(
                    f"peak RSS: {name}",
                    f"{kib / MIB:.1f} MiB",
                    "<= 64 MiB",
                    kib <= MEMORY_LIMIT_KIB,
                )
            )
    return rows


def table(rows: list[Row], info: dict[str, str]) -> str:
    widths = [
        max(len("figure"), *(len(r.figure) for r in rows)),
        max(len("value"), *(len(r.value) for r in rows)),
        max(len("target"), *(len(r.target) for r in rows)),
    ]
    lines = [
        f"machine: {info['cpu']}, {info['cores']} cores, {info['python']}, {info['system']}",
        "",
        f"| {'figure'.ljust(widths[0])} | {'value'.ljust(widths[1])} | "
        f"{'target'.ljust(widths[2])} | result |",
        f"|{'-' * (widths[0] + 2)}|{'-' * (widths[1] + 2)}|{'-' * (widths[2] + 2)}|--------|",
    ]
    for r in rows:
        lines.append(
            f"| {r.figure.ljust(widths[0])} | {r.value.ljust(widths[1])} | "
            f"{r.target.ljust(widths[2])} | {'pass' if r.ok else 'FAIL'}   |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI setting: 500 certificates")
    parser.add_argument("--certs", type=int, help="certificates for the bulk sync")
    parser.add_argument("--changed", type=int, help="certificates that changed (default N/200)")
    parser.add_argument(
        "--runs", type=int, help=f"start-up runs (default 5, at least {startup.MIN_RUNS})"
    )
    parser.add_argument("--rounds", type=int, help="interleaved rounds per start-up run")
    parser.add_argument(
        "--layout",
        choices=("wheel", "current"),
        default="wheel",
        help="start-up of a wheel-installed venv (default, as BILLmanager runs it) or of this "
        "environment's console script",
    )
    parser.add_argument(
        "--only",
        choices=("startup", "economy", "bulk"),
        action="append",
        help="run only these parts (repeatable; default all)",
    )
    args = parser.parse_args(argv)
    n = args.certs or (500 if args.quick else 10_000)
    changed = args.changed if args.changed is not None else max(3, n // 200)
    rounds = args.rounds or (7 if args.quick else 15)
    runs = max(args.runs or (3 if args.quick else 5), startup.MIN_RUNS)

    parts = set(args.only or ("startup", "economy", "bulk"))

    started = time.monotonic()
    say = sys.stderr.write
    rows: list[Row] = []
    peaks: dict[str, int] = {}
    baseline_kib = 0
    loaded: str | None = None
    if "startup" in parts:
        say(f"start-up: {runs} runs of {rounds} interleaved rounds ({args.layout} layout)...\n")
        start = startup.measure(runs=runs, rounds=rounds, layout=args.layout)
        rows += startup_rows(start)
        peaks.update(
            features=start.rss_kib[startup.FEATURES], approver=start.rss_kib[startup.APPROVER]
        )
        baseline_kib = start.rss_kib[startup.BASELINE]
        loaded = start.loaded()
    if parts & {"economy", "bulk"}:
        with world_for_bench() as world:
            if "economy" in parts:
                say("API economy: open, sync_item, getbalance...\n")
                rows += economy_rows(measure.economy(world))
            if "bulk" in parts:
                say(f"bulk: seeding {n} certificates, {changed} changed, sync --all...\n")
                rows += bulk_rows(measure.bulk(world, n, changed))
            for name, kib in world.peak_rss_kib.items():
                peaks[name] = max(peaks.get(name, 0), kib)
    rows += memory_rows(peaks, baseline_kib)
    print(table(rows, machine()))
    status = verdict(rows, loaded)
    if loaded:
        print(
            f"\nThe machine was too loaded to judge the start-up ratios: {loaded}. Under load "
            "every process waits alike and ratios shrink toward 1; measure again when it is quiet."
        )
    say(f"benchmark took {time.monotonic() - started:.0f} s\n")
    return status


def verdict(rows: list[Row], loaded: str | None) -> int:
    """The exit status: a missed target wins; a load that hides the start-up ratios comes next."""
    if not all(r.ok for r in rows):
        return EXIT_MISSED
    return EXIT_TOO_LOADED if loaded else 0


if __name__ == "__main__":
    raise SystemExit(main())
