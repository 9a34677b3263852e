// A venue's people (/manage/venues/<id>/staff): its admins and counsellors; venue
// admins appoint counsellors (who staff the guidance desks), organisers also appoint
// venue admins. People are found by the mobile number or e-mail they signed up with.

import { api } from '../api.js';
import { FormModel, field, formNode, input, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { signInPrompt } from '../components/signed-in.js';
import { roleText } from '../components/structure-text.js';
import { loadVenueAdmin, venueHeading, venueTabs, venueTitle } from '../components/venue-admin.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';

class ManageStaffPage extends LivePage {
  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    const staff = await api(`/api/venues/${encodeURIComponent(model.venue.id)}/staff`, { signal });
    return Object.assign(model, {
      staff: staff.items,
      counsellor: new FormModel('appoint-counsellor', { account: '' }),
      admin: new FormModel('appoint-admin', { account: '' }),
    });
  }

  heading(model) {
    return venueHeading(model, t('structure.manage_venue.staff'));
  }

  title(model) {
    return venueTitle(model, t('structure.manage_venue.staff'));
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const group = (role) => model.staff.filter((member) => member.role === role);
    return [
      venueTabs(model.venue, 'staff'),
      this.#list('admins', t('structure.venue_staff.admins'), group('venue_admin')),
      this.#list('counsellors', t('structure.venue_staff.counsellors'), group('counsellor')),
      this.#appoint(model, model.counsellor, {
        path: 'counsellors',
        title: t('structure.venue_staff.appoint_counsellor'),
        intro: t('structure.venue_staff.appoint_counsellor_intro'),
        submit: t('structure.venue_staff.appoint_counsellor_submit'),
      }),
      model.organiser
        ? this.#appoint(model, model.admin, {
            path: 'admins',
            title: t('structure.venue_staff.appoint_admin'),
            intro: t('structure.venue_staff.appoint_admin_intro'),
            submit: t('structure.venue_staff.appoint_admin_submit'),
          })
        : null,
    ];
  }

  #list(id, title, members) {
    return h(
      'section',
      { 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, tabindex: '-1' }, title),
      members.length === 0
        ? h('p', {}, t('structure.venue_staff.nobody'))
        : h(
            'ul',
            { class: 'plain-list', id: `${id}-list` },
            members.map((member) =>
              h('li', { dataset: { account: member.account_id } }, member.display_name),
            ),
          ),
    );
  }

  #appoint(model, form, { path, title, intro, submit }) {
    return h(
      'section',
      { 'aria-labelledby': `${form.id}-title` },
      h('h2', { id: `${form.id}-title` }, title),
      h('p', { class: 'intro' }, intro),
      formNode(form, {
        label: submit,
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, ['account']),
        content: () => [
          field(form, {
            name: 'account',
            label: t('structure.venue_staff.account'),
            hint: t('structure.venue_staff.account_hint'),
            control: input(form, 'account', {
              autocomplete: 'off',
              autocapitalize: 'off',
              spellcheck: 'false',
              maxlength: 254,
            }),
          }),
        ],
        submit: async (values) => {
          const appointed = await api(`/api/venues/${encodeURIComponent(model.venue.id)}/${path}`, {
            method: 'POST',
            body: { account: values.account.trim() },
          });
          if (
            !model.staff.some(
              (m) => m.account_id === appointed.account_id && m.role === appointed.role,
            )
          ) {
            model.staff = [
              ...model.staff,
              {
                account_id: appointed.account_id,
                display_name: appointed.display_name,
                role: appointed.role,
              },
            ];
          }
          form.values.account = '';
          const listId = appointed.role === 'venue_admin' ? '#admins-title' : '#counsellors-title';
          this.repaint({ focus: listId });
          const words = { name: appointed.display_name, role: roleText(appointed.role) };
          announce(
            appointed.created
              ? t('structure.venue_staff.appointed', words)
              : t('structure.venue_staff.already', words),
          );
        },
      }),
    );
  }
}

customElements.define('lf-manage-staff-page', ManageStaffPage);
