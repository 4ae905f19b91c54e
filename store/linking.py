"""Attaching an event to its application: the store side of `classify.linking`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, select, true
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
    for every new event would make a first sync quadratic in the seeker's history.
    Plain columns, not ORM objects: this runs once per recorded event."""
    threaded = _threaded(session, seeker_id, reply)
    rows = session.execute(
        select(Application.id, Application.company, Application.position, Application.first_date)
        .where(Application.seeker_id == seeker_id, _in_window(reply) | Application.id.in_(list(threaded)))
    )
    return [
        OpenApplication(app_id, company, position, first_date or date.min, frozenset(threaded.get(app_id, ())))
        for app_id, company, position, first_date in rows
    ]


def _threaded(session: Session, seeker_id: int, reply: Reply) -> dict[int, set[str]]:
    """Application id → the Message-IDs of its events that the reply's thread headers name
    (the only ones `link_reply` compares)."""
    thread = tuple(i for i in (reply.in_reply_to, *reply.references) if i)
    found: dict[int, set[str]] = {}
    if not thread:
        return found
    rows = session.execute(
        select(Event.application_id, SourceMessage.message_id)
        .join(SourceMessage, SourceMessage.id == Event.source_message_id)
        .where(Event.seeker_id == seeker_id, SourceMessage.message_id.in_(thread))
    )
    for application_id, message_id in rows:
        found.setdefault(application_id, set()).add(message_id)
    return found


def _in_window(reply: Reply) -> ColumnElement[bool]:
    if reply.date is None:
        return true()
    since = reply.date - timedelta(days=WINDOW_DAYS + 1)
    return (Application.first_date >= since) | Application.first_date.is_(None)


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
