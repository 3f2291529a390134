"""The upstream sandbox's catalogue: item types, seeded tariffs, the order forms' choices, and
upstream's way of writing money.

Seeded tariffs (ids are stable; periods in months; addon cost per unit per month):

    itemtype     id  title              periods: cost                      addons
    vhost        11  Hosting-1          1: 150,00     12: 1 620,00
    vds          21  VDS-1              1: 300,00     3: 870,00   12: 3 240,00
                                                                    211 RAM, GB 50,00 (1..64)
                                                                    212 CPU     100,00 (1..32)
    dedic        31  Dedic-1            1: 5 000,00   12: 54 000,00
    soft         41  ISPmanager Lite    1: 400,00     12: 4 320,00
    certificate  51  AlphaSSL           12: 1 990,00  24: 3 580,00
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ITEMTYPES = ("certificate", "soft", "vhost", "vds", "dedic")

# The data centres every vhost/vds/dedic order form offers (`slist name="datacenter"`, keys are
# upstream ids; the requirement document makes `datacenter` mandatory). The first is the preset.
DATACENTERS: tuple[tuple[str, str], ...] = (("1", "Moscow DC"), ("2", "Amsterdam DC"))
# The certificate order form's countries (`slist name="field_country"`: BILLmanager country ids
# -> names). UNCONFIRMED how a real upstream words them; the sandbox's choice: "Name (ISO)".
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("182", "Russian Federation (RU)"),
    ("230", "United States (US)"),
    ("80", "Germany (DE)"),
    ("77", "United Kingdom (GB)"),
)

CENT = Decimal("0.01")
NBSP = "\u00a0"


def format_money(amount: Decimal) -> str:
    """Upstream's rendering: U+00A0 between thousands, a decimal comma ("12 345,67")."""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(cents):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if cents < 0 else "") + NBSP.join(groups) + "," + fraction


@dataclass(frozen=True)
class TariffAddon:
    id: str
    name: str
    cost: Decimal  # per unit per month
    min: int
    max: int


@dataclass(frozen=True)
class SandboxTariff:
    id: str
    itemtype: str
    title: str
    periods: Mapping[int, Decimal]  # months -> price
    addons: tuple[TariffAddon, ...] = ()
    ostempls: tuple[str, ...] = ()

    def addon(self, addon_id: str) -> TariffAddon | None:
        return next((a for a in self.addons if a.id == addon_id), None)


def default_tariffs() -> list[SandboxTariff]:
    """The seeded catalogue (see the module docstring; the ids are part of the sandbox API)."""
    d = Decimal
    return [
        SandboxTariff("11", "vhost", "Hosting-1", {1: d("150.00"), 12: d("1620.00")}),
        SandboxTariff(
            "21",
            "vds",
            "VDS-1",
            {1: d("300.00"), 3: d("870.00"), 12: d("3240.00")},
            (
                TariffAddon("211", "RAM, GB", d("50.00"), 1, 64),
                TariffAddon("212", "CPU", d("100.00"), 1, 32),
            ),
            ("Debian-12", "Ubuntu-24.04", "AlmaLinux-9"),
        ),
        SandboxTariff(
            "31", "dedic", "Dedic-1", {1: d("5000.00"), 12: d("54000.00")}, (), ("Debian-12",)
        ),
        SandboxTariff("41", "soft", "ISPmanager Lite", {1: d("400.00"), 12: d("4320.00")}),
        SandboxTariff("51", "certificate", "AlphaSSL", {12: d("1990.00"), 24: d("3580.00")}),
    ]
