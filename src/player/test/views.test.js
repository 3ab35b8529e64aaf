import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerClock } from '../src/clock.js';
import { dayTitle, heatmapLevels } from '../src/heatmap.js';
import { subjectOf } from '../src/http.js';
import { describeSync } from '../src/indicator.js';
import { memoryStore, openStore, webStorageStore } from '../src/store.js';
import { retryAfterMs } from '../src/sync.js';
import { tokenFor } from './fakes.js';

test('heatmap levels: 0 for no time, quartiles of active days, an outlier does not flatten the rest', () => {
  const seconds = [0, 60, 120, 180, 240, 300, 360, 420, 480, 100_000];
  const levels = heatmapLevels(seconds.map((s, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, seconds: s })));
  assert.equal(levels[0], 0);
  // Quartiles of 60..480 with the outlier capped at the fence (780): 180, 300, 420.
  assert.deepEqual(levels.slice(1), [1, 1, 1, 2, 2, 3, 3, 4, 4]);
  assert.deepEqual(heatmapLevels([{ date: '2026-11-01', seconds: 0 }]), [0]);
  assert.deepEqual(heatmapLevels([{ date: '2026-11-01', seconds: 50 }]), [1]);
});

test('heatmap cell titles', () => {
  assert.equal(dayTitle({ date: '2026-11-20', seconds: 2040 }), '34 min on 2026-11-20');
  assert.equal(dayTitle({ date: '2026-11-21', seconds: 10 }), '1 min on 2026-11-21');
  assert.equal(dayTitle({ date: '2026-11-22', seconds: 0 }), '0 min on 2026-11-22');
});

test('Retry-After as seconds or as an HTTP date against the server Date', () => {
  assert.equal(retryAfterMs('3', null), 3000);
  assert.equal(retryAfterMs('Fri, 20 Nov 2026 12:00:10 GMT', 'Fri, 20 Nov 2026 12:00:00 GMT'), 10_000);
  assert.equal(retryAfterMs(null, null), null);
  assert.equal(retryAfterMs('soon', null), null);
});

test('server clock: a skew beyond the Date header precision is corrected, a smaller one ignored', () => {
  let wall = Date.UTC(2026, 10, 20, 12, 0, 0, 0);
  const clock = new ServerClock({ now: () => 0, wallNow: () => wall, setTimeout: () => 0, clearTimeout: () => {} });
  clock.observe(new Date(wall + 120_000).toUTCString(), wall - 50, wall);
  assert.ok(Math.abs(clock.now() - (wall + 120_000)) <= 600, `${clock.now() - wall}`);
  clock.observe(new Date(wall + 300).toUTCString(), wall - 50, wall);
  assert.equal(clock.now(), wall);
  wall += 1;
  clock.observe('not a date', wall, wall);
  assert.equal(clock.now(), wall);
});

test('subject of a token, or null for an opaque one', () => {
  assert.equal(subjectOf(tokenFor('ada')), 'ada');
  assert.equal(subjectOf('opaque'), null);
  assert.equal(subjectOf(null), null);
});

test('sync indicator words, with times in ISO form', () => {
  const base = { pending: 0, lastSyncedAt: null, error: null, retryInMs: 0, online: true };
  assert.equal(describeSync(base).state, 'idle');
  assert.deepEqual(describeSync({ ...base, lastSyncedAt: Date.UTC(2026, 10, 20, 9, 5, 7) }), { state: 'saved', text: 'Saved 09:05:07 UTC' });
  assert.equal(describeSync({ ...base, pending: 2 }).text, 'Saving 2…');
  assert.equal(describeSync({ ...base, pending: 2, online: false }).state, 'offline');
  assert.equal(describeSync({ ...base, pending: 2, retryInMs: 2500 }).text, '2 waiting – retry in 3 s');
  assert.equal(describeSync({ ...base, pending: 1, error: 'auth' }).state, 'auth');
});

/** A Web Storage in memory. */
function storage() {
  const map = new Map();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k), map };
}

const item = (id) => ({ id, sub: 'ada', tab: 't', ping: { courseId: 'c', lectureId: 'l', watchTime: 1, clientTs: 1 } });

for (const [name, make] of [['memory', () => memoryStore()], ['web storage', () => webStorageStore(storage(), 'q')]]) {
  test(`${name} queue keeps order, replaces by id and removes`, async () => {
    const store = make();
    await store.add([item('b'), item('a')]);
    await store.add([item('c'), item('a')]);
    assert.deepEqual((await store.list()).map((i) => i.id), ['a', 'b', 'c']);
    await store.remove(['b', 'x']);
    assert.deepEqual((await store.list()).map((i) => i.id), ['a', 'c']);
  });
}

test('openStore falls back from IndexedDB to localStorage to memory', async () => {
  const failing = { open() { throw new Error('denied'); } };
  assert.equal((await openStore('q', { indexedDB: /** @type {any} */ (failing), localStorage: /** @type {any} */ (storage()) })).kind, 'localstorage');
  const full = { getItem: () => null, setItem() { throw new Error('quota'); }, removeItem() {} };
  assert.equal((await openStore('q', { indexedDB: null, localStorage: /** @type {any} */ (full) })).kind, 'memory');
  assert.equal((await openStore('q', { indexedDB: null, localStorage: null })).kind, 'memory');
});

test('a corrupt web storage queue reads as empty instead of failing', async () => {
  const s = storage();
  s.setItem('q', '{not json');
  assert.deepEqual(await webStorageStore(s, 'q').list(), []);
});
