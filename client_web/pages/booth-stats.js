// A booth's queue statistics (/booths/<id>/stats): per fair day and per recruiter, over
// a span of fair days (the whole fair by default). For the booth's staff (who see only
// their own recruiter row), its venue's admins and the fair's organisers; the API
// decides, and anyone else gets its refusal. Days are the fair's (北京时间).

import { api } from '../api.js';
import { boothName } from '../components/structure-text.js';
import { LivePage } from '../components/live-page.js';
import {
  boothTabs,
  definitions,
  loadStats,
  rangeForm,
  rangeModel,
  dayTable,
  statsTable,
} from '../components/queue-stats.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';
import { me } from '../session.js';

const GROUPINGS = ['day', 'recruiter'];

class BoothStatsPage extends LivePage {
  async load(signal) {
    const id = this.params.id;
    const range = { from: this.query.get('from'), to: this.query.get('to') };
    const [booth, account, stats] = await Promise.all([
      api(`/api/booths/${encodeURIComponent(id)}`, { signal }),
      me().catch(() => null),
      loadStats(`booth=${encodeURIComponent(id)}`, range, GROUPINGS, signal),
    ]);
    const staff = Boolean(account) && booth.staff.some((m) => m.account_id === account.id);
    return { booth, staff, stats, form: rangeModel('stats-range', stats.day) };
  }

  heading({ booth }) {
    return t('stats.queue.booth_title', { booth: boothName(booth) });
  }

  async #apply(model, range) {
    const scope = `booth=${encodeURIComponent(model.booth.id)}`;
    model.stats = await loadStats(scope, range, GROUPINGS);
    const url = new URL(window.location.href);
    url.search = new URLSearchParams(range).toString();
    window.history.replaceState(window.history.state, '', url);
    this.repaint({ focus: '#stats-by-day-region' });
  }

  body(model) {
    const lang = language();
    const { booth, stats } = model;
    const zone = stats.day.time_zone;
    const names = new Map(booth.staff.map((m) => [m.account_id, m.display_name]));
    return [
      model.staff ? boothTabs(booth.id, 'stats') : null,
      h('p', { class: 'intro' }, t('stats.queue.intro', { zone: zoneLabel(zone, lang) })),
      rangeForm(model.form, {
        repaint: (options) => this.repaint(options),
        apply: (range) => this.#apply(model, range),
      }),
      dayTable(stats.day, lang),
      statsTable({
        id: 'stats-by-recruiter',
        caption: t('stats.queue.by_recruiter'),
        keyLabel: t('stats.queue.recruiter'),
        rows: stats.recruiter.rows,
        total: stats.recruiter.total,
        name: (id) => names.get(id) ?? t('stats.queue.former_staff'),
        after: h('p', { class: 'hint' }, t('stats.queue.recruiter_hint')),
      }),
      definitions(),
    ];
  }
}

customElements.define('lf-booth-stats-page', BoothStatsPage);
