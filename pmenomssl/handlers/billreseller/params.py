"""Every item param the reseller handler reads or writes, in one place.

The params the module writes start with `upstream_` so staff can tell them apart.
"""

from __future__ import annotations

# --- the module's own params (written with service.saveparam) -------------------------------

# The upstream service id; saved right after the order answers (or when a service is adopted).
UPSTREAM_ID = "upstream_id"
# JSON {"time": UTC ISO, "highest_id": the highest upstream service id seen}, saved BEFORE the
# paid order call. With no UPSTREAM_ID next to it, a re-run reconciles instead of ordering.
ORDER_INTENT = "upstream_order_intent"
# JSON {"expiry_before": YYYY-MM-DD or "", "period": months}, saved BEFORE the paid prolong
# call and cleared after it; a re-run compares the upstream expiry with expiry_before.
PROLONG_INTENT = "upstream_prolong_intent"
# The upstream tariff id a `service.changepricelist` was sent for, saved BEFORE the paid call
# and cleared once upstream shows the tariff; a re-run that finds it does not pay again.
TARIFF_INTENT = "upstream_tariff_intent"
# The upstream id whose opening was announced (service.postopen / certificate.open): once only.
OPENED = "upstream_opened"
# The upstream id whose upstream stop suspended the local service (sync_item); cleared when
# upstream resumes it, or when the service is suspended or resumed here.
STOPPED_BY_UPSTREAM = "upstream_stopped"

# --- BILLmanager's params (read; copied into the order per itemtypes.py) -----------------------

# Certificates: BILLmanager's certificate state (billmanager-protocol.md 2.4), set with
# service.setstatus; what each upstream status means is in statuses.py.
SERVICE_STATUS = "service_status"
DOMAIN = "domain"
OSTEMPL = "ostempl"
RECIPE = "recipe"
DATACENTER = "datacenter"
# Certificates (billmanager-protocol.md 2.4); the CSR is in the `certificate` table.
APPROVER_EMAIL = "approver_email"
ALTNAME = "altname"
# An upstream country id for the certificate order's `field_country`, set by staff when the
# order form's countries do not match the CSR's ISO code (order.py, COUNTRY_SLIST).
FIELD_COUNTRY = "field_country"
ADMIN_PREFIX = "adm_"
TECH_PREFIX = "tech_"
