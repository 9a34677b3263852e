// Calendar subscriptions (getCalendarFeed, GET /calendar/{scope}.ics: no cookie needed,
// so a calendar app can poll it): the feed's plain https(or http) URL, and the same URL
// as webcal:// — which phones and desktop calendar apps open as "subscribe" rather
// than as a one-off download. The caller passes its own strings (pages load different
// catalogues).

import { h } from '../lib/dom.js';
import { announce } from '../notices.js';

/** The absolute URL of a feed path on this site (or a full URL), and its webcal:// twin. */
export function feedUrls(path) {
  const https = new URL(path, window.location.origin).href;
  return { https, webcal: https.replace(/^https?:/, 'webcal:') };
}

/** The fair's feed path (by slug, so it stays that fair's after the next one opens). */
export function fairFeedPath(fair) {
  return `/calendar/fair.ics?fair=${encodeURIComponent(fair.slug ?? fair.id)}`;
}

/** A venue's feed path (the main venue's is the whole fair's programme). */
export function venueFeedPath(venueId) {
  return `/calendar/venue-${encodeURIComponent(venueId)}.ics`;
}

/**
 * A read-only field holding `value` with a copy button (`#<id>` and `#<id>-copy`).
 * text: { label, copy, copyLabel, copied }.
 */
export function copyField(id, value, text) {
  const input = h('input', {
    id,
    type: 'text',
    readonly: true,
    value,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  return h(
    'div',
    { class: 'field copy-field' },
    h('label', { for: id }, text.label),
    h(
      'div',
      { class: 'copy-row' },
      input,
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary button-small',
          id: `${id}-copy`,
          'aria-label': text.copyLabel,
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(input.value);
              announce(text.copied);
            } catch {
              input.focus();
              input.select(); // no clipboard permission (plain http): selected for Ctrl+C
            }
          },
        },
        text.copy,
      ),
    ),
  );
}

/** "Open in a calendar app" (webcal://) for a feed path; `label` names it for screen readers. */
export function webcalLink(path, text, label = null, id = null) {
  return h(
    'a',
    { href: feedUrls(path).webcal, class: 'webcal-link', id, 'aria-label': label },
    text,
  );
}
