import { createTracker, renderSyncIndicator } from '/sdk/learnprogress.js';
import { clientFor, element, lectureUrl, loadConfig, showMessage } from './common.js';

/** @typedef {{id: string, title: string, durationSeconds: number}} Lecture */
/** @typedef {{id: string, title: string, totalLectures: number, lectures: Lecture[]}} Course */

const config = await loadConfig();
const { client, getToken, learner } = clientFor(config);
const params = new URLSearchParams(location.search);
const courseId = params.get('course');
const lectureId = params.get('lecture');
document.getElementById('dashboard-link')?.setAttribute('href', learner ? `/learn/dashboard?learner=${encodeURIComponent(learner)}` : '/learn/dashboard');

try {
  if (courseId && lectureId) await showLecture(courseId, lectureId);
  await showCatalog();
} catch (error) {
  showMessage(`Could not load: ${error instanceof Error ? error.message : error}`);
}

async function showCatalog() {
  // The catalog is the configured courses plus any the learner has touched.
  const touched = /** @type {{courseId: string}[]} */ (await client.courseProgress().catch(() => []));
  const ids = [...new Set([...config.courses, ...touched.map((c) => c.courseId)])];
  const list = /** @type {HTMLElement} */ (document.getElementById('courses'));
  for (const id of ids) {
    const [course, progress] = await Promise.all([client.course(id).catch(() => null), client.progress(id).catch(() => null)]);
    if (!course) continue;
    const item = element('li', undefined, { 'data-course': id });
    item.append(element('strong', course.title), ' ');
    const bar = element('progress', undefined, { max: '100', value: String(progress?.completionPercentage ?? 0) });
    item.append(bar, element('span', ` ${progress?.completionPercentage ?? 0} %`));
    const lectures = element('ol');
    for (const lecture of /** @type {Course} */ (course).lectures) {
      const li = element('li');
      const link = element('a', lecture.title, { href: lectureUrl(id, lecture.id, learner), 'data-lecture': lecture.id });
      if (progress?.lectures?.[lecture.id]?.completed) link.classList.add('done');
      li.append(link);
      lectures.append(li);
    }
    item.append(lectures);
    list.append(item);
  }
}

/** @param {string} courseId @param {string} lectureId */
async function showLecture(courseId, lectureId) {
  /** @type {Course} */
  const course = await client.course(courseId);
  const index = course.lectures.findIndex((l) => l.id === lectureId);
  if (index < 0) throw new Error(`no lecture ${lectureId} in ${courseId}`);
  /** @type {HTMLElement} */ (document.getElementById('player')).hidden = false;
  /** @type {HTMLElement} */ (document.getElementById('lecture-title')).textContent = course.lectures[index].title;
  /** @type {HTMLElement} */ (document.getElementById('course-title')).textContent = course.title;
  const next = course.lectures[index + 1];
  const nextLink = /** @type {HTMLAnchorElement} */ (document.getElementById('next-lecture'));
  if (next) {
    nextLink.href = lectureUrl(courseId, next.id, learner);
    nextLink.hidden = false;
  }

  const video = /** @type {HTMLVideoElement} */ (document.getElementById('video'));
  video.src = config.video;
  const tracker = createTracker({
    baseUrl: location.origin,
    getToken,
    courseId,
    lectureId,
    media: video,
    // One queue per learner: switching learners in the picker never mixes their pings.
    queueName: learner ? `learnprogress:${learner}` : 'learnprogress',
    // While paused, follow the learner's other tabs and devices on this lecture.
    live: true,
  });
  renderSyncIndicator(/** @type {HTMLElement} */ (document.getElementById('sync')), tracker);
  const tick = /** @type {HTMLElement} */ (document.getElementById('complete-tick'));
  const refreshTick = async () => {
    const progress = await client.progress(courseId).catch(() => null);
    if (progress?.lectures?.[lectureId]?.completed) tick.hidden = false;
  };
  void refreshTick();
  // Marked here, or reached by footage played (the tracker asks the server after `ended`).
  tracker.on('complete', () => { tick.hidden = false; });
  tracker.on('authError', () => showMessage('Your sign-in expired; progress is kept here and sent once you sign in again.'));
  document.getElementById('mark-complete')?.addEventListener('click', () => {
    tracker.markComplete().catch((error) => showMessage(`Could not mark complete: ${error.message}`));
  });
  /** @type {any} */ (window).learnProgressTracker = tracker;
}
