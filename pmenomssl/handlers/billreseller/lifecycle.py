"""`suspend`, `resume`, `close`: the upstream service follows, then the post call.

Each reads the upstream status first, so a re-run after a lost answer does not repeat what is
already done (and a service already deleted upstream counts as closed). Item types the upstream
does not let a client suspend (itemtypes.py) are suspended and resumed locally only.
"""

from __future__ import annotations

import logging

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.reconcile import find_ours
from pmenomssl.handlers.billreseller.service import Service
from pmenomssl.handlers.billreseller.statuses import ACTIVE, DELETED, STOPPED

logger = logging.getLogger(__name__)


def suspend_service(svc: Service) -> None:
    _switch(svc, "suspend", done_status=STOPPED)
    _decided_here(svc)
    svc.post("suspend")


def resume_service(svc: Service) -> None:
    _switch(svc, "resume", done_status=ACTIVE)
    _decided_here(svc)
    svc.post("resume")


def _decided_here(svc: Service) -> None:
    """A suspend or resume decided here owns the state: upstream's resume must not undo it."""
    if svc.param(P.STOPPED_BY_UPSTREAM):
        svc.save(P.STOPPED_BY_UPSTREAM, "")


def _switch(svc: Service, action: str, *, done_status: int) -> None:
    from pmenomssl.upstream import UpstreamAccessDenied

    if not svc.spec.client_can_suspend:
        logger.info("%s of a %s: recorded locally only", action, svc.itemtype)
        return
    if not svc.upstream_id:
        logger.warning(
            "service %s has no upstream service: %s recorded locally only", svc.id, action
        )
        return
    service = svc.upstream_service()
    if service.status == done_status:
        logger.info("upstream service %s is already %s", service.id, action)
        return
    try:
        if action == "suspend":
            svc.client.suspend(svc.itemtype, service.id)
        else:
            svc.client.resume(svc.itemtype, service.id)
    except UpstreamAccessDenied as exc:
        raise UpstreamAccessDenied(
            f"the upstream does not let this account {action} {svc.itemtype} service "
            f"{service.id} (service {svc.id}); ask the upstream provider to allow it, or do it "
            "there by hand and then retry",
            func=exc.func,
            upstream_type=exc.upstream_type,
            upstream_object=exc.upstream_object,
            upstream_msg=exc.upstream_msg,
        ) from None
    logger.info("upstream service %s: %s done", service.id, action)


def close_service(svc: Service) -> None:
    from pmenomssl.upstream import UpstreamMissing

    if not svc.upstream_id and svc.param(P.ORDER_INTENT):
        # An order may have happened without its id being saved: find it so it is deleted too.
        from pmenomssl.protocol.limits import purchase_lock

        with purchase_lock(svc.ctx.module_name, svc.module_id, svc.ctx.deadline):
            found = find_ours(svc, svc.client.services(svc.itemtype))
            if found is not None:
                svc.save(P.UPSTREAM_ID, found.id)
    if svc.upstream_id:
        found_service = svc.client.find_service(svc.itemtype, svc.upstream_id)
        if found_service is None or found_service.status == DELETED:
            logger.info("upstream service %s is already gone", svc.upstream_id)
        else:
            try:
                svc.client.delete(svc.itemtype, found_service.id)
                logger.info("deleted upstream service %s", found_service.id)
            except UpstreamMissing:
                logger.info("upstream service %s was already deleted", found_service.id)
    else:
        logger.info("service %s was never ordered upstream: closing locally", svc.id)
    svc.post("close")
