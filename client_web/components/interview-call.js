// The WebRTC side of an interview room: one RTCPeerConnection per other member (a mesh
// of at most 3 people), signaling through the gateway's `signal` op (docs/interviews.md).
//
//   const call = new InterviewCall({ room, iceServers, send });
//   call.addEventListener('change', () => repaint(call));
//   await call.start(localStream);         // then send({type: 'join'}) via call.join()
//   stream.onSignal((frame) => call.handle(frame));
//
// Negotiation is the W3C "perfect negotiation" pattern: either side may offer whenever
// its tracks change (`negotiationneeded`); on glare the impolite side ignores the
// incoming offer and the polite side rolls its own back. Who is polite comes from the
// server per pair (`peer.polite`), so both ends always agree. A connection whose ICE
// fails is restarted (`restartIce()`, a new offer through the same path), and retried
// while it stays down. Signals are ephemeral: what is lost is recovered by the next
// negotiation or restart, never replayed.
//
// Media: the local stream's tracks are added to every peer with addTrack (so on glare
// the polite side's transceivers pair with the offer's m-lines). Mute and camera-off
// disable tracks; screen sharing replaces the video sender's track (no renegotiation
// unless there was no video sender). The automatic fallback (interview-quality.js) sets
// the video transceivers, then all, to "inactive": both directions stop, by negotiation.
//
// Two things, kept apart: the *rung* is what the call carries, both ways (lowered by the
// fallback or by a person's "audio only" / "text only"); what a person *sends* is the
// rung capped by the devices they joined with (`sending`). Joining with audio or text
// only leaves the rung at video: that side sends no video (no track, so its video
// transceivers answer "recvonly") and still sees and hears whatever the others send.

import { assess, nextRung, sampleStats } from './interview-quality.js';

const SAMPLE_EVERY_MS = 2000;
// ICE "disconnected" often heals by itself within seconds; restart if it does not.
const DISCONNECTED_GRACE_MS = 4000;
const RESTART_RETRY_MS = 10000;
// An offer or answer lost on the way leaves a connection half negotiated (or never
// started) for good; after this long it is rolled back and offered afresh.
const STUCK_MS = 6000;
// The longest a polite side waits for its first offer to gather before rolling it back
// (host candidates come within milliseconds; this only bounds a connection that never
// gathers, so that the signals queued behind it still flow).
const FIRST_GATHER_WAIT_MS = 2000;

export const RUNGS = ['video', 'audio', 'text'];

function kindOf(transceiver) {
  return transceiver.receiver.track?.kind ?? transceiver.sender.track?.kind ?? null;
}

class Peer {
  makingOffer = false;
  ignoreOffer = false;
  pendingCandidates = [];
  remoteStream = new MediaStream();
  quality = null;
  previousSample = null;
  restartTimer = null;
  stuckSince = null;
  rescues = 0;
  closed = false;
  #gathered = null;
  #onGathered = null;

  constructor(call, { id, role, session, polite }) {
    this.call = call;
    this.id = id;
    this.role = role;
    this.session = session;
    this.polite = Boolean(polite);
    this.pc = new RTCPeerConnection({ iceServers: call.iceServers });
    this.#gathered = new Promise((resolve) => {
      this.#onGathered = resolve;
    });
    this.#wire();
    for (const track of call.sendableTracks()) this.pc.addTrack(track, call.localStream);
  }

  get state() {
    return this.pc.connectionState;
  }

  #send(data) {
    this.call.send({ ...data, to: this.id });
  }

  #wire() {
    const pc = this.pc;
    pc.addEventListener('negotiationneeded', async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription?.type === 'offer') {
          this.#send({ type: 'offer', sdp: pc.localDescription.sdp });
        }
      } catch (error) {
        console.warn('interview: could not make an offer', error);
      } finally {
        this.makingOffer = false;
      }
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      this.#onGathered();
      // null marks the end of this generation; the contract's end-of-candidates is "".
      const init = candidate ? candidate.toJSON() : { candidate: '' };
      if (!candidate && pc.remoteDescription === null) return;
      this.#send({ type: 'candidate', candidate: init });
    });
    pc.addEventListener('track', ({ track }) => {
      for (const old of this.remoteStream.getTracks()) {
        if (old.kind === track.kind && old !== track) this.remoteStream.removeTrack(old);
      }
      this.remoteStream.addTrack(track);
      track.addEventListener('unmute', () => this.call.changed());
      track.addEventListener('mute', () => this.call.changed());
      this.call.changed();
    });
    pc.addEventListener('iceconnectionstatechange', () => this.#onIceState());
    pc.addEventListener('connectionstatechange', () => this.call.changed());
  }

  #onIceState() {
    const state = this.pc.iceConnectionState;
    if (state === 'failed') {
      this.restart();
    } else if (state === 'disconnected') {
      window.clearTimeout(this.restartTimer);
      this.restartTimer = window.setTimeout(() => {
        if (this.pc.iceConnectionState === 'disconnected') this.restart();
      }, DISCONNECTED_GRACE_MS);
    } else if (state === 'connected' || state === 'completed') {
      window.clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    this.call.changed();
  }

  /**
   * Called every few seconds: recover from a lost offer or answer, and from a connection
   * that negotiated but never began ICE (seen in Chromium after a glare that rolled back
   * a connection's first offer before it had gathered: onDescription now waits for it).
   */
  async watch(now) {
    const pc = this.pc;
    const stuck =
      !this.makingOffer && (pc.signalingState !== 'stable' || pc.connectionState === 'new');
    if (!stuck) {
      this.stuckSince = null;
      if (pc.connectionState === 'connected') this.rescues = 0;
      return;
    }
    if (this.stuckSince === null) {
      this.stuckSince = now;
      return;
    }
    if (now - this.stuckSince < STUCK_MS) return;
    this.stuckSince = null;
    this.rescues += 1;
    if (this.rescues > 1) {
      // A restart did not help: start both ends afresh (new connections on both sides).
      this.call.reset();
      return;
    }
    try {
      if (pc.signalingState === 'have-local-offer')
        await pc.setLocalDescription({ type: 'rollback' });
      this.restart();
    } catch (error) {
      console.warn('interview: could not renegotiate', error);
    }
  }

  /** ICE restart: new credentials and candidates, offered through the usual path. */
  restart() {
    if (this.closed) return;
    this.call.restarts += 1;
    this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: this.call.iceServers });
    this.pc.restartIce();
    window.clearTimeout(this.restartTimer);
    this.restartTimer = window.setTimeout(() => {
      const state = this.pc.iceConnectionState;
      if (state !== 'connected' && state !== 'completed') this.restart();
    }, RESTART_RETRY_MS);
    this.call.changed();
  }

  /** An offer or answer from this peer (perfect negotiation). */
  async onDescription(description) {
    const pc = this.pc;
    const collision =
      description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    if (collision && (this.makingOffer || pc.signalingState === 'have-local-offer')) {
      // Chromium: a connection whose first offer is rolled back before it has gathered
      // a candidate may never gather again, for the answer or for any ICE restart
      // (both ends stay "new"; only a new connection helps). Glare on a fresh
      // connection is the rule when two people join at once, so let our offer gather
      // first; the rollback itself is setRemoteDescription's (no stable moment in
      // between for negotiationneeded to make yet another offer).
      await this.#firstGathering();
    }
    await pc.setRemoteDescription(description); // rolls back a pending offer
    for (const candidate of this.pendingCandidates.splice(0)) await this.#addCandidate(candidate);
    if (description.type === 'offer') {
      this.call.applyRung(this);
      await pc.setLocalDescription();
      this.#send({ type: 'answer', sdp: pc.localDescription.sdp });
    }
  }

  /** Once this connection has gathered a candidate (or finished, or closed), or after a bound. */
  #firstGathering() {
    let timer = null;
    const bound = new Promise((resolve) => {
      timer = window.setTimeout(resolve, FIRST_GATHER_WAIT_MS);
    });
    return Promise.race([this.#gathered, bound]).finally(() => window.clearTimeout(timer));
  }

  async onCandidate(candidate) {
    if (this.pc.remoteDescription === null) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.#addCandidate(candidate);
  }

  async #addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored, or of a generation a restart replaced.
      if (!this.ignoreOffer) console.warn('interview: candidate refused', error);
    }
  }

  /** Whether this peer's video reaches us (negotiated to flow towards us). */
  receivesVideo() {
    return this.pc
      .getTransceivers()
      .some((t) => kindOf(t) === 'video' && /^(sendrecv|recvonly)$/.test(t.currentDirection ?? ''));
  }

  videoTransceiver() {
    return this.pc.getTransceivers().find((t) => !t.stopped && kindOf(t) === 'video') ?? null;
  }

  /** Send `track` as this peer's video (camera, screen, or null for none). */
  async sendVideo(track) {
    const transceiver = this.videoTransceiver();
    if (!transceiver) {
      if (track) this.pc.addTrack(track, this.call.localStream);
      return;
    }
    await transceiver.sender.replaceTrack(track);
    if (track && this.call.rung === 'video' && !transceiver.direction.startsWith('send')) {
      transceiver.direction = 'sendrecv'; // negotiationneeded follows
    }
  }

  async sample() {
    if (this.pc.connectionState !== 'connected') {
      this.quality = null;
      this.previousSample = null;
      return;
    }
    const sample = await sampleStats(this.pc);
    this.quality = assess(this.previousSample, sample);
    this.previousSample = sample;
  }

  close() {
    this.closed = true;
    this.#onGathered();
    window.clearTimeout(this.restartTimer);
    this.pc.close();
    for (const track of this.remoteStream.getTracks()) track.stop();
  }
}

export class InterviewCall extends EventTarget {
  /** account id → Peer */
  peers = new Map();
  localStream = new MediaStream();
  /** What the person chose before joining: which of their devices to send. */
  micOn = true;
  cameraOn = true;
  screenTrack = null;
  /** What the call carries, both ways: 'video', 'audio' or 'text' (the fallback lowers it). */
  rung = 'video';
  ladder = { rung: 'video', weak: 0 };
  /** The worst quality among the connected peers (interview-quality.js), or null. */
  quality = null;
  me = null;
  ended = false;
  replaced = false;
  restarts = 0;
  lastError = null;
  /** The last signals in and out ("in:offer", "out:answer", "err:code"), for diagnosis. */
  trace = [];
  #timer = null;
  #cameraTrack = null;
  // Signals are applied one at a time, in arrival order: a candidate waits for the
  // description before it, and a peer exists before its first offer is applied.
  #inbox = Promise.resolve();

  constructor({ room, iceServers, send }) {
    super();
    this.room = room;
    this.iceServers = iceServers;
    this.send = (data) => {
      this.#note(`out:${data.type}`);
      return send(data);
    };
  }

  #note(entry) {
    this.trace.push(entry);
    if (this.trace.length > 60) this.trace.splice(0, this.trace.length - 60);
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  /** Begin with these local tracks (any of audio, video, or none: text only). */
  start(stream) {
    this.localStream = stream ?? new MediaStream();
    this.#cameraTrack = this.localStream.getVideoTracks()[0] ?? null;
    this.cameraOn = this.#cameraTrack !== null;
    this.micOn = this.localStream.getAudioTracks().length > 0;
    this.#timer = window.setInterval(() => this.#sample(), SAMPLE_EVERY_MS);
  }

  /**
   * What this person sends: the rung, capped by their devices ('video' with a camera or a
   * shared screen, 'audio' with a microphone, else 'text'). The room's controls follow it.
   */
  get sending() {
    const video = this.localStream.getVideoTracks().length > 0 || this.screenTrack !== null;
    const audio = this.localStream.getAudioTracks().length > 0;
    if (this.rung === 'video' && video) return 'video';
    if (this.rung !== 'text' && audio) return 'audio';
    return 'text';
  }

  /**
   * Send a device's track the person joined without (a camera turned on after joining
   * with audio only): added to every connection, negotiated as usual.
   */
  addLocalTrack(track) {
    this.localStream.addTrack(track);
    if (track.kind === 'video') {
      this.#cameraTrack = track;
      this.cameraOn = true;
    } else {
      this.micOn = true;
    }
    for (const peer of this.peers.values()) {
      const known = peer.pc
        .getTransceivers()
        .some((transceiver) => !transceiver.stopped && kindOf(transceiver) === track.kind);
      if (known) this.applyRung(peer);
      else if (this.sendableTracks().includes(track)) peer.pc.addTrack(track, this.localStream);
    }
    this.changed();
  }

  /** Enter the room (again after a reconnect: the server answers with every peer). */
  join() {
    return this.send({ type: 'join' });
  }

  sendableTracks() {
    if (this.rung === 'text') return [];
    return this.localStream
      .getTracks()
      .filter((track) => track.readyState === 'live')
      .filter((track) => track.kind === 'audio' || this.rung === 'video');
  }

  /** A frame from the gateway: {op: 'signal', from, data} or {op: 'error', code}. */
  handle(frame) {
    this.#inbox = this.#inbox.then(() => this.#apply(frame));
    return this.#inbox;
  }

  async #apply(frame) {
    if (frame.room !== this.room) return;
    this.#note(frame.op === 'error' ? `err:${frame.code}` : `in:${frame.data?.type}`);
    if (frame.op === 'error') {
      // A peer that is away now gets a fresh `peer` when it is back: nothing to show.
      if (frame.code === 'signal.peer_absent') return;
      if (frame.code === 'signal.not_joined') this.join();
      this.lastError = frame.code;
      this.changed();
      return;
    }
    const data = frame.data ?? {};
    try {
      await this.#dispatch(frame.from, data);
    } catch (error) {
      console.warn('interview: signal not applied', data.type, error);
    }
  }

  async #dispatch(from, data) {
    switch (data.type) {
      case 'joined':
        if (this.me && this.me.session !== data.you.session) {
          // A new connection of ours: every peer will hear of it and start afresh.
          for (const peer of this.peers.values()) peer.close();
          this.peers.clear();
        }
        this.me = data.you;
        this.lastError = null;
        break;
      case 'peer': {
        const known = this.peers.get(data.peer.id);
        if (known && known.session === data.peer.session) return;
        known?.close();
        this.peers.set(data.peer.id, new Peer(this, data.peer));
        break;
      }
      case 'offer':
      case 'answer': {
        const peer = this.#peerFor(from, data);
        if (peer) await peer.onDescription({ type: data.type, sdp: data.sdp });
        return;
      }
      case 'candidate': {
        const peer = this.#peerFor(from, data);
        if (peer) await peer.onCandidate(data.candidate);
        return;
      }
      case 'bye':
        if (data.reason === 'ended' || data.reason === 'replaced') {
          this.ended = data.reason === 'ended';
          this.replaced = data.reason === 'replaced';
          this.#closePeers();
        } else if (data.peer) {
          // A late bye of a connection the peer already replaced (a reload) is old news.
          const known = this.peers.get(data.peer.id);
          if (!known || (data.peer.session && data.peer.session !== known.session)) return;
          known.close();
          this.peers.delete(data.peer.id);
        }
        break;
      default:
        return;
    }
    this.changed();
  }

  /** The peer a description or candidate is for, if it is from its current session. */
  #peerFor(from, data) {
    const peer = this.peers.get(from);
    if (!peer || (data.session && data.session !== peer.session)) return null;
    return peer;
  }

  setMic(on) {
    this.micOn = on;
    for (const track of this.localStream.getAudioTracks()) track.enabled = on;
    this.changed();
  }

  setCamera(on) {
    this.cameraOn = on;
    if (this.#cameraTrack) this.#cameraTrack.enabled = on;
    this.changed();
  }

  /** Share a screen (a track from getDisplayMedia), or stop sharing with null. */
  async shareScreen(track) {
    const previous = this.screenTrack;
    this.screenTrack = track;
    if (previous && previous !== track) previous.stop();
    const sent = track ?? (this.rung === 'video' ? this.#cameraTrack : null);
    if (track) {
      track.addEventListener('ended', () => {
        if (this.screenTrack === track) this.shareScreen(null);
      });
    }
    await Promise.all([...this.peers.values()].map((peer) => peer.sendVideo(sent)));
    this.changed();
  }

  /** Step the whole call down (or, by a person's choice, back up) to `rung`. */
  setRung(rung) {
    if (rung === this.rung) return;
    this.rung = rung;
    this.ladder = { rung, weak: 0 };
    for (const peer of this.peers.values()) this.applyRung(peer);
    this.changed();
  }

  /** Make `peer`'s transceivers follow the rung (negotiation carries it to the other side). */
  applyRung(peer) {
    for (const transceiver of peer.pc.getTransceivers()) {
      if (transceiver.stopped) continue;
      const kind = kindOf(transceiver);
      const allowed = this.rung === 'video' || (this.rung === 'audio' && kind === 'audio');
      const sending =
        kind === 'audio'
          ? this.localStream.getAudioTracks().length > 0
          : Boolean(this.screenTrack || this.#cameraTrack);
      const direction = !allowed ? 'inactive' : sending ? 'sendrecv' : 'recvonly';
      if (transceiver.direction !== direction) transceiver.direction = direction;
      if (allowed && sending && !transceiver.sender.track) {
        const track =
          kind === 'audio'
            ? this.localStream.getAudioTracks()[0]
            : (this.screenTrack ?? this.#cameraTrack);
        if (track) transceiver.sender.replaceTrack(track);
      }
    }
  }

  async #sample() {
    const peers = [...this.peers.values()];
    const now = performance.now();
    await Promise.all(peers.map((peer) => peer.watch(now)));
    await Promise.all(peers.map((peer) => peer.sample().catch(() => null)));
    const measured = peers.map((peer) => peer.quality).filter(Boolean);
    const order = ['good', 'fair', 'poor', 'none'];
    const flowing = measured.filter((quality) => quality.level !== 'none');
    const pool = flowing.length > 0 ? flowing : measured;
    this.quality =
      pool.length === 0
        ? null
        : pool.reduce((worst, q) =>
            order.indexOf(q.level) > order.indexOf(worst.level) ? q : worst,
          );
    if (this.quality && this.rung !== 'text') {
      const next = nextRung(this.ladder, this.quality);
      if (next.rung !== this.rung) {
        this.setRung(next.rung);
        this.dispatchEvent(new CustomEvent('stepdown', { detail: { rung: next.rung } }));
      } else {
        this.ladder = next;
      }
    }
    this.changed();
  }

  /**
   * Leave and join the room again: every peer closes its connection to us on `bye` and
   * makes a new one on the `peer` that follows our `join`; so do we.
   */
  reset() {
    if (this.ended || this.replaced) return;
    this.#closePeers();
    this.send({ type: 'bye' });
    this.join();
    this.changed();
  }

  #closePeers() {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
  }

  /** Hang up: tell the room, close every connection, stop the devices. */
  close({ bye = true } = {}) {
    window.clearInterval(this.#timer);
    this.#timer = null;
    if (bye && !this.ended && !this.replaced) this.send({ type: 'bye' });
    this.#closePeers();
    for (const track of this.localStream.getTracks()) track.stop();
    this.screenTrack?.stop();
  }
}
