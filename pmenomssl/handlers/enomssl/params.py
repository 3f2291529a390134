"""Every item param the handler reads or writes, in one place.

BILLmanager's own certificate params (billmanager-protocol.md 2.4) are read only; the params the
module writes all start with `enom_` so staff can tell them apart in the service's param list.
"""

from __future__ import annotations

# --- BILLmanager's params (read) -------------------------------------------------------------

SERVICE_STATUS = "service_status"  # written through service.setstatus, read back for idempotence
APPROVER_EMAIL = "approver_email"  # comma list: main domain first, then each altname
APPROVER_METHOD = "approver_method"  # auth_email | auth_dnstxt | auth_file (UNCONFIRMED names)
DOMAIN = "domain"  # the ordered domain, when the order form keeps one (else the CSR's CN)
ALTNAME = "altname"  # space (or comma) separated SANs ordered besides the CSR's common name
ORG_PREFIX = "org_"
ADMIN_PREFIX = "adm_"
TECH_PREFIX = "tech_"

# --- the module's own params (written with service.saveparam) -------------------------------

# Purchase of the item's certificate (open): "<UTC ISO time> <product code>", saved BEFORE
# PurchaseServices; with no ENOM_CERT_ID next to it, a re-run reconciles instead of buying.
PURCHASE_INTENT = "enom_purchase_intent"
CERT_ID = "enom_cert_id"  # the ENOM CertID of the item's current certificate
ORDER_ID = "enom_order_id"  # the ENOM OrderID that paid for it (support needs it for refunds)

# The CertID whose issue was announced with certificate.open (set by the first issue).
OPENED = "enom_opened"
# The serial (hex) of the last certificate announced with certificate.open: a renewed or
# reissued certificate (another serial) is announced again (sync._announce).
OPENED_SERIAL = "enom_opened_serial"

# DNS / file domain-control validation data for the client (empty for e-mail validation).
# ENOM's DNSAuthEntry / DNSAuthType / DNSAuthAddress verbatim: their meaning (TXT at the apex
# vs a CNAME-like pair) differs between ENOM's examples (enom-api.md 3.7, UNCONFIRMED).
DCV_DNS_ENTRY = "enom_dcv_dns_entry"
DCV_DNS_TYPE = "enom_dcv_dns_type"
DCV_DNS_ADDRESS = "enom_dcv_dns_address"
DCV_FILE_URL = "enom_dcv_file_url"  # where the file must be served
DCV_FILE_CONTENTS = "enom_dcv_file_contents"  # what the file must contain

# Renewal (prolong): a new purchase of the same product inside the brand's renewal window.
RENEWAL_DUE = "enom_renewal_due"  # YYYY-MM-DD: scheduled; sync_item buys from that day on
RENEWAL_INTENT = "enom_renewal_intent"  # like PURCHASE_INTENT, for the renewal purchase
RENEWAL_CERT_ID = "enom_renewal_cert_id"  # the renewal's CertID until it is issued
RENEWAL_ORDER_ID = "enom_renewal_order_id"
PREVIOUS_CERT_IDS = "enom_previous_cert_ids"  # comma list of replaced CertIDs, oldest first

# close: what staff must still do at ENOM (refunds go through ENOM support).
REFUND_NOTE = "enom_refund_note"

# Params whose value is a CertID that belongs to the item: reconciliation never adopts a
# certificate named by one of these on any item.
CLAIMING_PARAMS = (CERT_ID, RENEWAL_CERT_ID)
