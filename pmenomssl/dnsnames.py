"""Whether a name is a public DNS name a certificate authority issues for: the one place that says.

Every name the module could pay for passes here first: the CSR's and the order's names before
PurchaseServices (`pmenomssl.ssl.csr.validate_csr`), `pmenomssl csr --check` and the CSR
generator, and the `approver` command. `name_problem` returns why a name is refused, or None.

Rules and their sources:
- LDH labels of 1-63 characters, a name of at most 253 (RFC 1035 2.3.4, RFC 5890 2.3.1); no
  label that starts or ends with a hyphen, and no "??--" label except a valid xn-- A-label
  (RFC 5891 4.2.3.1, IDNA 2008; Let's Encrypt refuses the same).
- An xn-- label must decode under IDNA 2008 (the `idna` package); U-labels are not names a
  certificate holds (a dNSName is IA5String, RFC 5280 4.2.1.6): written in the xn-- form.
- No underscore: CA/Browser Forum ballot SC12 ended underscores in certificates (2019).
- No IP address: the products sold here are for domain names.
- Not internal: a single label, or a suffix reserved for private use (`RESERVED_SUFFIXES`).
- The top-level domain is on the Public Suffix List and the name is not itself a public suffix
  (CA/B Forum Baseline Requirements 3.2.2.6 and the PSL's own purpose); the list comes from the
  maintained `publicsuffixlist` package, which ships it (no network at run time).
- A wildcard only as the whole leftmost label, and never directly above a public suffix
  (`*.co.uk`, `*.github.io`: BR 3.2.2.6 forbids them).
- Trailing dot: refused (`TRAILING_DOT`): a CSR's names are signed as written, so the module
  cannot strip the dot there, and ENOM/the CA would see "example.com." -- the same rule for
  typed names keeps one answer everywhere.

Start-up: `approver` must stay light, so nothing heavy is imported at module load. `idna` is
imported only for names with an xn-- label or non-ASCII characters. The Public Suffix List (the
file the maintained `publicsuffixlist` package ships) is read only when a name is checked, and
only the rules of that name's top-level domain are kept; the matching is the list's own
published algorithm (`public_suffix`), because importing the package costs `approver` the
typing module and parsing all ~10,000 rules ~90 ms. tests/ssl/test_dnsnames.py checks every
rule of the list against the package's own answer.
"""

from __future__ import annotations

import os
import sys

# Start-up (issue 16): `approver` checks names, so this module imports neither `re`, `functools`,
# `contextlib` nor `importlib` (tests/protocol/test_startup.py); `ipaddress` and `idna` are
# imported only for the names that need them.

# The file inside the `publicsuffixlist` package that holds the list.
PSL_FILE_NAME = "public_suffix_list.dat"
MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63

# Trailing dot: refuse (see the module docstring) rather than strip.
TRAILING_DOT = "ends with a dot: write it without the trailing dot"

# Suffixes no public CA issues for, with their source. Checked before the Public Suffix List,
# so that the reason names the reservation instead of "not on the list".
RESERVED_SUFFIXES = {
    "localhost": "is reserved for the local host (RFC 6761 6.3)",
    "local": "is reserved for multicast DNS on a local network (RFC 6762)",
    "test": "is reserved for testing (RFC 6761 6.2, RFC 2606)",
    "example": "is reserved for documentation (RFC 6761 6.5, RFC 2606)",
    "invalid": "is reserved as always invalid (RFC 6761 6.4, RFC 2606)",
    "home.arpa": "is reserved for home networks (RFC 8375)",
    "internal": "is reserved for private networks (ICANN, 2024)",
    "alt": "is reserved for non-DNS name systems (RFC 9476)",
    "onion": "is reserved for Tor onion services (RFC 7686)",
    "lan": "is used only inside private networks, never delegated in public DNS",
    "intranet": "is used only inside private networks, never delegated in public DNS",
    "corp": "is used only inside private networks, never delegated in public DNS (ICANN)",
    "home": "is used only inside private networks, never delegated in public DNS (ICANN)",
    "private": "is used only inside private networks, never delegated in public DNS",
    "arpa": "is the infrastructure domain (RFC 3172), not for certificates",
}

_LDH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
# Characters of every textual IPv4/IPv6 address; a name with any other one is no address.
_ADDRESS_CHARS = frozenset("0123456789abcdef.:[]%")


def name_problem(name: str) -> str | None:
    """Why `name` is not a public DNS name a CA issues for ("<name> <reason>"), or None.

    `name` is taken as written (compare lower-case): callers that accept typed input convert
    U-labels first (`to_ascii`). A wildcard (`*.example.com`) is judged here as a name; whether
    the product covers wildcards is the order's business.
    """
    reason = _reason(name)
    return None if reason is None else f"{name or '(empty)'} {reason}"


def name_problems(names: list[str] | tuple[str, ...]) -> list[str]:
    """`name_problem` of each name that has one, in order, each name once."""
    seen: set[str] = set()
    problems: list[str] = []
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        problem = name_problem(name)
        if problem is not None:
            problems.append(problem)
    return problems


def to_ascii(name: str) -> str:
    """A typed name, trimmed and lower-case, with U-labels as xn-- (unchanged if not convertible,
    so that `name_problem` then says why)."""
    name = name.strip().lower()
    if name.isascii():
        return name
    import idna

    labels = []
    for label in name.split("."):
        try:
            labels.append(label if label.isascii() else idna.encode(label, uts46=True).decode())
        except idna.IDNAError:
            return name
    return ".".join(labels)


def registrable_domain(name: str) -> str | None:
    """The registrable domain of a valid name (one label below its public suffix), or None."""
    base = name[2:] if name.startswith("*.") else name
    suffix = public_suffix(base)
    if suffix is None or suffix == base:
        return None
    return ".".join(base.split(".")[-(suffix.count(".") + 2) :])


def is_public_suffix(name: str) -> bool:
    """Whether `name` is itself a public suffix (co.uk, github.io, blogspot.com)."""
    return public_suffix(name) == name


def public_suffix(name: str) -> str | None:
    """The public suffix of a lower-case A-label name, or None when no rule covers its
    top-level domain (such a name is not a public one).

    The Public Suffix List's own algorithm (publicsuffix.org/list/, "Algorithm"): an exception
    rule (!) wins; otherwise the matching rule with the most labels, a wildcard (*) matching
    any one label.
    """
    labels = name.split(".")
    rules = _rules(labels[-1])
    for start in range(len(labels)):
        if "!" + ".".join(labels[start:]) in rules:
            return ".".join(labels[start + 1 :])
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        parent = ".".join(labels[start + 1 :])
        if candidate in rules or (parent and "*." + parent in rules):
            return candidate
    return None


# --- the checks ----------------------------------------------------------------------------


def _reason(raw: str) -> str | None:
    name = raw.lower()
    if not name.strip():
        return "is empty: give a domain name such as example.com"
    if name != name.strip():
        return "has spaces around it: write the domain name alone"
    if name.endswith("."):
        return TRAILING_DOT
    if _is_ip_address(name):
        return "is an IP address: these certificates are issued only for domain names"
    wildcard = name.startswith("*.")
    base = name[2:] if wildcard else name
    if "*" in base:
        return (
            "has '*' where a wildcard is not allowed: a wildcard is only the whole leftmost "
            "label, as in *.example.com"
        )
    if not name.isascii():
        return (
            "has non-ASCII characters: write an internationalised name in its xn-- form "
            "(punycode), as certificates hold it"
        )
    if len(name) > MAX_NAME_LENGTH:
        return f"is longer than {MAX_NAME_LENGTH} characters, the most a domain name may have"
    labels = base.split(".")
    for label in labels:
        problem = _label_problem(label)
        if problem is not None:
            return problem
    for reserved, why in RESERVED_SUFFIXES.items():
        if base == reserved or base.endswith("." + reserved):
            return f"is an internal name: .{reserved} {why}; no public CA issues for it"
    if len(labels) == 1 and not wildcard:
        return (
            "is a single label, an internal host name: certificates are issued only for "
            "public domain names such as example.com"
        )
    suffix = public_suffix(base)
    if suffix is None:
        return (
            f"has the top-level domain .{labels[-1]}, which is not on the Public Suffix List: "
            "it is not a public domain name"
        )
    if suffix == base:
        if wildcard:
            return (
                f"would cover every domain registered under the public suffix {base}, "
                "which no CA issues: order a wildcard for your own domain (*.yours." + base + ")"
            )
        return (
            f"is a public suffix (domains are registered under it, like yours.{base}): "
            "certificates are issued for the registered domain, not for the suffix"
        )
    return None


def _label_problem(label: str) -> str | None:
    if not label:
        return "has an empty label (two dots in a row, or a leading dot)"
    if len(label) > MAX_LABEL_LENGTH:
        return (
            f"has the label {label[:20]}… of {len(label)} characters: a label has at most "
            f"{MAX_LABEL_LENGTH}"
        )
    if "_" in label:
        return (
            "contains an underscore, which certificate authorities refuse in certificate "
            "names (CA/Browser Forum ballot SC12)"
        )
    if not _LDH_CHARS.issuperset(label):
        bad = next(c for c in label if not (c.isalnum() or c == "-"))
        return f"contains {bad!r}: a domain name has only letters a-z, digits, hyphens and dots"
    if label.startswith("-") or label.endswith("-"):
        return f"has the label {label}, which starts or ends with a hyphen"
    if label[2:4] == "--":
        if not label.startswith("xn--"):
            return f"has the label {label}, whose '--' in third and fourth place is reserved"
        return _a_label_problem(label)
    return None


def _a_label_problem(label: str) -> str | None:
    import idna

    try:
        idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return (
            f"has the label {label}, which is not a valid internationalised (IDNA 2008) label: "
            "check the spelling, or convert the name again"
        )
    return None


def _is_ip_address(name: str) -> bool:
    if not _ADDRESS_CHARS.issuperset(name):
        return False
    import ipaddress

    text = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        ipaddress.ip_address(text)
    except ValueError:
        # Every label numeric: an address in a form ip_address refuses (1.2.3, 010.1.1.1).
        labels = text.split(".")
        return all(label.isdigit() for label in labels) and len(labels) > 1
    return True


_RULES_BY_TLD: dict[str, frozenset[str]] = {}


def _rules(tld: str) -> frozenset[str]:
    """The Public Suffix List's rules for one top-level domain (read once per process)."""
    rules = _RULES_BY_TLD.get(tld)
    if rules is None:
        rules = _RULES_BY_TLD[tld] = _read_rules(tld)
    return rules


def _read_rules(tld: str) -> frozenset[str]:
    """The Public Suffix List's rules for one top-level domain, as A-labels.

    The list is the one the `publicsuffixlist` package ships (kept current by its releases);
    its file is found without importing the package, whose import costs `approver` the typing
    module. The parent of a wildcard rule is a public suffix too (the list's linter requires
    it to be listed; added here for the few that are not).
    """
    endings = {tld}
    if tld.startswith("xn--"):  # the list writes internationalised rules as U-labels
        import contextlib

        import idna

        with contextlib.suppress(idna.IDNAError, UnicodeError):  # name_problem says why
            endings.add(idna.decode(tld))
    # Bytes, not text: decoding the whole 340 kB file costs more than the search.
    with open(_list_file(), "rb") as source:
        text = b"\n" + source.read() + b"\n"
    rules: set[str] = set()
    for ending in endings:
        for line in _lines_ending_with(text, ending.encode("utf-8")):
            rule = line.decode("utf-8", errors="replace").strip()
            if not rule or rule.startswith("//") or " " in rule:
                continue
            rule = _a_label_rule(rule.lower())
            rules.add(rule)
            if rule.startswith("*."):
                rules.add(rule[2:])
    return frozenset(rules)


def _lines_ending_with(text: bytes, tld: bytes) -> list[bytes]:
    """The lines of `text` that are `tld` or end with ".tld" (found with bytes.find: ~1 ms where
    decoding, splitting and testing all 15,000 lines of the list takes ~15)."""
    found = []
    if b"\n" + tld + b"\n" in text:
        found.append(tld)
    needle = b"." + tld + b"\n"
    at = text.find(needle)
    while at != -1:
        start = text.rfind(b"\n", 0, at) + 1
        found.append(text[start : at + len(needle) - 1])
        at = text.find(needle, at + 1)
    return found


def _list_file() -> str:
    """The list file of the installed `publicsuffixlist` package, found on sys.path as the
    import system would find the package (importlib.util costs `approver` start-up time)."""
    for entry in sys.path:
        candidate = os.path.join(entry or ".", "publicsuffixlist", PSL_FILE_NAME)
        if os.path.isfile(candidate):
            return candidate
    raise RuntimeError("the publicsuffixlist package is not installed (pip install .)")


def _a_label_rule(rule: str) -> str:
    if rule.isascii():
        return rule
    bang = "!" if rule.startswith("!") else ""
    return bang + rule.lstrip("!").encode("idna").decode("ascii")
