"""Who acts in a scenario replayed over HTTP, and how the client reaches the API.

`prepare` does the only two acts that go around HTTP: the organization is loaded from the
scenario's folder (constitution and CSV files, `services.examples.load_folder`, as
`tauride init --example` does) and one secretariat account is bootstrapped with a
password. `Api` makes the requests; `People` holds the accounts — the secretariat, a chair
and a teller made by the secretariat with passwords, then one delegate account per mandate,
made the first time that mandate acts — and resolves the scenario's names from what the API
lists, as `services.scenarios` resolves them from the database.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tauride.db.engine import build_engine, transaction
from tauride.domain import scenario as sc
from tauride.services import accounts
from tauride.services.examples import load_folder
from tauride.services.scenarios import organization_folder

PASSWORD = "correct horse battery"  # noqa: S105 — the scenario's officers'
SECRETARIAT = "secretariat"
Headers = dict[str, str]


class ReplayRefused(AssertionError):
    """A request of the replay was refused: which step, which request, what the API said."""


def prepare(url: str, scenario: sc.Scenario, base: Path) -> str:
    """Load the scenario's organization and bootstrap one secretariat account with a
    password: the two acts done without HTTP. Return the organization's slug."""
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            org = load_folder(
                session, organization_folder(scenario, base), actor=scenario.header.actor
            )
            accounts.create_account(session, SECRETARIAT, "Secretariat", password=PASSWORD)
            accounts.grant_role(session, org, SECRETARIAT, "secretariat", actor="bootstrap")
            return org.slug
    finally:
        engine.dispose()


class Api:
    """Requests to one organization's API; every changing one carries an Idempotency-Key,
    as a client that may retry must send."""

    def __init__(self, http: TestClient, slug: str) -> None:
        self.http = http
        self.base = f"/api/v1/organizations/{slug}"
        self.where = "setup"
        """The step under way, for the message of a refusal."""
        self.requests = 0

    def call(
        self,
        method: str,
        path: str,
        who: Headers | None,
        body: Any = None,
        *,
        ok: int = 200,
        params: dict[str, str] | None = None,
    ) -> Any:
        """One request; anything but the expected status stops the replay, saying where."""
        headers = dict(who or {})
        if method != "GET":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        url = path if path.startswith("/api/") else self.base + path
        response = self.http.request(method, url, json=body, headers=headers, params=params)
        self.requests += 1
        if response.status_code != ok:
            raise ReplayRefused(
                f"{self.where}: {method} {url} answered {response.status_code}: {response.text}"
            )
        return response.json() if response.content else None

    def pages(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Every item of a paginated list."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = {**params, "limit": "200", **({"cursor": cursor} if cursor else {})}
            page = self.call("GET", path, None, params=query)
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items


@dataclass(frozen=True)
class Mandate:
    id: int
    person: str
    constituency: str | None
    faction: str | None
    consultative: bool


@dataclass(frozen=True)
class Member:
    mandate: int
    consultative: bool
    roll_position: int


class People:
    """The accounts that act, their bearer tokens, and the scenario's names resolved."""

    def __init__(self, api: Api, *, delegate_login: str, password: str) -> None:
        if delegate_login not in ("code", "password"):
            raise ValueError("delegate_login: 'code' or 'password'")
        self.api = api
        self.delegate_login = delegate_login
        self.password = password
        self.accounts = 0
        self.account_seconds = 0.0
        self.tokens: dict[int, Headers] = {}
        self.delegates: dict[sc.Delegate, int] = {}
        self.mandates: dict[int, Mandate] = {}
        self.groups: dict[str, str | None] = {}
        self.rolls: dict[str, dict[int, Member]] = {}
        self.sec = self._token(SECRETARIAT)
        self.chair = self._officer("chair", "chair")
        self.teller = self._officer("teller", "teller")
        for m in api.pages("/mandates", status="active"):
            self.mandates[m["id"]] = Mandate(
                m["id"], m["person"], m["constituency"], m["faction"], m["consultative"]
            )
        for c in api.pages("/constituencies"):
            self.groups[c["name"]] = c["grouped_into"]

    def _token(self, username: str) -> Headers:
        login = {"username": username, "password": self.password, "label": "scenario"}
        issued = self.api.call("POST", "/api/v1/auth/tokens", None, login, ok=201)
        return {"Authorization": f"Bearer {issued['token']}"}

    def _account(self, username: str, display_name: str, role: dict[str, Any]) -> Headers:
        started = time.perf_counter()
        account = {"username": username, "display_name": display_name, **role}
        if role["role"] != "delegate" or self.delegate_login == "password":
            account["password"] = self.password
            self.api.call("POST", "/accounts", self.sec, account, ok=201)
            headers = self._token(username)
        else:
            self.api.call("POST", "/accounts", self.sec, account, ok=201)
            path = f"/accounts/{username}/login-codes"
            code = self.api.call("POST", path, self.sec, ok=201)["code"]
            body = {"code": code}
            issued = self.api.call("POST", "/api/v1/auth/code-tokens", None, body, ok=201)
            headers = {"Authorization": f"Bearer {issued['token']}"}
        self.accounts += 1
        self.account_seconds += time.perf_counter() - started
        return headers

    def _officer(self, username: str, role: str) -> Headers:
        return self._account(username, username.title(), {"role": role})

    def delegate(self, mandate: int) -> Headers:
        """The bearer token of the delegate holding `mandate`: without a password, their
        account gets a one-time code that their device exchanges for a token."""
        if mandate not in self.tokens:
            role = {"role": "delegate", "mandate": mandate}
            person = self.mandates[mandate].person
            self.tokens[mandate] = self._account(f"delegate-{mandate}", person, role)
        return self.tokens[mandate]

    def find(self, ref: sc.Delegate) -> int:
        """The active mandate a reference names, as `services.scenarios.find_delegate`: by
        the person's name, or the first of a constituency's (voting before consultative,
        by number), a small plant's through the precinct group it elects in."""
        if ref in self.delegates:
            return self.delegates[ref]
        found = sorted(self.mandates.values(), key=lambda m: (m.consultative, m.id))
        if ref.name is not None:
            found = [m for m in found if m.person == ref.name]
        if ref.constituency is not None:
            if ref.constituency not in self.groups:
                raise ReplayRefused(f"{self.api.where}: no constituency '{ref.constituency}'")
            units = {ref.constituency, self.groups[ref.constituency]} - {None}
            found = [m for m in found if m.constituency in units]
        if not found:
            raise ReplayRefused(f"{self.api.where}: no delegate {ref} holds a mandate")
        if ref.constituency is None and len(found) > 1:
            raise ReplayRefused(f"{self.api.where}: {len(found)} delegates named '{ref.name}'")
        self.delegates[ref] = found[0].id
        return found[0].id

    def roll(self, body: str) -> dict[int, Member]:
        """The body's members by mandate (a body's roll does not change in a replay)."""
        if body not in self.rolls:
            listed = self.api.call("GET", f"/bodies/{body}/members", None)
            self.rolls[body] = {
                m["mandate"]: Member(m["mandate"], m["consultative"], m["roll_position"])
                for m in listed
            }
        return self.rolls[body]

    def electorate(self, poll: dict[str, Any], body: str) -> list[int]:
        """Who may vote in the poll just opened, in the order of the seats: each principal
        present (by mandate number), or the alternate sitting in for an absent one."""
        path = f"/sittings/{poll['sitting']}/attendance"
        attending = self.api.call("GET", path, None)["attending"]
        present = {a["mandate"] for a in attending}
        roll = self.roll(body)
        seats: dict[int, int] = {}
        for a in attending:
            member = roll.get(a["mandate"])
            if member is not None and member.consultative:
                continue
            if a["for_mandate"] is not None and a["for_mandate"] in present:
                continue  # the principal is here: the alternate does not vote
            seats[a["for_mandate"] or a["mandate"]] = a["mandate"]
        electors = [seats[s] for s in sorted(seats)]
        if len(electors) != poll["entitled"]:
            raise ReplayRefused(
                f"{self.api.where}: {len(electors)} electors found, "
                f"the poll says {poll['entitled']}"
            )
        return electors
