// One venue as a card (list item): name linking to its page, leader, phone, website.
// Used by the home page and the venues list.

import { pick } from '../fair.js';
import { h, inLanguage, urlText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** `tel:` link target: the digits of a phone number as written ("+86 10 0000 0001"). */
export function telHref(phone) {
  return `tel:${phone.replace(/[^+\d]/g, '')}`;
}

/** The leader's name and title: Chinese only in the API, so marked lang="zh-CN". */
export function leaderNodes(leader, lang) {
  return [
    inLanguage(leader.name, 'zh-CN', lang),
    leader.title
      ? h('span', { class: 'leader-title' }, inLanguage(leader.title, 'zh-CN', lang))
      : null,
  ];
}

export function venueCard(venue, lang, headingTag = 'h3') {
  return h(
    'li',
    { class: 'card', dataset: { venue: venue.id, region: venue.region_code ?? '' } },
    h(
      headingTag,
      { class: 'card-title' },
      h('a', { href: `/venues/${venue.id}` }, pick(venue, 'name', lang)),
    ),
    h(
      'dl',
      { class: 'card-facts' },
      h(
        'div',
        {},
        h('dt', {}, t('fairs.venue.leader')),
        h('dd', {}, leaderNodes(venue.leader, lang)),
      ),
      venue.leader.phone
        ? h(
            'div',
            {},
            h('dt', {}, t('fairs.venue.phone')),
            h('dd', {}, h('a', { href: telHref(venue.leader.phone) }, venue.leader.phone)),
          )
        : null,
      h(
        'div',
        {},
        h('dt', {}, t('fairs.venue.website')),
        h(
          'dd',
          {},
          h('a', { href: venue.url, rel: 'noopener external', class: 'url' }, urlText(venue.url)),
        ),
      ),
    ),
  );
}
