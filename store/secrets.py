"""Mailbox secrets encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256)."""

from __future__ import annotations

from carnet.config.settings import SettingsError
from carnet.store.models import Mailbox
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session


class SecretError(Exception):
    """A secret cannot be decrypted: the key is not the one it was stored under."""


def _fernet(key: str, setting: str = "CARNET_SECRET_KEY") -> Fernet:
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError):
        raise SettingsError(
            f"{setting}: not a valid key (32 url-safe base64-encoded bytes); generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        ) from None


def encrypt(key: str, secret: str) -> bytes:
    return _fernet(key).encrypt(secret.encode("utf-8"))


def decrypt(key: str, token: bytes) -> str:
    try:
        return _fernet(key).decrypt(token).decode("utf-8")
    except InvalidToken:
        raise SecretError("cannot decrypt a mailbox secret: CARNET_SECRET_KEY is not its key") from None


def readable(key: str, token: bytes) -> bool:
    """Whether `token` decrypts under `key` (a secret stored under another key does not)."""
    try:
        decrypt(key, token)
    except SecretError:
        return False
    return True


def rotate_key(session: Session, old_key: str, new_key: str) -> int:
    """Re-encrypt every mailbox secret under `new_key`; return how many."""
    rotator = MultiFernet([_fernet(new_key, "new key"), _fernet(old_key)])
    count = 0
    for mailbox in session.scalars(select(Mailbox)):
        try:
            mailbox.secret = rotator.rotate(mailbox.secret)
        except InvalidToken:
            raise SecretError(f"mailbox {mailbox.id}: its secret is not under the current key") from None
        count += 1
    return count
