// Queue statistics (getQueueStats, docs/queue-stats.md) as the staff and venue pages show
// them: a form for the span of fair days, and tables of the figures per group with the
// total in the last row. A figure the API sends as null (no data) shows as "—" with
// "no data" for screen readers; durations are minutes and seconds, rates percentages.
// Tables are wider than a phone: each sits in a labelled region that scrolls sideways
// and takes keyboard focus.

import { api } from '../api.js';
import { FormModel, field, formNode, input, missing } from './form.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { formatDate } from '../lib/time.js';
import { sectionTabs } from './signed-in.js';

// The figures in the order of the columns, with how each is written.
const COLUMNS = [
  {
    name: 'joins',
    label: () => t('stats.queue.joins'),
    explain: () => t('stats.queue.explain.joins'),
    kind: 'count',
  },
  {
    name: 'handoffs',
    label: () => t('stats.queue.handoffs'),
    explain: () => t('stats.queue.explain.handoffs'),
    kind: 'count',
  },
  {
    name: 'served',
    label: () => t('stats.queue.served'),
    explain: () => t('stats.queue.explain.served'),
    kind: 'count',
  },
  {
    name: 'left',
    label: () => t('stats.queue.left'),
    explain: () => t('stats.queue.explain.left'),
    kind: 'count',
  },
  {
    name: 'expired',
    label: () => t('stats.queue.expired'),
    explain: () => t('stats.queue.explain.expired'),
    kind: 'count',
  },
  {
    name: 'removed',
    label: () => t('stats.queue.removed'),
    explain: () => t('stats.queue.explain.removed'),
    kind: 'count',
  },
  {
    name: 'no_shows',
    label: () => t('stats.queue.no_shows'),
    explain: () => t('stats.queue.explain.no_shows'),
    kind: 'count',
  },
  {
    name: 'open',
    label: () => t('stats.queue.open'),
    explain: () => t('stats.queue.explain.open'),
    kind: 'count',
  },
  {
    name: 'wait_median',
    label: () => t('stats.queue.wait_median'),
    explain: () => t('stats.queue.explain.wait_median'),
    kind: 'duration',
  },
  {
    name: 'wait_p90',
    label: () => t('stats.queue.wait_high'),
    explain: () => t('stats.queue.explain.wait_high'),
    kind: 'duration',
  },
  {
    name: 'service_median',
    label: () => t('stats.queue.service_median'),
    explain: () => t('stats.queue.explain.service_median'),
    kind: 'duration',
  },
  {
    name: 'first_contact_median',
    label: () => t('stats.queue.first_contact_median'),
    explain: () => t('stats.queue.explain.first_contact_median'),
    kind: 'duration',
  },
  {
    name: 'abandonment_rate',
    label: () => t('stats.queue.abandonment_rate'),
    explain: () => t('stats.queue.explain.abandonment_rate'),
    kind: 'rate',
  },
];

/** "4 min 05 s" / "1 h 20 min": whole seconds, in the page's language. */
export function durationText(seconds) {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return t('stats.queue.hours_minutes', { hours, minutes });
  if (minutes > 0) return t('stats.queue.minutes_seconds', { minutes, seconds: rest });
  return t('stats.queue.seconds', { seconds: rest });
}

/** A figure as a cell shows it: `column.kind` is 'count', 'duration' or 'rate'; null is
 * "—" with "no data" for screen readers. */
export function figureText(column, value) {
  if (value === null || value === undefined) {
    return [
      h('span', { 'aria-hidden': 'true' }, '—'),
      h('span', { class: 'visually-hidden' }, t('stats.queue.no_data')),
    ];
  }
  if (column.kind === 'duration') return durationText(value);
  if (column.kind === 'rate') {
    return new Intl.NumberFormat(language(), {
      style: 'percent',
      maximumFractionDigits: 1,
    }).format(value);
  }
  return new Intl.NumberFormat(language()).format(value);
}

function cells(figures) {
  return COLUMNS.map((column) =>
    h(
      'td',
      { class: 'number', dataset: { figure: column.name } },
      figureText(column, figures[column.name]),
    ),
  );
}

/**
 * A section with the table of one grouping: `rows` from the API, `name(key)` the text
 * (or node) of a group, `keyLabel` the first column's heading, `after` nodes following
 * the table. The total closes the table.
 */
export function statsTable({ id, caption, keyLabel, rows, total, name, after = null }) {
  const captionId = `${id}-caption`;
  const table = h(
    'div',
    {
      id: `${id}-region`,
      class: 'table-scroll',
      role: 'region',
      tabindex: '0',
      'aria-labelledby': captionId,
    },
    h(
      'table',
      { id, class: 'stats-table' },
      h('caption', { id: captionId }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, keyLabel),
          COLUMNS.map((column) => h('th', { scope: 'col' }, column.label())),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length === 0
          ? h(
              'tr',
              {},
              h('td', { colspan: String(COLUMNS.length + 1) }, t('stats.queue.no_tickets')),
            )
          : rows.map((row) =>
              h(
                'tr',
                { dataset: { key: row.key } },
                h('th', { scope: 'row' }, name(row.key)),
                cells(row),
              ),
            ),
      ),
      h(
        'tfoot',
        {},
        h(
          'tr',
          { dataset: { key: 'total' } },
          h('th', { scope: 'row' }, t('stats.queue.total')),
          cells(total),
        ),
      ),
    ),
  );
  return h('section', { 'aria-labelledby': captionId }, table, after);
}

/** The table by fair day, dates in the fair's zone. */
export function dayTable(day, lang) {
  return statsTable({
    id: 'stats-by-day',
    caption: t('stats.queue.by_day'),
    keyLabel: t('stats.queue.day'),
    rows: day.rows,
    total: day.total,
    name: (key) => formatDate(key, day.time_zone, lang, 'weekday'),
  });
}

/** What each figure means (docs/queue-stats.md, in the page's words). */
export function definitions() {
  return h(
    'details',
    { class: 'stats-definitions' },
    h('summary', {}, t('stats.queue.definitions')),
    h(
      'dl',
      {},
      COLUMNS.map((column) => [h('dt', {}, column.label()), h('dd', {}, column.explain())]),
    ),
  );
}

/** The statistics of one scope ("booth=…", "venue=…") for each grouping, at once. */
export async function loadStats(scope, range, groupings, signal) {
  const dates = new URLSearchParams();
  if (range.from) dates.set('from', range.from);
  if (range.to) dates.set('to', range.to);
  const answers = await Promise.all(
    groupings.map((by) => api(`/api/queue-stats?${scope}&by=${by}&${dates}`, { signal })),
  );
  return Object.fromEntries(groupings.map((by, i) => [by, answers[i]]));
}

/** A form for the span of fair days; `apply(range)` loads the figures again. */
export function rangeForm(form, { repaint, apply }) {
  return formNode(form, {
    label: t('stats.queue.apply'),
    repaint,
    check: (values) => missing(values, ['from', 'to']).map(([at, code]) => [`/query${at}`, code]),
    content: () => [
      h(
        'div',
        { class: 'range-fields' },
        field(form, {
          name: 'from',
          pointer: '/query/from',
          label: t('stats.queue.from'),
          control: input(form, 'from', { type: 'date' }),
        }),
        field(form, {
          name: 'to',
          pointer: '/query/to',
          label: t('stats.queue.to'),
          control: input(form, 'to', { type: 'date' }),
        }),
      ),
    ],
    submit: async (values) => apply({ from: values.from, to: values.to }),
  });
}

/** The form's model, starting with the span the API answered for. */
export function rangeModel(id, answer) {
  return new FormModel(id, { from: answer.from, to: answer.to });
}

/** Tabs between a booth's console, its statistics and its settings (for its staff). */
export function boothTabs(boothId, current) {
  const base = `/booths/${encodeURIComponent(boothId)}`;
  return sectionTabs(
    t('stats.queue.booth_tabs'),
    [
      { id: 'console', href: `${base}/console`, label: t('stats.queue.console') },
      { id: 'stats', href: `${base}/stats`, label: t('stats.queue.title') },
      { id: 'settings', href: `${base}/settings`, label: t('stats.queue.settings') },
    ],
    current,
  );
}
