"""The proof commands: `show`, `raw`, `verify`, `export`, `verify-export` (registered in carnet.cli)."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from carnet.config.i18n import set_language, t
from carnet.config.settings import load_settings
from carnet.ingest.parse import decode_header_value
from carnet.store.db import transaction
from carnet.store.demarches import DEMARCHES
from carnet.store.models import Event

if TYPE_CHECKING:
    from carnet.runtime import Runtime

err = Console(stderr=True, soft_wrap=True)
SOURCE_HEADERS = ("From", "To", "Date", "Subject", "Message-ID", "Authentication-Results")
DATE_FORMATS = ["%Y-%m-%d"]


def _runtime() -> Runtime:  # imported lazily, as in carnet.cli
    from carnet.runtime import open_runtime

    return open_runtime()


def _fail(message: str, code: int = 1) -> None:
    err.print(f"carnet: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        _fail(t("event_unknown", id=event_id))
    return event


def show(event_id: Annotated[int, typer.Argument(metavar="EVENT", help=t("opt_event"))]) -> None:
    """Print one entry with its source headers and how it was verified."""
    runtime = _runtime()
    with transaction(runtime.factory) as session:
        lines = describe_event(_event(session, event_id))
    for line in lines:
        typer.echo(line)


def describe_event(event: Event) -> list[str]:
    """The entry, its chain link, its original's headers and its proofs, one line each."""
    source = event.source
    raw = zlib.decompress(source.raw)
    intact = hashlib.sha256(raw).hexdigest() == source.sha256
    pourquoi = DEMARCHES.get(event.demarche or "", ("", "", ""))
    return [
        t("show_entry", id=event.id, seq=event.seq, date=event.date or "?", kind=event.kind),
        t("show_fields", company=event.company or "—", position=event.position or "—", channel=event.channel,
          demarche=event.demarche or "—", label=pourquoi[2] or "—"),
        t("show_verification", level=t(f"verification_{event.verification}")),
        t("show_chain", hash=event.hash, prev=event.prev_hash),
        t("show_source", sha256=source.sha256, state=t("show_intact" if intact else "show_altered")),
        *(f"  {name}: {value}" for name, value in source_headers(raw)),
        *dkim_lines(event),
    ]


def source_headers(raw: bytes) -> list[tuple[str, str]]:
    """The headers a controller looks at, decoded, in message order (every A-R header)."""
    message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return [
        (name, " ".join(decode_header_value(str(value)).split()))
        for name in SOURCE_HEADERS
        for value in message.get_all(name) or []
    ]


def dkim_lines(event: Event) -> list[str]:
    source = event.source
    if not source.dkim_result:
        lines = [t("show_dkim_unchecked")]
    elif source.dkim_result == "none":
        lines = [t("show_dkim_unsigned")]
    else:
        lines = [t("show_dkim", result=source.dkim_result, domain=source.dkim_domain or "—",
                   selector=source.dkim_selector or "—", aligned=_yes_no(source.dkim_aligned))]
    if source.dkim_key_record:
        lines.append(t("show_key", record=source.dkim_key_record))
    if source.dkim_failure:
        lines.append(t(f"show_dkim_{source.dkim_failure}", recorded=source.recorded_at.date().isoformat(),
                       sent=source.sent_at.date().isoformat() if source.sent_at else "?"))
    lines.append(t("show_provider", header=source.auth_results) if source.auth_results else t("show_provider_none"))
    return lines


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else t("yes" if value else "no")


def raw(event_id: Annotated[int, typer.Argument(metavar="EVENT", help=t("opt_event"))]) -> None:
    """Write the original message, byte for byte, to standard output."""
    runtime = _runtime()
    with transaction(runtime.factory) as session:
        data = zlib.decompress(_event(session, event_id).source.raw)
    stdout = typer.get_binary_stream("stdout")
    stdout.write(data)
    stdout.flush()


def verify(
    seeker: Annotated[str | None, typer.Option(help=t("opt_seeker_all"))] = None,
) -> None:
    """Recompute each seeker's hash chain, sources and DKIM proofs; exit 1 on any break."""
    from carnet.store.integrity import verify_chains

    runtime = _runtime()
    with transaction(runtime.factory) as session:
        reports = verify_chains(session, seeker)
    if seeker is not None and not reports:
        _fail(t("verify_no_seeker", seeker=seeker))
    for report in reports:
        head = report.head or "—"
        if report.intact:
            typer.echo(t("verify_intact", seeker=report.seeker, count=report.entries, head=head))
            continue
        typer.echo(t("verify_broken", seeker=report.seeker, count=len(report.breaks), entries=report.entries,
                     head=head))
        for item in report.breaks:
            typer.echo(f"  - {item.describe()}")
    raise typer.Exit(0 if all(report.intact for report in reports) else 1)


def export(
    start: Annotated[datetime, typer.Option("--from", formats=DATE_FORMATS, help=t("opt_from"))],
    end: Annotated[datetime, typer.Option("--to", formats=DATE_FORMATS, help=t("opt_to"))],
    out: Annotated[Path, typer.Option(help=t("opt_out"))],
    mailbox: Annotated[int | None, typer.Option(help=t("opt_mailbox"))] = None,
    seeker: Annotated[str | None, typer.Option(help=t("opt_seeker"))] = None,
) -> None:
    """Write the export for a controller: PDF report, logbook.csv, originals, démarches, manifest."""
    from carnet.export import Scope, write_export

    if mailbox is not None and seeker is not None:
        _fail("--mailbox / --seeker: choose one.")
    if start > end:
        _fail(t("export_bad_period", start=start.date(), end=end.date()))
    runtime = _runtime()
    scope = Scope(start.date(), end.date(), mailbox, seeker)
    with transaction(runtime.factory) as session:
        entries, files = write_export(session, scope, out)
    typer.echo(t("export_written", path=out, events=entries, files=files))


def verify_export(
    path: Annotated[Path, typer.Argument(metavar="FILE.zip", help=t("opt_export_file"))],
) -> None:
    """Check an export offline: manifest, originals, chain, DKIM signatures; exit 1 on failure."""
    from carnet.export import verify_export as check_export

    set_language(load_settings().lang)
    try:
        check = check_export(path)
    except (OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError) as exc:
        _fail(t("export_unreadable", detail=f"{type(exc).__name__}: {exc}"))
    if check.ok:
        typer.echo(t("export_ok", files=check.files, entries=check.entries, dkim=check.dkim))
        return
    typer.echo(t("export_failed", count=len(check.problems)))
    for problem in check.problems:
        typer.echo(f"  - {problem}")
    raise typer.Exit(1)
