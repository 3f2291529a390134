"""Approver e-mail addresses, constructed locally: no database, no ENOM call.

The `approver` command answers while the client fills in the order form, so it must be fast and
must not depend on anything that can be down. The CA/Browser Forum Baseline Requirements
(3.2.2.4.4, "Constructed Email to Domain Contact") allow admin@, administrator@, hostmaster@,
postmaster@ and webmaster@ the domain or any parent domain up to the registrable one; every
brand ENOM sells accepts them. WHOIS-based addresses ("Domain" approvers) need ENOM and are
checked against ENOM's own list by `open`.
"""

from __future__ import annotations

from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:  # collections.abc costs start-up time (issue 16): annotations only
    from collections.abc import Iterable

LOCAL_PARTS = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")

# Public suffixes of two labels that are common in practice; a name under one of them is
# registrable one label further down. (A full Public Suffix List would need a dependency.)
_TWO_LABEL_SUFFIXES = frozenset(
    f"{sld}.{tld}"
    for tld, slds in {
        "uk": "co org ac gov me ltd plc net sch nhs police",
        "au": "com net org edu gov asn id",
        "nz": "co org net ac govt geek school",
        "jp": "co ne or ac ad ed go gr lg",
        "za": "co org net gov ac web",
        "br": "com net org gov edu art blog eco",
        "cn": "com net org gov edu ac",
        "mx": "com org net gob edu",
        "tr": "com org net gen biz web av bel",
        "ar": "com org net gob edu int",
        "in": "co net org firm gen ind gov ac edu",
        "il": "co org net ac gov muni",
        "kr": "co or ne go ac re",
        "sg": "com net org gov edu per",
        "hk": "com net org gov edu idv",
        "tw": "com net org gov edu idv",
        "my": "com net org gov edu name",
        "ua": "com net org gov edu in kiev kharkov odessa lviv",
        "ru": "com net org msk spb pp",
        "id": "co or ac go web my biz",
        "pl": "com net org gov edu biz info waw",
        "es": "com org nom gob edu",
        "th": "co or in ac go net",
        "vn": "com net org gov edu",
        "ph": "com net org gov edu",
        "pk": "com net org gov edu",
        "ng": "com net org gov edu",
        "eg": "com net org gov edu",
        "sa": "com net org gov edu",
        "ke": "co or ne go ac",
        "cy": "com net org gov ac",
    }.items()
    for sld in slds.split()
)
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _is_label(label: str) -> bool:
    """An LDH label: 1-63 of a-z 0-9 -, not starting or ending with "-". Checked without `re`,
    whose import alone cost `approver` half a bare interpreter's start (issue 16)."""
    return (
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and _LABEL_CHARS.issuperset(label)
    )


def normalise(domain: str) -> str | None:
    """Lower-case, without a wildcard label or trailing dot, IDN labels as xn--; None if invalid."""
    name = domain.strip().lower().rstrip(".")
    if name.startswith("*."):
        name = name[2:]
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253 or not all(_is_label(x) for x in labels):
        return None
    if labels[-1].isdigit():  # an IP address is not a domain
        return None
    return name


def registrable(domain: str) -> str:
    """The registrable domain (one label below the public suffix) of a normalised name."""
    labels = domain.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


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
    """Every constructed approver address for each domain (comma lists accepted), deduplicated."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in domains:
        for part in raw.split(","):
            name = normalise(part)
            if name is None:
                continue
            for level in domain_levels(name):
                for local in LOCAL_PARTS:
                    address = f"{local}@{level}"
                    if address not in seen:
                        seen.add(address)
                        result.append(address)
    return result


def is_constructed_for(email: str, domain: str) -> bool:
    """Whether `email` is one of the constructed addresses of `domain`."""
    name = normalise(domain)
    return name is not None and email.strip().lower() in approvers([name])
