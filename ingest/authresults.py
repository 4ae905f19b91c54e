"""Authentication-Results (RFC 8601) from the receiving provider, read with authres.

Anyone can write an Authentication-Results header into a message before sending
it; only the one the seeker's own provider added can be believed. A provider
adds its header on top, so only the *topmost* header is read, and only when its
authserv-id is one of `settings.trusted_authserv_ids`: a header lower down, or
from another id, is ignored whatever it claims.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from collections.abc import Iterable
from dataclasses import dataclass

import authres

_FOLD = re.compile(r"\r?\n(?=[ \t])")


@dataclass(frozen=True)
class ProviderResults:
    """The trusted topmost header: its text, who added it, and whom it saw DKIM-pass."""

    header: str
    authserv_id: str
    dkim_pass_domains: tuple[str, ...]


def topmost_header(raw: bytes) -> str | None:
    """The first Authentication-Results header of the message, unfolded, or None."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    values = headers.get_all("Authentication-Results") or []
    return _FOLD.sub("", str(values[0])).strip() if values else None


def trusted_results(raw: bytes, trusted_ids: Iterable[str]) -> ProviderResults | None:
    """The topmost header's results when a trusted authserv-id added it, else None."""
    header = topmost_header(raw)
    if header is None:
        return None
    try:
        parsed = authres.AuthenticationResultsHeader.parse_value(header)
    except authres.AuthResError:
        return None
    if parsed.authserv_id.lower() not in {item.lower() for item in trusted_ids}:
        return None
    return ProviderResults(header, parsed.authserv_id, _dkim_pass_domains(parsed.results))


def _dkim_pass_domains(results: Iterable[authres.core.AuthenticationResult]) -> tuple[str, ...]:
    """Signing domains of dkim=pass results: header.d, else the domain of header.i."""
    domains = []
    for result in results:
        if result.method != "dkim" or result.result != "pass":
            continue
        domain = getattr(result, "header_d", None) or (getattr(result, "header_i", None) or "").rpartition("@")[2]
        if domain:
            domains.append(domain.lower())
    return tuple(domains)
