"""Guard of the provider's money in `open` of pmbillreseller, through the real executable
(issue 17): reconciling a lost order never adopts an upstream service that already carries a
`remoteid`, i.e. one that belongs to another billing (or another item). That test failed when
the `not s.remoteid` condition of the adoption was replaced by `True`.
"""

from __future__ import annotations

from tests.billreseller.conftest import DEFAULT_PERIODS, UPSTREAM_TARIFFS, Reseller

ORDER_FUNC = "v2.vds.order.param"
OTHER_BILLING_ITEM = "4242"  # the remoteid another billing put on its own service


def test_a_lost_order_never_adopts_a_service_of_another_billing(reseller: Reseller) -> None:
    item = reseller.item("vds", domain="guard.example.com")
    # The order request is reset before upstream carries it out: nothing was bought, the intent
    # stays, and this run cannot tell (it fails with the outcome unknown).
    reseller.upstream.fault(ORDER_FUNC + "#sok", "reset_before")  # the paid call, not the form
    first = reseller.run("open", item)
    assert first.returncode == 1, first.stdout
    assert reseller.upstream.orders == []
    assert reseller.params(item).get("upstream_order_intent")
    assert reseller.upstream_id(item) == ""

    # Meanwhile another billing orders the same tariff on the same upstream account: a newer
    # service of the tariff, not linked to us, but carrying the other billing's remoteid.
    theirs = reseller.upstream.add_service(
        "vds", UPSTREAM_TARIFFS["vds"], DEFAULT_PERIODS["vds"], remoteid=OTHER_BILLING_ITEM
    )

    reseller.ok("open", item)

    assert reseller.upstream_id(item) != theirs, "adopted another billing's service"
    assert reseller.upstream.service(theirs).remoteid == OTHER_BILLING_ITEM
    (order,) = reseller.upstream.orders  # it ordered its own, once
    assert reseller.upstream_id(item) == order.service_id
    assert reseller.upstream.service(order.service_id).remoteid == str(item)
