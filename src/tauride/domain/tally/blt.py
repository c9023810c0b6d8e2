"""BLT ballot files (OpenSTV, OpaVote, Droop): read into a profile, written back the same.

The format, line by line::

    4 2                 candidates and seats
    -2 -4               optional: withdrawn candidates, as negative numbers
    3 1 3 0             a ballot line: weight, preferences (1-based), a final 0
    1 0                 a blank ballot is kept; the count decides which ballots are valid
    0                   a line holding a single 0 ends the ballots
    "Alice"             one quoted name per candidate, in number order
    ...
    "Title"             and a quoted title

What this reader decides where files in the wild differ:

- weights are whole numbers of ballots: a weight like ``1.5`` is refused with its line,
  because every count of Tauride is exact over whole ballot papers (rule 46 of the
  Scottish Order counts papers);
- ``#`` starts a comment that runs to the end of the line, outside quoted text; blank
  lines are ignored;
- equal preferences (``2=3``), ballot identifiers ``(...)`` and ``[option]`` lines are
  refused with a clear message rather than half-read;
- after the title nothing but blank lines and comments may follow.

Every problem is reported with its line, all at once where one bad line does not hide
the meaning of the next, in a `BltError`.
"""

from __future__ import annotations

import re

from tauride.domain.tally.profile import Profile

_WHOLE = re.compile(r"[0-9]+")
_PLAIN_BALLOT = re.compile(r"[0-9]+(?:[ \t]+[0-9]+)*")
_NEGATIVE = re.compile(r"-[0-9]+")
_INT64_MAX = 2**63 - 1


class BltError(ValueError):
    """A BLT file that cannot be read; `problems` lists each fault as `source:line: what`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _strip_comment(line: str) -> str:
    """Cut a `#` comment from a line, leaving any `#` inside a quoted name alone."""
    if "#" not in line:
        return line
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:i]
    return line


class _Reader:
    """One pass over a BLT text, gathering what it says and everything wrong with it."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = [
            (number, stripped)
            for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1)
            if (stripped := _strip_comment(line).strip())
        ]
        self.last_line = max(len(text.splitlines()), 1)
        self.problems: list[str] = []
        self.n = 0
        self.seats = 0
        self.withdrawn: set[int] = set()
        self.ballots: list[tuple[int, list[int]]] = []
        self.quoted: list[tuple[int, str]] = []

    def problem(self, line: int, what: str) -> None:
        self.problems.append(f"{self.source}:{line}: {what}")

    def header(self, line: int, text: str) -> bool:
        tokens = text.split()
        if len(tokens) != 2 or not all(_WHOLE.fullmatch(t) for t in tokens):
            self.problem(line, f"header {text!r}: expected two whole numbers, 'candidates seats'")
            return False
        self.n, self.seats = int(tokens[0]), int(tokens[1])
        if self.n < 1:
            self.problem(line, "header: the number of candidates must be at least 1")
        if self.seats < 1:
            self.problem(line, "header: the number of seats must be at least 1")
        return self.n >= 1 and self.seats >= 1

    def withdrawn_line(self, line: int, tokens: list[str]) -> None:
        for token in tokens:
            candidate = -int(token)
            if not 1 <= candidate <= self.n:
                self.problem(line, f"withdrawn candidate {token} is outside -1..-{self.n}")
            elif candidate - 1 in self.withdrawn:
                self.problem(line, f"candidate {candidate} is withdrawn twice")
            else:
                self.withdrawn.add(candidate - 1)

    def ballot_line(self, line: int, text: str) -> None:
        if _PLAIN_BALLOT.fullmatch(text):
            # The common case, checked in bulk: positive weight, one final 0, distinct
            # preferences in range. Anything else gets the detailed look below.
            numbers = [int(t) for t in text.split()]
            preferences = numbers[1:-1]
            if (
                0 < numbers[0] <= _INT64_MAX
                and len(numbers) > 1
                and numbers[-1] == 0
                and all(0 < c <= self.n for c in preferences)
                and len(set(preferences)) == len(preferences)
            ):
                self.ballots.append((numbers[0], [c - 1 for c in preferences]))
                return
        tokens = text.split()
        weight_text, rest = tokens[0], tokens[1:]
        weight = None
        if _WHOLE.fullmatch(weight_text):
            weight = int(weight_text)
            if weight == 0:
                self.problem(
                    line,
                    "weight 0: a ballot line needs a weight of at least 1"
                    " (a line holding only 0 ends the ballots)",
                )
                weight = None
            elif weight > _INT64_MAX:
                self.problem(line, f"weight {weight_text} is too large")
                weight = None
        elif re.fullmatch(r"[0-9]*\.[0-9]+|[0-9]+\.[0-9]*", weight_text):
            self.problem(line, f"weight {weight_text} is not a whole number of ballots")
        else:
            self.problem(line, f"weight {weight_text!r} is not a whole number")
        if not rest or rest[-1] != "0":
            self.problem(line, "the ballot line does not end with 0")
        elif "0" in rest[:-1]:
            self.problem(line, "text after the 0 that ends the ballot line")
            rest = []
        else:
            rest = rest[:-1]
        ranking: list[int] = []
        seen: set[int] = set()
        for token in rest:
            if "=" in token:
                self.problem(line, f"equal preferences ({token}) are not supported")
            elif not _WHOLE.fullmatch(token):
                self.problem(line, f"preference {token!r} is not a candidate number")
            elif not 1 <= int(token) <= self.n:
                self.problem(line, f"preference {token} is outside 1..{self.n}")
            elif int(token) in seen:
                self.problem(line, f"the ranking names candidate {token} twice")
            else:
                seen.add(int(token))
                ranking.append(int(token) - 1)
        if weight is not None:
            self.ballots.append((weight, ranking))

    def read(self) -> Profile | None:
        if not self.lines:
            self.problem(1, "empty file; expected a header line 'candidates seats'")
            return None
        line, text = self.lines[0]
        if not self.header(line, text):
            return None
        index = 1
        while index < len(self.lines):
            line, text = self.lines[index]
            tokens = text.split()
            if not all(_NEGATIVE.fullmatch(t) for t in tokens):
                break
            self.withdrawn_line(line, tokens)
            index += 1
        ended = False
        while index < len(self.lines):
            line, text = self.lines[index]
            if text == "0":
                ended = True
                index += 1
                break
            if text.startswith('"'):
                self.problem(
                    line,
                    "a candidate name before the line holding a single 0 that ends the ballots",
                )
                break
            if all(_NEGATIVE.fullmatch(t) for t in text.split()):
                self.problem(line, "withdrawn candidates must come right after the header")
            elif text.startswith(("(", "[")):
                what = "ballot identifiers" if text.startswith("(") else "options in [brackets]"
                self.problem(line, f"{what} are not supported")
            else:
                self.ballot_line(line, text)
            index += 1
        if not ended and index >= len(self.lines):
            self.problem(
                self.last_line, "missing the line holding a single 0 that ends the ballots"
            )
        self.names(index)
        if sum(weight for weight, _ in self.ballots) > _INT64_MAX:
            self.problem(self.last_line, "the weights add up to more ballots than can be counted")
        if self.problems:
            return None
        return Profile.from_ballots(
            [name for _, name in self.quoted[: self.n]],
            self.ballots,
            seats=self.seats,
            withdrawn=self.withdrawn,
            title=self.quoted[self.n][1],
        )

    def names(self, index: int) -> None:
        """Read the quoted candidate names and title that follow the ballots."""
        first: dict[str, int] = {}
        for line, text in self.lines[index:]:
            if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
                self.problem(line, f"expected a quoted name or title, found {text!r}")
                continue
            name = text[1:-1]
            if '"' in name:
                self.problem(line, f"{text}: one quoted name per line")
                continue
            if len(self.quoted) < self.n:
                if not name:
                    self.problem(line, "empty candidate name")
                elif name in first:
                    self.problem(line, f"candidate name {name!r} repeats line {first[name]}")
                first.setdefault(name, line)
            self.quoted.append((line, name))
        if len(self.quoted) != self.n + 1:
            found = len(self.quoted)
            self.problem(
                self.quoted[-1][0] if self.quoted else self.last_line,
                f"{found} quoted line{'s' if found != 1 else ''} after the ballots:"
                f" expected {self.n} candidate names and a title",
            )


def parse_blt(text: str, source: str = "<blt>") -> Profile:
    """Decide the profile a BLT text describes, or raise `BltError` listing every fault."""
    reader = _Reader(text, source)
    profile = reader.read()
    if profile is None:
        raise BltError(reader.problems)
    return profile


def write_blt(profile: Profile) -> str:
    """Write a profile as BLT text that `parse_blt` reads back to the same profile.

    Rankings with no ballots are left out (a weight of 0 would end the ballots). Names
    and title cannot hold a double quote or a line break, and a name cannot be empty:
    BLT has no way to write them.
    """
    for text in (*profile.candidates, profile.title):
        if '"' in text or text.splitlines() not in ([], [text]):
            raise ValueError(f"{text!r} cannot be written in BLT: a quote or a line break")
    if "" in profile.candidates:
        raise ValueError("an empty candidate name cannot be written in BLT")
    lines = [f"{profile.n_candidates} {profile.seats}"]
    if profile.withdrawn:
        lines.append(" ".join(f"-{c + 1}" for c in sorted(profile.withdrawn)))
    for count, ranking in profile.ballots():
        if count > 0:
            lines.append(" ".join([str(count), *(str(c + 1) for c in ranking), "0"]))
    lines.append("0")
    lines.extend(f'"{name}"' for name in profile.candidates)
    lines.append(f'"{profile.title}"')
    return "\n".join(lines) + "\n"
