"""Attaching an event to its application: the store side of `classify.linking`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from classify.evidence import Evidence, Kind
from classify.linking import WINDOW_DAYS, OpenApplication, Reply, link_reply
from ingest.message import Message
from store.models import Application, Event, SourceMessage


def find_application(session: Session, seeker_id: int, message: Message, evidence: Evidence) -> Application:
    """The application this evidence belongs to, created when none matches."""
    reply = Reply(evidence.company, evidence.position, evidence.date, message.in_reply_to, message.references)
    application_id = link_reply(reply, _open_applications(session, seeker_id, reply))
    if application_id is not None:
        application = session.get(Application, application_id)
        _complete(application, evidence)
        return application
    return _create(session, seeker_id, evidence)


def _open_applications(session: Session, seeker_id: int, reply: Reply) -> list[OpenApplication]:
    """The applications `reply` could answer: those inside the linking window, and those
    its thread headers name. Older ones cannot match, and loading every application
    for every new event would make a first sync quadratic in the seeker's history."""
    rows = session.execute(
        select(Application, SourceMessage.message_id)
        .join(Event, Event.application_id == Application.id, isouter=True)
        .join(SourceMessage, SourceMessage.id == Event.source_message_id, isouter=True)
        .where(Application.seeker_id == seeker_id, Application.id.in_(_candidate_ids(seeker_id, reply)))
    ).all()
    by_id: dict[int, tuple[Application, set[str]]] = {}
    for application, message_id in rows:
        entry = by_id.setdefault(application.id, (application, set()))
        if message_id:
            entry[1].add(message_id)
    return [
        OpenApplication(app.id, app.company, app.position, app.first_date or date.min, frozenset(ids))
        for app, ids in by_id.values()
    ]


def _candidate_ids(seeker_id: int, reply: Reply) -> Select:
    thread = tuple(i for i in (reply.in_reply_to, *reply.references) if i)
    threaded = (
        select(Event.application_id)
        .join(SourceMessage, SourceMessage.id == Event.source_message_id)
        .where(Event.seeker_id == seeker_id, SourceMessage.message_id.in_(thread))
    )
    if reply.date is None:
        return select(Application.id).where(Application.seeker_id == seeker_id)
    since = reply.date - timedelta(days=WINDOW_DAYS + 1)
    recent = select(Application.id).where(
        Application.seeker_id == seeker_id,
        (Application.first_date >= since) | Application.first_date.is_(None),
    )
    return recent.union(threaded)


def _complete(application: Application, evidence: Evidence) -> None:
    """Fill what the application lacked from a later, more explicit message."""
    application.company = application.company or evidence.company
    application.position = application.position or evidence.position
    if evidence.kind is Kind.APPLICATION and application.type is None:
        application.type = evidence.application_type.value if evidence.application_type else "ad_response"
        application.channel = evidence.channel
    if evidence.date and (application.first_date is None or evidence.date < application.first_date):
        application.first_date = evidence.date


def _create(session: Session, seeker_id: int, evidence: Evidence) -> Application:
    is_application = evidence.kind is Kind.APPLICATION
    application = Application(
        seeker_id=seeker_id,
        company=evidence.company,
        position=evidence.position,
        channel=evidence.channel,
        type=(evidence.application_type.value if evidence.application_type else "ad_response")
        if is_application
        else None,
        first_date=evidence.date,
    )
    session.add(application)
    session.flush()
    return application
