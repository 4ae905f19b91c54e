"""Header rules: weak hints only, since ATS mail carries list headers too."""

from __future__ import annotations

from collections.abc import Iterator

from carnet.classify.evidence import Kind
from carnet.classify.facts import Facts
from carnet.classify.rules import Rule, Signal
from carnet.classify.tables import extraction


class BulkHeaders(Rule):
    """List-Unsubscribe, List-Id or Precedence: bulk."""

    name = "bulk-headers"
    only_none = True
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        if facts.bulk:
            yield Signal(Kind.NONE, 0.2, self.name)


class TrackingSystemSender(Rule):
    """Mail from an applicant tracking system is about an application more often than not."""

    name = "ats-sender"
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        if facts.relay is not None and facts.relay.kind == "ats":
            yield Signal(Kind.ACKNOWLEDGEMENT, 0.25, f"{self.name}: {facts.relay.name}")


class CalendarInvite(Rule):
    """An employer's calendar invitation (.ics, text/calendar) is an interview or a test."""

    name = "calendar-invite"
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        for attachment in facts.message.attachments:
            if attachment.content_type == "text/calendar" or attachment.filename.lower().endswith(
                ".ics"
            ):
                yield Signal(Kind.INTERVIEW, 0.45, self.name)
                return


class PersonalSender(Rule):
    """Friends and family write from personal mailboxes; recruiters seldom do."""

    name = "personal-sender"
    only_none = True
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        sender = facts.counterpart
        if sender is not None and sender.domain in extraction().personal_domains:
            yield Signal(Kind.NONE, 0.35, self.name)


class NotAddressed(Rule):
    """The seeker is in no visible recipient: a mass mailing sent in Bcc (a temp agency's
    shifts to its whole pool), rarely an employer's answer. Weak: mail reaching the seeker
    through an old address that forwards here looks the same."""

    name = "not-addressed"
    only_none = True
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        if not facts.addressed:
            yield Signal(Kind.NONE, 0.35, self.name)


class DeliveryReport(Rule):
    """A bounce or a read receipt (RFC 3464 / 8098 `multipart/report`, or mail from the
    mailer daemon): the server speaks, not an employer, however the quoted original or
    its "sorry to inform you" reads."""

    name = "delivery-report"
    only_none = True
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        content_type = (facts.message.header("content-type") or "").lower()
        sender = facts.message.sender.email.partition("@")[0] if facts.message.sender else ""
        if content_type.startswith("multipart/report") or sender in _DAEMONS:
            yield Signal(Kind.NONE, 1.0, self.name, strong=True)


_DAEMONS = frozenset({"mailer-daemon", "postmaster"})
