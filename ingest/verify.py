"""Proof gathered at ingestion for a received evidence message (DKIM, provider results)."""

from __future__ import annotations

from config.settings import Settings
from ingest.message import Message, Proof


def prove(raw: bytes, message: Message, settings: Settings) -> Proof:
    """Placeholder until DKIM and Authentication-Results checks land (issue 4)."""
    return Proof()
