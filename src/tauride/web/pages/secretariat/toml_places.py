"""Where each field of a constitution is written in its TOML text, so that a mistake found
at `bodies.executive.elected_by` is shown beside line 112, where the secretary wrote it.

A light reading of the text, enough to place tables (`[bodies.executive]`, `[[x]]`), keys
(dotted or quoted), inline tables and arrays of inline tables; a field the text does not
write (a missing one) is placed at the nearest table that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r"\"(?:[^\"\\]|\\.)*\"|'[^']*'"
_KEY_PART = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[|\[)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_INLINE_KEY = re.compile(rf"(?:^|[{{,])\s*({_DOTTED})\s*=")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_INDEX = re.compile(r"\[\d+\]$")


def _parts(dotted: str) -> list[str]:
    """The keys of a dotted key, unquoted."""
    return [
        part[1:-1] if part[:1] in "\"'" else part
        for part in re.findall(_KEY_PART, dotted)
        if part.strip()
    ]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _code(text: str) -> str:
    """The text with string contents blanked and the comment dropped, to count brackets."""
    out: list[str] = []
    quote = ""
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
                out.append(char)
            continue
        if char == "#":
            break
        if char in "\"'":
            quote = char
        out.append(char)
    return "".join(out)


@dataclass
class _Array:
    """An array of inline tables spanning lines: its path, bracket depth and next index."""

    path: str
    depth: int
    index: int


class _Reader:
    def __init__(self) -> None:
        self.places: dict[str, int] = {}
        self.table = ""
        self.arrays: dict[str, int] = {}
        self.array: _Array | None = None
        self.string_end = ""

    def place(self, path: str, line: int) -> None:
        self.places.setdefault(path, line)

    def inline(self, path: str, code: str, line: int) -> None:
        for match in _INLINE_KEY.finditer(code):
            self.place(_join(path, ".".join(_parts(match.group(1)))), line)

    def items(self, array: _Array, code: str, line: int) -> None:
        """Walk a line of an array: each inline table at the array's top level is an item."""
        start = None
        for position, char in enumerate(code):
            if char in "[{":
                if char == "{" and array.depth == 1:
                    start = position
                array.depth += 1
            elif char in "]}":
                array.depth -= 1
                if char == "}" and array.depth == 1 and start is not None:
                    item = f"{array.path}[{array.index}]"
                    self.place(item, line)
                    self.inline(item, code[start + 1 : position], line)
                    array.index += 1
                    start = None

    def read(self, number: int, raw: str) -> None:
        if self.string_end:
            if raw.count(self.string_end) % 2 == 1:
                self.string_end = ""
            return
        if self.array is not None:
            self.items(self.array, _code(raw), number)
            if self.array.depth <= 0:
                self.array = None
            return
        header = _HEADER.match(raw)
        if header:
            keys = _parts(header.group(2))
            path = ""
            for key in keys:
                path = _join(path, key)
                self.place(path, number)
            if header.group(1) == "[[":
                index = self.arrays.get(path, 0)
                self.arrays[path] = index + 1
                path = f"{path}[{index}]"
                self.place(path, number)
            self.table = path
            return
        assign = _ASSIGN.match(raw)
        if not assign:
            return
        path = self.table
        for key in _parts(assign.group(1)):
            path = _join(path, key)
            self.place(path, number)
        value = assign.group(2).strip()
        for delimiter in ('"""', "'''"):
            if value.startswith(delimiter) and value.count(delimiter) == 1:
                self.string_end = delimiter
                return
        code = _code(value)
        if code.startswith("{"):
            self.inline(path, code[1:], number)
        elif code.startswith("["):
            array = _Array(path, 1, 0)
            self.items(array, code[1:], number)
            if array.depth > 0:
                self.array = array


def field_lines(text: str) -> dict[str, int]:
    """The line (from 1) where each table and field of the text is first written."""
    reader = _Reader()
    for number, raw in enumerate(text.splitlines(), start=1):
        reader.read(number, raw)
    return reader.places


def _parent(path: str) -> str:
    if _INDEX.search(path):
        return _INDEX.sub("", path)
    head, _, _ = path.rpartition(".")
    return head


def line_of(places: dict[str, int], path: str, message: str = "") -> int | None:
    """The line a mistake belongs to: the field's own, else its nearest enclosing table's;
    for a text that is not TOML at all, the line the reader stopped at."""
    found = _TOML_LINE.search(message)
    if not path and found:
        return int(found.group(1))
    path = path.removesuffix(" (key)")
    while path:
        if path in places:
            return places[path]
        path = _parent(path)
    return None
