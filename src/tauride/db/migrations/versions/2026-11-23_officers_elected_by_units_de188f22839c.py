"""officers elected by units

Revision ID: de188f22839c
Revises: 1949bc5016ae
Create Date: 2026-11-23 17:48:53.652404
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "de188f22839c"
down_revision: str | None = "1949bc5016ae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set_aside_references() -> None:
    """On SQLite, batch mode copies office_terms, drops it and renames the copy; dropping a
    table that motions (office_term_id) point to fails while foreign keys are enforced. The
    references are set aside and restored after (the copy keeps the terms' ids)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TEMPORARY TABLE office_term_refs AS "
        "SELECT id, office_term_id FROM motions WHERE office_term_id IS NOT NULL"
    )
    op.execute("UPDATE motions SET office_term_id = NULL WHERE office_term_id IS NOT NULL")


def _restore_references() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "UPDATE motions SET office_term_id = "
        "(SELECT r.office_term_id FROM office_term_refs r WHERE r.id = motions.id) "
        "WHERE id IN (SELECT id FROM office_term_refs)"
    )
    op.execute("DROP TABLE office_term_refs")


def upgrade() -> None:
    _set_aside_references()
    # SQLite cannot alter a column's nullability nor add a constraint: batch mode copies
    # the table on SQLite; on PostgreSQL it alters the table in place.
    with op.batch_alter_table("office_terms") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("constituency_id", sa.Integer(), nullable=True))
        batch.alter_column("mandate_id", existing_type=sa.Integer(), nullable=True)
        batch.create_index(
            batch.f("ix_office_terms_constituency_id"), ["constituency_id"], unique=False
        )
        batch.create_index(batch.f("ix_office_terms_person_id"), ["person_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_office_terms_person_id_persons"), "persons", ["person_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_office_terms_constituency_id_constituencies"),
            "constituencies",
            ["constituency_id"],
            ["id"],
        )
    _restore_references()


def downgrade() -> None:
    # A unit's officer holds no mandate: such terms cannot outlive the columns that name them.
    op.execute(
        "UPDATE motions SET office_term_id = NULL WHERE office_term_id IN "
        "(SELECT id FROM office_terms WHERE mandate_id IS NULL)"
    )
    op.execute("DELETE FROM office_terms WHERE mandate_id IS NULL")
    _set_aside_references()
    with op.batch_alter_table("office_terms") as batch:
        batch.drop_constraint(
            batch.f("fk_office_terms_constituency_id_constituencies"), type_="foreignkey"
        )
        batch.drop_constraint(batch.f("fk_office_terms_person_id_persons"), type_="foreignkey")
        batch.drop_index(batch.f("ix_office_terms_person_id"))
        batch.drop_index(batch.f("ix_office_terms_constituency_id"))
        batch.alter_column("mandate_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("constituency_id")
        batch.drop_column("person_id")
    _restore_references()
