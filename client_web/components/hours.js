// A booth's opening hours: wall-clock times in the fair's time zone, each entry for one
// ISO weekday (1 = Monday) or one date; a date's own entries replace its weekday's
// (docs/structure.md, "Opening hours"). Shown grouped ("周一至周五 09:00–12:00、
// 14:00–17:00"), labelled with the zone (北京时间), and edited as rows of a form.

import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { formatDate, zoneLabel } from '../lib/time.js';
import { fieldError } from './form.js';
import { wallClock } from './when.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export function weekdayName(number) {
  return tCode('structure.weekday.', WEEKDAYS[number - 1], 'structure.weekday.unknown');
}

function minutes(hhmm) {
  const [hours, mins] = hhmm.split(':').map(Number);
  return hours * 60 + mins;
}

function slots(entries) {
  return entries
    .slice()
    .sort((a, b) => minutes(a.start) - minutes(b.start))
    .map((entry) => t('structure.hours.slot', { start: entry.start, end: entry.end }))
    .join(t('structure.hours.separator'));
}

/** Lines of text: [{ days, times }] with consecutive weekdays of equal hours merged. */
export function hoursLines(hours, zone, lang) {
  const lines = [];
  let run = null;
  for (let day = 1; day <= 7; day += 1) {
    const entries = hours.filter((entry) => entry.weekday === day);
    const times = entries.length > 0 ? slots(entries) : null;
    if (run && times !== null && run.times === times && run.to === day - 1) {
      run.to = day;
      continue;
    }
    if (run) lines.push(run);
    run = times === null ? null : { from: day, to: day, times };
  }
  if (run) lines.push(run);
  const out = lines.map(({ from, to, times }) => ({
    days:
      from === to
        ? weekdayName(from)
        : t('structure.hours.days', { from: weekdayName(from), to: weekdayName(to) }),
    times,
  }));
  const dates = [...new Set(hours.filter((e) => e.date).map((e) => e.date))].sort();
  for (const date of dates) {
    out.push({
      days: t('structure.hours.special', { date: formatDate(date, zone, lang, 'weekday') }),
      times: slots(hours.filter((entry) => entry.date === date)),
    });
  }
  return out;
}

/** The hours as a list, with the zone named once; a sentence when there are none. */
export function hoursNode(hours, zone, lang) {
  if (hours.length === 0) return h('p', { class: 'hint' }, t('structure.hours.none'));
  return h(
    'div',
    { class: 'hours' },
    h(
      'ul',
      { class: 'hours-list' },
      hoursLines(hours, zone, lang).map((line) =>
        h('li', {}, h('span', { class: 'hours-days' }, line.days), ' ', line.times),
      ),
    ),
    h('p', { class: 'hint' }, t('structure.hours.zone', { zone: zoneLabel(zone, lang) })),
  );
}

/** Whether the booth is open now in fair time (and the fair is on). */
export function openNow(hours, fair, now = new Date()) {
  const clock = wallClock(fair.time_zone, now);
  if (clock.date < fair.starts_on || clock.date > fair.ends_on) return false;
  const dated = hours.filter((entry) => entry.date === clock.date);
  const entries = dated.length > 0 ? dated : hours.filter((e) => e.weekday === clock.weekday);
  return entries.some(
    (entry) => minutes(entry.start) <= clock.minutes && clock.minutes < minutes(entry.end),
  );
}

// -- editing ---------------------------------------------------------------------------

/** Editor rows from API entries. */
export function hoursRows(hours = []) {
  return hours.map((entry) => ({
    day: entry.date ? 'date' : 'weekday',
    weekday: String(entry.weekday ?? 1),
    date: entry.date ?? '',
    start: entry.start,
    end: entry.end,
  }));
}

/** Whether a row was left blank (it is dropped before sending). */
export function blankRow(row) {
  return !row.start && !row.end && !(row.day === 'date' && row.date);
}

/** API entries from editor rows, one per row (drop blank rows first: see blankRow). */
export function hoursValue(rows) {
  return rows.map((row) =>
    row.day === 'date'
      ? { date: row.date || null, start: row.start, end: row.end }
      : { weekday: Number(row.weekday), start: row.start, end: row.end },
  );
}

const WORKING_WEEK = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { day: 'weekday', weekday: String(weekday), date: '', start: '09:00', end: '12:00' },
  { day: 'weekday', weekday: String(weekday), date: '', start: '14:00', end: '17:00' },
]);

function bound(element, row, key, event = 'input') {
  element.value = row[key];
  element.addEventListener(event, () => {
    row[key] = element.value;
  });
  return element;
}

/**
 * The opening-hours part of a booth form: model.values.hours holds the rows. Field
 * errors of /hours/<n>/<field> show on their row. `fair` gives the zone and the dates
 * a date entry may take.
 */
export function hoursEditor(model, { fair, lang, repaint }) {
  const rows = model.values.hours;
  const base = `${model.id}-hours`;
  const legend = t('structure.hours.legend', { zone: zoneLabel(fair.time_zone, lang) });
  const rowNodes = rows.map((row, index) => {
    const id = (name) => `${base}-${index}-${name}`;
    const pointer = (name) => `/hours/${index}${name ? `/${name}` : ''}`;
    const number = index + 1;
    const errors = {};
    for (const name of ['day', 'weekday', 'date', 'start', 'end']) {
      errors[name] = name === 'day' ? null : exactError(model, pointer(name));
    }
    const rowError = exactError(model, pointer(''));
    const labelled = (name, label, control) => {
      const error = errors[name];
      if (error) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', id(`${name}-error`));
      }
      model.fields.set(pointer(name), {
        id: id(name),
        label: t('structure.hours.field', { label, number }),
      });
      return h(
        'div',
        { class: `field field-inline${error ? ' field-invalid' : ''}` },
        h('label', { for: id(name) }, label),
        error ? h('p', { id: id(`${name}-error`), class: 'field-error' }, describe(error)) : null,
        control,
      );
    };
    const daySelect = bound(
      h(
        'select',
        { id: id('day') },
        h('option', { value: 'weekday' }, t('structure.hours.every_week')),
        h('option', { value: 'date' }, t('structure.hours.on_date')),
      ),
      row,
      'day',
      'change',
    );
    daySelect.addEventListener('change', () => repaint({ focus: `#${id('day')}` }));
    const dayControl =
      row.day === 'date'
        ? labelled(
            'date',
            t('structure.hours.date'),
            bound(
              h('input', {
                type: 'date',
                id: id('date'),
                min: fair.starts_on,
                max: fair.ends_on,
              }),
              row,
              'date',
            ),
          )
        : labelled(
            'weekday',
            t('structure.hours.weekday'),
            bound(
              h(
                'select',
                { id: id('weekday') },
                [1, 2, 3, 4, 5, 6, 7].map((day) =>
                  h('option', { value: String(day) }, weekdayName(day)),
                ),
              ),
              row,
              'weekday',
              'change',
            ),
          );
    model.fields.set(pointer(''), { id: id('day'), label: t('structure.hours.row', { number }) });
    return h(
      'fieldset',
      { class: `hours-row${rowError ? ' field-invalid' : ''}` },
      h('legend', {}, t('structure.hours.row', { number })),
      rowError ? h('p', { class: 'field-error' }, describe(rowError)) : null,
      h(
        'div',
        { class: 'hours-row-fields' },
        labelled('day', t('structure.hours.repeat'), daySelect),
        dayControl,
        labelled(
          'start',
          t('structure.hours.start'),
          bound(h('input', { type: 'time', id: id('start'), step: 300 }), row, 'start'),
        ),
        labelled(
          'end',
          t('structure.hours.end'),
          bound(h('input', { type: 'time', id: id('end'), step: 300 }), row, 'end'),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary button-small',
          id: id('remove'),
          onclick: () => {
            rows.splice(index, 1);
            const next =
              rows.length > 0 ? `#${base}-${Math.min(index, rows.length - 1)}-day` : `#${base}-add`;
            repaint({ focus: next });
          },
        },
        t('structure.hours.remove', { number }),
      ),
    );
  });
  return h(
    'fieldset',
    { class: 'fieldset hours-editor' },
    h('legend', {}, legend),
    h('p', { class: 'hint' }, t('structure.hours.hint')),
    rows.length === 0 ? h('p', {}, t('structure.hours.none')) : null,
    rowNodes,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          id: `${base}-add`,
          onclick: () => {
            const last = rows[rows.length - 1];
            rows.push({
              day: 'weekday',
              weekday: last ? String((Number(last.weekday) % 7) + 1) : '1',
              date: '',
              start: last?.start ?? '09:00',
              end: last?.end ?? '17:00',
            });
            repaint({ focus: `#${base}-${rows.length - 1}-day` });
          },
        },
        t('structure.hours.add'),
      ),
      rows.length === 0
        ? h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              id: `${base}-preset`,
              onclick: () => {
                rows.push(...WORKING_WEEK.map((row) => ({ ...row })));
                repaint({ focus: `#${base}-0-day` });
              },
            },
            t('structure.hours.preset'),
          )
        : null,
    ),
  );
}

function exactError(model, pointer) {
  const error = fieldError(model, pointer);
  return error && error.pointer === pointer ? error : null;
}

function describe(error) {
  return tCode('errors.field.', error.code, 'errors.field.invalid');
}
