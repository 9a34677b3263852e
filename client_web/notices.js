// The status area under the header (role="status", aria-live="polite"): short
// messages that screen readers announce without moving focus — a language change,
// a saved form, a lost connection. Feature code calls announce(); the shell clears the
// area when the visitor moves to another page.

import { h } from './lib/dom.js';

function area() {
  return document.getElementById('notices');
}

/** Show and announce `text`. kind: "info" (default) or "error". */
export function announce(text, { kind = 'info' } = {}) {
  const target = area();
  if (!target) return;
  target.replaceChildren(h('p', { class: `notice notice-${kind}` }, text));
}

export function clearNotices() {
  area()?.replaceChildren();
}
