"""Petitions, appeals and delegations to bodies; recall petitions against delegates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tauride.db.base import Base, utcnow


class Petition(Base):
    """An appeal, petition or delegation from a constituency or outside group to a body."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    from_constituency_id: Mapped[int | None] = mapped_column(ForeignKey("constituencies.id"))
    from_label: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    signatures: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    answer_motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Recall(Base):
    """A recall petition against a delegate, and the recall ballot it may lead to."""

    __tablename__ = "recalls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"))
    state: Mapped[str] = mapped_column(String(16))
    # The share of the constituency that must sign, as "n/d", fixed when the petition opens.
    threshold: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ballot_yes: Mapped[int | None] = mapped_column(Integer)
    ballot_no: Mapped[int | None] = mapped_column(Integer)
    ballot_abstain: Mapped[int | None] = mapped_column(Integer)


class RecallSignature(Base):
    """A constituent's signature on a recall petition: personal data, kept out of the journal."""

    __tablename__ = "recall_signatures"
    __table_args__ = (UniqueConstraint("recall_id", "constituent_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recall_id: Mapped[int] = mapped_column(ForeignKey("recalls.id"), index=True)
    constituent_id: Mapped[int] = mapped_column(ForeignKey("constituents.id"))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
