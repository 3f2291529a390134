"""The module against ENOM's documented answer forms (issue 12 §8): lower-case tags everywhere,
and CACerts that carry the root (BILLmanager's saved chain leaves the root out)."""

from __future__ import annotations

from cryptography import x509

from tests.handler.conftest import World, desc
from tests.handler.test_faults import assert_one_purchase, sync_until_issued


def test_open_and_sync_with_lower_case_answers(world: World) -> None:
    world.sandbox.configure({"lower_case_tags": True})
    item = world.order("rapidssl", "lower.example.com")
    world.ok("open", item)
    sync_until_issued(world, item)
    assert_one_purchase(world, item)


def test_the_saved_chain_carries_the_intermediate_but_not_the_root(world: World) -> None:
    """ENOM's CACerts include the root; the chain given to BILLmanager stops below it (a
    self-signed root is in every client's store already; pmenomssl.ssl.bundle)."""
    item = world.order("rapidssl", "chain.example.com")
    world.ok("open", item)
    sync_until_issued(world, item)
    saved = x509.load_pem_x509_certificates(world.standin.certificate_row(item)["crt"].encode())
    leaf, intermediate = saved
    assert leaf.issuer == intermediate.subject and intermediate.issuer != intermediate.subject
    from pmenomssl.sandbox import ca

    assert ca.get_ca().root.subject not in [c.subject for c in saved]


def test_prolong_of_an_unissued_certificate_buys_nothing(world: World) -> None:
    """ENOM shows an ExpirationDate before issue; prolong must not read it as a certificate's
    end and buy a renewal for a certificate that was never issued."""
    world.sandbox.configure({"polls_before_issue": 100})
    item = world.order("rapidssl", "unissued.example.com")
    world.ok("open", item)
    cert_id = world.params(item)["enom_cert_id"]
    assert world.sandbox.state.cert(cert_id).status_id != 4
    error = world.fails("prolong", item)
    assert error.get("type") == "not_ordered" and "not issued" in desc(error)
    assert len(world.sandbox.purchases) == 1
