"""Sittings of bodies: attendance, agenda, speakers' lists."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tauride.db.base import Base, str_enum, utcnow
from tauride.db.models import Body, Mandate
from tauride.domain.sittings import AgendaItemKind, AgendaItemState, SittingState


class Sitting(Base):
    """A meeting of one body, numbered within the body."""

    __tablename__ = "sittings"
    __table_args__ = (UniqueConstraint("body_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    scheduled_for: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[SittingState] = mapped_column(
        str_enum(SittingState), default=SittingState.SCHEDULED
    )
    chair_mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    body: Mapped[Body] = relationship()


class Attendance(Base):
    """A stretch of presence: checked in, and out again (or still present)."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    # An alternate sitting in for an absent principal carries the principal's seat.
    for_mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    checked_in_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))

    mandate: Mapped[Mandate] = relationship(foreign_keys=[mandate_id])


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[AgendaItemKind] = mapped_column(str_enum(AgendaItemKind))
    title: Mapped[str] = mapped_column(String(500))
    minutes_allotted: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[AgendaItemState] = mapped_column(
        str_enum(AgendaItemState), default=AgendaItemState.PENDING
    )


class SpeakerRequest(Base):
    """A request to speak on an agenda item, and what became of it."""

    __tablename__ = "speaker_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    # Guests heard by the body (a delegation) speak without a mandate.
    guest: Mapped[str | None] = mapped_column(String(300))
    side: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
