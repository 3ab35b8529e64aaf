// End to end: the dashboard's weekly goal ring and weekly board, drawn from /stats/weekly and /leaderboards/weekly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, createCourse, devToken, ensureArtifacts, launch, openPage, skipReason, startApi, uniqueId } from './lib.mjs';

const skip = skipReason();

describe('dashboard goals and leaderboard', { skip: skip ?? false }, () => {
  let api, browser;

  before(async () => {
    api = await startApi();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  function open(url) {
    return openPage(browser.context, url);
  }

  /** Playback of lecture l1 ending now, as 20 s segments of one session. */
  async function play(token, course, seconds) {
    const now = Date.now() - 5_000;
    const count = seconds / 20;
    const session = uniqueId('s').slice(0, 64);
    const pings = Array.from({ length: count }, (_, i) => ({
      courseId: course, lectureId: 'l1', watchTime: (i + 1) * 20, segmentStart: i * 20, duration: 3600,
      clientTs: now - (count - i - 1) * 20_000, segmentStartTs: now - (count - i) * 20_000, sessionId: session,
    }));
    const batch = await call(api.base, token, 'POST', '/api/v1/progress/batch', { pings });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.rejected, []);
  }

  test('the goal ring and the board show what the API answers', async () => {
    const course = await createCourse(api, ['l1'], 3600);
    const learner = uniqueId('u');
    const rival = uniqueId('u');
    const token = await devToken(api.base, learner);
    const rivalToken = await devToken(api.base, rival);
    assert.equal((await call(api.base, token, 'PUT', '/api/v1/me/settings',
      { weeklyGoalMinutes: 10, weeklyGoalLectures: 1, leaderboard: true, displayName: 'Ring Tester' })).status, 200);
    assert.equal((await call(api.base, rivalToken, 'PUT', '/api/v1/me/settings', { leaderboard: true, displayName: 'Rival' })).status, 200);
    await play(token, course, 120);
    await play(rivalToken, course, 240);
    assert.equal((await call(api.base, api.admin, 'POST', '/api/v1/admin/flush')).status, 200);

    const weekly = (await call(api.base, token, 'GET', '/api/v1/stats/weekly?weeks=1')).body;
    const goal = weekly.at(-1).goal;
    const board = (await call(api.base, token, 'GET', '/api/v1/leaderboards/weekly')).body;
    assert.ok(goal, 'a goal for this week');
    assert.ok(board.me.rank >= 1, 'the learner is on the board');

    const { page, problems } = await open(`${api.base}/learn/dashboard?learner=${learner}`);
    await page.waitForSelector('#goals[data-loaded="true"]', { timeout: 15_000 });

    const summary = await page.$eval('#goal-summary', (p) => ({ text: p.textContent, ...p.dataset }));
    assert.equal(Number(summary.minutes), goal.minutes);
    assert.equal(Number(summary.lectures), goal.lectures);
    assert.equal(Number(summary.minutesLeft), goal.minutesLeft);
    assert.equal(Number(summary.daysLeft), goal.daysLeft);
    assert.match(summary.text, new RegExp(`^This week: ${goal.minutes} of 10 minutes, ${goal.lectures} of 1 lectures; ${goal.daysLeft} days? left\\.$`));
    const ring = await page.$eval('#goal-ring', (svg) => ({ label: svg.getAttribute('aria-label'), role: svg.getAttribute('role'),
      share: Number(svg.dataset.share), met: svg.dataset.met, title: svg.querySelector('title').textContent }));
    assert.equal(ring.role, 'img');
    assert.equal(ring.label, summary.text);
    assert.equal(ring.title, summary.text);
    assert.equal(ring.met, String(goal.met));
    const expected = ((Math.min(1, goal.minutes / 10) + Math.min(1, goal.lectures / 1)) / 2);
    assert.ok(Math.abs(ring.share - expected) < 0.001, `share ${ring.share} vs ${expected}`);

    const entries = await page.$$eval('#board-entries li', (items) => items.map((li) => ({ rank: Number(li.dataset.rank), minutes: Number(li.dataset.minutes), text: li.textContent })));
    assert.deepEqual(entries, board.entries.map((e) => ({ rank: e.rank, minutes: e.minutes, text: `${e.displayName}: ${e.minutes} min` })));
    assert.ok(entries.findIndex((e) => e.text.startsWith('Rival:')) < entries.findIndex((e) => e.text.startsWith('Ring Tester:')));
    const me = await page.$eval('#board-me', (p) => ({ ...p.dataset, text: p.textContent }));
    assert.equal(me.joined, 'true');
    assert.equal(Number(me.rank), board.me.rank);
    assert.equal(me.text, `Your rank: ${board.me.rank} with ${board.me.minutes} min.`);

    // Leaving takes the learner off the board at once; the page says so on the next load.
    assert.equal((await call(api.base, token, 'PUT', '/api/v1/me/settings', { leaderboard: false })).status, 200);
    await page.reload();
    await page.waitForSelector('#goals[data-loaded="true"]', { timeout: 15_000 });
    assert.equal(await page.getAttribute('#board-me', 'data-joined'), 'false');
    const rivalBoard = (await call(api.base, rivalToken, 'GET', '/api/v1/leaderboards/weekly')).body;
    assert.ok(!rivalBoard.entries.some((e) => e.displayName === 'Ring Tester'));

    await page.screenshot({ path: join(ensureArtifacts(), 'dashboard-goals.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
