"""contacts.build in-process: the ENOM client's Contact objects it returns, and its refusals."""

from __future__ import annotations

import pytest

from pmenomssl.enom import Contact
from pmenomssl.handlers.enomssl import contacts
from pmenomssl.handlers.enomssl.errors import ContactError

PARAMS = {
    "adm_fname": "Ann",
    "adm_lname": "Lee",
    "adm_jtitle": "CTO",
    "adm_email": "ann@example.com",
    "adm_phone": "+1 4252744500",
    "org_name": "Example Inc",
    "org_address": "1 Main St",
    "org_city": "Springfield",
    "org_state": "IL",
    "org_postcode": "62701",
    "org_country": "US",
}

ANN = Contact(
    first_name="Ann",
    last_name="Lee",
    org_name="Example Inc",
    job_title="CTO",
    address1="1 Main St",
    address2="",
    city="Springfield",
    state="IL",
    postal_code="62701",
    country="US",
    phone="+1.4252744500",
    email="ann@example.com",
)


def test_build_gives_the_clients_contacts_tech_and_billing_as_admin() -> None:
    people = contacts.build(PARAMS, csr_subject={}, ascii_only=True, orginfo=True)
    assert people == {"Admin": ANN, "Tech": ANN, "Billing": ANN}
    assert type(people["Admin"]) is Contact


def test_build_names_each_field_that_is_not_ascii_for_an_ascii_only_ca() -> None:
    params = {**PARAMS, "adm_lname": "Lée", "org_city": "Zürich"}
    with pytest.raises(ContactError) as raised:
        contacts.build(params, csr_subject={}, ascii_only=True, orginfo=True)
    assert "but city, last_name contain other characters" in str(raised.value)
    # The same data is accepted where the CA takes any letters.
    people = contacts.build(params, csr_subject={}, ascii_only=False, orginfo=True)
    assert (people["Admin"].last_name, people["Admin"].city) == ("Lée", "Zürich")
