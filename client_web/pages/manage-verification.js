// Employer verification (/manage/venues/<id>/employers): the employers of the venue's
// region waiting to be checked, with everything to check them by, and those verified,
// whose verification can be withdrawn (their booths go private again). Organisers
// running the main venue see the waiting employers of every region.

import { api, errorMessage } from '../api.js';
import { confirmButton } from '../components/confirm.js';
import { LivePage } from '../components/live-page.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import {
  employerTypeText,
  industryText,
  logoNode,
  paragraphs,
  sizeText,
} from '../components/structure-text.js';
import { loadVenueAdmin, venueHeading, venueTabs, venueTitle } from '../components/venue-admin.js';
import { instantNode } from '../components/when.js';
import { h, urlText } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

class ManageVerificationPage extends LivePage {
  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    const region = model.venue.region_code;
    // A venue admin verifies the employers of their venue's region; an organiser any.
    const scope = region ? `&region=${region}` : model.organiser ? '' : null;
    if (scope === null) return Object.assign(model, { scope: null, waiting: [], verified: [] });
    const [waiting, verified] = await Promise.all([
      api(`/api/employers?verified=false${scope}&limit=200`, { signal }),
      api(`/api/employers?verified=true${scope}&limit=200`, { signal }),
    ]);
    return Object.assign(model, {
      scope,
      waiting: waiting.items,
      verified: verified.items,
      confirming: null,
      failure: null,
    });
  }

  heading(model) {
    return venueHeading(model, t('structure.manage_venue.employers'));
  }

  title(model) {
    return venueTitle(model, t('structure.manage_venue.employers'));
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    const zone = model.fair.time_zone;
    if (model.scope === null) {
      return [venueTabs(model.venue, 'employers'), h('p', {}, t('structure.verify.main_venue'))];
    }
    const region = model.venue.region_code;
    return [
      venueTabs(model.venue, 'employers'),
      h(
        'p',
        { class: 'intro' },
        region
          ? t('structure.verify.intro', { region: regionName(region, lang) })
          : t('structure.verify.intro_all'),
      ),
      h(
        'details',
        { class: 'guide' },
        h('summary', {}, t('structure.verify.guide_title')),
        h(
          'ul',
          {},
          h('li', {}, t('structure.verify.guide_name')),
          h('li', {}, t('structure.verify.guide_code')),
          h('li', {}, t('structure.verify.guide_type')),
        ),
      ),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      h(
        'section',
        { 'aria-labelledby': 'waiting-title' },
        h(
          'h2',
          { id: 'waiting-title', tabindex: '-1' },
          t('structure.verify.waiting', { count: model.waiting.length }),
        ),
        model.waiting.length === 0
          ? h('p', {}, t('structure.verify.none_waiting'))
          : h(
              'ul',
              { class: 'cards cards-single', id: 'waiting-list' },
              model.waiting.map((employer) => this.#card(employer, zone, lang, true)),
            ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'verified-title' },
        h(
          'h2',
          { id: 'verified-title', tabindex: '-1' },
          t('structure.verify.verified', { count: model.verified.length }),
        ),
        model.verified.length === 0
          ? h('p', {}, t('structure.verify.none_verified'))
          : h(
              'ul',
              { class: 'cards', id: 'verified-list' },
              model.verified.map((employer) => this.#card(employer, zone, lang, false)),
            ),
      ),
    ];
  }

  #card(employer, zone, lang, waiting) {
    const titleId = `employer-${employer.id}-name`;
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    return h(
      'li',
      { class: 'card', dataset: { employer: employer.id } },
      h(
        'div',
        { class: 'card-head' },
        logoNode(employer),
        h(
          'h3',
          { class: 'card-title', id: titleId },
          h('a', { href: `/employers/${employer.id}` }, employer.name),
        ),
      ),
      h(
        'dl',
        { class: 'card-facts' },
        row(
          t('structure.employer.credit_code'),
          h('span', { class: 'code' }, employer.credit_code),
        ),
        row(t('structure.employer.type'), employerTypeText(employer.type)),
        waiting ? row(t('structure.employer.industry'), industryText(employer.industry)) : null,
        waiting ? row(t('structure.employer.size'), sizeText(employer.size)) : null,
        row(t('structure.employer.region'), regionName(employer.region_code, lang)),
        waiting && employer.website
          ? row(
              t('structure.employer.website'),
              h(
                'a',
                { href: employer.website, rel: 'noopener external nofollow', class: 'url' },
                urlText(employer.website),
              ),
            )
          : null,
        waiting
          ? row(t('structure.verify.registered'), instantNode(employer.created_at, zone, lang))
          : row(t('structure.verify.verified_at'), instantNode(employer.verified_at, zone, lang)),
      ),
      waiting && employer.description
        ? h(
            'details',
            { class: 'raw' },
            h('summary', {}, t('structure.employer.about')),
            paragraphs(employer.description),
          )
        : null,
      h(
        'p',
        { class: 'actions' },
        waiting
          ? h(
              'button',
              {
                type: 'button',
                class: 'button',
                id: `verify-${employer.id}`,
                'aria-describedby': titleId,
                onclick: () => this.#verify(employer, true),
              },
              t('structure.verify.verify'),
            )
          : confirmButton(this, {
              verb: 'withdraw',
              key: employer.id,
              describedBy: titleId,
              label: t('structure.verify.withdraw'),
              confirm: t('structure.verify.withdraw_confirm', { name: employer.name }),
              cancel: t('structure.form.cancel'),
              run: () => this.#verify(employer, false),
            }),
      ),
    );
  }

  async #verify(employer, verified) {
    const model = this.model;
    try {
      const changed = await api(`/api/employers/${encodeURIComponent(employer.id)}/verification`, {
        method: 'POST',
        body: { verified },
      });
      model.waiting = model.waiting.filter((e) => e.id !== employer.id);
      model.verified = model.verified.filter((e) => e.id !== employer.id);
      if (changed.verified) model.verified = [changed, ...model.verified];
      else model.waiting = [...model.waiting, changed];
      model.confirming = null;
      model.failure = null;
      this.repaint({ focus: verified ? '#waiting-title' : '#verified-title' });
      announce(
        verified
          ? t('structure.verify.done', { name: employer.name })
          : t('structure.verify.withdrawn', { name: employer.name }),
      );
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: verified ? '#waiting-title' : '#verified-title' });
    }
  }
}

customElements.define('lf-manage-verification-page', ManageVerificationPage);
