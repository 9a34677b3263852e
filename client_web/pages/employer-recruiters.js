// An employer's people (/manage/employers/<id>/recruiters), for its admins: invite a
// recruiter (a one-time code, shown once, to pass on), the admins and recruiters with
// the date they joined, open invitations, and removing a recruiter (which also takes
// them off the employer's booths).

import { api, errorMessage } from '../api.js';
import { confirmButton } from '../components/confirm.js';
import { employerTabs, loadEmployerAdmin } from '../components/employer-admin.js';
import { FormModel, field, formNode, input } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { signInPrompt } from '../components/signed-in.js';
import { roleText } from '../components/structure-text.js';
import { instantNode } from '../components/when.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

class EmployerRecruitersPage extends LivePage {
  async load(signal) {
    const model = await loadEmployerAdmin(this.params.id, signal);
    if (!model.account) return model;
    const people = await api(`/api/employers/${encodeURIComponent(model.employer.id)}/recruiters`, {
      signal,
    });
    return Object.assign(model, {
      people: people.items,
      pending: people.pending_invitations,
      invite: new FormModel('invite', { note: '' }),
      issued: null, // the invitation just created, with its code (shown once)
      confirming: null, // account id whose removal awaits confirmation
      failure: null,
    });
  }

  heading(model) {
    return model.employer ? model.employer.name : t('structure.manage_employer.recruiters');
  }

  title(model) {
    return model.employer
      ? t('structure.manage_employer.title', {
          page: t('structure.manage_employer.recruiters'),
          name: model.employer.name,
        })
      : this.heading(model);
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    const zone = model.fair?.time_zone ?? 'Asia/Shanghai';
    return [
      employerTabs(model.employer, 'recruiters'),
      this.#invite(model, zone, lang),
      this.#people(model, zone, lang),
      this.#pending(model, zone, lang),
    ];
  }

  #invite(model, zone, lang) {
    const form = model.invite;
    return h(
      'section',
      { 'aria-labelledby': 'invite-title' },
      h('h2', { id: 'invite-title' }, t('structure.recruiters.invite')),
      h('p', { class: 'intro' }, t('structure.recruiters.invite_intro')),
      model.issued ? this.#code(model.issued, zone, lang) : null,
      formNode(form, {
        label: t('structure.recruiters.invite_submit'),
        repaint: (options) => this.repaint(options),
        content: () => [
          field(form, {
            name: 'note',
            label: t('structure.recruiters.note'),
            hint: t('structure.recruiters.note_hint'),
            control: input(form, 'note', { maxlength: 80, autocomplete: 'off' }),
          }),
        ],
        submit: async (values) => {
          const issued = await api(
            `/api/employers/${encodeURIComponent(model.employer.id)}/invitations`,
            { method: 'POST', body: { note: values.note.trim() } },
          );
          model.issued = issued;
          model.pending = [
            {
              id: issued.id,
              note: issued.note,
              created_at: new Date().toISOString(),
              expires_at: issued.expires_at,
            },
            ...model.pending,
          ];
          model.invite = new FormModel('invite', { note: '' });
          this.repaint({ focus: '#invitation-code-box' });
        },
      }),
    );
  }

  #code(issued, zone, lang) {
    return h(
      'div',
      {
        class: 'code-box',
        id: 'invitation-code-box',
        tabindex: '-1',
        role: 'group',
        'aria-labelledby': 'invitation-code-title',
      },
      h('h3', { id: 'invitation-code-title' }, t('structure.recruiters.code_title')),
      h('p', { class: 'code-value', id: 'invitation-code' }, issued.code),
      issued.note ? h('p', {}, t('structure.recruiters.code_for', { note: issued.note })) : null,
      h(
        'p',
        {},
        t('structure.recruiters.code_once'),
        ' ',
        t('structure.recruiters.code_valid'),
        ' ',
        instantNode(issued.expires_at, zone, lang),
      ),
      h('p', {}, t('structure.recruiters.code_how')),
      navigator.clipboard
        ? h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              id: 'invitation-copy',
              onclick: () =>
                navigator.clipboard.writeText(issued.code).then(
                  () => announce(t('structure.recruiters.copied')),
                  () => announce(t('structure.recruiters.copy_failed'), { kind: 'error' }),
                ),
            },
            t('structure.recruiters.copy'),
          )
        : null,
    );
  }

  #people(model, zone, lang) {
    return h(
      'section',
      { 'aria-labelledby': 'people-title' },
      h('h2', { id: 'people-title', tabindex: '-1' }, t('structure.recruiters.people')),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      h(
        'ul',
        { class: 'cards', id: 'people-list' },
        model.people.map((person) => {
          const self = person.account_id === model.account.id;
          const removable = person.role === 'recruiter';
          return h(
            'li',
            { class: 'card', dataset: { account: person.account_id, role: person.role } },
            h(
              'h3',
              { class: 'card-title', id: `person-${person.account_id}` },
              person.display_name,
              self
                ? [' ', h('span', { class: 'badge badge-muted' }, t('structure.recruiters.you'))]
                : null,
            ),
            h(
              'dl',
              { class: 'card-facts' },
              h(
                'div',
                {},
                h('dt', {}, t('structure.recruiters.role')),
                h('dd', {}, roleText(person.role)),
              ),
              h(
                'div',
                {},
                h('dt', {}, t('structure.recruiters.since')),
                h('dd', {}, instantNode(person.since, zone, lang)),
              ),
            ),
            removable
              ? h(
                  'p',
                  { class: 'actions' },
                  confirmButton(this, {
                    verb: 'remove',
                    key: person.account_id,
                    describedBy: `person-${person.account_id}`,
                    label: t('structure.recruiters.remove'),
                    confirm: t('structure.recruiters.remove_confirm', {
                      name: person.display_name,
                    }),
                    cancel: t('structure.form.cancel'),
                    run: () => this.#remove(person),
                  }),
                )
              : null,
          );
        }),
      ),
    );
  }

  async #remove(person) {
    const model = this.model;
    try {
      await api(
        `/api/employers/${encodeURIComponent(model.employer.id)}/recruiters/${encodeURIComponent(person.account_id)}`,
        { method: 'DELETE' },
      );
      model.people = model.people.filter((p) => p.account_id !== person.account_id);
      model.confirming = null;
      model.failure = null;
      this.repaint({ focus: '#people-title' });
      announce(t('structure.recruiters.removed', { name: person.display_name }));
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#people-title' });
    }
  }

  #pending(model, zone, lang) {
    return h(
      'section',
      { 'aria-labelledby': 'pending-title' },
      h('h2', { id: 'pending-title' }, t('structure.recruiters.pending')),
      model.pending.length === 0
        ? h('p', {}, t('structure.recruiters.no_pending'))
        : h(
            'ul',
            { class: 'plain-list', id: 'pending-list' },
            model.pending.map((invitation) =>
              h(
                'li',
                {},
                h('strong', {}, invitation.note || t('structure.recruiters.no_note')),
                ' · ',
                t('structure.recruiters.expires'),
                ' ',
                instantNode(invitation.expires_at, zone, lang),
              ),
            ),
          ),
    );
  }
}

customElements.define('lf-employer-recruiters-page', EmployerRecruitersPage);
