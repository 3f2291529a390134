"""Just enough DER reading to explain a CSR that `cryptography` reads only in part.

`cryptography` refuses some CSRs OpenSSL accepts (an extensionRequest attribute with no value)
and reads an RSA-PSS key as a plain RSA key; the PKCS#10 structure (RFC 2986 4.1) is simple
enough to look at those two places directly:

    CertificationRequestInfo ::= SEQUENCE {
        version INTEGER, subject Name,
        subjectPKInfo SEQUENCE { algorithm SEQUENCE { OID, params }, BIT STRING },
        attributes [0] IMPLICIT SET OF SEQUENCE { type OID, values SET OF ANY } }
"""

from __future__ import annotations

SEQUENCE = 0x30
SET = 0x31
OID = 0x06
ATTRIBUTES = 0xA0  # [0] IMPLICIT, constructed

# 1.2.840.113549.1.9.14 (PKCS#9 extensionRequest) and 1.2.840.113549.1.1.10 (rsassaPss), DER.
EXTENSION_REQUEST = bytes.fromhex("2a864886f70d01090e")
RSASSA_PSS = bytes.fromhex("2a864886f70d01010a")


class DerError(ValueError):
    """The bytes are not the DER this reader expects."""


def children(data: bytes) -> list[tuple[int, bytes]]:
    """The (tag, content) of each element encoded one after another in `data`."""
    result: list[tuple[int, bytes]] = []
    index = 0
    while index < len(data):
        if index + 2 > len(data):
            raise DerError("truncated element")
        tag = data[index]
        length = data[index + 1]
        index += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or index + count > len(data):
                raise DerError("unsupported length")
            length = int.from_bytes(data[index : index + count], "big")
            index += count
        if index + length > len(data):
            raise DerError("truncated content")
        result.append((tag, data[index : index + length]))
        index += length
    return result


def _request_info(tbs: bytes) -> list[tuple[int, bytes]]:
    top = children(tbs)
    if len(top) != 1 or top[0][0] != SEQUENCE:
        raise DerError("not a SEQUENCE")
    return children(top[0][1])


def key_algorithm(tbs: bytes) -> bytes:
    """The DER content of the subjectPKInfo algorithm's OID."""
    fields = _request_info(tbs)
    if len(fields) < 3 or fields[2][0] != SEQUENCE:
        raise DerError("no subjectPKInfo")
    algorithm = children(fields[2][1])
    if not algorithm or algorithm[0][0] != SEQUENCE:
        raise DerError("no algorithm")
    oid = children(algorithm[0][1])
    if not oid or oid[0][0] != OID:
        raise DerError("no algorithm OID")
    return oid[0][1]


def extension_requests(tbs: bytes) -> list[int]:
    """How many values each extensionRequest attribute holds (normally one attribute, one value)."""
    fields = _request_info(tbs)
    counts: list[int] = []
    for tag, content in fields[3:]:
        if tag != ATTRIBUTES:
            continue
        for attr_tag, attribute in children(content):
            if attr_tag != SEQUENCE:
                raise DerError("attribute is not a SEQUENCE")
            parts = children(attribute)
            if len(parts) == 2 and parts[0] == (OID, EXTENSION_REQUEST) and parts[1][0] == SET:
                counts.append(len(children(parts[1][1])))
    return counts
