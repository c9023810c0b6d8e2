"""Print the OpenAPI document: `python -m tauride.web.openapi > docs/openapi.json`.

The committed copy is compared with the application's in the test suite, so a change of the
API is always a change of that file too, made on purpose.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tauride.config import Settings
from tauride.web.app import create_app


def document() -> dict[str, Any]:
    """The application's OpenAPI document (no database is touched to build it)."""
    return create_app(Settings(database_url="sqlite://")).openapi()


def render() -> str:
    """The document as the committed file holds it."""
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
