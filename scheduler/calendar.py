"""iCalendar (RFC 5545) feeds of featured sessions (pure: values in, bytes out).

* Times are written in the fair's own zone (``DTSTART;TZID=Asia/Shanghai:20200708T100000``)
  with a ``VTIMEZONE`` for every zone used, so calendar apps show the fair's wall time
  and convert correctly wherever the reader is.
* ``UID`` is ``session-<id>@<PUBLIC_URL host>``: stable across feeds, so an event seen
  in the fair feed and in a personal feed is one event.
* ``SEQUENCE`` is the session's change counter (bumped by every move or cancellation
  once published); a cancelled session stays in the feed with ``STATUS:CANCELLED`` so
  subscribed calendars remove it.
* ``DTSTAMP`` is the session's last change, so an unchanged feed is byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//livefair//featured sessions//EN"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    sequence: int
    summary: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    zone: str
    stamp: datetime
    cancelled: bool = False
    url: str | None = None
    categories: tuple[str, ...] = ()


def feed(name: str, events: Sequence[CalendarEvent]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in sorted(events, key=lambda e: (e.starts_at, e.uid)):
        zone = ZoneInfo(event.zone)
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("sequence", event.sequence)
        item.add("dtstamp", event.stamp.astimezone(ZoneInfo("UTC")))
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
        item.add("summary", event.summary)
        if event.description:
            item.add("description", event.description)
        if event.location:
            item.add("location", event.location)
        if event.url:
            item.add("url", event.url)
        if event.categories:
            item.add("categories", list(event.categories))
        item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        cal.add_component(item)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
