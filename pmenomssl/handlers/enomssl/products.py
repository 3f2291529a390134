"""THE product table: template name <-> ENOM product code <-> what the product allows.

BILLmanager shows the template names as "Certificate type" of a tariff (pricelist.intname) and
the module maps them back to ENOM product codes here. The table starts from ENOM's documented
codes (enom-api.md 3.1); the list ENOM actually sells (GetCerts) is cached under
`$ROOT/var/<name>.products.json` by check_connection, getbalance (when stale) and open (when
missing), and `catalogue()` merges it: codes ENOM no longer lists are dropped, codes it lists
that the table does not know are added with conservative flags (`derived_spec`).

What each product allows and the brand facts behind it: productspec.py.

Imports nothing heavy: `features` reads this module at every panel start.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

# `record`, not dataclasses, and json/datetime/decimal/tempfile only where used: `features`
# imports this module at every panel start (issue 7).
from pmenomssl.handlers import cachefile
from pmenomssl.handlers.enomssl.productspec import (
    DIGICERT,
    SECTIGO,
    SINGLE_NAME,
    UCC_NAMES,
    ProductSpec,
)
from pmenomssl.records import TYPE_CHECKING, record

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

logger = logging.getLogger(__name__)

CACHE_SUFFIX = ".products.json"
# getbalance refreshes the cache only when it is older than this (it must stay 1 ENOM call).
CACHE_MAX_AGE_SECONDS = 24 * 3600


def _spec(
    template: str,
    code: str,
    prod_type: int,
    title: str,
    brand: str,
    validation: str = "dv",
    *,
    wildcard: bool = False,
    multidomain: bool = False,
    dcv: bool = False,
) -> ProductSpec:
    return ProductSpec(
        template=template,
        code=code.lower(),
        prod_type=prod_type,
        title=title,
        brand=brand,
        validation=validation,
        wildcard=wildcard,
        www=not multidomain,
        multidomain=multidomain,
        san_limit=UCC_NAMES if multidomain else SINGLE_NAME,
        # DVAuthMethod DNS/File: documented for RapidSSL, QuickSSL, QuickSSL Premium only
        # (enom-api.md 3.7). A wildcard cannot be validated by file (CA/B Forum BR 3.2.2.4.18).
        authdnstxt=dcv,
        authfile=dcv and not wildcard,
    )


D, S = DIGICERT, SECTIGO
# enom-api.md 3.1. Symantec Encryption Everywhere (286) is left out: its code is UNCONFIRMED.
STATIC_PRODUCTS: tuple[ProductSpec, ...] = (
    _spec("rapidssl", "Certificate-RapidSSL-RapidSSL", 23, "RapidSSL", D, dcv=True),
    _spec("rapidsslwildcard", "Certificate-RapidSSL-RapidSSL-Wildcard", 285,
          "RapidSSL Wildcard", D, wildcard=True),
    _spec("quickssl", "Certificate-GeoTrust-QuickSSL", 26, "GeoTrust QuickSSL", D, dcv=True),
    _spec("quicksslpremium", "Certificate-GeoTrust-QuickSSL-Premium", 20,
          "GeoTrust QuickSSL Premium", D, dcv=True),
    _spec("truebizid", "Certificate-GeoTrust-TrueBizID", 21, "GeoTrust True BusinessID", D, "ov"),
    _spec("truebizidwildcard", "Certificate-GeoTrust-TrueBizID-Wildcard", 27,
          "GeoTrust True BusinessID Wildcard", D, "ov", wildcard=True),
    _spec("truebizidev", "Certificate-GeoTrust-TrueBizID-EV", 24,
          "GeoTrust True BusinessID with EV", D, "ev"),
    _spec("securesite", "Certificate-VeriSign-Secure-Site", 180, "Secure Site", D, "ov"),
    _spec("securesitepro", "Certificate-VeriSign-Secure-Site-Pro", 181, "Secure Site Pro", D,
          "ov"),
    _spec("securesiteev", "Certificate-VeriSign-Secure-Site-EV", 182, "Secure Site EV", D, "ev"),
    _spec("securesiteproev", "Certificate-VeriSign-Secure-Site-Pro-EV", 183,
          "Secure Site Pro EV", D, "ev"),
    _spec("sectigoessential", "Certificate-Comodo-Essential", 211, "Sectigo Essential", S),
    _spec("sectigoinstant", "Certificate-Comodo-Instant", 212, "Sectigo InstantSSL", S, "ov"),
    _spec("sectigopremiumwildcard", "Certificate-Comodo-Premium-Wildcard", 213,
          "Sectigo Premium Wildcard", S, "ov", wildcard=True),
    _spec("sectigoessentialwildcard", "Certificate-Comodo-Essential-Wildcard", 214,
          "Sectigo Essential Wildcard", S, wildcard=True),
    _spec("sectigoev", "Certificate-Comodo-EV", 221, "Sectigo EV", S, "ev"),
    _spec("sectigoevsgc", "Certificate-Comodo-EV-SGC", 222, "Sectigo EV SGC", S, "ev"),
    _spec("sectigouccdv", "Certificate-Comodo-UCC-DV", 270, "Sectigo UCC DV", S,
          multidomain=True),
    _spec("sectigouccov", "Certificate-Comodo-UCC-OV", 274, "Sectigo UCC OV", S, "ov",
          multidomain=True),
)  # fmt: skip
del D, S

_STATIC_BY_TEMPLATE = {p.template: p for p in STATIC_PRODUCTS}
_STATIC_BY_CODE = {p.code: p for p in STATIC_PRODUCTS}


# --- the GetCerts cache ------------------------------------------------------------------------


@record(frozen=True)
class OfferedProduct:
    """One product as ENOM's GetCerts listed it (the cache keeps these)."""

    code: str
    prod_type: int | None
    description: str
    years: tuple[int, ...]
    reseller_price: Decimal | None
    enabled: bool


@record(frozen=True)
class ProductCache:
    updated: datetime  # UTC
    products: tuple[OfferedProduct, ...]

    def age_seconds(self, now: datetime | None = None) -> float:
        from datetime import datetime, timezone

        current = now or datetime.now(timezone.utc)
        return (current - self.updated).total_seconds()

    def offered(self, code: str) -> OfferedProduct | None:
        wanted = code.lower()
        for product in self.products:
            if product.code == wanted:
                return product
        return None


def cache_path(root: Path, module_name: str) -> Path:
    return cachefile.cache_path(root, module_name, CACHE_SUFFIX)


def load_cache(path: Path, *, prices: bool = True) -> ProductCache | None:
    """The cached product list, or None when there is none or it is unreadable.

    `prices=False` leaves every `reseller_price` None: `features` needs no prices, and
    reading them would import `decimal` at every panel start.
    """
    import json
    from datetime import datetime, timezone

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        updated = datetime.fromisoformat(str(data["updated"]))
        if updated.tzinfo is None:
            updated = updated.replace(tzinfo=timezone.utc)
        products = tuple(_offered_from_json(p, prices) for p in data["products"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring the unreadable product cache %s: %s", path, exc)
        return None
    return ProductCache(updated=updated, products=products)


def _offered_from_json(raw: dict[str, object], prices: bool = True) -> OfferedProduct:
    price: Decimal | None = None
    if prices and raw.get("reseller_price") not in (None, ""):
        from decimal import Decimal, InvalidOperation

        try:
            price = Decimal(str(raw["reseller_price"]))
        except InvalidOperation:
            price = None
    prod_type = raw.get("prod_type")
    years = raw.get("years") or ()
    return OfferedProduct(
        code=str(raw["code"]).lower(),
        prod_type=int(str(prod_type)) if prod_type not in (None, "") else None,
        description=str(raw.get("description", "")),
        years=tuple(int(str(y)) for y in years) if isinstance(years, (list, tuple)) else (),
        reseller_price=price,
        enabled=bool(raw.get("enabled", True)),
    )


def save_cache(path: Path, products: Iterable[OfferedProduct]) -> ProductCache:
    """Write the cache atomically (a concurrent `features` never reads half a file)."""
    from datetime import datetime, timezone

    cache = ProductCache(
        updated=datetime.now(timezone.utc).replace(microsecond=0), products=tuple(products)
    )
    data = {
        "updated": cache.updated.isoformat(),
        "products": [
            {
                "code": p.code,
                "prod_type": p.prod_type,
                "description": p.description,
                "years": list(p.years),
                "reseller_price": None if p.reseller_price is None else str(p.reseller_price),
                "enabled": p.enabled,
            }
            for p in cache.products
        ],
    }
    cachefile.write_json(path, data)
    return cache


# --- merging ------------------------------------------------------------------------------


def derived_spec(offered: OfferedProduct, taken: Iterable[str] = ()) -> ProductSpec:
    """A product the table does not know, with conservative flags guessed from its code.

    Conservative: e-mail validation only, ASCII-only subject (DigiCert unless the code says
    Comodo/Sectigo/Positive), org info asked for unless the code says DV, one name unless the
    code says multi-domain, and no API reissue for Sectigo.
    """
    code = offered.code.lower()
    tokens = set(code.replace("_", "-").split("-"))
    sectigo = bool(tokens & {"comodo", "sectigo", "positivessl", "positive", "instantssl"})
    multidomain = bool(tokens & {"ucc", "san", "multi", "multidomain", "md"})
    wildcard = "wildcard" in tokens or "wc" in tokens
    if "ev" in tokens:
        validation = "ev"
    elif tokens & {"dv", "essential", "rapidssl", "quickssl", "positivessl", "positive", "domain"}:
        validation = "dv"
    else:
        validation = "ov"
    template = "".join(ch for ch in code.removeprefix("certificate-") if ch.isalnum()) or code
    if template in set(taken) or template in _STATIC_BY_TEMPLATE:
        template = code
    return ProductSpec(
        template=template,
        code=code,
        prod_type=offered.prod_type,
        title=offered.description or code,
        brand=SECTIGO if sectigo else DIGICERT,
        validation=validation,
        wildcard=wildcard,
        www=False,
        multidomain=multidomain,
        san_limit=UCC_NAMES if multidomain else SINGLE_NAME,
        derived=True,
    )


def catalogue(cache: ProductCache | None) -> list[ProductSpec]:
    """The templates `features` declares: the table, merged with what ENOM sells."""
    if cache is None:
        return list(STATIC_PRODUCTS)
    offered_codes = {p.code for p in cache.products}
    result = [p for p in STATIC_PRODUCTS if p.code in offered_codes]
    taken = {p.template for p in result}
    for offered in cache.products:
        if offered.code not in _STATIC_BY_CODE:
            spec = derived_spec(offered, taken)
            taken.add(spec.template)
            result.append(spec)
    return result


def find(name: str, cache: ProductCache | None = None) -> ProductSpec | None:
    """The product of a tariff's certificate type: a template name or an ENOM product code.

    Products ENOM stopped listing are still found (an existing service keeps working).
    """
    key = name.strip().lower()
    if not key:
        return None
    found = _STATIC_BY_TEMPLATE.get(key) or _STATIC_BY_CODE.get(key)
    if found is not None:
        return found
    if cache is not None:
        for spec in catalogue(cache):
            if spec.template == key or spec.code == key:
                return spec
    return None


def by_prod_type(prod_type: int | None, cache: ProductCache | None = None) -> ProductSpec | None:
    """The product with ENOM's numeric ProdType (CertGetCerts lists only that)."""
    if prod_type is None:
        return None
    specs: list[ProductSpec] = list(STATIC_PRODUCTS)
    if cache is not None:
        specs.extend(catalogue(cache))
    for spec in specs:
        if spec.prod_type == prod_type:
            return spec
    return None


def offered_from_enom(products: Sequence[object]) -> list[OfferedProduct]:
    """Convert the client's `Product` results (duck-typed to keep this module light)."""
    result = []
    for p in products:
        result.append(
            OfferedProduct(
                code=str(getattr(p, "code", "")).lower(),
                prod_type=getattr(p, "prod_type", None),
                description=str(getattr(p, "description", "")),
                years=tuple(getattr(p, "years", ()) or ()),
                reseller_price=getattr(p, "reseller_price", None),
                enabled=bool(getattr(p, "enabled", True)),
            )
        )
    return [p for p in result if p.code]
