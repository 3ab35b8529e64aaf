// End to end: the learner's pages served by the API (/learn, /learn/dashboard) under their strict CSP.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MASTERED_AT, weekTitle } from '../../src/player/src/charts.js';
import { formatDateTime, formatPercent, minutesOf } from '../../src/player/src/format.js';
import { dayTitle, heatmapLayout } from '../../src/player/src/heatmap.js';
import {
  call, createCourse, devToken, ensureArtifacts, launch, learnerApi, openPage, skipReason, sleep, startApi, uniqueId, until,
} from './lib.mjs';

const skip = skipReason();

describe('learner pages', { skip: skip ?? false }, () => {
  let api, browser;

  before(async () => {
    api = await startApi();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** A page that fails the test on any script error or CSP violation. */
  function open(url) {
    return openPage(browser.context, url);
  }

  /**
   * Keeps a full-page screenshot of the page at phone and desktop widths (artifacts/browser/<name>-<width>.png),
   * and checks that the page itself never scrolls sideways (wide charts scroll inside their own box).
   */
  async function screenshots(page, name) {
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur?.());
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= width, `${name} at ${width} px is ${scrollWidth} px wide`);
      await page.screenshot({ path: join(ensureArtifacts(), `${name}-${width}.png`), fullPage: true });
    }
  }

  /** The focused element's attributes and the visible tooltip's text. */
  const focused = (page) => page.evaluate(() => {
    const el = document.activeElement;
    const tip = el?.closest('.heatmap, .weekly, .skills, .funnel, .retention')?.querySelector('.lp-tooltip');
    return { data: { ...el?.dataset }, label: el?.getAttribute('aria-label'), tip: tip && !tip.hidden ? tip.textContent : null };
  });

  /** Two skills observed by three attempts of a quiz in the course: the first answered right, the second wrong. */
  async function answerQuizzes(token, course) {
    const skills = [uniqueId('sk'), uniqueId('sk')];
    for (const [i, id] of skills.entries())
      assert.equal((await call(api.base, api.admin, 'PUT', `/api/v1/skills/${id}`, { name: i ? 'Long division with remainders' : 'Fractions' })).status, 201);
    const quiz = { title: 'Check', passPercent: 50, items: [
      { itemId: 'a1', maxPoints: 1, skills: [skills[0]] }, { itemId: 'a2', maxPoints: 1, skills: [skills[0]] }, { itemId: 'b1', maxPoints: 1, skills: [skills[1]] }] };
    assert.equal((await call(api.base, api.admin, 'PUT', `/api/v1/courses/${course}/quizzes/q1`, quiz)).status, 201);
    const now = Date.now() - 10_000;
    for (let k = 0; k < 3; k++) {
      const attempt = await call(api.base, token, 'POST', '/api/v1/attempts', { attemptId: `t${k}`, courseId: course, quizId: 'q1',
        startedAt: now - 60_000 + k * 1000, submittedAt: now + k * 1000, items: [{ itemId: 'a1', points: 1 }, { itemId: 'a2', points: 1 }, { itemId: 'b1', points: 0 }] });
      assert.ok([200, 201].includes(attempt.status), `attempt: ${attempt.status} ${JSON.stringify(attempt.body)}`);
    }
    return skills;
  }

  test('lecture player: resume, sync indicator, completion tick', async () => {
    const learner = uniqueId('u');
    const read = learnerApi(api, await devToken(api.base, learner));
    const course = await createCourse(api, ['l1', 'l2']);
    const { page, problems } = await open(`${api.base}/learn/?course=${course}&lecture=l1&learner=${learner}`);
    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe/);
    await page.waitForFunction(() => window.learnProgressTracker?.ready === true, null, { timeout: 15_000 });
    assert.equal(await page.textContent('#lecture-title'), 'Lecture l1');
    assert.equal(await page.isVisible('#complete-tick'), false);

    await page.evaluate(() => document.querySelector('video').play());
    await sleep(3000);
    const pausedAt = await page.evaluate(() => { const v = document.querySelector('video'); v.pause(); return v.currentTime; });
    await until(async () => Math.abs((await read.lecture(course, 'l1'))?.position - pausedAt) < 0.3, { what: 'pause saved' });
    await page.waitForFunction(() => document.getElementById('sync').dataset.state === 'saved');
    assert.match(await page.textContent('#sync'), /^Saved \d\d:\d\d:\d\d UTC$/);

    await page.click('#mark-complete');
    await page.waitForSelector('#complete-tick', { state: 'visible' });
    const progress = await read.progress(course);
    assert.deepEqual(progress.completedLectures, ['l1']);
    assert.equal(progress.completionPercentage, 50);
    assert.match(await page.getAttribute('#next-lecture', 'href'), /lecture=l2/);

    // A reload resumes where the pause was saved.
    await page.reload();
    await page.waitForFunction(() => window.learnProgressTracker?.ready === true, null, { timeout: 15_000 });
    const resumed = await page.evaluate(() => document.querySelector('video').currentTime);
    assert.ok(Math.abs(resumed - pausedAt) < 0.3, `resumed at ${resumed}, saved ${pausedAt}`);
    assert.equal(await page.isVisible('#complete-tick'), true);
    // The catalog now lists the touched course with the lecture ticked.
    await page.waitForSelector(`li[data-course="${course}"] a[data-lecture="l1"].done`);
    assert.equal(await page.textContent(`li[data-course="${course}"] span`), ' 50 %');
    // Development seeds a demo course of two lectures for the shipped clip.
    assert.equal(await page.locator('li[data-course="demo"] a[data-lecture]').count(), 2);
    await page.evaluate(() => document.querySelector('video').pause());
    await screenshots(page, 'lecture');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('two lecture pages of a learner: the paused one follows the playing one over the hub, within the CSP', async () => {
    const learner = uniqueId('u');
    const read = learnerApi(api, await devToken(api.base, learner));
    const course = await createCourse(api);
    const url = `${api.base}/learn/?course=${course}&lecture=l1&learner=${learner}`;
    const pages = [await open(url), await open(url)];
    for (const { page } of pages)
      await page.waitForFunction(() => window.learnProgressTracker?.live === 'connected', null, { timeout: 15_000 });
    const csp = await pages[0].page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(csp, /connect-src 'self'/, 'the hub\'s ws: on the same host is covered by \'self\'');
    const [a, b] = pages.map((p) => p.page);
    const video = (page) => page.evaluate(() => document.querySelector('video').currentTime);
    await a.evaluate(() => document.querySelector('video').play());
    await sleep(3000);
    const pausedAt = await a.evaluate(() => { const v = document.querySelector('video'); v.pause(); return v.currentTime; });
    await until(async () => Math.abs((await video(b)) - pausedAt) < 0.05, { timeoutMs: 5000, what: `second page at ${pausedAt} s` });
    assert.ok(Math.abs((await video(a)) - pausedAt) < 0.01, 'the playing page was not moved by its own echo');
    assert.ok(Math.abs((await read.lecture(course, 'l1')).position - pausedAt) < 0.3);
    for (const { page, problems } of pages) {
      assert.deepEqual(problems, []);
      await page.close();
    }
  });

  test('dashboard shows the API\'s numbers', async () => {
    const learner = uniqueId('u');
    const token = await devToken(api.base, learner);
    const read = learnerApi(api, token);
    const course = await createCourse(api, ['l1', 'l2', 'l3'], 600);
    // Three days in a row of two minutes each (active from 60 s), played as 20 s segments of one session per day,
    // and one lecture marked complete.
    const day = 24 * 3600 * 1000;
    const now = Date.now() - 60_000;
    const pings = [];
    for (const back of [2, 1, 0]) {
      const session = `s${back}${learner}`.slice(0, 64);
      const start = now - back * day - 130_000;
      for (let k = 1; k <= 6; k++) {
        pings.push({ courseId: course, lectureId: 'l2', watchTime: k * 20 + back * 120, duration: 600,
          segmentStart: (k - 1) * 20 + back * 120, clientTs: start + k * 20_000, segmentStartTs: start + (k - 1) * 20_000, sessionId: session });
      }
    }
    const batch = await call(api.base, token, 'POST', '/api/v1/progress/batch', { pings });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.rejected, []);
    assert.equal((await call(api.base, token, 'POST', '/api/v1/progress/complete', { courseId: course, lectureId: 'l1' })).status, 200);
    const skills = await answerQuizzes(token, course);

    const [stats, heatmap, courses] = await Promise.all([read.stats(), read.heatmap(365),
      call(api.base, token, 'GET', '/api/v1/stats/course-progress').then((r) => r.body)]);
    assert.ok(stats.totalWatchSeconds >= 300, `watched ${stats.totalWatchSeconds} s`);
    assert.ok(stats.currentStreak >= 3, `streak ${stats.currentStreak}`);

    const { page, problems } = await open(`${api.base}/learn/dashboard?learner=${learner}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    assert.equal(await page.textContent('#stat-current'), `${stats.currentStreak} d`);
    assert.equal(await page.textContent('#stat-longest'), `${stats.longestStreak} d`);
    assert.equal(await page.textContent('#stat-completed'), String(stats.totalCompleted));
    assert.equal(await page.getAttribute('#stat-time', 'data-seconds'), String(stats.totalWatchSeconds));
    assert.equal(await page.getAttribute('#stat-last-active time', 'datetime'), stats.lastActiveDate);

    const locale = await page.evaluate(() => navigator.language);
    const cells = await page.$$eval('#heatmap rect[data-date]', (rects) => rects.map((r) => ({ date: r.dataset.date, level: Number(r.dataset.level),
      title: r.querySelector('title').textContent, label: r.getAttribute('aria-label') })));
    assert.equal(cells.length, heatmap.length);
    assert.equal(cells.length, 365);
    for (const [i, d] of heatmap.entries()) {
      assert.equal(cells[i].date, d.date);
      assert.equal(cells[i].level, d.level, `level of ${d.date}`);
      assert.equal(cells[i].title, dayTitle(d, locale));
      assert.equal(cells[i].label, cells[i].title);
    }
    assert.match(cells.at(-1).title, /^\d+ minutes? on /);
    assert.equal(heatmap.filter((d) => d.seconds > 0).length, 3);
    assert.ok(heatmap.some((d) => d.level > 0));
    // Month labels over their weeks, Mon/Wed/Fri, the summary and the Less→More legend of the five levels.
    const layout = heatmapLayout(heatmap, locale);
    const months = await page.$$eval('#heatmap .lp-month', (texts) => texts.map((t) => [t.dataset.month, t.textContent]));
    assert.deepEqual(months, layout.months.map((m) => [m.month, m.label]));
    assert.ok(months.length >= 11, `${months.length} month labels`);
    assert.deepEqual(await page.$$eval('#heatmap .lp-weekday', (texts) => texts.map((t) => t.textContent)), layout.weekdays.map((w) => w.label));
    assert.equal(await page.textContent('#heatmap .lp-summary'), layout.summary);
    assert.match(await page.textContent('#heatmap .lp-heatmap-legend'), /^Less\s*More$/);
    assert.deepEqual(await page.$$eval('#heatmap .lp-heatmap-legend [data-level]', (keys) => keys.map((k) => Number(k.dataset.level))), [0, 1, 2, 3, 4]);
    // One tab stop on the latest day; the arrow keys move by week and by day, the tooltip follows.
    await page.focus('#heatmap rect[tabindex="0"]');
    assert.equal((await focused(page)).data.date, heatmap.at(-1).date);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    const moved = await focused(page);
    assert.equal(moved.data.date, heatmap.at(-9).date);
    assert.equal(moved.tip, dayTitle(heatmap.at(-9), locale));

    // The weekly chart draws /stats/weekly's weeks on a minute axis, with values and week labels.
    const weekly = (await call(api.base, token, 'GET', '/api/v1/stats/weekly?weeks=12')).body;
    const bars = await page.$$eval('#weekly rect[data-week]', (rects) => rects.map((r) => ({ week: r.dataset.week, seconds: Number(r.dataset.seconds), title: r.querySelector('title').textContent })));
    assert.deepEqual(bars.map((b) => [b.week, b.seconds]), weekly.map((w) => [w.weekStart, w.seconds]));
    assert.ok(weekly.at(-1).seconds > 0 || weekly.at(-2).seconds > 0, 'the last days fall in the chart');
    assert.deepEqual(bars.map((b) => b.title), weekly.map((w) => weekTitle(w, locale)));
    const ticks = await page.$$eval('#weekly text[data-axis="y"]', (texts) => texts.map((t) => Number(t.textContent)));
    const busiest = Math.max(...weekly.map((w) => minutesOf(w.seconds)));
    assert.equal(ticks[0], 0);
    assert.ok(ticks.length >= 2 && ticks.at(-1) >= busiest, `ticks ${ticks} for ${busiest} min`);
    assert.equal(await page.locator('#weekly line.lp-grid').count(), ticks.length);
    assert.deepEqual(await page.$$eval('#weekly .lp-value', (texts) => texts.map((t) => Number(t.textContent))),
      weekly.filter((w) => w.seconds > 0).map((w) => minutesOf(w.seconds)));
    assert.equal(await page.getAttribute('#weekly text[data-label-week]:last-of-type', 'data-label-week'), weekly.at(-1).weekStart);
    await page.focus('#weekly rect[tabindex="0"]');
    assert.equal((await focused(page)).data.week, weekly.at(-1).weekStart);
    await page.keyboard.press('ArrowLeft');
    const week = await focused(page);
    assert.equal(week.data.week, weekly.at(-2).weekStart);
    assert.equal(week.tip, weekTitle(weekly.at(-2), locale));

    // The skill chart shows each skill of /me/skills with its mastery, the mastered threshold marked.
    const mine = (await call(api.base, token, 'GET', '/api/v1/me/skills')).body;
    assert.deepEqual(mine.map((m) => m.skillId).sort(), [...skills].sort());
    const drawnSkills = await page.$$eval('#skills g[data-skill]', (groups) => groups.map((g) => {
      const bar = g.querySelector('rect.lp-mark');
      return { id: g.dataset.skill, mastery: Number(g.dataset.mastery), mastered: g.dataset.mastered, label: bar.getAttribute('aria-label'),
        value: g.querySelector('.lp-value').textContent, x: Number(bar.getAttribute('x')), width: Number(bar.getAttribute('width')) };
    }));
    assert.deepEqual(drawnSkills.map((d) => [d.id, d.mastery, d.mastered]), mine.map((m) => [m.skillId, m.mastery, String(m.mastered)]));
    const axis = await page.$$eval('#skills text[data-axis="x"]', (texts) => texts.map((t) => ({ text: t.textContent, x: Number(t.getAttribute('x')) })));
    assert.deepEqual(axis.map((a) => a.text), [0, 0.25, 0.5, 0.75, 1].map((share) => formatPercent(share, locale)));
    const full = axis.at(-1).x - axis[0].x;
    for (const [i, m] of mine.entries()) {
      assert.equal(drawnSkills[i].value, formatPercent(m.mastery, locale));
      assert.ok(drawnSkills[i].label.startsWith(`${m.name}: mastery ${formatPercent(m.mastery, locale)}, ${m.mastered ? 'mastered' : 'not yet mastered'}`), drawnSkills[i].label);
      assert.ok(Math.abs(drawnSkills[i].width - Math.max(1, m.mastery * full)) < 0.1, `bar of ${m.skillId}`);
    }
    assert.ok(mine.some((m) => m.mastery > 0.5) && mine.some((m) => m.mastery < 0.5), JSON.stringify(mine));
    await page.focus('#skills rect[tabindex="0"]');
    assert.equal((await focused(page)).label, drawnSkills[0].label);
    await page.keyboard.press('ArrowDown');
    const next = await focused(page);
    assert.equal(next.label, drawnSkills[1].label);
    assert.equal(next.tip, drawnSkills[1].label);
    const threshold = await page.$eval('#skills line.lp-threshold', (l) => ({ at: Number(l.dataset.threshold), x: Number(l.getAttribute('x1')) }));
    assert.equal(threshold.at, MASTERED_AT);
    assert.ok(Math.abs(threshold.x - (axis[0].x + MASTERED_AT * full)) < 0.1);
    assert.match(await page.textContent('#skills .lp-legend'), /Mastered.*Learning.*Mastery threshold \(95\s?%\)/);

    const estimates = (await call(api.base, token, 'GET', '/api/v1/stats/course-estimates')).body;
    const estimate = estimates.find((e) => e.courseId === course);
    assert.ok(estimate.estimatedCompletion, 'a recent pace gives an estimate');
    assert.equal(await page.getAttribute(`#course-progress li[data-course="${course}"] .estimate`, 'data-estimate'), estimate.estimatedCompletion);
    assert.equal(await page.getAttribute(`#course-progress li[data-course="${course}"] .estimate time`, 'datetime'), estimate.estimatedCompletion);

    const item = `#course-progress li[data-course="${course}"]`;
    const listed = courses.find((c) => c.courseId === course);
    assert.equal(await page.getAttribute(item, 'data-progress'), String(listed.progress));
    const progress = await read.progress(course);
    assert.match(await page.getAttribute(`${item} a.continue`, 'href'), new RegExp(`lecture=${progress.lastWatchedLecture}`));

    await screenshots(page, 'dashboard');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('instructor page: the funnel and a retention curve per lecture, as the analytics answer them', async () => {
    const course = await createCourse(api, ['l1', 'l2'], 100);
    const now = Date.now() - 60_000;
    // Two learners: one plays the first half of l1, the other all of it.
    for (const [learner, until] of [[uniqueId('u'), 50], [uniqueId('u'), 100]]) {
      const token = await devToken(api.base, learner);
      const pings = [];
      for (let at = 10; at <= until; at += 10)
        pings.push({ courseId: course, lectureId: 'l1', segmentStart: at - 10, watchTime: at, clientTs: now - (until - at) * 1000, segmentStartTs: now - (until - at + 10) * 1000 });
      assert.equal((await call(api.base, token, 'POST', '/api/v1/progress/batch', { pings })).status, 200);
    }
    const admin = await devToken(api.base, 'admin-1', { admin: true });
    assert.equal((await call(api.base, admin, 'POST', '/api/v1/admin/flush')).status, 200);
    const analytics = (await call(api.base, admin, 'GET', `/api/v1/courses/${course}/analytics`)).body;
    const l1 = analytics.lectures.find((l) => l.lectureId === 'l1');
    assert.equal(l1.started, 2);

    const { page, problems } = await open(`${api.base}/learn/instructor?course=${course}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    const [locale, timeZone] = await page.evaluate(() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone]);
    // "Computed at" in the viewer's words, the instant itself in <time datetime>.
    assert.equal(await page.getAttribute('#computed time', 'datetime'), analytics.computedAt);
    // Compared with spaces folded: ICU versions differ in the kind of space before AM/PM.
    const spaces = (/** @type {string} */ text) => text.replace(/\s/g, ' ');
    assert.equal(spaces(await page.textContent('#computed time')), spaces(formatDateTime(analytics.computedAt, locale, timeZone)));
    assert.doesNotMatch(await page.textContent('#computed'), /\d{2}:\d{2}:\d{2}\./);

    // The funnel: a bar per step with its count and its percent of the starters.
    for (const key of ['started', 'quarter', 'half', 'threeQuarters', 'completed']) {
      const step = `#funnel g[data-step="${key}"]`;
      const share = analytics.funnel.started ? analytics.funnel[key] / analytics.funnel.started : 0;
      assert.equal(Number(await page.getAttribute(step, 'data-count')), analytics.funnel[key], key);
      assert.equal(await page.textContent(`${step} .lp-value`), `${analytics.funnel[key]} · ${formatPercent(share, locale)}`);
      assert.match(await page.getAttribute(`${step} rect.lp-mark`, 'aria-label'), new RegExp(`: ${analytics.funnel[key]} \\(`));
    }

    // Retention: the curve of l1 is /analytics' retention on a percent axis, along a m:ss time axis.
    const plot = await page.$eval('#retention g.lp-plot', (g) => Object.fromEntries(['x', 'y', 'width', 'height', 'longest'].map((k) => [k, Number(g.dataset[k])])));
    assert.equal(plot.longest, 100);
    const points = await page.getAttribute('#retention polyline[data-lecture="l1"]', 'points');
    const drawn = points.split(' ').map((p) => p.split(',').map(Number));
    assert.equal(drawn.length, 100);
    assert.deepEqual(drawn.map(([, y]) => Math.round(((plot.y + plot.height - y) / plot.height) * 100) / 100), l1.retention.map((share) => Math.round(share * 100) / 100));
    assert.equal(drawn[0][0], plot.x);
    assert.equal(drawn.at(-1)[0], plot.x + plot.width);
    assert.ok(drawn[10][1] < drawn[90][1], 'more viewers early in the lecture than late');
    const xTicks = await page.$$eval('#retention text[data-axis="x"]', (texts) => texts.map((t) => t.textContent));
    assert.deepEqual(xTicks, ['0:00', '0:30', '1:00', '1:30']);
    assert.deepEqual(await page.$$eval('#retention text[data-axis="y"]', (texts) => texts.map((t) => t.textContent)), [0, 0.25, 0.5, 0.75, 1].map((v) => formatPercent(v, locale)));
    assert.match(await page.textContent('#retention svg'), /% of starters.*Time into the lecture \(m:ss\)/);
    // A legend entry per lecture; l2, which nobody started, has no curve.
    assert.deepEqual(await page.$$eval('#retention .lp-legend li', (items) => items.map((i) => i.dataset.lecture)), analytics.lectures.map((l) => l.lectureId));
    assert.match(await page.textContent('#retention .lp-legend li[data-lecture="l1"]'), /^Lecture l1 — 2 started, \d+ completed$/);
    assert.equal(await page.locator('#retention polyline[data-lecture="l2"]').count(), 0);
    // Marks every tenth of the lecture: one tab stop, the arrow keys move along the curve and the tooltip says the value.
    assert.equal(await page.locator('#retention g[data-lecture="l1"] circle').count(), 11);
    await page.focus('#retention circle[tabindex="0"]');
    await page.keyboard.press('ArrowRight');
    const mark = await focused(page);
    assert.equal(mark.data.percent, '10');
    assert.equal(mark.tip, mark.label);
    assert.match(mark.label, new RegExp(`^Lecture l1 at 0:10: ${formatPercent(l1.retention[10], locale)} of starters still watching$`));
    await screenshots(page, 'instructor');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('empty states: a new learner\'s dashboard and an unstarted course\'s analytics say there is nothing yet', async () => {
    const learner = uniqueId('u');
    const { page, problems } = await open(`${api.base}/learn/dashboard?learner=${learner}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    assert.equal((await call(api.base, await devToken(api.base, learner), 'GET', '/api/v1/me/skills')).body.length, 0);
    assert.match(await page.textContent('#skills .lp-empty'), /^No skills assessed yet/);
    assert.equal(await page.locator('#skills svg').count(), 0);
    assert.match(await page.textContent('#heatmap .lp-empty'), /^No learning time/);
    assert.equal(await page.locator('#heatmap rect[data-date]').count(), 365);
    assert.match(await page.textContent('#weekly .lp-empty'), /^No learning time/);
    assert.equal(await page.textContent('#stat-last-active'), '–');
    assert.deepEqual(problems, []);
    await page.close();

    // A course nobody has started: the funnel says so under its zero bars, the retention chart says so instead of axes.
    const course = await createCourse(api, ['l1'], 100);
    const instructor = await open(`${api.base}/learn/instructor?course=${course}`);
    await instructor.page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    assert.equal(await instructor.page.getAttribute('#funnel g[data-step="started"]', 'data-count'), '0');
    assert.equal(await instructor.page.textContent('#funnel .lp-empty'), 'No one has started this course yet.');
    assert.equal(await instructor.page.textContent('#retention .lp-empty'), 'No one has started a lecture of this course yet.');
    assert.equal(await instructor.page.locator('#retention svg').count(), 0);
    assert.deepEqual(instructor.problems, []);
    await instructor.page.close();
  });

  test('course catalog at phone and desktop widths', async () => {
    const learner = uniqueId('u');
    const { page, problems } = await open(`${api.base}/learn/?learner=${learner}`);
    await page.waitForSelector('li[data-course="demo"] a[data-lecture]');
    await screenshots(page, 'learn');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('pages and SDK headers: versioned SDK cached for good, clip served in ranges, CSP on the pages', async () => {
    const version = await (await fetch(`${api.base}/sdk/version`)).json();
    const plain = await fetch(`${api.base}/sdk/learnprogress.js`);
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get('content-type'), /^text\/javascript/);
    assert.equal(plain.headers.get('cache-control'), 'no-cache');
    const etag = plain.headers.get('etag');
    assert.ok(etag);
    assert.equal((await fetch(`${api.base}/sdk/learnprogress.js`, { headers: { 'If-None-Match': etag } })).status, 304);
    const pinned = await fetch(`${api.base}${version.entry}`);
    assert.equal(pinned.status, 200);
    assert.match(pinned.headers.get('cache-control'), /max-age=31536000, immutable/);
    assert.equal((await fetch(`${api.base}/sdk/000000000000/learnprogress.js`)).status, 404);
    const range = await fetch(`${api.base}/learn/demo.webm`, { headers: { Range: 'bytes=100-199' } });
    assert.equal(range.status, 206);
    assert.equal((await range.arrayBuffer()).byteLength, 100);
    assert.equal((await fetch(`${api.base}/learn/nothing.js`)).status, 404);
  });
});
