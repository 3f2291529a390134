"""The ONE table of upstream functions the client calls, and what repeating each would cost.

READ   repeating is harmless: retried on connect errors, timeouts, 5xx and truncated replies.
WRITE  changes the upstream service (delete, suspend, resume, setremoteid).
PAID   charges the upstream account (order with sok, prolong, changepricelist, edit with sok:
       raising an addon charges). Every paid call goes with `skipbasket=on`.
WRITE and PAID calls are retried only when the request certainly never left (a connect error);
after that the client raises UpstreamOutcomeUnknown and the caller reconciles (the shared rule:
`transport.calls`).

A BILLmanager form function is a READ without `sok` (it shows the form) and a WRITE or PAID with
`sok=ok` (it submits it), so the call class depends on the parameters too. Functions not in the
table count as PAID: the safe side.

Sources (settled-facts.md, "Upstream BILLmanager (reselling)"): the requirement documents,
ISPsystem's New Order API page, ispmanager's "Reselling SSL certificates", ISPsystem's WHMCS
module (460s/ispsystem_whmcs_modules billmanager_noc.php), upmind's provider,
Just-arman/cs-billmanager. What no source settles is marked UNCONFIRMED, with the safer
behaviour, and lives here only:
- the balance functions (whoami, dashboard.info);
- the catalogue function of certificates and licences (`<itemtype>.order.pricelist`);
- the period field of `v2.*` orders (`order_period`);
- the certificate download function (an unknown-function answer is an error for staff);
- which item types a client may suspend besides licences;
- the columns of the non-certificate lists (read tolerantly: `status`/`item_status`,
  `remoteid` where present; a row without a known status is pending, nothing is done on it).
"""

from __future__ import annotations

from collections.abc import Mapping

from pmenomssl.transport.calls import CallClass

ITEMTYPES = ("certificate", "soft", "vhost", "vds", "dedic")

# The item types ordered through BILLmanager 6's new order API (`v2.<itemtype>.order.param`,
# requirement documents). ISPsystem's New Order API page: "For SSL and Domain product types, use
# functions like {ITEMTYPE}.order.param"; ISPsystem's own WHMCS module (460s/
# ispsystem_whmcs_modules, billmanager_noc.php) orders licences with `soft.order.param`.
V2_ITEMTYPES = frozenset({"vhost", "vds", "dedic"})

# UNCONFIRMED: the function that reads our balance; the first element with a `balance`
# attribute (and its `currency`) is taken.
BALANCE_FUNC = "whoami"
# UNCONFIRMED: where the balance is read when BALANCE_FUNC has none (`<balance>`/`<currency>`).
BALANCE_FALLBACK_FUNC = "dashboard.info"
# UNCONFIRMED: no source documents how a client downloads an issued certificate. Upstream's
# `type="missing"` answer means "not issued yet"; `type="missing" object="func"` (no such
# function) is an error shown to staff (UpstreamUnknownFunction), never "not issued yet" forever.
CERTIFICATE_FILE_FUNC = "certificate.file"
# `elid`, `period`, `skipbasket=on`, `sok=ok` -> `/doc/doc/newexpiredate` (WHMCS module; seed
# documents show skipbasket on every paid call).
PROLONG_FUNC = "service.prolong"
# `elid`, `pricelist`, `period`, `sok=ok` (upmind's provider calls it from a client account).
CHANGE_PRICELIST_FUNC = "service.changepricelist"
SET_REMOTEID_FUNC = "item.setremoteid"
PRICELIST_EXPORT_FUNC = "pricelist.export"
# The element of a paid call's answer that holds the new service's id: `/doc/id` (WHMCS module,
# requirement documents' examples).
ORDER_ID_PATH = "id"
# The new expiry after service.prolong: a nested document (WHMCS module reads
# /doc/doc/newexpiredate). The outer `expiredate` of that form is today's date, never the expiry.
PROLONG_EXPIRY_PATH = "doc/newexpiredate"
# The button an order form is submitted with (WHMCS module: `clicked_button=finish` on
# soft.order.param; the new order API's forms end with the same button).
ORDER_CLICKED_BUTTON = "finish"
# Which item types a CLIENT may suspend/resume upstream is UNCONFIRMED beyond licences
# (`soft.suspend`/`soft.resume`, called by ISPsystem's WHMCS module); the client sends what it
# is asked to and upstream answers type="access" where it is not allowed (the handler keeps the
# table of types it tries).


def is_v2(itemtype: str) -> bool:
    return itemtype in V2_ITEMTYPES


def list_func(itemtype: str) -> str:
    """The list of our services of one type: the function is the item type itself."""
    return itemtype


def order_func(itemtype: str) -> str:
    return f"v2.{itemtype}.order.param" if is_v2(itemtype) else f"{itemtype}.order.param"


def pricelist_func(itemtype: str) -> str:
    """The catalogue of one type (`doc/list/elem` rows: id, title, prices/price). UNCONFIRMED
    for certificates and licences: `<itemtype>.order.pricelist`, following the order function's
    naming (no source names their catalogue function)."""
    return f"v2.{itemtype}.order.pricelist" if is_v2(itemtype) else f"{itemtype}.order.pricelist"


def order_period_field(itemtype: str) -> str:
    """The order form's period field (months). `period`: the certificate order (ispmanager's
    "Reselling SSL certificates") and soft.order.param (WHMCS module). UNCONFIRMED for `v2.*`:
    `order_period`, the field our earlier client used; the sandbox accepts only these names."""
    return "order_period" if is_v2(itemtype) else "period"


def autoprolong_off(itemtype: str) -> str:
    """`autoprolong` that switches upstream auto-renewal off, as each function documents it:
    `off` for `v2.*`, `null` in the older functions' examples (certificate.order.param)."""
    return "off" if is_v2(itemtype) else "null"


def requires_datacenter(itemtype: str) -> bool:
    """`datacenter` is mandatory for vhost/vds/dedic (requirement document); its value is the
    upstream's data-centre id from the order form's `slist name="datacenter"`."""
    return is_v2(itemtype)


def _table() -> dict[str, tuple[CallClass, CallClass]]:
    """function -> (call class without sok, call class with sok=ok)."""
    read, write, paid = CallClass.READ, CallClass.WRITE, CallClass.PAID
    table: dict[str, tuple[CallClass, CallClass]] = {
        BALANCE_FUNC: (read, read),
        BALANCE_FALLBACK_FUNC: (read, read),
        CERTIFICATE_FILE_FUNC: (read, read),
        PRICELIST_EXPORT_FUNC: (read, read),
        PROLONG_FUNC: (paid, paid),  # paid even if `sok` were forgotten: never retried
        CHANGE_PRICELIST_FUNC: (paid, paid),  # a dearer tariff charges the difference
        SET_REMOTEID_FUNC: (write, write),
    }
    for itemtype in ITEMTYPES:
        table[list_func(itemtype)] = (read, read)
        table[pricelist_func(itemtype)] = (read, read)
        table[order_func(itemtype)] = (read, paid)  # without sok: the form (addons, templates)
        table[f"{itemtype}.edit"] = (read, paid)  # raising an addon charges: never retried
        table[f"{itemtype}.delete"] = (write, write)
        table[f"{itemtype}.suspend"] = (write, write)
        table[f"{itemtype}.resume"] = (write, write)
    return table


FUNCTIONS: Mapping[str, tuple[CallClass, CallClass]] = _table()


def call_class(func: str, params: Mapping[str, str]) -> CallClass:
    """How a call of `func` with `params` may be retried (unknown functions: PAID)."""
    without_sok, with_sok = FUNCTIONS.get(func, (CallClass.PAID, CallClass.PAID))
    return with_sok if params.get("sok", "") else without_sok
