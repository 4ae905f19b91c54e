"""The seeker's mailboxes: link one from a provider's form, see its state, sync it soon, remove it.

Linking checks the credentials live against the server exactly as `carnet link`
does (`ingest.connection.connect`, then `store.mailboxes.link_mailbox`); a
refusal is one sentence on the page and nothing is stored. No sync runs in the
web process: "synchroniser maintenant" only makes the mailbox due for the worker.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from carnet.config.providers import LoginKind, Provider, providers
from carnet.ingest.connection import DEFAULT_PORTS, SECURITY_MODES, Account, ImapError, connect
from carnet.store.mailboxes import link_mailbox
from carnet.store.models import Account as WebAccount
from carnet.store.models import Mailbox
from carnet.store.secrets import readable
from carnet.store.seeker_mailboxes import owned_mailbox, seeker_mailboxes, sync_soon, unlink
from carnet.web.auth import SeekerOnly, not_found, seeker_id
from carnet.web.deps import Database
from carnet.web.forms import RowId
from carnet.web.templating import render

router = APIRouter()


def _provider(key: str) -> Provider:
    found = providers().get(key)
    if found is None:
        raise not_found()
    return found


@router.get("/boite")
def mailboxes(account: SeekerOnly, request: Request, db: Database, done: str | None = None) -> Response:
    linked = seeker_mailboxes(db, seeker_id(account))
    return render(request, "mailboxes.html", active="boite", mailboxes=linked,
                  unreadable=_unreadable(request, linked), done=done if done in ("linked", "due", "removed") else None)


def _unreadable(request: Request, linked: list[Mailbox]) -> set[int]:
    """Mailboxes whose stored secret the current key cannot decrypt: only linking them again mends them."""
    key = request.app.state.runtime.settings.secret_key
    return {mailbox.id for mailbox in linked if key and mailbox.secret and not readable(key, mailbox.secret)}


@router.get("/boite/lier")
def choose_provider(account: SeekerOnly, request: Request) -> Response:
    return render(request, "link_choose.html", active="boite", providers=list(providers().values()))


@router.get("/boite/lier/{key}")
def link_form(account: SeekerOnly, request: Request, key: str) -> Response:
    return _form(request, _provider(key), username=account.email)


def _form(request: Request, provider: Provider, status_code: int = 200, **values: object) -> Response:
    lang = getattr(request.state, "lang", "fr")
    return render(request, "link_form.html", status_code=status_code, active="boite", provider=provider,
                  steps=provider.steps_in(lang), password_login=LoginKind.PASSWORD in provider.logins,
                  oauth_login=LoginKind.OAUTH in provider.logins, security_modes=SECURITY_MODES, **values)


@router.post("/boite/lier/{key}")
def link(account: SeekerOnly, request: Request, db: Database, key: str,
         username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
         host: Annotated[str, Form()] = "", port: Annotated[str, Form()] = "",
         security: Annotated[str, Form()] = "ssl") -> Response:
    provider = _provider(key)
    if LoginKind.PASSWORD not in provider.logins:
        raise not_found()
    typed = {"username": username.strip(), "host": host.strip(), "port": port.strip(), "security": security}
    imap, problem = _imap_account(provider, typed, password)
    if not request.app.state.runtime.settings.secret_key:
        problem = "link_no_secret_key"
    if problem:
        return _form(request, provider, 400, error=problem, **typed)
    try:
        connect(imap, request.app.state.runtime.settings.timeout, request.app.state.runtime.settings.ca_file).logout()
    except ImapError as exc:
        return _form(request, provider, 400, error=f"link_{exc.key}", error_mailbox=known_as(imap),
                     error_detail=exc.detail, **typed)
    _store(db, request, account, imap)
    return RedirectResponse("/boite?done=linked", status_code=303)


def known_as(imap: Account) -> str:
    """The mailbox as the seeker knows it: its address (what she typed), the server beside a bare login."""
    return imap.username if "@" in imap.username else f"{imap.username} ({imap.host})"


def _imap_account(provider: Provider, typed: dict[str, str], password: str) -> tuple[Account | None, str | None]:
    """The account to log in to, or the key of the sentence saying what the form lacks."""
    if not typed["username"] or not password:
        return None, "link_missing_credentials"
    if provider.key != "other":
        return Account(provider.host, provider.port, provider.security, typed["username"], password), None
    if not typed["host"] or typed["security"] not in SECURITY_MODES:
        return None, "link_missing_server"
    if typed["port"] and not (typed["port"].isdigit() and 0 < int(typed["port"]) < 65536):
        return None, "link_bad_port"
    port = int(typed["port"]) if typed["port"] else DEFAULT_PORTS[typed["security"]]
    return Account(typed["host"], port, typed["security"], typed["username"], password), None


def _store(db: Database, request: Request, account: WebAccount, imap: Account) -> None:
    key = request.app.state.runtime.settings.require_secret_key()
    link_mailbox(db, key, imap, account.seeker.name)


def _owned(mailbox_id: RowId, account: SeekerOnly, db: Database) -> Mailbox:
    """The URL's mailbox when it is the signed-in seeker's and still linked; otherwise the missing page."""
    mailbox = owned_mailbox(db, seeker_id(account), mailbox_id)
    if mailbox is None:
        raise not_found()
    return mailbox


#: A route parameter giving the seeker's own mailbox of the URL (it includes `SeekerOnly`: the route's access).
OwnedMailbox = Annotated[Mailbox, Depends(_owned)]


@router.post("/boite/{mailbox_id}/synchroniser")
def sync_now(mailbox: OwnedMailbox) -> Response:
    sync_soon(mailbox)
    return RedirectResponse("/boite?done=due", status_code=303)


@router.post("/boite/{mailbox_id}/retirer")
def remove(mailbox: OwnedMailbox) -> Response:
    unlink(mailbox)
    return RedirectResponse("/boite?done=removed", status_code=303)
