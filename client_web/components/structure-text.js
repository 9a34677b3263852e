// Words for the API's values of the fair's structure (employer types, industries, size
// bands, booth kinds and statuses): the API never localises, so these map its values to
// catalogue strings (structure.<lang>.json), with a fallback for values added later.

import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';

export const EMPLOYER_TYPES = ['private', 'sme', 'micro', 'state', 'other'];
export const INDUSTRIES = 'ABCDEFGHIJKLMNOPQRST'.split('');
export const SIZES = ['1_19', '20_99', '100_299', '300_999', '1000_4999', '5000_plus'];
export const DESK_KINDS = [
  'hiring_guidance',
  'career_guidance',
  'entrepreneurship',
  'legal_advice',
];

// Catalogue keys have no digits, so size bands go through a word.
const SIZE_WORDS = {
  '1_19': 'band_a',
  '20_99': 'band_b',
  '100_299': 'band_c',
  '300_999': 'band_d',
  '1000_4999': 'band_e',
  '5000_plus': 'band_f',
};

export function employerTypeText(type) {
  return tCode('structure.type.', type, 'structure.type.unknown');
}

export function industryText(code) {
  return tCode('structure.industry.', String(code).toLowerCase(), 'structure.industry.unknown');
}

export function sizeText(size) {
  return tCode('structure.size.', SIZE_WORDS[size] ?? 'unknown', 'structure.size.unknown');
}

export function boothKindText(kind) {
  return tCode('structure.kind.', kind, 'structure.kind.unknown');
}

export function boothStatusText(status) {
  return tCode('structure.status.', status, 'structure.status.unknown');
}

export function roleText(role) {
  return tCode('structure.role.', role, 'structure.role.unknown');
}

/** A booth's name: its title, else its employer's name, else its kind (a desk). */
export function boothName(booth) {
  return booth.title || booth.employer?.name || boothKindText(booth.kind);
}

/** A status badge: approved is the normal case and gets no badge unless `always`. */
export function statusBadge(status, { always = false } = {}) {
  if (status === 'approved' && !always) return null;
  return h(
    'span',
    {
      class: `badge badge-${status === 'approved' ? 'ok' : status === 'closed' ? 'muted' : 'wait'}`,
    },
    boothStatusText(status),
  );
}

export function verifiedBadge(employer) {
  return employer.verified
    ? h('span', { class: 'badge badge-ok' }, t('structure.employer.verified'))
    : h('span', { class: 'badge badge-wait' }, t('structure.employer.unverified'));
}

/** An employer's logo (decorative next to its name), or nothing. */
export function logoNode(employer, size = 'small') {
  if (!employer.logo_url) return null;
  return h('img', {
    src: employer.logo_url,
    alt: '',
    class: `logo logo-${size}`,
    width: size === 'large' ? 96 : 48,
    height: size === 'large' ? 96 : 48,
    loading: 'lazy',
  });
}

/** Plain text with line breaks as paragraphs (intros and descriptions). */
export function paragraphs(text) {
  return text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => h('p', {}, line));
}
