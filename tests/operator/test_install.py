"""`pmenomssl install` / `uninstall` against a stand-in root, through the real executable; then
the installed wrapper serves BILLmanager: features, and a full open against the ENOM sandbox."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl.operator import files as install_files
from pmenomssl.operator import install as inst
from pmenomssl.operator import plan, venv
from pmenomssl.operator.layout import InstallError, InstallOptions, Layout, check_name
from pmenomssl.operator.module_xml import parse
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.handler.conftest import CONTACTS, csr_for
from tests.operator.conftest import (
    DEV_PYTHON,
    Installed,
    install_args,
    run_cli,
    run_wrapper,
)

STOCK_BINARY = b"\x7fELF\x02\x01\x01\x00 stock pmenomssl from BILLmanager"
STOCK_XML = b'<?xml version="1.0"?>\n<mgrdata><plugin name="pmenomssl"/></mgrdata>\n'


def manifest(root: Path, name: str = "pmenomssl") -> dict[str, object]:
    data = json.loads((root / "lib" / name / "install.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def entries(root: Path, name: str = "pmenomssl") -> dict[str, dict[str, object]]:
    files = manifest(root, name)["files"]
    assert isinstance(files, list)
    return {str(e["path"]): e for e in files}


# --- a fresh install ---------------------------------------------------------------------------


def test_install_lays_out_wrapper_xml_venv_and_restarts(installed: Installed) -> None:
    layout, root = installed.layout, installed.standin.root
    mode = layout.wrapper.stat().st_mode
    assert mode & stat.S_IXUSR and mode & stat.S_IXOTH
    script = layout.wrapper.read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh\n")
    assert f"cd {root} " in script
    code = "'import sys; from pmenomssl.cli import main; sys.exit(main())'"
    assert f'exec {layout.venv_python} -I -c {code} "$@"' in script
    assert "PMENOMSSL_HANDLER=pmenomssl" in script and "PMENOMSSL_NAME=pmenomssl" in script
    assert parse(layout.xml.read_bytes(), "pmenomssl").plugin == "pmenomssl"
    # the package lives in the venv, not in the checkout
    assert list((layout.venv / "lib").glob("python3.*/site-packages/pmenomssl/__init__.py"))
    files = entries(root)
    assert {e["action"] for e in files.values()} == {"created"}
    assert set(files) == {str(layout.wrapper), str(layout.xml)}
    assert manifest(root)["package_version"] == "0.1.0"
    restarts = installed.standin.journal("-R")
    assert len(restarts) == 1 and restarts[0]["argv"] == ["-m", "billmgr", "-R"]


def test_installed_wrapper_answers_features(installed: Installed) -> None:
    result = run_wrapper(installed.layout.wrapper, "--command", "features")
    assert result.returncode == 0, result.stderr
    doc = etree.fromstring(result.stdout)
    assert [p.get("name") for p in doc.findall("params/param")] == [
        "url",
        "username",
        "password",
        "sourceip",
        "threshold",
    ]
    assert "open" in [f.get("name") for f in doc.findall("features/feature")]
    assert doc.find("templates/template[@name='rapidssl']") is not None
    # the log of the run lands under the root, as BILLmanager's own logs do
    assert (installed.standin.root / "var" / "pmenomssl.log").exists()


def test_installed_wrapper_runs_a_full_open(installed: Installed, sandbox: EnomSandbox) -> None:
    standin = installed.standin
    module = standin.add_module(
        "pmenomssl",
        params={"url": sandbox.url, "username": sandbox.uid},
        crypted_params={"password": sandbox.pw},
    )
    key, csr = csr_for("wrapper.example.com")
    params = {**CONTACTS, "approver_email": "admin@wrapper.example.com"}
    item = standin.add_item(module, "rapidssl", params=params, csr=csr, pkey=key)
    wrapper = installed.layout.wrapper

    result = run_wrapper(wrapper, "--command", "open", "--item", str(item))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout == b""
    for _ in range(3):
        if standin.item_params(item).get("service_status") == "5":
            break
        synced = run_wrapper(wrapper, "--command", "sync_item", "--item", str(item))
        assert synced.returncode == 0, synced.stdout
    assert standin.item_params(item)["service_status"] == "5"
    row = standin.certificate_row(item)
    assert row is not None and "BEGIN CERTIFICATE" in str(row["crt"])
    assert len(sandbox.purchases) >= 1
    # every mgrctl call came from the installed module
    assert {r["ssh_connection"] for r in standin.journal() if r["func"] != "-R"} == {"pmenomssl"}

    approver = run_wrapper(
        wrapper, "--command", "approver", "--module", str(module), "--domain", "x.example.org"
    )
    assert approver.returncode == 0
    assert "admin@x.example.org" in [
        a.text for a in etree.fromstring(approver.stdout).iterfind("domain/approver")
    ]


# --- reinstall and uninstall -------------------------------------------------------------------


def test_reinstall_is_idempotent_and_backs_up_a_changed_file(bare_standin: StandIn) -> None:
    root = bare_standin.root
    layout = Layout(root, "pmenomssl")
    first = run_cli(*install_args(root, "--no-restart"))
    assert first.returncode == 0, first.stderr
    assert bare_standin.journal("-R") == []  # --no-restart
    wrapper_before = layout.wrapper.read_bytes()
    edited = layout.xml.read_bytes().replace(b"ENOM SSL", b"My edited ENOM SSL")
    layout.xml.write_bytes(edited)

    second = run_cli(*install_args(root))
    assert second.returncode == 0, second.stderr
    assert "reusing venv" in second.stdout
    assert "unchanged wrapper" in second.stdout
    assert layout.wrapper.read_bytes() == wrapper_before
    assert b"My edited" not in layout.xml.read_bytes()
    backups = list(layout.xml.parent.glob("billmgr_mod_pmenomssl.xml.pmenomssl-backup-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    entry = entries(root)[str(layout.xml)]
    assert entry["action"] == "created"  # still ours: uninstall removes it
    assert entry["later_backups"] == [str(backups[0])]
    assert len(bare_standin.journal("-R")) == 1

    third = run_cli(*install_args(root, "--no-restart"))
    assert third.returncode == 0
    assert "unchanged XML" in third.stdout and "unchanged wrapper" in third.stdout
    assert "unchanged package: pmenomssl 0.1.0" in third.stdout  # no pip run for the same code
    assert len(list(layout.xml.parent.glob("*.pmenomssl-backup-*"))) == 1

    removed = run_cli("uninstall", "--root", str(root))
    assert removed.returncode == 0, removed.stderr
    assert not layout.wrapper.exists() and not layout.xml.exists()
    assert not layout.venv.exists() and not layout.lib_dir.exists()
    assert f"kept backup of an earlier version: {backups[0]}" in removed.stdout
    assert len(bare_standin.journal("-R")) == 2

    again = run_cli("uninstall", "--root", str(root), "--no-restart")
    assert again.returncode == 1 and "Nothing to uninstall" in again.stderr


def test_stock_module_is_kept_unless_replace_stock(bare_standin: StandIn) -> None:
    root = bare_standin.root
    stock = root / "processing" / "pmenomssl"
    stock.write_bytes(STOCK_BINARY)
    stock.chmod(0o755)
    stock_xml = root / "etc" / "xml" / "billmgr_mod_pmenomssl.xml"
    stock_xml.write_bytes(STOCK_XML)

    refused = run_cli(*install_args(root, "--no-restart"))
    assert refused.returncode == 1
    assert "--replace-stock" in refused.stderr and "--name pmenomsslpy" in refused.stderr
    assert "update" in refused.stderr and "Traceback" not in refused.stderr
    assert stock.read_bytes() == STOCK_BINARY and stock_xml.read_bytes() == STOCK_XML
    assert not (root / "lib" / "pmenomssl").exists()

    # beside the stock module under another name: the ENOM handler still serves it
    beside = run_cli(*install_args(root, "--name", "pmenomsslpy", "--no-restart"))
    assert beside.returncode == 0, beside.stderr
    assert stock.read_bytes() == STOCK_BINARY and stock_xml.read_bytes() == STOCK_XML
    features = run_wrapper(root / "processing" / "pmenomsslpy", "--command", "features")
    assert features.returncode == 0, features.stdout
    assert etree.fromstring(features.stdout).find("features/feature[@name='open']") is not None
    xml = parse((root / "etc" / "xml" / "billmgr_mod_pmenomsslpy.xml").read_bytes(), "pmenomsslpy")
    assert xml.plugin == "pmenomsslpy" and xml.form_fields == (
        "url",
        "username",
        "password",
        "sourceip",
    )

    replaced = run_cli(*install_args(root, "--replace-stock", "--no-restart"))
    assert replaced.returncode == 0, replaced.stderr
    assert install_files.is_our_wrapper(stock.read_bytes())
    files = entries(root)
    for path, original in ((stock, STOCK_BINARY), (stock_xml, STOCK_XML)):
        entry = files[str(path)]
        assert entry["action"] == "replaced"
        assert Path(str(entry["backup"])).read_bytes() == original

    removed = run_cli("uninstall", "--root", str(root), "--no-restart")
    assert removed.returncode == 0, removed.stderr
    assert stock.read_bytes() == STOCK_BINARY and stock_xml.read_bytes() == STOCK_XML
    assert os.access(stock, os.X_OK)
    assert not list((root / "processing").glob("*backup*"))
    # the other installation is untouched
    assert (root / "processing" / "pmenomsslpy").exists()


def test_reinstall_after_a_panel_update_restored_the_stock_module(tmp_path: Path) -> None:
    """Unit level (no venv): a stock file where ours was becomes the file to restore."""
    root = tmp_path / "mgr5"
    (root / "processing").mkdir(parents=True)
    layout = Layout(root, "pmenomssl")
    manifest_data: dict[str, object] = {"files": []}
    lines: list[str] = []
    ours = install_files.wrapper_script(layout)
    install_files.place(layout.wrapper, ours, 0o755, manifest_data, "t1", lines.append, "wrapper",
                install_files.is_our_wrapper)  # fmt: skip
    layout.wrapper.write_bytes(STOCK_BINARY)  # the panel update
    with pytest.raises(InstallError, match="--replace-stock"):
        plan.refuse_foreign(layout, manifest_data, replace_stock=False)
    install_files.place(layout.wrapper, ours, 0o755, manifest_data, "t2", lines.append, "wrapper",
                install_files.is_our_wrapper)  # fmt: skip
    files = manifest_data["files"]
    assert isinstance(files, list) and files[0]["action"] == "replaced"
    assert Path(files[0]["backup"]).read_bytes() == STOCK_BINARY


def test_foreign_file_under_another_name_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "mgr5"
    (root / "processing").mkdir(parents=True)
    (root / "processing" / "pmother").write_text("#!/bin/sh\necho other\n")
    result = run_cli("install", "--root", str(root), "--name", "pmother", "--no-restart")
    assert result.returncode == 1
    assert "another program" in result.stderr and "--name" in result.stderr


# --- Python versions --------------------------------------------------------------------------


def fake_python(tmp_path: Path, version: str) -> Path:
    script = tmp_path / f"python{version}"
    script.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_old_python_is_refused_with_the_package_to_install(tmp_path: Path) -> None:
    root = tmp_path / "mgr5"
    root.mkdir()
    old = fake_python(tmp_path, "3.6.8")
    result = run_cli("install", "--root", str(root), "--python", str(old), "--no-restart")
    assert result.returncode == 1
    assert "Python 3.6.8" in result.stderr and "3.9 or newer" in result.stderr
    assert "python39" in result.stderr or "python3.9" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "lib").exists() and not (root / "processing").exists()


@pytest.mark.parametrize(
    ("os_release", "expected"),
    [
        (
            'ID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\n',
            "dnf install python39",
        ),
        ('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.10"\n', "python39"),
        ('ID=debian\nVERSION_ID="11"\n', "python3 is 3.9"),
        ('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="20.04"\n', "apt install python3.9"),
        ("ID=gentoo\n", "on AlmaLinux/Rocky 8 the package python39"),
    ],
)
def test_the_advice_names_the_distribution_package(
    tmp_path: Path, os_release: str, expected: str
) -> None:
    release = tmp_path / "os-release"
    release.write_text(os_release, encoding="utf-8")
    old = fake_python(tmp_path, "3.6.8")
    with pytest.raises(InstallError) as caught:
        inst.install(
            InstallOptions(root=tmp_path, python=str(old), os_release=release),
            say=lambda _: None,
        )
    assert expected in str(caught.value) and "3.6.8" in str(caught.value)


def test_a_new_enough_python_passes_the_check(tmp_path: Path) -> None:
    assert venv.check_python(DEV_PYTHON, tmp_path / "none") >= (3, 9, 0)
    assert venv.check_python(str(fake_python(tmp_path, "3.9.0")), tmp_path / "none") == (3, 9, 0)


def test_bad_names_are_refused(tmp_path: Path) -> None:
    for name in ("../pm", "pm x", "", "pm;rm"):
        with pytest.raises(InstallError):
            check_name(name)
