"""source messages: why DKIM did not pass against the key published at ingestion

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_messages") as batch:
        batch.add_column(sa.Column("dkim_failure", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_messages") as batch:
        batch.drop_column("dkim_failure")
