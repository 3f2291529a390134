"""Start-up economy (issues 7 and 16): what `features` and `approver` import, and the handler
lookup that avoids scanning every installed distribution. Timing itself is the benchmark's job.

The interpreter runs with `-S` (site-packages on PYTHONPATH instead): an editable install's
`.pth` finder imports pathlib, re and contextlib into every interpreter of this venv, which
would hide them from the comparison with `python -c pass`. An installed wheel has no such
finder, so that is what BILLmanager's process starts with.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pmenomssl import dnsnames
from pmenomssl.handlers import load_handler, own_entry_points, parse_entry_points
from pmenomssl.handlers.enomssl import EnomSslHandler, products
from tests.helpers import REPO

# Imports neither command may pay for; each was measured to cost start-up time (`python -X
# importtime`; logging alone is more than the bare interpreter's whole start, issue 16).
NEVER = {
    "lxml.etree",
    "importlib.metadata",
    "importlib.util",
    "importlib",
    "dataclasses",
    "typing",
    "argparse",
    "tempfile",
    "decimal",
    "httpx",
    "pymysql",
    "cryptography",
    "logging",
    "traceback",
    "threading",
    "pathlib",
    "contextlib",
    "signal",
    "json",
    "datetime",
    "urllib.parse",
    "re",
    "enum",
    "collections",
    "functools",
}
# What the installed console script runs (`-m` would add runpy's own imports).
CONSOLE_SCRIPT = "import sys; from pmenomssl.cli import main; sys.exit(main())"
# `features` copying a prepared document out needs not even the handler.
NEVER_FOR_A_PREPARED_COPY = {
    "pmenomssl.handlers",
    "pmenomssl.handlers.enomssl.products",
}


def imported_modules(argv: list[str], root: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMENOMSSL_", "PYTHON"))}
    paths = [str(REPO), sysconfig.get_paths()["purelib"]]
    env.update(
        PMENOMSSL_MGR_ROOT=str(root),
        PMENOMSSL_NAME="pmenomssl",
        PYTHONPATH=os.pathsep.join(paths),
    )
    result = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", *argv],
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
    assert "pathlib" not in baseline  # the measurement sees what the module imports
    imported_modules(["-c", CONSOLE_SCRIPT, *argv], root)  # features: computes and prepares
    used = imported_modules(["-c", CONSOLE_SCRIPT, *argv], root) - baseline
    assert "pmenomssl.protocol.runner" in used  # the measurement saw the module run
    assert not (used & NEVER), sorted(used & NEVER)


def test_features_from_a_prepared_copy_loads_no_handler(root: Path) -> None:
    baseline = imported_modules(["-c", "pass"], root)
    argv = ["-c", CONSOLE_SCRIPT, "--command", "features"]
    computing = imported_modules(argv, root) - baseline
    assert "pmenomssl.handlers.enomssl.products" in computing  # the first run computes
    copying = imported_modules(argv, root) - baseline
    assert "pmenomssl.protocol.prepared" in copying
    assert not (copying & (NEVER | NEVER_FOR_A_PREPARED_COPY)), sorted(
        copying & (NEVER | NEVER_FOR_A_PREPARED_COPY)
    )


def test_approver_does_not_read_the_product_cache(root: Path) -> None:
    baseline = imported_modules(["-c", "pass"], root)
    argv = ["-c", CONSOLE_SCRIPT, "--command", "approver", "--module", "1", "--domain", "a.com"]
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


@given(st.text(alphabet="abcxyz019-_.A\n", max_size=70))  # ASCII: dnsnames refuses the rest first
@example("a" * 63)
@example("a" * 64)
@example("-a")
@example("a-")
@example("a\n")
def test_the_label_check_without_re_is_the_ldh_rule(label: str) -> None:
    """dnsnames checks labels with str methods (no `re` on approver's path); the rule is the
    LDH one a regex says: 1-63 of a-z 0-9 -, no hyphen at either end, and (IDNA 2008) no "--"
    in third and fourth place (the alphabet has no "xn--" label, which is decoded instead)."""
    import re

    label = label.lower()  # as dnsnames sees every name
    ldh = re.fullmatch(r"(?!-)[a-z0-9-]{1,63}(?<!-)", label) is not None
    assert (dnsnames._label_problem(label) is None) == (ldh and label[2:4] != "--")
