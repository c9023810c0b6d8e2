"""What constituencies do themselves: vote online with one-time codes, instruct delegates.

A roll vote is a secret ballot of a constituency's roll — electing its delegates or deciding
a recall. Secrecy is kept by three tables that share nothing but the vote they belong to:
`code_issues` says which constituent was handed a code (never which code), `voting_codes`
holds only hashes of the codes and whether each was used (never when), and `roll_ballots`
holds the choices under random receipts (never a code, a person or a time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tauride.db.base import Base, utcnow


class RollVote(Base):
    """A secret ballot of a constituency's roll: a delegate election or a recall ballot."""

    __tablename__ = "roll_votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"), index=True)
    # "election" (ranked or single choices among candidates) or "recall" (yes/no/abstain).
    kind: Mapped[str] = mapped_column(String(16))
    recall_id: Mapped[int | None] = mapped_column(ForeignKey("recalls.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    method: Mapped[str] = mapped_column(String(32))
    # Candidate names for an election, the options for a recall ballot.
    options: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ballot_count: Mapped[int | None] = mapped_column(Integer)
    merkle_root: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CodeIssue(Base):
    """That a constituent on the roll was handed a code for a vote — never which code."""

    __tablename__ = "code_issues"
    __table_args__ = (UniqueConstraint("roll_vote_id", "constituent_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roll_vote_id: Mapped[int] = mapped_column(ForeignKey("roll_votes.id"), index=True)
    constituent_id: Mapped[int] = mapped_column(ForeignKey("constituents.id"))


class VotingCode(Base):
    """A one-time voting code, kept only as its hash, and whether it has been used."""

    __tablename__ = "voting_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roll_vote_id: Mapped[int] = mapped_column(ForeignKey("roll_votes.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class RollBallot(Base):
    """A ballot cast with a code: a random key and receipt, a choice or a ranking, nothing else."""

    __tablename__ = "roll_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    roll_vote_id: Mapped[int] = mapped_column(ForeignKey("roll_votes.id"), index=True)
    choice: Mapped[str | None] = mapped_column(String(300))
    ranking: Mapped[list[str] | None] = mapped_column(JSON)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_index: Mapped[int | None] = mapped_column(Integer)


class Instruction(Base):
    """An imperative mandate: a constituency meeting tells its delegates how to vote on a
    motion, or on every motion of a matter."""

    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"), index=True)
    matter: Mapped[str | None] = mapped_column(String(200), index=True)
    # The option the delegates are told to vote for: "yes", "no", "abstain" or a list option.
    choice: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    # The meeting that gave it: "general meeting of the Obukhov works, 10 November".
    given_by: Mapped[str] = mapped_column(String(300))
    given_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
