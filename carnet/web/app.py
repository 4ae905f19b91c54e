"""The web app factory: `create_app(settings)` gives the FastAPI app `carnet serve` runs."""

from __future__ import annotations

from importlib.resources import files

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from carnet.config.settings import Settings
from carnet.runtime import Runtime, open_runtime
from carnet.web.auth import check_every_route
from carnet.web.csrf import CsrfCookie, csrf_protect
from carnet.web.errors import install_error_pages
from carnet.web.headers import SecurityHeaders
from carnet.web.language import PageLanguage
from carnet.web.routes import ROUTERS


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The app on the database of `settings` (upgraded to the latest schema), or on `runtime`."""
    app = FastAPI(title="Carnet", docs_url=None, redoc_url=None, openapi_url=None, debug=False,
                  dependencies=[Depends(csrf_protect)])
    app.state.runtime = runtime or open_runtime(settings)
    for router in ROUTERS:
        app.include_router(router)
    check_every_route(app)
    app.mount("/static", StaticFiles(directory=str(files("carnet.web") / "static")), name="static")
    install_error_pages(app)
    app.add_middleware(PageLanguage)
    app.add_middleware(CsrfCookie)
    app.add_middleware(SecurityHeaders)
    return app
