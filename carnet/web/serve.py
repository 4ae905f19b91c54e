"""`carnet serve`: the app under uvicorn, one process; several behind a proxy on PostgreSQL."""

from __future__ import annotations

import errno
import socket

import uvicorn

from carnet.runtime import Runtime
from carnet.web.app import create_app


class PortUnavailable(Exception):
    """The address cannot be listened on: `in_use` when another program holds the port."""

    def __init__(self, in_use: bool) -> None:
        super().__init__(in_use)
        self.in_use = in_use


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to `host:port` (uvicorn serves on it), or PortUnavailable."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind)
    except OSError:
        raise PortUnavailable(in_use=False) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise PortUnavailable(in_use=exc.errno == errno.EADDRINUSE) from None
    return sock


def serve(runtime: Runtime, host: str, port: int) -> None:
    """Serve until Ctrl-C or SIGTERM. Forwarded headers are trusted from loopback only (a local proxy)."""
    sock = listening_socket(host, port)
    config = uvicorn.Config(create_app(runtime=runtime), host=host, port=port, log_level="info",
                            server_header=False, proxy_headers=True, forwarded_allow_ips="127.0.0.1")
    with sock:
        uvicorn.Server(config).run(sockets=[sock])
