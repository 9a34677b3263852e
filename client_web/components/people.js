// What the candidate's own pages share (/me/profile, /me/resumes, /me/applications,
// /me/assessment, /me/audit-log, /me/delete): the tabs between them, loading the
// signed-in account, and how a resume is named in lists and choices.

import { h } from '../lib/dom.js';
import { KEY_GROUPS } from './job-text.js';
import { language, t } from '../lib/i18n.js';
import { me } from '../session.js';
import { sectionTabs } from './signed-in.js';
import { instantNode } from './when.js';

/** A candidate's key groups: a job's (components/job-text.js KEY_GROUPS) plus "other". */
export const CANDIDATE_KEY_GROUPS = [...KEY_GROUPS, 'other'];

/** Tabs between the candidate's pages; `current` is the id of the page shown. */
export function peopleTabs(current) {
  return sectionTabs(
    t('people.tabs.label'),
    [
      { id: 'profile', href: '/me/profile', label: t('people.tabs.profile') },
      { id: 'resumes', href: '/me/resumes', label: t('people.tabs.resumes') },
      { id: 'applications', href: '/me/applications', label: t('people.tabs.applications') },
      { id: 'assessment', href: '/me/assessment', label: t('people.tabs.assessment') },
      { id: 'audit', href: '/me/audit-log', label: t('people.tabs.audit') },
      { id: 'delete', href: '/me/delete', label: t('people.tabs.delete') },
    ],
    current,
  );
}

/** The signed-in account, or null (the page then shows a sign-in prompt). */
export async function signedIn() {
  return me();
}

/** "简历.pdf (120 KB)". */
export function resumeLabel(resume) {
  return t('people.resume.label', { name: resume.filename, size: sizeText(resume.bytes) });
}

export function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return t('people.size.mib', { size: (bytes / 1048576).toFixed(1) });
  return t('people.size.kib', { size: Math.max(1, Math.round(bytes / 1024)) });
}

/** An instant shown in the fair's zone, labelled (北京时间). */
export function when(instant, fair) {
  return instant ? instantNode(instant, fair.time_zone, language()) : h('span', {}, '—');
}
