"""`carnet demo --web`: both logins and the URL on stdout, the seeker's timelines, the counsellor's consent."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
from clikit import carnet_env

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINE = re.compile(r"^(seeker|counsellor): (\S+) (\S+)$|^url: (http://\S+)$")


def _read_lines(process: subprocess.Popen, count: int, bound: float = 120) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    deadline = time.monotonic() + bound
    while len(found) < count and time.monotonic() < deadline:
        line = process.stdout.readline().strip()
        match = LINE.match(line)
        if match and match.group(1):
            found[match.group(1)] = (match.group(2), match.group(3))
        elif match:
            found["url"] = (match.group(4),)
        elif process.poll() is not None:
            break
    return found


def _sign_in(url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
    for _ in range(50):
        try:
            page = client.get("/login")
            break
        except httpx.ConnectError:
            time.sleep(0.2)
    token = CSRF.search(page.text).group(1)
    response = client.post("/login", data={"email": email, "password": password, "csrf": token})
    assert response.status_code == 303, response.text
    return client


def test_demo_web_serves_the_seeker_and_her_counsellor():
    env = carnet_env()
    env.pop("CARNET_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "carnet", "demo", "--web", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        lines = _read_lines(process, 3)
        assert set(lines) == {"seeker", "counsellor", "url"}, process.stderr.read() if process.poll() else lines
        url = lines["url"][0]
        seeker = _sign_in(url, *lines["seeker"])
        journal = seeker.get("/journal").text
        assert "Boulangerie Moreau" in journal and journal.count('class="card"') >= 5
        counsellor = _sign_in(url, *lines["counsellor"])
        assert "Léa Martin" in counsellor.get("/conseiller").text
    finally:
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 0
