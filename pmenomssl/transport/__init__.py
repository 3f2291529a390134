"""What both provider clients (ENOM's and an upstream BILLmanager's) stand on.

`calls`: the call classes (read / write / paid) each provider's table maps its calls to, and the
retry policy; `errors`: the base of both clients' errors (summary, action); `http`: the one HTTP
transport (httpx client, timeouts capped by the deadline, retries by call class, one log line per
call); `safexml`: the hardened XML parser for every document that comes from outside.

Nothing is imported here: `safexml` is used on the protocol's stdin path, which must not pay for
httpx and tenacity (issue 16).
"""
