// The signed-in account's notifications, shared by the header's link
// (notification-link.js) and the notification centre (/me/notifications). It follows
// `me` through queue-store's one subscription (onMeFrame):
//
//   snapshot {unread_notifications, …}                 → unreadCount(); listeners get
//                                                        {type: 'snapshot'} (read again)
//   notification.created {id, kind, data, created_at}  → unreadCount() + 1; listeners
//                                                        get {type: 'created', notification}
//   notification.read {id}                             → listeners get {type: 'read', id};
//                                                        the count is read again
//
// The count is read again (GET /api/me/notifications?unread_only=true&limit=1, its
// `unread`) on start() (the snapshot may have reached queue-store before this listener,
// or someone else may have signed in), after every read mark and on notification.read.
// An answer older than a snapshot or an event that changed the count since the request
// is thrown away and the count asked again, so a slow answer never turns the badge back.

import { api } from '../api.js';
import { onMeFrame } from './queue-store.js';

const listeners = new Set();
let unread = null; // null until known
let version = 0; // bumped by every snapshot or event that sets the count
let reading = null;
let readAgain = false;

function tell(change) {
  for (const listener of [...listeners]) {
    try {
      listener(change);
    } catch (error) {
      console.error('notification listener failed', error);
    }
  }
}

function setCount(count) {
  unread = Math.max(0, count);
  tell({ type: 'count' });
}

function onFrame(frame) {
  if (frame.op === 'snapshot') {
    const count = frame.data?.unread_notifications;
    if (Number.isInteger(count)) {
      version += 1;
      setCount(count);
    }
    tell({ type: 'snapshot' }); // after a reconnect events may have been missed
  } else if (frame.op === 'event' && frame.type === 'notification.created') {
    version += 1;
    const notification = {
      data: {},
      created_at: frame.at ?? new Date().toISOString(),
      ...frame.data,
      read: false,
    };
    setCount((unread ?? 0) + 1);
    tell({ type: 'created', notification });
  } else if (frame.op === 'event' && frame.type === 'notification.read') {
    tell({ type: 'read', id: frame.data.id });
    recount();
  }
}

/** How many notifications are unread (null until known). */
export function unreadCount() {
  return unread;
}

/** Be told of every change ({type: 'count' | 'created' | 'read' | 'snapshot'}); returns
 * a function that stops it. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Follow the signed-in account's notifications (one listener however often it is called)
 * and read the count: the header calls it whenever it shows the bell, after a sign-in too.
 */
export function start() {
  onMeFrame(onFrame); // every time: after a sign-in `me` may have been refused before
  recount();
}

/** Read the unread count from the API (one request at a time; see the top). */
export function recount() {
  if (reading) {
    readAgain = true;
    return reading;
  }
  const asked = version;
  reading = api('/api/me/notifications?unread_only=true&limit=1')
    .then((found) => {
      if (version === asked) setCount(found.unread);
      else readAgain = true;
    })
    .catch(() => {
      // signed out or offline: the next snapshot carries the count
    })
    .finally(() => {
      reading = null;
      if (readAgain) {
        readAgain = false;
        recount();
      }
    });
  return reading;
}

/** Mark one notification as read (markNotificationRead), then read the count again. */
export async function markRead(id) {
  await api(`/api/me/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });
  tell({ type: 'read', id });
  recount();
}
