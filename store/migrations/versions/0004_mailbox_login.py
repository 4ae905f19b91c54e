"""mailboxes: how Carnet logs in (password or OAuth2, and through which provider)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        batch.add_column(sa.Column("login", sa.String(length=16), nullable=False, server_default="password"))
        batch.add_column(sa.Column("oauth_provider", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        batch.drop_column("oauth_provider")
        batch.drop_column("login")
