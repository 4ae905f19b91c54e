"""Screenshots of the main pages, from `carnet demo --web`, into docs/screens/*.png.

    python docs/screens/take.py

Starts the web demo (the sample mailbox synced, a seeker and the counsellor she
shares with) on a free port, adds an operator with `carnet user add`, then
drives Debian's Chromium (Playwright, `/usr/bin/chromium`) through the pages of
each role. Everything the demo made is removed afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=fr-FR"]
DEMO_MONTH = "du=2026-10-01&au=2026-10-31"  # the demo mailbox's mail is dated October 2026
OPERATOR = ("olga.roux@example.org", "exploitation 2026")
LOGIN_LINE = re.compile(r"^(seeker|counsellor|url): (\S+)(?: (\S+))?$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_demo(keep: Path) -> tuple[subprocess.Popen, dict[str, tuple[str, str]], str]:
    """`carnet demo --web`, once it printed its logins and answers /healthz."""
    process = subprocess.Popen([sys.executable, "-m", "carnet", "demo", "--web", "--port", str(free_port()),
                                "--keep", str(keep)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    logins, url = {}, ""
    for line in process.stdout:
        found = LOGIN_LINE.match(line.strip())
        if found and found.group(1) == "url":
            url = found.group(2).rstrip("/")
            break
        if found:
            logins[found.group(1)] = (found.group(2), found.group(3))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).text == "ok":
                return process, logins, url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the web demo did not start")


def add_operator(keep: Path) -> None:
    env = {**os.environ, "CARNET_DATA_DIR": str(keep / "data")}
    env.pop("CARNET_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "carnet", "user", "add", "--role", "operator", "--email", OPERATOR[0],
                    "--name", "Olga Roux", "--password-stdin"], input=OPERATOR[1], text=True, env=env, check=True,
                   capture_output=True, cwd=ROOT)


def signed_in(browser: Browser, url: str, email: str, password: str, width: int = 1280) -> Page:
    page = browser.new_context(base_url=url, locale="fr-FR", viewport={"width": width, "height": 900}).new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def shoot(page: Page, path: str, name: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=HERE / f"{name}.png", full_page=True)
    print(f"docs/screens/{name}.png  {path}")


def take(browser: Browser, url: str, logins: dict[str, tuple[str, str]]) -> None:
    anonymous = browser.new_context(base_url=url, locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    shoot(anonymous, "/login", "login")
    counsellor = signed_in(browser, url, *logins["counsellor"])
    shoot(counsellor, "/conseiller", "counsellor-list")
    seeker_path = counsellor.locator("tbody a").first.get_attribute("href")
    shoot(counsellor, f"{seeker_path}?preuve=verified", "counsellor-verified-replies")
    counsellor.goto(counsellor.locator("ol.timeline a").first.get_attribute("href"))  # a second line in her log
    seeker = signed_in(browser, url, *logins["seeker"])
    shoot(seeker, "/journal", "journal")
    entry = seeker.locator("ol.timeline a[href^='/journal/entree/']").first.get_attribute("href")
    shoot(seeker, entry, "entry")
    for path, name in ((f"/bilan?{DEMO_MONTH}", "metrics"), ("/boite", "mailboxes"),
                       ("/boite/lier/gmail", "link-gmail"), (f"/export?{DEMO_MONTH}", "export"),
                       ("/partage", "sharing")):
        shoot(seeker, path, name)
    phone = signed_in(browser, url, *logins["seeker"], width=390)
    shoot(phone, "/journal", "journal-phone")
    shoot(signed_in(browser, url, *OPERATOR), "/operateur", "operator")


def main() -> None:
    keep = Path(tempfile.mkdtemp(prefix="carnet-screens-"))
    process, logins, url = start_demo(keep)
    try:
        add_operator(keep)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            take(browser, url, logins)
            browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        shutil.rmtree(keep, ignore_errors=True)


if __name__ == "__main__":
    main()
