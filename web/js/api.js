// The one way the UI talks to the server: the public /api/v1, same origin,
// session cookie. A 401 sends the user to sign in and back.

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export async function api(method, path, body, tries = 0) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const r = await fetch('/api/v1' + path, init);
  if (r.status === 204) return null;
  // 503: still loading (metrics after a start, a search index being built). Reads wait and retry.
  if (r.status === 503 && method === 'GET' && tries < 20) {
    await new Promise((done) => setTimeout(done, 500));
    return api(method, path, body, tries + 1);
  }
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const e = data && data.error ? data.error : { code: 'http', message: r.statusText };
    if (r.status === 401 && !path.startsWith('/auth/signin')) {
      const next = location.hash || '#/';
      location.hash = '#/signin?expired=1&next=' + encodeURIComponent(next);
    }
    throw new ApiError(r.status, e.code, e.message);
  }
  return data;
}

export const get = (path) => api('GET', path);

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}
