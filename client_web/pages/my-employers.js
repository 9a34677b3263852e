// My employers (/manage/employers): the employers the visitor works for, as admin or
// recruiter, with their verification state; registering another or joining one with
// an invitation code.

import { api } from '../api.js';
import { LivePage } from '../components/live-page.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { logoNode, roleText, verifiedBadge } from '../components/structure-text.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { me } from '../session.js';

class MyEmployersPage extends LivePage {
  async load(signal) {
    const account = await me();
    if (!account) return { account: null };
    const employers = await api('/api/employers?mine=true&limit=200', { signal });
    return { account, employers: employers.items };
  }

  heading() {
    return t('structure.my_employers.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const roleAt = (id) => {
      const roles = model.account.grants
        .filter((g) => g.scope_id === id && (g.role === 'employer_admin' || g.role === 'recruiter'))
        .map((g) => g.role);
      return roles.includes('employer_admin') ? 'employer_admin' : roles[0];
    };
    return [
      model.employers.length === 0
        ? h('p', {}, t('structure.my_employers.none'))
        : h(
            'ul',
            { class: 'cards', id: 'my-employer-list' },
            model.employers.map((employer) =>
              h(
                'li',
                { class: 'card', dataset: { employer: employer.id } },
                h(
                  'div',
                  { class: 'card-head' },
                  logoNode(employer),
                  h(
                    'h2',
                    { class: 'card-title' },
                    h('a', { href: `/manage/employers/${employer.id}` }, employer.name),
                  ),
                ),
                h(
                  'p',
                  { class: 'card-meta' },
                  verifiedBadge(employer),
                  h('span', {}, roleText(roleAt(employer.id))),
                  h('span', {}, regionName(employer.region_code)),
                ),
              ),
            ),
          ),
      h(
        'p',
        { class: 'actions' },
        h(
          'a',
          { href: '/manage/employers/new', class: 'button' },
          t('identity.account.register_employer'),
        ),
        h(
          'a',
          { href: '/join', class: 'button button-secondary' },
          t('identity.account.join_employer'),
        ),
      ),
    ];
  }
}

customElements.define('lf-my-employers-page', MyEmployersPage);
