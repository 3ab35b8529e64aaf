import { authorizedFetch, readJson, trimBase } from './http.js';

/** @typedef {import('./types.js').GetToken} GetToken */

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
  /** @param {string} path @param {RequestInit} [init] */
  const call = async (path, init) => readJson(await authorizedFetch(ctx, `/api/v1${path}`, init));
  const id = encodeURIComponent;
  return {
    /** @param {string} courseId */
    progress: (courseId) => call(`/progress/${id(courseId)}`),
    /** @param {number} [days] 1 to 366 */
    heatmap: (days = 365) => call(`/progress/heatmap/data?days=${days}`),
    stats: () => call('/stats/student'),
    /** @param {number} [weeks] 1 to 52 */
    weekly: (weeks = 12) => call(`/stats/weekly?weeks=${weeks}`),
    courseEstimates: () => call('/stats/course-estimates'),
    /** @param {string} courseId needs the instructor or admin role */
    courseAnalytics: (courseId) => call(`/courses/${id(courseId)}/analytics`),
    courseProgress: () => call('/stats/course-progress'),
    /** @param {string} courseId */
    course: (courseId) => call(`/courses/${id(courseId)}`),
    settings: () => call('/me/settings'),
    /** @param {string} [courseId] a course's board; the global one without */
    weeklyBoard: (courseId) => call(`/leaderboards/weekly${courseId ? `?courseId=${id(courseId)}` : ''}`),
    /** @param {string} timeZone an IANA zone */
    setTimeZone: (timeZone) => call('/me/settings', {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ timeZone }),
    }),
  };
}
