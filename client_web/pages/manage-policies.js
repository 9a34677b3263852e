// A venue's policies (/manage/venues/<id>/policies), for its admins and the fair's
// organisers: the 政策清单 of the venue's region (the main venue's are the national ones,
// written by organisers only), drafts first, then those published; each can be edited,
// a draft published (it then shows in the public catalogue at /policies and counts in
// the campaign table's 发布政策数), a published one withdrawn to a draft after a
// confirmation. New policies and edits are written on pages/policy-edit.js
// (/manage/venues/<id>/policies/new and /manage/venues/<id>/policies/<policy>).

import { api, errorMessage } from '../api.js';
import { confirmButton } from '../components/confirm.js';
import { dataLang, policyKindText } from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { loadVenueAdmin, venueHeading, venueTabs, venueTitle } from '../components/venue-admin.js';
import { instantNode } from '../components/when.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

const PER_PAGE = 100; // the API's largest page

// The policy the editor has just saved: the list focuses it when it shows (the router
// would otherwise focus the page's heading), once.
let justSaved = null;

/** Tell the list page which policy to focus after the editor returns to it. */
export function rememberSaved(id) {
  justSaved = id;
}

/** The region a venue's policies belong to: its region, or "national" (the main venue). */
export function policyRegionOf(venue) {
  return venue.region_code ?? 'national';
}

/** Whether the visitor may write the venue's policies (national ones: organisers). */
export function mayEditPolicies(model) {
  return model.organiser || (model.admin && Boolean(model.venue.region_code));
}

/** Every policy of a region with one status, across pages of the API's list. */
async function allPolicies(fair, region, status, signal) {
  const items = [];
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({
      fair: fair.id,
      region,
      status,
      per_page: String(PER_PAGE),
      page: String(page),
    });
    const answer = await api(`/api/policies?${query}`, { signal });
    items.push(...answer.items);
    if (page * answer.per_page >= answer.total) return items;
  }
}

class ManagePoliciesPage extends LivePage {
  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    Object.assign(model, { drafts: [], published: [], confirming: null, failure: null });
    if (!mayEditPolicies(model)) return model;
    const region = policyRegionOf(model.venue);
    const [drafts, published] = await Promise.all([
      allPolicies(model.fair, region, 'draft', signal),
      allPolicies(model.fair, region, 'published', signal),
    ]);
    return Object.assign(model, { drafts, published });
  }

  heading(model) {
    return venueHeading(model, t('structure.manage_venue.policies'));
  }

  title(model) {
    return venueTitle(model, t('structure.manage_venue.policies'));
  }

  /** After the editor saved a policy, focus it instead of the page's heading. */
  focusHeading() {
    const saved = justSaved && this.querySelector(`#policy-${CSS.escape(justSaved)}-title`);
    justSaved = null;
    if (saved) saved.focus();
    else super.focusHeading();
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const tabs = venueTabs(model.venue, 'policies');
    if (!mayEditPolicies(model)) {
      return [
        tabs,
        h(
          'p',
          { class: 'callout', id: 'policies-national' },
          t('jobs.manage_policies.national_only'),
        ),
      ];
    }
    const lang = language();
    const region = model.venue.region_code;
    const none = model.drafts.length === 0 && model.published.length === 0;
    return [
      tabs,
      h(
        'p',
        { class: 'intro' },
        region
          ? t('jobs.manage_policies.intro', { region: regionName(region, lang) })
          : t('jobs.manage_policies.intro_national'),
      ),
      h(
        'p',
        { class: 'actions' },
        h(
          'a',
          {
            href: `/manage/venues/${model.venue.id}/policies/new`,
            class: 'button',
            id: 'policy-new',
          },
          t('jobs.manage_policies.new'),
        ),
        h(
          'a',
          { href: '/policies', class: 'button button-secondary' },
          t('jobs.manage_policies.catalogue'),
        ),
      ),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      none
        ? h(
            'div',
            { class: 'callout', id: 'policies-empty' },
            h('p', {}, t('jobs.manage_policies.none')),
          )
        : [
            this.#section(model, 'drafts', lang, {
              heading: t('jobs.manage_policies.drafts', { count: model.drafts.length }),
              none: t('jobs.manage_policies.no_drafts'),
            }),
            this.#section(model, 'published', lang, {
              heading: t('jobs.manage_policies.published', { count: model.published.length }),
              none: t('jobs.manage_policies.no_published'),
            }),
          ],
    ];
  }

  #section(model, which, lang, { heading, none }) {
    const policies = model[which];
    const titleId = `policies-${which}-title`;
    return h(
      'section',
      { 'aria-labelledby': titleId },
      h(
        'h2',
        { id: titleId, tabindex: '-1' },
        heading,
      ),
      policies.length === 0
        ? h('p', { class: 'hint' }, none)
        : h(
            'ul',
            { class: 'cards cards-single', id: `policies-${which}` },
            policies.map((policy) => this.#card(model, policy, lang)),
          ),
    );
  }

  #card(model, policy, lang) {
    const zone = model.fair.time_zone;
    const titleId = `policy-${policy.id}-title`;
    const published = policy.status === 'published';
    return h(
      'li',
      { class: 'card', dataset: { policy: policy.id, status: policy.status } },
      h(
        'h3',
        { class: 'card-title', id: titleId, tabindex: '-1', lang: dataLang(policy.title) },
        policy.title,
      ),
      h(
        'p',
        { class: 'card-meta' },
        h(
          'span',
          { class: published ? 'badge badge-ok' : 'badge badge-wait', 'data-state': policy.status },
          published
            ? t('jobs.manage_policies.status_published')
            : t('jobs.manage_policies.status_draft'),
        ),
        h('span', { class: `badge badge-${policy.kind}` }, policyKindText(policy.kind)),
        h(
          'span',
          {},
          t('jobs.manage_policies.updated'),
          ' ',
          instantNode(policy.updated_at, zone, lang),
        ),
        published && policy.published_at
          ? h(
              'span',
              {},
              t('jobs.manage_policies.published_at'),
              ' ',
              instantNode(policy.published_at, zone, lang),
            )
          : null,
      ),
      model.confirming === policy.id
        ? h(
            'p',
            { class: 'callout callout-wait', id: `withdraw-${policy.id}-warning` },
            t('jobs.manage_policies.withdraw_warning', { title: policy.title }),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        h(
          'a',
          {
            href: `/manage/venues/${model.venue.id}/policies/${policy.id}`,
            class: 'button button-secondary button-small',
            id: `edit-${policy.id}`,
            'aria-describedby': titleId,
          },
          t('jobs.manage_policies.edit'),
        ),
        published
          ? [
              h(
                'a',
                {
                  href: `/policies/${policy.id}`,
                  class: 'button button-secondary button-small',
                  id: `public-${policy.id}`,
                  'aria-describedby': titleId,
                },
                t('jobs.manage_policies.public_link'),
              ),
              this.#withdrawButtons(policy, titleId),
            ]
          : h(
              'button',
              {
                type: 'button',
                class: 'button button-small',
                id: `publish-${policy.id}`,
                'aria-describedby': titleId,
                onclick: () => this.#publish(policy, true),
              },
              t('jobs.manage_policies.publish'),
            ),
      ),
    );
  }

  /** "Withdraw", or (asked once more) "confirm" — described by the warning — and "cancel". */
  #withdrawButtons(policy, titleId) {
    const buttons = confirmButton(this, {
      verb: 'withdraw',
      key: policy.id,
      describedBy: titleId,
      label: t('jobs.manage_policies.withdraw'),
      confirm: t('jobs.manage_policies.withdraw_confirm'),
      cancel: t('jobs.manage_policies.withdraw_cancel'),
      run: () => this.#publish(policy, false),
    });
    if (Array.isArray(buttons)) {
      buttons[0].setAttribute('aria-describedby', `withdraw-${policy.id}-warning`);
    }
    return buttons;
  }

  async #publish(policy, published) {
    const model = this.model;
    try {
      const changed = await api(`/api/policies/${encodeURIComponent(policy.id)}/publication`, {
        method: 'POST',
        body: { published },
      });
      model.drafts = model.drafts.filter((p) => p.id !== policy.id);
      model.published = model.published.filter((p) => p.id !== policy.id);
      if (changed.status === 'published') model.published = [changed, ...model.published];
      else model.drafts = [changed, ...model.drafts];
      model.confirming = null;
      model.failure = null;
      this.repaint({ focus: `#policy-${changed.id}-title` });
      announce(
        published
          ? t('jobs.manage_policies.published_done', { title: changed.title })
          : t('jobs.manage_policies.withdrawn', { title: changed.title }),
      );
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: published ? '#policies-drafts-title' : '#policies-published-title' });
    }
  }
}

customElements.define('lf-manage-policies-page', ManagePoliciesPage);
