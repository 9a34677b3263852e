// WHIP (RFC 9725) and WHEP over fetch: POST an SDP offer, get 201 + answer + Location,
// DELETE the Location to end. Candidates are gathered before the offer is sent (the
// server offers no trickle ICE), so waiting for gathering is bounded here.

import { csrfToken } from '../api.js';

const GATHER_TIMEOUT_MS = 3000;

/** A signed-in page's state changes carry the CSRF header (docs/api.md); a bearer does not. */
function csrfHeaders(token) {
  const csrf = token ? null : csrfToken();
  return csrf ? { 'X-CSRF-Token': csrf } : {};
}

/** Resolve when ICE gathering completes, or after `timeoutMs` with what was found. */
export function gathered(pc, timeoutMs = GATHER_TIMEOUT_MS) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** An error the server answered with (application/problem+json), keeping its code. */
export class ProblemError extends Error {
  constructor(status, body) {
    super(body.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || 'server.error';
    this.body = body;
  }
}

/**
 * Offer `pc` to a WHIP or WHEP endpoint; apply the answer. Returns the session URL.
 * `token` is sent as a Bearer token (WHIP ingest); `extraHeaders` go along as they are.
 */
export async function negotiate(endpoint, pc, token = null, extraHeaders = {}) {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const headers = { ...extraHeaders, ...csrfHeaders(token), 'Content-Type': 'application/sdp' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers,
    body: pc.localDescription.sdp,
  });
  if (response.status !== 201) {
    let body = {};
    try {
      body = await response.json();
    } catch {
      body = { detail: await response.text().catch(() => '') };
    }
    throw new ProblemError(response.status, body);
  }
  const answer = await response.text();
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return new URL(response.headers.get('Location'), endpoint).href;
}

/** End a WHIP or WHEP session. */
export async function end(sessionUrl, token = null) {
  const headers = token ? { Authorization: `Bearer ${token}` } : csrfHeaders(null);
  const response = await fetch(sessionUrl, { method: 'DELETE', headers });
  return response.status;
}

export function endpoint(broadcastId, kind) {
  return new URL(`/api/broadcasts/${encodeURIComponent(broadcastId)}/${kind}`, location.href).href;
}
