// Notifications (/me/notifications): the signed-in account's inbox, newest first
// (listNotifications), each with its sentence, its time in fair time and a link to where
// one acts on it (components/notification-text.js). Unread ones are marked, in words
// for screen readers too; "mark as read" per item (markNotificationRead), "mark all as
// read" (every unread one, the ones not shown too: one request each — there is no bulk
// endpoint), and opening an item's link marks it read. "Load older" pages with
// `before` = the answer's `next_before` (the key is the notification, not its time:
// several share one). New notifications arrive at the top while the page is open
// (notification-store.js, `me`), announced politely in the status area.

import { api, errorMessage } from '../api.js';
import { markRead, onChange } from '../components/notification-store.js';
import { describeNotification } from '../components/notification-text.js';
import { LivePage } from '../components/live-page.js';
import { signInPrompt } from '../components/signed-in.js';
import { boothName } from '../components/structure-text.js';
import { instantNode } from '../components/when.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me, scopesOf } from '../session.js';

const PAGE = 20;
const MAX_LISTED = 200; // listNotifications' largest page
const AT_ONCE = 4; // requests in flight together ("mark all", the names of booths and jobs)

const itemId = (id) => `notification-${id}`;

/** The server's order: created_at, then id, both descending. */
function newestFirst(a, b) {
  const at = Date.parse(b.created_at) - Date.parse(a.created_at);
  return at !== 0 ? at : b.id.localeCompare(a.id);
}

// What the ids in `data` are called: "booth:<id>" / "job:<id>" → a name, null while
// asked, '' when it could not be read (the item then shows without it).
const names = new Map();
const SUBJECTS = [
  { field: 'booth_id', kind: 'booth', path: '/api/booths/', name: (booth) => boothName(booth) },
  { field: 'job_id', kind: 'job', path: '/api/jobs/', name: (job) => job.title },
];

/** Read the names of the booths and jobs `items` mention (four at a time). */
async function lookUpNames(items) {
  const wanted = [];
  for (const item of items) {
    for (const subject of SUBJECTS) {
      const id = item.data?.[subject.field];
      const key = `${subject.kind}:${id}`;
      if (typeof id !== 'string' || names.has(key)) continue;
      names.set(key, null);
      wanted.push({ key, subject, id });
    }
  }
  while (wanted.length > 0) {
    await Promise.all(
      wanted.splice(0, AT_ONCE).map(({ key, subject, id }) =>
        api(subject.path + encodeURIComponent(id))
          .then((found) => names.set(key, subject.name(found) || ''))
          .catch(() => names.set(key, '')),
      ),
    );
  }
}

/** "展位：…" / "职位：…" for the item's booth or job, once its name is known. */
function subjectLine(item) {
  const data = item.data ?? {};
  const job = names.get(`job:${data.job_id}`);
  const booth = names.get(`booth:${data.booth_id}`);
  const text = job
    ? t('notifications.page.job', { name: job })
    : booth
      ? t('notifications.page.booth', { name: booth })
      : null;
  return text ? h('p', { class: 'notification-subject' }, text) : null;
}

class NotificationsPage extends LivePage {
  #stop = null;
  #early = []; // notifications that arrived before the list did

  connectedCallback() {
    super.connectedCallback();
    this.#stop ??= onChange((change) => this.#onChange(change));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#stop?.();
    this.#stop = null;
  }

  async load(signal) {
    const account = await me().catch(() => null);
    if (!account) return { account: null };
    const [found, fair] = await Promise.all([
      api(`/api/me/notifications?limit=${PAGE}`, { signal }),
      currentFair().catch(() => null),
    ]);
    const model = {
      account,
      zone: fair?.time_zone ?? 'Asia/Shanghai',
      venues: scopesOf(account, 'venue_admin'),
      items: found.items,
      unread: found.unread,
      next: found.next_before, // where "load older" starts; null: nothing older
      paged: false, // "load older" was used
      busy: false,
      error: null,
    };
    for (const notification of this.#early.splice(0)) this.#add(model, notification);
    this.#names(model.items);
    return model;
  }

  heading() {
    return t('notifications.page.title');
  }

  #names(items) {
    lookUpNames(items)
      .then(() => this.repaint())
      .catch(() => {});
  }

  #add(model, notification) {
    if (model.items.some((item) => item.id === notification.id)) return false;
    model.items = [notification, ...model.items];
    model.unread += notification.read ? 0 : 1;
    return true;
  }

  #onChange(change) {
    const model = this.model;
    if (change.type === 'created') {
      if (!model) {
        this.#early.push(change.notification);
        return;
      }
      if (!model.account || !this.#add(model, change.notification)) return;
      this.repaint();
      this.#names([change.notification]);
      const { text } = describeNotification(change.notification, model);
      announce(t('notifications.page.arrived', { text }));
    } else if (change.type === 'snapshot' && model?.account) {
      this.#catchUp(model);
    } else if (change.type === 'read' && model?.account) {
      const item = model.items.find((found) => found.id === change.id);
      if (!item || item.read) return;
      item.read = true;
      model.unread = Math.max(0, model.unread - 1);
      this.repaint();
    }
  }

  /** After a reconnect: the newest page again, merged (what arrived, what was read). */
  async #catchUp(model) {
    let found;
    try {
      found = await api(`/api/me/notifications?limit=${PAGE}`);
    } catch {
      return; // offline still: the next snapshot tries again
    }
    const fresh = new Map(found.items.map((item) => [item.id, item]));
    for (const item of model.items) {
      if (fresh.has(item.id)) item.read = fresh.get(item.id).read;
      fresh.delete(item.id);
    }
    model.items = [...fresh.values(), ...model.items].sort(newestFirst);
    model.unread = found.unread;
    this.repaint();
    this.#names([...fresh.values()]);
  }

  async #markOne(item) {
    const model = this.model;
    model.error = null;
    try {
      await markRead(item.id); // the store tells #onChange, which repaints
      // The button is gone: focus goes to the item's link, else to the item.
      const id = CSS.escape(itemId(item.id));
      this.repaint({ focus: this.querySelector(`#${id}-link`) ? `#${id}-link` : `#${id}` });
    } catch (error) {
      model.error = error;
      this.repaint({ focus: '#notifications-error' });
    }
  }

  async #markAll() {
    const model = this.model;
    model.busy = true;
    model.error = null;
    this.repaint();
    try {
      // The unread ones, including those further down than the page shows, page by page.
      const ids = [];
      let before = null;
      do {
        const older = before ? `&before=${encodeURIComponent(before)}` : '';
        const unread = await api(
          `/api/me/notifications?unread_only=true&limit=${MAX_LISTED}${older}`,
        );
        ids.push(...unread.items.map((item) => item.id));
        before = unread.next_before;
      } while (before);
      while (ids.length > 0) {
        await Promise.all(ids.splice(0, AT_ONCE).map((id) => markRead(id)));
      }
      model.busy = false;
      this.repaint({ focus: '#notifications-summary' });
      announce(t('notifications.page.marked_all'));
    } catch (error) {
      model.busy = false;
      model.error = error;
      this.repaint({ focus: '#notifications-error' });
    }
  }

  async #loadOlder() {
    const model = this.model;
    model.busy = true;
    model.error = null;
    this.repaint();
    try {
      const before = encodeURIComponent(model.next);
      const found = await api(`/api/me/notifications?limit=${PAGE}&before=${before}`);
      const known = new Set(model.items.map((item) => item.id));
      const older = found.items.filter((item) => !known.has(item.id));
      model.items = [...model.items, ...older];
      this.#names(older);
      model.next = found.next_before;
      model.paged = true;
      model.busy = false;
      this.repaint({
        focus: older.length ? `#${CSS.escape(itemId(older[0].id))}` : '#notifications-no-older',
      });
    } catch (error) {
      model.busy = false;
      model.error = error;
      this.repaint({ focus: '#notifications-error' });
    }
  }

  #item(model, item) {
    const id = itemId(item.id);
    const { text, detail, href, action } = describeNotification(item, model);
    return h(
      'li',
      {
        id,
        tabindex: '-1',
        class: `notification${item.read ? '' : ' notification-unread'}`,
        dataset: { kind: item.kind, read: String(item.read) },
      },
      h(
        'p',
        { class: 'notification-text', id: `${id}-text` },
        item.read
          ? null
          : h('span', { class: 'badge badge-unread' }, t('notifications.page.unread')),
        item.read ? null : ' ',
        text,
      ),
      subjectLine(item),
      detail ? h('p', { class: 'notification-detail' }, detail) : null,
      h('p', { class: 'notification-time' }, instantNode(item.created_at, model.zone, language())),
      href || !item.read
        ? h(
            'p',
            { class: 'actions' },
            href
              ? h(
                  'a',
                  {
                    href,
                    id: `${id}-link`,
                    'aria-describedby': `${id}-text`,
                    onclick: () => {
                      if (!item.read) markRead(item.id).catch(() => {});
                    },
                  },
                  action,
                )
              : null,
            item.read
              ? null
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button-secondary',
                    id: `${id}-read`,
                    'aria-describedby': `${id}-text`,
                    disabled: model.busy,
                    onclick: () => this.#markOne(item),
                  },
                  t('notifications.page.mark_read'),
                ),
          )
        : null,
    );
  }

  body(model) {
    if (!model.account) return signInPrompt();
    return [
      h('p', { class: 'intro' }, t('notifications.page.intro')),
      model.error
        ? h(
            'div',
            {
              class: 'notice notice-error',
              id: 'notifications-error',
              tabindex: '-1',
              role: 'alert',
            },
            h('p', {}, errorMessage(model.error)),
          )
        : null,
      model.items.length === 0
        ? h('p', { class: 'hint', id: 'notifications-empty' }, t('notifications.page.empty'))
        : [
            h(
              'div',
              { class: 'notifications-bar' },
              h(
                'p',
                { id: 'notifications-summary', tabindex: '-1' },
                model.unread > 0
                  ? t('notifications.page.summary_unread', { count: model.unread })
                  : t('notifications.page.summary_read'),
              ),
              model.unread > 0
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'button button-secondary',
                      id: 'notifications-mark-all',
                      disabled: model.busy,
                      onclick: () => this.#markAll(),
                    },
                    t('notifications.page.mark_all'),
                  )
                : null,
            ),
            h(
              'ul',
              {
                class: 'notification-list',
                id: 'notification-list',
                'aria-label': t('notifications.page.list_label'),
              },
              model.items.map((item) => this.#item(model, item)),
            ),
            model.next
              ? h(
                  'p',
                  { class: 'actions' },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button button-secondary',
                      id: 'notifications-older',
                      disabled: model.busy,
                      onclick: () => this.#loadOlder(),
                    },
                    t('notifications.page.older'),
                  ),
                )
              : model.paged
                ? h(
                    'p',
                    { class: 'hint', id: 'notifications-no-older', tabindex: '-1' },
                    t('notifications.page.no_older'),
                  )
                : null,
          ],
    ];
  }
}

customElements.define('lf-notifications-page', NotificationsPage);
