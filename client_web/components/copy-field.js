// A value to copy (a calendar URL, an encoder's WHIP URL and token): a read-only field
// and a copy button.

import { h } from '../lib/dom.js';
import { announce } from '../notices.js';

/**
 * A read-only field holding `value` with a copy button (`#<id>` and `#<id>-copy`);
 * `secret` marks a value to keep off screen shares (a token). The copy is announced;
 * without clipboard permission (plain http) the value is selected for Ctrl+C.
 * text: { label, copy, copyLabel, copied }.
 */
export function copyField(id, value, text, { secret = false } = {}) {
  const input = h('input', {
    id,
    type: 'text',
    readonly: true,
    value,
    spellcheck: 'false',
    autocomplete: 'off',
    class: secret ? 'secret' : null,
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
