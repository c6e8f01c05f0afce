"""The language of what gkledger says: Chinese first, English on request. gettext catalogs.

Messages are written in English in the code, as gettext's message ids (`_("unknown task {task}")`),
and the Chinese catalog (`locale/zh_CN/LC_MESSAGES/gkledger.po`, compiled to `.mo`) gives what
users read by default. English is shown with `--lang en`, `$GKLEDGER_LANG=en`, or a locale that
says English (`LANG=en_US.UTF-8`; `LANGUAGE`, `LC_ALL` and `LC_MESSAGES` first, as gettext reads
them). JSON keys and status words are a contract and never translated.

Catalogs are extracted and compiled with Babel (`python tools/catalogs.py`, a test keeps them
current); reading them needs only the standard library.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("zh", "en")
DOMAIN = "gkledger"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: str | None = None
_translation: gettext.NullTranslations | None = None


def language_from(option: str | None, environ: Mapping[str, str]) -> str:
    """The language asked for: the option, else $GKLEDGER_LANG, else the locale; Chinese unless
    one of them says English."""
    for value in (option, environ.get("GKLEDGER_LANG")):
        if value:
            return "en" if value.strip().lower().startswith("en") else "zh"
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "en" if value.split(":")[0].lower().startswith("en") else "zh"
    return "zh"


def use(language: str) -> None:
    """Speak `language` ("zh" or "en") from now on."""
    global _current, _translation
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}")
    _current = language
    if language == "en":
        _translation = gettext.NullTranslations()  # the message ids are the English
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)


def current() -> str:
    if _current is None:
        use("zh")
    assert _current is not None
    return _current


def _(message: str) -> str:
    """The message in the current language."""
    if _translation is None:
        use("zh")
    assert _translation is not None
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    if _translation is None:
        use("zh")
    assert _translation is not None
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is translated later (kept as an id until shown)."""
    return message


def _f(message: str, **values: object) -> str:
    """The message in the current language, with its {placeholders} filled in."""
    return _(message).format(**values)
