// Dates and times in the fair's own time zone (DESIGN.md, "Time").
//
// The API sends calendar dates ("2020-07-01") that belong to the fair's zone, and
// instants as ISO strings with an offset. Everything shown is formatted with
// Intl.DateTimeFormat in the fair's zone and labelled with zoneLabel() (北京时间 for
// Asia/Shanghai). Calendar arithmetic (weeks, weekdays) works on ISO date strings
// through UTC, which has no daylight-saving jumps.

import { t } from './i18n.js';

const DAY_MS = 86400000;

function parse(iso) {
  const [year, month, day] = iso.split('-').map(Number);
  return Date.UTC(year, month - 1, day);
}

function format(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(iso, days) {
  return format(parse(iso) + days * DAY_MS);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(iso) {
  return ((new Date(parse(iso)).getUTCDay() + 6) % 7) + 1;
}

export function daysBetween(fromIso, toIso) {
  return Math.round((parse(toIso) - parse(fromIso)) / DAY_MS);
}

/** The Monday of the fair week (Monday–Sunday) holding `iso`. */
export function weekMonday(iso) {
  return addDays(iso, 1 - isoWeekday(iso));
}

/** Fair week of `iso`: week 1 holds the first fair day (as scheduler/weeks.py). */
export function weekNumber(firstDay, iso) {
  return Math.floor(daysBetween(weekMonday(firstDay), weekMonday(iso)) / 7) + 1;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** 1–7 for an English weekday name as the API sends it ("wednesday"), else null. */
export function weekdayNumber(name) {
  const index = WEEKDAYS.indexOf(String(name).toLowerCase());
  return index < 0 ? null : index + 1;
}

/**
 * The fair's weeks: [{ number, monday, sunday, firstDay, lastDay }] where firstDay and
 * lastDay are the fair days inside that week.
 */
export function fairWeeks(startsOn, endsOn) {
  const weeks = [];
  for (let monday = weekMonday(startsOn); monday <= endsOn; monday = addDays(monday, 7)) {
    const sunday = addDays(monday, 6);
    weeks.push({
      number: weeks.length + 1,
      monday,
      sunday,
      firstDay: monday < startsOn ? startsOn : monday,
      lastDay: sunday > endsOn ? endsOn : sunday,
    });
  }
  return weeks;
}

const partsFormatters = new Map();

function zoneParts(zone, ms) {
  if (!partsFormatters.has(zone)) {
    partsFormatters.set(
      zone,
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
    );
  }
  const parts = {};
  for (const { type, value } of partsFormatters.get(zone).formatToParts(new Date(ms))) {
    parts[type] = value;
  }
  return parts;
}

function offsetMs(zone, ms) {
  const p = zoneParts(zone, ms);
  const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return local - Math.floor(ms / 1000) * 1000;
}

/** The instant when the wall clock in `zone` shows `iso` at `hour`:00. */
export function instantAt(iso, zone, hour = 0) {
  const wall = parse(iso) + hour * 3600000;
  let guess = wall;
  for (let i = 0; i < 3; i += 1) guess = wall - offsetMs(zone, guess);
  return new Date(guess);
}

/** Today's date in `zone` (ISO), given `now`. */
export function todayIn(zone, now = new Date()) {
  const p = zoneParts(zone, now.getTime());
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * A calendar date of the fair, formatted in its zone. `style` is "long" (with the
 * year), "day" (month and day), "weekday" (month, day and weekday), "full" (all of
 * them) or "weekday-only".
 */
export function formatDate(iso, zone, lang, style = 'long') {
  const options = {
    long: { year: 'numeric', month: 'long', day: 'numeric' },
    day: { month: 'long', day: 'numeric' },
    weekday: { month: 'long', day: 'numeric', weekday: 'long' },
    full: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' },
    'weekday-only': { weekday: 'long' },
  }[style];
  return new Intl.DateTimeFormat(lang, { timeZone: zone, ...options }).format(
    instantAt(iso, zone, 12),
  );
}

/**
 * A range of fair dates: "2020年7月1日至2020年7月31日" / "July 1, 2020 – July 31, 2020".
 * (Not Intl's formatRange: its Chinese patterns differ between ICU builds, and some
 * fall back to "2020/7/1 – 2020/7/31".)
 */
export function formatDateRange(startIso, endIso, zone, lang, style = 'long') {
  return t('shell.time.range', {
    start: formatDate(startIso, zone, lang, style),
    end: formatDate(endIso, zone, lang, style),
  });
}

/** The label of a zone: 北京时间 / "Beijing time", else the zone's generic name. */
export function zoneLabel(zone, lang) {
  if (zone === 'Asia/Shanghai') return t('shell.time.beijing');
  try {
    const part = new Intl.DateTimeFormat(lang, { timeZone: zone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date())
      .find(({ type }) => type === 'timeZoneName');
    return part ? part.value : zone;
  } catch {
    return zone;
  }
}

/**
 * A wall time typed in a datetime-local input ("2020-07-08T10:00"), read in `zone`, as
 * an ISO instant with that zone's UTC offset ("2020-07-08T10:00:00+08:00"), or null if
 * the text is no such time. A wall time that never occurs (clocks going forward) comes
 * out as the instant of the jump, one that occurs twice as its first occurrence.
 */
export function wallToInstant(wall, zone) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(String(wall).trim());
  if (!match) return null;
  const [, day, hours, minutes] = match;
  const at = instantAt(day, zone, Number(hours) + Number(minutes) / 60);
  const offset = Math.round(offsetMs(zone, at.getTime()) / 60000);
  const sign = offset < 0 ? '-' : '+';
  const pad = (n) => String(Math.floor(n)).padStart(2, '0');
  const local = new Date(at.getTime() + offset * 60000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`;
}

/** An instant as the wall time a datetime-local input shows in `zone` ("2020-07-08T10:00"). */
export function instantToWall(iso, zone) {
  const p = zoneParts(zone, new Date(iso).getTime());
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
