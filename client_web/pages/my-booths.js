// My booths (/me/booths): the booths and guidance desks the signed-in recruiter or
// counsellor staffs, in every fair (newest first, GET /api/me/booths), each a card with
// its name (linking to the booth's page), venue and fair, the booth's status, its line
// (open or not, how many wait: live, components/line-count.js), my own status there (as
// the page loaded) and "open the console" — the staff's way to their work in one click
// from the navigation.
// Above them, the interviews this interviewer conducted that ended without an outcome
// (GET /api/me/interviews/awaiting-outcome): the candidate left, or the console
// completed the call, while the recruiter was elsewhere; each links to its room's page,
// where the outcome is recorded.
// Anonymous visitors are asked to sign in.

import { api } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { boothCardHead } from '../components/booth-card.js';
import { boothName } from '../components/structure-text.js';
import { instantNode } from '../components/when.js';
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

/** An interview awaiting its outcome: who, where, when it ended, and the way to it. */
function awaitingItem(interview, zone, lang) {
  const booth = { ...interview.booth, employer: { name: interview.booth.employer_name } };
  const titleId = `awaiting-${interview.id}`;
  return h(
    'li',
    { class: 'card', dataset: { interview: interview.id } },
    h(
      'p',
      { id: titleId },
      t('queue.my_booths.awaiting_item', {
        candidate: interview.candidate.name || t('queue.my_booths.awaiting_unnamed'),
        booth: boothName(booth),
      }),
    ),
    h(
      'p',
      { class: 'muted' },
      t('queue.my_booths.awaiting_ended'),
      ' ',
      instantNode(interview.ended_at, zone, lang),
    ),
    h(
      'p',
      { class: 'actions' },
      h(
        'a',
        { href: `/interviews/${interview.id}`, class: 'button', 'aria-describedby': titleId },
        t('queue.my_booths.awaiting_record'),
      ),
    ),
  );
}

function awaitingSection(awaiting, zone, lang) {
  if (awaiting.length === 0) return null;
  return h(
    'section',
    { 'aria-labelledby': 'my-awaiting-title', id: 'my-awaiting' },
    h('h2', { id: 'my-awaiting-title' }, t('queue.my_booths.awaiting_title')),
    h('p', {}, t('queue.my_booths.awaiting_intro')),
    h('ul', { class: 'cards' }, awaiting.map((item) => awaitingItem(item, zone, lang))),
  );
}

class MyBoothsPage extends Page {
  async load(signal) {
    const account = await me().catch(() => null);
    if (!account) return { account, booths: [], awaiting: [], zone: null };
    const [booths, awaiting, fair] = await Promise.all([
      api('/api/me/booths', { signal }),
      api('/api/me/interviews/awaiting-outcome', { signal }),
      currentFair().catch(() => null),
    ]);
    const zone = fair?.time_zone ?? 'Asia/Shanghai';
    return { account, booths: booths.items, awaiting: awaiting.items, zone };
  }

  heading() {
    return t('queue.my_booths.title');
  }

  render({ account, booths, awaiting, zone }) {
    if (!account) return signInPrompt();
    const lang = language();
    const waiting = awaitingSection(awaiting, zone, lang);
    if (booths.length === 0) {
      return [waiting, h('p', { id: 'my-booths-empty' }, t('queue.my_booths.empty'))];
    }
    return [
      waiting,
      h('p', { class: 'intro' }, t('queue.my_booths.intro')),
      h('ul', { class: 'cards', id: 'my-booths' }, booths.map((booth) => boothCard(booth, lang))),
    ];
  }
}

customElements.define('lf-my-booths-page', MyBoothsPage);
