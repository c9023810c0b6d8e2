"""The committed OpenAPI document matches the application; `tauride serve` answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
from fastapi.testclient import TestClient

from tauride.config import Settings
from tauride.web import create_app
from tauride.web.openapi import render

TAURIDE = str(Path(sys.executable).with_name("tauride"))
SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_application() -> None:
    current = render()
    if os.environ.get("TAURIDE_REGENERATE_OPENAPI") == "1":
        SPEC.write_text(current, encoding="utf-8")
    assert SPEC.read_text(encoding="utf-8") == current, (
        "the API changed: regenerate docs/openapi.json with "
        "`python -m tauride.web.openapi > docs/openapi.json` and review the difference"
    )


def test_openapi_is_served_with_every_path(fresh_database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=fresh_database_url))) as client:
        served = client.get("/openapi.json").json()
    assert "/api/v1/organizations/{slug}/journal" in served["paths"]
    assert "/readyz" in served["paths"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_tauride_serve_answers_health_and_api(use_database: str) -> None:
    port = _free_port()
    env = {**os.environ, "TAURIDE_DATABASE_URL": use_database}
    subprocess.run(
        [TAURIDE, "init", "--example", "petrograd-1917"],
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [TAURIDE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert ready.json() == {"status": "ready"}
        org = httpx.get(f"http://127.0.0.1:{port}/api/v1/organizations/petrograd-1917").json()
        assert org["slug"] == "petrograd-1917"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_browsable_docs_work_offline_without_inline_script(fresh_database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=fresh_database_url))) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "<script>" not in page.text  # scripts come from files, never inline
        assert "cdn" not in page.text.lower()
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        for asset in ("/static/swagger-ui/swagger-ui-bundle.js", "/static/docs.js"):
            assert asset in page.text
            served = client.get(asset)
            assert served.status_code == 200
            assert "javascript" in served.headers["content-type"]
        assert client.get("/redoc").status_code == 404
