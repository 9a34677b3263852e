// The fair the site shows: the most recent one (GET /api/fairs lists most recent first),
// with its venues and partner platforms (GET /api/fairs/{id}). Loaded once per page
// load and shared by the header and every page.

import { api } from './api.js';
import { dataSuffix } from './lib/i18n.js';

let pending = null;

/** The current fair's detail, or null when there is no fair yet. */
export function currentFair() {
  if (pending === null) {
    pending = (async () => {
      const { items } = await api('/api/fairs');
      if (items.length === 0) return null;
      return api(`/api/fairs/${encodeURIComponent(items[0].id)}`);
    })();
    pending.catch(() => {
      pending = null; // a later page may retry
    });
  }
  return pending;
}

/** A bilingual field of an API object: pick(fair, 'title') -> fair.title_zh or title_en. */
export function pick(object, field, lang) {
  return object[`${field}_${dataSuffix(lang)}`];
}
