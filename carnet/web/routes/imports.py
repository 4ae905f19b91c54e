"""Importing a mailbox file from the web: the seeker uploads an mbox, a worker imports it.

The upload is copied to the data folder in chunks (the multipart parser has
already spooled it to a temporary file, never whole in memory), refused past
CARNET_MAX_UPLOAD_BYTES, then queued as a job (`store.import_jobs`); `carnet
run` imports it (`carnet.importing.run_queued_import`) and deletes the file. The
page shows each upload's state; it never imports anything itself.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Annotated, BinaryIO

from fastapi import APIRouter, File, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from carnet.config.settings import Settings
from carnet.store.import_jobs import queue_import, seeker_import_jobs
from carnet.web.auth import SeekerOnly, seeker_id
from carnet.web.deps import Database
from carnet.web.templating import render

router = APIRouter()

CHUNK = 1024 * 1024
UPLOADS = "uploads"


class _TooLarge(Exception):
    pass


@router.get("/boite/importer")
def imports(account: SeekerOnly, request: Request, db: Database, done: str | None = None) -> Response:
    return _page(request, db, account, done=done if done == "queued" else None)


@router.post("/boite/importer")
def upload(account: SeekerOnly, request: Request, db: Database,
           mailbox_file: Annotated[UploadFile | None, File()] = None) -> Response:
    settings: Settings = request.app.state.runtime.settings
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_upload_bytes + CHUNK:
        return _page(request, db, account, 413, error="import_too_large")
    if mailbox_file is None or not mailbox_file.filename:
        return _page(request, db, account, 400, error="import_no_file")
    folder = settings.data_dir / UPLOADS
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.mbox"
    try:
        size = _copy(mailbox_file.file, target, settings.max_upload_bytes)
    except _TooLarge:
        target.unlink(missing_ok=True)
        return _page(request, db, account, 413, error="import_too_large")
    if not _is_mbox(target):
        target.unlink(missing_ok=True)
        return _page(request, db, account, 400, error="import_not_mbox")
    queue_import(db, seeker_id(account), Path(mailbox_file.filename).name, str(target), size)
    return RedirectResponse("/boite/importer?done=queued", status_code=303)


def _copy(source: BinaryIO, target: Path, limit: int) -> int:
    """Copy in chunks to a file only the owner can read; _TooLarge past `limit` bytes."""
    size = 0
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _TooLarge()
            out.write(chunk)
    return size


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _page(request: Request, db: Database, account: SeekerOnly, status_code: int = 200, **context: object) -> Response:
    settings: Settings = request.app.state.runtime.settings
    return render(request, "imports.html", status_code=status_code, active="boite",
                  jobs=seeker_import_jobs(db, seeker_id(account)),
                  limit_mb=settings.max_upload_bytes // 2**20, **context)
