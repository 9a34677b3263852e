// A candidate's summary on demand, for booth staff: a "Profile" button beside a
// candidate id (the console's roster, the bookings list) that opens what getCandidate
// gives — name, region, education, the jobs they look for, the resumes the booth may
// read, the assessment if shared (candidate-facts.js). Fetched on first opening only,
// since each view is written to the candidate's audit log; a refusal shows its reason
// (a candidate whose ticket or booking here ended over 30 days ago, or who deleted
// the account).
//
// State lives with the page (a Map of candidate id → {open, loading, card, error}) so
// a repaint of the list keeps what is open. Strings: the "interview" and "queue"
// catalogues.

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { candidateFacts } from './candidate-facts.js';

async function load(state, candidateId, repaint) {
  state.loading = true;
  state.error = null;
  repaint();
  try {
    const view = await api(`/api/candidates/${encodeURIComponent(candidateId)}`);
    state.card = { ...view.card, resumes: view.resumes };
  } catch (error) {
    state.error = error;
  }
  state.loading = false;
  repaint();
}

/**
 * The toggle and, when open, the summary. `summaries`: the page's Map; `key`: a
 * prefix unique on the page for this list ("roster", "booking"); `repaint()` redraws
 * the list (focus stays on the toggle by its id).
 */
export function candidateSummary(summaries, candidateId, { key, repaint }) {
  const state = summaries.get(candidateId) ?? { open: false };
  const id = `${key}-profile-${candidateId}`;
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button button-small button-secondary',
      id,
      'aria-expanded': String(Boolean(state.open)),
      'aria-controls': `${id}-panel`,
      onclick: () => {
        state.open = !state.open;
        summaries.set(candidateId, state);
        if (state.open && !state.card && !state.loading) load(state, candidateId, repaint);
        else repaint();
      },
    },
    state.open ? t('queue.console.profile_hide') : t('queue.console.profile_show'),
  );
  if (!state.open) return [toggle];
  let content;
  if (state.loading) content = h('p', { role: 'status' }, t('queue.console.profile_loading'));
  else if (state.error) {
    content = h('p', { class: 'notice notice-error', role: 'alert' }, errorMessage(state.error));
  } else {
    content = candidateFacts(state.card, {
      ids: { profile: `${id}-facts`, resume: `${id}-resume`, assessment: `${id}-assessment` },
    });
  }
  return [toggle, h('div', { class: 'candidate-summary', id: `${id}-panel` }, content)];
}
