"""Upstream stops a service (abuse, its own billing): sync_item suspends the local service too,
and resumes it when upstream resumes it, but never resumes a service suspended here."""

from __future__ import annotations

from tests.billreseller.conftest import Reseller

STOPPED, ACTIVE = 3, 2


def opened_vds(reseller: Reseller) -> tuple[int, str]:
    item = reseller.item("vds", domain="stop.example.com")
    reseller.ok("open", item)
    assert reseller.item_row(item)["status"] == ACTIVE
    return item, reseller.upstream_id(item)


def test_upstream_stop_suspends_here_and_upstream_resume_resumes(reseller: Reseller) -> None:
    item, upstream_id = opened_vds(reseller)
    reseller.upstream.set_status(upstream_id, STOPPED)
    reseller.ok("sync_item", item)
    assert reseller.item_row(item)["status"] == STOPPED
    assert len(reseller.mgrctl_calls("service.postsuspend")) == 1
    assert reseller.params(item)["upstream_stopped"] == upstream_id

    reseller.ok("sync_item", item)  # still stopped upstream: nothing more to do
    assert len(reseller.mgrctl_calls("service.postsuspend")) == 1

    reseller.upstream.set_status(upstream_id, ACTIVE)
    reseller.ok("sync_item", item)
    assert reseller.item_row(item)["status"] == ACTIVE
    assert len(reseller.mgrctl_calls("service.postresume")) == 1
    assert reseller.params(item)["upstream_stopped"] == ""
    assert "suspended here too" in reseller.log_text()


def test_a_suspension_decided_here_is_never_undone_by_upstream(reseller: Reseller) -> None:
    item, upstream_id = opened_vds(reseller)
    reseller.upstream.set_status(upstream_id, STOPPED)
    reseller.ok("sync_item", item)
    # BILLmanager suspends it too (the client did not pay): the state is now decided here
    reseller.ok("suspend", item)
    assert reseller.params(item)["upstream_stopped"] == ""
    reseller.upstream.set_status(upstream_id, ACTIVE)
    reseller.ok("sync_item", item)
    assert reseller.item_row(item)["status"] == STOPPED
    assert reseller.mgrctl_calls("service.postresume") == []


def test_a_service_suspended_here_is_not_resumed_when_upstream_is_active(
    reseller: Reseller,
) -> None:
    item, _ = opened_vds(reseller)
    reseller.ok("suspend", item)
    assert reseller.item_row(item)["status"] == STOPPED
    reseller.ok("sync_item", item)
    reseller.ok("resume", item)
    assert reseller.item_row(item)["status"] == ACTIVE
    reseller.ok("sync_item", item)
    assert reseller.item_row(item)["status"] == ACTIVE
    assert len(reseller.mgrctl_calls("service.postsuspend")) == 1
    assert len(reseller.mgrctl_calls("service.postresume")) == 1
