"""Parsing the options BILLmanager passes (billmanager-protocol.md section 1.1).

argparse is not used on purpose: on a bad option it prints usage to stderr and exits 2, while
BILLmanager needs its error XML on stdout; and unknown options must be ignored, not refused.
Nothing here logs (`logging` is not imported on the start-up path, issue 16): the runner logs
the options, the unknown ones included, once the log is open.
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError
from pmenomssl.records import field, fields, record

NUMERIC = frozenset({"id", "item", "module", "runningoperation", "level", "userid", "addon"})
TEXT = frozenset(
    {
        "command", "subcommand", "itemtype", "intname", "param", "value", "lang",
        "domain", "password", "emails", "tld", "searchstring",
    }
)  # fmt: skip
MAX_ID = 2**63 - 1  # a signed BIGINT, the widest id column in BILLmanager's database
SHORT = {"c": "command", "i": "item", "m": "module", "t": "itemtype", "l": "lang", "a": "addon"}


class ProtocolError(ModuleError):
    """BILLmanager (or a person) called the module with arguments it cannot run with."""

    error_type = "protocol_error"


@record()
class Invocation:
    command: str = ""
    subcommand: str | None = None
    id: int | None = None
    item: int | None = None
    module: int | None = None
    runningoperation: int | None = None
    itemtype: str | None = None
    intname: str | None = None
    param: str | None = None
    value: str | None = None
    lang: str | None = None
    level: int | None = None
    addon: int | None = None
    domain: str | None = None
    userid: int | None = None
    password: str | None = None
    emails: str | None = None
    tld: str | None = None
    searchstring: str | None = None
    unknown: list[str] = field(default_factory=list)

    def redacted(self) -> str:
        """The options as a log line; a password BILLmanager passed never reaches the log."""
        shown = []
        for name in fields(self):
            value = getattr(self, name)
            if name == "unknown" or value is None:
                continue
            shown.append(f"--{name} {'***' if name == 'password' else value}")
        return " ".join(shown)


def parse(argv: list[str]) -> Invocation:
    """Parse `--name value` / `--name=value` / `-x value`; unknown options are kept aside."""
    result = Invocation()
    given: dict[str, str] = {}
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        name, inline = _split(token)
        if name is None:
            result.unknown.append(token)
            continue
        if inline is None:
            if index < len(argv) and not _looks_like_option(argv[index]):
                inline = argv[index]
                index += 1
            elif name in NUMERIC or name in TEXT:
                raise ProtocolError(
                    f"Option --{name} needs a value. Run the module as BILLmanager does, "
                    f"for example: --command open --item 42.",
                    obj=name,
                )
            else:
                result.unknown.append(token)
                continue
        if (name in NUMERIC or name in TEXT) and name in given:
            # Which one BILLmanager meant cannot be known: refuse rather than pick one.
            raise ProtocolError(
                f"Option --{name} is given twice ({given[name][:40]!r} and {inline[:40]!r}): "
                "BILLmanager passes each option once; check the command line.",
                obj=name,
                value=inline[:40],
            )
        given[name] = inline
        if name in NUMERIC:
            setattr(result, name, _number(name, inline))
        elif name in TEXT:
            setattr(result, name, inline)
        else:
            result.unknown.append(f"{token} {inline}" if "=" not in token else token)
    return result


def _split(token: str) -> tuple[str | None, str | None]:
    if token.startswith("--") and len(token) > 2:
        body = token[2:]
        if "=" in body:
            name, value = body.split("=", 1)
            return name, value
        return body, None
    if token.startswith("-") and len(token) == 2 and token[1] in SHORT:
        return SHORT[token[1]], None
    return None, None


def _looks_like_option(token: str) -> bool:
    return token.startswith("--") or (len(token) == 2 and token[0] == "-" and token[1].isalpha())


def _number(name: str, text: str) -> int:
    # ASCII digits only: str.isdigit() and int() also take other scripts' digits ("١٢" is 12),
    # which BILLmanager never sends. The bound is BILLmanager's widest id column (BIGINT).
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_ID:
        raise ProtocolError(
            f"Option --{name} must be a number from 0 to {MAX_ID} in ASCII digits, got "
            f"{text[:40]!r}. BILLmanager passes ids as such numbers; check the command line.",
            obj=name,
            value=text[:40],
        )
    return int(digits)
