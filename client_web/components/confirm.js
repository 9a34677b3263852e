// A destructive action asked once more in place, without a browser dialog: the button
// `#<verb>-<key>` turns into "confirm" (`#<verb>-confirm-<key>`, which takes focus) and
// "cancel" (`#<verb>-cancel-<key>`, which gives focus back to the first button). Which
// item is asking lives in the LivePage's model (`model.confirming`), so a repaint or a
// language switch keeps the question open. `run` does the action and clears
// `model.confirming` when the question is over (it also decides where focus goes).
//
// Where the action needs its consequence said ("End the interview and record: …",
// "Leave the line? You will lose your place …"), confirmQuestion() draws the question
// as a group that takes focus, with the two buttons inside it, and Escape cancels.

import { h } from '../lib/dom.js';

/** The nodes to put in the item's actions: one button, or confirm and cancel. */
export function confirmButton(page, { verb, key, describedBy, label, confirm, cancel, run }) {
  const model = page.model;
  if (model.confirming !== key) {
    return h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary',
        id: `${verb}-${key}`,
        'aria-describedby': describedBy,
        onclick: () => {
          model.confirming = key;
          page.repaint({ focus: `#${verb}-confirm-${key}` });
        },
      },
      label,
    );
  }
  return [
    h(
      'button',
      {
        type: 'button',
        class: 'button button-danger',
        id: `${verb}-confirm-${key}`,
        onclick: run,
      },
      confirm,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary',
        id: `${verb}-cancel-${key}`,
        onclick: () => {
          model.confirming = null;
          page.repaint({ focus: `#${verb}-${key}` });
        },
      },
      cancel,
    ),
  ];
}

/**
 * The question itself, for an action that needs more than "sure?": a group named by its
 * text ("Leave the line? You will lose your place …") holding the confirm and cancel
 * buttons. It takes focus when it opens (`tabindex=-1`: focus `#<id>` after the
 * repaint, so a screen reader reads the question); Escape inside it cancels. The caller
 * keeps which question is open and gives focus back to the button that opened it on
 * cancel. Ids: `#<id>`, its text `#<id>-text`, the buttons `#<id>-button` and
 * `#<id>-cancel` unless named.
 */
export function confirmQuestion({
  id,
  text,
  confirm,
  cancel,
  onConfirm,
  onCancel,
  danger = true,
  busy = false,
  className = '',
  confirmId = `${id}-button`,
  cancelId = `${id}-cancel`,
}) {
  return h(
    'div',
    {
      class: `inline-confirm ${className}`.trim(),
      id,
      role: 'group',
      tabindex: '-1',
      'aria-labelledby': `${id}-text`,
      onkeydown: (event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        event.stopPropagation();
        onCancel();
      },
    },
    h('p', { id: `${id}-text` }, text),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: danger ? 'button button-danger' : 'button',
          id: confirmId,
          disabled: busy,
          onclick: onConfirm,
        },
        confirm,
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          id: cancelId,
          disabled: busy,
          onclick: onCancel,
        },
        cancel,
      ),
    ),
  );
}
