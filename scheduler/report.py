"""The weekly submission report: per week and province, what was submitted when, on
time or late (pure: lines in, file bytes out). The writers (:func:`table_csv`,
:func:`table_xlsx`) take any header and rows: the campaign's statistics table uses them too.

* **CSV** is UTF-8 with a byte-order mark and CRLF line ends: that is what makes Excel
  on a Chinese-language Windows read UTF-8 instead of GBK and split rows correctly.
* **XLSX** is written directly (five small XML parts in a zip, inline strings), so the
  report needs no spreadsheet library.

Times are wall times in the fair's zone, named in the header. Text cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) get a leading
apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

STATUS_TEXT = {
    "missing": "未报送 missing",
    "draft": "草稿 draft",
    "submitted": "已报送 submitted",
    "returned": "已退回 returned",
    "approved": "已审核 approved",
    "placed": "已排期 placed",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ReportLine:
    week: int
    region_code: str
    province_zh: str
    province_en: str
    status: str
    title: str
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    due_at: datetime
    on_time: bool | None
    late_until: datetime | None
    approved_at: datetime | None
    starts_at: datetime | None


def header(zone: ZoneInfo) -> list[str]:
    tz = f"({zone.key})"
    return [
        "周次 Week",
        "地区代码 Region code",
        "省份 Province",
        "Province",
        "状态 Status",
        "专场名称 Featured session",
        f"首次报送 First submitted {tz}",
        f"最近报送 Last submitted {tz}",
        f"截止 Deadline (exclusive) {tz}",
        "按时 On time",
        f"补报至 Late window until {tz}",
        f"审核通过 Approved {tz}",
        f"开始 Starts {tz}",
    ]


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def cells(line: ReportLine, zone: ZoneInfo) -> list[str | int]:
    on_time = "" if line.on_time is None else ("按时 on time" if line.on_time else "逾期 late")
    return [
        line.week,
        line.region_code,
        text(line.province_zh),
        text(line.province_en),
        STATUS_TEXT.get(line.status, line.status),
        text(line.title),
        _when(line.first_submitted_at, zone),
        _when(line.submitted_at, zone),
        _when(line.due_at, zone),
        on_time,
        _when(line.late_until, zone),
        _when(line.approved_at, zone),
        _when(line.starts_at, zone),
    ]


Cell = str | int | float | None


def table_csv(head: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A header and rows as CSV: UTF-8 with a BOM, CRLF; ``None`` is an empty cell.
    Text cells are written as given (escape formula-looking text with :func:`text`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(head)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_csv(lines: Sequence[ReportLine], zone: ZoneInfo) -> bytes:
    return table_csv(header(zone), (cells(line, zone) for line in lines))


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _row(number: int, values: Sequence[Cell]) -> str:
    out = [f'<row r="{number}">']
    for i, value in enumerate(values):
        ref = f"{_column(i)}{number}"
        if isinstance(value, int | float):
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
        elif value:
            text = escape(value)
            out.append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
    out.append("</row>")
    return "".join(out)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def to_xlsx(lines: Sequence[ReportLine], zone: ZoneInfo) -> bytes:
    return table_xlsx(header(zone), (cells(line, zone) for line in lines), "submissions")


def table_xlsx(head: Sequence[str], lines: Iterable[Sequence[Cell]], sheet: str) -> bytes:
    """A header and rows as a one-sheet workbook named ``sheet`` (numbers as numbers,
    ``None`` and "" as empty cells)."""
    rows = [_row(1, head)]
    rows += [_row(n, line) for n, line in enumerate(lines, start=2)]
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, XML_HEAD + xml)
    return out.getvalue()
