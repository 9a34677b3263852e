// Sign-up (/signup): a mobile number or an e-mail address, the code sent to it, then a
// name and a password. Two forms on one page: the second appears once a code is on
// its way, with focus on the code field. The API checks everything; its field codes
// (contact.unrecognised, contact.bad_phone, code.wrong, password.too_short, …) show next
// to their fields.
//
// In development no SMS or e-mail leaves the server: requestCode returns the code as
// `dev_code`, shown here in a clearly labelled notice.
//
// A forgotten password (/reset-password, ResetPasswordPage below) is the same two
// steps: a code to the account's contact (purpose reset_password), then the code and a
// new password (resetPassword), which ends every other session and signs in.

import { api } from '../api.js';
import { currentFair } from '../fair.js';
import { FormModel, field, formNode, input, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { go, keepNext, nextPath } from '../components/navigate.js';
import { instantNode } from '../components/when.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me, refresh } from '../session.js';

const FAIR_ZONE_FALLBACK = 'Asia/Shanghai';

/** The password rules the API applies (server/domain/contact.py, password_problem). */
function passwordRules(password, destination) {
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
  const contact = destination.trim().toLowerCase().replace(/^\+/, '');
  const digits = contact.replace(/[^0-9]/g, '');
  const variants = [contact, contact.split('@')[0], digits.slice(-11)].filter((v) => v.length >= 4);
  const lowered = password.toLowerCase();
  return [
    { id: 'length', met: password.length >= 8, text: t('identity.password.rule_length') },
    { id: 'kinds', met: kinds >= 2, text: t('identity.password.rule_kinds') },
    { id: 'common', met: null, text: t('identity.password.rule_common') },
    {
      id: 'contact',
      met: password.length > 0 && !variants.some((v) => lowered.includes(v)),
      text: t('identity.password.rule_contact'),
    },
  ];
}

function ruleList(rules) {
  return rules.map((rule) =>
    h(
      'li',
      { dataset: { rule: rule.id, met: rule.met === null ? 'unknown' : String(rule.met) } },
      rule.text,
      rule.met === null
        ? null
        : h(
            'span',
            { class: 'visually-hidden' },
            rule.met ? t('identity.password.met') : t('identity.password.not_met'),
          ),
    ),
  );
}

// What differs between the two pages: requestCode's purpose, the prefix of the element
// ids, the second step's fields, what it posts, and the words.
const PURPOSES = {
  register: {
    key: 'signup',
    fields: ['code', 'display_name', 'password'],
    path: '/api/auth/register',
    body: (values) => ({ display_name: values.display_name.trim() }),
    text: {
      title: () => t('identity.signup.title'),
      intro: () => t('identity.signup.intro'),
      step: () => t('identity.signup.step_details'),
      password: () => t('identity.password.label'),
      submit: () => t('identity.signup.submit'),
      bottom: () => t('identity.signup.have_account'),
      done: (name) => t('identity.signup.welcome', { name }),
    },
  },
  reset_password: {
    key: 'reset',
    fields: ['code', 'password'],
    path: '/api/auth/password-reset',
    body: () => ({}),
    text: {
      title: () => t('identity.reset.title'),
      intro: () => t('identity.reset.intro'),
      step: () => t('identity.reset.step_details'),
      password: () => t('identity.reset.password'),
      submit: () => t('identity.reset.submit'),
      bottom: () => t('identity.reset.remembered'),
      done: (name) => t('identity.reset.done', { name }),
    },
  },
};

class SignupPage extends LivePage {
  /** requestCode's purpose; also what the page is for (PURPOSES). */
  get purpose() {
    return 'register';
  }

  get #for() {
    return PURPOSES[this.purpose];
  }

  /** The prefix of the page's element ids. */
  get key() {
    return this.#for.key;
  }

  async load() {
    const [account, fair] = await Promise.all([me().catch(() => null), currentFair()]);
    return {
      account,
      zone: fair?.time_zone ?? FAIR_ZONE_FALLBACK,
      issued: null, // requestCode's answer
      contact: new FormModel(`${this.key}-contact`, { destination: '' }),
      details: new FormModel(
        `${this.key}-details`,
        Object.fromEntries(this.#for.fields.map((name) => [name, ''])),
      ),
      showPassword: false,
    };
  }

  heading() {
    return this.#for.text.title();
  }

  body(model) {
    const lang = language();
    const key = this.key;
    const register = this.purpose === 'register';
    if (model.account && register) {
      return h(
        'div',
        { class: 'callout' },
        h('p', {}, t('identity.signup.already', { name: model.account.display_name })),
        h('p', {}, h('a', { href: '/account' }, t('identity.account.title'))),
      );
    }
    const login = keepNext('/login', this.query);
    return [
      h(
        'p',
        { class: 'intro' },
        this.#for.text.intro(),
      ),
      h(
        'section',
        { 'aria-labelledby': `${key}-step-1` },
        h('h2', { id: `${key}-step-1` }, t('identity.signup.step_contact')),
        model.issued ? this.#contactDone(model) : this.#contactForm(model),
      ),
      model.issued
        ? h(
            'section',
            { 'aria-labelledby': `${key}-step-2` },
            h(
              'h2',
              { id: `${key}-step-2` },
              this.#for.text.step(),
            ),
            this.#sentNotice(model, lang),
            this.#detailsForm(model),
          )
        : null,
      h(
        'p',
        {},
        this.#for.text.bottom(),
        ' ',
        h('a', { href: login }, t('identity.login.title')),
      ),
    ];
  }

  #contactForm(model) {
    const form = model.contact;
    return formNode(form, {
      label: t('identity.signup.send_code'),
      repaint: (options) => this.repaint(options),
      check: (values) => missing(values, ['destination']),
      content: () => [
        field(form, {
          name: 'destination',
          label: t('identity.contact.label'),
          hint: t('identity.contact.hint'),
          control: input(form, 'destination', {
            autocomplete: 'username',
            autocapitalize: 'off',
            spellcheck: 'false',
            maxlength: 254,
          }),
        }),
      ],
      submit: async (values) => {
        model.issued = await api('/api/auth/codes', {
          method: 'POST',
          body: { destination: values.destination.trim(), purpose: this.purpose },
        });
        model.details.error = null;
        this.repaint({ focus: `#${this.key}-details-code` });
        announce(t('identity.signup.sent', { destination: model.issued.destination }));
      },
    });
  }

  #contactDone(model) {
    return h(
      'div',
      { class: 'done-step' },
      h('p', {}, t('identity.signup.contact_is', { destination: model.issued.destination })),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          id: `${this.key}-change-contact`,
          onclick: () => {
            model.issued = null;
            this.repaint({ focus: `#${this.key}-contact-destination` });
          },
        },
        t('identity.signup.change_contact'),
      ),
    );
  }

  #sentNotice(model, lang) {
    const issued = model.issued;
    return [
      h(
        'p',
        {},
        t('identity.signup.sent', { destination: issued.destination }),
        ' ',
        t('identity.signup.valid_until'),
        ' ',
        instantNode(issued.expires_at, model.zone, lang),
      ),
      issued.dev_code
        ? h(
            'div',
            { class: 'dev-code', role: 'note', 'aria-labelledby': 'dev-code-title' },
            h('h3', { id: 'dev-code-title' }, t('identity.signup.dev_code_title')),
            h('p', { class: 'dev-code-value', id: 'dev-code' }, issued.dev_code),
            h('p', { class: 'hint' }, t('identity.signup.dev_code_hint')),
          )
        : null,
    ];
  }

  #detailsForm(model) {
    const form = model.details;
    const key = this.key;
    const register = this.purpose === 'register';
    const password = input(form, 'password', {
      type: model.showPassword ? 'text' : 'password',
      autocomplete: 'new-password',
      maxlength: 256,
    });
    const rules = h(
      'ul',
      { class: 'rules', id: `${key}-password-rules` },
      ruleList(passwordRules(form.values.password, model.contact.values.destination)),
    );
    password.addEventListener('input', () => {
      rules.replaceChildren(
        ...ruleList(passwordRules(password.value, model.contact.values.destination)),
      );
    });
    const reveal = h('input', { type: 'checkbox', id: `${key}-show-password` });
    reveal.checked = model.showPassword;
    reveal.addEventListener('change', () => {
      model.showPassword = reveal.checked;
      password.type = reveal.checked ? 'text' : 'password';
    });
    const exists = form.error?.code === 'auth.account_exists';
    const nobody = form.error?.code === 'account.not_found';
    return [
      formNode(form, {
        label: this.#for.text.submit(),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, this.#for.fields),
        content: () => [
          exists
            ? h(
                'p',
                { class: 'callout' },
                h('a', { href: '/login' }, t('identity.signup.go_login')),
              )
            : null,
          nobody
            ? h(
                'p',
                { class: 'callout' },
                h('a', { href: '/signup' }, t('identity.reset.go_signup')),
              )
            : null,
          field(form, {
            name: 'code',
            label: t('identity.signup.code'),
            hint: t('identity.signup.code_hint'),
            control: input(form, 'code', {
              inputmode: 'numeric',
              autocomplete: 'one-time-code',
              maxlength: 6,
              class: 'input-short',
            }),
          }),
          register
            ? field(form, {
                name: 'display_name',
                label: t('identity.signup.name'),
                hint: t('identity.signup.name_hint'),
                control: input(form, 'display_name', { autocomplete: 'name', maxlength: 80 }),
              })
            : null,
          field(form, {
            name: 'password',
            label: this.#for.text.password(),
            hint: [h('p', {}, t('identity.password.rules')), rules],
            control: password,
          }),
          h(
            'div',
            { class: 'check' },
            reveal,
            h('label', { for: `${key}-show-password` }, t('identity.password.show')),
          ),
        ],
        submit: async (values) => {
          const signed = await api(this.#for.path, {
            method: 'POST',
            body: {
              destination: model.contact.values.destination.trim(),
              code: values.code.trim(),
              password: values.password,
              client: 'browser',
              ...this.#for.body(values),
            },
          });
          await refresh();
          const name = signed.account.display_name;
          go(nextPath(this.query), { notice: () => this.#for.text.done(name) });
        },
      }),
    ];
  }
}

customElements.define('lf-signup-page', SignupPage);

/** A forgotten password (/reset-password): the sign-up's two steps, for a new password. */
class ResetPasswordPage extends SignupPage {
  get purpose() {
    return 'reset_password';
  }
}

customElements.define('lf-reset-password-page', ResetPasswordPage);
