// Who read my resumes and profile (/me/audit-log): every download of a resume — mine
// included — and every recruiter's opening of my profile card, with when, who (their
// name and role: myself, a booth's staff, an employer's recruiter) and which file.
// The server writes the entries (docs/people.md, getAuditLog).

import { api } from '../api.js';
import { LivePage } from '../components/live-page.js';
import { peopleTabs, signedIn, when } from '../components/people.js';
import { signInPrompt } from '../components/signed-in.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';

class AuditLogPage extends LivePage {
  async load(signal) {
    const account = await signedIn();
    if (!account) return { account: null };
    const [log, fair] = await Promise.all([api('/api/me/audit', { signal }), currentFair()]);
    return { account, fair, entries: log.items };
  }

  heading() {
    return t('people.audit.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    return [
      peopleTabs('audit'),
      h('p', { class: 'intro' }, t('people.audit.intro')),
      model.entries.length === 0
        ? h('p', { id: 'audit-none' }, t('people.audit.none'))
        : h(
            'ul',
            { class: 'cards cards-single', id: 'audit-list' },
            model.entries.map((entry) => this.#entry(model, entry)),
          ),
    ];
  }

  #entry(model, entry) {
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    const action = entry.action.replace('.', '_'); // "resume.downloaded": a key word
    const who =
      entry.reader === 'self'
        ? t('people.audit.reader_self')
        : t('people.audit.reader_named', {
            name: entry.reader_name,
            role: tCode('people.audit.reader.', entry.reader, 'people.audit.reader.unknown'),
          });
    return h(
      'li',
      { class: 'card', dataset: { reader: entry.reader } },
      h(
        'p',
        { class: 'card-title' },
        tCode('people.audit.action.', action, 'people.audit.action.unknown'),
      ),
      h(
        'dl',
        { class: 'card-facts' },
        row(t('people.audit.at'), when(entry.at, model.fair)),
        row(t('people.audit.who'), who),
        entry.employer ? row(t('people.audit.employer'), entry.employer.name) : null,
        entry.filename ? row(t('people.audit.file'), entry.filename) : null,
      ),
    );
  }
}

customElements.define('lf-audit-log-page', AuditLogPage);
