"""The words documents print for the keys the record stores ("roll-call", "carried",
"more-than-half"), in the current language; a key with no word is printed as written."""

from __future__ import annotations

import datetime as dt

from tauride.domain.journal import parse_instant
from tauride.web.pages.i18n import gettext as _


class Words(dict[str, str]):
    """A key's word, or the key itself with its dashes turned to spaces."""

    def __missing__(self, key: str) -> str:
        return key.replace("-", " ").replace("_", " ")


def words() -> dict[str, Words]:
    """Every family of keys and its words in the current language."""
    return {
        "method": Words(
            {
                "roll-call": _("roll-call vote"),
                "electronic": _("electronic vote by name"),
                "show-of-hands": _("show of hands"),
                "secret": _("secret ballot"),
            }
        ),
        "threshold": Words(
            {
                "more-than-half": _("more than half"),
                "two-thirds": _("two thirds"),
                "three-fifths": _("three fifths"),
                "unanimity": _("unanimity"),
                "plurality": _("plurality"),
            }
        ),
        "base": Words(
            {
                "cast": _("of the votes cast"),
                "cast-and-abstentions": _("of the votes cast and abstentions"),
                "present": _("of those present"),
                "members": _("of all members"),
            }
        ),
        "motion": Words(
            {
                "main": _("Main motion"),
                "amendment": _("Amendment"),
                "amendment-to-amendment": _("Amendment to an amendment"),
                "substitute": _("Substitute motion"),
                "close-debate": _("Motion to close the debate"),
                "adjourn": _("Motion to adjourn"),
                "refer": _("Motion to refer"),
                "postpone": _("Motion to postpone"),
                "lay-on-the-table": _("Motion to lay on the table"),
                "reconsider": _("Motion to reconsider"),
                "suspend-the-rules": _("Motion to suspend the rules"),
                "point-of-order": _("Point of order"),
            }
        ),
        "state": Words(
            {
                "submitted": _("submitted"),
                "seconded": _("seconded"),
                "admitted": _("admitted"),
                "debate": _("in debate"),
                "voting": _("being voted on"),
                "postponed": _("postponed"),
                "tabled": _("laid on the table"),
                "carried": _("carried"),
                "lost": _("lost"),
                "withdrawn": _("withdrawn"),
                "referred": _("referred"),
                "lapsed": _("lapsed"),
                "ruled-out": _("ruled out of order"),
                "scheduled": _("scheduled"),
                "open": _("in session"),
                "suspended": _("suspended"),
                "closed": _("closed"),
            }
        ),
        "act": Words(
            {
                "moved": _("moved"),
                "seconded": _("seconded"),
                "admitted": _("admitted"),
                "debate": _("debate opened"),
                "put_to_vote": _("put to the vote"),
                "carried": _("carried"),
                "lost": _("lost"),
                "withdrawn": _("withdrawn"),
                "referred": _("referred"),
                "lapsed": _("lapsed"),
                "amended": _("amended"),
                "ruled_out": _("ruled out of order"),
                "postponed": _("postponed"),
                "tabled": _("laid on the table"),
            }
        ),
        "item": Words(
            {
                "report": _("report"),
                "debate": _("debate"),
                "election": _("election"),
                "resolution": _("resolution"),
                "delegations": _("delegations"),
                "delegates-reports": _("delegates' reports"),
                "any-other-business": _("any other business"),
            }
        ),
        "choice": Words({"yes": _("yes"), "no": _("no"), "abstain": _("abstain")}),
        "side": Words({"pro": _("for"), "contra": _("against"), "neutral": ""}),
        "notice": Words(
            {
                "convocation": _("Convocation"),
                "digests": _("Report-back digests"),
                "login-codes": _("Sign-in codes"),
            }
        ),
    }


def instant(at: str | None, zone: dt.tzinfo) -> dt.datetime | None:
    """An instant of the journal, in the zone the pages show times in."""
    if not at:
        return None
    try:
        return parse_instant(at).astimezone(zone)
    except ValueError:
        return None
