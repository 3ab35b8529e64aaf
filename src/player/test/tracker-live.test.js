// The tracker with `live: true`: pushes from the hub move a paused player to where the learner's other tab or device is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracker } from '../src/tracker.js';
import { environment, FakePlayer, FakeSocket, settle, tokenFor, WALL0 } from './fakes.js';

const RS = '\x1e';

async function setUp({ saved = null, live = true, metadata = true, socket = FakeSocket } = {}) {
  const e = environment();
  FakeSocket.reset(e.clock);
  e.api.saved = saved;
  const player = new FakePlayer(e.clock, { duration: 100, metadata });
  const tracker = createTracker({
    baseUrl: 'https://api.example', getToken: () => tokenFor('ada'), courseId: 'c', lectureId: 'l1', media: player, live,
    env: { ...e.env, store: e.store, WebSocket: socket },
  });
  const events = [];
  for (const type of ['remote', 'complete', 'live', 'achievement', 'error'])
    tracker.on(type, (detail) => events.push({ type, detail }));
  await settle();
  return { ...e, player, tracker, events, of: (type) => events.filter((x) => x.type === type).map((x) => x.detail) };
}

/** The hub's progressUpdated for this lecture from another tab, `ms` after the test's start. */
function update(position, ms, extra = {}) {
  return { courseId: 'c', lectureId: 'l1', position, furthest: position, coverage: 0.1, completed: false,
    updatedAt: WALL0 + ms, originSessionId: 'other-tab', ...extra };
}

test('off unless asked: no socket, and `live` says so', async () => {
  const { tracker } = await setUp({ live: false });
  assert.equal(FakeSocket.made.length, 0);
  assert.equal(tracker.live, 'off');
});

test('connects to the hub with the learner\'s token and reports the connection', async () => {
  const { tracker, of } = await setUp();
  assert.equal(FakeSocket.made.length, 1);
  assert.equal(FakeSocket.last.url, `wss://api.example/hubs/progress?access_token=${tokenFor('ada')}`);
  FakeSocket.last.accept();
  assert.equal(tracker.live, 'connected');
  assert.deepEqual(of('live').map((d) => d.state), ['connecting', 'connected']);
});

test('paused: jumps to another tab\'s position, emits `remote`, and sends no ping for that seek', async () => {
  const { player, api, clock, of } = await setUp({ saved: { position: 10, updatedAt: WALL0 - 60_000 } });
  assert.deepEqual(player.seeks, [10]);
  FakeSocket.last.accept();
  await clock.advance(1000);
  const before = api.pings().length;
  FakeSocket.last.push('progressUpdated', update(42.5, 1000));
  await settle();
  assert.deepEqual(player.seeks, [10, 42.5]);
  assert.equal(player.position(), 42.5);
  assert.deepEqual(of('remote'), [{ ...update(42.5, 1000), seeked: true }]);
  await clock.advance(6000);
  assert.equal(api.pings().length, before, 'the server already has that position');

  // The learner's own seek afterwards is saved as always.
  player.seekTo(60);
  await settle();
  assert.equal(api.pings().at(-1).watchTime, 60);
});

test('playing: never seeks, only emits', async () => {
  const { player, clock, of } = await setUp();
  FakeSocket.last.accept();
  player.play();
  await player.run(2000);
  FakeSocket.last.push('progressUpdated', update(70, 5000));
  await player.run(1000);
  assert.deepEqual(player.seeks, []);
  assert.ok(Math.abs(player.position() - 3) < 1e-9);
  assert.deepEqual(of('remote').map((d) => [d.position, d.seeked]), [[70, false]]);
  assert.equal(clock.now(), 3000);
});

test('ignores its own echo, other lectures and courses, and anything no newer than what it has', async () => {
  const { player, api, tracker, of } = await setUp({ saved: { position: 10, updatedAt: WALL0 + 500 } });
  FakeSocket.last.accept();
  player.play();
  await player.run(6000);
  player.pause();
  await player.run(1000);
  const own = api.pings().at(-1);
  assert.ok(own.sessionId);
  // Its own ping, pushed back: by session, and also as a state no newer than its last ping.
  FakeSocket.last.push('progressUpdated', update(own.watchTime, own.clientTs - WALL0 + 5000, { originSessionId: own.sessionId }));
  FakeSocket.last.push('progressUpdated', update(3, own.clientTs - WALL0, { originSessionId: 'old-session' }));
  // Another lecture, another course.
  FakeSocket.last.push('progressUpdated', update(50, 60_000, { lectureId: 'l2' }));
  FakeSocket.last.push('progressUpdated', update(50, 60_000, { courseId: 'd' }));
  await settle();
  assert.deepEqual(of('remote'), []);
  assert.deepEqual(player.seeks, [10]);

  // A newer one applies; then an older one arriving late does not.
  FakeSocket.last.push('progressUpdated', update(80, 60_000));
  FakeSocket.last.push('progressUpdated', update(20, 59_000));
  FakeSocket.last.push('progressUpdated', update(20, 60_000));
  await settle();
  assert.deepEqual(player.seeks, [10, 80]);
  assert.equal(of('remote').length, 1);
  assert.equal(tracker.ready, true);
});

test('older than the resume read: ignored', async () => {
  const { player, of } = await setUp({ saved: { position: 30, updatedAt: WALL0 + 10_000 } });
  FakeSocket.last.accept();
  FakeSocket.last.push('progressUpdated', update(5, 9_000));
  await settle();
  assert.deepEqual(player.seeks, [30]);
  assert.deepEqual(of('remote'), []);
});

test('a push before the resume seek has landed is applied once it has', async () => {
  const { player, tracker, of } = await setUp({ saved: { position: 30, updatedAt: WALL0 - 10_000 }, metadata: false });
  FakeSocket.last.accept();
  FakeSocket.last.push('progressUpdated', update(55, 1000));
  await settle();
  assert.equal(tracker.ready, false);
  assert.deepEqual(player.seeks, []);
  player.loadMetadata();
  await settle();
  assert.deepEqual(player.seeks, [30, 55]);
  assert.equal(of('remote')[0].seeked, true);
});

test('after a reconnection the missed state is read once and applied', async () => {
  const { player, api, clock, of } = await setUp({ saved: { position: 10, updatedAt: WALL0 - 10_000 } });
  FakeSocket.last.accept();
  await clock.advance(20_000, () => FakeSocket.last.receive(`{"type":6}${RS}`));
  FakeSocket.last.serverClose(1006);
  // Meanwhile another device moved on.
  api.saved = { position: 64, updatedAt: WALL0 + 15_000 };
  await clock.advance(0);
  const reads = api.requests.filter((r) => r.path === '/api/v1/progress/c').length;
  FakeSocket.last.accept();
  await settle();
  assert.equal(api.requests.filter((r) => r.path === '/api/v1/progress/c').length, reads + 1);
  assert.deepEqual(player.seeks, [10, 64]);
  assert.deepEqual(of('remote').map((d) => [d.position, d.originSessionId]), [[64, null]]);
});

test('lectureCompleted for this lecture emits `complete` once; achievements pass through', async () => {
  const { of } = await setUp();
  FakeSocket.last.accept();
  FakeSocket.last.push('lectureCompleted', { userId: 'ada', courseId: 'c', lectureId: 'l2', day: '2026-11-20' });
  FakeSocket.last.push('lectureCompleted', { userId: 'ada', courseId: 'c', lectureId: 'l1', day: '2026-11-20' });
  FakeSocket.last.push('lectureCompleted', { userId: 'ada', courseId: 'c', lectureId: 'l1', day: '2026-11-20' });
  FakeSocket.last.push('achievementAwarded', { id: 'first-lecture' });
  await settle();
  assert.deepEqual(of('complete'), [{ courseId: 'c', lectureId: 'l1', by: 'push' }]);
  assert.deepEqual(of('achievement'), [{ id: 'first-lecture' }]);
});

test('a hub that cannot be reached changes nothing about saving', async () => {
  class Broken { constructor() { throw new Error('blocked'); } }
  const { player, api, tracker } = await setUp({ socket: Broken });
  player.play();
  await player.run(6000);
  player.pause();
  await settle();
  assert.deepEqual(api.pings().map((p) => p.watchTime), [5, 6]);
  assert.equal(tracker.state.pending, 0);
  assert.equal(tracker.live, 'waiting');
});

test('destroy closes the connection; page hide suspends it and a restore from the cache reconnects', async () => {
  const { tracker, window } = await setUp();
  FakeSocket.last.accept();
  window.dispatchEvent(new Event('pagehide'));
  assert.equal(tracker.live, 'suspended');
  assert.equal(FakeSocket.last.closedByClient, 1000);
  window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  await settle();
  assert.equal(FakeSocket.made.length, 2);
  FakeSocket.last.accept();
  tracker.destroy();
  assert.equal(tracker.live, 'closed');
  assert.equal(FakeSocket.last.closedByClient, 1000);
});

test('a page shown again or back online tries at once instead of waiting out the backoff', async () => {
  const { clock, document, window, tracker } = await setUp();
  FakeSocket.last.refuse();
  await clock.advance(0);
  FakeSocket.last.refuse();
  assert.equal(tracker.live, 'waiting');
  const made = FakeSocket.made.length;
  document.dispatchEvent(new Event('visibilitychange'));
  await settle();
  assert.equal(FakeSocket.made.length, made + 1, 'visible: at once');
  FakeSocket.last.refuse();
  window.dispatchEvent(new Event('online'));
  await settle();
  assert.equal(FakeSocket.made.length, made + 2, 'online: at once');
  assert.equal(clock.now(), 0);
});
