"""ENOM misbehaving: every error class, HTML pages, truncated/empty/huge bodies, wrong roots,
missing and extra elements. Each ends in a clean error (or a correct success), and an `open`
that met one is re-run by BILLmanager to one issued certificate and exactly one purchase.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from lxml import etree

from pmenomssl.sandbox.enom.faults import FAULT_KINDS
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.reliability import settings
from tests.reliability.conftest import Figures, RecordingWorld, no_traceback
from tests.reliability.proxy import EnomProxy
from tests.reliability.test_bad_input import error_of, one_document

TRANSPORT = {"enom_bad_response", "enom_unreachable"}
EXPECTED_CHECK_CONNECTION = {
    "http_500": TRANSPORT,
    "html_page": TRANSPORT,
    "reset_before": TRANSPORT,
    "reset_after": TRANSPORT,
    "partial": TRANSPORT,
    "truncated": TRANSPORT,
    "empty": TRANSPORT,
    "wrong_root": TRANSPORT,
    "done_missing": TRANSPORT,
    "huge": TRANSPORT | {"ok"},
    "bad_credentials": {"invalid_login_or_passwd"},
    "ip_not_allowed": {"enom_ip_not_allowed"},
}


def form(url: str, uid: str, pw: str) -> bytes:
    return (
        f"<doc><processingmodule><url>{url}</url><username>{uid}</username>"
        f"<password>{pw}</password></processingmodule></doc>"
    ).encode()


def test_check_connection_meets_every_sandbox_fault(
    world: RecordingWorld, figures: Figures
) -> None:
    """One sandbox per fault kind, armed for every call; all checks run at once."""
    assert set(EXPECTED_CHECK_CONNECTION) == set(FAULT_KINDS) - {"delay"}
    with ExitStack() as stack:
        runs = {}
        for kind in sorted(EXPECTED_CHECK_CONNECTION):
            sb = stack.enter_context(EnomSandbox(uid=world.sandbox.uid, pw=world.sandbox.pw))
            sb.faults.add(kind, command="GetBalance", times=None, size=12 * 1024 * 1024)
            proc = world.spawn("check_connection", None, stdin=form(sb.url, sb.uid, sb.pw))
            runs[kind] = (sb, proc)
        outcomes = {}
        for kind, (sb, proc) in runs.items():
            code, stdout = world.finish(proc)
            figures.fault(f"ENOM {kind}")
            assert code in (0, 1), (kind, code)
            root = one_document(stdout)
            assert root is not None, (kind, stdout)
            error = root.find("error")
            outcomes[kind] = "ok" if code == 0 else (error.get("type") if error is not None else "")
            if code == 1:
                assert (error.findtext("param[@name='desc']") or "").startswith(
                    "Connection check of"
                ), stdout
            assert sb.calls["GetBalance"] >= 1
        for kind, outcome in outcomes.items():
            assert outcome in EXPECTED_CHECK_CONNECTION[kind], (kind, outcome)
            figures.survive(f"ENOM {kind}")
    assert [r["func"] for r in world.standin.journal()] == []


@pytest.fixture
def proxy(world: RecordingWorld) -> Iterator[EnomProxy]:
    with EnomProxy(world.sandbox) as scripted:
        world.standin.store.execute(
            "UPDATE processingparam SET value = %s WHERE processingmodule = %s AND intname = 'url'",
            [scripted.url, world.module],
        )
        yield scripted


def finish_open(world: RecordingWorld, item: int) -> None:
    """BILLmanager's re-runs, then sync until issued; exactly one purchase for the item."""
    for _ in range(settings.RERUNS):
        result = world.run("open", item)
        no_traceback(result)
        if result.returncode == 0:
            break
    else:
        raise AssertionError(world.log_tail())
    for _ in range(4):
        result = world.run("sync_item", item)
        no_traceback(result)
        if world.params(item).get("service_status") == "5":
            break
    assert world.params(item).get("service_status") == "5", world.log_tail()
    assert len(world.purchases_for(item)) == 1, world.sandbox.purchases
    world.figures.bought(len(world.purchases_for(item)))


# (command refused, ENOM's messages, response numbers, expected error type, bought before)
ERROR_CLASSES = [
    ("GetBalance", "Bad User name or Password", "304155", "invalid_login_or_passwd", 0),
    ("GetBalance", "User not permitted from this IP address - 10.9.8.7", "713254",
     "enom_ip_not_allowed", 0),
    ("PurchaseServices", "Insufficient funds in the account", "524181",
     "enom_insufficient_funds", 0),
    # payment errors by ENOM's code (issue 12 §6): 14 declined, 19 failed to deduct
    ("PurchaseServices", "Payment declined", "514181", "enom_payment_declined", 0),
    ("PurchaseServices", "Unable to deduct the amount", "519181", "enom_payment_not_taken", 0),
    ("CertConfigureCert", "Unable to parse CSR", "620397", "enom_invalid_csr", 1),
    ("CertPurchaseCert", "The approver could not be contacted", "", "enom_api_error", 1),
    ("CertConfigureCert", "Cert ID not found", "316150", "enom_not_found", 1),
]  # fmt: skip


def test_every_enom_error_class_in_open(
    world: RecordingWorld, figures: Figures, proxy: EnomProxy
) -> None:
    for index, (command, message, number, error_type, bought) in enumerate(ERROR_CLASSES):
        item = world.order("rapidssl", f"class{index}.example.com")
        before = len(world.sandbox.purchases)
        proxy.refuse(command, [message], [number] if number else [])
        error = error_of(world.run("open", item))
        figures.fault(f"ENOM error {error_type}")
        assert error.get("type") == error_type, (command, error.get("type"), world.log_tail())
        desc = error.findtext("param[@name='desc']") or ""
        assert message in desc, desc
        if error_type == "enom_ip_not_allowed":
            assert "10.9.8.7" in desc
        assert len(world.sandbox.purchases) - before == bought
        proxy.clear()
        finish_open(world, item)
        figures.survive(f"ENOM error {error_type}")


def test_not_found_in_sync(world: RecordingWorld, figures: Figures, proxy: EnomProxy) -> None:
    item = world.order("rapidssl", "syncnf.example.com")
    assert world.run("open", item).returncode == 0
    proxy.refuse("CertGetCertDetail", ["Cert ID not found"], ["316150"])
    error = error_of(world.run("sync_item", item))
    figures.fault("ENOM error enom_not_found")
    assert error.get("type") == "enom_not_found"
    assert world.params(item).get("service_status") == "4"  # nothing changed
    proxy.clear()
    finish_open(world, item)
    figures.survive("ENOM error enom_not_found")


# --- missing and extra elements (property-based) --------------------------------------------


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, int, str]:
    """(how, which element, garbage): applied to whatever answer the proxy rewrites."""
    how = draw(st.sampled_from(["drop", "extra", "duplicate", "garbage", "empty", "nest"]))
    return how, draw(st.integers(0, 200)), draw(st.sampled_from(["", "abc", "-1", "<&>", "∞"]))


def mutate(body: bytes, mutation: tuple[str, int, str]) -> bytes:
    how, index, garbage = mutation
    root = etree.fromstring(body, etree.XMLParser(huge_tree=True))
    elements = [e for e in root.iter() if e is not root and isinstance(e.tag, str)]
    if not elements:
        return body
    target = elements[index % len(elements)]
    parent = target.getparent()
    assert parent is not None
    if how == "drop":
        parent.remove(target)
    elif how == "extra":
        extra = etree.Element("Unexpected" + str(index))
        extra.text = garbage
        parent.insert(index % (len(parent) + 1), extra)
    elif how == "duplicate":
        parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
    elif how == "garbage" and len(target) == 0:
        target.text = garbage
    elif how == "empty":
        for child in list(target):
            target.remove(child)
        target.text = None
    else:  # nest: the element moves one level down
        wrapper = etree.Element("Wrapper")
        parent.replace(target, wrapper)
        wrapper.append(target)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


PROPERTY = hsettings(
    max_examples=settings.EXAMPLES,
    deadline=None,
    derandomize=not settings.LONG,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@given(command=st.sampled_from(["GetBalance", "GetCerts"]), mutation=mutations())
@PROPERTY
def test_property_damaged_answers_to_check_connection(
    world: RecordingWorld,
    figures: Figures,
    proxy: EnomProxy,
    command: str,
    mutation: tuple[str, int, str],
) -> None:
    proxy.clear()
    proxy.rewrite(command, lambda body: mutate(body, mutation))
    result = world.run(
        "check_connection", None, stdin=form(proxy.url, world.sandbox.uid, world.sandbox.pw)
    )
    figures.tried("ENOM answer with missing/extra elements")
    no_traceback(result)
    assert result.returncode in (0, 1)
    root = one_document(result.stdout)
    assert root is not None
    if result.returncode == 1:
        error = error_of(result)
        assert error.get("type", "").startswith("enom_") or error.get("type") == (
            "invalid_login_or_passwd"
        ), result.stdout
    else:
        assert root.tag == "doc" and len(root) == 0


_SERIAL = itertools.count(1)
OPEN_COMMANDS = ["GetBalance", "GetCerts", "PurchaseServices", "CertConfigureCert",
                 "CertPurchaseCert"]  # fmt: skip


@given(command=st.sampled_from(OPEN_COMMANDS), mutation=mutations())
@hsettings(PROPERTY, max_examples=settings.EXAMPLES // 4)
def test_property_damaged_answers_during_open(
    world: RecordingWorld,
    figures: Figures,
    proxy: EnomProxy,
    command: str,
    mutation: tuple[str, int, str],
) -> None:
    """The command takes effect at ENOM, its answer arrives damaged; BILLmanager re-runs open:
    one issued certificate, one purchase, whatever the damage."""
    proxy.clear()
    item = world.order("rapidssl", f"mut{next(_SERIAL)}.example.com")
    damaged = []

    def once(body: bytes) -> bytes:
        if damaged:
            return body
        damaged.append(command)
        return mutate(body, mutation)

    proxy.rewrite(command, once)
    first = world.run("open", item)
    no_traceback(first)
    figures.fault(f"damaged {command} answer")
    proxy.clear()
    finish_open(world, item)
    figures.survive(f"damaged {command} answer")
