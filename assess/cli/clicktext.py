"""click's own words (用法：, 选项, 命令, its usage errors) in the language of the run.

click marks its messages for gettext but looks them up through the module functions
``gettext.gettext`` and ``gettext.ngettext`` it imported into each of its modules, which
read the process-wide text domain and the environment's language. Setting those would
change every other library's messages too and could not follow ``--lang``; so while a
command runs, those names in click's modules point at click's catalog shipped with assess
(``assess/locale/zh_CN/LC_MESSAGES/click.po``, extracted from click's own source), chosen
by the current language at each lookup, and are put back afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import sys
from collections.abc import Iterator
from types import ModuleType

import click

from assess.i18n import LOCALE_DIR, language

DOMAIN = "click"
# the modules that bind gettext's functions at import (``from gettext import gettext as _``)
MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
           "click.shell_completion", "click.termui", "click.types", "click.utils", "click._termui_impl")


@functools.cache
def _chinese() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)


def _catalog() -> gettext.NullTranslations:
    return _chinese() if language() == "zh" else gettext.NullTranslations()


def click_text(message: str) -> str:
    """One of click's messages in the current language."""
    return _catalog().gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _catalog().ngettext(singular, plural, count)


class Command(click.Command):
    """A command whose help option (which click makes once and keeps) reads in the current language."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = click_text("Show this message and exit.")
        return option


class Group(Command, click.Group):
    command_class = Command
    group_class = type  # click's sign for "subgroups are of this class too"


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """click's messages follow :func:`assess.i18n.language` inside the block."""
    saved: list[tuple[ModuleType, str, object]] = []
    for name in MODULES:
        # only modules click has loaded: importing the others (the editor and pager of
        # _termui_impl, shell completion) would add to every start for paths assess never takes
        module = sys.modules.get(name)
        if module is None:
            continue
        for attribute, ours in (("_", click_text), ("ngettext", _ngettext)):
            if hasattr(module, attribute):
                saved.append((module, attribute, getattr(module, attribute)))
                setattr(module, attribute, ours)
    try:
        yield
    finally:
        for module, attribute, original in saved:
            setattr(module, attribute, original)
