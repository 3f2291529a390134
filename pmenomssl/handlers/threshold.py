"""The module's minimal balance, shared by both handlers: the connection param `threshold`.

Source (settled-facts.md "Minimal balance"): ISPsystem's GlobalSign module declares `threshold`
among its `features` params, and the panel's processing-module form field is named `threshold`
(`<input type="text" name="threshold" check="int">` in a BILLmanager log). The project's earlier
`minbalance` was never declared to BILLmanager, so the panel could not store it; it is gone.

CHOICE (sources silent on what the panel does with it): a purchase is refused BEFORE buying when
it would leave the provider account below the threshold (balance - cost < threshold). That
protects the provider's money more than comparing the balance alone: the account never drops
under the amount the provider asked to keep. Empty or absent: no minimum.
"""

from __future__ import annotations

from pmenomssl.handlers.base import ParamSpec
from pmenomssl.handlers.errors import ConnectionSettingsError
from pmenomssl.records import TYPE_CHECKING  # `features` imports this: no decimal/typing

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal

    from pmenomssl.errors import ModuleError

PARAM_THRESHOLD = "threshold"
THRESHOLD_PARAM = ParamSpec(PARAM_THRESHOLD, panel_field=True)


def threshold(params: Mapping[str, str]) -> Decimal | None:
    """The module's threshold, None when not set; invalid_connection when it is not a number."""
    # Typed in the panel, possibly like BILLmanager renders amounts ("20 000,00").
    from pmenomssl.upstream.numbers import parse_money

    text = (params.get(PARAM_THRESHOLD) or "").strip()
    if not text:
        return None
    try:
        return parse_money(text)
    except ValueError:
        raise ConnectionSettingsError(
            f"The module's minimal balance {text[:40]!r} (threshold) is not a number: correct "
            "it in the processing module's settings (Integration > Processing modules).",
            obj=PARAM_THRESHOLD,
            value=text[:40],
        ) from None


def refuse_below_threshold(
    *,
    balance: Decimal,
    cost: Decimal | None,
    minimum: Decimal | None,
    currency: str,
    account: str,
    balance_error: type[ModuleError],
) -> None:
    """Raise `balance_error` when paying `cost` (None: unknown, taken as 0) would take the
    `account`'s `balance` below `minimum`. Called before any paid call."""
    if minimum is None:
        return
    after = balance - cost if cost is not None else balance
    if after < minimum:
        paying = f", {cost} {currency} of it for this order," if cost else ""
        raise balance_error(
            f"The {account} has {balance} {currency}{paying} and the module's minimal balance "
            f"(threshold) is {minimum} {currency}: this purchase would leave {after} "
            f"{currency}. Top up the {account} (or lower the threshold in the processing "
            "module's settings), then the order is retried. Nothing was bought.",
            obj="balance",
            value=str(balance),
        )
