// The interview room (/interviews/<id>; the id is the ticket's, docs/interviews.md).
//
// Three stages:
// - lobby: a device check before joining — the camera's preview, the microphone's level,
//   a choice of devices — and three ways in: video, audio only, text only. Without
//   camera permission (or without a camera) it still offers audio or text.
// - room: the other people's video (components/interview-call.js: perfect negotiation,
//   ICE restarts, the automatic fallback to audio and then text), mute, camera off,
//   screen share, the connection's quality from getStats, the countdown to the booth's
//   slot end (staff may extend it), the text chat (kept with the interview), and for
//   staff the side panel: the candidate, notes, outcome (components/interview-panel.js).
// - ended: what happened, the chat, and the way back.
//
// A reload comes back into the room with the way in chosen before (sessionStorage): the
// server replaces the old connection and the peers start afresh.
//
// Repaints: the page redraws its structure only when something structural changes (the
// stage, who is connected, a button's state); the countdown and the quality indicator
// change their text in place, and video elements are made once per stream, so playing
// media is never interrupted by a redraw.

import { api, errorMessage } from '../api.js';
import { currentFair } from '../fair.js';
import { InterviewCall } from '../components/interview-call.js';
import { InterviewChat } from '../components/interview-chat.js';
import { InterviewPanel } from '../components/interview-panel.js';
import { boothName } from '../components/structure-text.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { announce } from '../notices.js';
import { onSignal, onStatus, sendSignal, status, subscribe, unsubscribe } from '../stream.js';

const EXTEND_MINUTES = 5;
const WARN_BEFORE_S = 60;
const LEVEL_EVERY_MS = 100;
// Signaling errors a person should see (the others are recovered by renegotiation).
const SHOWN_SIGNAL_ERRORS = new Set(['auth.forbidden', 'interview.ended', 'interview.not_found']);

function modeKey(id) {
  return `livefair.interview.${id}.mode`;
}

function rememberedMode(id) {
  try {
    return window.sessionStorage.getItem(modeKey(id));
  } catch {
    return null;
  }
}

function rememberMode(id, mode) {
  try {
    if (mode) window.sessionStorage.setItem(modeKey(id), mode);
    else window.sessionStorage.removeItem(modeKey(id));
  } catch {
    // storage disabled: a reload shows the lobby again
  }
}

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(s / 60);
  return `${minutes}:${String(s % 60).padStart(2, '0')}`;
}

/** A <video> that plays a stream; muted (remote sound goes through its own <audio>). */
function videoFor(stream, { id, label }) {
  const video = h('video', { id, autoplay: true, playsinline: true, 'aria-label': label });
  video.muted = true;
  video.srcObject = stream;
  return video;
}

class InterviewPage extends Page {
  #subscription = null;
  #stopSignal = null;
  #stopStatus = null;
  #root = null;
  #signature = '';
  #timer = null;
  #level = null;
  #preview = null; // lobby: { stream, devices, error }
  #tiles = new Map(); // peer id → { session, video, audio, stream }
  #localVideo = null;
  #quality = null;
  #countdown = null;
  #warned = false;
  #iceTimer = null;

  model = null;

  async load(signal) {
    const id = this.params.id;
    const interview = await api(`/api/interviews/${encodeURIComponent(id)}`, { signal });
    const [booth, fair] = await Promise.all([
      api(`/api/booths/${encodeURIComponent(interview.booth_id)}`, { signal }).catch(() => null),
      currentFair().catch(() => null),
    ]);
    const zone = fair?.time_zone ?? 'Asia/Shanghai';
    const names = new Map(interview.members.map((m) => [m.account_id, m.display_name]));
    const staff = interview.you.role !== 'candidate';
    const model = {
      id,
      interview,
      booth,
      zone,
      staff,
      stage: interview.state === 'live' ? 'lobby' : 'ended',
      call: null,
      mode: null,
      busy: false,
      error: null, // text of the last failed action
      outcomeError: null,
      notice: null, // text: the automatic fallback, a replaced tab, …
      chat: new InterviewChat({ interviewId: id, zone, names }),
      panel: null,
      names,
      soundBlocked: false,
    };
    model.chat.add(interview.chat ?? []);
    if (staff) {
      model.panel = new InterviewPanel({
        interviewId: id,
        zone,
        onOutcome: (outcome) => this.#record(outcome),
        onCorrect: (outcome) => this.#correct(outcome),
        repaint: (focus = null) => this.#draw({ force: true, focus }),
      });
    }
    this.model = model;
    this.#subscription = subscribe(`interview:${id}`, null, (frame) => this.#onTopic(frame));
    this.#stopSignal = onSignal((frame) => this.model.call?.handle(frame));
    this.#stopStatus = onStatus((state) => {
      if (state === 'open' && this.model.call) this.model.call.join();
    });
    this.#timer = window.setInterval(() => this.#tick(), 1000);
    const remembered = rememberedMode(id);
    if (model.stage === 'lobby' && remembered) {
      this.#join(remembered, { rejoin: true });
    } else if (model.stage === 'lobby') {
      this.#startPreview();
    }
    return model;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.#subscription) unsubscribe(this.#subscription);
    this.#subscription = null;
    this.#stopSignal?.();
    this.#stopStatus?.();
    window.clearInterval(this.#timer);
    window.clearInterval(this.#level?.timer);
    window.clearTimeout(this.#iceTimer);
    this.#stopPreview();
    this.model?.call?.close();
  }

  heading({ booth }) {
    return booth ? t('interview.title', { booth: boothName(booth) }) : t('interview.title_plain');
  }

  // -- the topic: the record, chat, extensions, the end ----------------------------

  #onTopic(frame) {
    const model = this.model;
    if (frame.op === 'snapshot') {
      model.interview = { ...model.interview, ...frame.data };
      model.chat.add(frame.data.chat ?? []);
      for (const m of frame.data.members ?? []) model.names.set(m.account_id, m.display_name);
    } else if (frame.op === 'event') {
      const data = frame.data;
      switch (frame.type) {
        case 'interview.chat':
          model.chat.add([data.message]);
          break;
        case 'interview.member':
          model.interview.members = [
            ...model.interview.members.filter((m) => m.account_id !== data.member.account_id),
            data.member,
          ];
          model.names.set(data.member.account_id, data.member.display_name);
          break;
        case 'interview.extended':
          model.interview.ends_at = data.ends_at;
          this.#warned = false;
          announce(t('interview.timer.extended'));
          break;
        case 'interview.ended':
          Object.assign(model.interview, { state: 'ended', ...data });
          break;
        case 'interview.outcome':
          Object.assign(model.interview, { state: 'recorded', ...data });
          // The interviewers' side (notes, until when a correction is allowed) is not on
          // the topic: read it again.
          if (model.staff) this.#refresh();
          break;
        default:
          return;
      }
    } else {
      return;
    }
    if (model.interview.state !== 'live' && model.stage !== 'ended') this.#leaveRoom();
    this.#draw();
  }

  // -- the lobby: device check -----------------------------------------------------

  async #startPreview(constraints = { audio: true, video: true }) {
    this.#stopPreview();
    const preview = { stream: null, devices: [], error: null, audio: false, video: false };
    this.#preview = preview;
    if (!navigator.mediaDevices?.getUserMedia) {
      preview.error = 'unsupported';
    } else {
      try {
        preview.stream = await navigator.mediaDevices.getUserMedia(constraints);
      } catch (error) {
        // No camera, or no permission for it: try the microphone alone.
        preview.error = error?.name === 'NotAllowedError' ? 'denied' : 'no_camera';
        try {
          preview.stream = await navigator.mediaDevices.getUserMedia({ audio: constraints.audio });
        } catch (second) {
          console.warn('interview: no microphone either', second);
          preview.stream = null;
        }
      }
      try {
        preview.devices = await navigator.mediaDevices.enumerateDevices();
      } catch {
        preview.devices = [];
      }
    }
    if (this.#preview !== preview || !this.isConnected) {
      preview.stream?.getTracks().forEach((track) => track.stop());
      return;
    }
    preview.audio = Boolean(preview.stream?.getAudioTracks().length);
    preview.video = Boolean(preview.stream?.getVideoTracks().length);
    this.#localVideo = preview.video
      ? videoFor(preview.stream, { id: 'interview-preview', label: t('interview.lobby.preview') })
      : null;
    this.#meter(preview.stream);
    this.#draw();
  }

  #stopPreview(keep = null) {
    window.clearInterval(this.#level?.timer);
    this.#level?.context?.close?.();
    this.#level = null;
    const stream = this.#preview?.stream;
    if (stream && stream !== keep) stream.getTracks().forEach((track) => track.stop());
    this.#preview = null;
  }

  /** The microphone's level on a <meter>, so a person sees that they are heard. */
  #meter(stream) {
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (!stream?.getAudioTracks().length || !Context) return;
    try {
      const context = new Context();
      const analyser = context.createAnalyser();
      analyser.fftSize = 512;
      context.createMediaStreamSource(stream).connect(analyser);
      const samples = new Uint8Array(analyser.fftSize);
      const meter = h('meter', {
        id: 'interview-mic-level',
        min: '0',
        max: '1',
        value: '0',
        'aria-labelledby': 'interview-mic-level-label',
      });
      const timer = window.setInterval(() => {
        analyser.getByteTimeDomainData(samples);
        let peak = 0;
        for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128) / 128);
        meter.value = Math.min(1, peak * 2);
      }, LEVEL_EVERY_MS);
      this.#level = { context, meter, timer };
    } catch {
      this.#level = null;
    }
  }

  #chooseDevice(kind, deviceId) {
    const current = this.#preview?.stream;
    const pick = (k) => {
      const track = k === 'audio' ? current?.getAudioTracks()[0] : current?.getVideoTracks()[0];
      return track?.getSettings().deviceId;
    };
    const audioId = kind === 'audio' ? deviceId : pick('audio');
    const videoId = kind === 'video' ? deviceId : pick('video');
    this.#startPreview({
      audio: audioId ? { deviceId: { exact: audioId } } : true,
      video: videoId ? { deviceId: { exact: videoId } } : true,
    });
  }

  #lobby() {
    const preview = this.#preview;
    if (!preview) return [h('p', { class: 'loading' }, t('interview.lobby.checking'))];
    const select = (kind, label) => {
      const devices = preview.devices.filter((d) => d.kind === `${kind}input` && d.deviceId);
      if (devices.length < 2) return null;
      const track =
        kind === 'audio'
          ? preview.stream?.getAudioTracks()[0]
          : preview.stream?.getVideoTracks()[0];
      const chosen = track?.getSettings().deviceId;
      return h(
        'div',
        { class: 'field' },
        h('label', { for: `interview-${kind}-device` }, label),
        h(
          'select',
          {
            id: `interview-${kind}-device`,
            onchange: (event) => this.#chooseDevice(kind, event.target.value),
          },
          devices.map((d, index) =>
            h(
              'option',
              { value: d.deviceId, selected: d.deviceId === chosen },
              d.label || t('interview.lobby.device_n', { n: index + 1 }),
            ),
          ),
        ),
      );
    };
    const status = (ok, okText, missingText) =>
      h('li', { class: ok ? 'device-ok' : 'device-missing' }, ok ? okText : missingText);
    return h(
      'section',
      { class: 'interview-lobby', 'aria-labelledby': 'interview-lobby-title' },
      h('h2', { id: 'interview-lobby-title' }, t('interview.lobby.title')),
      h('p', { class: 'intro' }, t('interview.lobby.intro')),
      h(
        'div',
        { class: 'interview-preview' },
        this.#localVideo ??
          h('p', { class: 'interview-no-video' }, t('interview.lobby.no_preview')),
      ),
      h(
        'ul',
        { class: 'plain-list interview-devices', 'aria-label': t('interview.lobby.devices') },
        status(preview.video, t('interview.lobby.camera_ok'), t('interview.lobby.camera_missing')),
        status(preview.audio, t('interview.lobby.mic_ok'), t('interview.lobby.mic_missing')),
      ),
      this.#level
        ? h(
            'p',
            { class: 'interview-level' },
            h('span', { id: 'interview-mic-level-label' }, t('interview.lobby.level')),
            ' ',
            this.#level.meter,
          )
        : null,
      preview.error === 'denied'
        ? h('p', { class: 'callout', id: 'interview-permission' }, t('interview.lobby.denied'))
        : null,
      preview.error === 'unsupported'
        ? h('p', { class: 'callout' }, t('interview.lobby.unsupported'))
        : null,
      select('video', t('interview.lobby.camera')),
      select('audio', t('interview.lobby.microphone')),
      h(
        'p',
        { class: 'actions' },
        preview.video
          ? h(
              'button',
              {
                type: 'button',
                class: 'button',
                id: 'interview-join-video',
                onclick: () => this.#join('video'),
              },
              t('interview.lobby.join_video'),
            )
          : null,
        preview.audio
          ? h(
              'button',
              {
                type: 'button',
                class: preview.video ? 'button button-secondary' : 'button',
                id: 'interview-join-audio',
                onclick: () => this.#join('audio'),
              },
              t('interview.lobby.join_audio'),
            )
          : null,
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'interview-join-text',
            onclick: () => this.#join('text'),
          },
          t('interview.lobby.join_text'),
        ),
        preview.error
          ? h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary',
                id: 'interview-retry-devices',
                onclick: () => this.#startPreview(),
              },
              t('interview.lobby.retry'),
            )
          : null,
      ),
    );
  }

  // -- the room ---------------------------------------------------------------------

  async #media(mode) {
    const preview = this.#preview?.stream;
    const wanted = { audio: mode !== 'text', video: mode === 'video' };
    let stream = new MediaStream();
    if (preview) {
      for (const track of preview.getTracks()) {
        if (wanted[track.kind]) stream.addTrack(track);
        else track.stop();
      }
    } else if (mode !== 'text') {
      stream = new MediaStream(await this.#devices(wanted)); // rejoining: ask again
    }
    this.#stopPreview(preview);
    return stream;
  }

  async #iceServers() {
    const { ice_servers: servers, expires_at: expires } = await api(
      `/api/interviews/${encodeURIComponent(this.model.id)}/ice-servers`,
    );
    window.clearTimeout(this.#iceTimer);
    if (expires) {
      // Fetch fresh TURN credentials well before they expire (used by ICE restarts).
      const wait = Math.max(60_000, (Date.parse(expires) - Date.now()) * 0.8);
      this.#iceTimer = window.setTimeout(async () => {
        const call = this.model?.call;
        if (call) call.iceServers = await this.#iceServers().catch(() => call.iceServers);
      }, wait);
    }
    return servers;
  }

  async #join(mode, { rejoin = false } = {}) {
    const model = this.model;
    model.busy = true;
    model.error = null;
    this.#draw();
    let iceServers;
    try {
      iceServers = await this.#iceServers();
    } catch (error) {
      model.busy = false;
      model.error = errorMessage(error);
      if (!this.#preview) this.#startPreview();
      this.#draw();
      return;
    }
    const stream = await this.#media(mode);
    const call = new InterviewCall({
      room: model.id,
      iceServers,
      send: (data) => sendSignal(model.id, data),
    });
    call.start(stream);
    call.addEventListener('change', () => this.#draw());
    call.addEventListener('stepdown', ({ detail }) => {
      model.notice =
        detail.rung === 'audio' ? t('interview.fallback.audio') : t('interview.fallback.text');
      announce(model.notice);
    });
    model.call = call;
    model.mode = mode;
    model.stage = 'room';
    model.busy = false;
    rememberMode(model.id, mode);
    this.#localVideo = stream.getVideoTracks().length
      ? videoFor(stream, { id: 'interview-local-video', label: t('interview.room.you') })
      : null;
    if (status() === 'open') call.join();
    this.#draw({ focus: rejoin ? null : '#interview-room-title' });
  }

  #leaveRoom() {
    const model = this.model;
    model.call?.close({ bye: false });
    model.call = null;
    model.stage = 'ended';
    rememberMode(model.id, null);
    this.#stopPreview();
    for (const tile of this.#tiles.values()) tile.audio.srcObject = null;
    this.#tiles.clear();
    this.#localVideo = null;
  }

  async #act(path, body, { focus = null } = {}) {
    const model = this.model;
    model.busy = true;
    model.error = null;
    this.#draw();
    try {
      const interview = await api(path, { method: 'POST', body });
      model.interview = { ...model.interview, ...interview };
    } catch (error) {
      model.error = errorMessage(error);
    }
    model.busy = false;
    if (model.interview.state !== 'live' && model.stage !== 'ended') this.#leaveRoom();
    this.#draw({ focus: model.error ? '#interview-error' : focus });
  }

  /**
   * "Leave" / "End": the server ends the interview for everyone (each member gets `bye`
   * "ended" and `interview.ended`); the call stays up until it answers, so a refused end
   * leaves the person in a working room with the error, and #act leaves the room after.
   */
  #end() {
    this.#act(`/api/interviews/${encodeURIComponent(this.model.id)}/end`, undefined, {
      focus: '#interview-ended-title',
    });
  }

  /**
   * "Back to audio and video": the call carries video again, and devices the person
   * joined without (audio or text only) are asked for now. What cannot be had is said;
   * the call goes on with what there is.
   */
  async #backToMedia() {
    const model = this.model;
    const call = model.call;
    if (model.busy) return;
    model.notice = null;
    model.error = null;
    call.setRung('video');
    const wanted = {
      audio: call.localStream.getAudioTracks().length === 0,
      video: call.localStream.getVideoTracks().length === 0,
    };
    if (!wanted.audio && !wanted.video) {
      this.#draw();
      return;
    }
    model.busy = true;
    this.#draw();
    const tracks = await this.#devices(wanted);
    model.busy = false;
    if (model.call !== call) {
      for (const track of tracks) track.stop();
      return;
    }
    for (const track of tracks) call.addLocalTrack(track);
    const kinds = new Set(tracks.map((track) => track.kind));
    if ((wanted.audio && !kinds.has('audio')) || (wanted.video && !kinds.has('video'))) {
      model.error = t('interview.room.devices_failed');
    }
    if (kinds.has('video')) {
      this.#localVideo = videoFor(call.localStream, {
        id: 'interview-local-video',
        label: t('interview.room.you'),
      });
    }
    rememberMode(model.id, call.sending);
    this.#draw({ focus: model.error ? '#interview-error' : null });
  }

  /** Tracks of the wanted kinds ({audio, video}); without a camera, the microphone alone. */
  async #devices(wanted) {
    if (!navigator.mediaDevices?.getUserMedia) return [];
    try {
      return (await navigator.mediaDevices.getUserMedia(wanted)).getTracks();
    } catch (error) {
      console.warn('interview: devices refused', error);
      if (!wanted.audio || !wanted.video) return [];
    }
    try {
      return (await navigator.mediaDevices.getUserMedia({ audio: true })).getTracks();
    } catch {
      return [];
    }
  }

  async #refresh() {
    try {
      const interview = await api(`/api/interviews/${encodeURIComponent(this.model.id)}`);
      if (!this.model) return;
      this.model.interview = { ...this.model.interview, ...interview };
      this.#draw({ force: true });
    } catch (error) {
      console.warn('interview: could not read the record again', error);
    }
  }

  async #record(outcome) {
    const model = this.model;
    model.busy = true;
    model.outcomeError = null;
    this.#draw();
    try {
      const body = { outcome };
      if (model.panel.notes) body.notes = model.panel.notes;
      const interview = await api(`/api/interviews/${encodeURIComponent(model.id)}/outcome`, {
        method: 'POST',
        body,
      });
      model.interview = { ...model.interview, ...interview };
      model.panel.clearDraft();
      model.panel.settle();
      announce(
        t('interview.outcome.recorded', {
          outcome: tCode('interview.outcome.', outcome, 'interview.outcome.unknown'),
        }),
      );
    } catch (error) {
      model.outcomeError = errorMessage(error);
    }
    model.busy = false;
    if (model.interview.state !== 'live' && model.stage !== 'ended') this.#leaveRoom();
    this.#draw({
      focus: model.outcomeError ? '#interview-outcome-error' : '#interview-outcome-recorded',
    });
  }

  async #correct(outcome) {
    const model = this.model;
    model.busy = true;
    model.outcomeError = null;
    this.#draw();
    try {
      const interview = await api(`/api/interviews/${encodeURIComponent(model.id)}/outcome`, {
        method: 'PATCH',
        body: { outcome, notes: model.panel.notes },
      });
      model.interview = { ...model.interview, ...interview };
      model.panel.clearDraft();
      model.panel.settle();
      announce(
        t('interview.outcome.corrected', {
          outcome: tCode('interview.outcome.', outcome, 'interview.outcome.unknown'),
        }),
      );
    } catch (error) {
      model.outcomeError = errorMessage(error);
    }
    model.busy = false;
    this.#draw({
      focus: model.outcomeError ? '#interview-outcome-error' : '#interview-outcome-recorded',
    });
  }

  async #toggleScreen() {
    const call = this.model.call;
    if (call.screenTrack) {
      await call.shareScreen(null);
      return;
    }
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
      await call.shareScreen(display.getVideoTracks()[0]);
    } catch (error) {
      if (error?.name !== 'NotAllowedError') {
        this.model.error = t('interview.room.share_failed');
        this.#draw();
      }
    }
  }

  #tile(peer) {
    let tile = this.#tiles.get(peer.id);
    if (!tile || tile.session !== peer.session) {
      if (tile) tile.audio.srcObject = null;
      const name =
        this.model.names.get(peer.id) ??
        tCode('interview.role.', peer.role, 'interview.role.unknown');
      const video = videoFor(peer.remoteStream, { id: `interview-remote-${peer.id}`, label: name });
      video.classList.add('interview-remote-video');
      const audio = h('audio', { autoplay: true });
      audio.srcObject = peer.remoteStream;
      audio.play?.().catch(() => {
        this.model.soundBlocked = true;
        this.#draw();
      });
      tile = { session: peer.session, video, audio };
      this.#tiles.set(peer.id, tile);
    }
    return tile;
  }

  #peerState(peer) {
    const state = peer.pc.connectionState;
    if (state === 'connected') return peer.receivesVideo() ? 'connected' : 'no_video';
    if (state === 'failed' || state === 'disconnected') return 'reconnecting';
    return 'connecting';
  }

  #room() {
    const model = this.model;
    const call = model.call;
    const peers = [...call.peers.values()];
    for (const id of [...this.#tiles.keys()]) if (!call.peers.has(id)) this.#tiles.delete(id);
    const toggle = (id, pressed, label, onclick, disabled = false) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          id,
          'aria-pressed': pressed ? 'true' : 'false',
          disabled: disabled || model.busy,
          onclick,
        },
        label,
      );
    const plain = (id, label, onclick) =>
      h('button', { type: 'button', class: 'button button-secondary', id, onclick }, label);
    const hasMic = call.localStream.getAudioTracks().length > 0;
    const hasCamera = call.localStream.getVideoTracks().length > 0;
    const canShare = Boolean(navigator.mediaDevices?.getDisplayMedia) && call.rung === 'video';
    const sending = call.sending;
    return h(
      'section',
      { class: 'interview-room', 'aria-labelledby': 'interview-room-title' },
      h(
        'h2',
        { id: 'interview-room-title', tabindex: '-1', class: 'visually-hidden' },
        t('interview.room.title'),
      ),
      h('div', { class: 'interview-status' }, this.#countdown.node, this.#quality.node),
      model.notice ? h('p', { class: 'callout', id: 'interview-fallback' }, model.notice) : null,
      call.replaced ? h('p', { class: 'callout' }, t('interview.room.replaced')) : null,
      call.lastError && SHOWN_SIGNAL_ERRORS.has(call.lastError)
        ? h(
            'p',
            { class: 'notice notice-error', id: 'interview-signal-error' },
            tCode('errors.code.', call.lastError, 'errors.code.unknown', { status: 0 }),
          )
        : null,
      model.soundBlocked
        ? h(
            'p',
            { class: 'actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'button',
                id: 'interview-sound',
                onclick: () => {
                  model.soundBlocked = false;
                  for (const tile of this.#tiles.values()) tile.audio.play?.().catch(() => {});
                  this.#draw();
                },
              },
              t('interview.room.sound_on'),
            ),
          )
        : null,
      h(
        'ul',
        { class: 'interview-videos', 'aria-label': t('interview.room.people') },
        peers.length === 0
          ? h(
              'li',
              { class: 'interview-tile interview-waiting' },
              h('p', {}, t('interview.room.waiting')),
            )
          : peers.map((peer) => {
              const tile = this.#tile(peer);
              const state = this.#peerState(peer);
              const name = model.names.get(peer.id) ?? '';
              return h(
                'li',
                {
                  class: `interview-tile interview-tile-${state}`,
                  dataset: { peer: peer.id, state },
                },
                tile.video,
                tile.audio,
                h(
                  'p',
                  { class: 'interview-tile-label' },
                  h('span', {}, name),
                  ' · ',
                  h(
                    'span',
                    { class: 'interview-tile-state' },
                    tCode('interview.peer.', state, 'interview.peer.connecting'),
                  ),
                ),
              );
            }),
        h(
          'li',
          { class: 'interview-tile interview-tile-self' },
          this.#localVideo && hasCamera && call.rung === 'video'
            ? this.#localVideo
            : h('p', { class: 'interview-no-video' }, t('interview.room.you_no_video')),
          h('p', { class: 'interview-tile-label' }, t('interview.room.you')),
        ),
      ),
      h(
        'div',
        { class: 'interview-controls', role: 'group', 'aria-label': t('interview.room.controls') },
        hasMic
          ? toggle('interview-mute', !call.micOn, t('interview.room.mute'), () =>
              call.setMic(!call.micOn),
            )
          : null,
        hasCamera && call.rung === 'video'
          ? toggle('interview-camera-off', !call.cameraOn, t('interview.room.camera_off'), () =>
              call.setCamera(!call.cameraOn),
            )
          : null,
        canShare
          ? toggle('interview-share', Boolean(call.screenTrack), t('interview.room.share'), () =>
              this.#toggleScreen(),
            )
          : null,
        // By what this person sends (the way they joined, then the rung), not the rung
        // alone: joined with audio only, "audio only" would change nothing.
        sending === 'video'
          ? plain('interview-to-audio', t('interview.room.to_audio'), () => call.setRung('audio'))
          : plain('interview-to-video', t('interview.room.back_to_media'), () =>
              this.#backToMedia(),
            ),
        sending !== 'text'
          ? plain('interview-to-text', t('interview.room.to_text'), () => call.setRung('text'))
          : null,
        model.staff
          ? h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary',
                id: 'interview-extend',
                disabled: model.busy,
                onclick: () =>
                  this.#act(
                    `/api/interviews/${encodeURIComponent(model.id)}/extend`,
                    { minutes: EXTEND_MINUTES },
                    { focus: '#interview-extend' },
                  ),
              },
              t('interview.timer.extend', { minutes: EXTEND_MINUTES }),
            )
          : null,
        h(
          'button',
          {
            type: 'button',
            class: 'button button-danger',
            id: 'interview-end',
            disabled: model.busy,
            onclick: () => this.#end(),
          },
          model.staff ? t('interview.room.end') : t('interview.room.leave'),
        ),
      ),
    );
  }

  #ended() {
    const { interview, staff, booth } = this.model;
    const back = staff && booth ? `/booths/${booth.id}/console` : '/me/lines';
    return h(
      'section',
      { class: 'interview-ended', 'aria-labelledby': 'interview-ended-title' },
      h('h2', { id: 'interview-ended-title', tabindex: '-1' }, t('interview.ended.title')),
      interview.duration_s !== null && interview.duration_s !== undefined
        ? h(
            'p',
            { id: 'interview-duration' },
            t('interview.ended.duration', { time: clock(interview.duration_s) }),
          )
        : null,
      interview.outcome && staff
        ? h(
            'p',
            {},
            t('interview.outcome.recorded', {
              outcome: tCode('interview.outcome.', interview.outcome, 'interview.outcome.unknown'),
            }),
          )
        : null,
      h(
        'p',
        {},
        h(
          'a',
          { href: back, class: 'back' },
          staff ? t('interview.ended.back_console') : t('interview.ended.back_lines'),
        ),
      ),
    );
  }

  // -- drawing ----------------------------------------------------------------------

  #structure() {
    const model = this.model;
    const call = model.call;
    return JSON.stringify([
      model.stage,
      model.busy,
      model.error,
      model.outcomeError,
      model.notice,
      model.soundBlocked,
      model.interview.state,
      model.interview.outcome,
      model.interview.members.length,
      model.chat.messages.length === 0,
      // The preview's fields change across awaits: all of them, so no state is missed.
      this.#preview && [
        this.#preview.error,
        this.#preview.stream?.id,
        this.#preview.audio,
        this.#preview.video,
        this.#preview.devices.length,
        Boolean(this.#level),
      ],
      call && [
        [...call.peers.values()].map((peer) => [peer.id, peer.session, this.#peerState(peer)]),
        call.micOn,
        call.cameraOn,
        Boolean(call.screenTrack),
        call.rung,
        call.sending,
        call.replaced,
        call.ended,
        call.lastError,
      ],
    ]);
  }

  render() {
    this.#countdown = { node: h('p', { class: 'interview-timer', id: 'interview-timer' }) };
    this.#quality = {
      node: h('p', { class: 'interview-quality', id: 'interview-quality', role: 'status' }),
      level: null,
    };
    this.#root = h('div', { class: 'interview' });
    this.#signature = '';
    this.#draw({ force: true });
    return this.#root;
  }

  #draw({ focus = null, force = false } = {}) {
    if (!this.#root) return;
    const signature = this.#structure();
    this.#tick();
    if (!force && signature === this.#signature && !focus) return;
    this.#signature = signature;
    const model = this.model;
    const active = document.activeElement;
    const activeId = active && this.contains(active) ? active.id : '';
    const closed = model.interview.state === 'recorded';
    const main = [
      model.error
        ? h(
            'div',
            { class: 'notice notice-error', id: 'interview-error', role: 'alert', tabindex: '-1' },
            h('p', {}, model.error),
          )
        : null,
      model.stage === 'lobby'
        ? this.#lobby()
        : model.stage === 'room'
          ? this.#room()
          : this.#ended(),
      model.chat.render({ closed }),
    ];
    const panel = model.panel?.render({
      interview: model.interview,
      busy: model.busy,
      error: model.outcomeError,
    });
    this.#root.replaceChildren(
      ...[h('div', { class: 'interview-main' }, main), panel].filter(Boolean),
    );
    this.#root.classList.toggle('interview-with-panel', Boolean(model.panel));
    for (const video of this.#root.querySelectorAll('video')) video.play?.().catch(() => {});
    const target =
      (focus && this.querySelector(focus)) ||
      (activeId && this.querySelector(`#${CSS.escape(activeId)}`));
    if (target) target.focus();
  }

  /** Every second: the countdown, and the quality indicator's text when it changes. */
  #tick() {
    const model = this.model;
    if (!model || !this.#countdown) return;
    const { interview } = model;
    const left = (Date.parse(interview.ends_at) - Date.now()) / 1000;
    const live = model.stage === 'room' && interview.ends_at;
    const text = !live
      ? ''
      : left > 0
        ? t('interview.timer.left', { time: clock(left) })
        : t('interview.timer.over', { time: clock(-left) });
    if (this.#countdown.node.textContent !== text) this.#countdown.node.textContent = text;
    this.#countdown.node.classList.toggle('interview-timer-late', live && left <= WARN_BEFORE_S);
    if (live && left <= WARN_BEFORE_S && left > 0 && !this.#warned) {
      this.#warned = true;
      announce(t('interview.timer.warning'));
    }
    const quality = model.call?.quality ?? null;
    const level = model.stage !== 'room' ? null : (quality?.level ?? 'unknown');
    if (level !== this.#quality.level) {
      this.#quality.level = level;
      this.#quality.node.dataset.level = level ?? '';
      this.#quality.node.textContent = level
        ? t('interview.quality.label', {
            level: tCode('interview.quality.', level, 'interview.quality.unknown'),
          })
        : '';
    }
  }

  title(model) {
    return this.heading(model);
  }
}

customElements.define('lf-interview-page', InterviewPage);
