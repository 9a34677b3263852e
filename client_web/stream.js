// The event-stream client: one WebSocket per tab (docs/protocol.md).
//
//   const subscription = subscribe('venue:42', null, (frame) => { … });
//     topic    "fair:ID" | "venue:ID" | "booth:ID" | "booth:ID:staff" | "session:ID" | "me"
//     since    the last seq this page has applied, or null for a snapshot first
//     onFrame  called in seq order per topic with each server frame for the topic:
//              { op: "snapshot", topic, seq, recovered, data }
//              { op: "event", topic, seq, type, at, data }
//              { op: "presence", topic, count }
//              { op: "error", code, message }   (map code to text via errors.*)
//   unsubscribe(subscription)
//
// The socket opens on the first subscribe and closes after the last unsubscribe. After
// any disconnect it waits a random time up to a back-off that doubles to 5 s (full
// jitter), reconnects and resubscribes every topic with the last seq it saw, so the
// server replays exactly what was missed (or sends a snapshot with recovered: false).
// Pages must unsubscribe when they leave (disconnectedCallback).
//
// Interview signaling rides the same socket (docs/interviews.md), ephemeral and never
// replayed: sendSignal(room, data) sends {op: "signal"}; onSignal(listener) is given
// every signal frame and every error frame about a room. The socket must be open (a
// page that signals also follows its interview's topic); after a reconnect the page
// joins its room again (onStatus).

const MAX_BACKOFF_MS = 5000;
const BASE_BACKOFF_MS = 250;

/** topic -> { seq: number|null, handlers: Set<Function> } */
const topics = new Map();
/** ref -> topic, to route error frames */
const refs = new Map();
const statusListeners = new Set();
const signalListeners = new Set();
let socket = null;
/** Sockets closed by reconnect(): whatever they still deliver is dropped. */
const retired = new WeakSet();
let attempt = 0;
let reconnectTimer = null;
let nextRef = 1;
let state = 'closed';

function setState(next) {
  if (state === next) return;
  state = next;
  for (const listener of statusListeners) listener(state);
}

/** 'closed' | 'connecting' | 'open' */
export function status() {
  return state;
}

/** Be told when the connection state changes; returns a function that stops it. */
export function onStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

function url() {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws`;
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
  }
}

function sendSubscribe(topic) {
  const entry = topics.get(topic);
  const ref = `s${nextRef++}`;
  refs.set(ref, topic);
  const frame = { op: 'subscribe', topic, ref };
  if (entry.seq !== null) frame.since = entry.seq;
  send(frame);
}

function dispatch(topic, frame) {
  const entry = topics.get(topic);
  if (!entry) return;
  for (const handler of [...entry.handlers]) {
    try {
      handler(frame);
    } catch (error) {
      console.error('stream handler failed', error);
    }
  }
}

function onMessage(message) {
  let frame;
  try {
    frame = JSON.parse(message.data);
  } catch {
    return;
  }
  if (frame.op === 'signal' || (frame.op === 'error' && frame.room)) {
    for (const listener of [...signalListeners]) {
      try {
        listener(frame);
      } catch (error) {
        console.error('signal handler failed', error);
      }
    }
    return;
  }
  let topic = frame.topic;
  if (frame.op === 'error' && frame.ref) {
    topic = refs.get(frame.ref);
    refs.delete(frame.ref);
    // A refused subscription is over: forget it so reconnects do not retry it.
    if (topic && topics.has(topic)) {
      dispatch(topic, frame);
      topics.delete(topic);
    }
    return;
  }
  if (frame.op === 'subscribed' && frame.ref) refs.delete(frame.ref);
  const entry = topic ? topics.get(topic) : undefined;
  if (!entry) return;
  if (frame.op === 'event' || frame.op === 'snapshot' || frame.op === 'subscribed') {
    if (typeof frame.seq === 'number') entry.seq = frame.seq;
  }
  if (frame.op !== 'subscribed' && frame.op !== 'unsubscribed') dispatch(topic, frame);
}

function connect() {
  if (socket || topics.size === 0) return;
  setState('connecting');
  const current = new WebSocket(url());
  socket = current;
  socket.addEventListener('open', () => {
    attempt = 0;
    setState('open');
    for (const topic of topics.keys()) sendSubscribe(topic);
  });
  // A socket being replaced (reconnect(): another account now) may still deliver what
  // was on its way: none of it reaches the page.
  socket.addEventListener('message', (message) => {
    if (!retired.has(current)) onMessage(message);
  });
  socket.addEventListener('close', (event) => {
    // 4401: the session this socket opened with ended (signed out here or elsewhere,
    // revoked from another device): the page reads the session again (session.js).
    if (event.code === 4401) window.dispatchEvent(new CustomEvent('livefair:session-ended'));
    socket = null;
    refs.clear();
    setState('closed');
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  if (reconnectTimer !== null || topics.size === 0) return;
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  attempt += 1;
  reconnectTimer = window.setTimeout(() => {
    reconnectTimer = null;
    connect();
  }, Math.random() * ceiling);
}

/**
 * Subscribe to a topic.
 * @param {string} topic
 * @param {number|null} since
 * @param {(frame: object) => void} onFrame
 * @returns {{ topic: string, onFrame: Function }} a handle for unsubscribe()
 */
export function subscribe(topic, since, onFrame) {
  let entry = topics.get(topic);
  if (!entry) {
    entry = { seq: since ?? null, handlers: new Set() };
    topics.set(topic, entry);
    if (socket && socket.readyState === WebSocket.OPEN) sendSubscribe(topic);
  } else if (since === null || since === undefined) {
    // A new follower of a topic this tab already follows needs the topic's state too:
    // ask for a fresh snapshot, which every follower applies (as after recovered: false).
    entry.seq = null;
    if (socket && socket.readyState === WebSocket.OPEN) {
      send({ op: 'unsubscribe', topic });
      sendSubscribe(topic);
    }
  }
  entry.handlers.add(onFrame);
  connect();
  return { topic, onFrame };
}

/** Stop receiving a topic (the socket closes when nothing is followed). */
export function unsubscribe(subscription) {
  const entry = topics.get(subscription.topic);
  if (!entry) return;
  entry.handlers.delete(subscription.onFrame);
  if (entry.handlers.size > 0) return;
  topics.delete(subscription.topic);
  send({ op: 'unsubscribe', topic: subscription.topic });
  if (topics.size === 0 && socket) socket.close(1000);
}

/** Send one signaling message for an interview room; false when the socket is not open. */
export function sendSignal(room, data) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  send({ op: 'signal', room, data, ref: `g${nextRef++}` });
  return true;
}

/** Be given signal frames and errors about rooms; returns a function that stops it. */
export function onSignal(listener) {
  signalListeners.add(listener);
  return () => signalListeners.delete(listener);
}

/**
 * Reconnect as whoever the cookie now says (after signing in or out: a socket keeps the
 * identity it opened with). `me` is another account's then: it starts over from a
 * snapshot instead of resuming the previous account's seq.
 */
export function reconnect() {
  const me = topics.get('me');
  if (me) me.seq = null;
  if (socket) {
    retired.add(socket);
    socket.close(1000);
  } else connect();
}
