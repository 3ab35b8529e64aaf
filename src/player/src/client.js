import { authorizedFetch, readJson, trimBase } from './http.js';

/** @typedef {import('./types.js').GetToken} GetToken */
/** @typedef {import('./types.js').ApiPaths} ApiPaths */
/** @template {keyof ApiPaths} P @template {'get' | 'post' | 'put'} [M='get'] @typedef {import('./types.js').ApiJson<P, M>} ApiJson */

/**
 * Reads the learner's record. Every method resolves to the API's JSON or throws a ProblemError.
 * @param {{baseUrl: string, getToken: GetToken, fetch?: typeof fetch}} options
 */
export function createClient(options) {
  const ctx = {
    baseUrl: trimBase(options.baseUrl),
    getToken: options.getToken,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
  };
  /**
   * Calls a route of the OpenAPI document by its name there: `{name}` is filled from `params`, the other params go
   * in the query. The answer has the type the document gives it.
   * @template {keyof ApiPaths} P
   * @template {'get' | 'put'} [M='get']
   * @param {P} route
   * @param {Record<string, string | number>} [params]
   * @param {M} [method]
   * @param {unknown} [body]
   * @returns {Promise<ApiJson<P, M>>}
   */
  const call = async (route, params = {}, method, body) => {
    const query = new URLSearchParams();
    let path = /** @type {string} */ (route);
    for (const [name, value] of Object.entries(params)) {
      if (path.includes(`{${name}}`)) path = path.replace(`{${name}}`, encodeURIComponent(value));
      else query.set(name, String(value));
    }
    const search = query.size ? `?${query}` : '';
    const init = body === undefined ? undefined
      : { method: method?.toUpperCase(), headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    return readJson(await authorizedFetch(ctx, path + search, init));
  };
  return {
    /** @param {string} courseId */
    progress: (courseId) => call('/api/v1/progress/{courseId}', { courseId }),
    /** @param {number} [days] 1 to 366 */
    heatmap: (days = 365) => call('/api/v1/progress/heatmap/data', { days }),
    stats: () => call('/api/v1/stats/student'),
    /** @param {number} [weeks] 1 to 52 */
    weekly: (weeks = 12) => call('/api/v1/stats/weekly', { weeks }),
    courseEstimates: () => call('/api/v1/stats/course-estimates'),
    /** @param {string} courseId needs the instructor or admin role */
    courseAnalytics: (courseId) => call('/api/v1/courses/{courseId}/analytics', { courseId }),
    courseProgress: () => call('/api/v1/stats/course-progress'),
    /** The learner's mastery of every skill a quiz observed. */
    skills: () => call('/api/v1/me/skills'),
    /** @param {string} courseId */
    course: (courseId) => call('/api/v1/courses/{courseId}', { courseId }),
    settings: () => call('/api/v1/me/settings'),
    /** @param {string} timeZone an IANA zone */
    setTimeZone: (timeZone) => call('/api/v1/me/settings', {}, 'put', { timeZone }),
  };
}
