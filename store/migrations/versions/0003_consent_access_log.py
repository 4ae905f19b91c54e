"""consent: seekers' grants to counsellors, one-time codes, the access log

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["counsellor_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_seeker_id", "consents", ["seeker_id"])
    op.create_index("ix_consents_counsellor_id", "consents", ["counsellor_id"])
    op.create_index("uq_consent_active", "consents", ["seeker_id", "counsellor_id"], unique=True,
                    sqlite_where=sa.text("revoked_at IS NULL"), postgresql_where=sa.text("revoked_at IS NULL"))
    op.create_table(
        "consent_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_seeker_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["counsellor_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["used_by_seeker_id"], ["seekers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_consent_codes_counsellor_id", "consent_codes", ["counsellor_id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("viewer_email", sa.String(length=320), nullable=False),
        sa.Column("viewer_name", sa.String(length=200), nullable=False),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_access_log_seeker_at", "access_log", ["seeker_id", "at"])
    op.create_index("ix_access_log_account_id", "access_log", ["account_id"])


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("consent_codes")
    op.drop_table("consents")
