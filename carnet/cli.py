"""The `carnet` command."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from carnet.config.i18n import set_language, t
from carnet.config.settings import Settings, SettingsError, load_settings
from carnet.ingest.connection import DEFAULT_PORTS, SECURITY_MODES, Account, ImapError, connect
from carnet.store.db import transaction
from carnet.store.logbook import LogbookRow, logbook_rows, mailbox_ids
from carnet.store.models import Mailbox
from carnet.store.secrets import SecretError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold a password
    help=t("help_app"),
)
err = Console(stderr=True, soft_wrap=True)


def main() -> None:
    """Entry point: user errors become one line on stderr, never a traceback."""
    try:
        app()
    except SettingsError as exc:
        err.print(f"carnet: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except SecretError:
        err.print(f"carnet: {t('secret_unreadable')}", markup=False, highlight=False)
        sys.exit(2)


def _runtime():  # imported lazily: `carnet classify` needs no database
    from carnet.runtime import open_runtime

    return open_runtime()


@app.command("classify", help=t("help_classify"))
def classify_cmd(
    paths: Annotated[list[Path], typer.Argument(help=t("opt_paths"))],
    me: Annotated[list[str], typer.Option("--me", help=t("opt_me"))] = [],  # noqa: B006
) -> None:
    """Classify message files offline; one JSON object per line."""
    from carnet.offline import classify_files

    files = list(_expand(paths))
    if not files:
        _fail(t("classify_nothing", paths=", ".join(str(path) for path in paths)))
    failed = False
    for line in classify_files(files, frozenset(a.lower() for a in me)):
        failed |= "error" in line
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    raise typer.Exit(1 if failed else 0)


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.eml") if p.is_file())
        else:
            yield path


@app.command(help=t("help_link"))
def link(
    user: Annotated[str, typer.Option(help=t("opt_user"))],
    host: Annotated[str | None, typer.Option(help=t("opt_host"))] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help=t("opt_password_stdin"))] = False,
    oauth: Annotated[str | None, typer.Option("--oauth", help=t("opt_oauth"))] = None,
    port: Annotated[int | None, typer.Option(help=t("opt_port"))] = None,
    security: Annotated[str, typer.Option(help=t("opt_security"))] = "ssl",
    seeker: Annotated[str | None, typer.Option(help=t("opt_seeker_name"))] = None,
) -> None:
    """Check the credentials against the server, then store the mailbox encrypted."""
    settings = load_settings()
    set_language(settings.lang)
    settings.require_secret_key()
    if security not in SECURITY_MODES:
        _fail(t("bad_security", mailbox=f"{user}@{host}", detail=repr(security)))
    if oauth is not None:
        if password_stdin:
            _fail(t("oauth_with_password"))
        _link_oauth(settings, oauth, user, host, port, security, seeker)
        return
    if host is None:
        _fail(t("host_missing"))
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    if not password:
        _fail(t("password_missing"))
    account = Account(host, port or DEFAULT_PORTS[security], security, user, password)
    try:
        connect(account, settings.timeout, settings.ca_file).logout()
    except ImapError as exc:
        _fail(str(exc))
    _store_link(settings, account, seeker or user)


def _link_oauth(settings: Settings, oauth: str, user: str, host: str | None, port: int | None, security: str,
                seeker: str | None) -> None:
    """Ask the seeker's consent (device code or browser), check the token over IMAP, keep the grant."""
    from carnet.oauth.link import interactive_grant, oauth_account
    from carnet.oauth.providers import provider_for

    provider = provider_for(settings, oauth)
    account = oauth_account(provider, user, host, port, security)
    try:
        grant = interactive_grant(provider, settings, account,
                                  lambda line: err.print(line, markup=False, highlight=False))
        connect(replace(account, password=grant.access_token), settings.timeout, settings.ca_file).logout()
    except ImapError as exc:
        _fail(str(exc))
    _store_link(settings, account, seeker or user, (provider.kind.value, grant.refresh_token))


def _store_link(settings: Settings, account: Account, seeker: str, oauth: tuple[str, str] | None = None) -> None:
    from carnet.store.mailboxes import link_mailbox

    runtime = _runtime()
    with transaction(runtime.factory) as session:
        mailbox_id = link_mailbox(session, settings.require_secret_key(), account, seeker, oauth).id
    err.print(t("linked", id=mailbox_id, mailbox=account.label, seeker=seeker), highlight=False)
    typer.echo(mailbox_id)


@app.command(help=t("help_sync"))
def sync(mailbox: Annotated[int | None, typer.Option(help=t("opt_mailbox"))] = None) -> None:
    """One pass over one or all mailboxes, now."""
    from carnet.syncing import sync_now

    runtime = _runtime()
    with transaction(runtime.factory) as session:
        linked = mailbox_ids(session)
    if mailbox is not None and mailbox not in linked:
        _fail(t("mailbox_unknown", id=mailbox))
    ids = [mailbox] if mailbox is not None else linked
    if not ids:
        _fail(t("no_mailbox"))
    reports = sync_now(runtime, ids, show_progress=sys.stderr.isatty())
    for report in reports:
        for error in report.errors:
            err.print(error, markup=False, highlight=False)
    typer.echo(
        t(
            "sync_summary",
            mailboxes=len(reports),
            messages=sum(r.messages for r in reports),
            new=sum(r.new for r in reports),
            failed=sum(r.failed for r in reports),
            errors=sum(len(r.errors) for r in reports),
        )
    )
    raise typer.Exit(1 if any(r.errors for r in reports) else 0)


@app.command("import", help=t("help_import"))
def import_cmd(
    path: Annotated[Path, typer.Argument(help=t("opt_import_path"))],
    seeker: Annotated[str | None, typer.Option(help=t("opt_seeker_name"))] = None,
    me: Annotated[list[str], typer.Option("--me", help=t("opt_me"))] = [],  # noqa: B006
) -> None:
    """Record the evidence of mailbox files, idempotently, as a sync would."""
    from carnet.importing import ImportBusy, import_path, progress_bar
    from carnet.ingest.mailfiles import NotAMailbox

    if not path.exists():
        _fail(t("import_missing", path=path))
    if not seeker and not me:
        _fail(t("import_who"))
    runtime = _runtime()
    try:
        with progress_bar(sys.stderr.isatty(), path.name) as progress:
            report = import_path(runtime.factory, runtime.settings, path, seeker or me[0],
                                 frozenset(me), progress)
    except NotAMailbox:
        _fail(t("import_not_mailbox", path=path))
    except ImportBusy:
        _fail(t("import_busy", seeker=seeker or me[0]))
    typer.echo(t("import_summary", folders=report.folders, messages=report.messages, new=report.new,
                 failed=report.failed))


@app.command(help=t("help_logbook"))
def logbook(
    mailbox: Annotated[int | None, typer.Option(help=t("opt_mailbox"))] = None,
    seeker: Annotated[str | None, typer.Option(help=t("opt_seeker"))] = None,
    fmt: Annotated[str, typer.Option("--format", help=t("opt_format"))] = "table",
) -> None:
    """Print the logbook."""
    if fmt not in ("table", "jsonl", "csv"):
        _fail(t("bad_format", value=fmt))
    runtime = _runtime()
    with transaction(runtime.factory) as session:
        if mailbox is not None and session.get(Mailbox, mailbox) is None:
            _fail(t("mailbox_unknown", id=mailbox))
        rows = logbook_rows(session, mailbox_id=mailbox, seeker=seeker)
    print_logbook(rows, fmt)


def print_logbook(rows: list[LogbookRow], fmt: str = "table") -> None:
    if fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row.as_json(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(LogbookRow.__dataclass_fields__))
        writer.writeheader()
        for row in rows:
            writer.writerow(row.as_json())
    else:
        table = Table(title=t("logbook_title"))
        for column in t("logbook_columns").split("|"):
            table.add_column(column)
        for row in rows:
            kind = t(f"kind_{row.kind}")
            cells = (row.date.isoformat() if row.date else "", kind, row.company, row.position,
                     t(f"verification_{row.verification}"), row.channel)
            table.add_row(str(row.id), *(cell or "" for cell in cells))
        Console(width=max(Console().width, 120)).print(table)


@app.command(help=t("help_run"))
def run() -> None:
    """The scheduled worker, until SIGTERM or Ctrl-C."""
    from carnet.worker import run_worker

    run_worker(_runtime())


@app.command(help=t("help_demo"))
def demo(
    keep: Annotated[Path | None, typer.Option(help=t("opt_keep"))] = None,
    web: Annotated[bool, typer.Option("--web", help=t("opt_demo_web"))] = False,
    port: Annotated[int, typer.Option(help=t("opt_demo_port"))] = 8000,
) -> None:
    """The whole chain with no set-up: a local IMAP server, sample mail, a sync, the logbook (or the web app)."""
    if web:
        from carnet.demo.web import run_demo_web

        run_demo_web(port, keep)
        return
    from carnet.demo import run_demo

    run_demo(keep)


@app.command(help=t("help_serve"))
def serve(
    host: Annotated[str, typer.Option(help=t("opt_serve_host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=t("opt_serve_port"))] = 8000,
) -> None:
    """The web app under uvicorn, until Ctrl-C; the worker stays `carnet run`."""
    from carnet.web.serve import PortUnavailable
    from carnet.web.serve import serve as serve_web

    try:
        serve_web(_runtime(), host, port)
    except PortUnavailable as exc:
        _fail(t("serve_port_in_use" if exc.in_use else "serve_port_refused", host=host, port=port))


user_app = typer.Typer(no_args_is_help=True, help=t("help_user"))
app.add_typer(user_app, name="user")


@user_app.command("add", help=t("help_user_add"))
def user_add(
    role: Annotated[str, typer.Option(help=t("opt_role"))],
    email: Annotated[str, typer.Option(help=t("opt_email"))],
    name: Annotated[str, typer.Option(help=t("opt_name"))] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help=t("opt_password_stdin"))] = False,
) -> None:
    """Create a web account; the password is read from stdin, never from the command line."""
    from carnet.store.accounts import AccountError, Role, create_account

    if role not in {r.value for r in Role}:
        _fail(t("bad_role", role=role))
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    if not password:
        _fail(t("password_missing_user"))
    runtime = _runtime()
    try:
        with transaction(runtime.factory) as session:
            account_id = create_account(session, Role(role), email, password, name).id
    except AccountError as exc:
        _fail(t(f"account_{exc.code}", email=email))
    err.print(t("user_added", id=account_id, email=email.strip().lower(), role=role), highlight=False)
    typer.echo(account_id)


@app.command("eval", help=t("help_eval"))
def eval_cmd(
    path: Annotated[Path, typer.Argument(help=t("opt_corpus"))],
    split: Annotated[str | None, typer.Option(help=t("opt_split"))] = None,
    folds: Annotated[int | None, typer.Option(help=t("opt_folds"), min=2)] = None,
) -> None:
    """Precision, recall and extraction accuracy on a labelled corpus, with every error."""
    from carnet.classify.evaluate import evaluate, render

    if folds:
        from carnet.classify.crossval import cross_validate

        report = cross_validate(path, folds, split=split)
    else:
        report = evaluate(path, split=split)
    for line in render(report):
        typer.echo(line)


@app.command("train", help=t("help_train"))
def train_cmd(
    path: Annotated[Path | None, typer.Argument(help=t("opt_corpus"))] = None,
) -> None:
    """Fit the classification model on the labelled corpus and write it into the package."""
    from carnet.classify.train import CORPUS, train

    artefact, count = train(path or CORPUS)
    typer.echo(t("trained", count=count, path=str(artefact)))


@app.command("rotate-key", help=t("help_rotate_key"))
def rotate_key_cmd(
    new_key_stdin: Annotated[bool, typer.Option("--new-key-stdin", help=t("opt_new_key_stdin"))] = False,
) -> None:
    """Re-encrypt every mailbox secret under a new key (printed when generated)."""
    from cryptography.fernet import Fernet

    from carnet.store.secrets import rotate_key

    runtime = _runtime()
    old_key = runtime.settings.require_secret_key()
    new_key = sys.stdin.readline().strip() if new_key_stdin else Fernet.generate_key().decode()
    with transaction(runtime.factory) as session:
        count = rotate_key(session, old_key, new_key)
    err.print(t("key_rotated", count=count), highlight=False)
    if not new_key_stdin:
        typer.echo(new_key)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"carnet: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


from carnet import proof_commands  # noqa: E402

app.command("show", help=t("help_show"))(proof_commands.show)
app.command("raw", help=t("help_raw"))(proof_commands.raw)
app.command("verify", help=t("help_verify"))(proof_commands.verify)
app.command("export", help=t("help_export"))(proof_commands.export)
app.command("verify-export", help=t("help_verify_export"))(proof_commands.verify_export)
