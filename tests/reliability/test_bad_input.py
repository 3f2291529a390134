"""Bad input, each ending in BILLmanager's error XML, exit 1, no traceback, and nothing
half-written to BILLmanager: stdin documents, argv, database rows, CSRs, contacts, crypted
values and the panel key.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from lxml import etree

from tests.handler.conftest import csr_for
from tests.reliability import settings
from tests.reliability.conftest import LOG_LINE, Figures, RecordingWorld, no_traceback

# What BILLmanager may legitimately receive from a command that refused its input: reads only.
READ_ONLY_FUNCS = frozenset({"paramlist"})
PROPERTY = hsettings(
    max_examples=settings.EXAMPLES,
    deadline=None,
    derandomize=not settings.LONG,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def one_document(stdout: bytes) -> etree._Element | None:
    """stdout holds nothing or exactly one well-formed XML document (its root returned)."""
    if not stdout.strip():
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(stdout, parser)  # raises on two documents or garbage


def error_of(result: subprocess.CompletedProcess[bytes]) -> etree._Element:
    """The run failed cleanly: exit 1, no traceback, the error document on stdout."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    no_traceback(result)
    root = one_document(result.stdout)
    assert root is not None and root.tag == "doc", result.stdout
    error = root.find("error")
    assert error is not None, result.stdout
    assert error.get("type"), result.stdout
    assert (error.findtext("param[@name='desc']") or "").strip(), result.stdout
    return error


def writes(world: RecordingWorld) -> list[str]:
    return [r["func"] for r in world.standin.journal() if r["func"] not in READ_ONLY_FUNCS]


# --- stdin documents -------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8)
    )
    + b"]><doc><processingmodule><username>&i;</username></processingmodule></doc>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<doc><processingmodule><username>&x;</username></processingmodule></doc>"
)
BAD_DOCUMENTS = {
    "malformed": b"<doc><processingmodule><url>x</processingmodule>",
    "huge": b"<doc><processingmodule><username>"
    + b"a" * (5 * 1024 * 1024)
    + b"</username></processingmodule></doc>",
    "wrong_root": b"<html><body>not a document</body></html>",
    "not_utf8": b"<doc><processingmodule><username>\xff\xfe\xe9</username></processingmodule>"
    b"</doc>",
    "xxe": XXE,
    "billion_laughs": BILLION_LAUGHS,
    "two_roots": b"<doc/><doc/>",
    "binary": bytes(range(256)) * 4,
}


# approver is not among them: it never parses stdin (tests/handler/test_module_commands.py).
@pytest.mark.parametrize("command", ["check_connection", "usercreate"])
def test_bad_stdin_documents_are_refused(
    world: RecordingWorld, figures: Figures, command: str
) -> None:
    args = ("--module", str(world.module), "--domain", "example.com")
    for name, document in BAD_DOCUMENTS.items():
        result = world.run(command, None, *args, stdin=document)
        figures.tried("stdin document")
        error = error_of(result)
        assert error.get("type") == "protocol_error", (name, result.stdout)
        assert error.get("object") == "stdin", (name, result.stdout)
        assert b"root:" not in result.stdout, "XXE: a local file reached the answer"
    assert writes(world) == []


def test_empty_and_incomplete_connection_forms(world: RecordingWorld, figures: Figures) -> None:
    for document in (b"", b"   \n", b"<doc/>", b"<doc><processingmodule/></doc>"):
        error = error_of(world.run("check_connection", None, stdin=document))
        figures.tried("stdin document")
        assert error.get("type") == "invalid_connection", document
    # usercreate and approver do not need the document: an empty one is fine
    out = one_document(world.ok("usercreate", None, "--module", str(world.module)))
    assert out is not None and out.findtext("outerlink", "").startswith("https://")
    figures.tried("stdin document", 2)
    assert writes(world) == []


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF), max_size=40
)


@st.composite
def connection_forms(draw: st.DrawFn) -> tuple[bytes, bool]:
    """(a check_connection document, whether its credentials are the sandbox's)."""
    good = draw(st.booleans())
    url = "{url}" if good or draw(st.booleans()) else draw(st.sampled_from(["", "ftp://x", "x"]))
    fields = {
        "url": url,
        "username": "{uid}" if good else draw(_text),
        "password": "{pw}" if good else draw(_text),
    }
    extra = draw(st.dictionaries(st.sampled_from(["name", "lang", "x", "id"]), _text, max_size=2))
    root = etree.Element("doc")
    node = etree.SubElement(root, "processingmodule")
    for key, value in {**fields, **extra}.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing field
        try:
            etree.SubElement(node, key).text = value
        except ValueError:  # a character XML cannot carry
            etree.SubElement(node, key).text = "?"
    encoded = etree.tostring(root, encoding="UTF-8", xml_declaration=draw(st.booleans()))
    return encoded, good


@given(form=connection_forms())
@PROPERTY
def test_property_connection_form(
    world: RecordingWorld, figures: Figures, form: tuple[bytes, bool]
) -> None:
    document, good = form
    document = (
        document.replace(b"{url}", world.sandbox.url.encode())
        .replace(b"{uid}", world.sandbox.uid.encode())
        .replace(b"{pw}", world.sandbox.pw.encode())
    )
    result = world.run("check_connection", None, stdin=document)
    figures.tried("stdin document (property)")
    no_traceback(result)
    assert result.returncode in (0, 1)
    root = one_document(result.stdout)
    if result.returncode == 0:
        assert root is not None and root.tag == "doc" and len(root) == 0, result.stdout
    else:
        error_of(result)
    if good and all(b"<%s>" % f in document for f in (b"url", b"username", b"password")):
        assert result.returncode == 0, result.stdout
    assert writes(world) == []


# --- argv ------------------------------------------------------------------------------------

OPTIONS = [
    "--command", "--item", "--module", "--runningoperation", "--lang", "--domain", "--id",
    "--itemtype", "--intname", "--param", "--value", "--level", "--userid", "--password",
    "--subcommand", "--addon", "--tld", "--searchstring", "--emails", "-c", "-i", "--bogus", "--",
]  # fmt: skip
COMMANDS = [
    "features", "approver", "check_connection", "usercreate", "getbalance", "open", "sync_item",
    "prolong", "close", "suspend", "resume", "setparam", "reopen", "import", "stat", "nope", "",
]  # fmt: skip
_arg_value = st.one_of(
    st.sampled_from(COMMANDS),
    st.integers(-3, 10**20).map(str),
    st.sampled_from(["1", "0", "1.5", "1e3", " 7", "0x1", "٣", "", "-", "--item"]),
    st.text(max_size=12),
    st.binary(max_size=6).filter(lambda b: b"\x00" not in b),
)


# BILLmanager's calls start with an option (a first word without a dash is the operator CLI).
@given(
    argv=st.tuples(
        st.sampled_from(OPTIONS),
        st.lists(st.one_of(st.sampled_from(OPTIONS), _arg_value), max_size=6),
    ).map(lambda t: [t[0], *t[1]])
)
@PROPERTY
def test_property_argv(world: RecordingWorld, figures: Figures, argv: list[str | bytes]) -> None:
    argv = [a.replace("\x00", "") if isinstance(a, str) else a for a in argv]
    result = world.argv_run(argv, env={"PMENOMSSL_DEADLINE": "20"})  # type: ignore[arg-type]
    figures.tried("argv (property)")
    no_traceback(result)
    assert result.returncode in (0, 1), (argv, result.returncode, result.stderr)
    root = one_document(result.stdout)
    if result.returncode == 1:
        assert root is not None and root.find("error") is not None, (argv, result.stdout)
    assert_log_lines(world)


def assert_log_lines(world: RecordingWorld) -> None:
    """Every line of the log, as any reader splits it (CR, Unicode separators), is a record's
    first line in the documented format or an indented continuation line."""
    path = world.standin.log_path()
    text = path.read_bytes().decode("utf-8", "replace") if path.exists() else ""
    pattern = re.compile(LOG_LINE)
    for line in text.splitlines():
        assert pattern.match(line) or line.startswith("    "), repr(line)
    assert len(text.splitlines()) == text.count("\n"), "a reader sees lines never written"


@pytest.mark.parametrize("breaker", ["\r", "\x85", "\u2028", "\x1b[2K\r", "\x0b"])
def test_argv_cannot_forge_log_lines(world: RecordingWorld, figures: Figures, breaker: str) -> None:
    forged = f"x{breaker}Nov 22 04:30:22 [1:1] pmenomssl ERROR forged"
    result = world.argv_run(["--command", "approver", "--module", "1", "--domain", forged])
    figures.tried("argv")
    no_traceback(result)
    text = world.standin.log_path().read_bytes().decode("utf-8")
    assert "forged" in text  # logged (at debug level), but escaped:
    assert_log_lines(world)


ARGV_CASES = {
    "no options": [],
    "no command": ["--item", "1"],
    "command without value": ["--command"],
    "service command without item": ["--command", "open"],
    "module command without module": ["--command", "approver"],
    "item not a number": ["--command", "open", "--item", "one"],
    "item negative": ["--command", "open", "--item", "-4"],
    "item with a control char": ["--command", "open", "--item", "1\x01"],
    "item not UTF-8": [b"--command", b"open", b"--item", b"\xff\xfe"],
    "lang with a control char": ["--command", "open", "--lang", "\x01ru"],
    "lang not UTF-8": [b"--command", b"open", b"--lang", b"r\xffu"],
    "runningoperation not a number": ["--command", "open", "--item", "1",
                                      "--runningoperation", "x"],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ARGV_CASES))
def test_malformed_argv(world: RecordingWorld, figures: Figures, case: str) -> None:
    result = world.argv_run(ARGV_CASES[case])  # type: ignore[arg-type]
    figures.tried("argv")
    error = error_of(result)
    assert error.get("type") == "protocol_error", result.stdout
    assert writes(world) == []


@pytest.mark.parametrize("command", ["launch", "launch\r\x1b[2Kforged", "\u2028x"])
def test_an_unknown_command_is_an_empty_answer(
    world: RecordingWorld, figures: Figures, command: str
) -> None:
    """A command the module does not know (a newer BILLmanager's) is answered with an empty
    document and exit 0, as ISP's module base does (issue 13 point 10); it writes nothing and
    its name cannot forge a log line."""
    result = world.argv_run(["--command", command, "--item", "1"])
    figures.tried("argv")
    assert result.returncode == 0, (result.stdout, result.stderr)
    no_traceback(result)
    root = one_document(result.stdout)
    assert root is not None and root.tag == "doc" and len(root) == 0, result.stdout
    assert writes(world) == []
    assert_log_lines(world)


# --- database rows, CSRs, contacts, crypted values, the key ---------------------------------


def refused_open(world: RecordingWorld, item: int, error_type: str) -> str:
    """open fails with `error_type`, buys nothing and writes nothing (no intent either)."""
    error = error_of(world.run("open", item))
    assert error.get("type") == error_type, error.findtext("param[@name='desc']")
    assert world.sandbox.purchases == []
    assert world.sandbox.calls["PurchaseServices"] == 0
    assert writes(world) == [], world.standin.journal()
    assert "enom_purchase_intent" not in world.params(item)
    return error.findtext("param[@name='desc']") or ""


def test_missing_item(world: RecordingWorld, figures: Figures) -> None:
    for command in ("open", "sync_item", "prolong", "close", "reopen"):
        error = error_of(world.run(command, 424242))
        figures.tried("database row missing")
        assert error.get("type") == "item_not_found", (command, error.get("type"))
    assert writes(world) == []


def test_missing_module_row(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "nomodule.example.com")
    for table, column in (
        ("processingmodule", "id"),
        ("processingparam", "processingmodule"),
        ("processingcryptedparam", "processingmodule"),
    ):  # BILLmanager deletes a module with its params
        world.standin.store.execute(
            f"DELETE FROM {table} WHERE {column} = %s",
            [world.module],
        )
    figures.tried("database row missing")
    refused_open(world, item, "module_not_found")


def test_item_without_module(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "unlinked.example.com")
    world.standin.store.execute("UPDATE item SET processingmodule = NULL WHERE id = %s", [item])
    figures.tried("database row missing")
    refused_open(world, item, "module_not_found")


def test_missing_module_params(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "noparams.example.com")
    world.standin.store.execute(
        "DELETE FROM processingcryptedparam WHERE processingmodule = %s", [world.module]
    )
    figures.tried("database row missing")
    refused_open(world, item, "invalid_connection")


def test_missing_item_params(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "nocontacts.example.com")
    world.standin.store.execute("DELETE FROM itemparam WHERE item = %s", [item])
    figures.tried("database row missing")
    desc = refused_open(world, item, "invalid_contact")
    assert "nothing was bought" in desc.lower() or "retr" in desc.lower(), desc


def test_missing_certificate_row(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "nocsr.example.com")
    world.standin.store.execute("DELETE FROM certificate WHERE item = %s", [item])
    figures.tried("database row missing")
    refused_open(world, item, "invalid_csr")


_, OTHER_CSR = csr_for("other.example.org")
_, WILDCARD_CSR = csr_for("*.wild.example.com")
_, SAN_CSR = csr_for("san.example.com", ("a.example.com", "b.example.com"))
BAD_CSRS = {
    "garbage": "this is not a CSR",
    "truncated PEM": OTHER_CSR[: len(OTHER_CSR) // 2],
    "PEM of garbage": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
    "-----END CERTIFICATE REQUEST-----",
    "binary": "\x00\x01\x02é",
    "mismatched domain": OTHER_CSR,
    "wildcard on a plain template": WILDCARD_CSR,
    "extra SANs on a single-name template": SAN_CSR,
}


@pytest.mark.parametrize("case", sorted(BAD_CSRS))
def test_bad_csr_buys_nothing(world: RecordingWorld, figures: Figures, case: str) -> None:
    csr = BAD_CSRS[case]
    item = world.order("rapidssl", "csr.example.com", csr=csr, params={"domain": "csr.example.com"})
    figures.tried("CSR")
    refused_open(world, item, "invalid_csr")


@pytest.mark.parametrize(
    "field,value",
    [("adm_fname", "Jürgen"), ("org_name", "Société Générale"), ("tech_lname", "李")],
)
def test_non_ascii_contacts_for_a_digicert_brand(
    world: RecordingWorld, figures: Figures, field: str, value: str
) -> None:
    item = world.order("rapidssl", "ascii.example.com", params={field: value})
    figures.tried("contacts")
    desc = refused_open(world, item, "invalid_contact")
    assert field in desc or "ASCII" in desc or "ascii" in desc, desc


def test_crypted_item_param_that_does_not_decrypt(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "crypt.example.com")
    world.standin.set_raw_crypted_param(item, "secret_note", "bm90IGEgY2lwaGVydGV4dA==")
    figures.tried("crypted value")
    desc = refused_open(world, item, "decrypt_failed")
    assert "secret_note" in desc or "crypted" in desc, desc


def test_module_password_that_does_not_decrypt(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "cryptmod.example.com")
    world.standin.store.execute(
        "UPDATE processingcryptedparam SET value = %s WHERE processingmodule = %s",
        ["%%% not base64 %%%", world.module],
    )
    figures.tried("crypted value")
    refused_open(world, item, "decrypt_failed")
    error = error_of(world.run("getbalance", None, "--module", str(world.module)))
    assert error.get("type") == "decrypt_failed"


@pytest.mark.parametrize(
    "key", [b"", b"garbage, not a key\n", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIV"]
)
def test_unusable_panel_key(world: RecordingWorld, figures: Figures, key: bytes) -> None:
    item = world.order("rapidssl", "key.example.com")
    world.standin.key_path.write_bytes(key)  # root ignores chmod 000: a broken key instead
    figures.tried("panel key")
    refused_open(world, item, "decrypt_failed")


def test_missing_panel_key(world: RecordingWorld, figures: Figures) -> None:
    item = world.order("rapidssl", "nokey.example.com")
    world.standin.key_path.unlink()
    figures.tried("panel key")
    refused_open(world, item, "decrypt_failed")


# --- mgrctl ----------------------------------------------------------------------------------

MGRCTL_FAULTS = {"exit": {}, "error": {"type": "access"}, "garbage": {}}


@pytest.mark.parametrize("kind", sorted(MGRCTL_FAULTS))
@pytest.mark.parametrize("func", ["paramlist", "service.saveparam"])
def test_mgrctl_failures_stop_open_cleanly(
    world: RecordingWorld, figures: Figures, kind: str, func: str
) -> None:
    """paramlist failing: nothing read, nothing bought. The intent's saveparam failing: nothing
    bought either (the intent is saved before PurchaseServices). BILLmanager's re-run buys once."""
    item = world.order("rapidssl", f"mgr{kind}.example.com")
    world.standin.set_fault(func, kind, times=1, **MGRCTL_FAULTS[kind])
    error = error_of(world.run("open", item))
    figures.fault(f"mgrctl {kind}")
    assert error.get("type") == "mgrctl_error", error.get("type")
    assert world.sandbox.purchases == []
    world.standin.clear_faults()
    result = world.run("open", item)
    no_traceback(result)
    assert result.returncode == 0, (result.stdout, world.log_tail())
    assert len(world.sandbox.purchases) == 1
    figures.bought(len(world.purchases_for(item)))
    figures.survive(f"mgrctl {kind}")
