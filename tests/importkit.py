"""Mailbox files for import tests: the same messages as a Google Takeout mbox, a Maildir++, `.eml` files."""

from __future__ import annotations

import re
from pathlib import Path

from mailgen import Mail

FOLDER_OF = {"INBOX": "Inbox", "Sent": "Sent", "Archive": "Archive"}


def unique_messages(mails: list[Mail]) -> dict[bytes, list[str]]:
    """Each distinct message with the folders it is in (Gmail: one message, several labels)."""
    found: dict[bytes, list[str]] = {}
    for mail in mails:
        found.setdefault(mail.raw, []).append(mail.folder)
    return found


def takeout_mbox(path: Path, mails: list[Mail]) -> Path:
    """As Google Takeout writes it: From lines, X-GM-THRID and X-Gmail-Labels first, LF, mboxrd quoting."""
    with path.open("wb") as out:
        for index, (raw, folders) in enumerate(unique_messages(mails).items()):
            labels = ",".join(["Opened", *(FOLDER_OF[f] for f in folders), "Category Updates"])
            body = re.sub(rb"(?m)^(>*From )", rb">\1", raw.replace(b"\r\n", b"\n"))
            out.write(b"From 17%016d@xxx Mon Jan 06 09:00:00 +0000 2025\n" % index)
            out.write(b"X-GM-THRID: 17%016d\nX-Gmail-Labels: %s\n" % (index, labels.encode()))
            out.write(body + (b"" if body.endswith(b"\n") else b"\n") + b"\n")
    return path


def maildir(root: Path, mails: list[Mail]) -> Path:
    """Maildir++: INBOX at the root, `.Sent` and `.Archive` beside it, messages as the server wrote them."""
    for index, mail in enumerate(mails):
        folder = root if mail.folder == "INBOX" else root / f".{mail.folder}"
        for part in ("cur", "new", "tmp"):
            (folder / part).mkdir(parents=True, exist_ok=True)
        (folder / "cur" / f"1736150400.M{index}P1.carnet:2,S").write_bytes(mail.raw)
    return root


def eml_folder(root: Path, mails: list[Mail]) -> Path:
    for index, mail in enumerate(mails):
        (root / mail.folder).mkdir(parents=True, exist_ok=True)
        (root / mail.folder / f"{index:04d}.eml").write_bytes(mail.raw)
    return root


def thunderbird(root: Path, mails: list[Mail]) -> Path:
    """A Thunderbird "Local Folders": one mbox file per folder (mboxo quoting, LF), `.msf` indexes beside them."""
    root.mkdir(parents=True)
    for folder in sorted({mail.folder for mail in mails}):
        name = {"INBOX": "Inbox"}.get(folder, folder)
        with (root / name).open("wb") as out:
            for mail in (m for m in mails if m.folder == folder):
                body = re.sub(rb"(?m)^From ", rb">From ", mail.raw.replace(b"\r\n", b"\n"))
                ending = b"\n" if body.endswith(b"\n") else b"\n\n"
                out.write(b"From - Mon Jan 06 09:00:00 2025\n" + body + ending)
        (root / f"{name}.msf").write_bytes(b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
    return root
