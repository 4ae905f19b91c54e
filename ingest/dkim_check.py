"""DKIM signatures checked with dkimpy, keeping the key record each check used.

A DKIM result is only worth keeping if it can be checked again later, when the
employer has rotated its key: so every DNS answer dkimpy asks for goes through
`KeyLookup`, which queries the configured resolvers (`settings.dns_servers`,
else the system's) with dnspython and remembers the TXT record it got. The
same message can later be re-verified offline against that stored record
(`check_offline`). Results use RFC 8601 words: ``pass``, ``fail``,
``none`` (no signature), ``temperror`` (DNS failure), ``permerror``
(malformed signature, missing or unusable key).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import dkim
import dns.exception
import dns.nameserver
import dns.resolver
from dkim.util import InvalidTagValueList, parse_tag_value

DNS_TIMEOUT = 5.0
# Messages rarely carry more than two or three signatures; the bound keeps a hostile one cheap.
MAX_SIGNATURES = 5

# dkimpy logs each failed check at ERROR; here a failure is a recorded result, not an error.
_DKIMPY_LOG = logging.getLogger(__name__ + ".dkimpy")
_DKIMPY_LOG.addHandler(logging.NullHandler())
_DKIMPY_LOG.propagate = False


class DkimFailure(StrEnum):
    """Why a signature whose key was looked up does not pass, as the proof records it.

    Checked with the key published today: a message older than its domain's last key
    rotation fails either way, and its proof says which (`carnet import` meets many)."""

    #: The selector's key is no longer published: the domain retired it (or never had it).
    KEY_NOT_PUBLISHED = "key_not_published"
    #: The key published today does not verify the signature: a key rotated since, or an altered message.
    DOES_NOT_VERIFY = "does_not_verify"


@dataclass(frozen=True)
class DkimCheck:
    """One DKIM-Signature checked: its result, who signed, and the key record used."""

    result: str
    domain: str | None = None
    selector: str | None = None
    key_record: str | None = None
    reason: str | None = None
    failure: DkimFailure | None = None


class DnsFailure(Exception):
    """The resolvers could not answer (timeout, SERVFAIL, no configuration)."""


class KeyLookup:
    """A dkimpy ``dnsfunc`` that asks chosen resolvers and records what they answered."""

    def __init__(self, servers: Sequence[str] = (), timeout: float = DNS_TIMEOUT) -> None:
        self.servers = tuple(servers)
        self.timeout = timeout
        self.record: bytes | None = None
        self.failure: str | None = None
        self.asked = False

    def __call__(self, name: bytes | str, timeout: float = DNS_TIMEOUT) -> bytes | None:
        self.record, self.failure, self.asked = None, None, True
        qname = name.decode("ascii") if isinstance(name, bytes) else name
        try:
            self.record = _query_txt(self._resolver(), qname, min(timeout, self.timeout))
        except DnsFailure as exc:
            self.failure = str(exc)
            raise dkim.DnsTimeoutError(self.failure) from exc
        return self.record

    def _resolver(self) -> dns.resolver.Resolver:
        if not self.servers:
            try:
                return dns.resolver.Resolver()
            except dns.resolver.NoResolverConfiguration as exc:
                raise DnsFailure(f"no DNS resolver configured: {exc}") from exc
        resolver = dns.resolver.Resolver(configure=False)
        try:
            resolver.nameservers = [_nameserver(server) for server in self.servers]
        except (ValueError, OSError) as exc:
            raise DnsFailure(f"bad DNS server in {','.join(self.servers)!r}: {exc}") from exc
        return resolver


class StoredKey:
    """A dkimpy ``dnsfunc`` that answers with a key record kept from ingestion."""

    def __init__(self, record: str) -> None:
        self.record = record.encode("ascii", "replace")
        self.asked = False

    def __call__(self, name: bytes | str, timeout: float = DNS_TIMEOUT) -> bytes:
        self.asked = True
        return self.record


def _nameserver(server: str) -> dns.nameserver.Do53Nameserver:
    """A dnspython nameserver for ``host:port``; a host name is resolved once here."""
    host, port = split_host_port(server)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host = socket.gethostbyname(host)
    return dns.nameserver.Do53Nameserver(host, port)


def split_host_port(server: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port``, or a bare host or IPv6 address (port 53)."""
    if server.startswith("["):
        host, _, rest = server[1:].partition("]")
        return host, int(rest.lstrip(":") or 53)
    if server.count(":") == 1:
        host, port = server.split(":")
        return host, int(port)
    return server, 53


def _query_txt(resolver: dns.resolver.Resolver, name: str, timeout: float) -> bytes | None:
    """The first TXT record of `name`, its strings joined; None when the name has none."""
    try:
        answer = resolver.resolve(name, "TXT", lifetime=timeout, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return None
    except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.NoResolverConfiguration) as exc:
        raise DnsFailure(f"{type(exc).__name__}: {exc}") from exc
    for rdata in answer.rrset or ():
        return b"".join(rdata.strings)
    return None


def signers(raw: bytes) -> list[tuple[str | None, str | None]]:
    """(domain, selector) of each DKIM-Signature, topmost first; none when dkimpy cannot read the message."""
    try:
        headers = dkim.DKIM(raw).headers
    except dkim.DKIMException:
        return []
    found = []
    for name, value in headers:
        if name.lower() == b"dkim-signature":
            try:
                tags = parse_tag_value(value)
            except InvalidTagValueList:
                tags = {}
            found.append((_text(tags.get(b"d"), lower=True), _text(tags.get(b"s"))))
    return found[:MAX_SIGNATURES]


def _text(value: bytes | None, lower: bool = False) -> str | None:
    if value is None:
        return None
    text = value.decode("ascii", "replace").strip()
    return text.lower() if lower else text


def check_all(raw: bytes, servers: Sequence[str] = ()) -> list[DkimCheck]:
    """Every DKIM signature of `raw` (at most MAX_SIGNATURES), checked against live DNS."""
    count = len(signers(raw))
    if count == 0:
        return [DkimCheck("none", reason="no DKIM-Signature")]
    return [check_one(raw, index, KeyLookup(servers)) for index in range(count)]


def check_one(raw: bytes, index: int, lookup: KeyLookup | StoredKey) -> DkimCheck:
    """Check signature number `index`; never raises."""
    verifier = dkim.DKIM(raw, timeout=int(DNS_TIMEOUT), logger=_DKIMPY_LOG)
    try:
        ok = verifier.verify(idx=index, dnsfunc=lookup)
    except dkim.ValidationError as exc:
        # dkimpy checks the signature's own fields before it asks for the key (permerror),
        # and the body hash after it has one: a mismatch there is a failed signature.
        result = "fail" if lookup.asked and lookup.record is not None else "permerror"
        return _check(result, verifier, lookup, str(exc))
    except (dkim.DKIMException, ValueError) as exc:
        return _check("permerror", verifier, lookup, f"{type(exc).__name__}: {exc}")
    if ok:
        return _check("pass", verifier, lookup)
    if isinstance(lookup, KeyLookup) and lookup.failure:
        return _check("temperror", verifier, lookup, lookup.failure)
    if lookup.record is None:
        return _check("permerror", verifier, lookup, "no key record published")
    return _check("fail", verifier, lookup, "signature does not verify")


def check_offline(raw: bytes, domain: str, selector: str, key_record: str) -> DkimCheck:
    """Re-verify the signature by `domain`/`selector` against a stored key record, with no network."""
    for index, signer in enumerate(signers(raw)):
        if signer == (domain.lower(), selector):
            return check_one(raw, index, StoredKey(key_record))
    return DkimCheck("permerror", domain, selector, key_record, "no signature by this domain and selector")


def _check(result: str, verifier: dkim.DKIM, lookup: KeyLookup | StoredKey, reason: str | None = None) -> DkimCheck:
    record = lookup.record.decode("ascii", "replace") if lookup.record is not None else None
    domain = verifier.domain.decode("ascii", "replace").lower() if verifier.domain else None
    selector = verifier.selector.decode("ascii", "replace") if isinstance(verifier.selector, bytes) else None
    return DkimCheck(result, domain, selector, record, reason, _failure(result, lookup))


def _failure(result: str, lookup: KeyLookup | StoredKey) -> DkimFailure | None:
    """Only for a signature whose key was asked for: a malformed signature is no key's fault."""
    if result == "fail":
        return DkimFailure.DOES_NOT_VERIFY
    if result == "permerror" and lookup.asked and lookup.record is None and not getattr(lookup, "failure", None):
        return DkimFailure.KEY_NOT_PUBLISHED
    return None
