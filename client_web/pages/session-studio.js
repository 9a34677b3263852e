// The host studio of a featured session (/sessions/<id>/studio): choose what to send —
// the camera, the screen, or an encoder such as OBS (the WHIP URL and token shown to
// copy) — and the microphone; preview; go live; end. Beside it the viewer count, the
// chat and the Q&A with their moderation (delete, mute, ban; mark answered), the
// session's booths with their line lengths, and its figures (<lf-session-stats>:
// viewers, watch time, messages, questions; final once it has ended).
// docs/sessions-live.md.
//
// Going live from the browser: issueSessionIngest → WHIP publish → wait until the
// connection is up → goLive (the server refuses goLive without an active ingest). From
// OBS: the host starts streaming in OBS with the URL and token shown, then goLive.
// Nodes are built once and kept across language changes (the preview keeps playing).

import { errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { capture, publish, stopStream } from '../components/live-media.js';
import { copyField } from '../components/copy-field.js';
import { actions } from '../components/session-feed.js';
import { liveFacts, liveFeed, liveLayout, loadLive } from '../components/session-page.js';
import '../components/session-stats.js';

const CONNECT_TIMEOUT_MS = 20000;

class SessionStudioPage extends Page {
  feed = null;
  #nodes = null;
  #zone = 'Asia/Shanghai';
  #source = 'camera'; // camera | screen | encoder
  #microphone = true;
  #stream = null; // the captured MediaStream (preview)
  #publisher = null; // { pc, url, stop() }
  #ingest = null; // the Ingest of the encoder choice (token shown once)
  #step = 'idle'; // idle | capturing | issuing | going_live | ending | confirm_end
  #error = null;
  #stopFeed = null;

  /** The publisher's peer connection (tests read its getStats()). */
  get peer() {
    return this.#publisher?.pc ?? null;
  }

  load(signal) {
    return loadLive(this.params.id, signal);
  }

  heading({ live }) {
    return t('live.studio.title', { title: live.title });
  }

  title({ live }) {
    return t('live.studio.title', { title: live.title });
  }

  render(data) {
    this.#zone = data.zone;
    if (!data.live.me?.host && !data.live.me?.moderator) {
      return [
        h('p', { class: 'notice', id: 'studio-not-host' }, t('live.studio.not_host')),
        h(
          'p',
          {},
          h('a', { href: `/sessions/${data.live.session_id}` }, t('live.studio.to_watch')),
        ),
      ];
    }
    if (!this.#nodes) this.#build(data);
    this.#paint();
    queueMicrotask(() => this.#nodes?.preview.play().catch(() => {}));
    return this.#nodes.root;
  }

  #build(data) {
    const feed = liveFeed(data.live);
    this.feed = feed;
    const preview = h('video', {
      id: 'studio-preview',
      class: 'live-video',
      autoplay: true,
      muted: true,
      playsinline: true,
      'aria-label': t('live.studio.preview'),
    });
    preview.muted = true;
    const stageText = h('p', { class: 'live-stage-text', id: 'studio-stage-text' });
    const stage = h('div', { class: 'live-stage' }, preview, stageText);
    const facts = h('p', { class: 'live-facts', id: 'studio-facts' });
    const status = h('p', { id: 'studio-status', role: 'status', class: 'live-status' });
    const controls = h('div', { class: 'studio-controls', id: 'studio-controls' });
    // The session's figures (getSessionStats): the element hides itself if refused.
    const stats = document.createElement('lf-session-stats');
    stats.sessionId = data.live.session_id;
    stats.state = feed.state;
    const root = liveLayout(feed, data, {
      joinable: false,
      head: [facts, status],
      main: [stage, controls, stats],
    });
    this.#nodes = { root, preview, stage, stageText, facts, status, controls, stats };
    this.#stopFeed = feed.onChange((kind) => {
      if (kind === 'state' && feed.state === 'ended') this.#stopPublishing({ remote: false });
      this.#paint();
    });
    feed.start();
  }

  // -- actions ----------------------------------------------------------------------

  async #run(step, action, focus = null) {
    this.#step = step;
    this.#error = null;
    this.#paint();
    try {
      await action();
    } catch (error) {
      this.#error = error;
      if (!error?.code) console.warn(step, error);
    }
    this.#step = 'idle';
    this.#paint();
    const target =
      (this.#error && this.querySelector('#studio-error')) ||
      (focus && this.querySelector(focus));
    target?.focus();
  }

  async #preview() {
    stopStream(this.#stream);
    this.#stream = await capture(this.#source, this.#microphone);
    this.#nodes.preview.srcObject = this.#stream;
    // The screen share can be stopped from the browser's own bar.
    for (const track of this.#stream.getVideoTracks()) {
      track.addEventListener('ended', () => this.#paint());
    }
  }

  async #showIngest() {
    this.#ingest = await actions.ingest(this.feed.sessionId);
  }

  async #goLive() {
    await this.#publish();
    this.feed.session = await actions.goLive(this.feed.sessionId);
  }

  /** Send the picture from this page (WHIP), unless an encoder sends it or this page
   * already does. Going live starts it; a host whose page was reloaded or lost its
   * connection while live starts it again (a new publish replaces the old one). */
  async #publish() {
    const id = this.feed.sessionId;
    if (this.#source !== 'encoder' && !this.#publisher) {
      if (!this.#stream) await this.#preview();
      const ingest = await actions.ingest(id);
      const connected = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
        this.#publisher = null;
        publish(ingest.whip_url, ingest.ingest_token, this.#stream, {
          onState: (state) => {
            if (state === 'connected') {
              clearTimeout(timer);
              resolve();
            }
            if (state === 'failed') {
              clearTimeout(timer);
              reject(Object.assign(new Error('ICE failed'), { code: 'live.media_failed' }));
            }
          },
        }).then(
          (publisher) => {
            this.#publisher = publisher;
          },
          (error) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      });
      await connected;
    }
  }

  async #end() {
    this.feed.session = await actions.end(this.feed.sessionId);
    await this.#stopPublishing({ remote: true });
  }

  async #stopPublishing({ remote }) {
    const publisher = this.#publisher;
    this.#publisher = null;
    await publisher?.stop({ remote });
    stopStream(this.#stream);
    this.#stream = null;
    if (this.#nodes) this.#nodes.preview.srcObject = null;
  }

  // -- drawing ----------------------------------------------------------------------

  #paint() {
    if (!this.#nodes) return;
    const { stage, stageText, facts, status, controls, stats } = this.#nodes;
    const state = this.feed.state;
    stats.state = state;
    stage.dataset.state = state ?? 'unknown';
    // The preview is of what the host sends: a moderator (venue admin, organiser) who
    // is not a host sends nothing, so neither the stage nor its prompts are theirs.
    const host = Boolean(this.feed.me?.host);
    stage.hidden = !host;
    let text = '';
    if (state === 'ended') text = t('live.stage.ended');
    else if (!host) text = '';
    else if (!this.#stream && this.#source !== 'encoder') text = t('live.studio.no_preview');
    else if (this.#source === 'encoder' && !this.#stream) text = t('live.studio.encoder_preview');
    stageText.textContent = text;
    stageText.hidden = !text;
    facts.replaceChildren(...liveFacts(this.feed, this.#zone, 'studio-viewers'));
    const said = {
      going_live: t('live.studio.step.going_live'),
      ending: t('live.studio.step.ending'),
      capturing: t('live.studio.step.capturing'),
      issuing: t('live.studio.step.issuing'),
    }[this.#step];
    const words = said ?? this.#stateWords(state);
    if (status.textContent !== words) status.textContent = words;
    const active = document.activeElement;
    const activeId = active && controls.contains(active) ? active.id : '';
    controls.replaceChildren(...this.#controls(state).flat(Infinity).filter(Boolean));
    if (activeId) controls.querySelector(`#${CSS.escape(activeId)}`)?.focus();
  }

  #stateWords(state) {
    const silent = this.feed.me?.host && this.#source !== 'encoder' && !this.#publisher;
    if (state === 'live' && silent) return t('live.studio.live_not_sending');
    if (state === 'live') return t('live.studio.is_live');
    if (state === 'lobby') return t('live.studio.in_lobby');
    if (state === 'ended') return t('live.status.ended');
    return t('live.studio.before_lobby');
  }

  #controls(state) {
    const busy = this.#step !== 'idle' && this.#step !== 'confirm_end';
    const open = state === 'lobby' || state === 'live';
    const nodes = [];
    if (state === 'ended') {
      nodes.push(
        h(
          'p',
          {},
          h('a', { href: `/sessions/${this.feed.sessionId}` }, t('live.studio.to_watch')),
        ),
      );
      return nodes;
    }
    if (!this.feed.me?.host) {
      // A venue admin or organiser: moderation and "end", no stream of their own.
      nodes.push(h('p', { class: 'hint', id: 'studio-moderator-only' }, t('live.studio.moderator_only')));
      if (open) nodes.push(h('p', { class: 'actions' }, this.#endButton(busy)));
      nodes.push(this.#endQuestion(), this.#errorBox());
      return nodes;
    }
    const radio = (value, label) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'radio',
          name: 'studio-source',
          value,
          id: `studio-source-${value}`,
          checked: this.#source === value,
          disabled: busy || Boolean(this.#publisher),
          onchange: () => {
            this.#source = value;
            stopStream(this.#stream);
            this.#stream = null;
            this.#nodes.preview.srcObject = null;
            this.#paint();
          },
        }),
        ' ',
        label,
      );
    nodes.push(
      h(
        'fieldset',
        { class: 'fieldset studio-source' },
        h('legend', {}, t('live.studio.source')),
        radio('camera', t('live.studio.camera')),
        radio('screen', t('live.studio.screen')),
        radio('encoder', t('live.studio.encoder')),
      ),
    );
    if (this.#source !== 'encoder') {
      nodes.push(
        h(
          'label',
          { class: 'check' },
          h('input', {
            type: 'checkbox',
            id: 'studio-microphone',
            checked: this.#microphone,
            disabled: busy || Boolean(this.#publisher),
            onchange: (event) => {
              this.#microphone = event.target.checked;
              if (this.#stream) this.#run('capturing', () => this.#preview());
            },
          }),
          ' ',
          t('live.studio.microphone'),
        ),
      );
    } else {
      nodes.push(this.#encoderBox(busy));
    }
    const buttons = [];
    if (this.#source !== 'encoder' && !this.#publisher) {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'studio-preview-button',
            disabled: busy,
            onclick: () => this.#run('capturing', () => this.#preview()),
          },
          this.#stream ? t('live.studio.preview_again') : t('live.studio.preview_start'),
        ),
      );
    }
    if (state !== 'live') {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            id: 'studio-go-live',
            disabled: busy || state !== 'lobby',
            'aria-describedby': state === 'lobby' ? null : 'studio-go-live-hint',
            onclick: () => this.#run('going_live', () => this.#goLive(), '#studio-end'),
          },
          t('live.studio.go_live'),
        ),
      );
    }
    if (state === 'live' && this.#source !== 'encoder' && !this.#publisher) {
      // Live, but this page sends nothing: it was reloaded, or its connection failed.
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            id: 'studio-resume',
            disabled: busy,
            onclick: () => this.#run('going_live', () => this.#publish(), '#studio-end'),
          },
          t('live.studio.resume'),
        ),
      );
    }
    if (open) buttons.push(this.#endButton(busy));
    nodes.push(h('p', { class: 'actions' }, buttons));
    if (state !== 'lobby' && state !== 'live') {
      nodes.push(
        h('p', { class: 'hint', id: 'studio-go-live-hint' }, t('live.studio.go_live_hint')),
      );
    }
    nodes.push(this.#endQuestion());
    nodes.push(this.#errorBox());
    return nodes;
  }

  #errorBox() {
    if (!this.#error) return null;
    const code = this.#error.code;
    const text =
      code === 'live.needs_https'
        ? t('live.studio.needs_https')
        : code === 'live.media_failed' || !code
          ? t('live.studio.media_failed')
          : errorMessage(this.#error);
    return h(
      'div',
      { class: 'notice notice-error', id: 'studio-error', tabindex: '-1', role: 'alert' },
      h('p', {}, text),
    );
  }

  #endButton(busy) {
    if (this.#step === 'confirm_end') return null;
    return h(
      'button',
      {
        type: 'button',
        class: 'button button-danger',
        id: 'studio-end',
        disabled: busy,
        onclick: () => {
          this.#step = 'confirm_end';
          this.#paint();
          this.querySelector('#studio-end-confirm')?.focus();
        },
      },
      t('live.studio.end'),
    );
  }

  #endQuestion() {
    if (this.#step !== 'confirm_end') return null;
    return h(
      'div',
      { class: 'notice', role: 'group', 'aria-labelledby': 'studio-end-question' },
      h('p', { id: 'studio-end-question' }, t('live.studio.end_question')),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button-danger',
            id: 'studio-end-confirm',
            onclick: () => this.#run('ending', () => this.#end(), 'h1'),
          },
          t('live.studio.end_confirm'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'studio-end-cancel',
            onclick: () => {
              this.#step = 'idle';
              this.#paint();
              this.querySelector('#studio-end')?.focus();
            },
          },
          t('live.studio.end_cancel'),
        ),
      ),
    );
  }

  #encoderBox(busy) {
    const ingest = this.#ingest;
    const copyRow = (id, label, value, secret) =>
      copyField(
        id,
        value,
        {
          label,
          copy: t('live.studio.copy'),
          copyLabel: t('live.studio.copy_label', { what: label }),
          copied: t('live.studio.copied'),
        },
        { secret },
      );
    return h(
      'div',
      { class: 'encoder-box', id: 'studio-encoder' },
      h('p', { class: 'hint' }, t('live.studio.encoder_help')),
      ingest
        ? [
            copyRow('studio-whip-url', t('live.studio.whip_url'), ingest.whip_url, false),
            copyRow('studio-token', t('live.studio.token'), ingest.ingest_token, true),
            h('p', { class: 'hint' }, t('live.studio.token_once')),
          ]
        : null,
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'studio-show-ingest',
            disabled: busy,
            onclick: () => this.#run('issuing', () => this.#showIngest(), '#studio-whip-url'),
          },
          ingest ? t('live.studio.new_token') : t('live.studio.show_ingest'),
        ),
      ),
    );
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopFeed?.();
    this.feed?.stop();
    // Leaving the studio does not end the session: the publisher keeps the WHIP
    // session only while this page lives, so stop sending (the server waits for it).
    this.#stopPublishing({ remote: true });
  }
}

customElements.define('lf-session-studio-page', SessionStudioPage);
