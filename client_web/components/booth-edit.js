// Editing a booth that exists (updateBooth): its name, intro, capacity, slot length and
// opening hours, in a disclosure under the booth's card. Used by the employer's booth
// page (its admins) and the venue's (its admins, organisers). Whether the disclosure is
// open and what was typed live in the page's model, so repaints keep them.

import { api } from '../api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { boothBody, boothFields, boothValues } from './booth-form.js';
import { FormModel, formNode, missing } from './form.js';
import { hoursRows } from './hours.js';
import { boothName } from './structure-text.js';

function editForm(booth) {
  return new FormModel(
    `edit-${booth.id}`,
    boothValues({
      title: booth.title,
      intro: booth.intro,
      capacity: String(booth.capacity),
      slot_minutes: String(booth.slot_minutes),
      hours: hoursRows(booth.hours),
    }),
  );
}

/**
 * A <details> with the booth's edit form. `page` is the LivePage (for repaint), `model`
 * its model (edit drafts are kept in model.editForms and model.editing).
 */
export function boothEditor(page, model, booth, { fair, lang, titleHint }) {
  model.editForms ??= new Map();
  model.editing ??= new Set();
  if (!model.editForms.has(booth.id)) model.editForms.set(booth.id, editForm(booth));
  const form = model.editForms.get(booth.id);
  const toggleId = `edit-${booth.id}-toggle`;
  const repaint = (options) => page.repaint(options);
  // The form is built only while open: a venue has dozens of booths, each with rows of
  // hours, and a closed disclosure need not carry them.
  const body = () =>
    formNode(form, {
      label: t('structure.booth_edit.save'),
      repaint,
      check: (values) => missing(values, ['capacity', 'slot_minutes']),
      content: () => boothFields(form, { fair, lang, repaint, titleHint }),
      submit: async (values) => {
        const changed = await api(`/api/booths/${encodeURIComponent(booth.id)}`, {
          method: 'PATCH',
          body: boothBody(values),
        });
        Object.assign(booth, changed);
        model.editForms.delete(booth.id);
        model.editing.delete(booth.id);
        repaint({ focus: `#${toggleId}` });
        announce(t('structure.booth_edit.saved', { booth: boothName(booth) }));
      },
    });
  const open = model.editing.has(booth.id);
  const details = h(
    'details',
    {
      class: 'edit',
      open,
      ontoggle: () => {
        if (!details.open) {
          model.editing.delete(booth.id);
          return;
        }
        model.editing.add(booth.id);
        if (!details.querySelector('form')) details.append(body());
      },
    },
    h('summary', { id: toggleId }, t('structure.booth_edit.toggle', { booth: boothName(booth) })),
    open ? body() : null,
  );
  return details;
}
