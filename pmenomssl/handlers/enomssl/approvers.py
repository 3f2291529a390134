"""Approver e-mail addresses, constructed locally: no database, no ENOM call.

The `approver` command answers while the client fills in the order form, so it must be fast and
must not depend on anything that can be down. The CA/Browser Forum Baseline Requirements
(3.2.2.4.4, "Constructed Email to Domain Contact") allow admin@, administrator@, hostmaster@,
postmaster@ and webmaster@ the domain or any parent domain up to the registrable one (never a
public suffix: the registrable domain comes from the Public Suffix List, `pmenomssl.dnsnames`);
every brand ENOM sells accepts them. WHOIS-based addresses ("Domain" approvers) need ENOM and
are checked against ENOM's own list by `open`.
"""

from __future__ import annotations

from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:  # collections.abc costs start-up time (issue 16): annotations only
    from collections.abc import Iterable

from pmenomssl import dnsnames
from pmenomssl.handlers.enomssl.errors import DomainError
from pmenomssl.protocol.xmlwriter import Element

LOCAL_PARTS = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")


def normalise(domain: str) -> str | None:
    """Lower-case, without a wildcard label, IDN labels as xn--; None if not a public name."""
    name = dnsnames.to_ascii(domain)
    if dnsnames.name_problem(name) is not None:
        return None
    return name[2:] if name.startswith("*.") else name


def registrable(domain: str) -> str:
    """The registrable domain (one label below the public suffix) of a normalised name."""
    return dnsnames.registrable_domain(domain) or domain


def domain_levels(domain: str) -> list[str]:
    """`domain` and each parent down to the registrable domain, most specific first."""
    base = registrable(domain)
    labels = domain.split(".")
    levels = []
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        levels.append(candidate)
        if candidate == base:
            break
    return levels


def approvers(domains: Iterable[str]) -> list[str]:
    """Every constructed approver address for each domain (comma lists accepted), deduplicated;
    names that are not public domain names are left out (`per_domain` says why)."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in domains:
        for part in raw.split(","):
            name = normalise(part)
            if name is None:
                continue
            for address in _addresses(name):
                if address not in seen:
                    seen.add(address)
                    result.append(address)
    return result


def per_domain(domain_option: str) -> list[tuple[str, list[str]]]:
    """The `approver` answer: (name as BILLmanager sent it, its addresses) per comma-separated
    name of `--domain`, in order. A name that is not a public domain name is refused with the
    reason for each such name (`DomainError`), rather than answered with an empty list that a
    client could not act on."""
    given = [part.strip() for part in domain_option.split(",")]
    names = [part for part in given if part]
    if not names:
        raise DomainError(
            "No domain was given (--domain is empty): type the domain the certificate is for, "
            "such as example.com, and the list of approver addresses follows.",
            obj="domain",
        )
    problems = dnsnames.name_problems([dnsnames.to_ascii(n) for n in names])
    if problems:
        raise DomainError(
            "No approver address can be offered: "
            + "; ".join(problems)
            + ". Correct the domain name in the order.",
            obj="domain",
            value=",".join(names)[:200],
        )
    answer: list[tuple[str, list[str]]] = []
    for name in dict.fromkeys(names):
        bare = normalise(name)
        answer.append((name, _addresses(bare) if bare is not None else []))
    return answer


def document(domain_option: str) -> Element:
    """The `approver` document of both handlers: one <domain name="D"> per name of --domain, as
    ISP's GlobalSign module answers (pmglobalsign.py approver()) and pmopenprovider too. The
    minimal writer, not lxml: approver runs while a client types an order."""
    doc = Element("doc")
    for name, addresses in per_domain(domain_option):
        domain = doc.add("domain", {"name": name})
        for address in addresses:
            domain.add("approver", text=address)
    return doc


def _addresses(name: str) -> list[str]:
    return [f"{local}@{level}" for level in domain_levels(name) for local in LOCAL_PARTS]
