"""Guards of the provider's money in `open`, through the real executable (issue 17).

Each test here failed when its guard was switched off (the README's development section lists
the one-line bugs tried):

- reconciliation never adopts a certificate another item has claimed: two items, one of them
  with a stale purchase intent, and one Awaiting-Configuration certificate that belongs to the
  other item; the item with the intent must buy its own, not take the other's;
- a CSR missing any ordered name buys nothing (each position of the ordered list is tried).
"""

from __future__ import annotations

import pytest

from tests.handler.conftest import World, csr_for, desc


def test_a_stale_intent_never_adopts_another_items_certificate(world: World) -> None:
    # The item that will carry the stale intent is created FIRST (lower id), so the tie-break
    # of simultaneous claims ("the lowest item id keeps it") cannot hide a wrong adoption.
    stale = world.order("rapidssl", "stale.example.com")
    owner = world.order("rapidssl", "owner.example.com")

    # The owner buys certificate X but fails to configure it: X stays Awaiting Configuration
    # at ENOM, claimed by the owner through its saved CertID.
    world.sandbox.faults.add("http_500", command="CertConfigureCert", times=None)
    assert world.run("open", owner).returncode == 1
    world.sandbox.faults.clear()
    owner_params = world.params(owner)
    taken = owner_params["enom_cert_id"]
    assert taken and len(world.sandbox.purchases) == 1
    assert world.sandbox.state.cert(taken).status_id == 1  # Awaiting Configuration

    # The other item crashed after saving its intent, before buying: same product, same moment.
    world.standin.set_item_param(
        stale, "enom_purchase_intent", owner_params["enom_purchase_intent"]
    )
    world.ok("open", stale)

    mine = world.params(stale)["enom_cert_id"]
    assert mine and mine != taken, "the item with a stale intent took the other item's certificate"
    assert len(world.sandbox.purchases) == 2  # it bought its own
    assert world.params(owner)["enom_cert_id"] == taken
    # the owner's re-run still finishes with its own certificate
    world.ok("open", owner)
    assert world.params(owner)["enom_cert_id"] == taken
    assert len(world.sandbox.purchases) == 2


# Three names: as many as a UCC product covers (productspec.UCC_NAMES), so that only the missing
# name can stop the order.
ORDERED = ("one.example.com", "two.example.com", "three.example.com")


@pytest.mark.parametrize("missing", [1, 2], ids=["second", "third"])
def test_a_csr_missing_any_ordered_name_buys_nothing(world: World, missing: int) -> None:
    in_csr = tuple(name for index, name in enumerate(ORDERED[1:], 1) if index != missing)
    item = world.order(
        "sectigouccdv", ORDERED[0], sans=ORDERED[1:], csr=csr_for(ORDERED[0], in_csr)[1]
    )
    error = world.fails("open", item)
    assert error.get("type") == "invalid_csr"
    assert ORDERED[missing] in desc(error)
    assert world.sandbox.purchases == []
    assert world.sandbox.calls.get("PurchaseServices", 0) == 0


def test_a_csr_with_every_ordered_name_is_bought(world: World) -> None:
    """The counterpart: the same order with the complete CSR goes through (the tests above fail
    on the missing name, not on something else about the order)."""
    item = world.order("sectigouccdv", ORDERED[0], sans=ORDERED[1:])
    world.ok("open", item)
    assert len(world.sandbox.purchases) == 1
