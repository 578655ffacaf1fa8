"""Draft unit facts from a unit's narrative year-end summary (issue 6).

Units write a summary (工作总结); assessors read it to fill in the rubric. This module
reads such a summary and drafts the facts, keeping for every value the sentence it came
from (:class:`Evidence`), so that an assessor reviews a draft instead of reading from
scratch. It is deterministic and offline: plain regular expressions and small grammars
over the text, no model, no network.

What it follows, in the spirit of the facts schema:

* A value is only drafted where a sentence states it. A fact no sentence states is left
  out ("not submitted"), never drafted as ``false`` or ``0``; the rubric paths left out are
  listed in :attr:`Draft.unsupported` so the assessor knows what to ask for.
* Problem statements (存在的问题, 不到位, 不足 ...), plans for later (下一步, 计划, 将 ...)
  and requirements put on others (要求各村 ...) are not facts about the unit; nor is what the
  bodies below it did (各学校自行组织演练…, 指导各村开展…, 和平社区被评为…, 村级预案报镇备案):
  ``subjects`` tells those clauses from the unit's own.
* Approximate numbers (300多人, 20余人, 近千人, 万余份) keep the stated number and their
  evidence says ``approximate``. Template blanks (____年, __起) are never values.

Each pattern covers a family of phrasings, not one sentence (``tests/fixtures/cases/
extract_families.yaml`` lists them with the near misses they must leave alone). The patterns
live by topic: ``unit`` (name, type, year, parent), ``organization`` (group, office, staff,
subunits, duty, warning), ``capacity`` (supplies), ``teams``, ``plans``, ``drills``,
``activities`` (hazards, publicity, reporting, incidents) and ``others`` (shelters,
regulations, meetings, tasks, funds, honours); ``sentences``, ``subjects``, ``numbers`` and ``state`` hold
what they share (``drill_people`` and ``revisions`` split off from ``drills`` and ``plans``).
"""

from assess.extract.extractor import extract
from assess.extract.flags import shared_passages, text_flags
from assess.extract.reading import read_docx, read_summary, read_text, split_summaries
from assess.extract.results import Draft, Evidence
from assess.extract.review import review_sheet
from assess.extract.rubric_needs import rubric_paths

__all__ = [
    "Draft",
    "Evidence",
    "extract",
    "read_docx",
    "read_summary",
    "read_text",
    "review_sheet",
    "rubric_paths",
    "shared_passages",
    "split_summaries",
    "text_flags",
]
