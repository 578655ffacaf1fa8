"""The documents as a person sees them: the 通报, a letter and the workbook printed to PDF
by LibreOffice and rasterised by pdftoppm, the HTML report in headless Chromium.

The pictures of the last run stay in build/render/ (ignored by git; README shows how
docs/images/ was made from them). Without LibreOffice, poppler or Chromium these tests
skip, except under CI (``CI`` set), where ``.ci/run`` installs them and they must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLES, cli

OUT = ROOT / "build" / "render"
CHROMIUM = "/usr/bin/chromium"
PROGRAMS = ("soffice", "pdftoppm", "pdfinfo", "pdftotext")
missing = [p for p in PROGRAMS if shutil.which(p) is None] + ([] if Path(CHROMIUM).exists() else [CHROMIUM])
if missing and os.environ.get("CI"):
    pytest.fail(f"CI must run the render tests; missing: {', '.join(missing)}", pytrace=False)
pytestmark = pytest.mark.skipif(bool(missing), reason=f"not installed: {', '.join(missing)}")

FINAL = ("--phase", "final", "--records", str(SAMPLES / "office-records-example.csv"),
         "--review", str(SAMPLES / "review-example.yaml"))
HEADER = ("--issuer", "中牟县应急管理工作考核领导小组办公室", "--year", "2026", "--number", "中应急考〔2026〕3号",
          "--date", "2026年12月20日", "--deadline", "2027年1月31日")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=300).stdout


def pages(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]


def page_text(pdf: Path, page: int) -> str:
    """The page's text without the spaces and line breaks pdftotext puts between words."""
    return re.sub(r"\s+", "", run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"))


def ink(ppm: Path) -> float:
    """The share of pixels that are not white in a binary PPM (P6) image."""
    data = ppm.read_bytes()
    header = data.split(maxsplit=4)
    assert header[0] == b"P6"
    pixels = header[4] if len(header) == 5 else b""
    dark = sum(1 for i in range(0, len(pixels) - 2, 3) if pixels[i] + pixels[i + 1] + pixels[i + 2] < 600)
    return dark / max(len(pixels) // 3, 1)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    work = tmp_path_factory.mktemp("render")
    notice, book, letters = work / "通报.docx", work / "结果.xlsx", work / "letters"
    # the 通报 and the 反馈意见 letters are what the 终评 produces
    assert cli("rank", str(SAMPLES), "--engine", "native", "-o", str(notice), *FINAL, *HEADER).code == 0
    assert cli("rank", str(SAMPLES), "--engine", "native", "-o", str(book), *FINAL).code == 0
    assert cli("letters", str(SAMPLES), "--engine", "native", "-o", str(letters), *FINAL, *HEADER).code == 0
    letter = work / "反馈意见.docx"
    shutil.copy(letters / "seed-01-固军乡-反馈意见.docx", letter)
    profile = work / "profile"  # its own LibreOffice profile, so that parallel runs do not collide
    run("soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir",
        str(work), str(notice), str(book), str(letter))
    OUT.mkdir(parents=True, exist_ok=True)
    found = {"notice": work / "通报.pdf", "book": work / "结果.pdf", "letter": work / "反馈意见.pdf"}
    for name, pdf in found.items():
        run("pdftoppm", "-r", "80", "-png", str(pdf), str(OUT / name))
        run("pdftoppm", "-r", "20", str(pdf), str(work / f"{name}-small"))
    yield found


def test_the_notice_prints_with_its_title_first_and_no_blank_page(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["notice"]
    count = pages(pdf)
    assert 3 <= count <= 12
    first = page_text(pdf, 1)
    assert "中牟县应急管理工作考核领导小组办公室" in first and "关于2026年度应急管理工作考核结果（终评）的通报" in first
    assert "2026年12月20日" in page_text(pdf, count)
    for small in sorted(pdf.parent.glob("notice-small-*.ppm")):
        assert ink(small) > 0.002, small.name


def test_the_letter_prints_on_a_few_pages(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["letter"]
    assert 1 <= pages(pdf) <= 6
    assert "应急管理工作考核反馈意见" in page_text(pdf, 1) and "固军乡" in page_text(pdf, 1)
    for small in sorted(pdf.parent.glob("letter-small-*.ppm")):
        assert ink(small) > 0.002, small.name


def test_each_table_of_the_workbook_fits_one_page_wide(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["book"]
    # one table per unit type and assessment year; the two half-year reports are not ranked
    tables = (("乡镇（终评）：", 3), ("县直部门（终评）：", 5), ("区县政府/应急办（终评）：", 3),
              ("开发区（2024年度终评）：", 1), ("地级市（2023年度终评）：", 1))
    for page, (title, units) in enumerate(tables, start=1):
        text = page_text(pdf, page)
        assert title in text and "排名" in text and "主要扣分" in text, page  # first and last column on one page
        assert len(re.findall(r"seed-\d\d", text)) == units, page
    for small in sorted(pdf.parent.glob("book-small-*.ppm")):
        assert ink(small) > 0.001, small.name


def test_the_html_report_loads_offline_without_errors() -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    OUT.mkdir(parents=True, exist_ok=True)
    page_file = OUT / "report.html"
    assert cli("rank", str(SAMPLES), "--engine", "native", "-o", str(page_file)).code == 0
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            # the five tables above; two charts per table and one per ranked unit (13 of 15)
            assert page.locator("table").count() == 5
            assert page.locator("svg").count() == 5 * 2 + 13
            page.screenshot(path=str(OUT / "report.png"), full_page=False)
            page.pdf(path=str(OUT / "report.pdf"), format="A4", landscape=True)
        finally:
            browser.close()
    assert errors == []
    assert requests == [page_file.as_uri()]
