"""`carnet serve`: the app under uvicorn, one process; several behind a proxy on PostgreSQL."""

from __future__ import annotations

import uvicorn

from carnet.runtime import Runtime
from carnet.web.app import create_app


def serve(runtime: Runtime, host: str, port: int) -> None:
    """Serve until Ctrl-C or SIGTERM. Forwarded headers are trusted from loopback only (a local proxy)."""
    app = create_app(runtime=runtime)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1")
