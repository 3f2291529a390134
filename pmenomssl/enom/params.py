"""Request parameters that need a decision: contacts (State vs Province) and UCC lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pmenomssl.enom.models import Contact, UccDomain

CONTACT_TYPES = ("Admin", "Tech", "Billing")

# Countries whose region goes in `<Type>State` with StateProvinceChoice=S; every other country
# sends `<Type>Province` with P. WHMCS does the same by US/non-US (reference 3.5, pitfall 8);
# whether ENOM or the CA cares is UNCONFIRMED, so the choice lives only here.
STATE_COUNTRIES = frozenset({"US"})


def state_province(prefix: str, contact: Contact) -> dict[str, str]:
    """`<prefix>State` or `<prefix>Province`, plus `<prefix>StateProvinceChoice` (S or P)."""
    if contact.country.strip().upper() in STATE_COUNTRIES:
        return {f"{prefix}State": contact.state, f"{prefix}StateProvinceChoice": "S"}
    return {f"{prefix}Province": contact.state, f"{prefix}StateProvinceChoice": "P"}


def contact_params(prefix: str, contact: Contact) -> dict[str, str]:
    """One contact block of CertConfigureCert (`AdminFName`, `AdminEmailAddress`, ...)."""
    params = {
        f"{prefix}FName": contact.first_name,
        f"{prefix}LName": contact.last_name,
        f"{prefix}OrgName": contact.org_name,
        f"{prefix}JobTitle": contact.job_title,
        f"{prefix}Address1": contact.address1,
        f"{prefix}Address2": contact.address2,
        f"{prefix}City": contact.city,
    }
    params.update(state_province(prefix, contact))
    params.update(
        {
            f"{prefix}PostalCode": contact.postal_code,
            f"{prefix}Country": contact.country.strip().upper(),
            f"{prefix}Phone": contact.phone,
            f"{prefix}PhoneExt": contact.phone_ext,
            f"{prefix}Fax": contact.fax,
            f"{prefix}EmailAddress": contact.email,
        }
    )
    return params


def contacts_params(contacts: Mapping[str, Contact]) -> dict[str, str]:
    """All contact blocks; keys must be among Admin, Tech, Billing."""
    unknown = sorted(set(contacts) - set(CONTACT_TYPES))
    if unknown:
        raise ValueError(f"unknown ENOM contact type(s) {unknown}; use {CONTACT_TYPES}")
    params: dict[str, str] = {}
    for prefix in CONTACT_TYPES:
        if prefix in contacts:
            params.update(contact_params(prefix, contacts[prefix]))
    return params


def ucc_params(ucc: Sequence[UccDomain]) -> dict[str, str]:
    """`DomainListNumber`, `UCCDomainList1..N`, `UCCEmailList1..N`; nothing for a single domain."""
    if not ucc:
        return {}
    params = {"DomainListNumber": str(len(ucc))}
    for number, item in enumerate(ucc, start=1):
        params[f"UCCDomainList{number}"] = item.domain
        params[f"UCCEmailList{number}"] = item.approver_email
    return params
