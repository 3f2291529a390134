"""Which names are public DNS names a CA issues for (pmenomssl.dnsnames): each refusal reason,
names that must stay accepted, and the Public Suffix List's registrable domains.

Expected reasons are written here by hand from the rules' sources (RFC 1035/5890/5891/6761/6762/
8375, CA/B Forum BR and ballot SC12, the Public Suffix List), never computed by the code.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pmenomssl import dnsnames
from pmenomssl.handlers.enomssl import approvers

REFUSED = {
    # name: a fragment of the reason that must be given
    "1.2.3.4": "is an IP address",
    "2001:db8::1": "is an IP address",
    "10.0.0": "is an IP address",
    "under_score.example.com": "contains an underscore",
    "localhost": ".localhost is reserved for the local host",
    "server.local": ".local is reserved for multicast DNS",
    "foo.internal": ".internal is reserved for private networks",
    "router.lan": ".lan is used only inside private networks",
    "nas.home.arpa": ".home.arpa is reserved for home networks",
    "www.example": ".example is reserved for documentation",
    "shop.test": ".test is reserved for testing",
    "x.invalid": ".invalid is reserved as always invalid",
    "intranetserver": "is a single label",
    "co.uk": "is a public suffix",
    "github.io": "is a public suffix",
    "k12.ma.us": "is a public suffix",
    "*.co.uk": "would cover every domain registered under the public suffix co.uk",
    "*.github.io": "would cover every domain registered under the public suffix github.io",
    "*.com": "would cover every domain registered under the public suffix com",
    "a.*.example.com": "a wildcard is only the whole leftmost label",
    "*foo.example.com": "a wildcard is only the whole leftmost label",
    "exa mple.com": "contains ' '",
    "a..b.com": "has an empty label",
    "a" * 70 + ".com": "of 70 characters: a label has at most 63",
    ("a" * 60 + ".") * 5 + "com": "is longer than 253 characters",
    "xn--zz.com": "not a valid internationalised (IDNA 2008) label",
    "ab--cd.com": "'--' in third and fourth place is reserved",
    "-shop.example.com": "starts or ends with a hyphen",
    "shop-.example.com": "starts or ends with a hyphen",
    "example.notatld": "top-level domain .notatld, which is not on the Public Suffix List",
    "bücher.de": "write an internationalised name in its xn-- form",
    "example.com.": "ends with a dot",
    "": "is empty",
    " example.com": "has spaces around it",
}
ACCEPTED = [
    "example.com",
    "www.example.co.uk",
    "*.example.com",
    "*.shop.example.co.uk",
    "my-shop.github.io",
    "*.my-shop.github.io",
    "xn--bcher-kva.de",  # bücher.de
    "example.xn--p1ai",  # example.рф
    "a" * 63 + ".com",
    "school.k12.ma.us",
    "123.example.com",
]


@pytest.mark.parametrize("name", list(REFUSED))
def test_each_refusal_names_the_name_and_the_reason(name: str) -> None:
    problem = dnsnames.name_problem(name)
    assert problem is not None, name
    assert problem.startswith(name or "(empty)"), problem
    assert REFUSED[name] in problem, problem


@pytest.mark.parametrize("name", ACCEPTED)
def test_public_names_are_accepted(name: str) -> None:
    assert dnsnames.name_problem(name) is None


def test_typed_u_labels_become_a_labels() -> None:
    assert dnsnames.to_ascii(" Bücher.DE ") == "xn--bcher-kva.de"
    assert dnsnames.name_problem(dnsnames.to_ascii("bücher.de")) is None


@pytest.mark.parametrize(
    ("name", "registrable"),
    [
        ("www.shop.example.co.uk", "example.co.uk"),
        ("a.b.my-shop.github.io", "my-shop.github.io"),
        ("x.school.k12.ma.us", "school.k12.ma.us"),
        ("*.www.example.com", "example.com"),
        ("mail.example.kyiv.ua", "example.kyiv.ua"),
    ],
)
def test_registrable_domain_follows_the_public_suffix_list(name: str, registrable: str) -> None:
    assert dnsnames.registrable_domain(name) == registrable


@pytest.mark.parametrize(
    "domain",
    ["www.example.co.uk", "shop.github.io", "a.example.kyiv.ua", "x.school.k12.ma.us",
     "me.blogspot.com"],
)  # fmt: skip
def test_approvers_are_never_offered_at_a_public_suffix(domain: str) -> None:
    offered = approvers.approvers([domain])
    assert offered, domain
    at = {address.split("@", 1)[1] for address in offered}
    for public in ("co.uk", "github.io", "kyiv.ua", "k12.ma.us", "ma.us", "blogspot.com", "ua"):
        assert public not in at, (domain, offered)
    assert all(not dnsnames.is_public_suffix(host) for host in at)


def test_a_typed_u_label_domain_gets_xn_addresses_under_its_own_name() -> None:
    ((name, addresses),) = approvers.per_domain("Bücher.de")
    assert name == "Bücher.de"  # as BILLmanager sent it, so that it finds its answer
    assert addresses[0] == "admin@xn--bcher-kva.de" and len(addresses) == 5


def test_unknown_names_give_no_approver_addresses() -> None:
    assert approvers.approvers(["localhost", "1.2.3.4", "co.uk", "example.com."]) == []


def test_checking_a_name_does_not_load_heavy_modules() -> None:
    """`approver` checks names: the check must not pull in cryptography, lxml or httpx, and
    nothing of the Public Suffix List is loaded before a name is checked."""
    code = (
        "import sys\n"
        "import pmenomssl.handlers.enomssl.approvers as a\n"
        "assert 'publicsuffixlist' not in sys.modules\n"
        "a.per_domain('www.example.com')\n"
        "heavy = [m for m in ('cryptography', 'lxml', 'httpx', 'pymysql') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_suffix_matches_the_package_for_every_rule_of_the_list() -> None:
    """The matching is ours (no typing import at approver start-up); the package that ships
    the list is the oracle: for every rule, the suffix itself and names one and two labels
    below it."""
    from publicsuffixlist import PSLFILE, PublicSuffixList

    oracle = PublicSuffixList(accept_unknown=False)
    with open(PSLFILE, encoding="utf-8") as source:
        rules = [
            line.split(" ")[0] for line in source if line.strip() and not line.startswith("//")
        ]
    names = []
    for rule in rules:
        base = rule.strip().lstrip("!").replace("*", "wild").lower()
        ascii_base = ".".join(
            label if label.isascii() else label.encode("idna").decode() for label in base.split(".")
        )
        names += [ascii_base, "x." + ascii_base, "y.x." + ascii_base]
    assert len(names) > 20000
    mismatches = [n for n in names if dnsnames.public_suffix(n) != oracle.publicsuffix(n)]
    assert mismatches == []
