import { createClient, formatDateTime, formatPercent, renderFunnel, renderRetentionChart } from '/sdk/learnprogress.js';
import { element, loadConfig, showMessage } from './common.js';

const config = await loadConfig();
const course = new URLSearchParams(location.search).get('course') ?? config.courses[0];
// In Development a token with the instructor role comes from /dev/token; elsewhere the embedding site hands one over
// in the fragment (#token=...), kept in memory only.
const fragment = new URLSearchParams(location.hash.slice(1)).get('token');
if (fragment) history.replaceState(null, '', location.pathname + location.search);
const getToken = async () => {
  if (!config.devTokens) return fragment;
  const response = await fetch('/dev/token?sub=instructor&instructor=true');
  if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
  return (await response.json()).token;
};
const client = createClient({ baseUrl: location.origin, getToken });

try {
  const [catalog, analytics] = await Promise.all([client.course(course), client.courseAnalytics(course)]);
  /** @type {HTMLElement} */ (document.getElementById('course-title')).textContent = `${catalog.title}: analytics`;
  /** @type {HTMLElement} */ (document.getElementById('computed')).replaceChildren('Computed at ',
    element('time', formatDateTime(analytics.computedAt), { datetime: analytics.computedAt }));
  renderFunnel(/** @type {HTMLElement} */ (document.getElementById('funnel')), analytics.funnel);
  /** @param {string} id */
  const titleOf = (id) => catalog.lectures.find((/** @type {{id: string}} */ l) => l.id === id)?.title ?? id;
  const lectures = analytics.lectures.map((/** @type {any} */ l) => ({ ...l, title: titleOf(l.lectureId) }));
  renderRetentionChart(/** @type {HTMLElement} */ (document.getElementById('retention')), lectures);
  const list = /** @type {HTMLElement} */ (document.getElementById('lectures'));
  for (const lecture of lectures) {
    const item = element('li', undefined, { 'data-lecture': lecture.lectureId });
    item.append(element('strong', lecture.title), ' ',
      element('span', `${lecture.started} started, ${lecture.completed} completed, mean coverage ${formatPercent(lecture.meanCoverage)}`));
    list.append(item);
  }
  document.body.setAttribute('data-loaded', 'true');
} catch (error) {
  showMessage(`Could not load: ${error instanceof Error ? error.message : error}`);
}
