"""The command line's authorization-code flow: the browser comes back to a one-shot server on 127.0.0.1.

RFC 8252's loopback redirect, as Google asks of installed applications (its
device flow refuses the Gmail scope). The server takes the first request that
carries a `state`, answers a short page, and stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit

from carnet.config.i18n import t
from carnet.config.settings import Settings
from carnet.oauth.authcode import begin, finish
from carnet.oauth.providers import OAuthProvider
from carnet.oauth.tokens import Grant, GrantRevoked


class _Callback(HTTPServer):
    params: dict[str, str] | None = None
    arrived: threading.Event


class _Handler(BaseHTTPRequestHandler):
    server: _Callback

    def do_GET(self) -> None:
        params = dict(parse_qsl(urlsplit(self.path).query))
        if "state" not in params:  # a favicon, a probe: not the redirect
            self.send_error(404)
            return
        self.server.params = params
        body = t("oauth_loopback_done").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.arrived.set()

    def log_message(self, format: str, *args: object) -> None:  # the query holds the code: never logged
        pass


def loopback_grant(provider: OAuthProvider, settings: Settings, user: str, show: Callable[[str], None],
                   mailbox: str, port: int = 0, wait: float = 600.0) -> Grant:
    """Show the sign-in address, wait for the browser's redirect, trade its code for a grant."""
    server = _Callback(("127.0.0.1", port), _Handler)
    server.arrived = threading.Event()
    thread = threading.Thread(target=server.serve_forever, name="oauth-loopback", daemon=True)
    thread.start()
    try:
        started = begin(provider, settings, f"http://127.0.0.1:{server.server_port}/", user, mailbox)
        show(started.url)
        if not server.arrived.wait(wait):
            raise GrantRevoked("oauth_timeout", mailbox)
    finally:
        server.shutdown()
        server.server_close()
    return finish(provider, settings, started.pending, server.params or {}, mailbox)
