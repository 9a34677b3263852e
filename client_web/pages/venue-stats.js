// A venue's queue statistics for its admins and the fair's organisers
// (/manage/venues/<id>/stats): per booth (each linking to the booth's own statistics)
// and per fair day, over a span of fair days (the whole fair by default).

import { campaignStatsLinks } from '../components/campaign-stats.js';
import { LivePage } from '../components/live-page.js';
import {
  definitions,
  loadStats,
  rangeForm,
  rangeModel,
  dayTable,
  statsTable,
} from '../components/queue-stats.js';
import { signInPrompt } from '../components/signed-in.js';
import { boothName } from '../components/structure-text.js';
import {
  allBooths,
  loadVenueAdmin,
  venueHeading,
  venueTabs,
  venueTitle,
} from '../components/venue-admin.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';

const GROUPINGS = ['booth', 'day'];

class VenueStatsPage extends LivePage {
  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    const scope = `venue=${encodeURIComponent(model.venue.id)}`;
    const range = { from: this.query.get('from'), to: this.query.get('to') };
    const [booths, stats] = await Promise.all([
      allBooths(scope, signal),
      loadStats(scope, range, GROUPINGS, signal),
    ]);
    return Object.assign(model, {
      booths: new Map(booths.map((b) => [b.id, b])),
      stats,
      form: rangeModel('stats-range', stats.day),
    });
  }

  heading(model) {
    return venueHeading(model, t('stats.queue.title'));
  }

  title(model) {
    return venueTitle(model, t('stats.queue.title'));
  }

  async #apply(model, range) {
    model.stats = await loadStats(`venue=${encodeURIComponent(model.venue.id)}`, range, GROUPINGS);
    const url = new URL(window.location.href);
    url.search = new URLSearchParams(range).toString();
    window.history.replaceState(window.history.state, '', url);
    this.repaint({ focus: '#stats-by-booth-region' });
  }

  #boothCell(model, id) {
    const booth = model.booths.get(id);
    const label = booth ? boothName(booth) : t('stats.queue.unlisted_booth');
    return h('a', { href: `/booths/${encodeURIComponent(id)}/stats` }, label);
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    const { stats } = model;
    const zone = stats.day.time_zone;
    return [
      venueTabs(model.venue, 'stats'),
      h('p', { class: 'intro' }, t('stats.queue.intro', { zone: zoneLabel(zone, lang) })),
      rangeForm(model.form, {
        repaint: (options) => this.repaint(options),
        apply: (range) => this.#apply(model, range),
      }),
      statsTable({
        id: 'stats-by-booth',
        caption: t('stats.queue.by_booth'),
        keyLabel: t('stats.queue.booth'),
        rows: stats.booth.rows,
        total: stats.booth.total,
        name: (id) => this.#boothCell(model, id),
      }),
      dayTable(stats.day, lang),
      definitions(),
      campaignStatsLinks({ fairId: model.fair.id, venueId: model.venue.id, holder: model }),
    ];
  }
}

customElements.define('lf-venue-stats-page', VenueStatsPage);
