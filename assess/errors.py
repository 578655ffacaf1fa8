"""The one exception hierarchy of `assess`.

Exceptions are only for input that cannot be scored (and for an engine that broke);
findings about a unit are data in the assessment, never exceptions. Every error carries
structured details so that a caller can show them in its own interface.
"""

from __future__ import annotations

import msgspec

from assess.i18n import _, colon, comma, language, ngettext
from assess.paths import reword_suggestion, suggestion_in


class Issue(msgspec.Struct, frozen=True):
    """One problem in an input: where it is (a JSON path) and what is wrong."""

    path: str
    message: str
    line: int | None = None
    rule: str | None = None

    @property
    def suggestion(self) -> str | None:
        """The name this issue suggests instead of a misspelt one (``did you mean``), if any."""
        return suggestion_in(self.message)

    def render(self) -> str:
        where = []
        if self.line is not None:
            where.append(_("line {line}").format(line=self.line))
        if self.rule is not None:
            where.append(_("rule {rule}").format(rule=self.rule))
        if self.path:
            where.append(self.path)
        message = worded(self.message)
        return f"{comma().join(where)}{colon()}{message}" if where else message


def worded(message: str) -> str:
    """A message as its reader reads it: a "did you mean" hint (kept in English in the
    message, where :attr:`Issue.suggestion` finds it) in the reader's language."""
    if language() == "en":
        return message
    return reword_suggestion(message, _(" (did you mean '{name}'?)"))


MAX_ISSUES = 50
"""Issues an error keeps; the rest are counted in a last issue, so that a file with a million
problems is reported in bounded time, memory and output."""


class AssessError(Exception):
    """Root of every error `assess` raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None,
                 issues: tuple[Issue, ...] = (), omitted: int = 0) -> None:
        self.message = message
        self.source = source
        kept = tuple(issues[:MAX_ISSUES])
        self.omitted = omitted + len(issues) - len(kept)
        """Issues left out of :attr:`issues` (beyond the first :data:`MAX_ISSUES`)."""
        if self.omitted:
            kept += (Issue("", ngettext("and {count} more problem not listed", "and {count} more problems not listed",
                                        self.omitted).format(count=self.omitted)),)
        self.issues = kept
        super().__init__(self.render())

    @property
    def suggestion(self) -> str | None:
        """The name the error suggests instead of a misspelt one: its own, or its first issue's."""
        return suggestion_in(self.message) or next(
            (issue.suggestion for issue in self.issues if issue.suggestion), None)

    def render(self) -> str:
        head = f"{self.source}: {worded(self.message)}" if self.source else worded(self.message)
        if not self.issues:
            return head
        lines = [head]
        lines.extend(f"  {issue.render()}" for issue in self.issues)
        return "\n".join(lines)


class FactsError(AssessError):
    """A unit's facts cannot be read or do not satisfy the facts schema."""


class NoRulesetError(FactsError):
    """No bundled ruleset fits the unit's type (a prefecture-level city): it needs one named."""


class RulesetError(AssessError):
    """A ruleset cannot be found, read, or compiled; issues name the rule and line."""


class UsageError(AssessError):
    """A caller asked for something the library does not offer (an unknown output format)."""


class EngineError(AssessError):
    """A rule engine failed while scoring facts that had been accepted."""


class RecordsError(AssessError):
    """The assessing office's records cannot be read; issues name the sheet, row and column."""


class ReviewError(AssessError):
    """The assessment team's review file cannot be read; issues name the entry, line and field."""
