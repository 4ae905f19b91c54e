"""Organizational domains and DMARC-style relaxed alignment (RFC 7489 §3.2).

A DKIM signature proves who signed; it proves who *wrote* only when the signing
domain and the From domain share an organizational domain (``mail.acme.fr`` and
``acme.fr`` do; ``acme.fr`` and ``acme.com`` do not). The organizational domain
is found with the Public Suffix List shipped by Debian's ``publicsuffix``
package; without it, the last two labels stand in for it (right for ``.fr``,
``.com`` and most addresses a job seeker meets, wrong for ``co.uk``-style
suffixes, which then simply fail to align).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PUBLIC_SUFFIX_LIST = Path("/usr/share/publicsuffix/public_suffix_list.dat")


@dataclass(frozen=True)
class _SuffixRules:
    exact: frozenset[str]
    wildcard: frozenset[str]  # "*.ck" stored as "ck"
    exception: frozenset[str]  # "!www.ck" stored as "www.ck"


@cache
def _rules(path: Path = PUBLIC_SUFFIX_LIST) -> _SuffixRules | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    names = [line.split()[0].lower() for line in lines if line.strip() and not line.startswith("//")]
    return _SuffixRules(
        exact=frozenset(n for n in names if n[0] not in "*!"),
        wildcard=frozenset(n[2:] for n in names if n.startswith("*.")),
        exception=frozenset(n[1:] for n in names if n.startswith("!")),
    )


def _suffix_length(labels: list[str], rules: _SuffixRules) -> int:
    """How many trailing labels form the public suffix (the PSL algorithm)."""
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in rules.exception:
            return len(labels) - start - 1
        parent = ".".join(labels[start + 1 :])
        if candidate in rules.exact or (start + 1 < len(labels) and parent in rules.wildcard):
            return len(labels) - start
    return 1


def organizational_domain(domain: str) -> str:
    """The registrable domain: ``rh.mail.acme.co.uk`` → ``acme.co.uk``."""
    labels = domain.lower().strip(".").split(".")
    rules = _rules()
    suffix = _suffix_length(labels, rules) if rules else 1
    return ".".join(labels[-(suffix + 1) :])


def aligned(signing_domain: str | None, domains: Iterable[str | None]) -> bool:
    """Relaxed alignment: the signer shares an organizational domain with one of `domains`."""
    if not signing_domain:
        return False
    signer = organizational_domain(signing_domain)
    return any(domain and organizational_domain(domain) == signer for domain in domains)
