"""The app's routers, in the order they are included (see carnet/web/README.md)."""

from __future__ import annotations

from carnet.web.routes import counsellor, export, journal, mailboxes, metrics, operator, public, sharing

ROUTERS = [public.router, journal.router, metrics.router, mailboxes.router, export.router, sharing.router,
           counsellor.router, operator.router]
