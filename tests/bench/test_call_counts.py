"""The exact call-count targets of issue 7, with the benchmark's own measuring code (CI's quick
setting: a few hundred certificates). Timing and memory are reported by `python -m bench`, never
asserted here."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bench import measure
from bench.world import World
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom import EnomSandbox

QUICK_CERTIFICATES = 500
QUICK_CHANGED = 6


@pytest.fixture
def world(standin: StandIn) -> Iterator[World]:
    with EnomSandbox(uid="bench", balance=Decimal("100000.00")) as sandbox:
        yield World.create(standin, sandbox)


def test_open_sync_item_and_getbalance_stay_within_their_call_budgets(
    world: World,
) -> None:
    eco = measure.economy(world)
    # open of a DV certificate: at most 6 ENOM calls without the product cache, 5 with it (the
    # CertID watermark read before the purchase is one of them: issue 12 §1), and 6 mgrctl calls
    # (paramlist counts).
    assert sum(eco.open_enom.values()) <= 6, eco.open_enom
    assert eco.open_enom["CertGetCerts"] == 1  # the watermark, one row
    assert eco.open_enom["PurchaseServices"] == 1
    assert len(eco.open_mgrctl) <= 6, eco.open_mgrctl
    assert sum(eco.open_warm_enom.values()) <= 5, eco.open_warm_enom
    assert len(eco.open_warm_mgrctl) <= 6, eco.open_warm_mgrctl
    # sync_item on an unchanged certificate: exactly one ENOM call, no mgrctl write.
    assert eco.sync_unchanged_enom == {"CertGetCertDetail": 1}
    assert measure.Economy.writes(eco.sync_unchanged_mgrctl) == []
    assert eco.sync_pending_enom == {"CertGetCertDetail": 1}
    assert measure.Economy.writes(eco.sync_pending_mgrctl) == []
    # getbalance: one ENOM call.
    assert eco.getbalance_enom == {"GetBalance": 1}


def test_bulk_sync_lists_pages_and_details_only_changed_certificates(
    world: World,
) -> None:
    result = measure.bulk(world, QUICK_CERTIFICATES, QUICK_CHANGED)
    # Written down, not computed: the account holds the 500 seeded certificates and nothing
    # else (observed below), and the module lists 250 a page: 2 pages of CertGetCerts.
    assert len(world.sandbox.state.certs) == QUICK_CERTIFICATES == 500
    pages = 2
    assert result.enom_calls == {"CertGetCerts": pages, "CertGetCertDetail": QUICK_CHANGED}
    assert sum(result.enom_calls.values()) <= pages + QUICK_CHANGED
    # The changed certificates got sync_item's effects, and only they got writes...
    assert result.changed_ok
    assert result.mgrctl_writes and result.writes_only_changed
    # ...so a second run finds nothing to do, and sync_item agrees.
    assert result.again_enom_calls == {"CertGetCerts": pages}
    assert result.again_mgrctl_writes == []
    assert result.sync_item_after and not any(result.sync_item_after.values())
