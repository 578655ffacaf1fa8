"""The public API: what other systems import."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import assess

from .conftest import ROOT, SAMPLES

# What the command line may import besides the public API: its own modules, the language of
# what a person reads (gettext catalogs), and the progress bar it draws on a terminal.
CLI_ALLOWED = ("assess.cli", "assess.i18n", "assess.reports.progress",
               "assess.service")  # the sibling face `assess serve` starts
SERVICE_ALLOWED = ("assess.service", "assess.sources", "assess.paths", "assess.facts")
"""Besides ``assess``: the records and review the decisions become, JSON paths for its
errors, and the facts' Chinese labels for its pages."""


def test_cli_uses_only_the_public_api() -> None:
    files = sorted((ROOT / "assess" / "cli").glob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                module = node.module or ""
                if module == "assess":
                    for alias in node.names:
                        assert alias.name in assess.__all__, f"{path.name}: {alias.name}"
                elif module.startswith("assess"):
                    assert module.startswith(CLI_ALLOWED), f"{path.name} imports {module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("assess") for a in node.names), path.name


def test_the_service_uses_only_the_public_api() -> None:
    files = sorted((ROOT / "assess" / "service").rglob("*.py"))
    assert files
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assess"):
                if node.module == "assess":
                    assert all(alias.name in assess.__all__ for alias in node.names), path.name
                else:
                    assert (node.module or "").startswith(SERVICE_ALLOWED), f"{path.name} imports {node.module}"


def test_every_public_name_exists_and_is_documented() -> None:
    for name in assess.__all__:
        value = getattr(assess, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert (value.__doc__ or "").strip(), name
    assert sorted(assess.__all__) == sorted(set(assess.__all__))


def test_version_matches_the_installed_metadata() -> None:
    assert assess.__version__ == importlib.metadata.version("assess")


def test_facts_come_from_dicts_text_bytes_files_and_models() -> None:
    path = SAMPLES / "seed-08-township.json"
    text = path.read_text(encoding="utf-8")
    from_file = assess.load_facts(path)
    assert assess.parse_facts(json.loads(text)) == from_file
    assert assess.parse_facts(text) == from_file
    assert assess.parse_facts(text.encode("gb18030")) == from_file
    assert assess.parse_facts(from_file) is from_file


def test_score_takes_a_ruleset_a_name_or_nothing() -> None:
    unit = assess.load_facts(SAMPLES / "seed-03-department.json")
    with assess.load_ruleset("department") as loaded:
        expected = assess.score(unit, loaded)
    assert assess.score(unit, "department") == expected
    assert assess.score(unit) == expected
    assert assess.score(unit, ROOT / "rulesets" / "department.yaml").ruleset.sha256 == expected.ruleset.sha256


def test_score_many_is_lazy_and_keeps_going_past_bad_units() -> None:
    pulled = []

    def cursor() -> Iterator[object]:
        for index, path in enumerate(sorted(SAMPLES.glob("*-township.json"))):
            pulled.append(index)
            yield json.loads(path.read_text(encoding="utf-8"))
            if index == 1:
                pulled.append("bad")
                yield {"unit": {"id": "b", "name": "坏", "type": "township"}, "organization": {"staff": -1}}

    results = assess.score_many(cursor())  # type: ignore[arg-type]
    first = next(results)
    assert pulled == [0] and first.assessment is not None
    rest = list(results)
    bad = [r for r in rest if r.error is not None]
    assert len(rest) == 5 and len(bad) == 1
    assert bad[0].error is not None and bad[0].error.issues[0].path == "organization.staff"


def test_render_and_write_ranking(tmp_path: Path) -> None:
    scored = list(assess.score_many(assess.read_units([SAMPLES])))
    ranking = assess.rank(scored)
    # each unit type its own bundled table; the city (seed 05) too, on city.yaml
    assert [t.title for t in ranking.tables] == ["乡镇", "县直部门", "区县政府/应急办", "开发区", "地级市"]
    assert [t.phase for t in ranking.tables] == ["provisional"] * 5
    assert not [s for s in scored if s.error is not None]
    buffer = io.BytesIO()
    assess.write_ranking(ranking, buffer, "json", [s.assessment for s in scored if s.assessment])
    assert len(json.loads(buffer.getvalue())["assessments"]) == 15
    assess.write_ranking(ranking, tmp_path / "r.md", "markdown")
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# 应急管理工作年度考核结果")
    with pytest.raises(assess.UsageError, match="unknown ranking format 'pdf'"):
        assess.render_ranking(ranking, "pdf")


@pytest.mark.parametrize(("call", "wrong", "suggested"), [
    (lambda a, f: assess.render_assessment(a, f), "markdwn", "markdown"),
    (lambda a, f: assess.render_ranking(assess.rank([]), f), "xslx", "xlsx"),
])
def test_an_unknown_format_is_a_usage_error_whose_suggestion_is_an_attribute(
        call: Any, wrong: str, suggested: str) -> None:
    assessment = assess.score(assess.load_facts(SAMPLES / "seed-01-township.json"))
    with pytest.raises(assess.AssessError) as caught:
        call(assessment, wrong)

    assert isinstance(caught.value, assess.UsageError)
    assert caught.value.suggestion == suggested
    assert f"did you mean '{suggested}'" in str(caught.value)


def test_a_misspelt_name_in_a_ruleset_is_suggested_on_the_issue_and_the_error(tmp_path: Path) -> None:
    text = (Path(__file__).parent / "fixtures" / "rulesets" / "minimal.yaml").read_text(encoding="utf-8")
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(text.replace("organization.leadership_group", "organization.leadership_grup", 1),
                        encoding="utf-8")
    with pytest.raises(assess.RulesetError) as caught:
        assess.load_ruleset(misspelt)

    assert caught.value.issues[0].suggestion == "organization.leadership_group"
    assert caught.value.suggestion == "organization.leadership_group"


def test_errors_carry_structured_details() -> None:
    with pytest.raises(assess.FactsError) as facts_error:
        assess.parse_facts({"unit": {"id": "x", "name": "某乡", "type": "township"}, "duty": {"absences": -1}},
                           source="form-3")
    assert facts_error.value.source == "form-3"
    assert [(i.path, i.line, i.rule) for i in facts_error.value.issues] == [("duty.absences", None, None)]
    with pytest.raises(assess.RulesetError) as ruleset_error:
        assess.load_ruleset(ROOT / "tests" / "fixtures" / "rulesets" / "nowhere.yaml")
    assert isinstance(ruleset_error.value, assess.AssessError)
    for cls in (assess.FactsError, assess.RulesetError, assess.EngineError):
        assert issubclass(cls, assess.AssessError)


def test_two_rulesets_and_both_engines_from_four_threads_match_a_serial_run() -> None:
    units = [assess.load_facts(p) for p in sorted(SAMPLES.glob("*.json"))]
    township, county = assess.load_ruleset("township"), assess.load_ruleset("county")
    jobs = [(u, rs, engine) for u in units for rs in (township, county) for engine in assess.ENGINES
            if u.unit.type in rs.spec.applies_to] * 3

    def run(job: tuple[assess.UnitFacts, assess.Ruleset, str]) -> assess.Assessment:
        return assess.score(job[0], job[1], engine=job[2])

    serial = [run(job) for job in jobs]
    parallel: dict[int, assess.Assessment] = {}

    def worker(offset: int) -> None:
        for index in range(offset, len(jobs), 4):
            parallel[index] = run(jobs[index])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [parallel[i] for i in range(len(jobs))] == serial
    township.close()
    county.close()


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("index", range(len(readme_examples())))
def test_readme_python_examples_run(index: int) -> None:
    done = subprocess.run([sys.executable, "-c", readme_examples()[index]], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_readme_error_example_prints_what_it_says() -> None:
    example = next(e for e in readme_examples() if "form-17" in e)
    done = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, cwd=ROOT)
    promised = re.search(r"# (form-17 .*)", example)
    assert promised is not None and done.stdout.strip() == promised.group(1)


def test_example_program_runs_and_type_checks() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "use_assess.py")], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    checked = subprocess.run([sys.executable, "-m", "mypy", "--strict", "examples/use_assess.py"],
                             capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout
