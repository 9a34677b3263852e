// Media of a featured session in the browser: the host's capture (camera or screen,
// microphone) published over WHIP, and the viewer's player over WHEP. The signalling
// itself is broadcast/whip.js (one way to speak WHIP/WHEP in this client).
//
// ICE servers come from the server (the `Link: rel="ice-server"` list of the session's
// data, empty in tests and on a LAN); never a public STUN server by default.

import { end, negotiate } from '../broadcast/whip.js';

/** What the host captures: 'camera' or 'screen', with or without the microphone. */
export async function capture(source, microphone) {
  if (!navigator.mediaDevices) {
    // Browsers offer cameras to secure pages only (HTTPS, or this computer's own address).
    throw Object.assign(new Error('no media devices on this page'), { code: 'live.needs_https' });
  }
  if (source === 'screen') {
    const screen = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: 30 },
      audio: false,
    });
    if (!microphone) return screen;
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    return new MediaStream([...screen.getVideoTracks(), ...mic.getAudioTracks()]);
  }
  return navigator.mediaDevices.getUserMedia({
    video: { width: 1280, height: 720, frameRate: 30 },
    audio: microphone,
  });
}

export function stopStream(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/**
 * Publish `stream` to `whipUrl` with the ingest `token`. Resolves once the server has
 * answered; `onState(state)` follows the connection ('connected', 'failed', 'closed').
 * Returns { pc, url, stop() } — stop() ends the WHIP session (DELETE) and closes.
 */
export async function publish(whipUrl, token, stream, { iceServers = [], onState } = {}) {
  const pc = new RTCPeerConnection({ iceServers });
  for (const track of stream.getTracks()) {
    pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  }
  pc.addEventListener('connectionstatechange', () => onState?.(pc.connectionState));
  let url;
  try {
    url = await negotiate(whipUrl, pc, token);
  } catch (error) {
    pc.close();
    throw error;
  }
  let stopped = false;
  return {
    pc,
    url,
    async stop({ remote = true } = {}) {
      if (stopped) return;
      stopped = true;
      try {
        if (remote) await end(url, token).catch(() => {});
      } finally {
        pc.close();
      }
    },
  };
}

/**
 * Play the session's WHEP stream in `video`. `onState(state)` gets 'connecting',
 * 'watching' and 'ended' (the server closed the connection: the broadcast ended or
 * this node lost it). Returns { pc, url, stop() }.
 */
export async function watch(whepUrl, video, { iceServers = [], onState, headers } = {}) {
  const pc = new RTCPeerConnection({ iceServers });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const stream = new MediaStream();
  video.srcObject = stream;
  pc.addEventListener('track', (event) => stream.addTrack(event.track));
  let over = false;
  const finish = () => {
    if (over) return;
    over = true;
    for (const receiver of pc.getReceivers()) receiver.track?.stop();
    pc.close();
    onState?.('ended');
  };
  onState?.('connecting');
  let url;
  try {
    url = await negotiate(whepUrl, pc, null, headers);
  } catch (error) {
    over = true;
    pc.close();
    throw error;
  }
  // The server ends a broadcast by closing every viewer's connection: DTLS closes
  // (or, if that alert is lost, ICE fails).
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') onState?.('watching');
    if (pc.connectionState === 'closed' || pc.connectionState === 'failed') finish();
  });
  for (const transceiver of pc.getTransceivers()) {
    const transport = transceiver.receiver.transport;
    transport?.addEventListener('statechange', () => {
      if (transport.state === 'closed' || transport.state === 'failed') finish();
    });
  }
  return {
    pc,
    url,
    async stop() {
      if (over) return;
      over = true;
      await end(url).catch(() => {});
      for (const receiver of pc.getReceivers()) receiver.track?.stop();
      pc.close();
    },
  };
}

/** Video frames decoded so far (for tests and the studio's "is it flowing" hint). */
export async function framesDecoded(pc) {
  for (const report of (await pc.getStats()).values()) {
    if (report.type === 'inbound-rtp' && report.kind === 'video') return report.framesDecoded ?? 0;
  }
  return 0;
}
