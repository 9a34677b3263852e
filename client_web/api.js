// The HTTP client of the JSON API.
//
//   import { api } from '/api.js';
//   const fair = await api('/api/fairs/2020-private-enterprise-recruitment-month');
//   await api('/api/things', { method: 'POST', body: { name: '…' } });
//
// Every failure is thrown as an ApiError carrying the server's stable `code`, the HTTP
// `status`, the invalid `fields` of a 422 and a `message` in the current language.
// The API never localises: text comes from client_web/i18n/errors.<lang>.json, keyed
// "errors.code.<code>" and "errors.field.<code>". Codes that only the client produces:
//   network.unavailable  the request did not reach the server (offline, reset)
//   network.timeout      no answer within the timeout
//   response.invalid     the server answered with something that is not the API's JSON
//
// State-changing requests (anything but GET/HEAD/OPTIONS) send the `csrf_token`
// cookie's value back as the X-CSRF-Token header when that cookie exists (the
// identity issue sets it with the session cookie; double-submit pattern).

import { t, tCode } from './lib/i18n.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const DEFAULT_TIMEOUT_MS = 15000;

export class ApiError extends Error {
  /**
   * @param {object} problem
   * @param {string} problem.code    stable dotted code ("venue.not_found")
   * @param {number} problem.status  HTTP status (0 when no response arrived)
   * @param {string} [problem.detail]  the server's English detail, for logs only
   * @param {Array<{pointer:string, code:string, message?:string}>} [problem.errors]
   * @param {object} [problem.params]  the problem's own plain members ({limit: 3}), for
   *   the message's placeholders
   */
  constructor({ code, status, detail = '', errors = [], params = {} }) {
    super(describeCode(code, status, params));
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.params = params;
    /** Invalid fields: [{ pointer: "/name", code: "too_long", message: "…" }]. */
    this.fields = errors.map(({ pointer, code: fieldCode }) => ({
      pointer,
      code: fieldCode,
      message: describeField(fieldCode),
    }));
  }

  /** The message again, in the language now in use (after a language switch). */
  localised() {
    return describeCode(this.code, this.status, this.params);
  }
}

/** Text for an error code; unknown codes fall back to a generic text with the status. */
export function describeCode(code, status = 0, params = {}) {
  // Refused for going too fast, with the wait known (Retry-After): say how long.
  if (code === 'rate.limited' && params.retry_after) {
    return t('errors.rate.limited_for', { seconds: params.retry_after });
  }
  return tCode('errors.code.', code, 'errors.code.unknown', { ...params, status });
}

// A problem's members that are not its own figures (RFC 9457 and livefair's).
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']);

/** The wait a 429 names in whole seconds (`Retry-After: 30`), as `{retry_after}`. */
function retryAfter(response) {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isInteger(seconds) && seconds > 0 ? { retry_after: seconds } : {};
}

/** A problem's extra plain members (`{limit: 3}` of `queue.limit`), for its message. */
function problemParams(payload) {
  const params = {};
  for (const [name, value] of Object.entries(payload)) {
    const plain = typeof value === 'number' || typeof value === 'string';
    if (plain && !PROBLEM_MEMBERS.has(name)) params[name] = value;
  }
  return params;
}

/** Text for a field error code ("required", "too_long", a feature's "x.y"). */
export function describeField(code) {
  return tCode('errors.field.', code, 'errors.field.invalid');
}

// The caller's signal and a timeout as one signal. (Not AbortSignal.any/timeout: the
// in-app browsers many candidates use are older than those.)
function withTimeout(signal, timeoutMs) {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  const forward = () => controller.abort();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', forward, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    },
  };
}

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'csrf_token') return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * Call the API. `body` (any JSON value) is sent as application/json. Resolves to the
 * parsed JSON (null for 204), rejects with an ApiError.
 */
export async function api(
  path,
  { method = 'GET', body, headers = {}, signal, timeoutMs = DEFAULT_TIMEOUT_MS } = {},
) {
  const upper = method.toUpperCase();
  const sent = new Headers(headers);
  sent.set('Accept', 'application/json, application/problem+json');
  if (body !== undefined) sent.set('Content-Type', 'application/json');
  if (!SAFE_METHODS.has(upper)) {
    const token = csrfToken();
    if (token) sent.set('X-CSRF-Token', token);
  }
  const { signal: combined, timedOut, done } = withTimeout(signal, timeoutMs);

  let response;
  try {
    response = await fetch(path, {
      method: upper,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: combined,
    });
  } catch (error) {
    done();
    if (signal?.aborted) throw error; // the caller cancelled: not an error to show
    const code = timedOut() ? 'network.timeout' : 'network.unavailable';
    throw new ApiError({ code, status: 0, detail: String(error) });
  }

  const type = response.headers.get('Content-Type') ?? '';
  let payload = null;
  try {
    payload = response.status !== 204 && type.includes('json') ? await response.json() : null;
  } catch {
    payload = null;
    if (timedOut()) throw new ApiError({ code: 'network.timeout', status: 0 });
  } finally {
    done();
  }
  if (response.status === 204) return null;
  if (response.ok) {
    if (payload === null) {
      throw new ApiError({ code: 'response.invalid', status: response.status });
    }
    return payload;
  }
  throw problemError(response, payload);
}

/** The ApiError of a refused request: its problem+json `payload` (code, field errors,
 * its own figures, the wait of a 429), or "response.invalid" when it sent none. */
export function problemError(response, payload) {
  if (payload && typeof payload.code === 'string') {
    return new ApiError({
      code: payload.code,
      status: response.status,
      detail: payload.detail,
      errors: Array.isArray(payload.errors) ? payload.errors : [],
      params: { ...problemParams(payload), ...retryAfter(response) },
    });
  }
  return new ApiError({ code: 'response.invalid', status: response.status });
}

/** A sentence for any error caught by a page (ApiError or a programming error). */
export function errorMessage(error) {
  if (error instanceof ApiError) return error.localised();
  return t('errors.code.unknown', { status: 0 });
}
