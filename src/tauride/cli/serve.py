"""`tauride serve`: run the web application under uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from tauride.cli.context import settings

FACTORY = "tauride.web.app:app_from_environment"


def serve_command(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    access_log: bool = typer.Option(
        False,
        "--access-log",
        help="Log every request line. Off by default: a query string may carry a ballot "
        "receipt, and a log tying it to a client address would undo the secret ballot.",
    ),
) -> None:
    """Serve the API (and its documentation at /docs) from the configured database."""
    config = settings()  # a wrong setting is reported here, before any worker starts
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=config.log_level.lower(),
        proxy_headers=False,
        access_log=access_log,
    )
