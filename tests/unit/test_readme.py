"""The README's constitution example is a valid constitution."""

from __future__ import annotations

import re
from pathlib import Path

from tauride.domain.constitution import parse_constitution

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_constitution_example_validates() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "the README shows a constitution"
    for block in blocks:
        constitution = parse_constitution(block)
        assert constitution.bodies["executive"].seats == 22
