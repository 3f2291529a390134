"""Start-up economy (issue 7): what `features` and `approver` import, and the handler lookup
that avoids scanning every installed distribution. Timing itself is the benchmark's job."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pmenomssl.handlers import load_handler, own_entry_points, parse_entry_points
from pmenomssl.handlers.enomssl import EnomSslHandler, products
from tests.helpers import REPO

# Heavy imports neither command may pay for (each was measured to cost start-up time).
NEVER = {
    "lxml.etree",
    "importlib.metadata",
    "dataclasses",
    "typing",
    "argparse",
    "tempfile",
    "decimal",
    "httpx",
    "pymysql",
    "cryptography",
}


def imported_modules(argv: list[str], root: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
    env.update(
        PMENOMSSL_MGR_ROOT=str(root),
        PMENOMSSL_NAME="pmenomssl",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        env=env,
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
    )
    lines = result.stderr.decode().splitlines()
    return {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A $ROOT with the product cache check_connection leaves (prices included)."""
    for sub in ("etc", "var"):
        (tmp_path / sub).mkdir()
    offered = [
        products.OfferedProduct(p.code, p.prod_type, p.title, (1,), Decimal("9.95"), True)
        for p in products.STATIC_PRODUCTS
    ]
    products.save_cache(products.cache_path(tmp_path, "pmenomssl"), offered)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["--command", "features"],
        ["--command", "approver", "--module", "1", "--domain", "example.com"],
    ],
    ids=["features", "approver"],
)
def test_interactive_commands_import_nothing_heavy(argv: list[str], root: Path) -> None:
    baseline = imported_modules(["-c", "pass"], root)
    used = imported_modules(["-m", "pmenomssl", *argv], root) - baseline
    assert "pmenomssl.protocol.runner" in used  # the measurement saw the module run
    assert not (used & NEVER), sorted(used & NEVER)


def test_approver_does_not_read_the_product_cache(root: Path) -> None:
    baseline = imported_modules(["-c", "pass"], root)
    argv = ["-m", "pmenomssl", "--command", "approver", "--module", "1", "--domain", "a.com"]
    used = imported_modules(argv, root) - baseline
    assert not ({"json", "datetime", "pmenomssl.handlers.enomssl.products"} & used)


def test_own_entry_points_are_read_from_this_distribution(tmp_path: Path) -> None:
    other = tmp_path / "other_pkg-1.0.dist-info"
    other.mkdir()
    (other / "entry_points.txt").write_text("[pmenomssl.handlers]\nforeign = x:Y\n")
    assert own_entry_points([str(tmp_path)]) == {}
    ours = tmp_path / "pmenomssl-9.9.dist-info"
    ours.mkdir()
    (ours / "entry_points.txt").write_text(
        "[console_scripts]\npmenomssl = pmenomssl.cli:main\n\n"
        "[pmenomssl.handlers]\npmenomssl = pmenomssl.handlers.enomssl:EnomSslHandler\n"
        "pmextra = some.module:Handler [extra]\n"
    )
    assert own_entry_points([str(tmp_path / "missing"), str(tmp_path)]) == {
        "pmenomssl": "pmenomssl.handlers.enomssl:EnomSslHandler",
        "pmextra": "some.module:Handler",
    }


def test_the_installed_distribution_registers_the_enom_handler() -> None:
    assert own_entry_points().get("pmenomssl") == "pmenomssl.handlers.enomssl:EnomSslHandler"
    assert isinstance(load_handler("pmenomssl"), EnomSslHandler)


def test_entry_points_file_syntax() -> None:
    text = "# comment\n[a]\nx = m:C\n; other\n[b]\ny=n.o:D.e\nbroken line\n"
    assert parse_entry_points(text) == {"a": {"x": "m:C"}, "b": {"y": "n.o:D.e"}}
