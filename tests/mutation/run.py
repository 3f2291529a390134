"""Mutation testing of the modules that guard money and secrets (issue 17), with mutmut 3.

    .venv/bin/python -m tests.mutation.run                 # every module below (see README.md)
    .venv/bin/python -m tests.mutation.run log xmldoc      # some of them (names or paths)
    .venv/bin/python -m tests.mutation.run --list          # what would run, and with which tests
    .venv/bin/python -m tests.mutation.run enomssl/order --only reconcile  # one of its functions

Each module runs in its own scratch copy of the checkout (under $TMPDIR, removed afterwards
unless --keep), mutated by mutmut and tested only by the tests that cover it (SCOPES below), so
the checkout is never touched and one module's run never waits for another's tests. The report
(`mutation-report.md` by default) lists, per module, the number of mutants, killed, survived,
timeouts and mutants no test reached, the time taken, and the diff of every surviving mutant.
Surviving mutants that are equivalent are named with the reason in tests/mutation/README.md.

Many guards are tested through the real executable (`python -m pmenomssl` as a subprocess), which
mutmut's in-process bookkeeping cannot see. Two small pieces bridge that (see SITECUSTOMIZE and
`hits_plugin.py`): a subprocess runs the mutant mutmut selected (the variable MUTANT_UNDER_TEST is
inherited), and while mutmut maps tests to functions, the functions a subprocess called are
written to a folder and credited to the test that started it.

Not in CI: it takes tens of minutes. CI keeps the guard tests it produced.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from tests.launcher import LAUNCH_ENV

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# module -> the tests that cover it (the guard tests through the executable plus the unit tests
# of the module). Kept small on purpose: every mutant runs the tests that reached its function.
SCOPES: dict[str, tuple[str, ...]] = {
    # In-process: test_log_lines.py (lines, levels, redaction) and test_log_unit.py (the
    # start-up path: write, start, the attachment when `logging` is imported later; every
    # redaction guard's decision). test_guard_redaction.py (the same guards through the
    # executable, 1-2 s a test) and tests/billing/test_secrets.py (the gateway registering its
    # secrets, MariaDB) are left to CI.
    "pmenomssl/log.py": (
        "tests/protocol/test_log_lines.py",
        "tests/protocol/test_log_unit.py",
    ),
    "pmenomssl/protocol/xmldoc.py": (
        "tests/protocol/test_xmldoc.py",
        "tests/protocol/test_guard_redaction.py",
        "tests/protocol/test_protocol.py",
    ),
    # test_limits.py (real concurrent runs, seconds each) is left to CI: test_limits_unit.py
    # pins every decision of limits.py in-process (with or without it, the same 2 survivors).
    "pmenomssl/protocol/limits.py": ("tests/protocol/test_limits_unit.py",),
    "pmenomssl/enom/errors.py": (
        "tests/enom/test_error_texts.py",
        "tests/enom/test_errors.py",
        "tests/enom/test_envelope.py",
    ),
    # test_guards.py's CSR guard (through the executable) is left to CI: test_csr_unit.py pins
    # every decision of validate_csr in-process, the missing ordered name included.
    "pmenomssl/ssl/csr.py": ("tests/ssl/test_csr_unit.py",),
    # test_ssl_csr.py's property tests (seconds each) and test_csr_diagnostics.py (openssl runs)
    # are left to CI: test_csr_parsing_unit.py pins every reason parse_csr gives, in-process.
    "pmenomssl/ssl/csr_parsing.py": ("tests/ssl/test_csr_parsing_unit.py",),
    # In-process (MockTransport, the cassettes' answers): test_retries.py (loopback sockets and
    # real read timeouts, up to 1 s a test) and test_commands.py (vcrpy) pin the same decisions
    # and are left to CI; test_envelope.py never reaches client.py.
    "pmenomssl/enom/client.py": ("tests/enom/test_client_unit.py",),
    # In-process (a MockTransport, a fake clock): the retry policy, backoff, deadline, timeouts,
    # log line and error texts. test_transport_guards.py holds TLS verification (a real
    # self-signed HTTPS server) and redirects over loopback. The retry tests over loopback and
    # test_time_bounds.py (the executable under a deadline) are left to CI.
    "pmenomssl/transport/http.py": (
        "tests/transport/test_http_unit.py",
        "tests/enom/test_transport_guards.py",
    ),
    # In-process against a fake upstream (a MockTransport): every function's form and reply,
    # the URL guard, the error texts, the log line, paid calls sent once. The cassette tests
    # (0.2-0.6 s each) and the retry tests over loopback (real timeouts) are left to CI.
    "pmenomssl/upstream/client.py": ("tests/upstream/test_client_unit.py",),
    # The order modules: in-process tests only (milliseconds each). test_faults.py, test_guards.py
    # and test_order.py run the same decisions through the real executable (1-12 s a test) and
    # stay in the suite (CI); test_order_unit.py pins what is ordered (the ENOM parameters of each
    # validation method) and test_purchase_guards_unit.py the never-buy-twice guards.
    "pmenomssl/handlers/enomssl/order.py": (
        "tests/handler/test_order_unit.py",
        "tests/handler/test_purchase_guards_unit.py",
    ),
    "pmenomssl/handlers/enomssl/purchase.py": (
        "tests/handler/test_purchase_guards_unit.py",
        "tests/handler/test_order_unit.py",
    ),
    "pmenomssl/handlers/enomssl/reconcile.py": (
        "tests/handler/test_purchase_guards_unit.py",
        "tests/handler/test_order_unit.py",
    ),
    # test_lifecycle.py (prolong, sync_item and import through the executable) is left to CI:
    # the same decisions are pinned in-process by the *_unit.py files here.
    "pmenomssl/handlers/enomssl/renewal.py": (
        "tests/handler/test_renewal_unit.py",
        "tests/handler/test_renewal_commands_unit.py",
    ),
    # test_lifecycle.py::test_import_links_every_unlinked_certificate (the executable) is CI's.
    "pmenomssl/handlers/enomssl/importing.py": ("tests/handler/test_importing_unit.py",),
    # test_guards.py, test_never_twice.py and test_lifecycle.py (the executable, 1-12 s a test)
    # are left to CI: test_paid_guards_unit.py, test_open_unit.py and test_prolong_unit.py pin
    # the same decisions in-process (what is ordered and sent upstream, adopted, saved).
    "pmenomssl/handlers/billreseller/order.py": (
        "tests/billreseller/test_paid_guards_unit.py",
        "tests/billreseller/test_open_unit.py",
    ),
    "pmenomssl/handlers/billreseller/reconcile.py": (
        "tests/billreseller/test_paid_guards_unit.py",
        "tests/billreseller/test_open_unit.py",
    ),
    "pmenomssl/handlers/billreseller/prolong.py": (
        "tests/billreseller/test_paid_guards_unit.py",
        "tests/billreseller/test_prolong_unit.py",
    ),
}

# Lines whose expressions are not mutated: logging calls. Their words are for people reading
# the log (the lines operations rely on are pinned by tests/protocol/test_log_lines.py); a
# mutant of one would survive and run every scoped end-to-end test for nothing.
DO_NOT_MUTATE = (r"\blogger\.(debug|info|warning|error|exception)\(",)

# Imported by every Python process started from the scratch copy (it is first on PYTHONPATH
# there), and active only in a process a test started during a mutation run (the variables are
# MUTMUT_*, since the tests strip PMENOMSSL_* ones): mutmut's configuration is read from the
# scratch copy (the subprocess runs in BILLmanager's $ROOT, where mutmut would find none), and
# while mutmut collects which tests reach which function, every function this process reaches
# is appended to a file the test's process reads (hits_plugin.py).
SITECUSTOMIZE = """
import os

if os.environ.get("MUTMUT_SCRATCH_ROOT") and os.environ.get("MUTANT_UNDER_TEST"):
    _here = os.getcwd()
    os.chdir(os.environ["MUTMUT_SCRATCH_ROOT"])
    try:
        from mutmut.configuration import config as _config

        _config()
    finally:
        os.chdir(_here)
    if os.environ["MUTANT_UNDER_TEST"] == "stats":
        import mutmut.mutation.trampoline as _trampoline

        _record = _trampoline.record_trampoline_hit
        _seen = set()
        _path = os.path.join(os.environ["MUTMUT_SCRATCH_HITS"], f"{os.getpid()}.hits")

        def _record_and_share(name, caller=None):
            _record(name, caller=caller)
            if name not in _seen:
                _seen.add(name)
                with open(_path, "a", encoding="utf-8") as hits:
                    hits.write(name + "\\n")

        _trampoline.record_trampoline_hit = _record_and_share
"""

# What a mutant's status is once its tests ran (anything else: "not checked", an aborted run).
CHECKED = ("killed", "survived", "timeout", "no tests", "suspicious", "segfault")
# Mutants whose diff the report shows: the ones no test failed on.
SHOWN = ("survived", "timeout", "no tests", "suspicious")
STATUS_LINE = re.compile(r"^\s+(\S+): (.+)$")


@dataclass
class Outcome:
    module: str
    seconds: float = 0.0
    statuses: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)
    error: str = ""

    def count(self, status: str) -> int:
        return sum(1 for value in self.statuses.values() if value == status)


def _checkout_files() -> list[str]:
    """The checkout as it is now (tracked and new files, not ignored ones)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


def _mutmut_config(module: str, tests: tuple[str, ...]) -> str:
    def toml_list(values: list[str] | tuple[str, ...], quote: str = '"') -> str:
        return "[" + ", ".join(quote + value + quote for value in values) + "]"

    # TOML literal strings: a regular expression's backslashes stay as they are
    patterns = toml_list(DO_NOT_MUTATE, quote="'")
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["pmenomssl"]\n'
        f"only_mutate = {toml_list([module])}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        # mutmut runs pytest in its own process, one test at a time: no xdist workers
        'pytest_add_cli_args = ["-p", "tests.mutation.hits_plugin", "-p", "no:cacheprovider",'
        ' "-n", "0"]\n'
        'also_copy = ["sitecustomize.py"]\n'
        "use_git_change_detection = false\n"
        f"do_not_mutate_patterns = {patterns}\n"
    )


def _prepare(module: str, scratch: Path) -> None:
    for name in _checkout_files():
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    with (scratch / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write(_mutmut_config(module, SCOPES[module]))
    (scratch / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")


def _mutmut(scratch: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("mutmut")
    return subprocess.run(
        [str(executable), *args],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def mutant_globs(module: str, functions: tuple[str, ...]) -> tuple[str, ...]:
    """mutmut's names for the mutants of some functions of `module` (`Class.method` for a
    method): `pkg.mod.x_name__mutmut_3`, `pkg.mod.xǁClassǁmethod__mutmut_3`."""
    dotted = module.removesuffix(".py").replace("/", ".")
    return tuple(
        f"{dotted}.x" + ("ǁ" + name.replace(".", "ǁ") if "." in name else "_" + name) + "__mutmut_*"
        for name in functions
    )


def run_module(
    module: str, max_children: int, keep: bool, functions: tuple[str, ...] = ()
) -> Outcome:
    outcome = Outcome(module)
    scratch = Path(tempfile.mkdtemp(prefix="pmenomssl-mutation-"))
    hits = scratch / "hits"
    hits.mkdir()
    started = time.monotonic()
    try:
        _prepare(module, scratch)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(MUTMUT_SCRATCH_ROOT=str(scratch), MUTMUT_SCRATCH_HITS=str(hits))
        # A fresh interpreter for every run of the executable (tests/launcher.py): the
        # sitecustomize above must run in each one, and each must import the mutant.
        env[LAUNCH_ENV] = "process"
        globs = mutant_globs(module, functions)
        result = _mutmut(scratch, "run", "--max-children", str(max_children), *globs, env=env)
        (scratch / "mutmut-run.log").write_text(result.stdout + result.stderr, encoding="utf-8")
        listing = _mutmut(scratch, "results", "--all", "true", env=env)
        for line in listing.stdout.splitlines():
            match = STATUS_LINE.match(line)
            if match and (not globs or any(fnmatch(match.group(1), g) for g in globs)):
                outcome.statuses[match.group(1)] = match.group(2).strip()
        if not any(status in CHECKED for status in outcome.statuses.values()):
            tail = (result.stdout + result.stderr)[-3000:]
            outcome.error = f"mutmut checked no mutant (exit {result.returncode}):\n{tail}"
        for name, status in outcome.statuses.items():
            if status in SHOWN:
                shown = _mutmut(scratch, "show", name, env=env)
                outcome.diffs[name] = shown.stdout.strip()
    finally:
        outcome.seconds = time.monotonic() - started
        if keep:
            print(f"kept {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return outcome


def report(outcomes: list[Outcome]) -> str:
    lines = [
        "# Mutation report",
        "",
        f"mutmut over {len(outcomes)} module(s), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        "| module | mutants | killed | survived | timeout | no tests | other | minutes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        known = ("killed", "survived", "timeout", "no tests")
        other = len(o.statuses) - sum(o.count(status) for status in known)
        lines.append(
            f"| {o.module} | {len(o.statuses)} | {o.count('killed')} | {o.count('survived')}"
            f" | {o.count('timeout')} | {o.count('no tests')} | {other} | {o.seconds / 60:.1f} |"
        )
    for o in outcomes:
        lines += ["", f"## {o.module}", ""]
        if o.error:
            lines += ["```", o.error, "```"]
        survivors = {name: diff for name, diff in o.diffs.items()}
        if not survivors:
            lines.append("No surviving mutant.")
        for name, diff in survivors.items():
            lines += [f"### {name}: {o.statuses[name]}", "", "```diff", diff, "```", ""]
    return "\n".join(lines) + "\n"


def _resolve(names: list[str]) -> list[str]:
    if not names:
        return list(SCOPES)
    chosen = []
    for name in names:
        matches = [m for m in SCOPES if m == name or Path(m).stem == name or name in m]
        if len(matches) != 1:
            raise SystemExit(f"{name!r} names {len(matches)} of the modules: {', '.join(SCOPES)}")
        chosen.append(matches[0])
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module stems or paths (default: all)")
    parser.add_argument("--report", type=Path, default=Path("mutation-report.md"))
    parser.add_argument("--max-children", type=int, default=2, help="parallel test processes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="FUNCTION",
        help="mutate only these functions (`Class.method` for a method; repeatable)",
    )
    args = parser.parse_args(argv)
    modules = _resolve(args.modules)
    if args.list:
        for module in modules:
            print(module, "->", " ".join(SCOPES[module]))
        return 0
    outcomes = []
    for module in modules:
        print(f"mutating {module} ...", file=sys.stderr, flush=True)
        outcomes.append(run_module(module, args.max_children, args.keep, tuple(args.only)))
        args.report.write_text(report(outcomes), encoding="utf-8")  # partial report as it goes
        last = outcomes[-1]
        print(
            f"  {len(last.statuses)} mutants, {last.count('killed')} killed, "
            f"{last.count('survived')} survived, {last.seconds / 60:.1f} min",
            file=sys.stderr,
        )
    print(f"report: {args.report}", file=sys.stderr)
    return 1 if any(o.error or o.count("survived") for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
