// The event-stream client: the boundary where the real-time gateway's client plugs in.
//
// NOT IMPLEMENTED YET. The gateway issue replaces the body of this module; until then
// every function throws StreamUnavailable, and nothing in the shell calls it.
//
// The interface it will implement (the frames are those of DESIGN.md, "The event
// stream"). One WebSocket per browser tab, opened on first subscribe, reconnecting with
// the last `seq` seen per topic:
//
//   const subscription = subscribe('booth:42', since, (message) => { … });
//     topic    "fair:ID" | "venue:ID" | "booth:ID" | "booth:ID:staff" | "session:ID" | "me"
//     since    the last seq this page has applied, or null for a snapshot first
//     onEvent  called in seq order per topic with each server frame for the topic:
//              { op: "snapshot", topic, seq, recovered, data }
//              { op: "event", topic, seq, type, at, data }
//              { op: "presence", topic, count }
//              { op: "error", code, message }   (code mapped to text via errors.*)
//   unsubscribe(subscription)
//
// Pages must unsubscribe when they leave (disconnectedCallback).

export class StreamUnavailable extends Error {
  constructor(what) {
    super(`${what}: the live event stream is not available yet (the gateway issue adds it)`);
    this.name = 'StreamUnavailable';
    this.code = 'stream.unavailable';
  }
}

/**
 * Subscribe to a topic.
 * @param {string} topic
 * @param {number|null} since
 * @param {(message: object) => void} onEvent
 * @returns {{ topic: string }} a handle for unsubscribe()
 */
// eslint-disable-next-line no-unused-vars
export function subscribe(topic, since, onEvent) {
  throw new StreamUnavailable('subscribe');
}

/** Stop receiving a topic. */
// eslint-disable-next-line no-unused-vars
export function unsubscribe(subscription) {
  throw new StreamUnavailable('unsubscribe');
}
