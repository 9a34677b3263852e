// My candidate profile (/me/profile): name, contact, region, education, graduation
// year, desired jobs; key groups (重点群体) under their own consent — sensitive personal
// information under PIPL, never shown publicly, shown to recruiters only if the
// candidate also ticks "share" — and who may see the contact details.

import { api } from '../api.js';
import {
  FormModel,
  checkbox,
  checkboxes,
  field,
  formNode,
  input,
  missing,
  notNumbers,
  select,
  wholeNumber,
} from '../components/form.js';
import { EDUCATION, keyGroupText } from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { CANDIDATE_KEY_GROUPS, peopleTabs, signedIn, when } from '../components/people.js';
import { REGIONS, regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { educationText } from '../components/job-text.js';
import { announce } from '../notices.js';

// Desired jobs are typed as one line, split on commas (Chinese or Latin) and 、.
const SEPARATORS = /[,，、;；\n]+/;

function values(profile) {
  return {
    name: profile.name ?? '',
    phone: profile.phone ?? '',
    email: profile.email ?? '',
    region_code: profile.region_code ?? '',
    education: profile.education ?? '',
    graduation_year: profile.graduation_year ? String(profile.graduation_year) : '',
    desired_jobs: (profile.desired_jobs ?? []).join('、'),
    key_groups: [...(profile.key_groups ?? [])],
    key_groups_consent: Boolean(profile.key_groups_consent_at),
    show_contact: Boolean(profile.visibility?.show_contact),
    share_key_groups: Boolean(profile.visibility?.share_key_groups),
  };
}

/**
 * A profile never saved starts from what the account already knows — the name given
 * at sign-up and the contact it signed up with — so nobody types them twice. Nothing
 * is stored until the candidate saves; a saved profile is shown as saved, even blank.
 */
function prefilled(profile, account) {
  if (profile.updated_at) return profile;
  return {
    ...profile,
    name: profile.name || account.display_name || '',
    email: profile.email || account.email || '',
    phone: profile.phone || account.phone || '',
  };
}

function body(form) {
  const consent = form.key_groups_consent;
  return {
    name: form.name.trim(),
    phone: form.phone.trim(),
    email: form.email.trim(),
    region_code: form.region_code || null,
    education: form.education || null,
    graduation_year: wholeNumber(form.graduation_year),
    desired_jobs: form.desired_jobs
      .split(SEPARATORS)
      .map((job) => job.trim())
      .filter(Boolean),
    key_groups: consent ? form.key_groups : [],
    key_groups_consent: consent,
    visibility: {
      show_contact: form.show_contact,
      share_key_groups: consent && form.share_key_groups,
    },
  };
}

class ProfilePage extends LivePage {
  async load(signal) {
    const account = await signedIn();
    if (!account) return { account: null };
    const [profile, fair] = await Promise.all([api('/api/me/profile', { signal }), currentFair()]);
    const form = new FormModel('profile', values(prefilled(profile, account)));
    return { account, profile, fair, form };
  }

  heading() {
    return t('people.profile.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const form = model.form;
    const profile = model.profile;
    return [
      peopleTabs('profile'),
      h('p', { class: 'intro' }, t('people.profile.intro')),
      profile.updated_at
        ? h(
            'p',
            { class: 'hint', id: 'profile-saved-at' },
            t('people.profile.saved_at'),
            ' ',
            when(profile.updated_at, model.fair),
          )
        : h('p', { class: 'hint', id: 'profile-prefilled' }, t('people.profile.prefilled')),
      formNode(form, {
        label: t('people.profile.save'),
        repaint: (options) => this.repaint(options),
        // A year that is not a number is refused here: sent, it would read as null
        // and erase the saved year.
        check: (current) => [
          ...missing(current, ['name']),
          ...notNumbers(current, ['graduation_year']),
        ],
        content: () => this.#fields(form),
        submit: async (current) => {
          model.profile = await api('/api/me/profile', { method: 'PUT', body: body(current) });
          model.form = new FormModel('profile', values(model.profile));
          this.repaint({ focus: '#profile-saved-at' });
          announce(t('people.profile.saved'));
        },
      }),
    ];
  }

  #fields(form) {
    const consent = form.values.key_groups_consent;
    return [
      h(
        'fieldset',
        { class: 'fieldset fieldset-stack' },
        h('legend', {}, t('people.profile.about')),
        field(form, {
          name: 'name',
          label: t('people.profile.name'),
          hint: t('people.profile.name_hint'),
          control: input(form, 'name', { autocomplete: 'name', maxlength: 50, required: true }),
        }),
        field(form, {
          name: 'region_code',
          label: t('people.profile.region'),
          control: select(form, 'region_code', [
            { value: '', label: t('people.form.none') },
            ...REGIONS.map((region) => ({ value: region.code, label: regionName(region.code) })),
          ]),
        }),
        field(form, {
          name: 'education',
          label: t('people.profile.education'),
          control: select(form, 'education', [
            { value: '', label: t('people.form.none') },
            ...EDUCATION.filter((level) => level !== 'any').map((level) => ({
              value: level,
              label: educationText(level),
            })),
          ]),
        }),
        field(form, {
          name: 'graduation_year',
          label: t('people.profile.graduation_year'),
          control: input(form, 'graduation_year', {
            inputmode: 'numeric',
            maxlength: 4,
            class: 'input-short',
            autocomplete: 'off',
          }),
        }),
        field(form, {
          name: 'desired_jobs',
          label: t('people.profile.desired_jobs'),
          hint: t('people.profile.desired_jobs_hint'),
          control: input(form, 'desired_jobs', { maxlength: 500 }),
        }),
      ),
      h(
        'fieldset',
        { class: 'fieldset fieldset-stack' },
        h('legend', {}, t('people.profile.contact')),
        field(form, {
          name: 'phone',
          label: t('people.profile.phone'),
          control: input(form, 'phone', { type: 'tel', autocomplete: 'tel', maxlength: 20 }),
        }),
        field(form, {
          name: 'email',
          label: t('people.profile.email'),
          control: input(form, 'email', { type: 'email', autocomplete: 'email', maxlength: 120 }),
        }),
        checkbox(
          form,
          'show_contact',
          t('people.profile.show_contact'),
          t('people.profile.show_contact_hint'),
        ),
      ),
      h(
        'fieldset',
        { class: 'fieldset fieldset-stack sensitive', id: 'key-groups' },
        h('legend', {}, t('people.profile.key_groups_title')),
        h('p', { class: 'hint' }, t('people.profile.key_groups_why')),
        checkbox(
          form,
          'key_groups_consent',
          t('people.profile.consent'),
          t('people.profile.consent_hint'),
          () => {
            // Withdrawing consent drops the groups and their sharing (saved as such).
            if (!form.values.key_groups_consent) {
              form.values.key_groups = [];
              form.values.share_key_groups = false;
            }
            this.repaint();
          },
        ),
        consent
          ? [
              checkboxes(form, {
                name: 'key_groups',
                legend: t('people.profile.key_groups'),
                options: CANDIDATE_KEY_GROUPS.map((group) => ({
                  value: group,
                  label: keyGroupText(group),
                })),
              }),
              checkbox(
                form,
                'share_key_groups',
                t('people.profile.share_key_groups'),
                t('people.profile.share_key_groups_hint'),
              ),
            ]
          : h('p', { class: 'hint', id: 'key-groups-off' }, t('people.profile.consent_off')),
      ),
    ];
  }
}

customElements.define('lf-profile-page', ProfilePage);
