"""Rankings rendered for circulation: terminal tables, Markdown, HTML, CSV, JSON, XLSX.

Every renderer takes a :class:`~assess.ranking.Ranking` (and, for JSON and XLSX, the full
assessments) and returns text or bytes; writing files is the caller's business (see
:func:`write_atomically`). openpyxl is imported only when XLSX is asked for.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from tabulate import tabulate
from wcwidth import wcswidth

from assess.facts import FLAG_LABELS, UNIT_TYPE_LABELS
from assess.ranking import PENDING_GRADE, Ranking, Row, Table
from assess.reports.assessment import fmt
from assess.scoring.assessment import Assessment

TEXT_FORMATS = {"plain": "simple", "grid": "grid", "github": "github"}


PHASE_LABELS = {"provisional": "初评", "final": "终评"}


def _provisional(table: Table) -> bool:
    return table.phase == "provisional"


def headers(table: Table) -> list[str]:
    scores = ["最低得分", "最高得分", "待定分值"] if _provisional(table) else ["得分"]
    return ["排名", "单位", "类型", "自评分", *scores, *(c.name for c in table.categories), "加分", "等级", "主要扣分"]


def grade_cell(row: Row) -> str:
    if row.open:
        return f"{PENDING_GRADE}（{'/'.join(row.grades_possible)}）"
    if row.vetoed:
        return f"{row.grade}（一票否决）"
    if row.blocked:
        return f"{row.grade}（否优项）"
    return row.grade


def short(item: str, width: int = 18) -> str:
    """An item's text cut at its first clause, to fit a table cell."""
    for mark in ("，", "；", "："):
        item = item.split(mark, 1)[0]
    if wcswidth(item) <= width:
        return item
    out = ""
    for ch in item:
        if wcswidth(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def main_deductions_cell(row: Row) -> str:
    return "；".join(f"{short(d.item)} -{fmt(d.points)}" for d in row.main_deductions)


def cells(table: Table, row: Row) -> list[Any]:
    scores = [row.total, row.ceiling, row.pending] if _provisional(table) else [row.total]
    return [row.rank, row.unit.name, UNIT_TYPE_LABELS.get(row.unit.type, row.unit.type),
            row.self_score, *scores, *row.categories, row.bonus, grade_cell(row), main_deductions_cell(row)]


def text_cells(table: Table, row: Row) -> list[str]:
    return [v if isinstance(v, str) else str(v) if isinstance(v, int) else fmt(v) for v in cells(table, row)]


def distribution(table: Table) -> str:
    return "等级分布：" + "，".join(f"{g.grade} {g.count}" for g in table.grades)


def gaps(table: Table) -> str:
    if not table.self_score_gaps:
        return f"自评分与得分相差超过{fmt(table.self_score_threshold)}分的单位：无"
    listed = "；".join(f"{g.unit.name}（自评 {fmt(g.self_score)}，得分 {fmt(g.total)}，差 {fmt(g.diff)}）"
                      for g in table.self_score_gaps)
    return f"自评分与得分相差超过{fmt(table.self_score_threshold)}分的单位：{listed}"


def flags(table: Table) -> str:
    listed = "；".join(f"{r.unit.name}（{'、'.join(FLAG_LABELS.get(c, c) for c in r.flags)}）"
                      for r in table.rows if r.flags)
    return f"审核标记（不计分，请人工核实）：{listed or '无'}"


def unranked(table: Table) -> str:
    if not table.unranked:
        return "未参加排名的单位：无"
    return "未参加排名的单位：" + "；".join(f"{u.unit.name}（{u.reason}）" for u in table.unranked)


def notes(table: Table) -> list[str]:
    """The lines under a table: grade distribution, self-score gaps, units not ranked, and in
    初评 how the ranks are ordered while ranges are open."""
    out = [distribution(table), gaps(table), unranked(table), flags(table)]
    if _provisional(table):
        out.append("初评排名按最低可能得分排序，相同时按最高可能得分；可能等级不止一个的单位等级记为待定，"
                   "待补正材料和考核办数据录入后确定。")
    return out


def heading(table: Table) -> str:
    r = table.ruleset
    year = f"{table.year}年度" if table.year is not None else ""
    return (f"{table.title}（{year}{PHASE_LABELS[table.phase]}）：{r.title}（{r.id} 版本 {r.version}），"
            f"共 {len(table.rows)} 个单位")


def _aligns(table: Table) -> tuple[str, ...]:
    scores = ("right", "right", "right") if _provisional(table) else ("right",)
    return ("right", "left", "left", "right", *scores, *("right" for _ in table.categories),
            "right", "left", "left")


def render_text(ranking: Ranking, style: str) -> str:
    parts = []
    for table in ranking.tables:
        body = tabulate([text_cells(table, r) for r in table.rows], headers=headers(table),
                        tablefmt=TEXT_FORMATS[style], disable_numparse=True, colalign=_aligns(table))
        lines = "\n".join(notes(table))
        parts.append(f"【{heading(table)}】\n\n{body}\n\n{lines}\n")
    return "\n".join(parts)


def render_markdown(ranking: Ranking) -> str:
    parts = ["# 应急管理工作年度考核结果\n"]
    for table in ranking.tables:
        body = tabulate([[c.replace("|", "\\|") for c in text_cells(table, r)] for r in table.rows],
                        headers=headers(table), tablefmt="github", disable_numparse=True,
                        colalign=_aligns(table))
        lines = "\n\n".join(notes(table))
        parts.append(f"## {heading(table)}\n\n{body}\n\n{lines}\n")
    return "\n".join(parts)


def render_html(ranking: Ranking) -> str:
    out = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           "<title>应急管理工作年度考核结果</title>",
           "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}"
           "th,td{border:1px solid #999;padding:2px 6px}td.n{text-align:right}</style>",
           "</head>", "<body>", "<h1>应急管理工作年度考核结果</h1>"]
    for table in ranking.tables:
        out.append(f"<h2>{html.escape(heading(table))}</h2>")
        out.append("<table>")
        out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers(table)) + "</tr></thead>")
        out.append("<tbody>")
        for row in table.rows:
            values = cells(table, row)
            texts = text_cells(table, row)
            out.append("<tr>" + "".join(
                f'<td class="n">{html.escape(t)}</td>' if isinstance(v, (int, float)) else f"<td>{html.escape(t)}</td>"
                for v, t in zip(values, texts, strict=True)) + "</tr>")
        out.append("</tbody></table>")
        out.extend(f"<p>{html.escape(line)}</p>" for line in notes(table))
    out.extend(["</body>", "</html>", ""])
    return "\n".join(out)


def render_csv(ranking: Ranking) -> bytes:
    """UTF-8 with a BOM, so that Excel and WPS read the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index, table in enumerate(ranking.tables):
        if index:
            writer.writerow([])
        writer.writerow([heading(table)])
        writer.writerow(headers(table))
        for row in table.rows:
            writer.writerow(["" if c == "—" else c for c in text_cells(table, row)])
        writer.writerow([])
        for line in notes(table):
            writer.writerow([line])
    return buffer.getvalue().encode("utf-8-sig")


def render_json(ranking: Ranking, assessments: Sequence[Assessment]) -> str:
    data = {"tables": ranking.model_dump(mode="json")["tables"],
            "assessments": [a.model_dump(mode="json") for a in assessments]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in '[]:*?/\\')[:28] or "表"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate


def render_xlsx(ranking: Ranking, assessments: Sequence[Assessment]) -> bytes:
    """One sheet per table and a 扣分明细 sheet; bold frozen header, widths fit Chinese text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    used: set[str] = set()
    bold = Font(bold=True)

    def add_sheet(title: str, head: list[str], rows: list[list[Any]], notes: list[str]) -> None:
        sheet = book.create_sheet(_sheet_name(title, used))
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append(row)
        if notes:
            sheet.append([])
            for note in notes:
                sheet.append([note])
        for column, values in enumerate(zip(*([head, *rows] or [head]), strict=False), start=1):
            width = max(wcswidth(str(v)) if v is not None else 0 for v in values)
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(max(width + 2, 6), 80)

    for table in ranking.tables:
        rows = [[v if not isinstance(v, float) else round(v, 2) for v in cells(table, r)] for r in table.rows]
        add_sheet(table.title, headers(table), rows, [heading(table), *notes(table)])
    detail = []
    for a in assessments:
        names = {c.id: c.name for c in a.categories}
        for d in a.deductions:
            detail.append([a.unit.name, a.unit.id, d.rule, names.get(d.category, d.category), d.pillar, d.item,
                           d.points, d.reason])
    add_sheet("扣分明细", ["单位", "单位编码", "规则", "类别", "一案三制", "考核项目", "扣分", "扣分说明"], detail, [])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(ranking: Ranking, fmt_name: str, assessments: Sequence[Assessment] = ()) -> bytes:
    """Any format as bytes (text formats in UTF-8)."""
    renderers: dict[str, Callable[[], str | bytes]] = {
        "plain": lambda: render_text(ranking, "plain"),
        "grid": lambda: render_text(ranking, "grid"),
        "github": lambda: render_text(ranking, "github"),
        "markdown": lambda: render_markdown(ranking),
        "html": lambda: render_html(ranking),
        "csv": lambda: render_csv(ranking),
        "json": lambda: render_json(ranking, assessments),
        "xlsx": lambda: render_xlsx(ranking, assessments),
    }
    out = renderers[fmt_name]()
    return out.encode("utf-8") if isinstance(out, str) else out
