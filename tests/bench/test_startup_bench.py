"""The start-up benchmark tells the truth about itself (issue 16): its ratios, its verdict on
the machine's load, its exit status, and the layout it measures. Timing itself is never
asserted here (the machine is shared); these tests check the judging, on figures they make."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import run, startup


def made(baseline: list[list[float]], features: list[list[float]]) -> startup.Startup:
    return startup.Startup(
        layout="wheel",
        interpreter="python",
        blocks={startup.BASELINE: baseline, startup.FEATURES: features},
    )


def test_each_run_gives_its_own_ratio_of_medians() -> None:
    result = made(
        baseline=[[10.0, 11.0, 10.0], [10.0, 10.0, 12.0], [10.0, 10.0, 10.0]],
        features=[[20.0, 30.0, 25.0], [15.0, 14.0, 99.0], [18.0, 18.0, 18.0]],
    )
    # medians per run: 25/10, 15/10, 18/10
    assert result.ratios(startup.FEATURES) == [2.5, 1.5, 1.8]
    spread = result.ratio(startup.FEATURES)
    assert (spread.low, spread.median, spread.high) == (1.5, 1.8, 2.5)
    assert "1.80x (min 1.50, max 2.50)" in spread.text("x")


def test_a_quiet_machine_is_judged_and_a_busy_one_is_not() -> None:
    quiet = made([[10.0, 10.5, 11.0]] * 3, [[15.0, 15.0, 15.0]] * 3)
    assert quiet.loaded() is None
    # The bare interpreter's median far above its minimum: every process waited.
    waiting = made([[10.0, 19.0, 20.0]] * 3, [[25.0, 25.0, 25.0]] * 3)
    reason = waiting.loaded()
    assert reason is not None and "above its minimum 10.0 ms" in reason
    # The runs disagree with each other: the load changed while measuring.
    drifting = made([[10.0, 10.0, 10.0], [10.0, 14.0, 14.0], [10.0, 10.0, 10.0]], [[15.0] * 3] * 3)
    reason = drifting.loaded()
    assert reason is not None and "spread from 10.0 to 14.0 ms" in reason


def test_exit_status_missed_target_wins_then_load() -> None:
    ok = run.Row("a", "1", "-", True)
    missed = run.Row("b", "3x", "<= 2x", False)
    assert run.verdict([ok], None) == 0
    assert run.verdict([ok], "busy") == run.EXIT_TOO_LOADED != 0
    assert run.verdict([ok, missed], None) == run.EXIT_MISSED != 0
    assert run.verdict([ok, missed], "busy") == run.EXIT_MISSED


def test_a_ratio_above_the_target_fails_its_row() -> None:
    result = made([[10.0] * 3] * 3, [[21.0] * 3] * 3)
    result.blocks[startup.APPROVER] = [[19.0] * 3] * 3
    result.blocks[startup.FEATURES_COMPUTING] = [[40.0] * 3] * 3
    result.importtime_us = {startup.FEATURES: 1000.0, startup.APPROVER: 2000.0}
    rows = {r.figure: r for r in run.startup_rows(result)}
    assert not rows["features start-up: ratio per run"].ok
    assert rows["approver start-up: ratio per run"].ok
    assert "(min" in rows["features start-up: ratio per run"].value


def test_the_measured_layout_has_no_editable_finder(tmp_path: Path) -> None:
    """The wheel venv's bare interpreter imports only what Python itself needs, so the module's
    own imports show in the ratio (an editable install's finder imports pathlib and re)."""
    bin_dir = startup.make_installed_venv(tmp_path)
    script = "import sys; print(' '.join(sorted(sys.modules)))"
    bare = subprocess.run(
        [str(bin_dir / "python"), "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "pathlib" not in bare and "re" not in bare
    assert (bin_dir / "pmenomssl").exists()
    features = subprocess.run(
        [str(bin_dir / "pmenomssl"), "--command", "features"],
        capture_output=True,
        check=False,
        cwd=tmp_path,
        env={"PMENOMSSL_MGR_ROOT": str(tmp_path / "mgr5"), "PATH": "/usr/bin:/bin"},
    )
    assert features.returncode == 0, features.stdout + features.stderr
    assert features.stdout.startswith(b"<?xml") and b"<feature name=" in features.stdout
    assert sys.executable not in str(bin_dir)
