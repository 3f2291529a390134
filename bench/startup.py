"""Start-up of `features` and `approver` against the bare interpreter (issue 16), told honestly.

What is measured, and how:

- The layout BILLmanager runs: a throw-away venv of the same base interpreter with the package
  installed from a wheel (what `pmenomssl install` does), started exactly as the installed
  wrapper starts it (`operator/files.entry_argv`), not through pip's console script: pip 23's
  imports `re`, pip 26's does not, and BILLmanager never runs it. An editable install is not
  used: its `.pth` finder imports pathlib, re and contextlib into every interpreter of the venv,
  `python -c pass` included, which hides the module's own imports and shrinks the ratio.
  `--layout current` measures this environment's console script instead.
- Interleaved rounds: `python -c pass`, `features`, `approver` (and the stand-in imports, see
  below) one after another, so a change of load hits all alike. The first `warmup` rounds are
  dropped (they write bytecode and the prepared features document).
- `runs` (>= 3) blocks of `rounds` rounds; each block gives one ratio per command (median of
  the command / median of the bare interpreter in that block). Reported: min / median / max of
  those ratios; the target is judged on their median.
- Load: when the bare interpreter's median is far above its minimum, or its per-block medians
  spread widely, the machine was busy and every process paid the same extra wait: ratios
  shrink toward 1. Such a run cannot show that a target is met (`Verdict.loaded` says why).
- `python -X importtime`: the self time of every module a command imports beyond `python -c
  pass` (median of a few runs). Less sensitive to load than wall time.
- Home-made stand-ins for standard-library modules (`STAND_INS`): the import cost of each
  against the module it replaces, in the same interleaved rounds (a stand-in that does not pay
  for itself should go).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bench.process import MODULE_NAME, REPO, run_process

BASELINE = "python -c pass"
FEATURES = "features"
APPROVER = "approver"
COMMANDS = (FEATURES, APPROVER)
# `features` without a prepared copy (the first run after an install or a product-list change):
# reported, no target; the run writes the copy the next `features` round uses.
FEATURES_COMPUTING = "features, computing"
MIN_RUNS = 3

# The machine is too loaded to judge when the bare interpreter's median is this much above
# its minimum (a quiet 2-core machine shows 5-15 %), or when its per-block medians differ by
# this factor (quiet: under 10 %).
LOADED_MEDIAN_OVER_MIN = 1.25
LOADED_BLOCK_SPREAD = 1.25

# (what, stand-in's import, the import it replaces): each costs start-up time to every command.
STAND_INS = (
    ("pmenomssl.records for dataclasses", "import pmenomssl.records", "import dataclasses"),
    ("pmenomssl.log's writer for logging", "import pmenomssl.log", "import logging"),
    ("pmenomssl.protocol.xmlwriter for lxml", "import pmenomssl.protocol.xmlwriter",
     "import lxml.etree"),
)  # fmt: skip


@dataclass
class Spread:
    low: float
    median: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(min(values), statistics.median(values), max(values))

    def text(self, unit: str = "", digits: int = 2) -> str:
        return (
            f"{self.median:.{digits}f}{unit} (min {self.low:.{digits}f}, "
            f"max {self.high:.{digits}f})"
        )


@dataclass
class Startup:
    """Wall times (ms) per label: one list of rounds per block."""

    layout: str
    interpreter: str
    blocks: dict[str, list[list[float]]]
    importtime_us: dict[str, float] = field(default_factory=dict)  # label -> beyond baseline
    rss_kib: dict[str, int] = field(default_factory=dict)

    def all_times(self, label: str) -> list[float]:
        return [t for block in self.blocks[label] for t in block]

    def ratios(self, label: str, reference: str = BASELINE) -> list[float]:
        """One ratio per block: median of `label` / median of `reference` in that block."""
        return [
            statistics.median(mine) / statistics.median(base)
            for mine, base in zip(self.blocks[label], self.blocks[reference])
        ]

    def ratio(self, label: str) -> Spread:
        return Spread.of(self.ratios(label))

    def extra_ms(self, label: str, reference: str) -> Spread:
        """How much longer `label` takes than `reference`, per block (ms)."""
        return Spread.of(
            [
                statistics.median(mine) - statistics.median(base)
                for mine, base in zip(self.blocks[label], self.blocks[reference])
            ]
        )

    def loaded(self) -> str | None:
        """Why the machine was too busy to judge the ratios, or None when it was quiet."""
        times = self.all_times(BASELINE)
        fastest, median = min(times), statistics.median(times)
        reasons = []
        if median > LOADED_MEDIAN_OVER_MIN * fastest:
            reasons.append(
                f"the bare interpreter's median {median:.1f} ms is "
                f"{(median / fastest - 1) * 100:.0f}% above its minimum {fastest:.1f} ms"
            )
        block_medians = [statistics.median(b) for b in self.blocks[BASELINE]]
        if max(block_medians) > LOADED_BLOCK_SPREAD * min(block_medians):
            reasons.append(
                f"its per-run medians spread from {min(block_medians):.1f} to "
                f"{max(block_medians):.1f} ms"
            )
        return "; ".join(reasons) or None


# --- the layout ----------------------------------------------------------------------------


def _base_interpreter() -> str:
    """The interpreter this environment's venv was made from (the same Python, no venv)."""
    return str(getattr(sys, "_base_executable", "") or sys.executable)


def make_installed_venv(directory: Path) -> Path:
    """A venv with this checkout's package installed from a wheel, no editable finder; returns
    its bin directory. Of the dependencies only `publicsuffixlist` is laid beside it (copied
    from this environment: `approver` reads its list file); features and approver use no
    other."""
    from pmenomssl.operator.wheel import build_wheel

    venv = directory / "venv"
    subprocess.run(
        [_base_interpreter(), "-m", "venv", "--without-pip", str(venv)],
        check=True,
        capture_output=True,
    )
    wheel = build_wheel(directory)
    subprocess.run(
        [
            sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
            "--quiet", "--no-deps", "--no-index", str(wheel),
        ],
        check=True,
        capture_output=True,
        # Without PYTHONPATH: a checkout on it (as the tests put it) would make pip see the
        # package as installed already and skip it.
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )  # fmt: skip
    _copy_public_suffix_list(venv)
    return venv / "bin"


def _copy_public_suffix_list(venv: Path) -> None:
    import importlib.util
    import shutil

    spec = importlib.util.find_spec("publicsuffixlist")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("publicsuffixlist is not installed here: pip install '.[dev]'")
    source = Path(next(iter(spec.submodule_search_locations)))
    (site_packages,) = (venv / "lib").glob("python3*/site-packages")
    shutil.copytree(source, site_packages / source.name)


def _product_cache(root: Path) -> None:
    """A product cache like the one check_connection leaves (features reads and merges it)."""
    from pmenomssl.handlers.enomssl import products

    offered = [
        products.OfferedProduct(p.code, p.prod_type, p.title, (1, 2), Decimal("9.95"), True)
        for p in products.STATIC_PRODUCTS
    ]
    products.save_cache(products.cache_path(root, MODULE_NAME), offered)


def _env(root: Path, extra_path: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMENOMSSL_", "PYTHON"))}
    env["PMENOMSSL_NAME"] = MODULE_NAME
    env["PMENOMSSL_MGR_ROOT"] = str(root)
    if extra_path:
        env["PYTHONPATH"] = extra_path
    return env


def _commands(
    bin_dir: Path, env: dict[str, str], stand_ins: bool, *, as_wrapper: bool
) -> dict[str, tuple[list[str], dict[str, str]]]:
    """label -> (argv, environment). `as_wrapper`: the module started as its installed wrapper
    starts it; otherwise through this environment's console script."""
    from pmenomssl.operator.files import entry_argv
    from pmenomssl.operator.kinds import by_handler

    python = str(bin_dir / "python")
    start = (
        entry_argv(python, by_handler(MODULE_NAME)) if as_wrapper else [str(bin_dir / MODULE_NAME)]
    )
    commands = {
        BASELINE: ([python, "-c", "pass"], env),
        FEATURES: ([*start, "--command", "features"], env),
        FEATURES_COMPUTING: ([*start, "--command", "features"], env),
        APPROVER: (
            [*start, "--command", "approver", "--module", "1", "--domain", "www.example.com"],
            env,
        ),
    }
    if stand_ins:
        # This environment's interpreter without site (no editable finder), the package and
        # its dependencies on the path: only the difference between the two imports counts.
        import sysconfig

        plain = dict(env, PYTHONPATH=os.pathsep.join([str(REPO), sysconfig.get_paths()["purelib"]]))
        for _what, ours, theirs in STAND_INS:
            commands[ours] = ([sys.executable, "-S", "-c", ours], plain)
            commands[theirs] = ([sys.executable, "-S", "-c", theirs], plain)
    return commands


def importtime_us(argv: Sequence[str], baseline: Sequence[str], env: dict[str, str], cwd: Path,
                  repeat: int = 5) -> float:  # fmt: skip
    """Median self time (µs) of the modules `argv` imports beyond `baseline`."""

    def self_times(command: Sequence[str]) -> dict[str, int]:
        command = list(command)
        if Path(command[0]).name.startswith("python"):
            command[1:1] = ["-X", "importtime"]  # the wrapper's -I ignores PYTHON* variables
        run_env = dict(env, PYTHONPROFILEIMPORTTIME="1")  # a console script: through its env
        result = subprocess.run(command, env=run_env, cwd=cwd, capture_output=True, check=True)
        times = {}
        for line in result.stderr.decode().splitlines():
            if line.startswith("import time:") and "|" in line:
                own, _total, name = line[len("import time:") :].split("|")
                if own.strip().isdigit():
                    times[name.strip()] = int(own)
        return times

    totals = []
    for _ in range(repeat):
        base = self_times(baseline)
        mine = self_times(argv)
        totals.append(sum(us for name, us in mine.items() if name not in base))
    return float(statistics.median(totals))


def measure(
    *,
    runs: int = 5,
    rounds: int = 15,
    warmup: int = 3,
    layout: str = "wheel",
    stand_ins: bool = True,
) -> Startup:
    runs = max(runs, MIN_RUNS)
    with tempfile.TemporaryDirectory(prefix="pmenomssl-startup-") as tmp:
        work = Path(tmp)
        root = work / "mgr5"
        for sub in ("etc", "var"):
            (root / sub).mkdir(parents=True)
        _product_cache(root)
        if layout == "wheel":
            bin_dir = make_installed_venv(work)
            extra_path = None
        else:  # this environment's console script, as installed here
            bin_dir = Path(sys.executable).parent
            extra_path = str(REPO)
        env = _env(root, extra_path)
        commands = _commands(bin_dir, env, stand_ins, as_wrapper=layout == "wheel")
        blocks: dict[str, list[list[float]]] = {label: [] for label in commands}
        for index in range(warmup + runs * rounds):
            for label, (argv, command_env) in commands.items():
                if label == FEATURES_COMPUTING:
                    for copy in (root / "var").glob("*.features.prepared"):
                        copy.unlink()
                run = run_process(argv, env=command_env, cwd=root, exact_rss=False)
                elapsed = run.check().seconds
                if index < warmup:
                    continue
                block = (index - warmup) // rounds
                series = blocks[label]
                if len(series) <= block:
                    series.append([])
                series[block].append(elapsed * 1000)
        result = Startup(layout, str(bin_dir / "python"), blocks)
        for label in (BASELINE, *COMMANDS):
            argv = commands[label][0]
            result.rss_kib[label] = run_process(argv, env=env, cwd=root).max_rss_kib
        for label in COMMANDS:
            result.importtime_us[label] = importtime_us(
                commands[label][0], commands[BASELINE][0], env, root
            )
        if stand_ins:
            plain_argv, plain_env = commands[STAND_INS[0][1]]
            bare = [plain_argv[0], "-S", "-c", "pass"]
            for _what, ours, theirs in STAND_INS:
                for label in (ours, theirs):
                    result.importtime_us[label] = importtime_us(
                        commands[label][0], bare, plain_env, root
                    )
        return result
