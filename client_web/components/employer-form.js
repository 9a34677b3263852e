// The fields of an employer's profile, for registering one and for editing it, and
// the explanation of a refused credit code: the API says only `employer.credit_code`
// (its detail is English and not for people), so the form finds out what is wrong —
// length, a letter that is never used, the check character — with the same rules as
// the server (components/credit-code.js) and says it in the page's language.

import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { creditCodeProblem } from './credit-code.js';
import { field, input, select } from './form.js';
import { REGIONS, regionName } from './regions.js';
import {
  EMPLOYER_TYPES,
  INDUSTRIES,
  SIZES,
  employerTypeText,
  industryText,
  sizeText,
} from './structure-text.js';

export const EMPLOYER_FIELDS = [
  'name',
  'credit_code',
  'type',
  'industry',
  'region_code',
  'size',
  'description',
  'website',
];
export const REQUIRED_FIELDS = ['name', 'credit_code', 'type', 'industry', 'region_code', 'size'];

/** Form values from an employer (or empty ones for a new employer). */
export function employerValues(employer = null) {
  return Object.fromEntries(EMPLOYER_FIELDS.map((name) => [name, employer?.[name] ?? '']));
}

/** Why the API refused the credit code, in words. */
export function explainCreditCode(error, value) {
  if (error.code === 'employer.exists') return t('structure.credit_code.exists');
  if (error.code !== 'employer.credit_code') return null;
  const problem = creditCodeProblem(value ?? '');
  if (!problem) return t('structure.credit_code.invalid');
  return tCode('structure.credit_code.', problem.reason, 'structure.credit_code.invalid', problem);
}

function choose(options) {
  return [{ value: '', label: t('structure.form.choose') }, ...options];
}

/** The profile fields, bound to `model` (a FormModel with employerValues()). */
export function employerFields(model, lang) {
  return [
    field(model, {
      name: 'name',
      label: t('structure.employer.name'),
      hint: t('structure.employer.name_hint'),
      control: input(model, 'name', { maxlength: 100, autocomplete: 'organization' }),
    }),
    field(model, {
      name: 'credit_code',
      label: t('structure.employer.credit_code'),
      hint: t('structure.credit_code.hint'),
      explain: (error) => explainCreditCode(error, model.values.credit_code),
      control: input(model, 'credit_code', {
        maxlength: 40,
        autocomplete: 'off',
        autocapitalize: 'characters',
        spellcheck: 'false',
        class: 'input-code',
      }),
    }),
    field(model, {
      name: 'type',
      label: t('structure.employer.type'),
      hint: t('structure.employer.type_hint'),
      control: select(
        model,
        'type',
        choose(EMPLOYER_TYPES.map((value) => ({ value, label: employerTypeText(value) }))),
      ),
    }),
    field(model, {
      name: 'industry',
      label: t('structure.employer.industry'),
      control: select(
        model,
        'industry',
        choose(INDUSTRIES.map((value) => ({ value, label: `${value} ${industryText(value)}` }))),
      ),
    }),
    field(model, {
      name: 'region_code',
      label: t('structure.employer.region'),
      hint: t('structure.employer.region_hint'),
      control: select(
        model,
        'region_code',
        choose(
          REGIONS.map((region) => ({ value: region.code, label: regionName(region.code, lang) })),
        ),
      ),
    }),
    field(model, {
      name: 'size',
      label: t('structure.employer.size'),
      control: select(
        model,
        'size',
        choose(SIZES.map((value) => ({ value, label: sizeText(value) }))),
      ),
    }),
    field(model, {
      name: 'description',
      label: t('structure.employer.description'),
      hint: t('structure.employer.description_hint'),
      control: input(model, 'description', { multiline: true, rows: 6, maxlength: 4000 }),
    }),
    field(model, {
      name: 'website',
      label: t('structure.employer.website'),
      hint: t('structure.employer.website_hint'),
      control: input(model, 'website', {
        type: 'url',
        inputmode: 'url',
        maxlength: 300,
        autocomplete: 'url',
        spellcheck: 'false',
      }),
    }),
  ];
}

/** The request body from form values: trimmed, empty optional fields as "". */
export function employerBody(values, only = EMPLOYER_FIELDS) {
  const body = {};
  for (const name of only) body[name] = String(values[name] ?? '').trim();
  return body;
}

/** A short line about verification, for the employer's own pages. */
export function verificationNote(employer) {
  return h(
    'div',
    {
      class: `callout${employer.verified ? '' : ' callout-wait'}`,
      id: 'verification-note',
      tabindex: '-1',
    },
    h(
      'p',
      {},
      employer.verified
        ? t('structure.employer.verified_note')
        : t('structure.employer.unverified_note', { region: regionName(employer.region_code) }),
    ),
  );
}
