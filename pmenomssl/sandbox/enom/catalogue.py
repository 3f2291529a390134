"""The sandbox's ENOM catalogue: the certificate products, their brands and what each accepts.

UNCONFIRMED ENOM behaviour (DNS/File validation per product) is isolated here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# [DOC:cert-configure-cert.md]: 5, 6, 15, 16 and 19 are not in the GeoTrust/RapidSSL table.
GEOTRUST_WEB_SERVER_TYPES = frozenset(range(1, 34)) - {5, 6, 15, 16, 19}
COMODO_WEB_SERVER_TYPES = frozenset(range(1000, 1033))
WEB_SERVER_TYPE_NAMES = {
    1: "Apache + MOD SSL",
    18: "Other",
    20: "Apache + OpenSSL",
    21: "Apache 2",
    22: "Apache + ApacheSSL",
    1000: "Other(old)",
    1002: "Apache/ModSSL",
    1014: "Microsoft IIS 5.x and later",
    1031: "WHM/cPanel",
}
# Brands whose CA refuses non-ASCII contact data [WHMCS-DOC], and the only ones that reissue
# through the API [DOC:certreissuecert.md], [SUP-REISSUE].
GEOTRUST_FAMILY = frozenset({"geotrust", "rapidssl", "symantec"})


@dataclass(frozen=True)
class Product:
    prod_type: int
    code: str  # lower case, as GetCerts returns it
    desc: str
    brand: str  # rapidssl | geotrust | symantec | comodo
    validation: str = "DV"  # DV | OV | EV
    wildcard: bool = False
    ucc: bool = False
    dv_methods: frozenset[str] = frozenset()  # besides e-mail: "dns", "file"
    years: tuple[int, ...] = (1, 2)
    reseller_price: Decimal = Decimal("10.00")
    retail_price: Decimal = Decimal("20.00")
    enabled: bool = True

    @property
    def web_server_types(self) -> frozenset[int]:
        return COMODO_WEB_SERVER_TYPES if self.brand == "comodo" else GEOTRUST_WEB_SERVER_TYPES


_DNS_FILE = frozenset({"dns", "file"})  # [DOC:cert-purchase-cert.md]: RapidSSL, QuickSSL (Premium)

# Every product code is "certificate-<name>" (lower case, as GetCerts returns it) and every
# description "SSL Certificate - <title>"; the table gives <name> and <title>.
CODE_PREFIX = "certificate-"
DESC_PREFIX = "SSL Certificate - "
# One product a line: ProdType, <name>, brand, validation, flags (W wildcard, U UCC, D DNS/File
# validation allowed; - none), reseller price, retail price, <title>.
_CATALOGUE = """
 23 rapidssl-rapidssl            rapidssl DV D    9.95  19.95 RapidSSL
285 rapidssl-rapidssl-wildcard   rapidssl DV W   99.00 149.00 RapidSSL Wildcard
 26 geotrust-quickssl            geotrust DV D   69.00 125.00 GeoTrust QuickSSL
 20 geotrust-quickssl-premium    geotrust DV D   89.00 149.00 GeoTrust QuickSSL Premium
 21 geotrust-truebizid           geotrust OV -  129.00 199.00 GeoTrust True BusinessID
 27 geotrust-truebizid-wildcard  geotrust OV W  399.00 599.00 GeoTrust True BusinessID Wildcard
 24 geotrust-truebizid-ev        geotrust EV -  199.00 299.00 GeoTrust True BusinessID with EV
180 verisign-secure-site         symantec OV -  299.00 399.00 Symantec Secure Site
211 comodo-essential             comodo   DV -   19.95  39.95 Comodo Essential
214 comodo-essential-wildcard    comodo   DV W  149.00 199.00 Comodo Essential Wildcard
213 comodo-premium-wildcard      comodo   OV W  249.00 349.00 Comodo Premium Wildcard
221 comodo-ev                    comodo   EV -  149.00 249.00 Comodo EV
270 comodo-ucc-dv                comodo   DV U   59.00  99.00 Comodo UCC DV
274 comodo-ucc-ov                comodo   OV U   99.00 149.00 Comodo UCC OV
"""


def default_catalogue() -> list[Product]:
    """The reference §3.1 products with sandbox prices."""
    products: list[Product] = []
    for line in _CATALOGUE.strip().splitlines():
        prod_type, name, brand, validation, flags, reseller, retail, title = line.split(None, 7)
        products.append(
            Product(
                prod_type=int(prod_type),
                code=CODE_PREFIX + name,
                desc=DESC_PREFIX + title,
                brand=brand,
                validation=validation,
                wildcard="W" in flags,
                ucc="U" in flags,
                dv_methods=_DNS_FILE if "D" in flags else frozenset(),
                reseller_price=Decimal(reseller),
                retail_price=Decimal(retail),
            )
        )
    return products


# Names a UCC certificate covers, the CSR's domain included: "SAN certificates cover three
# domains (subdomains) with the option to add more for an added fee" (support article
# 201000065341). The list must name the CSR's domain too (WHMCS's eNom module: "Include the CSR
# Domain"); that ENOM refuses a list without it is modelled, UNCONFIRMED.
UCC_DOMAINS_ALLOWED = 3
