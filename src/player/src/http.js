/** @typedef {import('./types.js').GetToken} GetToken */

/** An RFC 7807 problem (or any non-2xx answer) from the API. */
export class ProblemError extends Error {
  /** @param {number} status @param {any} problem */
  constructor(status, problem) {
    super(problem?.title ? `${status} ${problem.title}` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * The learner a token names, read from its payload without checking it (the server checks it). Used only to keep
 * one learner's queued pings away from another's token; an opaque token gives null.
 * @param {string | null | undefined} token
 * @returns {string | null}
 */
export function subjectOf(token) {
  const part = token?.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const sub = JSON.parse(json).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

/**
 * Calls the API with a bearer token; a 401 asks `getToken` for a fresh one once and tries again.
 * @param {{baseUrl: string, getToken: GetToken, fetch: typeof fetch, onResponse?: (response: Response, sentWall: number) => void, wallNow?: () => number}} ctx
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
export async function authorizedFetch(ctx, path, init = {}) {
  const wallNow = ctx.wallNow ?? Date.now;
  const attempt = async (/** @type {boolean} */ refresh) => {
    const token = await ctx.getToken(refresh ? { refresh: true } : {});
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    const sent = wallNow();
    const response = await ctx.fetch(`${ctx.baseUrl}${path}`, { ...init, headers });
    ctx.onResponse?.(response, sent);
    return response;
  };
  const first = await attempt(false);
  return first.status === 401 ? attempt(true) : first;
}

/**
 * @param {Response} response
 * @returns {Promise<any>}
 */
export async function readJson(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { title: text.slice(0, 200) };
  }
  if (!response.ok) throw new ProblemError(response.status, body);
  return body;
}

/** @param {string} url */
export function trimBase(url) {
  return url.replace(/\/+$/, '');
}
