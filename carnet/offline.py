"""`carnet classify`: message files in, one JSON verdict per file out. No database, no network."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from carnet import classify
from carnet.classify.evidence import Context, Evidence
from carnet.config.i18n import t
from carnet.config.settings import load_settings
from carnet.ingest.message import Message, ParseError
from carnet.ingest.parse import parse_message

CHUNK = 64


def classify_files(paths: Iterable[Path], me: frozenset[str]) -> Iterator[dict[str, Any]]:
    """Verdicts in input order; unreadable files get an `error` and the others go on."""
    threshold = load_settings().evidence_threshold
    iterator = iter(paths)
    while chunk := list(islice(iterator, CHUNK)):
        loaded = [(path, _load(path)) for path in chunk]
        messages = [m for _, m in loaded if isinstance(m, Message)]
        verdicts = iter(classify.classify_many(messages, [Context(me=me)] * len(messages), threshold))
        for path, loaded_message in loaded:
            if isinstance(loaded_message, Message):
                yield verdict_json(str(path), next(verdicts))
            else:
                yield {"file": str(path), "error": loaded_message}


def _load(path: Path) -> Message | str:
    try:
        return parse_message(path.read_bytes())
    except (OSError, ParseError) as exc:
        return t("file_error", detail=str(exc))


def verdict_json(file: str, evidence: Evidence) -> dict[str, Any]:
    return {
        "file": file,
        "kind": evidence.kind.value,
        "company": evidence.company,
        "position": evidence.position,
        "date": evidence.date.isoformat() if evidence.date else None,
        "confidence": round(evidence.confidence, 3),
    }
