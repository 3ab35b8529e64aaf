import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracker } from '../src/tracker.js';
import { environment, fakeLocks, FakePlayer, json, settle, tokenFor, WALL0 } from './fakes.js';

function setUp({ saved = null, duration = 100, metadata = true, options = {}, envOverrides = {} } = {}) {
  const e = environment(envOverrides);
  e.api.saved = saved;
  e.api.lectureDuration = duration;
  const player = new FakePlayer(e.clock, { duration, metadata });
  const tokens = [];
  const getToken = (o = {}) => { tokens.push(!!o.refresh); return tokenFor('ada'); };
  const tracker = createTracker({
    baseUrl: 'https://api.example/', getToken, courseId: 'c', lectureId: 'l1', media: player,
    env: { ...e.env, store: e.store }, ...options,
  });
  const events = [];
  for (const type of ['sync', 'queued', 'rateLimited', 'offline', 'online', 'authError', 'error', 'complete', 'resumed'])
    tracker.on(type, (detail) => events.push({ type, detail }));
  return { ...e, player, tracker, events, tokens };
}

test('heartbeat pings are consecutive segments, each claim within twice its client time', async () => {
  const { player, api } = setUp();
  await settle();
  player.play();
  await player.run(12_000);
  player.pause();
  await settle();
  const pings = api.pings();
  assert.deepEqual(pings.map((p) => [p.segmentStart, p.watchTime]), [[0, 5], [5, 10], [10, 12]]);
  for (const [i, p] of pings.entries()) {
    assert.equal(p.courseId, 'c');
    assert.equal(p.duration, 100);
    if (i > 0) assert.equal(p.segmentStartTs, pings[i - 1].clientTs, 'a segment starts where the last report was');
    const claim = p.watchTime - p.segmentStart;
    assert.ok(claim <= (2 * (p.clientTs - p.segmentStartTs)) / 1000 + 1e-9);
    assert.equal(p.sessionId, pings[0].sessionId, 'one session per start of playback');
  }
  assert.equal(pings[0].segmentStartTs, WALL0 + 1000 * 0, 'playback began at the first instant');
});

test('seeking closes the segment where playback was, then saves the new position at once', async () => {
  const { player, api } = setUp();
  await settle();
  player.play();
  await player.run(3000);
  player.seekTo(50);
  await settle();
  await player.run(4000);
  player.pause();
  await settle();
  const segments = api.pings().map((p) => [p.segmentStart, p.watchTime]);
  assert.deepEqual(segments, [[0, 3], [50, 50], [50, 54]]);
});

test('a rate change closes the segment and the next claims at the new rate', async () => {
  const { player, api } = setUp();
  await settle();
  player.play();
  await player.run(2000);
  player.setRate(2);
  await player.run(4000);
  player.pause();
  await settle();
  const pings = api.pings();
  assert.deepEqual(pings.map((p) => [p.segmentStart, p.watchTime]), [[0, 2], [2, 10]]);
  assert.equal(pings[1].clientTs - pings[1].segmentStartTs, 4000);
});

test('ended reports the end of the lecture', async () => {
  const { player, api } = setUp({ duration: 8 });
  await settle();
  player.play();
  await player.run(9000);
  await settle();
  const last = api.pings().at(-1);
  assert.equal(last.watchTime, 8);
});

test('positions never pass the catalog duration, even when the file runs longer', async () => {
  const { player, api } = setUp({ duration: 10 });
  player.dur = 10.02;
  await settle();
  player.play();
  await player.run(11_000);
  await settle();
  assert.ok(api.pings().every((p) => p.watchTime <= 10 && p.duration === 10), JSON.stringify(api.pings()));
});

test('resume seeks to the saved position after metadata, and nothing is sent before the seek lands', async () => {
  const { player, api, events, tracker } = setUp({ saved: { position: 42 }, metadata: false });
  await settle();
  player.isPaused = false; // autoplay before metadata
  player.emit('playing');
  await settle();
  assert.equal(tracker.ready, false);
  assert.deepEqual(player.seeks, [], 'no seek before metadata');
  player.loadMetadata();
  await settle();
  assert.deepEqual(player.seeks, [42]);
  assert.equal(tracker.ready, true);
  await player.run(6000);
  await settle();
  const pings = api.pings();
  assert.ok(pings.length >= 1);
  assert.ok(pings.every((p) => p.watchTime >= 42 && p.segmentStart >= 42), JSON.stringify(pings));
  assert.deepEqual(events.find((e) => e.type === 'resumed').detail, { position: 42 });
});

test('a saved position near the end starts over', async () => {
  const { player, tracker } = setUp({ saved: { position: 97 } });
  await settle();
  assert.deepEqual(player.seeks, []);
  assert.equal(tracker.ready, true);
});

test('offline at load: the newest queued ping is the resume position', async () => {
  const e = setUp({ saved: { position: 10 } });
  await settle();
  e.player.play();
  await e.player.run(4000);
  e.api.offline = true;
  e.player.pause();
  await settle();
  e.tracker.destroy();
  const player = new FakePlayer(e.clock, { duration: 100 });
  createTracker({ baseUrl: 'https://api.example', getToken: () => tokenFor('ada'), courseId: 'c', lectureId: 'l1', media: player,
    env: { ...e.env, store: e.store, fetch: e.api.fetch } });
  await settle();
  assert.deepEqual(player.seeks, [14]);
});

test('client times are corrected by the server clock from Date', async () => {
  const { player, api, clock } = setUp();
  api.serverAhead = 10 * 60 * 1000;
  await settle();
  player.play();
  await player.run(6000);
  await settle();
  const ping = api.pings().at(-1);
  const deviceNow = clock.wallNow();
  assert.ok(Math.abs(ping.clientTs - (deviceNow + 600_000)) < 2000, `${ping.clientTs - deviceNow}`);
});

test('pause, hide and page hide save at once; page hide uses keepalive under 60 KiB', async () => {
  const { player, api, document, window } = setUp();
  await settle();
  player.play();
  await player.run(1500);
  document.visibilityState = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
  await settle();
  assert.deepEqual(api.pings().map((p) => p.watchTime), [1.5]);
  api.offline = true; // the ordinary send fails, so the page hide has something left to send
  await player.run(1000);
  player.pause();
  await settle();
  api.offline = false;
  window.dispatchEvent(new Event('pagehide'));
  const last = api.requests.at(-1);
  assert.equal(last.keepalive, true);
  assert.equal(last.path, '/api/v1/progress/batch');
  assert.equal(last.body.pings.at(-1).watchTime, 2.5);
  assert.ok(JSON.stringify(last.body).length < 60 * 1024);
});

test('page hide prefers fetchLater where the browser has it', async () => {
  const later = [];
  const { player, api, window } = setUp({ envOverrides: { fetchLater: (url, init) => later.push({ url, init }) } });
  await settle();
  player.play();
  await player.run(2000);
  const before = api.requests.length;
  window.dispatchEvent(new Event('pagehide'));
  assert.equal(api.requests.length, before);
  assert.equal(later.length, 1);
  assert.equal(later[0].init.activateAfter, 0);
  assert.equal(JSON.parse(later[0].init.body).pings.at(-1).watchTime, 2);
});

test('after ended the tracker asks whether the server completed the lecture', async () => {
  const { player, api, events } = setUp({ duration: 8 });
  const answer = api.answer.bind(api);
  api.answer = (entry) => (entry.path === '/api/v1/progress/c' && api.batches().length
    ? json(200, { courseId: 'c', lectures: { l1: { position: 8, completed: true } } }) : answer(entry));
  await settle();
  player.play();
  await player.run(9000);
  await settle();
  assert.deepEqual(events.filter((e) => e.type === 'complete').map((e) => e.detail), [{ courseId: 'c', lectureId: 'l1', by: 'coverage' }]);
});

test('markComplete posts the completion and emits complete', async () => {
  const { api, tracker, events } = setUp();
  await settle();
  await tracker.markComplete();
  assert.deepEqual(api.requests.at(-1).body, { courseId: 'c', lectureId: 'l1' });
  assert.ok(events.some((e) => e.type === 'complete'));
});

test('429 waits for Retry-After before sending again, and loses nothing', async () => {
  const { player, api, events } = setUp();
  let refuse = 1;
  api.onBatch = (pings) => (refuse-- > 0 ? json(429, { title: 'Too many requests.' }, { 'Retry-After': '3' }) : json(200, { accepted: pings.length, rejected: [] }));
  await settle();
  player.play();
  await player.run(5000); // first heartbeat: refused
  const refusedAt = api.batches()[0].at;
  await player.run(2500);
  assert.equal(api.batches().length, 1, 'nothing sent during Retry-After');
  await player.run(1000);
  const retry = api.batches()[1];
  assert.ok(retry.at - refusedAt >= 3000);
  assert.deepEqual(retry.body.pings.map((p) => p.watchTime), [5]);
  assert.deepEqual(events.find((e) => e.type === 'rateLimited').detail, { retryInMs: 3000 });
});

test('5xx and network errors back off exponentially with full jitter', async () => {
  const { player, api, tracker } = setUp();
  api.onBatch = () => json(500, { title: 'boom' });
  await settle();
  player.play();
  await player.run(5000);
  player.pause();
  await settle();
  const waits = [];
  for (let i = 0; i < 4; i++) {
    waits.push(tracker.state.retryInMs);
    await player.run(tracker.state.retryInMs);
  }
  // random() = 0.5: half of 1, 2, 4, 8 s.
  assert.deepEqual(waits, [500, 1000, 2000, 4000]);
  assert.equal(tracker.state.error, 'server');
  assert.ok(tracker.state.pending >= 1, 'kept while failing');
});

test('401 asks for a fresh token once; still 401 raises authError and keeps the pings', async () => {
  const { player, api, tokens, events, tracker } = setUp();
  let unauthorized = 1;
  api.onBatch = (pings) => (unauthorized-- > 0 ? json(401, { title: 'Unauthorized' }) : json(200, { accepted: pings.length, rejected: [] }));
  await settle();
  player.play();
  await player.run(5000);
  await settle();
  assert.equal(tokens.filter((r) => r).length, 1);
  assert.equal(api.batches().length, 2);
  assert.equal(tracker.state.pending, 0);

  api.onBatch = () => json(401, { title: 'Unauthorized' });
  player.pause();
  await settle();
  assert.ok(events.some((e) => e.type === 'authError'));
  assert.equal(tracker.state.error, 'auth');
  assert.equal(tracker.state.pending, 1);
});

test('400 drops the batch with an error event instead of retrying forever', async () => {
  const { player, api, events, tracker } = setUp();
  api.onBatch = () => json(400, { title: 'Invalid', errors: { pings: ['bad'] } });
  await settle();
  player.play();
  await player.run(5000);
  player.pause();
  await settle();
  await player.run(60_000);
  assert.equal(api.batches().length, 2);
  assert.equal(tracker.state.pending, 0);
  assert.equal(events.filter((e) => e.type === 'error' && e.detail.reason === 'invalid').length, 2);
});

test('pings the server rejects one by one are dropped with an event; the rest are acknowledged', async () => {
  const { player, api, events, tracker } = setUp();
  api.onBatch = (pings) => json(200, { accepted: pings.length - 1, rejected: [{ index: 0, errors: { watchTime: ['no'] } }] });
  await settle();
  player.play();
  await player.run(5000);
  await settle();
  const error = events.find((e) => e.type === 'error');
  assert.equal(error.detail.reason, 'rejected');
  assert.deepEqual(error.detail.errors, { watchTime: ['no'] });
  assert.equal(tracker.state.pending, 0);
});

test('413 splits the batch', async () => {
  const { player, api, tracker } = setUp({ options: { heartbeatMs: 1000, flushIntervalMs: 60_000 } });
  api.onBatch = (pings) => (pings.length > 2 ? json(413, { title: 'Too large' }) : json(200, { accepted: pings.length, rejected: [] }));
  await settle();
  player.play();
  await player.run(5000);
  player.pause();
  await settle();
  const sizes = api.batches().map((b) => b.body.pings.length);
  assert.deepEqual(sizes, [6, 3, 2, 1, 3, 2, 1]);
  assert.equal(tracker.state.pending, 0);
  const accepted = api.batches().filter((b) => b.body.pings.length <= 2).flatMap((b) => b.body.pings.map((p) => p.watchTime));
  assert.deepEqual(accepted, [1, 2, 3, 4, 5, 5]);
});

test('offline pauses sending; online resumes it', async () => {
  const online = { value: true };
  const { player, api, window, tracker, events } = setUp({ envOverrides: { onLine: () => online.value } });
  await settle();
  online.value = false;
  window.dispatchEvent(new Event('offline'));
  player.play();
  await player.run(11_000);
  player.pause();
  await settle();
  assert.equal(api.batches().length, 0);
  assert.equal(tracker.state.online, false);
  assert.equal(tracker.state.pending, 3);
  online.value = true;
  window.dispatchEvent(new Event('online'));
  await settle();
  assert.deepEqual(api.pings().map((p) => p.watchTime), [5, 10, 11]);
  assert.equal(tracker.state.pending, 0);
  assert.deepEqual(events.filter((e) => e.type === 'offline' || e.type === 'online').map((e) => e.type), ['offline', 'online']);
});

test('pings older than the server accepts are dropped with an event', async () => {
  const e = setUp();
  await settle();
  await e.store.add([{ id: '000000000000001-x-000000', sub: 'ada', tab: 'x',
    ping: { courseId: 'c', lectureId: 'l1', watchTime: 3, clientTs: WALL0 - 31 * 24 * 3600 * 1000 } }]);
  await e.tracker.flush();
  await settle();
  assert.equal(e.api.pings().length, 0);
  assert.equal(e.events.find((x) => x.type === 'error').detail.reason, 'expired');
});

test("another learner's queued pings are never sent with this learner's token", async () => {
  const e = setUp();
  await e.store.add([{ id: '000000000000001-x-000000', sub: 'bob', tab: 'x',
    ping: { courseId: 'c', lectureId: 'l1', watchTime: 3, clientTs: WALL0 } }]);
  await settle();
  await e.tracker.flush();
  assert.equal(e.api.pings().filter((p) => p.watchTime === 3).length, 0);
  assert.equal((await e.store.list()).length, 1);
});

test('tokens are never stored with the queue', async () => {
  const e = setUp();
  e.api.offline = true;
  await settle();
  e.player.play();
  await e.player.run(5000);
  const stored = JSON.stringify(await e.store.list());
  assert.ok(stored.length > 10);
  assert.doesNotMatch(stored, /eyJ/);
});

test('without Web Locks a tab sends only its own pings after its first drain', async () => {
  const e = setUp({ envOverrides: { locks: null } });
  await settle();
  await e.store.add([{ id: '000000000000001-x-000000', sub: 'ada', tab: 'x',
    ping: { courseId: 'c', lectureId: 'l1', watchTime: 3, clientTs: WALL0 } }]);
  e.player.play();
  await e.player.run(5000);
  await settle();
  assert.deepEqual(e.api.pings().map((p) => p.watchTime), [5]);
  assert.equal((await e.store.list()).length, 1, "another tab's ping is left to that tab");
});

test('with Web Locks only one of two tabs drains the shared queue', async () => {
  const locks = fakeLocks();
  const a = setUp({ envOverrides: { locks } });
  // Tab b shares a's store, API and clock.
  const player = new FakePlayer(a.clock);
  const b = createTracker({ baseUrl: 'https://api.example', getToken: () => tokenFor('ada'), courseId: 'c', lectureId: 'l1', media: player,
    env: { ...a.env, store: a.store, locks } });
  let inFlight = 0;
  let overlap = false;
  a.api.onBatch = (pings) => {
    if (++inFlight > 1) overlap = true;
    return new Promise((resolve) => setTimeout(() => { inFlight--; resolve(json(200, { accepted: pings.length, rejected: [] })); }, 5));
  };
  await settle();
  a.player.play();
  player.play();
  for (let i = 0; i < 4; i++) {
    await a.player.run(2500);
    await player.run(2500);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  a.player.pause();
  player.pause();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await a.tracker.flush();
  await b.flush();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const keys = a.api.pings().map((p) => `${p.sessionId}@${p.clientTs}`);
  assert.equal(overlap, false);
  assert.equal(new Set(keys).size, keys.length, 'no ping sent twice');
  assert.equal((await a.store.list()).length, 0);
});
