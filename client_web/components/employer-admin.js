// What the employer pages of its own people share (/manage/employers/<id>/…): loading
// the employer with the visitor's role in it, and the tabs between profile,
// recruiters and booths (admins only: recruiters see the profile page alone).

import { api } from '../api.js';
import { currentFair } from '../fair.js';
import { t } from '../lib/i18n.js';
import { me, scopesOf } from '../session.js';
import { sectionTabs } from './signed-in.js';

export async function loadEmployerAdmin(id, signal) {
  const account = await me();
  if (!account) return { account: null };
  const [employer, fair] = await Promise.all([
    api(`/api/employers/${encodeURIComponent(id)}`, { signal }),
    currentFair(),
  ]);
  return {
    account,
    employer,
    fair,
    isAdmin: scopesOf(account, 'employer_admin').includes(employer.id),
  };
}

export function employerTabs(employer, current) {
  const base = `/manage/employers/${employer.id}`;
  return sectionTabs(
    t('structure.manage_employer.tabs'),
    [
      { id: 'profile', href: base, label: t('structure.manage_employer.profile') },
      {
        id: 'recruiters',
        href: `${base}/recruiters`,
        label: t('structure.manage_employer.recruiters'),
      },
      { id: 'booths', href: `${base}/booths`, label: t('structure.manage_employer.booths') },
      {
        id: 'public',
        href: `/employers/${employer.id}`,
        label: t('structure.manage_employer.public'),
      },
    ],
    current,
  );
}
