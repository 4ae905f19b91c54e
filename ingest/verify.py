"""Proof gathered at ingestion for a received evidence message (DKIM, provider results).

Levels, strongest first: ``dkim`` (a signature we verified ourselves, aligned
with the From domain or one of the employer's known domains), ``provider``
(the seeker's trusted provider says dkim=pass for an aligned domain), ``none``.
``thread`` is decided later, by the store, which knows the seeker's sent mail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from carnet.config.settings import Settings
from carnet.ingest.alignment import aligned
from carnet.ingest.authresults import ProviderResults, trusted_results
from carnet.ingest.dkim_check import DkimCheck, check_all
from carnet.ingest.message import Message, Proof


def prove(raw: bytes, message: Message, settings: Settings, employer_domains: Iterable[str] = ()) -> Proof:
    """Check DKIM against live DNS and read the trusted Authentication-Results; never raises."""
    domains = (message.sender.domain if message.sender else None, *employer_domains)
    check = best_check(check_all(raw, settings.dns_servers), domains)
    provider = trusted_results(raw, settings.trusted_authserv_ids)
    is_aligned = aligned(check.domain, domains) if check.domain else None
    return Proof(
        level=level_of(check, bool(is_aligned), provider, domains),
        auth_results=provider.header if provider else None,
        dkim_result=check.result,
        dkim_domain=check.domain,
        dkim_selector=check.selector,
        dkim_key_record=check.key_record,
        dkim_aligned=is_aligned,
    )


def best_check(checks: Sequence[DkimCheck], domains: Sequence[str | None]) -> DkimCheck:
    """The signature that proves most: passing and aligned, then passing, then the topmost."""

    def strength(check: DkimCheck) -> int:
        return (check.result == "pass") + (check.result == "pass" and aligned(check.domain, domains))

    return max(checks, key=strength)


def level_of(
    check: DkimCheck, is_aligned: bool, provider: ProviderResults | None, domains: Sequence[str | None]
) -> str:
    if check.result == "pass" and is_aligned:
        return "dkim"
    if provider and any(aligned(domain, domains) for domain in provider.dkim_pass_domains):
        return "provider"
    return "none"
