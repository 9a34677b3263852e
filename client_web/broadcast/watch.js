// The viewer test page: WHEP → <video>. Opened as watch.html?broadcast=<id>.
import { end, endpoint, negotiate } from './whip.js';

const video = document.getElementById('video');
const statusLine = document.getElementById('status');
const leaveButton = document.getElementById('leave');
const broadcast = new URLSearchParams(location.search).get('broadcast');

let session = null; // { pc, url }

function show(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

function ended(text) {
  if (!session) return;
  const { pc } = session;
  session = null;
  for (const receiver of pc.getReceivers()) receiver.track.stop();
  pc.close();
  leaveButton.disabled = true;
  show('ended', text);
}

async function watch() {
  if (!broadcast) {
    show('error', 'No broadcast given (watch.html?broadcast=…).');
    return;
  }
  show('connecting', 'Connecting…');
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const stream = new MediaStream();
  video.srcObject = stream;
  pc.addEventListener('track', (event) => stream.addTrack(event.track));
  try {
    const url = await negotiate(endpoint(broadcast, 'whep'), pc);
    session = { pc, url };
  } catch (error) {
    pc.close();
    const retry = error.status === 503 ? ' Try again shortly.' : '';
    show('error', `${error.code || 'error'}: ${error.message}.${retry}`);
    return;
  }
  leaveButton.disabled = false;
  // The server ends a broadcast by closing every viewer's connection: the DTLS
  // transport closes (or, if that alert is lost, ICE fails).
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') show('watching', 'Watching.');
    if (pc.connectionState === 'closed' || pc.connectionState === 'failed') {
      ended('The broadcast has ended.');
    }
  });
  for (const transceiver of pc.getTransceivers()) {
    const transport = transceiver.receiver.transport;
    transport?.addEventListener('statechange', () => {
      if (transport.state === 'closed' || transport.state === 'failed') {
        ended('The broadcast has ended.');
      }
    });
  }
}

leaveButton.addEventListener('click', async () => {
  if (!session) return;
  const { url } = session;
  await end(url).catch(() => {});
  ended('You left.');
});

// For tests and diagnostics: the live peer connection.
window.livefairWatch = { session: () => session };
watch();
