// A booth's settings (/booths/<id>/settings), for the booth's staff, the console's third
// tab: how the booth takes reservations (components/slot-settings.js) and its key-group
// lane (components/booth-lanes.js). They live here, not on the console, so that the
// console is the call desk only. Each part loads and saves on its own; anyone not on the
// booth's staff is told so (the API would refuse them too).

import { api } from '../api.js';
import { boothName } from '../components/structure-text.js';
import { LivePage } from '../components/live-page.js';
import { boothTabs } from '../components/queue-stats.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { me } from '../session.js';
import '../components/booth-lanes.js';
import '../components/slot-settings.js';

/** A part of the page: one element kept across repaints (it holds its form). */
function part(model, tag) {
  if (!model.parts.has(tag)) {
    const element = document.createElement(tag);
    element.boothId = model.booth.id;
    model.parts.set(tag, element);
  }
  return model.parts.get(tag);
}

class BoothSettingsPage extends LivePage {
  async load(signal) {
    const [booth, account] = await Promise.all([
      api(`/api/booths/${encodeURIComponent(this.params.id)}`, { signal }),
      me().catch(() => null),
    ]);
    const staff = Boolean(account) && booth.staff.some((m) => m.account_id === account.id);
    return { booth, staff, parts: new Map() };
  }

  heading({ booth }) {
    return t('queue.settings.title', { booth: boothName(booth) });
  }

  body(model) {
    const { booth } = model;
    if (!model.staff) {
      return [h('p', { class: 'notice notice-error' }, t('queue.settings.not_staff'))];
    }
    return [
      boothTabs(booth.id, 'settings'),
      h('p', { class: 'intro' }, t('queue.settings.intro')),
      h(
        'div',
        { class: 'settings-parts' },
        part(model, 'lf-slot-settings'),
        part(model, 'lf-booth-lanes'),
      ),
      h('p', {}, h('a', { href: `/booths/${booth.id}`, class: 'back' }, t('queue.console.back'))),
    ];
  }
}

customElements.define('lf-booth-settings-page', BoothSettingsPage);
