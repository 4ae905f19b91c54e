"""Attaching an event to its application: the store side of `classify.linking`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from carnet.classify.evidence import Evidence, Kind
from carnet.classify.linking import WINDOW_DAYS, OpenApplication, Reply, link_reply
from carnet.ingest.message import Message
from carnet.store.models import Application, Event, SourceMessage
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session


class Linker:
    """Links one batch's events to the seeker's applications, read once for the batch.

    Reading the candidates per event cost two queries each and made a first sync
    slower than downloading the whole mailbox. They are read at the first event,
    after the caller holds the seeker's lock (no other worker can add applications
    meanwhile), and followed in memory: the applications created or completed by this
    batch, and the Message-IDs of its events, which a later reply may thread to. The
    candidates are those inside the linking window of the batch's earliest reply and
    those any of the batch's thread headers name; `link_reply` keeps the window of
    each reply."""

    def __init__(self, session: Session, seeker_id: int, replies: Sequence[Reply]) -> None:
        self.session, self.seeker_id, self._replies = session, seeker_id, replies
        self._open: dict[int, OpenApplication] | None = None

    def find(self, message: Message, evidence: Evidence) -> Application:
        """The application this evidence belongs to, created when none matches."""
        reply = _reply(message, evidence)
        application_id = link_reply(reply, list(self._applications().values()))
        if application_id is not None:
            application = self.session.get(Application, application_id)
            _complete(application, evidence)
        else:
            application = _create(self.session, self.seeker_id, evidence)
        self._note(application, message.message_id)
        return application

    def _applications(self) -> dict[int, OpenApplication]:
        if self._open is None:
            self._open = _open_applications(self.session, self.seeker_id, self._replies)
        return self._open

    def _note(self, application: Application, message_id: str | None) -> None:
        applications = self._applications()
        known = applications.get(application.id)
        message_ids = (known.message_ids if known else frozenset()) | ({message_id} if message_id else set())
        applications[application.id] = OpenApplication(
            application.id, application.company, application.position, application.first_date or date.min,
            frozenset(message_ids))


def batch_replies(items: Iterable[tuple[Message, Evidence]]) -> list[Reply]:
    return [_reply(message, evidence) for message, evidence in items]


def _reply(message: Message, evidence: Evidence) -> Reply:
    return Reply(evidence.company, evidence.position, evidence.date, message.in_reply_to, message.references)


def _open_applications(session: Session, seeker_id: int, replies: Sequence[Reply]) -> dict[int, OpenApplication]:
    """The applications the replies could answer: those inside the linking window of the
    earliest, and those their thread headers name. Older ones cannot match, and loading
    every application would make a first sync quadratic in the seeker's history. Plain
    columns, not ORM objects."""
    threaded = _threaded(session, seeker_id, replies)
    rows = session.execute(
        select(Application.id, Application.company, Application.position, Application.first_date)
        .where(Application.seeker_id == seeker_id, _in_window(replies) | Application.id.in_(list(threaded)))
    )
    return {
        app_id: OpenApplication(app_id, company, position, first_date or date.min,
                                frozenset(threaded.get(app_id, ())))
        for app_id, company, position, first_date in rows
    }


def _threaded(session: Session, seeker_id: int, replies: Sequence[Reply]) -> dict[int, set[str]]:
    """Application id → the Message-IDs of its events that the replies' thread headers name
    (the only ones `link_reply` compares)."""
    thread = sorted({i for reply in replies for i in (reply.in_reply_to, *reply.references) if i})
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


def _in_window(replies: Sequence[Reply]) -> ColumnElement[bool]:
    if not replies or any(reply.date is None for reply in replies):
        return true()
    since = min(reply.date for reply in replies if reply.date) - timedelta(days=WINDOW_DAYS + 1)
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
