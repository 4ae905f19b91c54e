"""A throwaway Dovecot IMAP server, for the test suite and ``carnet demo``.

It runs Debian's ``dovecot-imapd`` 2.3 as root from its own configuration file in
a folder of the caller's choice: everything it writes (sockets, state, log, mail)
stays under that folder, it listens on 127.0.0.1 on a free port, and it is
stopped with ``doveadm -c FILE stop``.  See ``docs/dovecot-notes.md`` in the
shared documentation for the facts this relies on.

Besides running the server, the class seeds and inspects mailboxes over IMAP
(with imapclient), so tests can prove a sync left the seeker's mailbox unchanged
(:meth:`Dovecot.snapshot`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from imapclient import IMAPClient

__all__ = [
    "DEFAULT_FOLDERS",
    "Dovecot",
    "DovecotError",
    "DovecotUnavailable",
    "OAuth2Passdb",
    "Snapshot",
    "TLSMode",
    "free_port",
    "make_certificates",
    "parse_appenduid",
    "port_open",
]

TLSMode = Literal["ssl", "starttls"]

#: Folders created for every user (besides INBOX) and their SPECIAL-USE role.
DEFAULT_FOLDERS: Mapping[str, str | None] = {
    "Sent": "\\Sent",
    "Drafts": "\\Drafts",
    "Trash": "\\Trash",
    "Junk": "\\Junk",
}

#: folder -> (UIDVALIDITY, sorted [(uid, sorted flags, sha256 hex of BODY[])])
Snapshot = dict[str, tuple[int, list[tuple[int, tuple[str, ...], str]]]]

_FETCH_BATCH = 500
_APPEND_BATCH = 200


@dataclass(frozen=True)
class OAuth2Passdb:
    """Dovecot checks OAuth2 bearer tokens itself, by RFC 7662 introspection.

    With this, SASL ``mechanisms`` (XOAUTH2, OAUTHBEARER) log in with an access
    token that Dovecot POSTs to ``introspection_url``; the answer must say
    ``"active": true`` and name the user in ``"username"``.  ``ca_file`` is the CA
    that Dovecot trusts for an ``https`` introspection URL.  Passwords keep working
    for PLAIN and LOGIN.
    """

    introspection_url: str
    ca_file: str | None = None
    mechanisms: tuple[str, ...] = ("xoauth2", "oauthbearer")

    def conf_text(self) -> str:
        """The ``args =`` file of Dovecot's oauth2 passdb."""
        lines = [
            "introspection_mode = post",
            f"introspection_url = {self.introspection_url}",
            "force_introspection = yes",
            "username_attribute = username",
            "active_attribute = active",
            "active_value = true",
        ]
        if self.ca_file:
            lines.append(f"tls_ca_cert_file = {self.ca_file}")
        return "\n".join(lines) + "\n"


class DovecotError(RuntimeError):
    """Dovecot failed to start, stop or answer."""


class DovecotUnavailable(DovecotError):
    """Dovecot is not installed, or cannot run here (it needs root)."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _find_binary(name: str) -> str | None:
    # /usr/sbin is not always on PATH (e.g. under sudo or in some containers).
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def make_certificates(folder: Path, names: Sequence[str] = ("localhost", "127.0.0.1")) -> tuple[Path, Path, Path]:
    """Write a CA and a server certificate signed by it into ``folder``.

    ``names`` are the server certificate's subject alternative names (IP addresses
    become IP entries).  Returns ``(ca_file, cert_file, key_file)`` as PEM files.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    not_before, not_after = now - dt.timedelta(days=1), now + dt.timedelta(days=365)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Carnet test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    common_name = names[0] if names else "localhost"
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return ca_file, cert_file, key_file


def _quote(value: str) -> str:
    """Quote a string for Dovecot's config parser."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def logged_in(imap: IMAPClient, user: str, password: str) -> Iterator[IMAPClient]:
    """Log in, hand the connection over, and always close it."""
    try:
        imap.login(user, password)
        yield imap
    finally:
        try:
            imap.logout()
        except Exception:
            imap.shutdown()


class ImapSeeding:
    """A local IMAP server's lifecycle and seeding over IMAP; subclasses provide
    `start`, `stop` and `client(user)`."""

    _host: str
    _port: int | None

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The listening port (chosen when first needed, then kept across restarts)."""
        if self._port is None:
            self._port = free_port(self._host)
        return self._port

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def client(self, user: str) -> AbstractContextManager[IMAPClient]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def append(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: Iterable[str | bytes] = (),
        msg_time: dt.datetime | None = None,
    ) -> int | None:
        """APPEND one message; returns its UID (from UIDPLUS APPENDUID)."""
        with self.client(user) as imap:
            answer = imap.append(folder, raw, flags=tuple(flags), msg_time=msg_time)
        return parse_appenduid(answer)

    def create_folder(self, user: str, name: str, *, subscribe: bool = True) -> None:
        with self.client(user) as imap:
            imap.create_folder(name)
            if subscribe:
                imap.subscribe_folder(name)



class Dovecot(ImapSeeding):
    """A Dovecot instance living in ``folder``; use as a context manager or start/stop.

    ``folders`` maps folder names (UTF-8, ``/`` as hierarchy separator) to a
    SPECIAL-USE role such as ``"\\Sent"`` or ``None``; each is created and subscribed
    for every user on first login.  INBOX always exists.  ``tls`` is ``None``
    (plaintext, loopback only), ``"ssl"`` (implicit TLS) or ``"starttls"`` (STARTTLS
    required before login).  ``cert_names`` are the names the generated server
    certificate is valid for (default: ``localhost`` and the listening address):
    pass e.g. ``("wrong.example",)`` to test that clients reject a certificate for
    another host; the CA is at :attr:`ca_file` once started.  ``oauth2`` adds a
    passdb that checks OAuth2 access tokens (see :class:`OAuth2Passdb`).

    ``host`` defaults to 127.0.0.1, but to 127.0.0.2 with TLS: Dovecot deems a
    connection whose local and remote addresses are equal "secured" and then lets
    it log in without TLS, and on Linux a client reaching 127.0.0.2 comes from
    127.0.0.1, so there ``ssl = required`` is really enforced.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        folders: Mapping[str, str | None] | None = None,
        tls: TLSMode | None = None,
        cert_names: Sequence[str] | None = None,
        host: str | None = None,
        port: int | None = None,
        start_timeout: float = 10.0,
        oauth2: OAuth2Passdb | None = None,
    ) -> None:
        if tls not in (None, "ssl", "starttls"):
            raise ValueError(f"tls must be 'ssl', 'starttls' or None, not {tls!r}")
        self.root = Path(folder).resolve()
        self.folders: dict[str, str | None] = dict(DEFAULT_FOLDERS if folders is None else folders)
        self.folders.pop("INBOX", None)
        self.tls: TLSMode | None = tls
        if host is None:
            host = "127.0.0.1" if tls is None else "127.0.0.2"
        self._host = host
        self.cert_names = tuple(cert_names) if cert_names is not None else ("localhost", host)
        self._port = port
        self.start_timeout = start_timeout
        self.oauth2 = oauth2
        self.users: dict[str, str] = {}
        self.config_file = self.root / "dovecot.conf"
        self.passwd_dir = self.root / "passwd.d"
        self.log_file = self.root / "dovecot.log"
        self.mail_dir = self.root / "mail"
        self.ca_file: Path | None = None
        self._running = False
        self._stopping_pid: int | None = None

    # -- properties -----------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        """Write the configuration, start the daemon and wait until the port answers."""
        if self._running:
            return
        dovecot = self._require("dovecot")
        self._prepare()
        # The daemon inherits our stdout/stderr: give it a file, not a pipe, or
        # waiting for the launcher would wait for the daemon's end too.
        output = self.root / "dovecot.out"
        with output.open("wb") as out:
            code = subprocess.call(
                [dovecot, "-c", str(self.config_file)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if code != 0:
            raise DovecotError(
                f"dovecot failed to start (exit {code}): "
                f"{output.read_text(errors='replace').strip()}\n{self._log_tail()}"
            )
        self._running = True
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while not port_open(self._host, self.port):
            if time.monotonic() > deadline:
                self.stop()
                raise DovecotError(
                    f"dovecot did not listen on {self._host}:{self.port} within "
                    f"{self.start_timeout} s\n{self._log_tail()}"
                )
            time.sleep(0.05)
        while self._master_pid() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # master.pid appears just after the port opens

    def stop(self) -> None:
        """Stop the daemon and wait until the port is closed and the master is gone."""
        self._wait_stopped(self._request_stop())

    def _request_stop(self) -> subprocess.Popen[bytes] | None:
        """Ask the daemon to stop (``doveadm stop``) without waiting for it."""
        if not self._running:
            return None
        self._running = False
        atexit.unregister(self.stop)
        self._stopping_pid = self._master_pid()
        doveadm = _find_binary("doveadm")
        if doveadm is None:
            if self._stopping_pid is not None:
                os.kill(self._stopping_pid, signal.SIGTERM)
            return None
        return subprocess.Popen(
            [doveadm, "-c", str(self.config_file), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _wait_stopped(self, proc: subprocess.Popen[bytes] | None, timeout: float = 15) -> None:
        # Dovecot 2.3's master takes ~2.5 s to exit after SIGTERM (it waits for its
        # children); a restart cannot begin before, as master.pid is still taken.
        pid = self._stopping_pid
        deadline = time.monotonic() + timeout
        if proc is not None:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        while (_pid_alive(pid) or port_open(self._host, self.port)) and (time.monotonic() < deadline):
            time.sleep(0.05)
        if pid is not None and _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        if port_open(self._host, self.port):
            raise DovecotError(f"dovecot still listens on {self._host}:{self.port}")

    @staticmethod
    def stop_all(servers: Iterable[Dovecot]) -> None:
        """Stop several servers at once (each takes seconds to exit; this overlaps them)."""
        pending = [(server, server._request_stop()) for server in servers]
        errors: list[DovecotError] = []
        for server, proc in pending:
            try:
                server._wait_stopped(proc)
            except DovecotError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def restart(self) -> None:
        """Stop and start again on the same port; mail is kept."""
        self.stop()
        self.start()

    def reload(self) -> None:
        """Make a running daemon re-read its configuration (``doveadm reload``)."""
        if self._running:
            subprocess.run(
                [self._require("doveadm"), "-c", str(self.config_file), "reload"],
                capture_output=True,
                check=True,
            )

    # -- users --------------------------------------------------------------------------

    def add_user(self, name: str, password: str) -> None:
        """Add (or replace) a user; works before or after :meth:`start`, no reload needed.

        Each user has a passwd-file of its own (``passwd.d/%u``): Dovecot re-reads a
        changed passwd-file at most once a second, so with one shared file a user
        added just after another's login could be refused for up to a second.  A
        replaced password has that delay, so then we wait until Dovecot takes it.
        """
        for field, value in (("name", name), ("password", password)):
            if any(c in value for c in ":\n\r\0") or not value:
                raise ValueError(f"user {field} must be non-empty without ':' or newlines")
        if "/" in name or name.startswith("."):
            raise ValueError("user name must not contain '/' or start with '.'")
        replaced = self.users.get(name) not in (None, password)
        self.users[name] = password
        if self.passwd_dir.exists():
            self._write_passwd(name)
        if replaced and self._running:
            self._wait_password(name, password)

    def _wait_password(self, name: str, password: str, timeout: float = 3.0) -> None:
        doveadm = self._require("doveadm")
        deadline = time.monotonic() + timeout
        while True:
            check = subprocess.run(
                [doveadm, "-c", str(self.config_file), "auth", "test", name, password],
                capture_output=True,
                check=False,
            )
            if check.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise DovecotError(f"Dovecot did not take the new password of {name!r}")
            time.sleep(0.1)

    # -- IMAP helpers -----------------------------------------------------------------

    def ssl_context(self, *, check_hostname: bool = True) -> ssl.SSLContext:
        """A client context trusting only this server's CA (TLS modes only)."""
        if self.ca_file is None:
            raise DovecotError("this server has no TLS certificate (tls=None or not started)")
        context = ssl.create_default_context(cafile=str(self.ca_file))
        context.check_hostname = check_hostname
        return context

    @contextmanager
    def client(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in imapclient connection for ``user`` (hostname not checked)."""
        if user not in self.users:
            raise KeyError(f"unknown user {user!r}; call add_user() first")
        if self.tls is None:
            imap = IMAPClient(self._host, self.port, ssl=False, timeout=30)
        elif self.tls == "ssl":
            imap = IMAPClient(
                self._host,
                self.port,
                ssl=True,
                ssl_context=self.ssl_context(check_hostname=False),
                timeout=30,
            )
        else:
            imap = IMAPClient(self._host, self.port, ssl=False, timeout=30)
            imap.starttls(self.ssl_context(check_hostname=False))
        with logged_in(imap, user, self.users[user]) as session:
            yield session

    def append_many(
        self,
        user: str,
        folder: str,
        messages: Iterable[bytes | tuple[bytes, Iterable[str | bytes], dt.datetime | None]],
        batch: int = _APPEND_BATCH,
    ) -> int:
        """MULTIAPPEND messages in batches over one connection; returns how many.

        Each message is raw bytes, or ``(raw, flags, msg_time)``.
        """
        count = 0
        pending: list[bytes | dict[str, object]] = []
        with self.client(user) as imap:
            for message in messages:
                if isinstance(message, bytes):
                    pending.append(message)
                else:
                    raw, flags, when = message
                    item: dict[str, object] = {"msg": raw, "flags": tuple(flags)}
                    if when is not None:
                        item["date"] = when
                    pending.append(item)
                if len(pending) >= batch:
                    imap.multiappend(folder, pending)
                    count += len(pending)
                    pending = []
            if pending:
                imap.multiappend(folder, pending)
                count += len(pending)
        return count

    def delete_folder(self, user: str, name: str) -> None:
        with self.client(user) as imap:
            imap.unsubscribe_folder(name)
            imap.delete_folder(name)

    def rename_folder(self, user: str, old: str, new: str) -> None:
        with self.client(user) as imap:
            imap.rename_folder(old, new)

    def list_folders(self, user: str) -> dict[str, tuple[str, ...]]:
        """Folder name -> its LIST attributes (e.g. ``("\\HasNoChildren", "\\Sent")``)."""
        with self.client(user) as imap:
            return {name: tuple(a.decode() for a in attributes) for attributes, _delimiter, name in imap.list_folders()}

    def snapshot(self, user: str) -> Snapshot:
        """Everything a sync must not change, read without changing anything.

        Each selectable folder maps to ``(UIDVALIDITY, [(uid, flags, sha256), ...])``
        sorted by UID, where flags are sorted and the hash is of ``BODY.PEEK[]``.
        Folders are opened with EXAMINE.  ``\\Recent`` is left out: it is session
        state that any connection's SELECT clears, not a property of the mailbox.
        """
        result: Snapshot = {}
        with self.client(user) as imap:
            for attributes, _delimiter, name in imap.list_folders():
                if b"\\Noselect" in attributes or b"\\NonExistent" in attributes:
                    continue
                info = imap.select_folder(name, readonly=True)
                uids = sorted(imap.search("ALL"))
                entries: list[tuple[int, tuple[str, ...], str]] = []
                for start in range(0, len(uids), _FETCH_BATCH):
                    chunk = uids[start : start + _FETCH_BATCH]
                    for uid, data in imap.fetch(chunk, ["FLAGS", "BODY.PEEK[]"]).items():
                        flags = tuple(
                            sorted(
                                f.decode() if isinstance(f, bytes) else str(f)
                                for f in data[b"FLAGS"]
                                if f != b"\\Recent"
                            )
                        )
                        digest = hashlib.sha256(data[b"BODY[]"]).hexdigest()
                        entries.append((int(uid), flags, digest))
                if imap.has_capability("UNSELECT"):
                    imap.unselect_folder()
                else:
                    imap.close_folder()
                result[name] = (int(info[b"UIDVALIDITY"]), sorted(entries))
        return result

    # -- internals --------------------------------------------------------------------

    def _require(self, name: str) -> str:
        path = _find_binary(name)
        if path is None:
            raise DovecotUnavailable(
                f"{name} is not installed: run `apt-get update && "
                "DEBIAN_FRONTEND=noninteractive apt-get install -y dovecot-imapd`"
            )
        if os.geteuid() != 0:
            raise DovecotUnavailable("the embedded Dovecot must run as root")
        return path

    def _prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        # Dovecot's login and mail processes run as unprivileged users: every folder
        # on the way to ours must be searchable by "others".
        for parent in self.root.parents:
            if not parent.stat().st_mode & stat.S_IXOTH:
                raise DovecotError(
                    f"{parent} is not searchable by other users (mode "
                    f"{stat.filemode(parent.stat().st_mode)}); Dovecot's unprivileged "
                    "processes cannot reach its folder. Use a folder made with "
                    "tempfile.mkdtemp() and chmod 755."
                )
        for sub in ("run", "state"):
            (self.root / sub).mkdir(exist_ok=True)
        self.mail_dir.mkdir(exist_ok=True)
        shutil.chown(self.mail_dir, "nobody", "nogroup")
        if self.tls is not None and self.ca_file is None:
            self.ca_file, self._cert_file, self._key_file = make_certificates(self.root / "tls", self.cert_names)
        self.passwd_dir.mkdir(exist_ok=True)
        self.passwd_dir.chmod(0o755)
        for name in self.users:
            self._write_passwd(name)
        if self.oauth2 is not None:
            oauth2_file = self.root / "oauth2.conf.ext"
            oauth2_file.write_text(self.oauth2.conf_text(), encoding="utf-8")
            oauth2_file.chmod(0o644)
        self.config_file.write_text(self._config_text(), encoding="utf-8")

    def _write_passwd(self, name: str) -> None:
        path = self.passwd_dir / name
        tmp = self.passwd_dir / f".{name}.tmp"
        tmp.write_text(f"{name}:{{PLAIN}}{self.users[name]}::::\n", encoding="utf-8")
        tmp.chmod(0o644)
        tmp.replace(path)  # atomic: the auth process never sees half a file

    def _config_text(self) -> str:
        r = self.root
        if self.tls is None:
            ssl_lines = ["ssl = no", "disable_plaintext_auth = no"]
        else:
            ssl_lines = [
                "ssl = required",
                f"ssl_cert = <{self._cert_file}",
                f"ssl_key = <{self._key_file}",
                "disable_plaintext_auth = yes",
            ]
        imap_port, imaps_port = (0, self.port) if self.tls == "ssl" else (self.port, 0)
        mailboxes: list[str] = []
        for name, role in self.folders.items():
            mailboxes.append(f"  mailbox {_quote(name)} {{")
            if role:
                mailboxes.append(f"    special_use = {role}")
            mailboxes.append("    auto = subscribe")
            mailboxes.append("  }")
        lines = [
            "# Generated by carnet.demo.dovecot; a throwaway instance.",
            "protocols = imap",
            f"listen = {self._host}",
            f"base_dir = {r / 'run'}",
            f"state_dir = {r / 'state'}",
            f"log_path = {self.log_file}",
            f"info_log_path = {self.log_file}",
            "default_login_user = dovenull",
            "default_internal_user = dovecot",
            "mail_uid = nobody",
            "mail_gid = nogroup",
            "first_valid_uid = 100",
            f"mail_location = maildir:{self.mail_dir}/%u:LAYOUT=fs",
            f"auth_mechanisms = {' '.join(('plain', 'login', *self._oauth2_mechanisms()))}",
            "auth_cache_size = 0",
            "auth_failure_delay = 0",  # tests of rejected passwords need not wait 2 s
            # No statistics: at shutdown, login processes otherwise wait 5 s for a
            # stats-writer handshake that never comes.
            "stats_writer_socket_path =",
            *ssl_lines,
            *self._oauth2_passdb(),
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN {self.passwd_dir}/%u",
            "}",
            "userdb {",
            "  driver = passwd-file",
            f"  args = {self.passwd_dir}/%u",
            "}",
            "namespace inbox {",
            "  inbox = yes",
            "  separator = /",
            *mailboxes,
            "}",
            "service imap-login {",
            "  chroot =",
            # Dovecot's high-performance login mode: login processes are kept and reused
            # rather than forked for every connection, as on a busy mail server.
            "  service_count = 0",
            "  process_min_avail = 2",
            "  inet_listener imap {",
            f"    port = {imap_port}",
            "  }",
            "  inet_listener imaps {",
            f"    port = {imaps_port}",
            "  }",
            "}",
            "service anvil {",
            "  chroot =",
            # No auth penalty: after a failed login from an address, Dovecot delays the
            # next ones from it for seconds, and every test connects from 127.0.0.1.
            "  unix_listener anvil-auth-penalty {",
            "    mode = 0",
            "  }",
            "}",
            "",
        ]
        return "\n".join(lines)

    def _oauth2_mechanisms(self) -> tuple[str, ...]:
        return self.oauth2.mechanisms if self.oauth2 is not None else ()

    def _oauth2_passdb(self) -> list[str]:
        if self.oauth2 is None:
            return []
        return [
            "passdb {",
            "  driver = oauth2",
            f"  mechanisms = {' '.join(self.oauth2.mechanisms)}",
            f"  args = {self.root / 'oauth2.conf.ext'}",
            "}",
        ]

    def _master_pid(self) -> int | None:
        try:
            return int((self.root / "run" / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "log tail:\n" + "\n".join(text.splitlines()[-lines:])


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parse_appenduid(answer: bytes) -> int | None:
    """The UID in an ``[APPENDUID <uidvalidity> <uid>] ...`` response, if any."""
    text = answer.decode(errors="replace")
    if "APPENDUID" not in text:
        return None
    try:
        return int(text.split("APPENDUID", 1)[1].split("]", 1)[0].split()[1])
    except (IndexError, ValueError):
        return None
