// My sessions (/me/sessions): the featured sessions the signed-in account hosts
// (getMySessions), as the API orders them — open now (lobby, live), then those to come,
// then those over. Each card links to the session's page and, until it is over, to its
// host studio; times are in the fair's zone (北京时间). Anonymous visitors are asked to
// sign in. docs/web-client.md, "Pages of featured sessions live".

import { api } from '../api.js';
import { pick } from '../fair.js';
import { stateBadge } from '../components/session-text.js';
import { formatInstant } from '../components/when.js';
import { h, inLanguage } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { zoneLabel } from '../lib/time.js';
import { me } from '../session.js';

// States after which the studio has nothing left to do.
const OVER = new Set(['ended', 'cancelled']);

function sessionCard(session, lang) {
  const over = OVER.has(session.state);
  const titleId = `my-session-${session.id}`;
  return h(
    'li',
    {
      class: over ? 'card session-card session-card-over' : 'card session-card',
      dataset: { session: session.id, state: session.state },
    },
    h(
      'div',
      { class: 'card-head' },
      h(
        'h3',
        { class: 'card-title', id: titleId },
        h('a', { href: `/sessions/${session.id}` }, inLanguage(session.title, 'zh-CN', lang)),
      ),
      stateBadge(session.state),
    ),
    h(
      'dl',
      { class: 'card-facts' },
      h(
        'div',
        {},
        h('dt', {}, t('live.mine.venue')),
        h('dd', {}, pick(session, 'venue_name', lang)),
      ),
      h(
        'div',
        {},
        h('dt', {}, t('live.mine.time')),
        h(
          'dd',
          {},
          session.starts_at
            ? h(
                'time',
                { datetime: session.starts_at },
                t('live.mine.when', {
                  start: formatInstant(session.starts_at, session.time_zone, lang),
                  zone: zoneLabel(session.time_zone, lang),
                  minutes: session.duration_minutes,
                }),
              )
            : t('live.mine.not_placed'),
        ),
      ),
    ),
    over
      ? null
      : h(
          'p',
          { class: 'actions' },
          h(
            'a',
            {
              href: `/sessions/${session.id}/studio`,
              class: 'button',
              'aria-describedby': titleId,
            },
            t('live.watch.open_studio'),
          ),
        ),
  );
}

function group(id, label, sessions, lang) {
  if (sessions.length === 0) return null;
  return h(
    'section',
    { 'aria-labelledby': id },
    h('h2', { id }, label),
    h(
      'ul',
      { class: 'cards cards-single session-cards' },
      sessions.map((session) => sessionCard(session, lang)),
    ),
  );
}

class MySessionsPage extends Page {
  async load(signal) {
    const account = await me().catch(() => null);
    const items = account ? (await api('/api/me/featured-sessions', { signal })).items : [];
    return { account, items };
  }

  heading() {
    return t('live.mine.title');
  }

  render({ account, items }) {
    if (!account) {
      return [
        h('p', { class: 'intro' }, t('live.mine.sign_in')),
        h(
          'p',
          {},
          h(
            'a',
            { href: '/login?next=/me/sessions', class: 'button' },
            t('live.mine.sign_in_link'),
          ),
        ),
      ];
    }
    if (items.length === 0) return h('p', { id: 'my-sessions-empty' }, t('live.mine.empty'));
    const lang = language();
    return [
      h('p', { class: 'intro' }, t('live.mine.intro')),
      group(
        'my-sessions-coming',
        t('live.mine.coming'),
        items.filter((s) => !OVER.has(s.state)),
        lang,
      ),
      group(
        'my-sessions-over',
        t('live.mine.over'),
        items.filter((s) => OVER.has(s.state)),
        lang,
      ),
    ];
  }
}

customElements.define('lf-my-sessions-page', MySessionsPage);
