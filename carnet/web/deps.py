"""Request-scoped resources: the database session of one request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from carnet.store.db import transaction


def _database(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response leaves (scope="function")."""
    with transaction(request.app.state.runtime.factory) as session:
        yield session


Database = Annotated[Session, Depends(_database, scope="function")]
