import { formatDay, renderHeatmap, renderWeeklyChart } from '/sdk/learnprogress.js';
import { clientFor, element, formatDuration, lectureUrl, loadConfig, showMessage } from './common.js';
import { renderCertifications } from './certifications.js';
import { renderGoals } from './goals.js';
import { showSkills } from './skills.js';
import { renderPatterns } from './patterns.js';

const config = await loadConfig();
const { client, learner, getToken } = clientFor(config);
void renderCertifications(getToken);
renderPatterns(/** @type {HTMLElement} */ (document.getElementById('patterns')), getToken, learner)
  .catch((error) => showMessage(`Could not load patterns: ${error instanceof Error ? error.message : error}`));

renderGoals(client).catch((error) => showMessage(`Could not load the weekly goal: ${error instanceof Error ? error.message : error}`));

try {
  const skills = showSkills(client, document.getElementById('skills'));
  const [stats, heatmap, courses, weekly, estimates] = await Promise.all([
    client.stats(), client.heatmap(365), client.courseProgress(), client.weekly(12), client.courseEstimates()]);
  /** @param {string} id @param {string} text */
  const set = (id, text) => { /** @type {HTMLElement} */ (document.getElementById(id)).textContent = text; };
  set('stat-current', `${stats.currentStreak} d`);
  set('stat-longest', `${stats.longestStreak} d`);
  set('stat-time', formatDuration(stats.totalWatchSeconds));
  document.getElementById('stat-time')?.setAttribute('data-seconds', String(stats.totalWatchSeconds));
  set('stat-completed', String(stats.totalCompleted));
  const lastActive = /** @type {HTMLElement} */ (document.getElementById('stat-last-active'));
  if (stats.lastActiveDate) lastActive.replaceChildren(element('time', formatDay(stats.lastActiveDate), { datetime: stats.lastActiveDate }));
  renderHeatmap(/** @type {HTMLElement} */ (document.getElementById('heatmap')), heatmap);
  renderWeeklyChart(/** @type {HTMLElement} */ (document.getElementById('weekly')), weekly);
  const estimateOf = new Map(/** @type {{courseId: string, estimatedCompletion: string | null}[]} */ (estimates).map((e) => [e.courseId, e]));

  const list = /** @type {HTMLElement} */ (document.getElementById('course-progress'));
  for (const { courseId, progress } of /** @type {{courseId: string, progress: number}[]} */ (courses)) {
    const [course, record] = await Promise.all([client.course(courseId).catch(() => null), client.progress(courseId)]);
    const item = element('li', undefined, { 'data-course': courseId, 'data-progress': String(progress) });
    item.append(element('strong', course?.title ?? courseId), ' ',
      element('progress', undefined, { max: '100', value: String(progress) }), element('span', ` ${progress} %`, { class: 'percent' }));
    const estimate = estimateOf.get(courseId)?.estimatedCompletion;
    if (progress < 100) {
      const words = element('span', estimate ? 'done by ' : 'no recent pace to estimate from', { class: 'estimate', 'data-estimate': estimate ?? '' });
      if (estimate) words.append(element('time', formatDay(estimate), { datetime: estimate }), ' at your recent pace');
      item.append(' ', words);
    }
    if (record.lastWatchedLecture) {
      const title = course?.lectures?.find((/** @type {{id: string}} */ l) => l.id === record.lastWatchedLecture)?.title ?? record.lastWatchedLecture;
      item.append(' ', element('a', `Continue: ${title}`, { href: lectureUrl(courseId, record.lastWatchedLecture, learner), class: 'continue' }));
    }
    list.append(item);
  }
  await skills;
  document.body.setAttribute('data-loaded', 'true');
} catch (error) {
  showMessage(`Could not load: ${error instanceof Error ? error.message : error}`);
}
