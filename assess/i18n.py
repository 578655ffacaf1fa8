"""The language a person reads: English, or Chinese under a Chinese locale or ``--lang zh``.

Messages are written in English in the code, marked with :func:`_` (``ngettext`` where
a count decides the form), and translated from the gettext catalog in
``assess/locale/zh_CN/LC_MESSAGES/assess.mo``. The catalog is extracted and compiled
with Babel (see docs/architecture.md); the compiled ``.mo`` is committed beside its
``.po`` so that an install needs no build step and no Babel.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "assess"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def from_environment(environ: dict[str, str] | None = None) -> str:
    """``zh`` when the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE, the first one set) is Chinese."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(language: str) -> None:
    """Read messages in ``language`` (``en`` or ``zh``) from now on."""
    global _current, _language
    if language == "zh":
        _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)
    else:
        _current = gettext.NullTranslations()
    _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` in the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.ngettext(singular, plural, count)


def comma() -> str:
    """The mark between the parts of a place or a list: 、 in Chinese, ", " in English
    (punctuation has no words to translate, so it is not in the catalog)."""
    return "、" if _language == "zh" else ", "


def colon() -> str:
    return "：" if _language == "zh" else ": "


def semicolon() -> str:
    return "；" if _language == "zh" else "; "


def N_(message: str) -> str:
    """Marks ``message`` for the catalog where it is translated later, at use (a table
    built at import, a command's help)."""
    return message
