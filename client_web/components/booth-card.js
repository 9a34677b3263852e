// A booth or guidance desk as a card (list item): its name linking to the booth page,
// the employer (with logo) or the desk's kind, a short intro, capacity and staff, and
// whether it is open now in fair time. Used by the venue and employer pages; the head
// (name, status, employer or kind) also by the staff's "my booths" page.

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { openNow } from './hours.js';
import { boothKindText, boothName, logoNode, statusBadge } from './structure-text.js';

/** The card's head: logo, name (a link to the booth's page) and status badge, then the
 * employer's name when the booth has a title of its own, or a titled desk's kind. */
export function boothCardHead(booth, { headingTag = 'h3', titleId = null } = {}) {
  const name = boothName(booth);
  return [
    h(
      'div',
      { class: 'card-head' },
      booth.employer ? logoNode(booth.employer) : null,
      h(
        headingTag,
        { class: 'card-title', id: titleId },
        h('a', { href: `/booths/${booth.id}` }, name),
        ' ',
        statusBadge(booth.status),
      ),
    ),
    booth.employer && booth.employer.name !== name
      ? h('p', { class: 'card-sub' }, booth.employer.name)
      : null,
    !booth.employer && booth.title
      ? h('p', { class: 'card-sub' }, boothKindText(booth.kind))
      : null,
  ];
}

export function boothCard(booth, { fair, venueName = null, headingTag = 'h3' }) {
  const open = fair && booth.status === 'approved' && openNow(booth.hours, fair);
  return h(
    'li',
    { class: 'card booth-card', dataset: { booth: booth.id, kind: booth.kind } },
    boothCardHead(booth, { headingTag }),
    venueName ? h('p', { class: 'card-sub' }, venueName) : null,
    booth.intro ? h('p', { class: 'card-intro' }, booth.intro) : null,
    h(
      'p',
      { class: 'card-meta' },
      open ? h('span', { class: 'badge badge-ok' }, t('structure.booth.open_now')) : null,
      h('span', {}, t('structure.booth.capacity_short', { capacity: booth.capacity })),
      h('span', {}, t('structure.booth.staff_count', { count: booth.staff.length })),
    ),
  );
}
