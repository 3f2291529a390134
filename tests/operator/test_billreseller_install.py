"""`pmbillreseller install` / `uninstall` on a stand-in root through the real executable, beside
an ENOM installation: its own wrapper, XML and venv; the installed wrapper answers BILLmanager
(`features`) and the operator subcommands; it never takes another module's place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl import billing
from pmenomssl.operator import files
from pmenomssl.operator.layout import Layout
from pmenomssl.operator.module_xml import parse
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.upstream import UpstreamSandbox
from tests.operator.conftest import DEV_PYTHON, bare_env, cli_env, install_args, run_cli
from tests.operator.conftest import run_wrapper as run_enom_wrapper

EXECUTABLE = Path(sys.executable).with_name("pmbillreseller")
STOCK = b"\x7fELF\x02\x01\x01\x00 some stock module of BILLmanager"


def reseller_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real `pmbillreseller ARGS`, as an operator runs it."""
    env = cli_env()
    env.pop("PMBILLRESELLER_PASSWORD", None)
    return subprocess.run(
        [str(EXECUTABLE), *args],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def reseller_install_args(root: Path, *extra: str) -> list[str]:
    return ["install", "--root", str(root), "--link-deps-from", DEV_PYTHON, *extra]


def manifest(root: Path, name: str) -> dict[str, object]:
    data = json.loads((root / "lib" / name / "install.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@dataclass
class Both:
    standin: StandIn
    enom: Layout
    reseller: Layout
    output: str


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Both]:
    """A root with the ENOM module (`pmenomssl install`) and the reseller installed."""
    billing.clear_caches()
    standin = StandIn.create(tmp_path_factory.mktemp("both") / "mgr5", db="sqlite")
    try:
        enom = run_cli(*install_args(standin.root))
        assert enom.returncode == 0, enom.stdout + enom.stderr
        result = reseller_cli(*reseller_install_args(standin.root))
        assert result.returncode == 0, result.stdout + result.stderr
        yield Both(
            standin,
            Layout(standin.root, "pmenomssl"),
            Layout(standin.root, "pmbillreseller"),
            result.stdout,
        )
    finally:
        standin.drop()


def test_install_lays_out_its_own_wrapper_xml_and_venv(both: Both) -> None:
    layout, root = both.reseller, both.standin.root
    assert layout.wrapper == root / "processing" / "pmbillreseller"
    assert os.access(layout.wrapper, os.X_OK)
    script = layout.wrapper.read_text(encoding="utf-8")
    assert "PMENOMSSL_NAME=pmbillreseller\n" in script
    assert "PMENOMSSL_HANDLER=pmbillreseller\n" in script
    code = "'import sys; from pmenomssl.cli.billreseller import main; sys.exit(main())'"
    assert f'exec {layout.venv_python} -I -c {code} "$@"' in script
    xml = parse(layout.xml.read_bytes(), "pmbillreseller")
    assert layout.xml == root / "etc" / "xml" / "billmgr_mod_pmbillreseller.xml"
    assert xml.plugin == "pmbillreseller"
    assert xml.form_fields == ("url", "username", "password", "sourceip")
    assert xml.password_fields == ("password",)
    assert "upstream_two_factor" in xml.error_messages["ru"]
    assert "enom_ip_not_allowed" not in xml.error_messages["en"]
    assert list((layout.venv / "lib").glob("python3.*/site-packages/pmenomssl/__init__.py"))
    data = manifest(root, "pmbillreseller")
    assert data["handler"] == "pmbillreseller"
    files = data["files"]
    assert isinstance(files, list)
    assert {f["path"]: f["action"] for f in files} == {
        str(layout.xml): "created",
        str(layout.wrapper): "created",
    }
    assert "installed pmbillreseller" in both.output


def test_the_enom_installation_is_untouched(both: Both) -> None:
    enom = both.enom
    assert files.wrapper_handler(enom.wrapper.read_bytes()) == "pmenomssl"
    assert parse(enom.xml.read_bytes(), "pmenomssl").plugin == "pmenomssl"
    assert enom.venv != both.reseller.venv and enom.venv_python.exists()
    features = run_enom_wrapper(enom.wrapper, "--command", "features")
    assert features.returncode == 0, features.stderr
    doc = etree.fromstring(features.stdout)
    assert [t.get("name") for t in doc.findall("itemtypes/itemtype")] == ["certificate"]


def test_installed_wrapper_answers_features_for_the_reseller(both: Both) -> None:
    result = run_enom_wrapper(both.reseller.wrapper, "--command", "features")
    assert result.returncode == 0, result.stderr
    doc = etree.fromstring(result.stdout)
    assert [t.get("name") for t in doc.findall("itemtypes/itemtype")] == [
        "certificate",
        "soft",
        "vhost",
        "vds",
        "dedic",
    ]
    assert [p.get("name") for p in doc.findall("params/param")] == [
        "url",
        "username",
        "password",
        "sourceip",
        "threshold",
    ]
    assert "open" in [f.get("name") for f in doc.findall("features/feature")]
    assert (both.standin.root / "var" / "pmbillreseller.log").exists()


def test_installed_wrapper_runs_operator_subcommands(both: Both) -> None:
    with UpstreamSandbox(balance=Decimal("500")) as upstream:
        result = subprocess.run(
            [
                str(both.reseller.wrapper),
                "check",
                "--url",
                upstream.url,
                "--username",
                upstream.username,
            ],
            env={**bare_env(), "PMBILLRESELLER_PASSWORD": upstream.password},
            cwd="/",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("OK: the upstream BILLmanager at")
        assert upstream.calls["whoami"] == 1


def test_reinstall_is_idempotent(both: Both) -> None:
    again = reseller_cli(*reseller_install_args(both.standin.root, "--no-restart"))
    assert again.returncode == 0, again.stderr
    assert "unchanged XML" in again.stdout and "unchanged wrapper" in again.stdout
    assert "unchanged package" in again.stdout
    assert not list((both.standin.root / "processing").glob("*backup*"))


def test_never_over_another_kind_or_a_stock_name(both: Both) -> None:
    root = both.standin.root
    before = {p: p.read_bytes() for p in (both.enom.wrapper, both.enom.xml)}
    over_enom = reseller_cli(*reseller_install_args(root, "--name", "pmenomssl", "--no-restart"))
    assert over_enom.returncode == 1
    assert "Traceback" not in over_enom.stderr
    assert "pmenomssl module" in over_enom.stderr or "BILLmanager ships" in over_enom.stderr
    enom_over = run_cli(*install_args(root, "--name", "pmbillreseller", "--no-restart"))
    assert enom_over.returncode == 1
    assert "already installed as the pmbillreseller module" in enom_over.stderr
    assert "pmbillreseller uninstall" in enom_over.stderr
    wrong_uninstall = reseller_cli("uninstall", "--root", str(root), "--name", "pmenomssl")
    assert wrong_uninstall.returncode == 1
    assert "pmenomssl uninstall" in wrong_uninstall.stderr
    enom_uninstall = run_cli("uninstall", "--root", str(root), "--name", "pmbillreseller")
    assert enom_uninstall.returncode == 1
    assert "pmbillreseller uninstall" in enom_uninstall.stderr
    assert both.reseller.wrapper.exists()
    assert {p: p.read_bytes() for p in before} == before
    assert files.wrapper_handler(both.reseller.wrapper.read_bytes()) == "pmbillreseller"
    no_option = reseller_cli(*reseller_install_args(root, "--replace-stock"))
    assert no_option.returncode == 2 and "--replace-stock" in no_option.stderr


def test_a_foreign_program_or_xml_under_the_name_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "mgr5"
    (root / "processing").mkdir(parents=True)
    (root / "etc" / "xml").mkdir(parents=True)
    foreign = root / "processing" / "pmbillreseller"
    foreign.write_bytes(STOCK)
    refused = reseller_cli(*reseller_install_args(root, "--no-restart"))
    assert refused.returncode == 1
    assert "another program" in refused.stderr and "--name" in refused.stderr
    assert foreign.read_bytes() == STOCK and not (root / "lib").exists()

    foreign.unlink()
    xml = root / "etc" / "xml" / "billmgr_mod_pmbillreseller.xml"
    xml.write_bytes(b"<mgrdata><plugin name='pmbillreseller'/></mgrdata>")
    refused_xml = reseller_cli(*reseller_install_args(root, "--no-restart"))
    assert refused_xml.returncode == 1 and "not a description written by install" in (
        refused_xml.stderr
    )
    assert xml.read_bytes().startswith(b"<mgrdata><plugin name='pmbillreseller'/>")
    assert not foreign.exists() and not (root / "lib").exists()


def test_uninstall_removes_only_the_reseller(bare_standin: StandIn) -> None:
    root = bare_standin.root
    layout = Layout(root, "pmbillreseller")
    enom_xml = root / "etc" / "xml" / "billmgr_mod_pmenomssl.xml"
    enom_xml.parent.mkdir(parents=True, exist_ok=True)
    enom_xml.write_bytes(b"<mgrdata/>")  # stands for any other module's files
    done = reseller_cli(*reseller_install_args(root, "--no-restart"))
    assert done.returncode == 0, done.stderr
    assert bare_standin.journal("-R") == []
    removed = reseller_cli("uninstall", "--root", str(root))
    assert removed.returncode == 0, removed.stderr
    assert not layout.wrapper.exists() and not layout.xml.exists()
    assert not layout.venv.exists() and not layout.lib_dir.exists()
    assert enom_xml.read_bytes() == b"<mgrdata/>"
    assert len(bare_standin.journal("-R")) == 1
    again = reseller_cli("uninstall", "--root", str(root), "--no-restart")
    assert again.returncode == 1 and "Nothing to uninstall" in again.stderr
    assert "pmbillreseller install" in again.stderr
