"""What an upstream order sends and costs, checked before any money is spent (step 4 of `open`).

`plan` finds the upstream tariff (the local tariff's internal name) and its price for the
service's period, the addons, the data centre, and for certificates the CSR's fields, country
and approver. Every refusal here costs nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import (
    OrderDataError,
    PeriodNotAvailableError,
    UnknownTariffError,
)
from pmenomssl.upstream import functions

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from pmenomssl.handlers.billreseller.service import Service
    from pmenomssl.upstream import OrderForm, Tariff

logger = logging.getLogger(__name__)

# The certificate order's fields (ispmanager's "Reselling SSL certificates", settled-facts.md):
# `crt_type=generate` with the CSR; the CSR's subject attributes go into the fields of the same
# name. The private key is never sent: it stays with the client (a secret is never passed on).
CERTIFICATE_CRT_TYPE = "generate"
CERTIFICATE_SUBJECT_FIELDS = ("O", "OU", "L", "ST", "emailAddress")
# `field_country` is a BILLmanager country id, chosen from the order form's
# `slist name="field_country"`. UNCONFIRMED how the form words a country: a choice matches the
# CSR's ISO code when its key or text is the code or its text ends in "(XX)"; with no match the
# order is refused before paying, and staff set the item param `field_country` to the id.
COUNTRY_SLIST = "field_country"
# UNCONFIRMED: the approver field's name (`approver_email…` in the sources; the first approver).
APPROVER_FIELD = "approver_email_1"
DATACENTER_SLIST = "datacenter"


@dataclass(frozen=True)
class OrderPlan:
    """Everything the paid call needs, checked before any money is spent."""

    tariff: Tariff
    period: int
    cost: Decimal
    fields: dict[str, str]


def upstream_tariff(
    svc: Service,
    *,
    unknown: Callable[[str, Mapping[str, Tariff]], str],
    unsold: Callable[[Tariff, int], str],
) -> tuple[Tariff, int]:
    """The upstream tariff the service's local tariff names (its internal name) and the period
    it is sold for, for an order and for a tariff change alike. Refused, with the caller's
    words: a name no upstream tariff has (`unknown(name, offered tariffs by id)`), a period
    the tariff is not sold for (`unsold(tariff, period)`)."""
    wanted = svc.item.pricelist_intname.strip()
    tariffs = {t.id: t for t in svc.client.tariffs(svc.itemtype)}
    tariff = tariffs.get(wanted)
    if tariff is None:
        raise UnknownTariffError(unknown(wanted, tariffs), obj="pricelist", value=wanted)
    period = svc.item.period or 0
    if period not in tariff.periods:
        raise PeriodNotAvailableError(unsold(tariff, period), obj="period", value=str(period))
    return tariff, period


def plan(svc: Service) -> OrderPlan:
    """Tariff, period, addons, fields and cost; every refusal here costs nothing."""
    itemtype = svc.itemtype

    def unknown(tariff_id: str, tariffs: Mapping[str, Tariff]) -> str:
        offered = ", ".join(f"{t.id} ({t.title})" for t in tariffs.values()) or "none"
        return (
            f"The tariff of service {svc.id} has the internal name {tariff_id!r}, which is not "
            f"an upstream {itemtype} tariff id. Set the local tariff's internal name to one of: "
            f"{offered} (`pmbillreseller tariffs --itemtype {itemtype}` lists them). Nothing "
            "was ordered."
        )

    def unsold(tariff: Tariff, period: int) -> str:
        offered_periods = ", ".join(str(p) for p in sorted(tariff.periods)) or "none"
        return (
            f"Service {svc.id} is ordered for {period} month(s), but upstream tariff {tariff.id} "
            f"({tariff.title}) is sold for {offered_periods} month(s) only. Offer only those "
            "periods in the local tariff; nothing was ordered."
        )

    tariff, period = upstream_tariff(svc, unknown=unknown, unsold=unsold)
    cost = tariff.periods[period]
    form = svc.client.order_form(itemtype, tariff.id)
    fields: dict[str, str] = {
        "pricelist": tariff.id,
        functions.order_period_field(itemtype): str(period),
        "remoteid": str(svc.id),
    }
    offered_addons = {a.id: a for a in form.addons}
    for addon in svc.addons():
        upstream_addon = offered_addons.get(addon.intname.strip())
        if upstream_addon is None:
            raise UnknownTariffError(
                f"Service {svc.id} has an addon whose internal name {addon.intname!r} is not an "
                f"addon of upstream tariff {tariff.id} (its order form's addon_<id> fields: "
                f"{', '.join(offered_addons) or 'none'}). Set the local addon's internal name to "
                "the upstream addon id; nothing was ordered.",
                obj="addon",
                value=addon.intname,
            )
        if addon.value is None:
            continue
        fields[f"addon_{upstream_addon.id}"] = str(addon.value)
        if upstream_addon.cost is not None:
            # The order form shows no addon prices (no source does): where it does not, the
            # pre-check counts the tariff's price only and upstream's own refusal
            # (notenoughmoney) guards the rest; nothing is charged on a refusal.
            cost += upstream_addon.cost * addon.value * period
    if functions.requires_datacenter(itemtype):
        fields["datacenter"] = _datacenter(svc, form)
    if itemtype == "certificate":
        fields.update(certificate_fields(svc, form))
    else:
        for name in svc.spec.order_params:
            if svc.param(name):
                fields[name] = svc.param(name)
    return OrderPlan(tariff=tariff, period=period, cost=cost, fields=fields)


def _datacenter(svc: Service, form: OrderForm) -> str:
    """The upstream's data-centre id (mandatory for vhost/vds/dedic) from the order form's
    `slist name="datacenter"`: the one the service's `datacenter` param names (by id or name),
    else the form's preset, else the only one offered. Anything else is refused before paying."""
    choices = form.choices.get(DATACENTER_SLIST, [])
    offered = ", ".join(f"{c.key} ({c.text})" for c in choices) or "none"
    wanted = svc.param(P.DATACENTER)
    if wanted:
        for choice in choices:
            if wanted in (choice.key, choice.text) or wanted.lower() == choice.text.lower():
                return choice.key
        raise OrderDataError(
            f"Service {svc.id} asks for the data centre {wanted!r}, which upstream tariff "
            f"{form.pricelist} does not offer (it offers: {offered}). Set the service's "
            f"{P.DATACENTER} param to one of those ids; nothing was ordered.",
            obj=P.DATACENTER,
            value=wanted,
        )
    preset = form.fields.get(DATACENTER_SLIST, "")
    if preset and any(c.key == preset for c in choices):
        return preset
    if len(choices) == 1:
        return choices[0].key
    raise OrderDataError(
        f"Upstream tariff {form.pricelist} needs a data centre, and its order form "
        f"{'offers several without a preset' if choices else 'offers none'} ({offered}). Set "
        f"the service's {P.DATACENTER} param to the upstream data-centre id; nothing was ordered.",
        obj=P.DATACENTER,
    )


def certificate_fields(svc: Service, form: OrderForm) -> dict[str, str]:
    """certificate.order.param's fields: `crt_type=generate` with the CSR, its subject as `CN`,
    `O`, `OU`, `L`, `ST`, `emailAddress` and `field_country` (a country id), contacts, the
    approver, and additional domains in both `altname` and `altname_input`."""
    from pmenomssl.ssl import CsrError, name_refusals, parse_csr

    row = svc.billing.certificate(svc.id)
    csr = row.csr if row is not None else ""
    if not csr.strip():
        raise OrderDataError(
            f"Service {svc.id} has no certificate signing request (CSR): the client must "
            "generate or paste one in the order, then the order is retried. Nothing was ordered.",
            obj="csr",
        )
    info = parse_csr(csr)
    if not info.common_name:
        raise OrderDataError(
            f"The CSR of service {svc.id} has no common name (CN): the certificate's domain. "
            "The client must generate a CSR for the domain; nothing was ordered.",
            obj="csr",
        )
    altnames = svc.param(P.ALTNAME).replace(",", " ").split()
    # The upstream charges before its CA refuses an IP address, localhost or *.co.uk: refused
    # here with the same rules as the ENOM handler (pmenomssl.dnsnames), nothing ordered.
    refused = name_refusals(info.names, [a.lower() for a in altnames])
    if refused:
        raise CsrError(refused)
    fields = {"crt_type": CERTIFICATE_CRT_TYPE, "csr": info.pem, "CN": info.common_name}
    for attribute in CERTIFICATE_SUBJECT_FIELDS:
        if info.subject.get(attribute):
            fields[attribute] = info.subject[attribute]
    country = _country_id(svc, form, info.subject.get("C", ""))
    if country:
        fields[COUNTRY_SLIST] = country
    for name, value in svc.params.items():
        if name.startswith((P.ADMIN_PREFIX, P.TECH_PREFIX)) and value.strip():
            fields[name] = value.strip()
    approvers = [a for a in svc.param(P.APPROVER_EMAIL).replace(",", " ").split() if a]
    if approvers:
        fields[APPROVER_FIELD] = approvers[0]
    if altnames:
        # Both fields, space-separated (settled-facts.md: the form reads either).
        fields["altname"] = fields["altname_input"] = " ".join(altnames)
    return fields


def _country_id(svc: Service, form: OrderForm, iso_code: str) -> str:
    """The upstream's country id for the CSR's country (see COUNTRY_SLIST); "" when none."""
    override = svc.param(P.FIELD_COUNTRY)
    if override:
        return override
    code = iso_code.strip().upper()
    if not code:
        return ""
    choices = form.choices.get(COUNTRY_SLIST, [])
    for choice in choices:
        text = choice.text.strip().upper()
        if code in (choice.key.upper(), text) or text.endswith(f"({code})"):
            return choice.key
    raise OrderDataError(
        f"The CSR of service {svc.id} names the country {code}, and the upstream's certificate "
        f"order form lists no country that matches it ({len(choices)} countries offered). Set "
        f"the service's {P.FIELD_COUNTRY} param to the upstream's country id; nothing was "
        "ordered.",
        obj=P.FIELD_COUNTRY,
        value=code,
    )
