// Calls to this node's HTTP API: JSON both ways, the API token when the node wants one, a timeout, and
// errors that carry the server's own text ({"error": "..."}) so a page can show it as it is.

const TOKEN_KEY = 'storelog.apiToken';
let askForToken = null;

/** An answer that was not 2xx, or no answer at all (status 0: unreachable or timed out). */
export class ApiError extends Error {
  constructor(status, message, body, timedOut = false) {
    super(message);
    this.status = status;
    this.body = body;
    this.timedOut = timedOut;
  }
}

/** The API token this browser tab holds for the node ('' when none). */
export function apiToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

/** Keeps the API token for this tab (sessionStorage: gone when the tab closes). */
export function setApiToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Sets what runs on a 401: it resolves once a token has been entered, and the call is tried again. */
export function onTokenNeeded(fn) {
  askForToken = fn;
}

/** Headers every call sends: the bearer token when there is one. */
export function authHeaders() {
  const t = apiToken();
  return t ? { Authorization: 'Bearer ' + t } : {};
}

/**
 * One API call. `body` (an object) is sent as JSON; the answer's JSON is returned. Throws ApiError on a
 * non-2xx answer (message = the server's error text) or when no answer came within `timeoutMs`.
 */
export async function call(method, path, body, { timeoutMs = 10000, headers = {} } = {}) {
  for (;;) {
    const res = await send(method, path, body, timeoutMs, headers);
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    // Only a missing or wrong API token asks for one; a wrong PIN (also 401) is the caller's to show.
    if (res.status === 401 && askForToken && !(data && (data.code === 'WRONG_PIN' || data.code === 'LOCKED_OUT'))) {
      await askForToken(data && data.error ? data.error : 'This node needs its API token.');
      continue;
    }
    if (!res.ok) {
      throw new ApiError(res.status, (data && data.error) || ('HTTP ' + res.status + ' from ' + path), data);
    }
    return data;
  }
}

async function send(method, path, body, timeoutMs, headers) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const h = Object.assign({}, authHeaders(), headers);
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
  }
  try {
    return await fetch(path, {
      method, headers: h, cache: 'no-store', signal: ctrl.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    const timedOut = ctrl.signal.aborted;
    throw new ApiError(0, timedOut ? 'no answer from the node within ' + timeoutMs + ' ms' : 'cannot reach the node', null, timedOut);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether GET `path` exists on this node (anything but 404): optional features hide when it does not. */
export async function exists(path) {
  try {
    const res = await fetch(path, { headers: authHeaders(), cache: 'no-store' });
    return res.status !== 404;
  } catch (e) {
    return false;
  }
}
