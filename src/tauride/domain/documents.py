"""Documents as a list of blocks, written out as Markdown or as a self-contained HTML page.

One list of blocks (headings, paragraphs, lists, tables, quotations) is written in both
formats, so that they say the same thing. Every text is escaped: Markdown punctuation is
backslashed and whatever would start a heading or a list is guarded; HTML goes through
`html.escape`. The page carries an inline stylesheet fit to print and archive, no script,
and loads nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """Inline monospace: hashes and Merkle roots."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Code | Strong


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Items:
    entries: tuple[tuple[Inline, ...], ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Quote:
    """A text quoted as written: a motion's text, its lines kept."""

    text: str


@dataclass(frozen=True)
class Footer:
    parts: tuple[Inline, ...]


Block = Heading | Para | Items | Table | Quote | Footer

_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#+=-])|(\d+)([.)]))", re.MULTILINE)


def _md_escape(text: str) -> str:
    return _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", text))


def _md_lead(text: str) -> str:
    """Escape what would make a line a heading, a list item or a rule."""

    def guard(m: re.Match[str]) -> str:
        return f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}"

    return _MD_LINE_START.sub(guard, text)


def _md(text: str) -> str:
    """Escape Markdown punctuation in running text; line breaks become spaces."""
    return _md_escape(_SPACES.sub(" ", text))


def _md_inline(parts: Sequence[Inline]) -> str:
    return _md_lead(
        "".join(
            f"`{p.text}`"
            if isinstance(p, Code)
            else f"**{_md(p.text)}**"
            if isinstance(p, Strong)
            else _md(p)
            for p in parts
        )
    )


def to_markdown(blocks: Sequence[Block]) -> str:
    """Decide the Markdown (CommonMark with tables) of a list of blocks."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            text = _md(b.text)
            # A heading's trailing " #" would be read as its closing sequence.
            text = text[:-1] + "\\#" if text.endswith("#") else text
            out.append(f"{'#' * b.level} {text}")
        elif isinstance(b, Para):
            out.append(_md_inline(b.parts))
        elif isinstance(b, Footer):
            out.append("---\n\n" + _md_inline(b.parts))
        elif isinstance(b, Items):
            out.append(
                "\n".join(
                    f"{f'{n}.' if b.ordered else '-'} {_md_inline(entry)}"
                    for n, entry in enumerate(b.entries, start=1)
                )
            )
        elif isinstance(b, Quote):
            lines = b.text.splitlines() or [""]
            out.append("\n".join(f"> {_md_lead(_md_escape(line))}".rstrip() for line in lines))
        else:
            head = "| " + " | ".join(_md(c) for c in b.header) + " |"
            rule = "|" + "|".join("---" for _ in b.header) + "|"
            body = ("| " + " | ".join(_md(c) for c in row) + " |" for row in b.rows)
            out.append("\n".join([head, rule, *body]))
    return "\n\n".join(out) + "\n"


_CSS = """\
@page { margin: 2cm; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; background: #fff;
  max-width: 48em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .3em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .4em; border-bottom: 1px solid #888; }
h3 { font-size: 1.05em; margin: 1.2em 0 .3em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #aaa; padding: .15em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
blockquote { margin: .4em 0 .6em 1.2em; padding-left: .8em; border-left: 3px solid #aaa;
  white-space: pre-wrap; }
code { font: .85em "DejaVu Sans Mono", Menlo, Consolas, monospace; word-break: break-all; }
footer { margin-top: 2em; padding-top: .5em; border-top: 1px solid #888; font-size: .85em; }
@media print { body { margin: 0; max-width: none; } h2, h3 { break-after: avoid; }
  tr, blockquote { break-inside: avoid; } }"""


def _html_inline(parts: Sequence[Inline]) -> str:
    e = html.escape
    return "".join(
        f"<code>{e(p.text)}</code>"
        if isinstance(p, Code)
        else f"<strong>{e(p.text)}</strong>"
        if isinstance(p, Strong)
        else e(p)
        for p in parts
    )


def to_html(title: str, blocks: Sequence[Block]) -> str:
    """Decide a complete HTML5 page for a list of blocks: inline style, no script."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{_html_inline(b.parts)}</p>")
        elif isinstance(b, Footer):
            out.append(f"<footer><p>{_html_inline(b.parts)}</p></footer>")
        elif isinstance(b, Items):
            tag = "ol" if b.ordered else "ul"
            entries = "".join(f"\n<li>{_html_inline(entry)}</li>" for entry in b.entries)
            out.append(f"<{tag}>{entries}\n</{tag}>")
        elif isinstance(b, Quote):
            out.append(f"<blockquote>{e(b.text)}</blockquote>")
        else:
            head = "".join(f"<th>{e(c)}</th>" for c in b.header)
            rows = "".join(
                "\n<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.rows
            )
            out.append(
                f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{rows}\n</tbody>\n</table>"
            )
    return "\n".join([*out, "</body>", "</html>", ""])
