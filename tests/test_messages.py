"""The message catalogs: every marked message has English and Chinese, and the CLI speaks the locale's."""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import click
import click.core
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pydantic_core.core_schema import ErrorType

from assess.errors import AssessError, FactsError
from assess.facts import validate
from assess.facts.reading import PYDANTIC_MESSAGES
from assess.i18n import LOCALE_DIR, from_environment, set_language
from assess.sources.review import parse_review
from assess.tools.golden import load_cases
from tests.conftest import cli

ROOT = Path(__file__).parent.parent
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "assess.po"
MO = PO.with_suffix(".mo")
CLICK_PO = PO.with_name("click.po")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language("en")


def _marked() -> set[Any]:
    """Every message marked in the package, as the catalog is extracted (``pybabel extract``)."""
    found = extract_from_dir(str(ROOT / "assess"), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


def _catalog(po: Path = PO) -> Any:
    with po.open("rb") as handle:
        return read_po(handle)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^}]*\}|%\([a-z]+\)s", text))


def test_every_marked_message_has_a_chinese_translation_and_none_is_stale() -> None:
    catalog = _catalog()
    translated = {m.id: m.string for m in catalog if m.id}
    marked = _marked()
    assert marked - set(translated) == set(), "run pybabel extract and update (docs/architecture.md)"
    assert set(translated) - marked == set(), "the catalog keeps messages the code no longer has"
    for message, text in translated.items():
        texts = text if isinstance(text, tuple) else (text,)
        assert all(t and re.search(r"[\u4e00-\u9fff]", t) for t in texts), message


def test_translations_keep_every_placeholder() -> None:
    for message in _catalog():
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            assert set(re.findall(r"\{[^}]*\}", text)) == set(re.findall(r"\{[^}]*\}", source)), source


def test_every_message_click_marks_has_a_chinese_translation_in_its_catalog() -> None:
    found = extract_from_dir(str(Path(click.__file__).parent), method_map=[("**.py", "python")],
                             keywords={"_": None, "ngettext": (1, 2)})
    marked = {message for _file, _line, message, _comments, _context in found}
    translated = {m.id: m.string for m in _catalog(CLICK_PO) if m.id}
    assert marked - set(translated) == set(), "click changed: update click.pot and click.po (docs/architecture.md)"
    for message, text in translated.items():
        sources = message if isinstance(message, tuple) else (message,)
        # Chinese has one plural form, used for every count: it may use any placeholder click passes
        allowed = set().union(*(_placeholders(m) for m in sources))
        for form in text if isinstance(text, tuple) else (text,):
            assert re.search(r"[\u4e00-\u9fff]", form), message
            assert _placeholders(form) <= allowed and (isinstance(text, tuple) or _placeholders(form) == allowed), \
                message


@pytest.mark.parametrize("po", [PO, CLICK_PO], ids=["assess", "click"])
def test_the_committed_mo_is_the_compiled_po(po: Path) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(po))
    compiled.seek(0)
    ours = gettext.GNUTranslations(compiled)
    with po.with_suffix(".mo").open("rb") as handle:
        committed = gettext.GNUTranslations(handle)
    assert committed._catalog == ours._catalog  # type: ignore[attr-defined]


def test_pydantic_messages_are_chosen_by_real_error_types() -> None:
    assert set(PYDANTIC_MESSAGES) <= set(get_args(ErrorType))


@pytest.mark.parametrize(("environ", "language"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "C"}, "en"), ({}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"), ({"LANGUAGE": "zh_CN"}, "zh"),
])
def test_the_language_follows_the_locale(environ: dict[str, str], language: str) -> None:
    assert from_environment(environ) == language


@pytest.mark.parametrize(("lang", "words", "absent"), [
    ("zh_CN.UTF-8", ["应急管理工作年度考核评分", "退出码", "示例"], "Exit codes"),
    ("C", ["Exit codes: 0 success", "Examples:"], "退出码"),
])
def test_help_shows_examples_and_exit_codes_in_the_locales_language(
        monkeypatch: pytest.MonkeyPatch, lang: str, words: list[str], absent: str) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    result = cli("--help")
    assert result.code == 0
    assert all(w in result.out for w in words) and absent not in result.out


def test_lang_option_overrides_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "C")
    assert "报告格式" in cli("--lang", "zh", "score", "--help").out
    assert "Report format" in cli("--lang", "en", "score", "--help").out


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh_CN.UTF-8", ["错误：", "报送数据有 1 处问题", "应为 是 或 否", "请写 是 或 否"]),
    ("C", ["error:", "1 problem in the facts", "Input should be a valid boolean", "write 是 or 否"]),
])
def test_a_bad_input_error_is_in_the_locales_language(monkeypatch: pytest.MonkeyPatch, lang: str,
                                                      expected: list[str]) -> None:
    monkeypatch.setenv("LC_ALL", lang)
    facts = b'{"unit": {"id": "U-1", "name": "x", "type": "township"}, "work": {"plan": "\xe5\xa5\xbd"}}'
    result = cli("score", "-", stdin=facts)
    assert result.code == 2
    assert all(e in result.err for e in expected), result.err


def test_the_library_keeps_its_callers_language_after_the_cli_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    cli("--help")
    with pytest.raises(FactsError, match="1 problem in the facts"):
        validate({"unit": {"id": "U-1", "name": "x", "type": "township"}, "work": {"plan": 3}})


@pytest.mark.parametrize(("lang", "expected", "absent"), [
    ("zh_CN.UTF-8", ["用法：", "用 'assess score --help' 查看帮助。", "错误：没有选项 '--bogus'。"], "Usage:"),
    ("C", ["Usage:", "Try 'assess score --help' for help.", "Error: No such option '--bogus'."], "用法"),
])
def test_clicks_own_usage_errors_are_in_the_locales_language(monkeypatch: pytest.MonkeyPatch, lang: str,
                                                            expected: list[str], absent: str) -> None:
    monkeypatch.setenv("LC_ALL", lang)
    result = cli("score", "--bogus", "unit.json")
    assert result.code == 2
    assert all(e in result.err for e in expected) and absent not in result.err, result.err


def test_a_bad_choice_lists_the_choices_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    result = cli("score", "--phase", "初评", "unit.json")
    assert "'--phase' 的值无效：'初评' 不是可选的值。可选：'provisional', 'final'。" in result.err


def test_help_options_headings_read_in_chinese_and_click_is_left_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    out = cli("rank", "--help").out
    assert "选项" in out and "-h, --help" in out and "显示本帮助并退出。" in out and "Show this message" not in out
    # outside a run click speaks as it would to any other program in this process
    assert click.core._ is gettext.gettext
    monkeypatch.setenv("LC_ALL", "C")
    assert "Show this message and exit." in cli("rank", "--help").out


RECORDS_CSV = "unit.id,迟抱\nU-1,x\n"
REVIEW_YAML = "decisions:\n  - {unit: U-1, decision: maybe, reviewer: 张三, time: 2025-12-01}\n"
SAME_ID_OVERLAY = "id: county\nextends: county\n"
BAD_CONDITION_OVERLAY = """\
id: mine
extends: county
rules:
  - id: CT-RSP-01
    category: responsibility
    pillar: 机制
    item: 专题研究部署
    points: 3
    deduct:
      per: {count: "4 - work.meeting", points: 1}
    reason: 少{count}次
    basis: 测试
"""
COUNTY = str(ROOT / "samples" / "seed-07-county.json")

BAD_INPUTS = {
    # name: (files to write, arguments, environment, Chinese lines, English lines)
    "records": ({"office.csv": RECORDS_CSV}, ["score", COUNTY, "--records", "office.csv"], {},
                ["考核办记录有 1 处问题", "第1行、“迟抱”列：未知的列（是不是要写 '迟报'？）"],
                ["1 problem in the office records", "row 1, column 迟抱: unknown column (did you mean '迟报'?)"]),
    "review": ({"review.yaml": REVIEW_YAML}, ["score", COUNTY, "--review", "review.yaml"], {},
               ["复核文件有 1 处问题", "第2行、decisions[0].decision：复核结论只能是以下之一："
                "accepted（认可佐证材料）、finding（现场核实结果）、missing（缺少佐证材料）、"
                "points（在幅度内选定扣分）、rejected（不予认可佐证材料）"],
               ["1 problem in the review",
                "line 2, decisions[0].decision: decision must be one of accepted, finding, missing, points, rejected"]),
    "empty review": ({"review.yaml": ""}, ["score", COUNTY, "--review", "review.yaml"], {},
                     ["review.yaml: 复核文件为空"], ["review.yaml: empty review file"]),
    "ruleset overlay": ({"mine.yaml": SAME_ID_OVERLAY}, ["score", COUNTY, "--ruleset", "mine.yaml"], {},
                        ["扩展细则有 1 处问题", "第1行、id：扩展细则需要有自己的 id，不能沿用所扩展细则的 'county'"],
                        ["1 problem in the overlay", "line 1, id: an overlay needs an id of its own, not its base's "
                                                     "'county'"]),
    "ruleset condition": ({"mine.yaml": BAD_CONDITION_OVERLAY}, ["score", COUNTY, "--ruleset", "mine.yaml"], {},
                          ["考核细则有 1 处问题", "第10行、规则CT-RSP-01、rules[0].deduct.per.count："
                           "'4 - work.meeting' 中：未知的事实路径 'work.meeting'（是不是要写 'work.meetings'？）"
                           "（第5个字符处）"],
                          ["1 problem in the ruleset", "line 10, rule CT-RSP-01, rules[0].deduct.per.count: "
                           "in '4 - work.meeting': unknown fact path 'work.meeting' (did you mean 'work.meetings'?) "
                           "(column 5)"]),
    "a part above its whole": ({"unit.json": '{"unit": {"id": "U-1", "name": "某乡", "type": "township"}, '
                                             '"tasks": {"assigned": 3, "completed": 5}}'}, ["score", "unit.json"], {},
                               ["tasks.completed：完成任务（5）大于交办任务（3）"],
                               ["tasks.completed: completed (5) exceeds assigned (3)"]),
    "oversized facts": ({"unit.json": "{}"}, ["score", "unit.json"], {"ASSESS_MAX_FACTS_MB": "0"},
                        ["unit.json: 超过 0 字节，即报送数据文件的大小上限；"
                         "可用环境变量 ASSESS_MAX_FACTS_MB 调高（单位：MB，默认 20）"],
                        ["unit.json: larger than 0 bytes, the cap on a facts file; "
                         "raise it with the environment variable ASSESS_MAX_FACTS_MB (in MB, default 20)"]),
}


@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "C"])
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_records_review_ruleset_and_oversized_inputs_are_refused_in_the_locales_language(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: str, lang: str) -> None:
    files, args, environ, chinese, english = BAD_INPUTS[case]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LC_ALL", lang)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    expected, other = (chinese, english) if lang.startswith("zh") else (english, chinese)
    assert all(line in result.err for line in expected), result.err
    assert not any(line in result.err for line in other), result.err


@pytest.mark.parametrize(("read", "words"), [
    (lambda path: parse_review(b"", str(path)), "empty review file"),
    (load_cases, "empty golden cases file"),
], ids=["review", "golden cases"])
def test_an_empty_review_or_cases_file_is_named_for_what_it_is_not_a_ruleset(
        tmp_path: Path, read: Any, words: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(AssessError) as caught:
        read(path)
    assert caught.value.message == words and "ruleset" not in str(caught.value)
