// The interviewer's side panel: who the candidate is (the name, and "Profile" opening
// what getCandidate gives the booth's staff — profile, resumes, the assessment if
// shared — as on the booth console: fetched when opened, since each view is written to
// the candidate's audit log; getInterview's `candidate` carries the name only), notes,
// and the outcome. Notes are sent with the outcome (recordInterviewOutcome); until then
// the draft lives in sessionStorage, so a reload does not lose it.
//
// Recording an outcome ends the interview for everyone, so it takes two steps: an
// outcome button only chooses (aria-pressed), and an inline confirmation names what
// will happen — "End the interview and record: …" — with Cancel (or Escape) leaving the
// interview running. Once recorded, the interviewers may change the outcome until
// getInterview's `outcome_correctable_until` (correctInterviewOutcome), the same way.

import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { candidateSummary } from './candidate-summary.js';
import { confirmQuestion } from './confirm.js';
import { clockTime } from './when.js';

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

  // The outcome chosen and awaiting confirmation (null: none), and whether a recorded
  // outcome is being changed.
  #choice = null;
  #correcting = false;

  constructor({ interviewId, zone, onOutcome, onCorrect, repaint }) {
    this.interviewId = interviewId;
    this.zone = zone;
    this.onOutcome = onOutcome;
    this.onCorrect = onCorrect;
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

  /** After a recording or a correction went through: nothing chosen, nothing open. */
  settle() {
    this.#choice = null;
    this.#correcting = false;
  }

  #choose(outcome) {
    this.#choice = outcome;
    this.repaint('#interview-outcome-confirm');
  }

  #cancel() {
    const back = this.#choice && !this.#correcting ? `#interview-outcome-${this.#choice}` : null;
    if (this.#correcting) {
      // The recorded notes stay as they were; the textarea is the next draft again.
      this.#notes.value = '';
      saveDraft(this.interviewId, '');
    }
    this.#choice = null;
    this.#correcting = false;
    this.repaint(back ?? '#interview-outcome-change');
  }

  #startCorrection(interview) {
    this.#correcting = true;
    this.#choice = null;
    this.#notes.value = interview.notes ?? '';
    const first = OUTCOMES.includes(interview.outcome) ? interview.outcome : OUTCOMES[0];
    this.repaint(`#interview-outcome-${first}`);
  }

  #confirm() {
    const outcome = this.#choice;
    if (this.#correcting) this.onCorrect(outcome);
    else this.onOutcome(outcome);
  }

  /** Whether the recorded outcome may still be changed (the server has the last word). */
  static correctable(interview, now = Date.now()) {
    const until = Date.parse(interview.outcome_correctable_until ?? '');
    return interview.state === 'recorded' && Number.isFinite(until) && now < until;
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
    if (recorded && this.#correcting && !InterviewPanel.correctable(interview)) this.settle();
    const editing = !recorded || this.#correcting;
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
        editing ? this.#notes : h('p', { id: 'interview-notes-saved' }, interview.notes || '—'),
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
      editing ? this.#outcomes(interview, busy) : this.#recorded(interview, busy),
    );
  }

  #recorded(interview, busy) {
    const correctable = InterviewPanel.correctable(interview);
    return h(
      'div',
      { class: 'interview-outcome-done' },
      h(
        'p',
        { class: 'callout', id: 'interview-outcome-recorded', tabindex: '-1' },
        t('interview.outcome.recorded', {
          outcome: tCode('interview.outcome.', interview.outcome, 'interview.outcome.unknown'),
        }),
      ),
      correctable
        ? h(
            'p',
            { class: 'actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary',
                id: 'interview-outcome-change',
                disabled: busy,
                'aria-describedby': 'interview-outcome-change-hint',
                onclick: () => this.#startCorrection(interview),
              },
              t('interview.outcome.change'),
            ),
          )
        : null,
      correctable
        ? h(
            'p',
            { class: 'hint', id: 'interview-outcome-change-hint' },
            t('interview.outcome.change_until', {
              time: clockTime(interview.outcome_correctable_until, this.zone, language()),
            }),
          )
        : null,
    );
  }

  #outcomes(interview, busy) {
    const label = (outcome) => tCode('interview.outcome.', outcome, 'interview.outcome.unknown');
    const choice = this.#choice;
    const cancel = h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary',
        id: 'interview-outcome-cancel',
        disabled: busy,
        onclick: () => this.#cancel(),
      },
      t('interview.outcome.cancel'),
    );
    const ending = !this.#correcting && interview.state === 'live';
    let confirm = null;
    if (choice) {
      const [action, warning] = this.#correcting
        ? [
            t('interview.outcome.confirm_change', { outcome: label(choice) }),
            t('interview.outcome.warning_change'),
          ]
        : ending
          ? [
              t('interview.outcome.confirm_end', { outcome: label(choice) }),
              t('interview.outcome.warning_end'),
            ]
          : [
              t('interview.outcome.confirm_record', { outcome: label(choice) }),
              t('interview.outcome.warning_record'),
            ];
      confirm = confirmQuestion({
        id: 'interview-outcome-confirm',
        className: 'interview-outcome-confirm',
        text: warning,
        confirm: action,
        cancel: t('interview.outcome.cancel'),
        cancelId: 'interview-outcome-cancel',
        danger: ending,
        busy,
        onConfirm: () => this.#confirm(),
        onCancel: () => this.#cancel(),
      });
    }
    return h(
      'fieldset',
      {
        class: 'fieldset interview-outcomes',
        onkeydown: (event) => {
          if (event.key === 'Escape' && (choice || this.#correcting)) {
            event.preventDefault();
            this.#cancel();
          }
        },
      },
      h(
        'legend',
        {},
        this.#correcting ? t('interview.outcome.change_title') : t('interview.outcome.title'),
      ),
      h(
        'p',
        { class: 'actions' },
        OUTCOMES.map((outcome) =>
          h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              id: `interview-outcome-${outcome}`,
              'aria-pressed': outcome === choice ? 'true' : 'false',
              disabled: busy,
              onclick: () => this.#choose(outcome),
            },
            label(outcome),
          ),
        ),
      ),
      confirm ?? (this.#correcting ? h('p', { class: 'actions' }, cancel) : null),
    );
  }
}
