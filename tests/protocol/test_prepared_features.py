"""The prepared `features` document (issue 16): BILLmanager receives the same bytes whether the
document is computed or copied out, and a stale, foreign or broken copy is never served."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pmenomssl.handlers.enomssl import products
from pmenomssl.protocol import prepared
from tests.helpers import REPO
from tests.protocol.conftest import ModuleRunner

PREPARED_LINE = "features done in"


class Enom:
    """The ENOM handler run as BILLmanager runs it, on its own $ROOT."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for sub in ("etc", "var"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
        self.env.update(
            PMENOMSSL_MGR_ROOT=str(root),
            PMENOMSSL_NAME="pmenomssl",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), self.env.get("PYTHONPATH")])),
        )

    @property
    def prepared(self) -> Path:
        return self.root / "var" / f"pmenomssl{prepared.SUFFIX}"

    @property
    def cache(self) -> Path:
        return products.cache_path(self.root, "pmenomssl")

    def features(self) -> tuple[bytes, bool]:
        """(stdout, whether the run copied the prepared document out)."""
        log = self.root / "var" / "pmenomssl.log"
        before = log.read_text() if log.exists() else ""
        result = subprocess.run(
            [sys.executable, "-m", "pmenomssl", "--command", "features"],
            env=self.env,
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stderr == b""
        new_lines = [x for x in log.read_text()[len(before) :].splitlines() if PREPARED_LINE in x]
        assert len(new_lines) == 1, new_lines
        return result.stdout, new_lines[0].endswith("(prepared document)")

    def save_cache(self, codes: list[str]) -> None:
        offered = [
            products.OfferedProduct(p.code, p.prod_type, p.title, (1,), Decimal("9.95"), True)
            for p in products.STATIC_PRODUCTS
            if p.code in codes
        ]
        products.save_cache(self.cache, offered)


@pytest.fixture
def enom(tmp_path: Path) -> Enom:
    return Enom(tmp_path / "mgr5")


def templates(document: bytes) -> list[str]:
    from lxml import etree

    return [str(t.get("name")) for t in etree.fromstring(document).iterfind("templates/template")]


def test_the_copy_is_byte_identical_to_the_computed_document(enom: Enom) -> None:
    enom.save_cache([p.code for p in products.STATIC_PRODUCTS[:4]])
    computed, copied = enom.features()
    assert not copied and enom.prepared.exists()
    again, copied = enom.features()
    assert copied
    assert again == computed
    # Computed afresh without a copy: the same bytes again.
    enom.prepared.unlink()
    fresh, copied = enom.features()
    assert not copied and fresh == computed
    assert len(templates(computed)) == 4


def test_a_changed_product_cache_makes_the_copy_stale(enom: Enom) -> None:
    rapid, quick = products.STATIC_PRODUCTS[0], products.STATIC_PRODUCTS[2]
    enom.save_cache([rapid.code])
    first, _ = enom.features()
    assert enom.features()[1]
    enom.save_cache([rapid.code, quick.code])
    second, copied = enom.features()
    assert not copied
    assert templates(first) == [rapid.template]
    assert templates(second) == [rapid.template, quick.template]
    assert enom.features() == (second, True)


def test_a_product_cache_that_appears_or_vanishes_makes_the_copy_stale(enom: Enom) -> None:
    without, _ = enom.features()  # no cache: the module's whole table
    assert len(templates(without)) == len(products.STATIC_PRODUCTS)
    enom.save_cache([products.STATIC_PRODUCTS[0].code])
    with_cache, copied = enom.features()
    assert not copied and len(templates(with_cache)) == 1
    enom.cache.unlink()
    assert enom.features() == (without, False)


def test_changed_handler_code_makes_the_copy_stale(test_module: ModuleRunner) -> None:
    def features() -> bytes:
        result = test_module("--command", "features")
        assert result.returncode == 0, result.stdout
        return result.stdout

    first = features()
    assert features() == first
    assert test_module.log.read_text().count("(prepared document)") == 1
    handler_file = Path(test_module.env["PYTHONPATH"].split(os.pathsep)[0]) / "pmtest_handler.py"
    code = handler_file.read_text()
    anchor = "\n    def command_resume(self, ctx):"
    assert anchor in code
    added = "\n    def command_close(self, ctx):\n        return None\n"
    handler_file.write_text(code.replace(anchor, added + anchor))
    second = features()
    assert b'<feature name="close"/>' in second and b'<feature name="close"/>' not in first
    assert test_module.log.read_text().count("(prepared document)") == 1
    assert features() == second


@pytest.mark.parametrize(
    "tamper",
    ["handler", "package", "file", "magic", "no_separator", "unknown_line", "missing_line"],
)
def test_a_foreign_or_broken_copy_is_never_served(enom: Enom, tamper: str) -> None:
    computed, _ = enom.features()
    head, body = enom.prepared.read_bytes().split(b"\n\n", 1)
    lines = head.decode().split("\n")
    forged_body = b"<?xml version='1.0' encoding='UTF-8'?>\n<doc><forged/></doc>"
    if tamper == "handler":
        lines = [x if not x.startswith("handler\t") else "handler\tpmbillreseller" for x in lines]
    elif tamper == "package":
        lines = [x if not x.startswith("package\t") else "package\t/elsewhere" for x in lines]
    elif tamper == "file":
        index = next(i for i, x in enumerate(lines) if x.startswith("file\t"))
        path, mtime, size, inode = lines[index].split("\t")[1:]
        lines[index] = "\t".join(["file", path, str(int(mtime) - 1), size, inode])
    elif tamper == "magic":
        lines[0] = "pmenomssl prepared features 999"
    elif tamper == "unknown_line":
        lines.append("newer\tsomething a later version checks")
    elif tamper == "missing_line":
        lines = [x for x in lines if not x.startswith("package\t")]
    data = "\n".join(lines).encode() + b"\n\n" + forged_body
    if tamper == "no_separator":
        data = head + b"\n" + forged_body
    enom.prepared.write_bytes(data)
    answer, copied = enom.features()
    assert not copied
    assert answer == computed
    # ...and the computing run replaced the broken copy with a good one.
    assert enom.prepared.read_bytes().split(b"\n\n", 1)[1] == body
    assert enom.features() == (computed, True)


def test_features_answers_when_the_copy_cannot_be_saved(enom: Enom) -> None:
    enom.prepared.mkdir(parents=True)  # os.replace onto a directory fails
    computed, copied = enom.features()
    assert not copied and templates(computed)
    log = (enom.root / "var" / "pmenomssl.log").read_text()
    assert "could not save the prepared features document" in log
    assert enom.features() == (computed, False)
