// Uploading a file as the raw request body (PUT /api/employers/{id}/logo takes the
// image bytes with their Content-Type; POST /api/me/resumes a resume). api.js sends
// JSON only; this sends a File with the same CSRF header and maps failures to the
// same ApiError.

import { ApiError, csrfToken, problemError } from '../api.js';

export function putFile(path, file) {
  return sendFile(path, file);
}

/** Send `file` as the body (`method`, extra `headers`); resolves to the JSON answer. */
export async function sendFile(path, file, { method = 'PUT', headers: extra = {} } = {}) {
  const headers = new Headers({
    'Content-Type': file.type || 'application/octet-stream',
    Accept: 'application/json, application/problem+json',
    ...extra,
  });
  const token = csrfToken();
  if (token) headers.set('X-CSRF-Token', token);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: file,
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError({ code: 'network.unavailable', status: 0, detail: String(error) });
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.ok && payload) return payload;
  throw problemError(response, payload);
}
