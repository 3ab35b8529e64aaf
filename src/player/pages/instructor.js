import { createClient, renderRetention } from '/sdk/learnprogress.js';
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
  /** @type {HTMLElement} */ (document.getElementById('computed')).textContent = `Computed at ${analytics.computedAt}`;
  const funnel = /** @type {HTMLElement} */ (document.getElementById('funnel'));
  for (const [key, label] of /** @type {const} */ ([['started', 'Started'], ['quarter', '25 %'], ['half', '50 %'], ['threeQuarters', '75 %'], ['completed', 'Completed']])) {
    const entry = element('div', undefined, { 'data-step': key });
    entry.append(element('dt', label), element('dd', String(analytics.funnel[key])));
    funnel.append(entry);
  }
  const list = /** @type {HTMLElement} */ (document.getElementById('lectures'));
  for (const lecture of analytics.lectures) {
    const title = catalog.lectures.find((/** @type {{id: string}} */ l) => l.id === lecture.lectureId)?.title ?? lecture.lectureId;
    const item = element('li', undefined, { 'data-lecture': lecture.lectureId });
    const chart = element('div', undefined, { class: 'curve' });
    item.append(element('strong', title), ' ',
      element('span', `${lecture.started} started, ${lecture.completed} completed, mean coverage ${Math.round(lecture.meanCoverage * 100)} %`), chart);
    renderRetention(chart, lecture);
    list.append(item);
  }
  document.body.setAttribute('data-loaded', 'true');
} catch (error) {
  showMessage(`Could not load: ${error instanceof Error ? error.message : error}`);
}
