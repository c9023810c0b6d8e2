"""Accounts and their roles; logging in with a password or a one-time code; tokens.

Passwords are hashed with argon2. Login codes and tokens are random and stored only as
SHA-256 hashes. Every login and every refused login is journaled in the organizations the
account holds roles in (the username, never the password or the code).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tauride.db.accounts import Account, AuthToken, LoginCode, RoleGrant
from tauride.db.base import utcnow
from tauride.db.models import Constituency, Constituent, Mandate, MandateStatus, Organization
from tauride.domain.authorization import Principal, Role, Unauthenticated
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.services import journal

_hasher = PasswordHasher()
# Verifying against this when the username is unknown takes as long as a real check.
_DUMMY_HASH = _hasher.hash("no account has this password")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MIN_PASSWORD = 10


def digest(secret: str) -> str:
    """The stored form of a random secret (a code or a token)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_code() -> str:
    """A one-time login code: 16 characters without look-alikes, in groups of four."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalize_code(typed: str) -> str:
    """The code as issued, whatever case, spaces or dashes it was typed with."""
    chars = "".join(c for c in typed.upper() if c.isalnum())
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def get_account(session: Session, username: str) -> Account:
    account = session.execute(
        select(Account).where(Account.username == username)
    ).scalar_one_or_none()
    if account is None:
        raise NotFound(f"no account '{username}'")
    return account


def create_account(
    session: Session, username: str, display_name: str, *, password: str | None = None
) -> Account:
    """A new account; without a password it logs in only with one-time codes."""
    problems = []
    if (
        not username
        or len(username) > 100
        or not username.replace("-", "").replace(".", "").isalnum()
    ):
        problems.append(f"username: '{username}' must be letters, digits, '.' or '-'")
    if password is not None and len(password) < MIN_PASSWORD:
        problems.append(f"password: at least {MIN_PASSWORD} characters")
    if problems:
        raise InvalidInput(problems)
    if session.execute(select(Account.id).where(Account.username == username)).scalar():
        raise Conflict(f"username: '{username}' is taken")
    account = Account(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password) if password else None,
    )
    session.add(account)
    session.flush()
    return account


def set_password(session: Session, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: at least {MIN_PASSWORD} characters")
    get_account(session, username).password_hash = _hasher.hash(password)


def grant_role(
    session: Session,
    org: Organization,
    username: str,
    role: Role | str,
    *,
    mandate_id: int | None = None,
    constituent_id: int | None = None,
    actor: str,
) -> RoleGrant:
    """Give an account a role in an organization (a delegate's through a mandate)."""
    try:
        role = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role if r is not Role.PUBLIC)
        raise InvalidInput(f"role: '{role}' is not one of {known}") from None
    if role is Role.PUBLIC:
        raise InvalidInput("role: everyone is public already")
    account = get_account(session, username)
    if role is Role.DELEGATE:
        mandate = session.get(Mandate, mandate_id) if mandate_id is not None else None
        if mandate is None or mandate.organization_id != org.id:
            raise InvalidInput(f"mandate: a delegate acts through a mandate of {org.slug}")
        if mandate.status is not MandateStatus.ACTIVE:
            raise Conflict(f"mandate {mandate.id} is {mandate.status.value}")
    if role is Role.CONSTITUENT:
        person = session.get(Constituent, constituent_id) if constituent_id is not None else None
        if person is None or person.organization_id != org.id:
            raise InvalidInput(f"constituent: a constituent is on a roll of {org.slug}")
    existing = session.execute(
        select(RoleGrant).where(
            RoleGrant.account_id == account.id,
            RoleGrant.organization_id == org.id,
            RoleGrant.role == role.value,
            RoleGrant.mandate_id.is_(None)
            if mandate_id is None
            else RoleGrant.mandate_id == mandate_id,
            RoleGrant.constituent_id.is_(None)
            if constituent_id is None
            else RoleGrant.constituent_id == constituent_id,
            RoleGrant.revoked_at.is_(None),
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(f"'{username}' already holds that role in {org.slug}")
    grant = RoleGrant(
        account_id=account.id,
        organization_id=org.id,
        role=role.value,
        mandate_id=mandate_id if role is Role.DELEGATE else None,
        constituent_id=constituent_id if role is Role.CONSTITUENT else None,
    )
    session.add(grant)
    session.flush()
    payload: dict[str, object] = {"account": username, "role": role.value}
    if grant.mandate_id is not None:
        payload["mandate"] = grant.mandate_id
    journal.append(session, org.id, actor=actor, kind="role.granted", payload=payload)
    return grant


def issue_login_code(session: Session, username: str, *, hours: int = 72) -> str:
    """A one-time login code for the account, valid for `hours`; shown once, stored hashed."""
    account = get_account(session, username)
    code = new_code()
    session.add(
        LoginCode(
            account_id=account.id,
            code_hash=digest(code),
            expires_at=utcnow() + dt.timedelta(hours=hours),
        )
    )
    session.flush()
    return code


@dataclass(frozen=True)
class Issued:
    """A new token, in clear text once, with the CSRF token of a session."""

    account: Account
    token: str
    csrf: str | None
    expires_at: dt.datetime


def _audit(
    session: Session, account_id: int | None, kind: str, payload: Mapping[str, object]
) -> None:
    if account_id is None:
        return
    orgs = session.scalars(
        select(RoleGrant.organization_id)
        .where(RoleGrant.account_id == account_id, RoleGrant.revoked_at.is_(None))
        .distinct()
    ).all()
    for org_id in sorted(orgs):
        actor = f"account:{payload['account']}"
        journal.append(session, org_id, actor=actor, kind=kind, payload=dict(payload))


def _issue(
    session: Session, account: Account, kind: str, hours: float, label: str | None
) -> Issued:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    expires = utcnow() + dt.timedelta(hours=hours)
    session.add(
        AuthToken(
            account_id=account.id,
            token_hash=digest(token),
            kind=kind,
            csrf_hash=digest(csrf) if csrf else None,
            label=label,
            expires_at=expires,
        )
    )
    session.flush()
    return Issued(account, token, csrf, expires)


def login_with_password(
    session: Session,
    username: str,
    password: str,
    *,
    kind: str = "session",
    hours: float = 12,
    label: str | None = None,
) -> Issued | None:
    """A session or bearer token for a correct password, or None (journaled as refused).

    The caller commits either way, so that refusals stay in the journal, then refuses.
    """
    account = session.execute(
        select(Account).where(Account.username == username)
    ).scalar_one_or_none()
    stored = account.password_hash if account and account.password_hash else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password) and account is not None and not account.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None or account.password_hash is None:
        refused = {"account": username, "by": "password"}
        _audit(session, account.id if account else None, "account.login_refused", refused)
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    _audit(
        session, account.id, "account.login", {"account": username, "by": "password", "as": kind}
    )
    return _issue(session, account, kind, hours, label)


def login_with_code(
    session: Session, typed: str, *, kind: str = "session", hours: float = 12
) -> Issued:
    """A session for an unused, unexpired one-time code; the code is used up."""
    code_hash = digest(normalize_code(typed))
    now = utcnow()
    used = session.execute(
        update(LoginCode)
        .where(
            LoginCode.code_hash == code_hash,
            LoginCode.used_at.is_(None),
            LoginCode.expires_at > now,
        )
        .values(used_at=now)
        .returning(LoginCode.account_id)
    ).scalar_one_or_none()
    account = session.get(Account, used) if used is not None else None
    if account is None or account.disabled:
        raise Unauthenticated("login: the code is unknown, used or expired")
    _audit(
        session,
        account.id,
        "account.login",
        {"account": account.username, "by": "code", "as": kind},
    )
    return _issue(session, account, kind, hours, None)


@dataclass(frozen=True)
class Authenticated:
    account: Account
    kind: str
    csrf_hash: str | None
    token_id: int


def authenticate(session: Session, token: str) -> Authenticated:
    """The account a live token belongs to, or Unauthenticated."""
    row = session.execute(
        select(AuthToken, Account)
        .join(Account, AuthToken.account_id == Account.id)
        .where(AuthToken.token_hash == digest(token))
    ).first()
    if row is None:
        raise Unauthenticated("the token is unknown")
    stored, account = row
    if stored.revoked_at is not None or stored.expires_at.replace(tzinfo=dt.UTC) <= utcnow():
        raise Unauthenticated("the token has expired or was revoked")
    if account.disabled:
        raise Unauthenticated("the account is disabled")
    return Authenticated(account, stored.kind, stored.csrf_hash, stored.id)


def revoke(session: Session, token_id: int) -> None:
    token = session.get(AuthToken, token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()


def principal(session: Session, account: Account | None, org_id: int) -> Principal:
    """What an account is in one organization: its roles, mandates and constituencies."""
    if account is None:
        return Principal()
    grants = session.scalars(
        select(RoleGrant).where(
            RoleGrant.account_id == account.id,
            RoleGrant.organization_id == org_id,
            RoleGrant.revoked_at.is_(None),
        )
    ).all()
    roles = {Role.PUBLIC} | {Role(g.role) for g in grants}
    mandate_ids = [g.mandate_id for g in grants if g.role == Role.DELEGATE and g.mandate_id]
    active = (
        set(
            session.scalars(
                select(Mandate.id).where(
                    Mandate.id.in_(mandate_ids), Mandate.status == MandateStatus.ACTIVE
                )
            ).all()
        )
        if mandate_ids
        else set()
    )
    constituent_ids = [g.constituent_id for g in grants if g.constituent_id]
    units: set[int] = set()
    if constituent_ids:
        rows = session.execute(
            select(Constituency.id, Constituency.grouped_into_id)
            .join(Constituent, Constituent.constituency_id == Constituency.id)
            .where(Constituent.id.in_(constituent_ids))
        ).all()
        # A constituent of a small unit also belongs to the group that elects for it.
        units = {unit for row in rows for unit in row if unit is not None}
    return Principal(
        account_id=account.id,
        username=account.username,
        roles=frozenset(roles),
        mandates=frozenset(active),
        constituencies=frozenset(units),
    )


def find_constituent(
    session: Session, org: Organization, constituency_name: str, roll_number: str
) -> Constituent:
    """A constituent by constituency name and roll number."""
    found = session.execute(
        select(Constituent)
        .join(Constituency, Constituent.constituency_id == Constituency.id)
        .where(
            Constituency.organization_id == org.id,
            Constituency.name == constituency_name,
            Constituent.roll_number == roll_number,
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no constituent {roll_number} on the roll of '{constituency_name}'")
    return found
