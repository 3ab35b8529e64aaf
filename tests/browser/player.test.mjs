// End to end: the SDK in Debian's Chromium, embedded by a page on another origin, against the real API process.
// Every scenario asserts the server's state through the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createCourse, devToken, launch, learnerApi, openPlayer, playFor, recordBatches, skipReason, sleep, startApi,
  startHarness, uniqueId, until,
} from './lib.mjs';

const skip = skipReason();

describe('tracker in Chromium', { skip: skip ?? false }, () => {
  let api, harness, browser;

  before(async () => {
    harness = await startHarness();
    api = await startApi({}, { corsOrigin: harness.origin });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
    await harness?.stop();
  });

  async function learner() {
    const id = uniqueId('u');
    return { id, read: learnerApi(api, await devToken(api.base, id)) };
  }

  test('play then pause: saved within 1 s of the pause, within one heartbeat while playing', async () => {
    const { id, read } = await learner();
    const course = await createCourse(api);
    const page = await openPlayer(browser.context, harness, api, { course, lecture: 'l1', learner: id });
    await playFor(page, 7000);
    // While playing, the server lags the player by at most one heartbeat (5 s) plus the request.
    const playing = await page.evaluate(() => window.lp.video.currentTime);
    const saved = await read.lecture(course, 'l1');
    assert.ok(saved, 'a heartbeat reached the server while playing');
    assert.ok(playing - saved.position <= 5 + 1.5, `server ${saved.position} s vs player ${playing} s`);

    const pausedAt = await page.evaluate(() => { window.lp.video.pause(); return window.lp.video.currentTime; });
    const started = Date.now();
    const after = await until(async () => {
      const l = await read.lecture(course, 'l1');
      return l && Math.abs(l.position - pausedAt) < 0.3 ? l : null;
    }, { timeoutMs: 3000, everyMs: 50, what: `position ${pausedAt}` });
    const took = Date.now() - started;
    assert.ok(took <= 1000, `saved ${took} ms after the pause`);
    assert.ok(Math.abs(after.position - pausedAt) < 0.3);
    assert.equal(after.completed, false);
    const coverage = after.coverage * 20;
    assert.ok(coverage > pausedAt - 1 && coverage <= pausedAt + 0.5, `coverage ${coverage} s of ${pausedAt} s played`);
    await page.close();
  });

  test('seeking to the end does not complete the lecture', async () => {
    const { id, read } = await learner();
    const course = await createCourse(api);
    const page = await openPlayer(browser.context, harness, api, { course, lecture: 'l1', learner: id });
    await playFor(page, 1500);
    await page.evaluate(() => { window.lp.video.currentTime = 19; });
    await page.waitForFunction(() => window.lp.video.ended, null, { timeout: 10_000 });
    await page.evaluate(() => window.lp.tracker.flush());
    const lecture = await until(async () => {
      const l = await read.lecture(course, 'l1');
      return l && l.position >= 19.9 ? l : null;
    }, { what: 'end position saved' });
    assert.equal(lecture.completed, false);
    assert.ok(lecture.coverage < 0.5, `coverage ${lecture.coverage}`);
    const progress = await read.progress(course);
    assert.deepEqual(progress.completedLectures, []);
    await page.close();
  });

  test('watching a whole lecture at 2x completes it', async () => {
    const { id, read } = await learner();
    const course = await createCourse(api, ['l1', 'l2']);
    const page = await openPlayer(browser.context, harness, api, { course, lecture: 'l1', learner: id });
    await page.evaluate(() => { window.lp.video.playbackRate = 2; return window.lp.video.play(); });
    await page.waitForFunction(() => window.lp.video.ended, null, { timeout: 20_000 });
    await page.evaluate(() => window.lp.tracker.flush());
    const progress = await until(async () => {
      const p = await read.progress(course);
      return p.completedLectures.includes('l1') ? p : null;
    }, { what: 'l1 completed' });
    assert.ok(progress.lectures.l1.coverage >= 0.9, `coverage ${progress.lectures.l1.coverage}`);
    assert.equal(progress.completionPercentage, 50);
    const events = await page.evaluate(() => window.lp.events.filter((e) => e.type === 'error'));
    assert.deepEqual(events, []);
    await page.close();
  });
});
