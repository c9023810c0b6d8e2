"""SQLAlchemy models: every row belongs to an organization."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tauride.db.base import Base, str_enum, utcnow
from tauride.domain.journal import JournalEntry


class MandateStatus(enum.StrEnum):
    ACTIVE = "active"
    RECALLED = "recalled"
    RESIGNED = "resigned"
    EXPIRED = "expired"


class SeatBasis(enum.StrEnum):
    """Why a mandate sits in a body: which composition rule put it there."""

    CONSTITUENCY = "constituency"
    BODY = "body"
    ELECTED = "elected"
    EX_OFFICIO = "ex-officio"
    CONSULTATIVE = "consultative"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Salt for the commitments that stand for constituents' personal data in the journal.
    commitment_salt: Mapped[str] = mapped_column(String(64))


class ConstitutionVersion(Base):
    __tablename__ = "constitution_versions"
    __table_args__ = (UniqueConstraint("organization_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    adopted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class Constituency(Base):
    """An electing unit; a group row combines small units that elect together."""

    __tablename__ = "constituencies"
    __table_args__ = (
        UniqueConstraint("organization_id", "name"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    group_label: Mapped[str | None] = mapped_column(String(300))
    # Set on units that elect jointly with others through a group constituency.
    grouped_into_id: Mapped[int | None] = mapped_column(ForeignKey("constituencies.id"), index=True)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    seats: Mapped[int] = mapped_column(Integer, default=0)
    consultative_seats: Mapped[int] = mapped_column(Integer, default=0)

    grouped_into: Mapped[Constituency | None] = relationship(remote_side=[id])


class Constituent(Base):
    """A person on a constituency's roll: personal data, never copied into the journal."""

    __tablename__ = "constituents"
    __table_args__ = (UniqueConstraint("constituency_id", "roll_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"), index=True)
    roll_number: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))


class Faction(Base):
    __tablename__ = "factions"
    __table_args__ = (UniqueConstraint("organization_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))


class Person(Base):
    """Someone who holds or held a public role (delegate, officer, party representative)."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))


class Mandate(Base):
    """A delegate's seat: a person, for a constituency (or a named group), over a term."""

    __tablename__ = "mandates"
    __table_args__ = (
        CheckConstraint("vote_weight >= 0", name="vote_weight_not_negative"),
        CheckConstraint("represents >= 0", name="represents_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    constituency_id: Mapped[int | None] = mapped_column(ForeignKey("constituencies.id"), index=True)
    faction_id: Mapped[int | None] = mapped_column(ForeignKey("factions.id"), index=True)
    status: Mapped[MandateStatus] = mapped_column(
        str_enum(MandateStatus), default=MandateStatus.ACTIVE
    )
    consultative: Mapped[bool] = mapped_column(Boolean, default=False)
    vote_weight: Mapped[int] = mapped_column(Integer, default=1)
    # Constituents this mandate stands for: the weight of a card vote.
    represents: Mapped[int] = mapped_column(BigInteger, default=0)
    term_start: Mapped[dt.date | None] = mapped_column()
    term_end: Mapped[dt.date | None] = mapped_column()
    alternate_for_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person] = relationship()
    constituency: Mapped[Constituency | None] = relationship()
    faction: Mapped[Faction | None] = relationship()
    alternate_for: Mapped[Mandate | None] = relationship(remote_side=[id])


class Body(Base):
    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("organization_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))


class BodyMembership(Base):
    """Who sat in which body when, and on which basis; ended rows are the history."""

    __tablename__ = "body_memberships"
    __table_args__ = (Index("ix_body_memberships_current", "body_id", "mandate_id", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    basis: Mapped[SeatBasis] = mapped_column(str_enum(SeatBasis))
    consultative: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    body: Mapped[Body] = relationship()
    mandate: Mapped[Mandate] = relationship()


class OfficeTerm(Base):
    """An elected office held by a mandate (chair, secretary, presidium member: elected by a
    body), or by a person for a unit (a company's commander: elected by the unit itself)."""

    __tablename__ = "office_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    office_key: Mapped[str] = mapped_column(String(64))
    # Set for an office elected by a body; a unit's officer holds no mandate.
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"), index=True)
    # Set for an officer elected by a unit: who holds it, and for which unit.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    constituency_id: Mapped[int | None] = mapped_column(ForeignKey("constituencies.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    mandate: Mapped[Mandate | None] = relationship()
    person: Mapped[Person | None] = relationship()
    constituency: Mapped[Constituency | None] = relationship()


class JournalRecord(Base):
    """One link of an organization's hash chain; UPDATE and DELETE are refused by triggers."""

    __tablename__ = "journal_entries"
    __table_args__ = (UniqueConstraint("organization_id", "height"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    height: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    @classmethod
    def of(cls, organization_id: int, entry: JournalEntry) -> JournalRecord:
        """The row that stores a domain entry."""
        return cls(
            organization_id=organization_id,
            height=entry.height,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
            at=entry.at,
            actor=entry.actor,
            kind=entry.kind,
            payload=dict(entry.payload),
        )

    def as_entry(self) -> JournalEntry:
        """The domain form of this row, which verification hashes."""
        return JournalEntry(
            height=self.height,
            prev_hash=self.prev_hash,
            at=self.at,
            actor=self.actor,
            kind=self.kind,
            payload=self.payload,
            hash=self.hash,
        )
