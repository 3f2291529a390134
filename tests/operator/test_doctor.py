"""`pmenomssl doctor` through the real executable: a healthy installation passes every check;
broken ones get FAIL lines that say what to fix, and exit 1."""

from __future__ import annotations

from decimal import Decimal

from pmenomssl.operator import module_xml
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.operator.conftest import Installed, run_cli

FOREIGN = b"\x7fELF\x02\x01\x01\x00 stock pmenomssl"


def doctor(root: object, *extra: str) -> tuple[int, dict[str, str]]:
    """Exit status and {check name: its line}."""
    result = run_cli("doctor", "--root", str(root), *extra, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines: dict[str, str] = {}
    for line in result.stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("OK", "FAIL", "SKIP"):
            lines[rest.strip().split(":")[0]] = line
    return result.returncode, lines


def test_a_healthy_installation_passes(installed: Installed, sandbox: EnomSandbox) -> None:
    module = installed.standin.add_module(
        "pmenomssl",
        params={"url": sandbox.url, "username": sandbox.uid},
        crypted_params={"password": sandbox.pw},
        title="ENOM test",
    )
    before = sandbox.calls["GetBalance"]
    status, lines = doctor(installed.standin.root)
    assert status == 0, lines
    for check in ("wrapper", "features", "xml", "mgrctl", "database", "crypt key", "log", "ip"):
        assert lines[check].startswith("OK"), lines[check]
    enom = lines[f"enom #{module} (ENOM test)"]
    assert enom.startswith("OK") and "available" in enom
    assert not [line for line in lines.values() if line.startswith("FAIL")]
    assert sandbox.calls["GetBalance"] > before  # really asked ENOM


def test_a_broken_installation_says_what_to_fix(bare_standin: StandIn) -> None:
    root = bare_standin.root
    # no wrapper; an XML that misses a field, an error text and a template name
    xml = module_xml.render("pmenomssl", root=root).decode()
    xml = xml.replace('<msg name="msg_error_enom_ip_not_allowed">', '<msg name="x_ip">')
    xml = xml.replace('<field name="username">', '<field name="login">').replace(
        'name="username" required', 'name="login" required'
    )
    xml = xml.replace('<msg name="rapidssl">', '<msg name="x_rapidssl">')
    (root / "etc" / "xml" / "billmgr_mod_pmenomssl.xml").write_text(xml, encoding="utf-8")
    with EnomSandbox(uid="reseller2", pw="pw-Real-123", balance=Decimal("10")) as sandbox:
        sandbox.configure({"ip_allowlist": ["10.0.0.1"]})
        walled = bare_standin.add_module(
            "pmenomssl",
            params={"url": sandbox.url, "username": sandbox.uid},
            crypted_params={"password": sandbox.pw},
            title="walled",
        )
        status, lines = doctor(root)
    assert status == 1

    assert lines["wrapper"].startswith("FAIL") and "does not exist" in lines["wrapper"]
    assert f"Fix: pmenomssl install --root {root} --name pmenomssl" in lines["wrapper"]
    assert lines["features"].startswith("SKIP")
    xml_line = lines["xml"]
    assert xml_line.startswith("FAIL") and "Fix: regenerate it: pmenomssl install" in xml_line
    assert "login" in xml_line and "enom_ip_not_allowed" in xml_line and "rapidssl" in xml_line
    for check in ("mgrctl", "database", "crypt key", "log"):
        assert lines[check].startswith("OK"), lines[check]
    assert lines[f"enom #{walled} (walled)"].startswith("FAIL")
    ip = lines["ip"]
    assert ip.startswith("FAIL") and "ENOM sees this server as 127.0.0.1" in ip
    assert "Fix: add 127.0.0.1 to the ENOM account's API allow-list" in ip


def test_wrong_credentials_and_no_billmanager(bare_standin: StandIn) -> None:
    root = bare_standin.root
    (root / "processing" / "pmenomssl").write_bytes(FOREIGN)
    (root / "processing" / "pmenomssl").chmod(0o755)
    with EnomSandbox(uid="reseller3", pw="right-Pw-456") as sandbox:
        module = bare_standin.add_module(
            "pmenomssl",
            params={"url": sandbox.url, "username": sandbox.uid},
            crypted_params={"password": "wrong"},
            title="bad login",
        )
        status, lines = doctor(root)
        assert status == 1
        assert "--replace-stock" in lines["wrapper"] and "pmenomsslpy" in lines["wrapper"]
        bad = lines[f"enom #{module} (bad login)"]
        assert bad.startswith("FAIL") and "login ID or password" in bad and "Fix:" in bad
        assert lines["ip"].startswith("SKIP")

        bare_standin.set_fault("*", "exit")
        status, lines = doctor(root)
    assert status == 1
    assert lines["mgrctl"].startswith("FAIL") and "BILLmanager runs" in lines["mgrctl"]
    assert lines["database"].startswith("SKIP") and lines["enom"].startswith("SKIP")


def test_unreadable_key_and_log(bare_standin: StandIn) -> None:
    root = bare_standin.root
    (root / "etc" / "billmgr.pem").write_text("not a key", encoding="utf-8")
    (root / "var" / "pmenomssl.log").mkdir()  # a directory where the log file should be
    status, lines = doctor(root)
    assert status == 1
    assert lines["crypt key"].startswith("FAIL") and "Fix: run the module" in lines["crypt key"]
    assert lines["log"].startswith("FAIL")
