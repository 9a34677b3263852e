// My booths (/me/booths): the booths and guidance desks the signed-in recruiter or
// counsellor staffs, in every fair (newest first, GET /api/me/booths), each a card with
// its name (linking to the booth's page), venue and fair, the booth's status, its line
// (open or not, how many wait: live, components/line-count.js), my own status there (as
// the page loaded) and "open the console" — the staff's way to their work in one click
// from the navigation.
// Anonymous visitors are asked to sign in.

import { api } from '../api.js';
import { pick } from '../fair.js';
import { boothCardHead } from '../components/booth-card.js';
import { fact } from '../components/job-text.js';
import { lineCount } from '../components/line-count.js';
import { signInPrompt } from '../components/signed-in.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { me } from '../session.js';

function boothCard(booth, lang) {
  const titleId = `my-booth-${booth.id}`;
  return h(
    'li',
    { class: 'card my-booth', dataset: { booth: booth.id } },
    boothCardHead(booth, { headingTag: 'h2', titleId }),
    h(
      'dl',
      { class: 'card-facts' },
      fact(t('queue.my_booths.venue'), pick(booth.venue, 'name', lang)),
      fact(t('queue.my_booths.fair'), pick(booth.fair, 'title', lang)),
      fact(t('queue.my_booths.line'), lineCount(booth.id, booth.line_status, booth.waiting)),
      fact(
        t('queue.my_booths.my_status'),
        tCode('queue.staff.', booth.my_status, 'queue.staff.unknown'),
      ),
    ),
    h(
      'p',
      { class: 'actions' },
      h(
        'a',
        { href: `/booths/${booth.id}/console`, class: 'button', 'aria-describedby': titleId },
        t('queue.my_booths.open_console'),
      ),
    ),
  );
}

class MyBoothsPage extends Page {
  async load(signal) {
    const account = await me().catch(() => null);
    const booths = account ? (await api('/api/me/booths', { signal })).items : [];
    return { account, booths };
  }

  heading() {
    return t('queue.my_booths.title');
  }

  render({ account, booths }) {
    if (!account) return signInPrompt();
    if (booths.length === 0) return [h('p', { id: 'my-booths-empty' }, t('queue.my_booths.empty'))];
    const lang = language();
    return [
      h('p', { class: 'intro' }, t('queue.my_booths.intro')),
      h('ul', { class: 'cards', id: 'my-booths' }, booths.map((booth) => boothCard(booth, lang))),
    ];
  }
}

customElements.define('lf-my-booths-page', MyBoothsPage);
