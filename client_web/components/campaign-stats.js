// The campaign's statistics table (情况统计表, getCampaignStatistics,
// docs/campaign-stats.md): links to it as CSV and XLSX, and the table itself on the page
// behind a disclosure — every venue for the organisers (one row per venue, over every
// week or one), one venue's weeks for its admins. The table is read when first opened
// and again when another week is chosen; the totals are the server's (a count of
// distinct things has no total: "—").
//
// Pages re-render their body on every change; the table element is kept on the page's
// model (`holder`), so a repaint moves it instead of reading the table again, and the
// next visit of the page reads it anew.

import { api, errorMessage } from '../api.js';
import { h, replaceKeepingFocus } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { figureText } from './queue-stats.js';

export function campaignStatsLinks({ fairId, venueId = null, holder }) {
  const base = `/api/fairs/${encodeURIComponent(fairId)}/campaign-statistics`;
  const venue = venueId ? `&venue=${encodeURIComponent(venueId)}` : '';
  const link = (format, label) =>
    h(
      'li',
      {},
      h(
        'a',
        { href: `${base}?format=${format}${venue}`, download: '', id: `campaign-${format}` },
        label,
      ),
    );
  if (!holder.campaignTable) {
    holder.campaignTable = document.createElement('lf-campaign-table');
    holder.campaignTable.path = `${base}?format=json${venue}`;
  }
  return h(
    'section',
    { 'aria-labelledby': 'campaign-title' },
    h('h2', { id: 'campaign-title' }, t('stats.campaign.title')),
    h('p', {}, venueId ? t('stats.campaign.intro_venue') : t('stats.campaign.intro_fair')),
    h(
      'ul',
      { class: 'report-links' },
      link('csv', t('stats.campaign.csv')),
      link('xlsx', t('stats.campaign.xlsx')),
    ),
    holder.campaignTable,
  );
}

class CampaignTable extends HTMLElement {
  path = '';
  #week = ''; // '' every week, else a week's number as text
  #data = null; // the last answer, for #week
  #error = null;
  #loads = 0; // reads started: only the latest one's answer is shown
  #weeks = []; // the fair's weeks, from the answer for every week
  #body = null; // what the disclosure shows under its summary

  connectedCallback() {
    if (this.#body) return; // moved by a repaint of the page: keep what it shows
    this.#body = h('div', { class: 'campaign-table-body' });
    // Built once: a <details> made anew with `open` would fire "toggle" again.
    this.append(
      h(
        'details',
        {
          id: 'campaign-table',
          class: 'campaign-table',
          ontoggle: (event) => {
            if (event.currentTarget.open && !this.#data && !this.#error) this.#load();
          },
        },
        h('summary', {}, t('stats.campaign.show')),
        this.#body,
      ),
    );
  }

  async #load(focus = null) {
    const mine = ++this.#loads;
    this.#error = null;
    this.#data = null;
    this.#paint(focus);
    const week = this.#week ? `&week=${encodeURIComponent(this.#week)}` : '';
    let data = null;
    let error = null;
    try {
      data = await api(`${this.path}${week}`);
    } catch (failure) {
      error = failure;
    }
    if (mine !== this.#loads) return;
    this.#data = data;
    this.#error = error;
    this.#paint(error ? '#campaign-table-error' : focus);
  }

  #paint(focus = null) {
    replaceKeepingFocus(this.#body, this.#content(), focus);
  }

  #content() {
    // The picker stays while another week is read, so the focus stays on it.
    const picker = this.#weeks.length > 0 ? this.#weekPicker() : null;
    if (this.#error) {
      return [
        picker,
        h(
          'div',
          {
            class: 'notice notice-error',
            role: 'alert',
            id: 'campaign-table-error',
            tabindex: '-1',
          },
          h('p', {}, errorMessage(this.#error)),
          h(
            'button',
            { type: 'button', onclick: () => this.#load('#campaign-table-week') },
            t('stats.campaign.retry'),
          ),
        ),
      ];
    }
    if (!this.#data) return [picker, h('p', { class: 'loading' }, t('shell.loading'))];
    if (!this.#week) this.#weeks = this.#data.weeks; // an answer for one week lists one
    return [picker ?? this.#weekPicker(), this.#table(this.#data)];
  }

  #weekPicker() {
    return h(
      'div',
      { class: 'field campaign-week' },
      h('label', { for: 'campaign-table-week' }, t('stats.campaign.week_label')),
      h(
        'select',
        {
          id: 'campaign-table-week',
          onchange: (event) => {
            this.#week = event.currentTarget.value;
            this.#load('#campaign-table-week');
          },
        },
        h('option', { value: '', selected: this.#week === '' }, t('stats.campaign.all_weeks')),
        this.#weeks.map((n) =>
          h(
            'option',
            { value: String(n), selected: this.#week === String(n) },
            t('stats.campaign.week', { n }),
          ),
        ),
      ),
    );
  }

  #table(data) {
    const lang = language();
    const label = (column) => (lang === 'zh-CN' ? column.zh : column.en);
    const venueName = (row) => (lang === 'zh-CN' ? row.venue_name_zh : row.venue_name_en);
    const oneVenue = data.venue_totals.length === 1;
    // One venue: its weeks, then its total. Several: each venue in the week chosen, or
    // over every week (where a count of distinct things has no total: "—").
    const rows = oneVenue
      ? data.rows.map((row) => ({
          key: `week-${row.week}`,
          name: t('stats.campaign.week', { n: row.week }),
          row,
        }))
      : (this.#week ? data.rows : data.venue_totals).map((row) => ({
          key: row.venue_id,
          name: venueName(row),
          row,
        }));
    const total = oneVenue ? data.venue_totals[0] : data.totals;
    // A figure that does not add up (distinct things, a median) has no total over weeks
    // or venues: "—", said as such (not "no data": the venue may well have had some),
    // with a note under the table.
    const apart = (figures, column, summed) =>
      summed && !column.additive && (figures[column.key] ?? null) === null;
    const rowsSummed = !oneVenue && !this.#week; // each venue over every week
    const unsummed = [[total, true], ...rows.map(({ row }) => [row, rowsSummed])].some(
      ([figures, summed]) => data.columns.some((column) => apart(figures, column, summed)),
    );
    const cells = (figures, summed) =>
      data.columns.map((column) => {
        const value = figures[column.key];
        return h(
          'td',
          { class: 'number', dataset: { figure: column.key } },
          apart(figures, column, summed)
            ? [
                h('span', { 'aria-hidden': 'true' }, '—'),
                h('span', { class: 'visually-hidden' }, t('stats.campaign.not_summed')),
              ]
            : figureText({ kind: column.seconds ? 'duration' : 'count' }, value),
        );
      });
    const caption = this.#week
      ? t('stats.campaign.caption_week', { n: Number(this.#week) })
      : t('stats.campaign.caption_all');
    return h(
      'div',
      {
        class: 'table-scroll',
        role: 'region',
        tabindex: '0',
        'aria-labelledby': 'campaign-table-caption',
      },
      h(
        'table',
        { class: 'stats-table', id: 'campaign-table-figures' },
        h('caption', { id: 'campaign-table-caption' }, caption),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h(
              'th',
              { scope: 'col' },
              oneVenue ? t('stats.campaign.week_col') : t('stats.campaign.venue_col'),
            ),
            data.columns.map((column) => h('th', { scope: 'col' }, label(column))),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map(({ key, name, row }) =>
            h(
              'tr',
              { dataset: { key } },
              h('th', { scope: 'row' }, name),
              cells(row, rowsSummed),
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
            cells(total, true),
          ),
        ),
      ),
      unsummed
        ? h('p', { class: 'muted', id: 'campaign-not-summed' }, t('stats.campaign.not_summed_note'))
        : null,
    );
  }
}

customElements.define('lf-campaign-table', CampaignTable);
