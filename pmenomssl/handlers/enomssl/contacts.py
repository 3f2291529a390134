"""Admin / Tech / Billing contacts for CertConfigureCert, from BILLmanager's item params.

BILLmanager's order form keeps them as `adm_*`, `tech_*` and `org_*` item params
(billmanager-protocol.md 2.4). ENOM needs, for each contact: first and last name, address,
city, postal code, two-letter country, phone as `+CC.NNNN` and e-mail (enom-api.md 3.5).
Everything is checked before any money is spent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pmenomssl.handlers.enomssl.errors import ContactError

if TYPE_CHECKING:
    from pmenomssl.enom import Contact

# ITU-T E.164 country calling codes: 1 and 7 have one digit, these have two, the rest three.
_TWO_DIGIT_CODES = frozenset(
    (20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55,
     56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98)
)  # fmt: skip
_ENOM_PHONE = re.compile(r"^\+(\d{1,3})\.(\d{4,14})$")


def normalise_phone(raw: str) -> str | None:
    """`+7 (495) 123-45-67` -> `+7.4951234567`; None when it cannot be read."""
    text = raw.strip()
    if not text:
        return None
    if _ENOM_PHONE.match(text):
        return text
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        return None
    body = text[1:]
    if "." in body:
        code, _, rest = body.partition(".")
        code, rest = re.sub(r"\D", "", code), re.sub(r"\D", "", rest)
    else:
        first = re.match(r"\s*(\d+)[\s(\-/]", body)
        digits = re.sub(r"\D", "", body)
        if first and 1 <= len(first.group(1)) <= 3:
            code = first.group(1)
        elif digits[:1] in ("1", "7"):
            code = digits[:1]
        elif digits[:2].isdigit() and int(digits[:2]) in _TWO_DIGIT_CODES:
            code = digits[:2]
        else:
            code = digits[:3]
        rest = digits[len(code) :]
    if not code or not 4 <= len(rest) <= 14:
        return None
    return f"+{code}.{rest}"


def _get(params: Mapping[str, str], name: str) -> str:
    return (params.get(name) or "").strip()


def country_code(
    params: Mapping[str, str],
    csr_subject: Mapping[str, str],
    country_lookup: Callable[[int], str | None] | None,
) -> tuple[str, str | None]:
    """(two-letter country, problem or None) for the contacts.

    ONE place for the order of sources (issue 13; settled-facts.md): BILLmanager's order form
    keeps `org_country` as a country id, which pmopenprovider maps with `SELECT iso2 FROM
    country WHERE id=…` (`country_lookup`); an ISO code typed there (or in `country`) is used
    as it is; otherwise ISP's own modules take C from the CSR. An id BILLmanager does not know
    falls back to the CSR's C, which the client stated too, rather than failing the order.
    """
    raw = _get(params, "org_country") or _get(params, "country")
    csr_country = csr_subject.get("C", "").strip().upper()
    if raw.isdigit():
        code = country_lookup(int(raw)) if country_lookup is not None else None
        if code:
            return code.upper(), None
        if csr_country:
            return csr_country, None
        return "", (
            f"org_country {raw} is not a country BILLmanager knows and the CSR has no C= "
            "(choose the country again in the order)"
        )
    code = (raw or csr_country).upper()
    if re.fullmatch(r"[A-Z]{2}", code):
        return code, None
    return (
        code,
        "the country is missing or not a two-letter ISO code (org_country, or C= in the CSR)",
    )


def build(
    params: Mapping[str, str],
    *,
    csr_subject: Mapping[str, str],
    ascii_only: bool,
    orginfo: bool,
    country_lookup: Callable[[int], str | None] | None = None,
) -> dict[str, Contact]:
    """{"Admin", "Tech", "Billing"} -> the ENOM client's contact; raises ContactError listing
    every problem. `country_lookup`: BILLmanager's country id -> ISO code (see country_code).
    Imports the ENOM client package only now."""
    from pmenomssl.enom import Contact

    problems: list[str] = []
    country, country_problem = country_code(params, csr_subject, country_lookup)
    org = {
        "name": _get(params, "org_name") or csr_subject.get("O", ""),
        "address": _get(params, "org_address"),
        "city": _get(params, "org_city") or csr_subject.get("L", ""),
        "state": _get(params, "org_state") or csr_subject.get("ST", ""),
        "postcode": _get(params, "org_postcode"),
        "country": country,
        "phone": _get(params, "org_phone"),
    }
    required_org = [("org_address", "address"), ("org_city", "city"), ("org_postcode", "postcode")]
    if orginfo:
        required_org.insert(0, ("org_name", "name"))
    for param, key in required_org:
        if not org[key]:
            problems.append(f"{param} is empty")
    if country_problem:
        problems.append(country_problem)

    people: dict[str, Contact] = {}
    for kind, prefix in (("Admin", "adm_"), ("Tech", "tech_")):
        own = {f: _get(params, prefix + f) for f in ("fname", "lname", "jtitle", "email", "phone")}
        if kind == "Tech" and not any(own.values()):
            people[kind] = people["Admin"]
            continue
        missing = [prefix + f for f in ("fname", "lname", "email", "phone") if not own[f]]
        problems.extend(f"{name} is empty" for name in missing)
        phone = normalise_phone(own["phone"] or org["phone"])
        if own["phone"] and phone is None:
            problems.append(
                f"{prefix}phone {own['phone']!r} is not an international number "
                "(write it as +CC NNNNNNN, e.g. +1 4252744500)"
            )
        if own["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", own["email"]):
            problems.append(f"{prefix}email {own['email']!r} is not an e-mail address")
        people[kind] = Contact(
            first_name=own["fname"],
            last_name=own["lname"],
            org_name=org["name"] or f"{own['fname']} {own['lname']}".strip(),
            job_title=own["jtitle"],
            address1=org["address"],
            address2="",
            city=org["city"],
            state=org["state"],
            postal_code=org["postcode"],
            country=org["country"],
            phone=phone or "",
            email=own["email"],
        )
    people["Billing"] = people["Admin"]
    if ascii_only:
        bad = sorted(
            {
                name
                for contact in people.values()
                for name, value in vars(contact).items()
                if not value.isascii()
            }
        )
        if bad:
            problems.append(
                "this certificate authority (DigiCert family) accepts only ASCII letters in "
                f"contact data, but {', '.join(bad)} contain other characters: transliterate them"
            )
    if problems:
        raise ContactError(
            "The order's contact data is incomplete or invalid: "
            + "; ".join(dict.fromkeys(problems))
            + ". Correct the service's parameters and retry; nothing was bought.",
            obj="contact",
        )
    return people
