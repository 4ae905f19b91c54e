"""Running the `carnet` command as a user does: a subprocess with the test's environment.

The password always travels on stdin; the command line built here never holds it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from carnet.config.settings import load_settings
from carnet.store.db import transaction
from carnet.store.models import Mailbox, Seeker
from sqlalchemy import func, select

from carnet.runtime import open_runtime

TIMEOUT = 120


def carnet_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment (data folder, key, database), English messages, a wide-open config."""
    env = {**os.environ, "CARNET_LANG": "en", "CARNET_CONFIG": os.devnull, **(extra or {})}
    env.pop("COLUMNS", None)  # the command's output must be one line at Rich's default width too
    return env


def carnet(
    *args: str, stdin: str = "", env: Mapping[str, str] | None = None, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m carnet ARGS` with `stdin` on its standard input (and `umask`, to test file modes)."""
    return subprocess.run(
        carnet_argv(*args),
        input=stdin,
        capture_output=True,
        text=True,
        env=carnet_env(env),
        timeout=TIMEOUT,
        preexec_fn=None if umask is None else lambda: os.umask(umask),
    )


def carnet_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "carnet", *args]


def link_args(host: str, port: int, user: str, security: str = "plain", seeker: str | None = None) -> list[str]:
    """The arguments of `carnet link` reading the password from stdin."""
    args = ["link", "--host", host, "--port", str(port), "--user", user, "--password-stdin", "--security", security]
    return [*args, "--seeker", seeker] if seeker else args


def stored_counts(env: Mapping[str, str] | None = None) -> tuple[int, int]:
    """(seekers, mailboxes) in the database the environment points at (created empty if absent)."""
    runtime = open_runtime(load_settings(carnet_env(env)))
    try:
        with transaction(runtime.factory) as session:
            seekers = session.scalar(select(func.count()).select_from(Seeker)) or 0
            mailboxes = session.scalar(select(func.count()).select_from(Mailbox)) or 0
    finally:
        runtime.engine.dispose()
    return seekers, mailboxes
