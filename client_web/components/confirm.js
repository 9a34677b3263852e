// A destructive action asked once more in place, without a browser dialog: the button
// `#<verb>-<key>` turns into "confirm" (`#<verb>-confirm-<key>`, which takes focus) and
// "cancel" (`#<verb>-cancel-<key>`, which gives focus back to the first button). Which
// item is asking lives in the LivePage's model (`model.confirming`), so a repaint or a
// language switch keeps the question open. `run` does the action and clears
// `model.confirming` when the question is over (it also decides where focus goes).

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
