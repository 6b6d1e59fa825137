// The documented HTTP API, as the dashboard calls it: JSON in and out, problems as errors, the session's anti-forgery
// token on every request that changes something.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The request field the server blamed, if it named one. */
  get field() { return this.problem.field; }
}

export const session = { authRequired: false, authenticated: false, name: null, role: null, antiForgeryToken: null };

const safe = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function request(method, path, body, contentType = 'application/json') {
  const headers = { Accept: 'application/json' };
  if (!safe.has(method) && session.antiForgeryToken) headers['X-CSRF-Token'] = session.antiForgeryToken;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = { detail: text }; }
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = path => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);

export async function loadSession() {
  Object.assign(session, await get('/api/session'));
  return session;
}

export async function logIn(key) {
  Object.assign(session, await post('/api/session', { key }));
  return session;
}

export async function logOut() {
  await request('DELETE', '/api/session');
  Object.assign(session, { authenticated: false, name: null, role: null, antiForgeryToken: null });
}

/** A query string of the non-empty values. */
export function query(values) {
  const pairs = Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return pairs.length ? '?' + new URLSearchParams(pairs).toString() : '';
}

/**
 * A WebSocket that reconnects after a drop. `path(state)` gives the address to (re)connect to, so a caller can ask for a
 * replay from what it saw last; `onStatus` hears 'live', 'reconnecting' or 'closed'.
 */
export function follow(path, onMessage, onStatus = () => {}) {
  let socket;
  let stopped = false;
  let delay = 500;
  const open = () => {
    if (stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}${path()}`);
    socket.onopen = () => { delay = 500; onStatus('live'); };
    socket.onmessage = event => {
      try { onMessage(JSON.parse(event.data)); } catch (e) { console.warn('unreadable message', e); }
    };
    socket.onclose = event => {
      if (stopped) return;
      if (event.code === 1000 && event.reason === 'done') { onStatus('closed'); return; }
      onStatus('reconnecting');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  };
  open();
  return { close() { stopped = true; socket?.close(1000); } };
}
