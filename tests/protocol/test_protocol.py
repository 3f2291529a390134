"""The protocol layer through the real executable, with a handler registered by entry point."""

from __future__ import annotations

import os
import stat

import pytest
from lxml import etree

from tests.protocol.conftest import ModuleRunner


def error_of(stdout: bytes) -> etree._Element:
    doc = etree.fromstring(stdout)
    assert doc.tag == "doc"
    error = doc.find("error")
    assert error is not None, stdout
    return error


def test_features_come_from_the_handler_declaration(test_module: ModuleRunner) -> None:
    result = test_module("--command", "features")
    assert result.returncode == 0, result.stderr
    doc = etree.fromstring(result.stdout)
    assert [e.get("name") for e in doc.iterfind("itemtypes/itemtype")] == ["widget"]
    params = {e.get("name"): e.get("crypted") for e in doc.iterfind("params/param")}
    assert params == {"url": None, "secret": "yes"}
    features = [e.get("name") for e in doc.iterfind("features/feature")]
    assert features == ["check_connection", "open", "resume", "suspend", "sync_item"]
    template = doc.find("templates/template")
    assert template is not None
    assert (template.get("name"), template.get("id"), template.get("wildcard")) == (
        "basic",
        "basic",
        "yes",
    )
    assert result.stderr == b""


def test_missing_command_is_a_protocol_error(test_module: ModuleRunner) -> None:
    result = test_module("--item", "5")
    assert result.returncode == 1
    error = error_of(result.stdout)
    assert error.get("type") == "protocol_error"
    assert "--command" in (error.findtext("param[@name='desc']") or "")
    assert b"Traceback" not in result.stdout + result.stderr


def test_unimplemented_command_names_the_ones_that_exist(test_module: ModuleRunner) -> None:
    result = test_module("--command", "prolong", "--item", "5")
    assert result.returncode == 1
    desc = error_of(result.stdout).findtext("param[@name='desc']") or ""
    assert "prolong" in desc and "open" in desc


def test_non_numeric_item_is_refused(test_module: ModuleRunner) -> None:
    result = test_module("--command", "open", "--item", "abc")
    assert result.returncode == 1
    error = error_of(result.stdout)
    assert error.get("type") == "protocol_error"
    assert error.get("object") == "item"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--item", "99999999999999999999999999"], "from 0 to 9223372036854775807"),
        (["--item", "\u0661\u0662"], "in ASCII digits"),  # Arabic-Indic 12
        (["--item", "\uff11\uff12"], "in ASCII digits"),  # full-width 12
        (["--item", "1", "--item", "2"], "--item is given twice ('1' and '2')"),
        (["--item=1", "--item", "1"], "--item is given twice"),
        (["--item", "1", "--module", "3", "--module", "4"], "--module is given twice"),
    ],
    ids=["overflow", "arabic digits", "full-width digits", "twice", "twice same", "module twice"],
)
def test_item_that_is_not_one_plain_id_is_a_protocol_error(
    test_module: ModuleRunner, argv: list[str], said: str
) -> None:
    result = test_module("--command", "open", *argv)
    assert result.returncode == 1
    error = error_of(result.stdout)
    assert error.get("type") == "protocol_error", result.stdout
    assert said in (error.findtext("param[@name='desc']") or ""), result.stdout
    assert b"Traceback" not in result.stdout + result.stderr


def test_service_command_without_item_is_refused(test_module: ModuleRunner) -> None:
    result = test_module("--command", "open")
    assert result.returncode == 1
    assert "--item" in (error_of(result.stdout).findtext("param[@name='desc']") or "")


def test_unknown_options_are_ignored_and_logged_at_debug(test_module: ModuleRunner) -> None:
    (test_module.root / "etc" / "debug.conf").write_text("pmtest 9\n")
    result = test_module("--command", "open", "--item", "5", "--frobnicate", "7", "--flag")
    assert result.returncode == 0, result.stdout
    assert result.stdout == b""
    log = test_module.log.read_text()
    assert "--frobnicate 7" in log and "DEBUG" in log


def test_every_option_billmanager_passes_is_accepted(test_module: ModuleRunner) -> None:
    result = test_module(
        "--command=open", "--subcommand", "x", "--id", "1", "--item", "5", "--module", "2",
        "--itemtype", "certificate", "--intname", "t", "--param", "p", "--value", "-1",
        "--lang", "ru", "--level", "16", "--addon", "3", "--domain", "example.com",
        "--userid", "9", "--password", "s3cret-value", "--emails", "a@b", "--tld", "com",
        "--searchstring", "x y",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert "s3cret-value" not in test_module.log.read_text()


def test_handler_error_becomes_error_xml_and_exit_1(test_module: ModuleRunner) -> None:
    result = test_module("--command", "open", "--item", "13", "--lang", "en")
    assert result.returncode == 1
    error = error_of(result.stdout)
    assert (error.get("type"), error.get("object"), error.get("lang")) == (
        "test_boom",
        "item",
        "en",
    )
    assert error.findtext("param[@name='value']") == "13"
    assert "pick another item" in (error.findtext("param[@name='desc']") or "")
    assert result.stderr == b""


def test_a_bug_becomes_unknown_error_naming_the_log(test_module: ModuleRunner) -> None:
    result = test_module("--command", "open", "--item", "66")
    assert result.returncode == 1
    error = error_of(result.stdout)
    assert error.get("type") == "unknown"
    assert str(test_module.log) in (error.findtext("param[@name='desc']") or "")
    assert b"Traceback" not in result.stdout + result.stderr
    assert "Traceback" in test_module.log.read_text()  # the details are for the maintainers


def test_stray_prints_never_reach_stdout(test_module: ModuleRunner) -> None:
    result = test_module("--command", "open", "--item", "5")
    assert result.returncode == 0
    assert result.stdout == b""


def test_check_connection_reads_the_document_on_stdin(test_module: ModuleRunner) -> None:
    good = b"<doc><processingmodule><password>right</password></processingmodule></doc>"
    result = test_module("--command", "check_connection", stdin=good)
    assert result.returncode == 0
    assert etree.fromstring(result.stdout).tag == "doc"
    bad = b"<doc><processingmodule><password>wrong</password></processingmodule></doc>"
    result = test_module("--command", "check_connection", stdin=bad)
    assert error_of(result.stdout).get("type") == "invalid_login_or_passwd"


def test_hostile_or_broken_stdin_is_refused_cleanly(test_module: ModuleRunner) -> None:
    payloads = [
        b"<doc><unclosed>",
        b'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<doc>&x;</doc>",
        b'<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><doc>&b;</doc>',
        b"<html><body>not a doc</body></html>",
        b"\xff\xfe\x00garbage",
        b"<doc>" + b"x" * (5 * 1024 * 1024) + b"</doc>",
    ]
    for payload in payloads:
        result = test_module("--command", "check_connection", stdin=payload)
        assert result.returncode == 1, payload[:40]
        assert error_of(result.stdout).get("type") == "protocol_error", payload[:40]
        assert b"root:" not in result.stdout


def test_do_nothing_skips_provider_commands(test_module: ModuleRunner) -> None:
    (test_module.root / "etc" / "billmgr.DoNothing").write_text("")
    result = test_module("--command", "open", "--item", "13")
    assert result.returncode == 0 and result.stdout == b""
    assert "billmgr.DoNothing" in test_module.log.read_text()


def test_log_format_redaction_and_mode(test_module: ModuleRunner) -> None:
    (test_module.root / "etc" / "debug.conf").write_text("pmtest.* 6\n")
    result = test_module("--command", "sync_item", "--item", "7", "--runningoperation", "3")
    assert result.returncode == 0
    log = test_module.log
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    lines = log.read_text().splitlines()
    line = next(x for x in lines if "syncing" in x)
    # Nov 22 14:03:07 [12345:1] pmtest INFO [sync_item item=7 ro=3] message
    parts = line.split(" ", 5)
    assert parts[3].startswith("[") and parts[3].endswith(":1]")
    assert parts[4] == "pmtest"
    assert "INFO [sync_item item=7 ro=3] syncing" in line
    assert "hunter2x" not in log.read_text()
    assert not any(" DEBUG " in x for x in lines)  # level 6 hides debug lines


def test_log_falls_back_to_logs_dir_when_var_is_missing(test_module: ModuleRunner) -> None:
    (test_module.root / "var" / "pmtest.log").unlink(missing_ok=True)
    (test_module.root / "var").rmdir()
    result = test_module("--command", "open", "--item", "5")
    assert result.returncode == 0
    assert (test_module.root / "logs" / "pmtest.log").exists()


def test_unregistered_name_is_a_clear_error(test_module: ModuleRunner) -> None:
    result = test_module("--command", "features", name="pmnosuch")
    assert result.returncode == 1
    error = error_of(result.stdout)
    assert error.get("type") == "no_handler"
    assert "pmtest" in (error.findtext("param[@name='desc']") or "")
