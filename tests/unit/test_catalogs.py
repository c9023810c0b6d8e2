"""The pages speak English, Russian and German completely: every string the templates and
page modules mark for translation has a Russian and a German translation, with the same
format variables, and the catalogs match the source (`make messages` keeps them so)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tauride.web.pages import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [
    ("src/tauride/web/**.py", "python"),
    ("src/tauride/web/templates/**.html", "jinja2"),
    ("src/tauride/web/templates/**.txt", "jinja2"),
]
OPTIONS = {
    "src/tauride/web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
}
VARIABLE = re.compile(r"%\((\w+)\)[sd]")


def _source_messages() -> set[str]:
    found: set[str] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(locale: str) -> Catalog:
    with i18n.catalog_path(locale).open("rb") as source:
        return read_po(source, locale=locale)


@pytest.fixture(scope="module")
def source() -> set[str]:
    return _source_messages()


@pytest.mark.parametrize("locale", ["ru", "de"])
def test_every_string_of_the_pages_is_translated(source: set[str], locale: str) -> None:
    catalog = _catalog(locale)
    missing, empty, fuzzy, variables = [], [], [], []
    for message_id in sorted(source):
        message = catalog.get(message_id)
        if message is None:
            missing.append(message_id)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            empty.append(message_id)
        if message.fuzzy:
            fuzzy.append(message_id)
        wanted = set(VARIABLE.findall(message_id))
        if any(set(VARIABLE.findall(text)) != wanted for text in strings if text):
            variables.append(message_id)
    assert not missing, f"{locale}: not in the catalog (run `make messages`): {missing[:20]}"
    assert not empty, f"{locale}: untranslated: {empty[:20]}"
    assert not fuzzy, f"{locale}: fuzzy: {fuzzy[:20]}"
    assert not variables, f"{locale}: format variables differ: {variables[:20]}"


@pytest.mark.parametrize("locale", ["ru", "de"])
def test_catalogs_hold_no_strings_the_pages_no_longer_use(source: set[str], locale: str) -> None:
    stale = sorted(
        m.id
        for m in _catalog(locale)
        if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in source
    )
    assert not stale, (
        f"{locale}: strings no longer in the source (run `make messages`): {stale[:20]}"
    )


def test_translations_are_used_and_formatting_follows_the_locale() -> None:
    i18n.activate("ru")
    assert i18n.gettext("Sign in") != "Sign in"
    assert i18n.format_number(3000) == "3\xa0000"
    i18n.activate("de")
    assert i18n.gettext("Sign in") != "Sign in"
    assert i18n.format_number(3000) == "3.000"
    i18n.activate("en")
    assert i18n.gettext("Sign in") == "Sign in"
    assert i18n.format_number(3000) == "3,000"


def test_accept_language_picks_the_best_supported_language() -> None:
    assert i18n.from_accept_language("fr-FR, de;q=0.8, ru;q=0.9") == "ru"
    assert i18n.from_accept_language("fr, es") is None
    assert i18n.from_accept_language("de;q=0, en;q=0.1") == "en"
    assert i18n.supported("ru_RU") == "ru"
