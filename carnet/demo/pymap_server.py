"""A fallback embedded IMAP server for ``carnet demo`` when Dovecot is not available.

It runs pymap's in-memory ``dict`` backend in a subprocess on 127.0.0.1 and a free
port, with one user.  pymap does not offer SPECIAL-USE, so folder roles cannot be
advertised: the demo's sent folder is simply named ``Sent`` and must be found by
its name.  Everything is lost when the server stops.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO

from imapclient import IMAPClient

from carnet.demo.dovecot import ImapSeeding, logged_in, port_open

__all__ = ["PymapError", "PymapServer"]

# pymap has no ``__main__``; its console script calls pymap.main.main().
_LAUNCH = "import sys; from pymap.main import main; sys.argv[0] = 'pymap'; main()"


class PymapError(RuntimeError):
    """pymap is missing or did not start."""


class PymapServer(ImapSeeding):
    """pymap in a subprocess, with the same minimal interface as :class:`Dovecot`.

    ``folders`` are created at start besides INBOX (default: ``Sent``; a mapping of
    names to roles is accepted too, and its roles ignored).  There is one user,
    ``user``/``password`` (see :meth:`add_user`).
    """

    def __init__(
        self,
        user: str = "demo",
        password: str = "demo",
        *,
        folders: Iterable[str] = ("Sent",),
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout: float = 15.0,
    ) -> None:
        self.user = user
        self.password = password
        self.folders = tuple(folders)
        self._host = host
        self._port = port
        self.start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def users(self) -> dict[str, str]:
        return {self.user: self.password}

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start pymap, wait until it answers, then create the folders."""
        if self.running:
            return
        try:
            import pymap  # noqa: F401
        except ImportError as exc:
            raise PymapError("pymap is not installed: pip install pymap") from exc
        command = [
            sys.executable,
            "-c",
            _LAUNCH,
            "--no-service",
            "admin",
            "--no-service",
            "managesieve",
            "--host",
            self._host,
            "--port",
            str(self.port),
            "--no-tls",
            "dict",
            "--demo-user",
            self.user,
            "--demo-password",
            self.password,
        ]
        # Its output goes to an anonymous file, not a pipe nobody would drain.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open until stop()
        self._proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.start_timeout
        while not port_open(self._host, self.port):
            if self._proc.poll() is not None:
                self._proc = None
                raise PymapError(f"pymap exited at start: {self._output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise PymapError(f"pymap did not listen on {self._host}:{self.port}")
            time.sleep(0.05)
        with self.client(self.user) as imap:
            for name in self.folders:
                if not imap.folder_exists(name):
                    imap.create_folder(name)
                    imap.subscribe_folder(name)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace").strip()[-2000:]

    def add_user(self, name: str, password: str) -> None:
        """Make ``name`` the server's one user (pymap's dict backend has only one).

        Before :meth:`start` this just sets it; on a running server whose user is
        different it restarts pymap, and mail appended so far is lost.
        """
        if (name, password) == (self.user, self.password):
            return
        self.user, self.password = name, password
        if self.running:
            self.stop()
            self.start()

    @contextmanager
    def client(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in imapclient connection."""
        imap = IMAPClient(self._host, self.port, ssl=False, timeout=30)
        with logged_in(imap, user, self.users.get(user, "")) as session:
            yield session
