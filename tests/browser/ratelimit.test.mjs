// End to end: a tight per-learner rate limit. The tracker waits out each 429 by the server's Retry-After (read
// across origins, so CORS must expose it) and loses nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createCourse, devToken, launch, learnerApi, openPlayer, recordBatches, skipReason, sleep, startApi, startHarness,
  uniqueId, until,
} from './lib.mjs';

const skip = skipReason();

describe('tight rate limit', { skip: skip ?? false }, () => {
  let api, harness, browser;

  before(async () => {
    harness = await startHarness();
    // One request at once, one more per second: a tracker flushing every 250 ms is refused most of the time.
    api = await startApi({ RateLimiting__PingBurst: '1', RateLimiting__PingTokensPerSecond: '1' }, { corsOrigin: harness.origin });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
    await harness?.stop();
  });

  test('backs off by Retry-After and loses nothing', async () => {
    const id = uniqueId('u');
    const read = learnerApi(api, await devToken(api.base, id));
    const course = await createCourse(api);
    const page = await openPlayer(browser.context, harness, api, { course, lecture: 'l1', learner: id, heartbeat: '250', flush: '250' });
    const batches = recordBatches(page);
    await page.evaluate(() => window.lp.video.play());
    await sleep(6000);
    const pausedAt = await page.evaluate(() => { window.lp.video.pause(); return window.lp.video.currentTime; });
    await page.waitForFunction(() => window.lp.tracker.state.pending === 0, null, { timeout: 20_000 });

    const refused = batches.filter((b) => b.status === 429);
    assert.ok(refused.length >= 1, `no 429 among ${batches.length} requests`);
    for (const r of refused) {
      assert.ok(r.retryAfter, 'Retry-After on the 429');
      const next = batches.find((b) => b.at > r.at);
      if (!next) continue;
      const waited = next.at - r.answeredAt;
      assert.ok(waited >= Number(r.retryAfter) * 1000 - 50, `sent again after ${waited} ms; Retry-After ${r.retryAfter} s`);
    }
    const limited = await page.evaluate(() => window.lp.events.filter((e) => e.type === 'rateLimited').map((e) => e.detail.retryInMs));
    assert.ok(limited.length >= 1);
    // The wait came from the header (whole seconds), not from a guessed backoff.
    assert.ok(limited.every((ms) => ms % 1000 === 0 && ms >= 1000), `waits ${limited}`);

    const queued = await page.evaluate(() => window.lp.events.filter((e) => e.type === 'queued').map((e) => e.detail.ping));
    const accepted = batches.filter((b) => b.status === 200).flatMap((b) => b.pings);
    const key = (p) => `${p.sessionId}@${p.clientTs}`;
    assert.deepEqual(new Set(accepted.map(key)), new Set(queued.map(key)), 'every ping accepted in the end');
    const lecture = await until(async () => read.lecture(course, 'l1'), { what: 'progress' });
    assert.ok(Math.abs(lecture.position - pausedAt) < 0.3, `position ${lecture.position}, paused at ${pausedAt}`);
    assert.ok(lecture.coverage * 20 >= pausedAt - 1, `coverage ${lecture.coverage * 20} s of ${pausedAt} s`);
    await page.close();
  });
});
