// End to end: the dashboard's "When you learn" section (peak hours, weekdays, next steps) against the API's answers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, createCourse, devToken, ensureArtifacts, launch, openPage, skipReason, startApi, uniqueId } from './lib.mjs';

const skip = skipReason();

describe('dashboard patterns', { skip: skip ?? false }, () => {
  let api, browser;

  before(async () => {
    api = await startApi();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  test('hour and weekday bars, peaks and next steps are the API\'s, under the CSP and labelled for assistive technology', async () => {
    const learner = uniqueId('u');
    const token = await devToken(api.base, learner);
    const course = await createCourse(api, ['l1', 'l2'], 600);
    // Two sessions: five minutes two days ago and two minutes yesterday, as 20 s segments.
    const day = 24 * 3600 * 1000;
    const now = Date.now() - 60_000;
    const pings = [];
    for (const [back, segments] of [[2, 15], [1, 6]]) {
      const start = now - back * day - segments * 20_000;
      for (let k = 1; k <= segments; k++)
        pings.push({ courseId: course, lectureId: 'l1', watchTime: k * 20, segmentStart: (k - 1) * 20, duration: 600,
          clientTs: start + k * 20_000, segmentStartTs: start + (k - 1) * 20_000 });
    }
    const batch = await call(api.base, token, 'POST', '/api/v1/progress/batch', { pings });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.rejected, []);
    const patterns = (await call(api.base, token, 'GET', '/api/v1/stats/patterns?days=90')).body;
    const next = (await call(api.base, token, 'GET', '/api/v1/me/next')).body;
    assert.equal(patterns.sessions.count, 2);
    assert.ok(patterns.peakHours.length >= 1);

    const { page, problems } = await openPage(browser.context, `${api.base}/learn/dashboard?learner=${learner}`);
    await page.waitForSelector('#patterns[data-loaded="true"]', { timeout: 15_000 });

    const hours = await page.$$eval('#patterns-hours rect', (rects) => rects.map((r) => ({
      hour: Number(r.dataset.hour), seconds: Number(r.dataset.seconds), peak: r.dataset.peak === 'true', title: r.querySelector('title').textContent })));
    assert.deepEqual(hours.map((h) => h.seconds), patterns.hours);
    assert.deepEqual(hours.filter((h) => h.peak).map((h) => h.hour), patterns.peakHours);
    const peak = hours.find((h) => h.peak);
    assert.match(peak.title, /^\d\d:00–\d\d:00: \d+ min \(peak\)$/);
    const weekdays = await page.$$eval('#patterns-weekdays rect', (rects) => rects.map((r) => ({
      day: r.dataset.weekday, seconds: Number(r.dataset.seconds), peak: r.dataset.peak === 'true' })));
    assert.deepEqual(weekdays.map((d) => d.day), ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
    assert.deepEqual(weekdays.map((d) => d.seconds), patterns.weekdays);
    assert.deepEqual(weekdays.filter((d) => d.peak).map((d) => d.day), patterns.peakDays);

    // Each chart is an image to assistive technology with a name; the summary says the same in words.
    for (const id of ['#patterns-hours', '#patterns-weekdays']) {
      assert.equal(await page.getAttribute(id, 'role'), 'img');
      assert.match(await page.getAttribute(id, 'aria-label'), /^Time played per (hour of the day|weekday), last 90 days$/);
    }
    const summary = await page.textContent('#patterns-summary');
    assert.match(summary, /^You learn most at \d\d:00–\d\d:00/);
    assert.match(summary, /2 sessions/);

    const steps = await page.$$eval('#next-steps li', (items) => items.map((li) => ({ kind: li.dataset.kind, text: li.textContent, href: li.querySelector('a')?.getAttribute('href') ?? null })));
    assert.deepEqual(steps.map((s) => s.kind), next.items.map((i) => i.kind));
    for (const [i, item] of next.items.entries()) assert.ok(steps[i].text.startsWith(item.reason), `${steps[i].text} starts with ${item.reason}`);
    const resume = steps.find((s) => s.kind === 'continue');
    assert.match(resume.href, new RegExp(`course=${course}&lecture=l1`));

    await page.locator('#patterns').screenshot({ path: join(ensureArtifacts(), 'dashboard-patterns.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
