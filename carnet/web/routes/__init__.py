"""The app's routers, in the order they are included (see carnet/web/README.md)."""

from __future__ import annotations

from carnet.web.routes import counsellor, export, imports, journal, mailboxes, metrics, oauth, operator, public, sharing

ROUTERS = [public.router, journal.router, metrics.router, mailboxes.router, oauth.router, imports.router,
           export.router, sharing.router, counsellor.router, operator.router]
