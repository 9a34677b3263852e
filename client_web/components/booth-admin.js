// What the pages that manage booths share — the employer's booths (its admins) and the
// venue's booths and desks (its admins, organisers): who staffs a booth
// (setBoothStaff), closing a booth, and any change to a booth (approve, close) whose
// failure shows on the page. The staff forms' drafts live in the LivePage's
// model.staffForms (booth id → FormModel), so repaints keep what was ticked.

import { api, errorMessage } from '../api.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { FormModel, checkboxes, formNode } from './form.js';
import { boothName } from './structure-text.js';

/** The staff form of a booth; `name` starts its id (and so its elements' ids). */
export function staffForm(name, booth) {
  return new FormModel(`${name}-${booth.id}`, {
    account_ids: booth.staff.map((member) => member.account_id),
  });
}

/**
 * The form that sets who staffs `booth`, a checkbox per person (`options`: [{ value,
 * label, hint? }]); `empty` is said when there is nobody to choose, `actions` are more
 * buttons beside "save". `name` is the one the page's staffForm() calls use.
 */
export function staffFormNode(page, booth, { name, options, empty, actions = [] }) {
  const model = page.model;
  const form = model.staffForms.get(booth.id);
  return formNode(form, {
    label: t('structure.staff.save'),
    className: 'form-compact',
    repaint: (options) => page.repaint(options),
    content: () => [
      checkboxes(form, {
        name: 'account_ids',
        legend: t('structure.staff.legend', { booth: boothName(booth) }),
        options,
        empty,
      }),
    ],
    submit: async (values) => {
      const staff = await api(`/api/booths/${encodeURIComponent(booth.id)}/staff`, {
        method: 'PUT',
        body: { account_ids: values.account_ids },
      });
      booth.staff = staff.items;
      model.staffForms.set(booth.id, staffForm(name, booth));
      page.repaint();
      announce(t('structure.staff.saved', { booth: boothName(booth), count: staff.items.length }));
    },
    actions,
  });
}

/** Close a booth (updateBooth) or withdraw its request; focus goes to `focus` after. */
export function closeBooth(page, booth, focus) {
  return changeBooth(
    page,
    booth,
    () =>
      api(`/api/booths/${encodeURIComponent(booth.id)}`, {
        method: 'PATCH',
        body: { status: 'closed' },
      }),
    (b) => t('structure.employer_booths.closed', { booth: boothName(b) }),
    focus,
  );
}

/**
 * Run `request` (which answers the changed booth), copy the answer into `booth` and
 * announce `done(booth)`; a failure shows in model.failure. Focus goes to `focus` either way.
 */
export async function changeBooth(page, booth, request, done, focus) {
  const model = page.model;
  try {
    const changed = await request();
    Object.assign(booth, changed);
    model.failure = null;
    page.repaint({ focus });
    announce(done(booth));
  } catch (error) {
    model.failure = () => errorMessage(error);
    page.repaint({ focus });
  }
}
