"""The per-seeker hash chain that makes the logbook tamper-evident.

Each event's hash covers its own content, the SHA-256 of its source message and
the previous event's hash; changing, removing or inserting an entry breaks every
later link, and `carnet verify` names where.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "seq",
    "kind",
    "date",
    "company",
    "position",
    "verification",
    "confidence",
    "channel",
    "application_type",
    "demarche",
)


def event_content(event: Any) -> dict[str, Any]:
    """The chained fields of an event, in a canonical, JSON-ready form."""
    content = {}
    for name in CHAINED_FIELDS:
        value = getattr(event, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, float):
            value = round(value, 6)
        content[name] = value
    return content


def event_hash(prev_hash: str, content: dict[str, Any], source_sha256: str) -> str:
    payload = json.dumps(
        {"prev": prev_hash, "source": source_sha256, "event": content},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
