// A featured session for its audience (/sessions/<id>): the stream (WHEP), a reserved
// captions area, the session's booths with their live lines and "join the line", the
// chat and the Q&A. Its state is said in words and shown on the stage: before the
// lobby ("starts at …"), lobby ("about to start"), live, ended. Everything live comes
// from one subscription to session:<id> (components/session-feed.js); the stream starts
// when the state turns live and stops when it ends. docs/sessions-live.md.
//
// Before the session starts, "提醒我 / Remind me" (components/follow-toggle.js) follows
// it: reminders 1 day and 15 minutes before. It goes once the lobby opens (the last
// reminder's time; the session is about to start on this very page).
//
// The nodes are built once and kept across language changes (a re-created <video>
// would drop the stream and a re-created form its draft); only their texts change.

import { api, ApiError } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { zoneLabel } from '../lib/time.js';
import { followToggle } from '../components/follow-toggle.js';
import { watch } from '../components/live-media.js';
import { actions } from '../components/session-feed.js';
import { liveFacts, liveFeed, liveLayout, loadLive } from '../components/session-page.js';
import { formatInstant } from '../components/when.js';

const RETRY_MS = 3000; // a viewer early or between publishers asks again after this
const HEARTBEAT_MS = 30000; // recordViewing while the stream plays
const VIEWER_KEY = 'livefair.viewer';

/** A random id for this browser, kept: anonymous viewers are counted by it. */
export function viewerId() {
  try {
    let id = localStorage.getItem(VIEWER_KEY);
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      id = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      localStorage.setItem(VIEWER_KEY, id);
    }
    return id;
  } catch {
    return null; // storage disabled: this viewer is not counted when anonymous
  }
}

class SessionWatchPage extends Page {
  feed = null;
  #nodes = null;
  #media = null; // { pc, url, stop() } while connected
  #playing = 'idle'; // idle | connecting | watching | waiting | ended
  #retry = null;
  #heartbeat = null;
  #stopFeed = null;
  #zone = 'Asia/Shanghai';

  /** The viewer's peer connection (tests read its getStats()). */
  get peer() {
    return this.#media?.pc ?? null;
  }

  async load(signal) {
    const data = await loadLive(this.params.id, signal);
    const { live, account } = data;
    // Signed in: whether this account follows it (getFeaturedSession's `following`);
    // a visitor only sees published sessions here. Without that answer no toggle shows.
    let following = null;
    let published = !account;
    if (account) {
      const featured = await api(`/api/featured-sessions/${encodeURIComponent(live.session_id)}`, {
        signal,
      }).catch(() => null);
      following = featured?.following ?? null;
      published = Boolean(featured?.published_at);
    }
    return {
      ...data,
      followed: published
        ? {
            id: live.session_id,
            title: live.title,
            state: live.state,
            starts_at: live.starts_at,
            following,
          }
        : null,
    };
  }

  heading({ live }) {
    return live.title;
  }

  render(data) {
    this.#zone = data.zone;
    if (!this.#nodes) this.#build(data);
    this.#paint();
    queueMicrotask(() => this.#nodes?.video.play().catch(() => {}));
    return this.#nodes.root;
  }

  #build(data) {
    const { live } = data;
    const feed = liveFeed(live);
    this.feed = feed;
    const video = h('video', {
      id: 'live-video',
      class: 'live-video',
      autoplay: true,
      muted: true,
      playsinline: true,
      controls: true,
    });
    video.muted = true; // autoplay without a gesture needs a muted start
    const stageText = h('p', { class: 'live-stage-text', id: 'live-stage-text' });
    const status = h('p', { id: 'live-status', role: 'status', class: 'live-status' });
    const facts = h('p', { class: 'live-facts', id: 'live-facts' });
    const studio = h('p', { class: 'actions', id: 'live-studio-link' });
    const follow = data.followed ? followToggle(data.followed, Boolean(data.account)) : null;
    if (follow) follow.id = 'live-follow';
    const captions = h('div', {
      class: 'live-captions',
      id: 'live-captions',
      role: 'region',
      'aria-labelledby': 'live-captions-title',
      'aria-live': 'polite',
    });
    const stage = h('div', { class: 'live-stage', dataset: { state: live.state } }, video, stageText);
    const root = liveLayout(feed, data, {
      joinable: true,
      head: [facts, follow, status],
      main: [stage, captions, studio],
    });
    this.#nodes = { root, video, stage, stageText, status, facts, studio, captions, follow };
    this.#stopFeed = feed.onChange((kind) => this.#onFeed(kind));
    feed.start();
    this.#follow();
  }

  #onFeed(kind) {
    if (kind === 'snapshot' || kind === 'state' || kind === 'me') this.#follow();
    this.#paint();
  }

  /** Start or stop the stream to match the session's state. */
  #follow() {
    const state = this.feed.state;
    if (state === 'live' && !this.#media && this.#playing !== 'connecting') {
      this.#connect();
    } else if (state !== 'live' && this.#media) {
      this.#disconnect(state === 'ended' ? 'ended' : 'idle');
    } else if (state === 'ended') {
      this.#playing = 'ended';
    }
  }

  async #connect() {
    clearTimeout(this.#retry);
    this.#playing = 'connecting';
    this.#paint();
    const viewer = viewerId();
    try {
      const media = await watch(this.feed.session.whep_url, this.#nodes.video, {
        onState: (state) => this.#onMedia(state),
      });
      if (this.feed.state !== 'live' || !this.isConnected) {
        await media.stop();
        return;
      }
      this.#media = media;
      if (viewer) this.#beat(viewer);
    } catch (error) {
      // Not live on this node yet (the host's publisher is away), full, or gone: the
      // page says "waiting" and asks again while the session is live.
      this.#playing = 'waiting';
      if (!(error instanceof ApiError) && !error?.code) console.warn('watch failed', error);
      this.#scheduleRetry();
    }
    this.#paint();
  }

  #onMedia(state) {
    if (state === 'watching') this.#playing = 'watching';
    if (state === 'ended') {
      this.#media = null;
      clearInterval(this.#heartbeat);
      this.#playing = this.feed.state === 'ended' ? 'ended' : 'waiting';
      if (this.feed.state === 'live') this.#scheduleRetry();
    }
    this.#paint();
  }

  #scheduleRetry() {
    clearTimeout(this.#retry);
    if (!this.isConnected) return;
    this.#retry = setTimeout(() => {
      if (this.feed.state === 'live' && !this.#media) this.#connect();
    }, RETRY_MS);
  }

  #beat(viewer) {
    clearInterval(this.#heartbeat);
    const send = () => actions.recordViewing(this.feed.sessionId, viewer).catch(() => {});
    send();
    this.#heartbeat = setInterval(send, HEARTBEAT_MS);
  }

  #disconnect(next) {
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const media = this.#media;
    this.#media = null;
    this.#playing = next;
    media?.stop();
  }

  #paint() {
    if (!this.#nodes) return;
    const lang = language();
    const zone = this.#zone;
    const { stage, stageText, status, facts, studio, captions } = this.#nodes;
    const session = this.feed.session;
    const state = this.feed.state;
    stage.dataset.state = state ?? 'unknown';
    stage.dataset.playing = this.#playing;
    let text = '';
    if (state === 'live') {
      text =
        this.#playing === 'watching'
          ? ''
          : this.#playing === 'waiting'
            ? t('live.stage.waiting')
            : t('live.stage.connecting');
    } else if (state === 'lobby') {
      text = t('live.stage.lobby');
    } else if (state === 'ended') {
      text = t('live.stage.ended');
    } else if (state === 'cancelled') {
      text = t('live.stage.cancelled');
    } else {
      text = t('live.stage.scheduled', {
        time: formatInstant(session.starts_at, zone, lang),
        zone: zoneLabel(zone, lang),
      });
    }
    stageText.textContent = text;
    stageText.hidden = !text;
    const words = {
      live: t('live.status.live'),
      lobby: t('live.status.lobby'),
      ended: t('live.status.ended'),
    };
    const said = words[state] ?? '';
    if (status.textContent !== said) status.textContent = said;
    facts.replaceChildren(...liveFacts(this.feed, zone, 'live-viewers'));
    const follow = this.#nodes.follow;
    if (follow) {
      // Moved or opened since the page loaded: the toggle follows (and goes at the lobby).
      follow.session.state = state;
      follow.session.starts_at = session.starts_at;
      follow.paint();
    }
    const mine = this.feed.me;
    studio.replaceChildren(
      mine?.host || mine?.moderator
        ? h(
            'a',
            { href: `/sessions/${session.session_id}/studio`, class: 'button button-secondary' },
            t('live.watch.open_studio'),
          )
        : '',
    );
    studio.hidden = !(mine?.host || mine?.moderator);
    captions.replaceChildren(
      h('h2', { id: 'live-captions-title', class: 'live-captions-title' }, t('live.captions.title')),
      h('p', { class: 'hint' }, t('live.captions.none')),
    );
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#disconnect('idle');
    this.#stopFeed?.();
    this.feed?.stop();
  }
}

customElements.define('lf-session-watch-page', SessionWatchPage);
