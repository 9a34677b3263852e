// The policy editor: a new policy of a venue's region (/manage/venues/<id>/policies/new)
// or one of them (/manage/venues/<id>/policies/<policy>), for the region's venue admins
// and the fair's organisers (the main venue's national policies: organisers). Title, kind (惠企 / 惠民) and the
// notice's six fields, each required; "save draft" keeps it out of the public
// catalogue, "save and publish" publishes it as well. A published policy is saved as
// it is (it stays published). Saving goes back to the venue's list of policies.
//
// "Save and publish" of a new policy creates the draft first, then publishes it: if the
// second step fails the summary says why and the editor keeps the saved draft.

import { api, ApiError, describeField } from '../api.js';
import { FormModel, field, fieldError, formNode, input, missing } from '../components/form.js';
import { POLICY_KINDS, policyKindText } from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { loadVenueAdmin } from '../components/venue-admin.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { mayEditPolicies, rememberSaved } from './manage-policies.js';

// The notice's six fields in its order, with the API's longest lengths
// (server/domain/policies.py FIELDS); the two short ones are one-line inputs.
const FIELDS = [
  {
    name: 'target_scope',
    max: 4000,
    rows: 4,
    label: () => t('jobs.policy.target_scope'),
    hint: () => t('jobs.policy_editor.hint_target_scope'),
  },
  {
    name: 'subsidy_standard',
    max: 4000,
    rows: 4,
    label: () => t('jobs.policy.subsidy_standard'),
    hint: () => t('jobs.policy_editor.hint_subsidy_standard'),
  },
  {
    name: 'procedure',
    max: 4000,
    rows: 5,
    label: () => t('jobs.policy.procedure'),
    hint: () => t('jobs.policy_editor.hint_procedure'),
  },
  {
    name: 'agency',
    max: 1000,
    label: () => t('jobs.policy.agency'),
    hint: () => t('jobs.policy_editor.hint_agency'),
  },
  {
    name: 'time_limit',
    max: 1000,
    label: () => t('jobs.policy.time_limit'),
    hint: () => t('jobs.policy_editor.hint_time_limit'),
  },
  {
    name: 'legal_basis',
    max: 4000,
    rows: 3,
    label: () => t('jobs.policy.legal_basis'),
    hint: () => t('jobs.policy_editor.hint_legal_basis'),
  },
];
const KIND_HINTS = {
  employer: () => t('jobs.policy_editor.hint_employer'),
  people: () => t('jobs.policy_editor.hint_people'),
};
const TITLE_MAX = 200;
const REQUIRED = ['title', 'kind', ...FIELDS.map((f) => f.name)];

function values(policy) {
  const out = { title: policy?.title ?? '', kind: policy?.kind ?? '' };
  for (const { name } of FIELDS) out[name] = policy?.[name] ?? '';
  return out;
}

function body(form) {
  const out = { kind: form.kind, title: form.title.trim() };
  for (const { name } of FIELDS) out[name] = form[name].trim();
  return out;
}

class PolicyEditPage extends LivePage {
  get isNew() {
    return !this.params.id;
  }

  async load(signal) {
    const model = await loadVenueAdmin(this.params.venue);
    if (!model.account) return model;
    if (!mayEditPolicies(model)) throw new ApiError({ code: 'auth.forbidden', status: 403 });
    let policy = null;
    if (!this.isNew) {
      policy = await api(`/api/policies/${encodeURIComponent(this.params.id)}`, { signal });
      // Only the venue's own: its region's policies (the main venue's: the national ones).
      const region = model.venue.region_code ?? null;
      if (policy.fair_id !== model.fair.id || (policy.region_code ?? null) !== region) {
        throw new ApiError({ code: 'policy.not_found', status: 404 });
      }
    }
    return Object.assign(model, { policy, form: new FormModel('policy', values(policy)) });
  }

  heading(model) {
    return model.policy ? model.policy.title : t('jobs.policy_editor.new_title');
  }

  get listPath() {
    return `/manage/venues/${this.model.venue.id}/policies`;
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const policy = model.policy;
    const form = model.form;
    const published = policy?.status === 'published';
    const region = model.venue.region_code;
    const lang = language();
    return [
      h('p', { class: 'back' }, h('a', { href: this.listPath }, t('jobs.policy_editor.back'))),
      h(
        'p',
        { class: 'intro', id: 'policy-where' },
        region
          ? t('jobs.policy_editor.region', { region: regionName(region, lang) })
          : t('jobs.policy_editor.national'),
      ),
      published
        ? h(
            'p',
            { class: 'callout', id: 'policy-state' },
            t('jobs.policy_editor.published_note'),
            ' ',
            h('a', { href: `/policies/${policy.id}` }, t('jobs.manage_policies.public_link')),
          )
        : h(
            'p',
            { class: 'hint', id: 'policy-state' },
            policy ? t('jobs.policy_editor.draft_note') : t('jobs.policy_editor.new_note'),
          ),
      formNode(form, {
        label: published ? t('jobs.policy_editor.save') : t('jobs.policy_editor.save_draft'),
        repaint: (options) => this.repaint(options),
        check: (current) => missing(current, REQUIRED),
        content: () => this.#fields(form),
        actions: published
          ? []
          : [
              h(
                'button',
                {
                  type: 'submit',
                  class: 'button',
                  id: 'policy-publish',
                  onclick: () => {
                    form.intent = 'publish';
                  },
                },
                t('jobs.policy_editor.save_publish'),
              ),
            ],
        submit: (current) => this.#save(model, form, current),
      }),
    ];
  }

  async #save(model, form, current) {
    const publish = form.intent === 'publish';
    form.intent = 'save';
    if (model.policy) {
      model.policy = await api(`/api/policies/${encodeURIComponent(model.policy.id)}`, {
        method: 'PATCH',
        body: body(current),
      });
    } else {
      model.policy = await api('/api/policies', {
        method: 'POST',
        body: { ...body(current), fair_id: model.fair.id, region_code: model.venue.region_code },
      });
    }
    // From here on a failure (of publishing) leaves a saved draft: the page edits it.
    const saved = model.policy;
    let notice;
    if (publish) {
      model.policy = await api(`/api/policies/${encodeURIComponent(saved.id)}/publication`, {
        method: 'POST',
        body: { published: true },
      });
      notice = () => t('jobs.manage_policies.published_done', { title: saved.title });
    } else if (saved.status === 'published') {
      notice = () => t('jobs.policy_editor.saved', { title: saved.title });
    } else {
      notice = () => t('jobs.policy_editor.saved_draft', { title: saved.title });
    }
    rememberSaved(saved.id);
    go(this.listPath, { notice });
  }

  #fields(form) {
    return [
      field(form, {
        name: 'title',
        label: t('jobs.policy_editor.title'),
        hint: t('jobs.policy_editor.title_hint'),
        control: input(form, 'title', { maxlength: TITLE_MAX, autocomplete: 'off' }),
      }),
      this.#kinds(form),
      FIELDS.map(({ name, max, rows, label, hint }) =>
        field(form, {
          name,
          label: label(),
          hint: hint(),
          control: rows
            ? input(form, name, { multiline: true, rows, maxlength: max })
            : input(form, name, { maxlength: max, autocomplete: 'off' }),
        }),
      ),
    ];
  }

  /** The kind as radio buttons in a fieldset, its error (when refused) under the legend. */
  #kinds(form) {
    const error = fieldError(form, '/kind');
    const errorId = error ? 'policy-kind-error' : null;
    const first = `policy-kind-${POLICY_KINDS[0]}`;
    form.fields.set('/kind', { id: first, label: t('jobs.policies.kind') });
    return h(
      'fieldset',
      {
        class: `fieldset${error ? ' field-invalid' : ''}`,
        id: 'policy-kind',
        'aria-describedby': errorId,
      },
      h('legend', {}, t('jobs.policies.kind')),
      error
        ? h(
            'p',
            { id: errorId, class: 'field-error' },
            describeField(error.code),
          )
        : null,
      POLICY_KINDS.map((kind) => {
        const id = `policy-kind-${kind}`;
        const radio = h('input', {
          type: 'radio',
          id,
          name: 'kind',
          value: kind,
          'aria-describedby': `${id}-hint`,
        });
        radio.checked = form.values.kind === kind;
        radio.addEventListener('change', () => {
          form.values.kind = kind;
        });
        return h(
          'div',
          { class: 'check' },
          radio,
          h('label', { for: id }, policyKindText(kind)),
          h('p', { id: `${id}-hint`, class: 'hint' }, KIND_HINTS[kind]()),
        );
      }),
    );
  }
}

customElements.define('lf-policy-edit-page', PolicyEditPage);
