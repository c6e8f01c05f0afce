"""What the office prints, counted in pages as LibreOffice prints it (Debian's libreoffice with
fonts-noto-cjk; .ci/run installs them): the 台账 workbook of the bundled ledger, a short 催办 and
the 通报. Skipped where LibreOffice or pdfinfo is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]
DAY = ("--today", "2021-09-25")
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    OFFICE is None or shutil.which("pdfinfo") is None,
    reason="no LibreOffice or pdfinfo (apt-get install libreoffice-calc-nogui libreoffice-writer-nogui "
    "poppler-utils); .ci/run installs them",
)


def pages(document: Path) -> int:
    """Print `document` to PDF with LibreOffice (its own profile, so runs do not collide)."""
    out = document.parent / "pdf"
    profile = document.parent / "profile"
    subprocess.run(
        [str(OFFICE), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(document)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    info = subprocess.run(
        ["pdfinfo", str(out / f"{document.stem}.pdf")], check=True, capture_output=True, text=True
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found is not None, info
    return int(found.group(1))


def test_the_printed_ledger_is_a_few_pages(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    """The 台账 sheet, one page for each matrix (tasks by number and name, not their whole texts)
    and the summary: 8 pages, where the matrix alone took 22 of 27 before."""
    book = tmp_path / "台账.xlsx"
    assert cli("export", "--format", "xlsx", "-o", str(book), "--data", str(shipped), *DAY).exit_code == 0
    assert pages(book) <= 9


def test_a_notice_of_three_items_fits_on_one_page(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "催办"
    out.mkdir()
    unit = "行政审批和政务服务局"  # three items late or due soon on the day
    made = cli("remind", "--unit", unit, "--format", "docx", "-o", str(out), "--data", str(shipped), *DAY)
    assert made.exit_code == 0, made.output
    notice = next(out.glob("*.docx"))
    docx = pytest.importorskip("docx")
    assert len(docx.Document(str(notice)).tables[0].rows) == 1 + 3
    assert pages(notice) == 1


def test_the_bulletin_is_its_text_and_its_attachments(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    bulletin = tmp_path / "通报.docx"
    made = cli("bulletin", "--format", "docx", "-o", str(bulletin), "--data", str(shipped), *DAY)
    assert made.exit_code == 0, made.output
    assert pages(bulletin) <= 6


def test_the_printed_page_is_a_few_pages(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    """The HTML 台账 as Chromium prints it (A4 landscape): 10 pages, where it took 22 before its late
    list named each task once and its matrix fitted the page."""
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if browser is None:
        pytest.skip("no Chromium (apt-get install chromium); .ci/run installs it")
    page = tmp_path / "台账.html"
    assert cli("export", "--format", "html", "-o", str(page), "--data", str(shipped), *DAY).exit_code == 0
    pdf = tmp_path / "台账.pdf"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found is not None and int(found.group(1)) <= 10, info
