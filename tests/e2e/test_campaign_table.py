"""The campaign's statistics table (情况统计表) on the page, beside its downloads.

An organiser opens it on the submissions board with the keyboard: one row per venue
over every week, the API's figures in every count cell, the totals the API's (a count
of distinct things has none: "—"); choosing a week reads that week. A venue admin sees
their venue's weeks on the venue's statistics page. Every page is also checked by the
harness (conftest.py): axe-core, raw keys, sideways scrolling at 390 px.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui
from tests.e2e.test_identity_pages import text
from tests.e2e.test_submission_board import api, press

pytestmark = pytest.mark.chromium


def s(lang: str, key: str, **params: object) -> str:
    return text("stats", lang, key, **params)


def table_json(ui: Ui, path: str) -> dict[str, Any]:
    answer = api(ui, path)
    assert answer["status"] == 200, answer
    body: dict[str, Any] = answer["body"]
    return body


def open_table(ui: Ui) -> None:
    """Open the disclosure with the keyboard (Tab from the XLSX link just above it, then
    Enter) and wait for the figures."""
    ui.page.locator("#campaign-xlsx").focus()
    press(ui, "#campaign-table > summary")
    ui.page.locator("#campaign-table-figures").wait_for()
    ui.settle()


def check_row(ui: Ui, key: str, columns: list[dict[str, Any]], figures: dict[str, Any]) -> None:
    """Every count of the row as the API gives it; a null shows the "no data" dash."""
    row = ui.page.locator(f"#campaign-table-figures tr[data-key='{key}']")
    for column in columns:
        cell = row.locator(f"td[data-figure='{column['key']}']")
        value = figures[column["key"]]
        if value is None:
            assert cell.locator("span[aria-hidden='true']").inner_text() == "—", column["key"]
        elif not column["seconds"]:
            assert cell.inner_text().strip() == f"{value:,}", column["key"]


def test_an_organiser_reads_every_venue_and_one_week_on_the_board(ui: Ui) -> None:
    ui.sign_in(Role.ORGANISER)
    fair_id = ui.server.fair()["id"]
    ui.goto(f"/manage/fairs/{fair_id}/submissions")
    base = f"/api/fairs/{fair_id}/campaign-statistics?format=json"
    # Closed, the table is not read; opened, it shows every venue over every week.
    assert ui.page.locator("#campaign-table-figures").count() == 0
    open_table(ui)
    every = table_json(ui, base)
    table = ui.page.locator("#campaign-table-figures")
    assert table.locator("caption").inner_text() == s("zh-CN", "stats.campaign.caption_all")
    names = [n.strip() for n in table.locator("tbody th").all_inner_texts()]
    assert names == [v["venue_name_zh"] for v in every["venue_totals"]]
    assert sum(every["totals"][c["key"]] or 0 for c in every["columns"]) > 0, "an empty demo"
    for venue in every["venue_totals"]:
        check_row(ui, venue["venue_id"], every["columns"], venue)
    check_row(ui, "total", every["columns"], every["totals"])
    assert every["totals"]["employers"] is None  # distinct employers: no total
    # Said as a figure that does not add up, not as "no data", with a note saying why.
    cell = table.locator("tr[data-key='total'] td[data-figure='employers'] .visually-hidden")
    assert cell.text_content() == s("zh-CN", "stats.campaign.not_summed")
    note = ui.page.locator("#campaign-not-summed")
    assert note.inner_text() == s("zh-CN", "stats.campaign.not_summed_note")

    # Week 1, chosen with the keyboard: that week's figures and totals.
    ui.tab_to("#campaign-table-week")
    ui.page.keyboard.press("ArrowDown")  # the first week after "every week"
    caption = s("zh-CN", "stats.campaign.caption_week", n=every["weeks"][0])
    ui.page.locator("#campaign-table-figures caption", has_text=caption).wait_for()
    ui.settle()
    assert ui.focused()["id"] == "campaign-table-week"
    one = table_json(ui, f"{base}&week={every['weeks'][0]}")
    for venue in one["rows"]:  # the week's own figures, distinct counts included
        check_row(ui, venue["venue_id"], one["columns"], venue)
    assert any(venue["employers"] for venue in one["rows"])
    check_row(ui, "total", one["columns"], one["totals"])
    # Every week can still be chosen again.
    options = ui.page.locator("#campaign-table-week option").all_inner_texts()
    assert len(options) == len(every["weeks"]) + 1
    ui.resize(PHONE)
    ui.screenshot()


def test_a_venue_admin_reads_their_venue_week_by_week(ui: Ui) -> None:
    ui.sign_in(Role.VENUE_ADMIN)  # of the fair's first sub-venue
    fair = ui.server.fair()
    venue_id = next(v["id"] for v in fair["venues"] if v["kind"] == "sub")
    ui.goto(f"/manage/venues/{venue_id}/stats")
    open_table(ui)
    data = table_json(
        ui, f"/api/fairs/{fair['id']}/campaign-statistics?format=json&venue={venue_id}"
    )
    table = ui.page.locator("#campaign-table-figures")
    assert table.locator("thead th").first.inner_text() == s("zh-CN", "stats.campaign.week_col")
    assert [n.strip() for n in table.locator("tbody th").all_inner_texts()] == [
        s("zh-CN", "stats.campaign.week", n=w) for w in data["weeks"]
    ]
    for row in data["rows"]:
        check_row(ui, f"week-{row['week']}", data["columns"], row)
    check_row(ui, "total", data["columns"], data["venue_totals"][0])
    ui.screenshot()
