"""The seeker a counsellor may see: the one dependency of every `/conseiller/{seeker_id}/…` route.

`SharedJournal`, `SharedEntry`… (`shared_with(Access.X)`) resolve the `{seeker_id}` of the URL to a seeker whose
active grant names the signed-in counsellor, and write the view to that
seeker's access log (in the request's transaction: a view that fails is not
logged). Any other id, a seeker who never granted access, one who revoked it,
or one that does not exist, answers the same 404 as a missing page, so a URL
tells a counsellor nothing about who exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from carnet.store.access_log import Access, record_access
from carnet.store.consent import consented_seeker
from carnet.store.models import Account, Seeker
from carnet.web.auth import CounsellorOnly, not_found
from carnet.web.deps import Database
from carnet.web.forms import RowId

DETAIL_PARAMS = ("event_id", "du", "au", "type", "preuve")


@dataclass(frozen=True)
class Shared:
    """A counsellor looking at one consented seeker."""

    counsellor: Account
    seeker: Seeker


def shared_with(what: Access) -> Any:
    """A route parameter type giving `Shared` for the URL's seeker, logging `what` was seen; else 404."""

    def dependency(seeker_id: RowId, request: Request, counsellor: CounsellorOnly, db: Database) -> Shared:
        seeker = consented_seeker(db, counsellor.id, seeker_id)
        if seeker is None:
            raise not_found()
        record_access(db, counsellor, seeker.id, what, _detail(request))
        return Shared(counsellor, seeker)

    dependency.__name__ = f"shared_{what.value}"
    return Annotated[Shared, Depends(dependency)]


SharedJournal = shared_with(Access.JOURNAL)
SharedEntry = shared_with(Access.ENTRY)
SharedOriginal = shared_with(Access.ORIGINAL)
SharedExport = shared_with(Access.EXPORT)


def _detail(request: Request) -> str:
    """What the view concerned, from the URL: the entry, the period, the filters."""
    values = {**request.query_params, **request.path_params}
    return ", ".join(f"{name}={values[name]}" for name in DETAIL_PARAMS if values.get(name))[:200]
