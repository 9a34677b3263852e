// Instants (API timestamps such as "2020-07-03T02:00:00Z") shown in the fair's zone,
// and the wall clock there. Dates alone go through lib/time.js; this adds the time of
// day. Always label what these return with zoneLabel(zone) (北京时间).

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';

const formatters = new Map();

function formatter(zone, lang) {
  const key = `${zone}|${lang}`;
  if (!formatters.has(key)) {
    formatters.set(
      key,
      new Intl.DateTimeFormat(lang, {
        timeZone: zone,
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    );
  }
  return formatters.get(key);
}

/** "2020年7月3日 10:00" / "July 3, 2020 at 10:00" in `zone`. */
export function formatInstant(iso, zone, lang) {
  return formatter(zone, lang).format(new Date(iso));
}

/** A <time> element for an instant, its text in the fair's zone with the zone's label. */
export function instantNode(iso, zone, lang) {
  return h(
    'time',
    { datetime: iso },
    t('shell.time.at_zone', { time: formatInstant(iso, zone, lang), zone: zoneLabel(zone, lang) }),
  );
}

/** The wall clock in `zone` now: { date: "YYYY-MM-DD", weekday: 1–7, minutes }. */
export function wallClock(zone, now = new Date()) {
  const parts = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
  });
  for (const { type, value } of format.formatToParts(now)) parts[type] = value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const clocks = new Map();

/** "10:05" in `zone`: the time of day alone, where the day is known (chat, a slot). */
export function clockTime(iso, zone, lang) {
  const key = `${zone}|${lang}`;
  if (!clocks.has(key)) {
    clocks.set(
      key,
      new Intl.DateTimeFormat(lang, {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    );
  }
  return iso ? clocks.get(key).format(new Date(iso)) : '';
}
