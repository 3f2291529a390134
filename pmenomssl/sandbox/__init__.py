"""Stand-ins of the systems the module talks to, for tests and the demo (never production).

Three stand-ins, each with its own rules in its own folder: `enom/` (ENOM's `interface.asp`),
`upstream/` (an upstream BILLmanager's client API) and `billmanager/` (BILLmanager itself: its
schema, `$ROOT` and `mgrctl`). What the two HTTP sandboxes share lives here: loopback serving
and the admin API's core (`http.py`), fault switching (`faults.py`), the account's lock, call
counter and credential check (`account.py`), the command line (`cli.py`), the certificate
authority (`ca.py`) and calendar months (`dates.py`).
"""
