"""A 50 MB application is classified from its text parts, stored whole, with bounded memory.

The sync runs as `carnet sync` in a subprocess of its own, which reports its peak
resident memory (`VmHWM`) at exit, on SQLite then PostgreSQL. `ru_maxrss` from
`wait4` would not do: Linux carries the parent's high-water mark over `exec`, and
the parent here is pytest with spaCy loaded and the 50 MB message in memory.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zlib
from pathlib import Path

import mailgen
import pytest
import synckit
from carnet.store.db import transaction
from carnet.store.models import Event, MessageLocation, SourceMessage
from conftest import ImapAccount
from sqlalchemy import select

MB = 1024 * 1024
RSS_BOUND_KB = 400 * 1024


@pytest.mark.slow
def test_a_50_mb_application_is_recorded_whole_with_bounded_memory(
    tmp_path: Path, imap_user: ImapAccount, db_url: str
) -> None:
    raw = mailgen.big_application(50 * MB)
    for folder in ("Sent", "Archive"):  # the same bytes twice: one event, two locations
        if folder != "Sent":
            imap_user.server.create_folder(imap_user.user, folder)
        imap_user.server.append_many(imap_user.user, folder, [raw])
    rt = synckit.runtime(db_url, tmp_path / "data")
    mailbox_id = synckit.link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password)

    status, peak_kb, errors = _sync_subprocess(rt.settings.database_url, tmp_path / "data")

    assert status == 0, errors
    assert peak_kb <= RSS_BOUND_KB, f"peak RSS {peak_kb // 1024} MB"
    with transaction(rt.factory) as session:
        event = session.scalars(select(Event)).one()
        source = session.get(SourceMessage, event.source_message_id)
        locations = session.scalars(select(MessageLocation.folder)).all()
        stored = zlib.decompress(source.raw)
    assert event.kind == "application"
    assert source.sha256 == hashlib.sha256(raw).hexdigest() and stored == raw
    assert sorted(locations) == ["Archive", "Sent"]
    synckit.assert_chain_intact(rt.factory)
    assert synckit.sync(rt, mailbox_id).errors == []  # a second pass finds nothing new
    assert synckit.entries(rt.factory) == {("application", event.company, event.position, event.date,
                                            "big-1@example.org"): 1}


#: `python -m carnet ARGS`, writing the process's peak RSS in kB to argv[1] at exit.
_MEASURED = """
import atexit, re, runpy, sys
from pathlib import Path
out = Path(sys.argv.pop(1))
def peak():
    status = Path("/proc/self/status").read_text()
    out.write_text(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
atexit.register(peak)
sys.argv[0] = "carnet"
runpy.run_module("carnet", run_name="__main__")
"""


def _sync_subprocess(database_url: str, data_dir: Path) -> tuple[int, int, str]:
    """Exit status, peak RSS (kB) and stderr of one `carnet sync`."""
    env = {**os.environ, "CARNET_DATABASE_URL": database_url, "CARNET_DATA_DIR": str(data_dir),
           "CARNET_CONFIG": str(data_dir / "absent.toml")}
    peak = data_dir / "peak"
    result = subprocess.run([sys.executable, "-c", _MEASURED, str(peak), "sync"], env=env, cwd=synckit.REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, timeout=600)
    return result.returncode, int(peak.read_text()), result.stderr.decode(errors="replace")
