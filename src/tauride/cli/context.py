"""What every database command shares: the engine from settings, one transaction, errors."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tauride.cli.errors import fail
from tauride.config import Settings, get_settings
from tauride.db.engine import build_engine, transaction
from tauride.db.migrate import is_at_head, upgrade
from tauride.domain.errors import TaurideError

ACTOR = "cli:secretariat"


def settings() -> Settings:
    """The settings, or a clear error naming the variable that is wrong; sets the log level."""
    try:
        config = get_settings()
    except ValidationError as exc:
        problems = [
            f"TAURIDE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            if e["loc"]
            else str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        ]
        raise fail(problems) from None
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if config.log_level == "DEBUG":
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement
    else:
        # Each migration step, and each step of drawing a PDF, is news to an operator
        # reading DEBUG output, not otherwise.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
    return config


def engine() -> Engine:
    """An engine for the configured database."""
    config = settings()
    return build_engine(config.database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn refused acts and unreachable databases into messages and exit code 2."""
    try:
        yield
    except TaurideError as exc:
        raise fail(exc.problems) from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise fail(f"database {settings().database_url}: {reason}") from None
    except OSError as exc:
        raise fail(f"{exc.filename or ''}: {exc.strerror}".lstrip(": ")) from None


@contextmanager
def unit_of_work(*, migrate: bool = False) -> Iterator[Session]:
    """One transaction on a migrated database: committed if the command succeeds."""
    with user_errors():
        eng = engine()
        try:
            if migrate:
                upgrade(eng)
            elif not is_at_head(eng):
                raise fail(
                    f"database {settings().database_url} is not at the newest schema: "
                    "run `tauride db upgrade`"
                )
            with transaction(eng) as session:
                yield session
        finally:
            eng.dispose()


def read_text(path: Path) -> str:
    """A file's text, or a clear error naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise fail(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror}") from None


def print_json(data: object) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
