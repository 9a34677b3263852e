"""Problem bodies (application/problem+json): a problem's own figures never replace the
members every body carries, and a client can fill its message from them."""

from __future__ import annotations

import pytest

from server.errors import Problem


def test_a_problems_figures_sit_beside_its_status() -> None:
    body = Problem(
        "queue.limit", "at most 3 lines", extra={"limit": 3, "queue_status": "open"}
    ).body()
    assert body["status"] == 409
    assert body["code"] == "queue.limit"
    assert (body["limit"], body["queue_status"]) == (3, "open")


@pytest.mark.parametrize("member", ["status", "code", "type", "title", "detail", "errors"])
def test_a_figure_may_not_take_a_members_name(member: str) -> None:
    with pytest.raises(ValueError, match=member):
        Problem("queue.closed", "closed", extra={member: "closed"})
