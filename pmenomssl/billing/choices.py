"""The gateway's CHOICES on points of BILLmanager's behaviour that are UNCONFIRMED: one place
each, with the section of billmanager-protocol.md it depends on."""

from __future__ import annotations

#: Post operations the gateway knows (`service.post<operation>`), section 3.2.
POST_OPERATIONS = ("open", "resume", "suspend", "close", "prolong", "setparam", "reopen")

#: CHOICE (section 2.2, `open`): ISP's GlobalSign module finishes `open` with
#: `certificate.open elid=I`, TheSSLStore with `service.postopen`. `certificate_open()` uses this.
CERTIFICATE_OPEN_FUNC = "certificate.open"

#: CHOICE (section 3.1 mgrctl syntax `-e <param>=$<ENV_NAME>`; conventions: secrets never in
#: argv): secret values (crypted params, password-like keys) travel in the child's environment
#: and reach mgrctl as `-e key=$NAME`. Set to False to pass them as plain `key=value`.
SECRETS_VIA_ENV = True

#: CHOICE (UNCONFIRMED: ISP's modules register problems, none shows clearing one): the function
#: that clears a module's admin problem (pmenomssl.protocol.problems), called with the same
#: `name` and `id` as `problems.register`.
PROBLEM_CLEAR_FUNC = "problems.resolve"


def saveparam_args(name: str, value: str) -> dict[str, str]:
    """CHOICE (section 3.2, `service.saveparam` argument form UNCONFIRMED): the C++/PHP and
    openprovider form `name=<param> value=<v>`, which the reference recommends. The Python
    library's form would be `{name: value}`."""
    return {"name": name, "value": value}
