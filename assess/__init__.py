"""assess: score emergency-management assessments (应急管理工作年度考核) and explain every point.

Load a ruleset (:func:`load_ruleset`), validate a unit's facts (:func:`parse_facts`,
:func:`load_facts`), score it (:func:`score`, or :func:`score_many` for a stream), rank
the results (:func:`rank`) and render them (:func:`render_ranking`, :func:`write_ranking`).
Every error is an :class:`AssessError`. A loaded :class:`Ruleset` is immutable and may be
shared between threads; close it (or use ``with``) to free durable-rules' memory early.
"""
from __future__ import annotations

import gc
import importlib
from typing import TYPE_CHECKING, Any

# Importing the package makes some hundred thousand objects and almost no garbage: the
# cyclic collector, left on, would walk them again and again (about 1% of `assess score`'s
# instructions, more with the command line's freeze after it). It is paused while the
# modules below load and put back as it was, with what they made moved to the oldest
# generation first: left in the youngest, all of it was walked by the first collection
# after (18-23 ms, 5% of `assess score`'s start). Freezing then unfreezing is that move
# (CPython puts what it unfreezes in the oldest generation); it is skipped when the caller
# has frozen objects of its own, which unfreezing would release.
_collecting = gc.isenabled()
gc.disable()
try:
    from assess.api import (
        FactsInput,
        bundled_rulesets,
        check_ruleset,
        compare,
        diff_rulesets,
        durable_unavailable_reason,
        explain_ruleset,
        extract_draft,
        facts_reference,
        intake_template,
        is_cases_file,
        load_facts,
        load_records,
        load_review,
        load_summary,
        merge_sources,
        parse_facts,
        rank,
        read_summary,
        read_units,
        records_template,
        render_assessment,
        render_cases,
        render_comparison,
        render_diff,
        render_letters,
        render_ranking,
        review_sheet,
        ruleset_for_type,
        ruleset_of_cases,
        run_cases,
        score,
        score_many,
        split_summaries,
        start_workbook,
        with_shared_passages,
        with_sources,
        write_ranking,
    )
    from assess.batch import (
        Scored,
        Unit,
        distinct_units,
    )
    from assess.engines import (
        ENGINES,
    )
    from assess.errors import (
        AssessError,
        EngineError,
        FactsError,
        Issue,
        NoRulesetError,
        RecordsError,
        ReviewError,
        RulesetError,
        UsageError,
    )
    from assess.facts import (
        FACTS_SCHEMA_VERSION,
        UNIT_TYPE_LABELS,
        UnitFacts,
        facts_json_schema,
    )
    from assess.inputs import (
        InputError,
        read_input,
    )
    from assess.inputs import cap as input_cap
    from assess.reports.formats import (
        ASSESSMENT_FORMATS,
        BINARY_FORMATS,
        RANKING_FORMATS,
    )
    from assess.reports.header import (
        NoticeHeader,
        Unranked,
        load_header,
        unranked_reason,
    )
    from assess.reports.output import (
        infer_format,
        output_target,
        write_atomically,
    )
    from assess.ruleset import (
        Ruleset,
        load_ruleset,
    )
    from assess.scoring.assessment import (
        ASSESSMENT_SCHEMA_VERSION,
        Assessment,
        Bonus,
        CategoryScore,
        Conflict,
        Deduction,
        GradeFinding,
        Passed,
        Pending,
        Phase,
        Skipped,
        assessment_json_schema,
    )
    from assess.sources import Merged
    from assess.version import __version__
finally:
    if _collecting:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()

# Result types of ranking, rubric checks and diffs, and the readers of the office's records
# and the team's review, load on first use, so that scoring one unit from the command line
# does not pay for them.
_LAZY = {"CasesReport": ("tools.golden", "Report"), "Comparison": ("ranking", "Comparison"),
         "Draft": ("extract", "Draft"), "NoticeOptions": ("reports.publish", "NoticeOptions"),
         "Finding": ("tools.lint", "Finding"), "Ranking": ("ranking", "Ranking"),
         "RulesetDiff": ("tools.rulediff", "RulesetDiff"),
         "OfficeRecords": ("sources", "OfficeRecords"), "Review": ("sources", "Review"),
         "records_json_schema": ("sources", "records_json_schema"),
         "review_json_schema": ("sources", "review_json_schema"),
         "WorkerLost": ("workers", "WorkerLost")}

if TYPE_CHECKING:
    from assess.extract import Draft
    from assess.ranking import Comparison, Ranking
    from assess.reports.publish import NoticeOptions
    from assess.sources import OfficeRecords, Review, records_json_schema, review_json_schema
    from assess.tools.golden import Report as CasesReport
    from assess.tools.lint import Finding
    from assess.tools.rulediff import RulesetDiff
    from assess.workers import WorkerLost


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'assess' has no attribute {name!r}")

__all__ = [
    "ASSESSMENT_FORMATS",
    "ASSESSMENT_SCHEMA_VERSION",
    "BINARY_FORMATS",
    "ENGINES",
    "FACTS_SCHEMA_VERSION",
    "RANKING_FORMATS",
    "UNIT_TYPE_LABELS",
    "AssessError",
    "Assessment",
    "Bonus",
    "CasesReport",
    "CategoryScore",
    "Comparison",
    "Conflict",
    "Deduction",
    "Draft",
    "EngineError",
    "FactsError",
    "FactsInput",
    "Finding",
    "GradeFinding",
    "InputError",
    "Issue",
    "Merged",
    "NoRulesetError",
    "NoticeHeader",
    "NoticeOptions",
    "OfficeRecords",
    "Passed",
    "Pending",
    "Phase",
    "Ranking",
    "RecordsError",
    "Review",
    "ReviewError",
    "Ruleset",
    "RulesetDiff",
    "RulesetError",
    "Scored",
    "Skipped",
    "Unit",
    "UnitFacts",
    "Unranked",
    "UsageError",
    "WorkerLost",
    "__version__",
    "assessment_json_schema",
    "bundled_rulesets",
    "check_ruleset",
    "compare",
    "diff_rulesets",
    "distinct_units",
    "durable_unavailable_reason",
    "explain_ruleset",
    "extract_draft",
    "facts_json_schema",
    "facts_reference",
    "infer_format",
    "input_cap",
    "intake_template",
    "is_cases_file",
    "load_facts",
    "load_header",
    "load_records",
    "load_review",
    "load_ruleset",
    "load_summary",
    "merge_sources",
    "output_target",
    "parse_facts",
    "rank",
    "read_input",
    "read_summary",
    "read_units",
    "records_json_schema",
    "records_template",
    "render_assessment",
    "render_cases",
    "render_comparison",
    "render_diff",
    "render_letters",
    "render_ranking",
    "review_json_schema",
    "review_sheet",
    "ruleset_for_type",
    "ruleset_of_cases",
    "run_cases",
    "score",
    "score_many",
    "split_summaries",
    "start_workbook",
    "unranked_reason",
    "with_shared_passages",
    "with_sources",
    "write_atomically",
    "write_ranking",
]
