"""A ranking as a standalone HTML report: tables, charts as inline SVG and print styling,
rendered from a Jinja2 template. The page fetches nothing: no scripts, fonts or images
from elsewhere."""

from __future__ import annotations

from typing import Any

import msgspec
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from assess.ranking import Ranking, Table
from assess.reports import charts
from assess.reports.ranking import cells, headers, heading, notes, text_cells

TITLE = "应急管理工作年度考核结果"
UNIT_CHART_LIMIT = 50
"""Tables with more units than this get no chart per unit: the page would grow too large."""


class _Cell(msgspec.Struct, frozen=True):
    text: str
    number: bool


def _inline(svg: str) -> Markup:
    """matplotlib's SVG marked safe to embed: its text is drawn as outlines and the only
    copies of user text are in XML comments, which matplotlib escapes (a test puts a
    <script> unit name through it)."""
    return Markup(svg)  # noqa: S704  # nosec B704


def _table(table: Table) -> dict[str, Any]:
    rows = [[_Cell(t, isinstance(v, (int, float))) for v, t in zip(cells(table, r), text_cells(table, r), strict=True)]
            for r in table.rows]
    unit_charts = ([_inline(charts.svg(charts.unit_vs_average_bars(table, i), 4.8, 2.4))
                    for i in range(len(table.rows))] if len(table.rows) <= UNIT_CHART_LIMIT else [])
    return {"heading": heading(table), "headers": headers(table), "rows": rows,
            "notes": notes(table),
            "grade_chart": _inline(charts.svg(charts.grade_bars(table))),
            "loss_chart": _inline(charts.svg(charts.category_loss_bars(table))),
            "unit_charts": unit_charts}


def render_html(ranking: Ranking, title: str = TITLE) -> str:
    environment = Environment(loader=PackageLoader("assess.reports", "templates"),
                              autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)
    template = environment.get_template("ranking.html.j2")
    return template.render(title=title, tables=[_table(t) for t in ranking.tables],
                           unit_chart_limit=UNIT_CHART_LIMIT)
