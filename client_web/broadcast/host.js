// The host test page: camera + microphone → WHIP. The full studio comes with the
// featured-sessions issue.
import { end, endpoint, negotiate } from './whip.js';

const form = document.getElementById('publish');
const stopButton = document.getElementById('stop');
const startButton = document.getElementById('start');
const statusLine = document.getElementById('status');
const preview = document.getElementById('preview');
const params = new URLSearchParams(location.search);
form.elements.broadcast.value = params.get('broadcast') || '';

let session = null; // { pc, url, token, stream }

function show(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

async function start(event) {
  event.preventDefault();
  startButton.disabled = true;
  const token = form.elements.token.value.trim();
  const broadcast = form.elements.broadcast.value.trim();
  show('connecting', 'Connecting…');
  let pc = null;
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: 1280, height: 720, frameRate: 30 },
      audio: true,
    });
    preview.srcObject = stream;
    // No ICE servers from here: host candidates; a TURN-backed studio is later work.
    pc = new RTCPeerConnection({ iceServers: [] });
    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    }
    const url = await negotiate(endpoint(broadcast, 'whip'), pc, token);
    session = { pc, url, token, stream };
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') show('live', 'Live.');
      if (pc.connectionState === 'failed') show('failed', 'The connection failed.');
    });
    show('negotiated', 'Negotiated; waiting for the connection…');
    stopButton.disabled = false;
  } catch (error) {
    pc?.close();
    stream?.getTracks().forEach((track) => track.stop());
    show('error', `${error.code || 'error'}: ${error.message}`);
    startButton.disabled = false;
  }
}

async function stop() {
  if (!session) return;
  stopButton.disabled = true;
  const { pc, url, token, stream } = session;
  session = null;
  try {
    await end(url, token);
  } finally {
    pc.close();
    stream.getTracks().forEach((track) => track.stop());
    preview.srcObject = null;
    show('ended', 'Ended.');
    startButton.disabled = false;
  }
}

form.addEventListener('submit', start);
stopButton.addEventListener('click', stop);
// For tests and diagnostics: the live peer connection.
window.livefairHost = { session: () => session };
