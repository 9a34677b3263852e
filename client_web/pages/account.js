// My account (/account): who I am, the roles I hold and where, what I can do next
// (register an employer, join one with an invitation code), and every session and API
// token signed in as me, each of which I can revoke, and my calendar: a private feed
// URL (getCalendarFeed user-<token>) with the sessions I follow and host, made, replaced
// and turned off here (rotateCalendarToken, revokeCalendarToken; getCalendarToken says
// whether one works — the URL itself is shown once, when made). Times are in the fair's
// zone.

import { api, errorMessage } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { webcalLink } from '../components/calendar-links.js';
import { copyField } from '../components/copy-field.js';
import { confirmButton } from '../components/confirm.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { signInPrompt } from '../components/signed-in.js';
import { roleText } from '../components/structure-text.js';
import { instantNode } from '../components/when.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me, signOut } from '../session.js';

/** "Chrome · Android" from a User-Agent; the API token's own label otherwise. */
function deviceName(session) {
  const ua = session.label || '';
  if (session.kind === 'api') return ua || t('identity.sessions.api_token');
  const browser =
    [
      [/MicroMessenger/, 'WeChat'],
      [/AlipayClient/, 'Alipay'],
      [/Edg\//, 'Edge'],
      [/Firefox\//, 'Firefox'],
      [/(Chrome|Chromium|CriOS)\//, 'Chrome'],
      [/Safari\//, 'Safari'],
    ].find(([pattern]) => pattern.test(ua))?.[1] ?? null;
  const system =
    [
      [/Android/, 'Android'],
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Windows/, 'Windows'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/Linux/, 'Linux'],
    ].find(([pattern]) => pattern.test(ua))?.[1] ?? null;
  if (browser && system) return t('identity.sessions.device', { browser, system });
  return browser ?? system ?? t('identity.sessions.unknown_device');
}

class AccountPage extends LivePage {
  async load(signal) {
    const account = await me();
    if (!account) return { account: null };
    const [sessions, fair, employers, calendar] = await Promise.all([
      api('/api/me/sessions', { signal }),
      currentFair(),
      account.grants.some((g) => g.scope_type === 'employer')
        ? api('/api/employers?mine=true&limit=200', { signal })
        : { items: [] },
      // A failed read leaves the rest of the page working; the section says what failed.
      api('/api/me/calendar-token', { signal }).catch((error) => {
        if (signal.aborted) throw error;
        return { active: false, created_at: null, error };
      }),
    ]);
    return {
      account,
      // This device first, then the most recently used.
      sessions: sessions.items.sort(
        (a, b) =>
          Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at),
      ),
      fair,
      employers: employers.items,
      pendingRevoke: null,
      failure: null,
      // { active, created_at } (getCalendarToken), and the URL while this page made it.
      calendar: {
        active: calendar.active,
        created_at: calendar.created_at,
        url: null,
        busy: false,
        failure: calendar.error ? () => errorMessage(calendar.error) : null,
        unknown: Boolean(calendar.error),
      },
      confirming: null,
    };
  }

  heading() {
    return t('identity.account.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    return [
      this.#profile(model),
      this.#roles(model, lang),
      this.#next(),
      this.#calendar(model, lang),
      this.#sessions(model, lang),
    ];
  }

  #calendar(model, lang) {
    const zone = model.fair?.time_zone ?? 'Asia/Shanghai';
    const calendar = model.calendar;
    let state;
    if (calendar.url) {
      state = [
        copyField('calendar-url', calendar.url, {
          label: t('identity.calendar.url'),
          copy: t('identity.calendar.copy'),
          copyLabel: t('identity.calendar.copy_label'),
          copied: t('identity.calendar.copied'),
        }),
        h('p', { class: 'hint' }, t('identity.calendar.once')),
        h(
          'p',
          {},
          webcalLink(calendar.url, t('identity.calendar.webcal'), null, 'calendar-webcal'),
        ),
      ];
    } else if (calendar.active) {
      state = h(
        'p',
        { id: 'calendar-state' },
        t('identity.calendar.active_since'),
        ' ',
        instantNode(calendar.created_at, zone, lang),
        t('identity.calendar.active_hidden'),
      );
    } else if (!calendar.unknown) {
      state = h('p', { id: 'calendar-state' }, t('identity.calendar.none'));
    }
    const busy = calendar.busy;
    return h(
      'section',
      { 'aria-labelledby': 'account-calendar' },
      h('h2', { id: 'account-calendar', tabindex: '-1' }, t('identity.calendar.title')),
      h('p', { class: 'intro' }, t('identity.calendar.intro')),
      calendar.failure
        ? h(
            'div',
            { class: 'notice notice-error', role: 'alert', id: 'calendar-error' },
            h('p', {}, calendar.failure()),
          )
        : null,
      state,
      h(
        'p',
        { class: 'actions' },
        calendar.active || calendar.unknown // unknown: a URL may work, so ask first
          ? [
              confirmButton(this, {
                verb: 'calendar',
                key: 'rotate',
                describedBy: 'account-calendar',
                label: t('identity.calendar.rotate'),
                confirm: t('identity.calendar.rotate_confirm'),
                cancel: t('identity.calendar.keep'),
                run: () => this.#rotate(),
              }),
              confirmButton(this, {
                verb: 'calendar',
                key: 'revoke',
                describedBy: 'account-calendar',
                label: t('identity.calendar.revoke'),
                confirm: t('identity.calendar.revoke_confirm'),
                cancel: t('identity.calendar.keep'),
                run: () => this.#revokeCalendar(),
              }),
            ]
          : h(
              'button',
              {
                type: 'button',
                class: 'button',
                id: 'calendar-create',
                disabled: busy,
                onclick: () => this.#rotate(),
              },
              t('identity.calendar.create'),
            ),
      ),
    );
  }

  async #rotate() {
    const calendar = this.model.calendar;
    if (calendar.busy) return;
    calendar.busy = true;
    calendar.failure = null;
    try {
      const made = await api('/api/me/calendar-token', { method: 'POST' });
      const now = new Date().toISOString();
      Object.assign(calendar, { active: true, created_at: now, url: made.url, unknown: false });
      this.model.confirming = null;
      this.repaint({ focus: '#calendar-url' });
      announce(t('identity.calendar.made'));
    } catch (error) {
      calendar.failure = () => errorMessage(error);
      this.repaint();
    } finally {
      calendar.busy = false;
    }
  }

  async #revokeCalendar() {
    const calendar = this.model.calendar;
    if (calendar.busy) return;
    calendar.busy = true;
    calendar.failure = null;
    try {
      await api('/api/me/calendar-token', { method: 'DELETE' });
      Object.assign(calendar, { active: false, created_at: null, url: null, unknown: false });
      this.model.confirming = null;
      this.repaint({ focus: '#account-calendar' });
      announce(t('identity.calendar.revoked'));
    } catch (error) {
      calendar.failure = () => errorMessage(error);
      this.repaint();
    } finally {
      calendar.busy = false;
    }
  }

  #profile(model) {
    const account = model.account;
    const row = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
    return h(
      'section',
      { 'aria-labelledby': 'account-profile' },
      h('h2', { id: 'account-profile' }, t('identity.account.profile')),
      h(
        'dl',
        { class: 'facts' },
        row(t('identity.account.name'), account.display_name),
        account.phone ? row(t('identity.account.phone'), account.phone) : null,
        account.email ? row(t('identity.account.email'), account.email) : null,
      ),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'account-sign-out',
            onclick: () => this.#signOut(),
          },
          t('identity.account.sign_out'),
        ),
      ),
    );
  }

  #scope(grant, model, lang) {
    if (grant.scope_type === 'venue') {
      const venue = model.fair?.venues.find((v) => v.id === grant.scope_id);
      return venue
        ? h('a', { href: `/manage/venues/${venue.id}` }, pick(venue, 'name', lang))
        : null;
    }
    if (grant.scope_type === 'employer') {
      const employer = model.employers.find((e) => e.id === grant.scope_id);
      return employer ? h('a', { href: `/manage/employers/${employer.id}` }, employer.name) : null;
    }
    if (grant.scope_type === 'fair' && model.fair?.id === grant.scope_id) {
      return h('a', { href: '/manage/venues' }, pick(model.fair, 'title', lang));
    }
    return null;
  }

  #roles(model, lang) {
    return h(
      'section',
      { 'aria-labelledby': 'account-roles' },
      h('h2', { id: 'account-roles' }, t('identity.account.roles')),
      h(
        'ul',
        { class: 'plain-list', id: 'account-role-list' },
        model.account.grants.map((grant) => {
          const scope = this.#scope(grant, model, lang);
          return h(
            'li',
            { dataset: { role: grant.role } },
            h('strong', {}, roleText(grant.role)),
            scope ? [t('identity.account.role_at'), scope] : null,
          );
        }),
      ),
    );
  }

  #next() {
    return h(
      'section',
      { 'aria-labelledby': 'account-next' },
      h('h2', { id: 'account-next' }, t('identity.account.next')),
      h(
        'ul',
        { class: 'link-list' },
        h(
          'li',
          {},
          h('a', { href: '/manage/employers/new' }, t('identity.account.register_employer')),
          h('span', { class: 'hint' }, t('identity.account.register_employer_hint')),
        ),
        h(
          'li',
          {},
          h('a', { href: '/join' }, t('identity.account.join_employer')),
          h('span', { class: 'hint' }, t('identity.account.join_employer_hint')),
        ),
      ),
    );
  }

  #sessions(model, lang) {
    const zone = model.fair?.time_zone ?? 'Asia/Shanghai';
    return h(
      'section',
      { 'aria-labelledby': 'account-sessions' },
      h('h2', { id: 'account-sessions', tabindex: '-1' }, t('identity.sessions.title')),
      h('p', { class: 'intro' }, t('identity.sessions.intro')),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      h(
        'ul',
        { class: 'cards cards-single', id: 'session-list' },
        model.sessions.map((session) =>
          h(
            'li',
            { class: 'card', dataset: { session: session.id } },
            h(
              'h3',
              { class: 'card-title', id: `session-${session.id}` },
              deviceName(session),
              session.current
                ? [' ', h('span', { class: 'badge' }, t('identity.sessions.current'))]
                : null,
            ),
            h(
              'dl',
              { class: 'card-facts' },
              h(
                'div',
                {},
                h('dt', {}, t('identity.sessions.kind')),
                h(
                  'dd',
                  {},
                  session.kind === 'api'
                    ? t('identity.sessions.kind_api')
                    : t('identity.sessions.kind_browser'),
                ),
              ),
              session.address
                ? h(
                    'div',
                    {},
                    h('dt', {}, t('identity.sessions.address')),
                    h('dd', {}, session.address),
                  )
                : null,
              h(
                'div',
                {},
                h('dt', {}, t('identity.sessions.created')),
                h('dd', {}, instantNode(session.created_at, zone, lang)),
              ),
              h(
                'div',
                {},
                h('dt', {}, t('identity.sessions.last_seen')),
                h('dd', {}, instantNode(session.last_seen_at, zone, lang)),
              ),
              h(
                'div',
                {},
                h('dt', {}, t('identity.sessions.expires')),
                h('dd', {}, instantNode(session.expires_at, zone, lang)),
              ),
            ),
            session.kind === 'browser' && session.label
              ? h(
                  'details',
                  { class: 'raw' },
                  h('summary', {}, t('identity.sessions.details')),
                  h('p', { class: 'url' }, session.label),
                )
              : null,
            session.current
              ? null
              : h(
                  'p',
                  { class: 'actions' },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button button-secondary',
                      id: `revoke-${session.id}`,
                      'aria-describedby': `session-${session.id}`,
                      onclick: () => this.#revoke(session),
                    },
                    t('identity.sessions.revoke'),
                  ),
                ),
          ),
        ),
      ),
    );
  }

  async #revoke(session) {
    if (this.model.pendingRevoke) return;
    this.model.pendingRevoke = session.id;
    this.model.failure = null;
    try {
      await api(`/api/me/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
      this.model.sessions = this.model.sessions.filter((s) => s.id !== session.id);
      this.repaint({ focus: '#account-sessions' });
      announce(t('identity.sessions.revoked', { device: deviceName(session) }));
    } catch (error) {
      this.model.failure = () => errorMessage(error);
      this.repaint();
    } finally {
      this.model.pendingRevoke = null;
    }
  }

  async #signOut() {
    try {
      await signOut();
      go('/', { notice: () => t('identity.account.signed_out') });
    } catch (error) {
      this.model.failure = () => errorMessage(error);
      this.repaint();
    }
  }
}

customElements.define('lf-account-page', AccountPage);
