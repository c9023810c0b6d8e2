"""Motions and polls: the decisions of bodies, their ballots and seals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tauride.db.base import Base, utcnow


class Motion(Base):
    """A proposal before a body: main, amendment, substitute or procedural."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sittings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    mover_mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    # Who moved it when no delegate did: "the Executive Committee", "petition 4".
    mover_label: Mapped[str | None] = mapped_column(String(300))
    seconder_mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    state: Mapped[str] = mapped_column(String(16))
    # Motions of several bodies on the same matter are linked by it (concurrence, conflicts).
    matter: Mapped[str | None] = mapped_column(String(200), index=True)
    # A motion to recall an officer that this body elected: the office term it would end.
    office_term_id: Mapped[int | None] = mapped_column(ForeignKey("office_terms.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Poll(Base):
    """One decision taken by one body; its electorate is frozen when it opens."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sittings.id"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(32))
    # "question" (yes/no or a list of options) or "election" (ranked ballots, counted).
    kind: Mapped[str] = mapped_column(String(16), default="question", server_default="question")
    options: Mapped[list[str]] = mapped_column(JSON)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    allow_change: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ballot_count: Mapped[int | None] = mapped_column(Integer)
    merkle_root: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PollElector(Base):
    """A mandate entitled to vote in a poll, with its weight, frozen at opening."""

    __tablename__ = "poll_electors"
    __table_args__ = (UniqueConstraint("poll_id", "mandate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"))
    weight: Mapped[int] = mapped_column(Integer)
    represents: Mapped[int] = mapped_column(Integer)


class Participation(Base):
    """That a mandate voted in a poll — never what it chose when the poll is secret."""

    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("poll_id", "mandate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"))


class Ballot(Base):
    """One voter's choice. A secret ballot carries no voter, no time and no sequence:
    its key is random, and the seal orders ballots by receipt."""

    __tablename__ = "ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    choice: Mapped[str] = mapped_column(String(300))
    # An election ballot's preferences, most preferred first (candidate names).
    ranking: Mapped[list[str] | None] = mapped_column(JSON)
    weight: Mapped[int] = mapped_column(Integer)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_index: Mapped[int | None] = mapped_column(Integer)


class HandCount(Base):
    """Counts of a show of hands, as the tellers entered them."""

    __tablename__ = "hand_counts"
    __table_args__ = (UniqueConstraint("poll_id", "option"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    option: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[str] = mapped_column(String(200))


class Matter(Base):
    """A question before several bodies: the motions on it in each body are linked by its key,
    and a resolution on it is adopted only when every body in `required_bodies` carried it."""

    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("organization_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    required_bodies: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Election(Base):
    """Filling the elected seats of a body: nominations, a poll of the electing body, a count."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    electing_body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    seats: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Candidate(Base):
    """A nomination in an election: a mandate of the electing body, standing or withdrawn."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("election_id", "mandate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"))
    name: Mapped[str] = mapped_column(String(300))
    nominated_by: Mapped[str] = mapped_column(String(200))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
