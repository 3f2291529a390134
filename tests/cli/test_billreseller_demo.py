"""`pmbillreseller demo`: the real console script (next to sys.executable) as a subprocess, on its
embedded defaults: the upstream sandbox, the stand-in on SQLite, the real module for each step.
No MariaDB needed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

from pmenomssl.handlers.billreseller.operator import demo as demo_module
from tests.cli.conftest import squash

EXECUTABLE = Path(sys.executable).with_name("pmbillreseller")


def run_demo(
    *args: str, cwd: Path, tmpdir: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`pmbillreseller demo ARGS`, its temporary directory under `tmpdir` (TMPDIR)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMENOMSSL_", "PMBILL"))}
    env["TMPDIR"] = str(tmpdir)
    return subprocess.run(
        [str(EXECUTABLE), "demo", *args],
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _dirs(tmp_path: Path) -> tuple[Path, Path]:
    cwd, tmpdir = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmpdir.mkdir()
    return cwd, tmpdir


def test_demo_runs_the_whole_life_and_leaves_nothing_behind(tmp_path: Path) -> None:
    cwd, tmpdir = _dirs(tmp_path)
    started = time.monotonic()
    result = run_demo(cwd=cwd, tmpdir=tmpdir)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    out = result.stdout
    titles = [line for line in out.splitlines() if line.startswith("[")]
    assert len(titles) == demo_module.STEPS == len(demo_module.steps())
    for number, (title, keyword) in enumerate(zip(titles, demo_module.steps()), start=1):
        assert title.startswith(f"[{number}/{demo_module.STEPS}]") and keyword in title
    text = squash(out)
    for expected in (
        "$ pmbillreseller --command features",
        "OK: the upstream accepts 'reseller'",
        "upstream balance 10000.00 RUB",
        "$ pmbillreseller --command open --item 1",
        "upstream: one order (v2.vds.order.param) charged 400.00 RUB",  # 300 + 2 GB x 50
        "now 'processing'; local status 1 (ordered)",
        "upstream says 'active'; local status 2 (active)",
        "upstream: one renewal",
        "service.prolong) charged 400.00 RUB",
        "addon 211 = 4",
        "charged 200.00 RUB for the months left",  # 2 GB more x 50 x 2 months left
        "vds.suspend, service 1001 is 'stopped'; local status 3 (suspended)",
        "vds.resume, service 1001 is 'active'; local status 2 (active)",
        "$ pmbillreseller --command close --item 1",
        "vds.delete, service 1001 is 'deleted'; local status 4 (closed)",
        "1 upstream order, 1 renewal, 1 addon change, closed.",
    ):
        assert expected in text, expected
    assert text.count("$ pmbillreseller --command open") == 1
    assert "Traceback" not in out
    # nothing left behind: the work directory (under TMPDIR) is gone, the cwd untouched
    work = next(line for line in out.splitlines() if "work directory" in line).split()[-1]
    assert Path(work).parent == tmpdir
    assert list(tmpdir.iterdir()) == [] and list(cwd.iterdir()) == []
    assert elapsed < 60  # a few seconds on an idle machine


def test_demo_never_shows_the_upstream_password(tmp_path: Path) -> None:
    """Kept (--keep) so that the password the module stored can be read back and looked for."""
    from pmenomssl.billing.crypto import decrypt_value
    from pmenomssl.sandbox.billmanager import StandIn

    cwd, tmpdir = _dirs(tmp_path)
    log = tmp_path / "demo.log"
    result = run_demo("--keep", "--log", str(log), cwd=cwd, tmpdir=tmpdir)
    assert result.returncode == 0, result.stdout + result.stderr
    work = next(line for line in result.stdout.splitlines() if "work directory" in line)
    standin = StandIn.open(Path(work.split()[-1]) / "mgr5")
    try:
        rows = standin.store.query(
            "SELECT value FROM processingcryptedparam WHERE intname = 'password'"
        )
        assert len(rows) == 1
        password = decrypt_value(str(rows[0]["value"]), standin.key_path)
        module_log = standin.log_path("pmbillreseller").read_text(encoding="utf-8")
    finally:
        standin.close()
    assert len(password) >= 16
    assert password not in result.stdout + result.stderr
    assert log.read_text(encoding="utf-8") == module_log
    assert "[open item=1" in module_log and password not in module_log
    assert f"Kept for a look around: {work.split()[-1]}" in result.stdout
    assert list(cwd.iterdir()) == []


class _RefusingUpstream(demo_module.ResellerDemo):
    """The demo with an upstream that answers every order with HTTP 500."""

    def setup(self) -> None:
        super().setup()
        self.up.fault("v2.vds.order.param", "http_500", times=None)


def test_a_failed_step_says_which_and_exits_1(tmp_path: Path) -> None:
    out = io.StringIO()
    demo = _RefusingUpstream(out, workdir=tmp_path / "work")
    assert demo.run() == 1
    text = squash(out.getvalue())
    assert "DEMO FAILED at step 4 (Order:" in text
    assert "pmbillreseller --command open --item 1 exited with status 1" in text
    log = tmp_path / "work" / "mgr5" / "var" / "pmbillreseller.log"
    assert f"The module's log: {log}" in text and log.exists()


def test_help_shows_an_example(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(EXECUTABLE), "demo", "--help"],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: pmbillreseller demo")
    assert "\n  pmbillreseller demo\n" in result.stdout.split("examples:")[1]
