"""`sync_item`: the upstream service's status and expiry -> the local service.

One upstream list read; BILLmanager writes only for what changed (statuses.py says what each
upstream status means):

    active, not yet announced -> service.postopen (certificates: certificate.save of the issued
                                 certificate, then certificate.open), once per upstream id
    active certificate without a local file (imported) -> certificate.save
    upstream expiry differs    -> service.setexpiredate
    stopped, local active      -> service.postsuspend, marked as stopped by upstream
    active again, so marked    -> service.postresume (only what upstream stopped)
    deleted                    -> a warning for staff, no post call

A second run with nothing new makes no write at all.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.service import Service
from pmenomssl.handlers.billreseller.statuses import (
    CERT_ENROLLED,
    DELETED,
    LOCAL_ACTIVE,
    LOCAL_STOPPED,
    rule_for,
)

if TYPE_CHECKING:
    from pmenomssl.upstream import UpstreamService

logger = logging.getLogger(__name__)


def sync_service(svc: Service) -> None:
    if not svc.upstream_id:
        # open has not ordered (or not saved the id yet); open's re-run reconciles and orders.
        logger.info("service %s has no upstream service yet: nothing to sync", svc.id)
        return
    apply_upstream(svc, svc.upstream_service())


def apply_upstream(svc: Service, service: UpstreamService) -> bool:
    """Bring the local service in line with `service`; True once it is announced as open."""
    rule = rule_for(service.status)
    opened = svc.param(P.OPENED) == service.id
    has_file = True
    if rule.opens and not opened:
        opened = _announce_open(svc, service)
    elif rule.opens and svc.itemtype == "certificate" and not _has_certificate(svc):
        # Opened without the file (an imported certificate): fetch it once it is there.
        has_file = _save_certificate(svc, service)
    if svc.itemtype == "certificate" and rule.certificate_status is not None:
        # Active upstream but no file here yet: still awaiting issue.
        issued = opened and has_file
        svc.set_status(rule.certificate_status if issued or not rule.opens else CERT_ENROLLED)
    if opened:
        # After the post call: BILLmanager may compute an expiry of its own when opening.
        if service.expiredate is not None and service.status != DELETED:
            svc.set_expiredate(service.expiredate)
        _follow_stop(svc, service, stopped=rule.stops)
    if rule.warn and opened:
        logger.warning(
            "upstream %s service %s of service %s is %s upstream: check with the upstream "
            "provider why%s",
            svc.itemtype,
            service.id,
            svc.id,
            rule.name,
            "" if rule.stops else ", and suspend or close the service here if it stays so",
        )
    elif not rule.opens:
        logger.info(
            "upstream %s service %s of service %s is %s",
            svc.itemtype,
            service.id,
            svc.id,
            rule.name,
        )
    return opened


def _follow_stop(svc: Service, service: UpstreamService, *, stopped: bool) -> None:
    """Suspend the local service while upstream keeps it stopped, and resume it when upstream
    does; the marker keeps a suspension decided here out of upstream's hands."""
    marked = svc.param(P.STOPPED_BY_UPSTREAM) == service.id
    status = svc.item.status
    if stopped and status == LOCAL_ACTIVE:
        svc.save(P.STOPPED_BY_UPSTREAM, service.id)  # first: a re-run after a crash resumes
        svc.post("suspend")
        logger.warning(
            "upstream stopped %s service %s: service %s suspended here too",
            svc.itemtype,
            service.id,
            svc.id,
        )
    elif not stopped and marked:
        if status == LOCAL_STOPPED:
            svc.post("resume")
            logger.info(
                "upstream resumed %s service %s: service %s resumed here too",
                svc.itemtype,
                service.id,
                svc.id,
            )
        svc.save(P.STOPPED_BY_UPSTREAM, "")


def _announce_open(svc: Service, service: UpstreamService) -> bool:
    """postopen (certificates: save the issued certificate, then certificate.open)."""
    if svc.itemtype == "certificate":
        if not _save_certificate(svc, service):
            return False
        svc.billing.certificate_open(svc.id)
    else:
        svc.post("open")
    svc.save(P.OPENED, service.id)
    logger.info(
        "upstream %s service %s is active: service %s opened", svc.itemtype, service.id, svc.id
    )
    return True


def _has_certificate(svc: Service) -> bool:
    row = svc.billing.certificate(svc.id)
    return row is not None and bool(row.crt.strip())


def _save_certificate(svc: Service, service: UpstreamService) -> bool:
    """certificate.save of the issued certificate; False while upstream has none yet."""
    from pmenomssl.upstream import UpstreamMissing

    try:
        files = svc.client.certificate_files(service.id)
    except UpstreamMissing:
        logger.info("certificate %s is active upstream but not issued yet: waiting", service.id)
        return False
    if not files.crt.strip():
        logger.info("certificate %s is active upstream but has no file yet: waiting", service.id)
        return False
    row = svc.billing.certificate(svc.id)
    if row is None or "".join(row.crt.split()) != "".join(files.crt.split()):
        svc.billing.certificate_save(svc.id, files.crt)
        logger.info("saved the issued certificate of upstream service %s", service.id)
    return True
