// An employer's own profile (/manage/employers/<id>): its admins edit the profile and
// the logo; a new name, credit code or region needs verifying again (the API clears
// the verification; the page says so before and after). Recruiters see the employer
// and the booths they staff.

import { api, errorMessage } from '../api.js';
import { boothCard } from '../components/booth-card.js';
import { employerTabs, loadEmployerAdmin } from '../components/employer-admin.js';
import {
  EMPLOYER_FIELDS,
  REQUIRED_FIELDS,
  employerBody,
  employerFields,
  employerValues,
  verificationNote,
} from '../components/employer-form.js';
import { FormModel, formNode, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { signInPrompt } from '../components/signed-in.js';
import { putFile } from '../components/upload.js';
import { pick } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const LOGO_MAX_BYTES = 512 * 1024;
const RECHECKED = ['name', 'credit_code', 'region_code'];

class EmployerProfilePage extends LivePage {
  async load(signal) {
    const model = await loadEmployerAdmin(this.params.id, signal);
    if (!model.account) return model;
    model.form = new FormModel('employer-edit', employerValues(model.employer));
    model.logoError = null;
    model.logoBusy = false;
    if (!model.isAdmin) {
      const booths = await api(
        `/api/booths?employer=${encodeURIComponent(model.employer.id)}&limit=500`,
        { signal },
      );
      model.booths = booths.items.filter((booth) =>
        booth.staff.some((member) => member.account_id === model.account.id),
      );
    }
    return model;
  }

  heading(model) {
    return model.employer ? model.employer.name : t('structure.manage_employer.profile');
  }

  title(model) {
    return model.employer
      ? t('structure.manage_employer.title', {
          page: t('structure.manage_employer.profile'),
          name: model.employer.name,
        })
      : this.heading(model);
  }

  body(model) {
    if (!model.account) return signInPrompt();
    if (!model.isAdmin) return this.#recruiterView(model);
    return [
      employerTabs(model.employer, 'profile'),
      verificationNote(model.employer),
      this.#logo(model),
      this.#profile(model),
    ];
  }

  #recruiterView(model) {
    const lang = language();
    const venueName = (id) => {
      const venue = model.fair?.venues.find((v) => v.id === id);
      return venue ? pick(venue, 'name', lang) : null;
    };
    return [
      h('p', { class: 'intro' }, t('structure.manage_employer.recruiter_intro')),
      h(
        'p',
        {},
        h('a', { href: `/employers/${model.employer.id}` }, t('structure.manage_employer.public')),
      ),
      h(
        'section',
        { 'aria-labelledby': 'my-booths' },
        h('h2', { id: 'my-booths' }, t('structure.manage_employer.my_booths')),
        model.booths.length > 0
          ? h(
              'ul',
              { class: 'cards' },
              model.booths.map((booth) =>
                boothCard(booth, { fair: model.fair, venueName: venueName(booth.venue_id) }),
              ),
            )
          : h('p', {}, t('structure.manage_employer.no_staffed_booths')),
      ),
    ];
  }

  #logo(model) {
    const employer = model.employer;
    const file = h('input', {
      type: 'file',
      id: 'logo-file',
      accept: LOGO_TYPES.join(','),
      'aria-describedby': model.logoError ? 'logo-error logo-hint' : 'logo-hint',
      'aria-invalid': model.logoError ? 'true' : null,
    });
    return h(
      'section',
      { 'aria-labelledby': 'employer-logo' },
      h('h2', { id: 'employer-logo', tabindex: '-1' }, t('structure.logo.title')),
      h(
        'div',
        { class: 'logo-box' },
        employer.logo_url
          ? h('img', {
              src: employer.logo_url,
              alt: t('structure.logo.current', { name: employer.name }),
              class: 'logo logo-large',
              width: 96,
              height: 96,
            })
          : h('p', { class: 'hint' }, t('structure.logo.none')),
      ),
      h(
        'form',
        {
          class: 'form',
          id: 'logo-form',
          novalidate: true,
          onsubmit: (event) => {
            event.preventDefault();
            this.#upload(file.files[0] ?? null);
          },
        },
        h(
          'div',
          { class: `field${model.logoError ? ' field-invalid' : ''}` },
          h('label', { for: 'logo-file' }, t('structure.logo.choose')),
          h('p', { id: 'logo-hint', class: 'hint' }, t('structure.logo.hint')),
          model.logoError
            ? h('p', { id: 'logo-error', class: 'field-error', role: 'alert' }, model.logoError())
            : null,
          file,
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'submit', class: 'button', id: 'logo-upload' },
            t('structure.logo.upload'),
          ),
          employer.logo_url
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'button button-secondary',
                  id: 'logo-remove',
                  onclick: () => this.#removeLogo(),
                },
                t('structure.logo.remove'),
              )
            : null,
        ),
      ),
    );
  }

  async #upload(file) {
    const model = this.model;
    if (model.logoBusy) return;
    model.logoError = null;
    if (!file) {
      model.logoError = () => t('structure.logo.missing');
    } else if (!LOGO_TYPES.includes(file.type)) {
      model.logoError = () => t('structure.logo.wrong_type');
    } else if (file.size > LOGO_MAX_BYTES) {
      model.logoError = () => t('structure.logo.too_large');
    }
    if (model.logoError) {
      this.repaint({ focus: '#logo-file' });
      return;
    }
    model.logoBusy = true;
    try {
      const logo = await putFile(
        `/api/employers/${encodeURIComponent(model.employer.id)}/logo`,
        file,
      );
      model.employer.logo_url = logo.url;
      this.repaint({ focus: '#employer-logo' });
      announce(t('structure.logo.uploaded'));
    } catch (error) {
      model.logoError =
        error.code === 'employer.logo_invalid'
          ? () => t('structure.logo.invalid')
          : () => errorMessage(error);
      this.repaint({ focus: '#logo-file' });
    } finally {
      model.logoBusy = false;
    }
  }

  async #removeLogo() {
    const model = this.model;
    try {
      await api(`/api/employers/${encodeURIComponent(model.employer.id)}/logo`, {
        method: 'DELETE',
      });
      model.employer.logo_url = null;
      model.logoError = null;
      this.repaint({ focus: '#employer-logo' });
      announce(t('structure.logo.removed'));
    } catch (error) {
      model.logoError = () => errorMessage(error);
      this.repaint({ focus: '#logo-file' });
    }
  }

  #profile(model) {
    const form = model.form;
    return h(
      'section',
      { 'aria-labelledby': 'employer-profile' },
      h('h2', { id: 'employer-profile' }, t('structure.manage_employer.edit')),
      h('p', { class: 'hint' }, t('structure.manage_employer.recheck')),
      formNode(form, {
        label: t('structure.manage_employer.save'),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, REQUIRED_FIELDS),
        content: () => employerFields(form, language()),
        submit: async (values) => {
          const before = employerBody(employerValues(model.employer));
          const after = employerBody(values);
          const changed = EMPLOYER_FIELDS.filter((name) => before[name] !== after[name]);
          if (changed.length === 0) {
            announce(t('structure.manage_employer.unchanged'));
            return;
          }
          const wasVerified = model.employer.verified;
          model.employer = await api(`/api/employers/${encodeURIComponent(model.employer.id)}`, {
            method: 'PATCH',
            body: employerBody(values, changed),
          });
          model.form = new FormModel('employer-edit', employerValues(model.employer));
          this.repaint({ focus: '#verification-note' });
          announce(
            wasVerified && !model.employer.verified && changed.some((n) => RECHECKED.includes(n))
              ? t('structure.manage_employer.saved_recheck')
              : t('structure.manage_employer.saved'),
          );
        },
      }),
    );
  }
}

customElements.define('lf-employer-profile-page', EmployerProfilePage);
