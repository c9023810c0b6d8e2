"""The HTTP entry point: a FastAPI application over the same services as the CLI."""

from tauride.web.app import create_app

__all__ = ["create_app"]
