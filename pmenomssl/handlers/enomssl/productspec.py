"""What a certificate product is: `ProductSpec`, one row of the product table (products.py),
and the brand facts its rules follow.

Brand facts (enom-api.md 3.5, 3.13, 3.14, pitfalls 7 and 13):

- DigiCert family (RapidSSL, GeoTrust, Symantec/VeriSign): renewal at most 30 days before
  expiry, reissue through CertReissueCert, ASCII-only contacts and subject, WebServerType 18.
- Sectigo (Comodo): renewal at most 60 days before expiry, reissue only through ENOM support,
  WebServerType 1002 (Apache/ModSSL).

Imports nothing heavy: `features` reads this module at every panel start.
"""

from __future__ import annotations

# `record`, not dataclasses: `features` imports this module at every panel start (issue 7).
from pmenomssl.records import record

DIGICERT = "digicert"
SECTIGO = "sectigo"


@record(frozen=True)
class BrandRules:
    """The brand facts above, as the rules of a brand's products follow them."""

    renewal_window_days: int  # renewal opens at most this many days before expiry
    web_server_type: int  # CertConfigureCert's WebServerType
    reissue_via_api: bool  # CertReissueCert; otherwise only through ENOM support
    ascii_only: bool  # ASCII-only contacts and CSR subject


# In BrandRules' order: renewal window, WebServerType ("Other" / "Apache/ModSSL"), reissue
# through the API, ASCII only.
BRAND_RULES = {
    DIGICERT: BrandRules(30, 18, True, True),
    SECTIGO: BrandRules(60, 1002, False, False),
}

# Names each product covers, the common name included (ProductSpec.san_limit). ENOM's support:
# "SAN certificates cover three domains (subdomains) with the option to add more for an added
# fee" (article 201000065341, settled-facts.md); the extra names are separate "additional
# domain" products, which this module does not buy, so more than three names are refused before
# anything is bought. The common name is one of the three: WHMCS's eNom module sends the UCC
# domain list "Include the CSR Domain". Single-name products cover one name, plus the www./apex
# partner for free where ENOM says so ("a GeoTrust, RapidSSL, or Sectigo certificate for
# www.example.com secures the root domain", same article): `www` below.
SINGLE_NAME = 1
UCC_NAMES = 3


@record(frozen=True)
class ProductSpec:
    """One certificate type: its template, its ENOM product, and what it allows."""

    template: str  # BILLmanager template name (tariff "Certificate type", pricelist.intname)
    code: str  # ENOM product code, lower case as GetCerts returns it
    prod_type: int | None  # ENOM's numeric ProdType (CertGetCerts filter, import mapping)
    title: str
    brand: str  # DIGICERT | SECTIGO
    validation: str = "dv"  # dv | ov | ev
    wildcard: bool = False
    www: bool = False  # covers the www./apex partner of the domain for free
    multidomain: bool = False
    san_limit: int = 1  # names in the CSR, the common name included (www partner not counted)
    authdnstxt: bool = False  # DNS validation through the API
    authfile: bool = False  # file (HTTP) validation through the API
    derived: bool = False  # not in the table: flags guessed from the code (conservative)

    @property
    def orginfo(self) -> bool:
        return self.validation != "dv"

    @property
    def authemail(self) -> bool:
        return True

    @property
    def rules(self) -> BrandRules:
        return BRAND_RULES[self.brand]

    def template_attributes(self) -> dict[str, str]:
        """The `features` template flags BILLmanager reads (billmanager-protocol.md 2.1).

        As ISPsystem's own modules declare them (GlobalSign, TheSSLStore; settled-facts.md):
        `www` never on a wildcard or EV template (the panel would offer a www name the order
        does not take), and no `authfile`: the panel knows `authemail` and `authdnstxt` only.
        `www` and `authfile` still drive the CSR checks and DCV methods (self.www,
        dcv_methods())."""
        flags = {
            "wildcard": self.wildcard,
            "www": self.www and not self.wildcard and self.validation != "ev",
            "multidomain": self.multidomain,
            "orginfo": self.orginfo,
            "authemail": self.authemail,
            "authdnstxt": self.authdnstxt,
        }
        return {name: "yes" for name, on in flags.items() if on}

    def dcv_methods(self) -> tuple[str, ...]:
        """ENOM DVAuthMethod values this product accepts besides e-mail."""
        return (("DNS",) if self.authdnstxt else ()) + (("File",) if self.authfile else ())
