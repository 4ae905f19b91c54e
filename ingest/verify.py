"""Proof of a received evidence message (DKIM, provider results), at ingestion and offline later.

Levels, strongest first (`ProofLevel`): ``dkim`` (a signature we verified
ourselves, aligned with the From domain or one of the employer's known domains),
``provider`` (the seeker's trusted provider says dkim=pass for an aligned
domain), ``none``. ``thread`` is decided later, by the store, which knows the
seeker's sent mail.

`prove` is the one way to prove a message, whatever its size: whole bytes in
memory, a message streamed in pieces (checked whole when it fits
`ProofPolicy.max_message_bytes`, else from its header), or only its header.
`recheck_dkim` is the one offline re-check of a stored DKIM pass, shared by
`carnet verify` and `carnet verify-export`.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from carnet.ingest.alignment import aligned
from carnet.ingest.authresults import ProviderResults, trusted_results
from carnet.ingest.message import Message, Proof, ProofLevel

if TYPE_CHECKING:
    from carnet.config.settings import Settings
    from carnet.ingest.dkim_check import DkimCheck
    from carnet.ingest.fetch import Streamed

DEFAULT_AUTHSERV_IDS = ("mx.google.com", "outlook.com", "mx.microsoft.com")


@dataclass(frozen=True)
class ProofPolicy:
    """What proving needs to know: whose results to believe, which resolvers, how much fits in memory."""

    trusted_authserv_ids: tuple[str, ...] = DEFAULT_AUTHSERV_IDS
    dns_servers: tuple[str, ...] = ()
    max_message_bytes: int = 25_000_000

    @classmethod
    def of(cls, settings: Settings) -> ProofPolicy:
        """The policy part of the settings."""
        return cls(tuple(settings.trusted_authserv_ids), tuple(settings.dns_servers),
                   int(settings.max_message_bytes))


@dataclass(frozen=True)
class HeaderOnly:
    """Only a message's header is at hand: DKIM cannot be checked, the provider's results can."""

    header: bytes


def prove(source: bytes | Streamed | HeaderOnly, message: Message, policy: ProofPolicy,
          employer_domains: Iterable[str] = ()) -> Proof:
    """The proof a received message carries; never raises."""
    domains = (message.sender.domain if message.sender else None, *employer_domains)
    raw = _whole(source, policy)
    if raw is None:
        return _provider_proof(source.header, policy, domains)
    from carnet.ingest.dkim_check import check_all  # dkimpy and dnspython only load when a message is proved

    check = best_check(check_all(raw, policy.dns_servers), domains)
    provider = trusted_results(raw, policy.trusted_authserv_ids)
    is_aligned = aligned(check.domain, domains) if check.domain else None
    return Proof(
        level=level_of(check.result, bool(is_aligned), provider, domains),
        auth_results=provider.header if provider else None,
        dkim_result=check.result,
        dkim_domain=check.domain,
        dkim_selector=check.selector,
        dkim_key_record=check.key_record,
        dkim_aligned=is_aligned,
        dkim_failure=check.failure,
    )


def _whole(source: bytes | Streamed | HeaderOnly, policy: ProofPolicy) -> bytes | None:
    """The whole message's bytes when DKIM can be checked over them in memory."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, HeaderOnly) or source.size > policy.max_message_bytes:
        return None
    return zlib.decompress(source.compressed)


def _provider_proof(header: bytes, policy: ProofPolicy, domains: Sequence[str | None]) -> Proof:
    """For a very large message only the provider's results are read: DKIM would need it whole in memory."""
    provider = trusted_results(header, policy.trusted_authserv_ids)
    return Proof(level=level_of("none", False, provider, domains),
                 auth_results=provider.header if provider else None)


def best_check(checks: Sequence[DkimCheck], domains: Sequence[str | None]) -> DkimCheck:
    """The signature that proves most: passing and aligned, then passing, then the topmost."""

    def strength(check: DkimCheck) -> int:
        return (check.result == "pass") + (check.result == "pass" and aligned(check.domain, domains))

    return max(checks, key=strength)


def level_of(dkim_result: str, is_aligned: bool, provider: ProviderResults | None,
             domains: Sequence[str | None]) -> ProofLevel:
    if dkim_result == "pass" and is_aligned:
        return ProofLevel.DKIM
    if provider and any(aligned(domain, domains) for domain in provider.dkim_pass_domains):
        return ProofLevel.PROVIDER
    return ProofLevel.NONE


# -- offline re-check ----------------------------------------------------------------


class RecheckFailure(StrEnum):
    NO_KEY_RECORD = "no_key_record"
    DOES_NOT_VERIFY = "does_not_verify"
    NOT_ALIGNED = "not_aligned"


@dataclass(frozen=True)
class StoredDkim:
    """A DKIM result as stored at ingestion, with the key record it was checked against."""

    result: str | None
    domain: str | None
    selector: str | None
    key_record: str | None


@dataclass(frozen=True)
class RecheckProblem:
    failure: RecheckFailure
    check: DkimCheck | None = None


def claims_dkim(verification: str, dkim_result: str | None) -> bool:
    """An entry proved by DKIM, or whose stored DKIM result is a pass: what `recheck_dkim` re-checks."""
    return verification == ProofLevel.DKIM or dkim_result == "pass"


def recheck_dkim(raw: bytes, verification: str, stored: StoredDkim) -> RecheckProblem | None:
    """Why a claimed DKIM proof no longer holds offline; None when it holds or none is claimed."""
    if not claims_dkim(verification, stored.result):
        return None
    if not (stored.domain and stored.selector and stored.key_record):
        return RecheckProblem(RecheckFailure.NO_KEY_RECORD)
    from carnet.ingest.dkim_check import check_offline

    check = check_offline(raw, stored.domain, stored.selector, stored.key_record)
    if check.result != "pass":
        return RecheckProblem(RecheckFailure.DOES_NOT_VERIFY, check)
    if verification == ProofLevel.DKIM and not aligned(check.domain, [from_domain(raw)]):
        return RecheckProblem(RecheckFailure.NOT_ALIGNED, check)
    return None


def from_domain(raw: bytes) -> str | None:
    """The From domain as the signed headers say, not as a database column says."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    address = email.utils.parseaddr(str(headers.get("From", "")))[1]
    return address.rpartition("@")[2].lower() or None
