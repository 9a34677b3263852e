// The interviewer's side panel: who the candidate is (the name, and "Profile" opening
// what getCandidate gives the booth's staff — profile, resumes, the assessment if
// shared — as on the booth console: fetched when opened, since each view is written to
// the candidate's audit log; getInterview's `candidate` carries the name only), notes,
// and the outcome buttons. Notes are sent with the outcome
// (recordInterviewOutcome); until then the draft lives in sessionStorage, so a reload
// does not lose it.

import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { candidateSummary } from './candidate-summary.js';

export const OUTCOMES = ['next_round', 'offer_intent', 'not_suitable', 'no_show'];
const NOTES_MAX = 4000;

function draftKey(id) {
  return `livefair.interview.${id}.notes`;
}

export function loadDraft(id) {
  try {
    return window.sessionStorage.getItem(draftKey(id)) ?? '';
  } catch {
    return '';
  }
}

function saveDraft(id, text) {
  try {
    if (text) window.sessionStorage.setItem(draftKey(id), text);
    else window.sessionStorage.removeItem(draftKey(id));
  } catch {
    // storage disabled: the draft lives only in the page
  }
}

export class InterviewPanel {
  #notes = h('textarea', {
    id: 'interview-notes',
    name: 'notes',
    rows: '5',
    maxlength: String(NOTES_MAX),
    'aria-describedby': 'interview-notes-hint',
  });

  #summaries = new Map();

  constructor({ interviewId, onOutcome, repaint }) {
    this.interviewId = interviewId;
    this.onOutcome = onOutcome;
    this.repaint = repaint;
    this.#notes.value = loadDraft(interviewId);
    this.#notes.addEventListener('input', () => saveDraft(interviewId, this.#notes.value));
  }

  get notes() {
    return this.#notes.value.trim();
  }

  clearDraft() {
    saveDraft(this.interviewId, '');
  }

  #profile(candidate, members) {
    const member = members.find((m) => m.role === 'candidate');
    const name = candidate?.name || member?.display_name || '';
    const candidateId = candidate?.account_id ?? member?.account_id ?? null;
    return [
      h(
        'dl',
        { class: 'facts', id: 'interview-profile' },
        h('div', {}, h('dt', {}, t('interview.panel.name')), h('dd', {}, name)),
      ),
      candidateId
        ? h(
            'div',
            { class: 'interview-candidate-summary' },
            candidateSummary(this.#summaries, candidateId, {
              key: 'interview',
              repaint: () => this.repaint(),
            }),
          )
        : null,
    ];
  }

  /** The panel for the current state of the interview. */
  render({ interview, busy, error }) {
    const recorded = interview.state === 'recorded';
    return h(
      'aside',
      { class: 'interview-panel', 'aria-labelledby': 'interview-panel-title' },
      h('h2', { id: 'interview-panel-title' }, t('interview.panel.title')),
      this.#profile(interview.candidate, interview.members),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'interview-notes' }, t('interview.panel.notes')),
        h('p', { class: 'hint', id: 'interview-notes-hint' }, t('interview.panel.notes_hint')),
        recorded ? h('p', { id: 'interview-notes-saved' }, interview.notes || '—') : this.#notes,
      ),
      error
        ? h(
            'div',
            {
              class: 'notice notice-error',
              id: 'interview-outcome-error',
              role: 'alert',
              tabindex: '-1',
            },
            h('p', {}, error),
          )
        : null,
      recorded
        ? h(
            'p',
            { class: 'callout', id: 'interview-outcome-recorded', tabindex: '-1' },
            t('interview.outcome.recorded', {
              outcome: tCode('interview.outcome.', interview.outcome, 'interview.outcome.unknown'),
            }),
          )
        : h(
            'fieldset',
            { class: 'fieldset interview-outcomes' },
            h('legend', {}, t('interview.outcome.title')),
            h(
              'p',
              { class: 'actions' },
              OUTCOMES.map((outcome) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: outcome === 'offer_intent' ? 'button' : 'button button-secondary',
                    id: `interview-outcome-${outcome}`,
                    disabled: busy,
                    onclick: () => this.onOutcome(outcome),
                  },
                  tCode('interview.outcome.', outcome, 'interview.outcome.unknown'),
                ),
              ),
            ),
          ),
    );
  }
}
