"""Writing what a constituency reads: its instructions and whether they were kept, and
any document as plain text (for an e-mail or a notice board).

Blocks are those of `tauride.domain.documents`, so the same text is written as Markdown,
HTML or plain text; the output depends on the values alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from tauride.domain.documents import (
    Block,
    Footer,
    Heading,
    Inline,
    Items,
    Para,
    Table,
    to_markdown,
)
from tauride.domain.instructions import (
    Compliance,
    ConstituencyInstructions,
    PollCompliance,
    RecordInstruction,
)

WIDTH = 78


def _words(key: str) -> str:
    return key.replace("_", " ").replace("-", " ")


def _when(at: str) -> str:
    return f"{at[:10]} {at[11:16]} UTC" if len(at) >= 16 else at


def compliance_blocks(checks: Sequence[PollCompliance]) -> list[Block]:
    """For each instructed poll: the instruction, and what each delegate did about it."""
    blocks: list[Block] = []
    for c in checks:
        blocks.append(
            Para(
                (
                    f"Poll {c.poll} on motion {c.motion} ({c.body}, {_when(c.at)}): {c.question}. "
                    f"Instructed to vote {c.instructed} by {c.given_by} "
                    f"(instruction {c.instruction}).",
                )
            )
        )
        rows = tuple((d.name, d.choice or "—", _words(d.compliance.value)) for d in c.delegates)
        blocks.append(
            Table(("Delegate", "Vote", "Instruction"), rows)
            if rows
            else Para(("No delegate of the constituency sat in the body.",))
        )
    if checks:
        tally = [
            (k, sum(1 for c in checks for d in c.delegates if d.compliance is k))
            for k in Compliance
        ]
        said = "; ".join(f"{_words(k.value)}: {n}" for k, n in tally if n)
        blocks.append(Para((said[:1].upper() + said[1:] + ".",)))
    return blocks


def report_blocks(r: ConstituencyInstructions) -> list[Block]:
    """Every instruction a constituency gave and where its delegates kept or breached it."""
    blocks: list[Block] = [Heading(1, f"Instructions of {r.constituency}")]
    if not r.instructions:
        return [*blocks, Para(("No instruction has been given.",))]
    entries: list[tuple[Inline, ...]] = []
    for i in r.instructions:
        later = f" — superseded by instruction {i.superseded_by}" if i.superseded_by else ""
        text = f": {i.text}" if i.text else ""
        entries.append(
            (
                f"Instruction {i.instruction} ({_when(i.at)}), {i.given_by}: "
                f"vote {i.choice} on {i.on}{text}{later}",
            )
        )
    blocks += [Items(tuple(entries)), Heading(2, "Polls")]
    if not r.polls:
        blocks.append(Para(("No poll has been taken yet on an instructed question.",)))
    return blocks + compliance_blocks(r.polls)


def record_instruction_blocks(lines: Sequence[RecordInstruction]) -> list[Block]:
    """The section of a delegate's record on the instructions of their constituency."""
    if not lines:
        return []
    rows = tuple(
        (
            str(x.poll),
            f"motion {x.motion}: {x.question}",
            f"{x.instructed} ({x.given_by})",
            x.choice or "—",
            _words(x.compliance.value),
        )
        for x in lines
    )
    breached = sum(1 for x in lines if x.compliance is Compliance.BREACHED)
    return [
        Heading(2, f"Instructions of {lines[0].constituency}"),
        Para((f"Instructed on {len(lines)} poll(s); breached in {breached}.",)),
        Table(("Poll", "Question", "Instructed", "Vote", "Instruction"), rows),
    ]


def record_instructions_markdown(lines: Sequence[RecordInstruction]) -> str:
    """The Markdown of that section; empty when no poll was instructed."""
    blocks = record_instruction_blocks(lines)
    return to_markdown(blocks) if blocks else ""


def report_markdown(r: ConstituencyInstructions) -> str:
    return to_markdown(report_blocks(r))


def _plain(parts: Sequence[Inline]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts)


def to_text(blocks: Sequence[Block]) -> str:
    """Write document blocks as plain text, lines of at most 78 characters but tables."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(b.text + "\n" + ("=" if b.level == 1 else "-") * len(b.text))
        elif isinstance(b, Para):
            out.append(textwrap.fill(_plain(b.parts), WIDTH))
        elif isinstance(b, Items):
            out.append(
                "\n".join(
                    textwrap.fill(
                        _plain(e),
                        WIDTH,
                        initial_indent=f"{n}. " if b.ordered else "- ",
                        subsequent_indent="   " if b.ordered else "  ",
                    )
                    for n, e in enumerate(b.entries, start=1)
                )
            )
        elif isinstance(b, Table):
            rows = [b.header, *b.rows]
            widths = [max(len(c) for c in column) for column in zip(*rows, strict=True)]
            out.append(
                "\n".join(
                    "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                    for row in rows
                )
            )
        elif isinstance(b, Footer):
            out.append("--\n" + textwrap.fill(_plain(b.parts), WIDTH))
        else:  # a quotation, its lines kept
            out.append(textwrap.indent(b.text, "    "))
    return "\n\n".join(out) + "\n"
