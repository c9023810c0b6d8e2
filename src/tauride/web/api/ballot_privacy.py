"""A cast's Idempotency-Key record must not tie an account to its secret ballot.

A retried cast answers with the first cast's receipt, so that response is stored beside
the account that sent it. Stored in the clear, the receipt (which finds the ballot, and
so its choice) and a plain hash of the request (whose choice anyone could guess among a
few options) would link the account to what it chose, in the database, which a secret
poll never does (docs/secret-ballots.md). So the stored fingerprint of a cast is keyed
with the server's secret, and the stored receipt is masked with a keystream drawn from
the secret, the account and the key, and unmasked on the way out. A copy of the database
alone links nobody to a choice; whoever also holds the server's secret is the server,
which a secret ballot does not claim to withstand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tauride.config import Settings
from tauride.web.auth import Context


class CastFingerprint(BaseModel):
    """What a cast's idempotency record remembers of its request: a keyed digest."""

    digest: str


def _secret(request: Request) -> bytes:
    settings: Settings = request.app.state.settings
    return settings.effective_secret_key.encode()


def cast_fingerprint(request: Request, body: BaseModel) -> CastFingerprint:
    """A digest that tells two requests apart but, without the secret, not what they chose."""
    message = b"cast-request\0" + body.model_dump_json().encode()
    return CastFingerprint(digest=hmac.new(_secret(request), message, hashlib.sha256).hexdigest())


def _pad(request: Request, ctx: Context, key: str, length: int) -> bytes:
    stream = b""
    counter = 0
    while len(stream) < length:
        message = f"cast-receipt\0{ctx.who.account_id}\0{key}\0{counter}".encode()
        stream += hmac.new(_secret(request), message, hashlib.sha256).digest()
        counter += 1
    return stream[:length]


def mask_receipt(request: Request, ctx: Context, key: str | None, receipt: str) -> str:
    """The receipt as the idempotency record keeps it (as is when nothing is kept)."""
    if key is None:
        return receipt
    raw = receipt.encode()
    return bytes(a ^ b for a, b in zip(raw, _pad(request, ctx, key, len(raw)), strict=True)).hex()


def unmask_receipt(
    request: Request, ctx: Context, key: str | None, response: JSONResponse
) -> JSONResponse:
    """The response with the receipt the voter is given, first time or replayed."""
    if key is None or not 200 <= response.status_code < 300:
        return response
    content: dict[str, Any] = json.loads(bytes(response.body))
    masked = bytes.fromhex(str(content["receipt"]))
    pad = _pad(request, ctx, key, len(masked))
    receipt = bytes(a ^ b for a, b in zip(masked, pad, strict=True)).decode()
    return JSONResponse({**content, "receipt": receipt}, status_code=response.status_code)
