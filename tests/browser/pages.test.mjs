// End to end: the learner's pages served by the API (/learn, /learn/dashboard) under their strict CSP.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  call, createCourse, devToken, ensureArtifacts, launch, learnerApi, skipReason, sleep, startApi, uniqueId, until,
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
  async function open(url) {
    const page = await browser.context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url)) problems.push(`console: ${m.text()}`); });
    await page.goto(url);
    return { page, problems };
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
    assert.equal(await page.textContent('#stat-last-active'), stats.lastActiveDate);

    const cells = await page.$$eval('#heatmap rect', (rects) => rects.map((r) => ({ date: r.dataset.date, level: Number(r.dataset.level), title: r.querySelector('title').textContent })));
    assert.equal(cells.length, heatmap.length);
    assert.equal(cells.length, 365);
    for (const [i, d] of heatmap.entries()) {
      assert.equal(cells[i].date, d.date);
      assert.equal(cells[i].level, d.level, `level of ${d.date}`);
      const minutes = d.seconds > 0 ? Math.max(1, Math.round(d.seconds / 60)) : 0;
      assert.equal(cells[i].title, `${minutes} min on ${d.date}`);
    }
    assert.equal(heatmap.filter((d) => d.seconds > 0).length, 3);
    assert.ok(heatmap.some((d) => d.level > 0));

    // The weekly chart draws /stats/weekly's weeks, and each course shows /stats/course-estimates' date.
    const weekly = (await call(api.base, token, 'GET', '/api/v1/stats/weekly?weeks=12')).body;
    const bars = await page.$$eval('#weekly rect', (rects) => rects.map((r) => ({ week: r.dataset.week, seconds: Number(r.dataset.seconds), title: r.querySelector('title').textContent })));
    assert.deepEqual(bars.map((b) => [b.week, b.seconds]), weekly.map((w) => [w.weekStart, w.seconds]));
    assert.ok(weekly.at(-1).seconds > 0 || weekly.at(-2).seconds > 0, 'the last days fall in the chart');
    assert.match(bars.at(-1).title, /^Week of \d{4}-\d{2}-\d{2}: /);
    const estimates = (await call(api.base, token, 'GET', '/api/v1/stats/course-estimates')).body;
    const estimate = estimates.find((e) => e.courseId === course);
    assert.ok(estimate.estimatedCompletion, 'a recent pace gives an estimate');
    assert.equal(await page.getAttribute(`#course-progress li[data-course="${course}"] .estimate`, 'data-estimate'), estimate.estimatedCompletion);

    const item = `#course-progress li[data-course="${course}"]`;
    const listed = courses.find((c) => c.courseId === course);
    assert.equal(await page.getAttribute(item, 'data-progress'), String(listed.progress));
    const progress = await read.progress(course);
    assert.match(await page.getAttribute(`${item} a.continue`, 'href'), new RegExp(`lecture=${progress.lastWatchedLecture}`));

    await page.screenshot({ path: join(ensureArtifacts(), 'dashboard.png'), fullPage: true });
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
    assert.equal(await page.textContent('#funnel [data-step="started"] dd'), String(analytics.funnel.started));
    assert.equal(await page.textContent('#funnel [data-step="completed"] dd'), String(analytics.funnel.completed));
    const points = await page.getAttribute('#lectures li[data-lecture="l1"] polyline[data-lecture="l1"]', 'points');
    const drawn = points.split(' ').map((p) => Number(p.split(',')[1]));
    assert.equal(drawn.length, 100);
    assert.deepEqual(drawn.map((y) => Math.round(100 - y) / 100), l1.retention.map((share) => Math.round(share * 100) / 100));
    assert.ok(drawn[10] < drawn[90], 'more viewers early in the lecture than late');
    await page.screenshot({ path: join(ensureArtifacts(), 'instructor.png'), fullPage: true });
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
