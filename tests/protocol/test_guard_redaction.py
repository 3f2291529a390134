"""Guards of secrets and of the error shape, through the real executable (issue 17).

A handler registered through a real entry point logs what a careless provider answer or a bug
would put in the log: a PEM private key, `password=`/`token=`/`pw=` fields and `<password>` /
`<token>` elements, with values that are NOT registered secrets, so only the pattern redaction of
`pmenomssl.log` stands between them and the file. It then fails, so the same lines also travel
in the running operation's error report (the in-memory tail) and the error document on stdout.

Each assertion here was checked by switching its guard off in `pmenomssl/log.py` or
`pmenomssl/protocol/xmldoc.py` (see README, development: "guard tests").
"""

from __future__ import annotations

import os
import secrets
import textwrap
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.helpers import REPO, run_module

GUARD_HANDLER = textwrap.dedent(
    r"""
    from __future__ import annotations
    import logging, os
    from pmenomssl.errors import ModuleError
    from pmenomssl.handlers.base import Handler, ParamSpec, TemplateSpec

    class GuardHandler(Handler):
        itemtypes = ("widget",)
        params = (ParamSpec("url"),)

        def templates(self):
            return (TemplateSpec("basic", {}),)

        def command_sync_item(self, ctx):
            log = logging.getLogger("pmenomssl.guard")
            with open(os.environ["GUARD_TEXTS"], encoding="utf-8") as texts:
                for text in texts.read().split("\n=====\n"):
                    log.info("provider said: %s", text)
            raise ModuleError(
                "the provider's answer could not be used: see the log, then sync again",
                error_type="guard_failed", obj="item", value=str(ctx.args.item),
            )
    """
)


def _handler_site(tmp_path: Path) -> Path:
    site = tmp_path / "guard-site"
    site.mkdir()
    (site / "pmguard_handler.py").write_text(GUARD_HANDLER)
    dist = site / "pmguard_handler-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: pmguard-handler\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[pmenomssl.handlers]\npmguard = pmguard_handler:GuardHandler\n"
    )
    return site


def _private_keys() -> list[str]:
    """Three PEM flavours: PKCS#8 (`PRIVATE KEY`), traditional (`EC`/`RSA PRIVATE KEY`)."""
    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return [
        ec_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        ec_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode(),
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode(),
    ]


def _value() -> str:
    return "Zq" + secrets.token_hex(10)  # never registered anywhere: only patterns can hide it


def _run(standin: StandIn, tmp_path: Path, texts: list[str]) -> tuple[bytes, str, str]:
    """Run sync_item of the guard handler; (stdout, log file text, errorxml of the operation)."""
    module = standin.add_module(name="pmguard", params={"url": "https://x.test"}, crypted_params={})
    standin.add_pricelist("basic")
    item = standin.add_item(module, "basic")
    ro = standin.add_runningoperation(item, trycount=5)
    source = tmp_path / "texts"
    source.write_text("\n=====\n".join(texts), encoding="utf-8")
    log = standin.root / "var" / "pmguard.log"
    site = str(_handler_site(tmp_path))
    env = {
        "PMENOMSSL_NAME": "pmguard",
        "PMENOMSSL_LOG": str(log),
        "GUARD_TEXTS": str(source),
        "PYTHONPATH": os.pathsep.join([site, str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    result = run_module(
        standin, "--command", "sync_item", "--item", str(item), "--runningoperation", str(ro),
        env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stdout
    return result.stdout, log.read_text(encoding="utf-8"), standin.runningoperation(ro)["errorxml"]


def test_private_keys_never_reach_the_log_or_the_report(standin: StandIn, tmp_path: Path) -> None:
    keys = _private_keys()
    stdout, log, report = _run(standin, tmp_path, keys)
    # the run did log: the lines are there, the key material is not
    assert log.count("provider said:") == len(keys), log
    assert log.count("[private key redacted]") == len(keys), log
    for key in keys:
        body = key.splitlines()[1]  # the first base64 line of the key
        for where, text in (("log", log), ("errorxml", report), ("stdout", stdout.decode())):
            assert body not in text, f"private key material in the {where}"
    assert "PRIVATE KEY-----" not in log


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("login user=reseller password={v} done", "password"),
        ("GET /api?token={v}&out=xml", "token"),
        ("authinfo pw={v}", "pw"),
        ('{{"apikey": "{v}"}}', "apikey"),
        ("<doc><password>{v}</password></doc>", "<password>"),
        ("<doc><token>{v}</token></doc>", "<token>"),
        ("<doc><PassWord>{v}</PassWord></doc>", "<PassWord>"),
    ],
)
def test_secret_fields_never_reach_the_log_or_the_report(
    standin: StandIn, tmp_path: Path, template: str, field: str
) -> None:
    value = _value()
    stdout, log, report = _run(standin, tmp_path, [template.format(v=value)])
    assert "provider said:" in log, log
    assert field in log, f"the line lost its field name {field!r}: {log}"
    assert "***" in log
    for where, text in (("log", log), ("errorxml", report), ("stdout", stdout.decode())):
        assert value not in text, f"{field} value in the {where}"


def test_error_params_carry_the_message_type(standin: StandIn, tmp_path: Path) -> None:
    """BILLmanager translates `<param type="msg">` through the module's messages: `object`
    (the object's name) and `desc` (the text staff read) carry it, `value` (a raw id) does not
    (billmanager-protocol.md 1.3; the C++ base class writes the same)."""
    stdout, _, report = _run(standin, tmp_path, ["nothing secret"])
    error = etree.fromstring(stdout).find("error")
    assert error is not None
    assert (error.get("type"), error.get("object")) == ("guard_failed", "item")
    kinds = {param.get("name"): param.get("type") for param in error.findall("param")}
    assert kinds == {"object": "msg", "value": None, "desc": "msg"}
    assert error.find("param[@name='object']").get("msg") == "item"  # type: ignore[union-attr]
    node = etree.fromstring(report.encode()).find("processingmodule/error")
    assert node is not None
    kinds = {param.get("name"): param.get("type") for param in node.findall("param")}
    assert kinds == {"object": "msg", "value": None, "desc": "msg"}
