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


# fmt: off
# ProdType, code (lower case, as GetCerts returns it), description, brand, validation,
# wildcard, UCC, DNS/File validation allowed, reseller price, retail price.
_CATALOGUE: tuple[tuple[int, str, str, str, str, bool, bool, bool, str, str], ...] = (
    (23, "certificate-rapidssl-rapidssl", "SSL Certificate - RapidSSL",
     "rapidssl", "DV", False, False, True, "9.95", "19.95"),
    (285, "certificate-rapidssl-rapidssl-wildcard", "SSL Certificate - RapidSSL Wildcard",
     "rapidssl", "DV", True, False, False, "99.00", "149.00"),
    (26, "certificate-geotrust-quickssl", "SSL Certificate - GeoTrust QuickSSL",
     "geotrust", "DV", False, False, True, "69.00", "125.00"),
    (20, "certificate-geotrust-quickssl-premium", "SSL Certificate - GeoTrust QuickSSL Premium",
     "geotrust", "DV", False, False, True, "89.00", "149.00"),
    (21, "certificate-geotrust-truebizid", "SSL Certificate - GeoTrust True BusinessID",
     "geotrust", "OV", False, False, False, "129.00", "199.00"),
    (27, "certificate-geotrust-truebizid-wildcard",
     "SSL Certificate - GeoTrust True BusinessID Wildcard",
     "geotrust", "OV", True, False, False, "399.00", "599.00"),
    (24, "certificate-geotrust-truebizid-ev", "SSL Certificate - GeoTrust True BusinessID with EV",
     "geotrust", "EV", False, False, False, "199.00", "299.00"),
    (180, "certificate-verisign-secure-site", "SSL Certificate - Symantec Secure Site",
     "symantec", "OV", False, False, False, "299.00", "399.00"),
    (211, "certificate-comodo-essential", "SSL Certificate - Comodo Essential",
     "comodo", "DV", False, False, False, "19.95", "39.95"),
    (214, "certificate-comodo-essential-wildcard", "SSL Certificate - Comodo Essential Wildcard",
     "comodo", "DV", True, False, False, "149.00", "199.00"),
    (213, "certificate-comodo-premium-wildcard", "SSL Certificate - Comodo Premium Wildcard",
     "comodo", "OV", True, False, False, "249.00", "349.00"),
    (221, "certificate-comodo-ev", "SSL Certificate - Comodo EV",
     "comodo", "EV", False, False, False, "149.00", "249.00"),
    (270, "certificate-comodo-ucc-dv", "SSL Certificate - Comodo UCC DV",
     "comodo", "DV", False, True, False, "59.00", "99.00"),
    (274, "certificate-comodo-ucc-ov", "SSL Certificate - Comodo UCC OV",
     "comodo", "OV", False, True, False, "99.00", "149.00"),
)
# fmt: on


def default_catalogue() -> list[Product]:
    """The reference §3.1 products with sandbox prices."""
    return [
        Product(
            prod_type=prod_type,
            code=code,
            desc=desc,
            brand=brand,
            validation=validation,
            wildcard=wildcard,
            ucc=ucc,
            dv_methods=_DNS_FILE if dns_file else frozenset(),
            reseller_price=Decimal(reseller),
            retail_price=Decimal(retail),
        )
        for (
            prod_type,
            code,
            desc,
            brand,
            validation,
            wildcard,
            ucc,
            dns_file,
            reseller,
            retail,
        ) in _CATALOGUE
    ]


# Names a UCC certificate covers, the CSR's domain included: "SAN certificates cover three
# domains (subdomains) with the option to add more for an added fee" (support article
# 201000065341). The list must name the CSR's domain too (WHMCS's eNom module: "Include the CSR
# Domain"); that ENOM refuses a list without it is modelled, UNCONFIRMED.
UCC_DOMAINS_ALLOWED = 3
