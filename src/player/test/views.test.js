import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerClock } from '../src/clock.js';
import {
  funnelRows, niceTicks, retentionLayout, retentionPoints, skillRows, timeTicks, weeklyBars, weeklyLayout, weekTitle,
} from '../src/charts.js';
import { formatClock, formatDateTime, formatDay, formatMinutes, parseInstant } from '../src/format.js';
import { dayTitle, heatmapLayout } from '../src/heatmap.js';
import { subjectOf } from '../src/http.js';
import { describeSync } from '../src/indicator.js';
import { memoryStore, openStore, webStorageStore } from '../src/store.js';
import { retryAfterMs } from '../src/sync.js';
import { tokenFor } from './fakes.js';

test('weekly bars: heights in proportion to the busiest week (or the axis top), one slot per week', () => {
  const weeks = [0, 1800, 3600].map((seconds, i) => ({ weekStart: `2026-11-0${i + 2}`, seconds, activeDays: 1, lecturesCompleted: 0 }));
  const bars = weeklyBars(weeks, { width: 300, height: 100 });
  assert.deepEqual(bars.map((b) => b.height), [0, 50, 100]);
  assert.deepEqual(bars.map((b) => b.x), [10, 110, 210]);
  assert.deepEqual(bars.map((b) => b.y), [100, 50, 0]);
  assert.deepEqual(weeklyBars(weeks, { width: 300, height: 100 }, 7200).map((b) => b.height), [0, 25, 50]);
  assert.deepEqual(weeklyBars([{ weekStart: '2026-11-02', seconds: 0, activeDays: 0, lecturesCompleted: 0 }], { width: 10, height: 10 }).map((b) => b.height), [0]);
  assert.equal(weekTitle({ weekStart: '2026-11-16', seconds: 3900, activeDays: 3, lecturesCompleted: 2 }, 'en-US'),
    'Week of Nov 16, 2026: 1 h 05 min, 3 active days, 2 lectures completed');
  assert.equal(weekTitle({ weekStart: '2026-11-16', seconds: 60, activeDays: 1, lecturesCompleted: 1 }, 'en-US'),
    'Week of Nov 16, 2026: 1 minute, 1 active day, 1 lecture completed');
});

test('axis ticks: round steps from 0 past the largest value', () => {
  assert.deepEqual(niceTicks(37), [0, 10, 20, 30, 40]);
  assert.deepEqual(niceTicks(100), [0, 25, 50, 75, 100]);
  assert.deepEqual(niceTicks(0.8), [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(2, 4, { integer: true }), [0, 1, 2]);
  assert.deepEqual(niceTicks(61, 4, { integer: true }), [0, 20, 40, 60, 80]);
  assert.deepEqual(niceTicks(0), [0]);
  assert.deepEqual(niceTicks(-5), [0]);
  assert.deepEqual(timeTicks(20), [0, 5, 10, 15, 20]);
  assert.deepEqual(timeTicks(100, 6), [0, 30, 60, 90]);
  assert.deepEqual(timeTicks(600, 6), [0, 120, 240, 360, 480, 600]);
  assert.deepEqual(timeTicks(3725, 6), [0, 900, 1800, 2700, 3600]);
  assert.deepEqual(timeTicks(0), [0]);
});

test('times and dates in words: m:ss clock, minutes, local dates from ISO', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(5.4), '0:05');
  assert.equal(formatClock(150), '2:30');
  assert.equal(formatClock(727), '12:07');
  assert.equal(formatClock(3723), '1:02:03');
  assert.equal(formatClock(-3), '0:00');
  assert.equal(formatMinutes(0), '0 minutes');
  assert.equal(formatMinutes(10), '1 minute');
  assert.equal(formatMinutes(2040), '34 minutes');
  assert.equal(formatMinutes(3900), '1 h 05 min');
  assert.equal(formatDay('2026-11-20', 'en-US'), 'Nov 20, 2026');
  assert.equal(formatDay('2026-11-20', 'de-DE'), '20.11.2026');
  assert.equal(formatDay('not a date', 'en-US'), 'not a date');
  // .NET writes seven fractional digits; the instant is read to the millisecond and shown in the zone asked for.
  assert.equal(parseInstant('2026-11-20T09:05:07.1234567+00:00')?.toISOString(), '2026-11-20T09:05:07.123Z');
  assert.equal(formatDateTime('2026-11-20T09:05:07.1234567+00:00', 'en-US', 'UTC'), 'Nov 20, 2026, 9:05 AM');
  assert.equal(formatDateTime('2026-11-20T23:30:00Z', 'en-GB', 'Europe/Paris'), '21 Nov 2026, 00:30');
  assert.equal(formatDateTime('garbage', 'en-US'), 'garbage');
});

test('weekly layout: minute ticks with gridlines, bars on the axis scale, value and week labels', () => {
  const weeks = [0, 1800, 3600].map((seconds, i) => ({ weekStart: `2026-11-0${i + 2}`, seconds, activeDays: 1, lecturesCompleted: 0 }));
  const layout = weeklyLayout(weeks, { width: 480, height: 220 }, 'en-US');
  assert.deepEqual(layout.ticks.map((t) => t.value), [0, 20, 40, 60]);
  assert.equal(layout.ticks[0].y, layout.plot.y + layout.plot.height);
  assert.equal(layout.ticks.at(-1)?.y, layout.plot.y);
  assert.deepEqual(layout.bars.map((b) => b.minutes), [0, 30, 60]);
  assert.deepEqual(layout.bars.map((b) => b.height), [0, layout.plot.height / 2, layout.plot.height]);
  assert.deepEqual(layout.bars.map((b) => b.label), ['Nov 2', 'Nov 3', 'Nov 4']);
  assert.equal(layout.empty, false);
  // Twelve weeks in a narrow plot: every other label, counting back from the latest week.
  const many = Array.from({ length: 12 }, (_, i) => ({ weekStart: `2026-09-${String(i + 1).padStart(2, '0')}`, seconds: 0, activeDays: 0, lecturesCompleted: 0 }));
  const narrow = weeklyLayout(many, { width: 300, height: 200 }, 'en-US');
  assert.equal(narrow.bars.at(-1)?.label, 'Sep 12');
  assert.equal(narrow.bars.at(-2)?.label, null);
  assert.equal(narrow.empty, true);
  assert.deepEqual(narrow.ticks.map((t) => t.value), [0, 30, 60]);
});

test('retention points: every percent left to right, the share of starters from the bottom', () => {
  assert.equal(retentionPoints([1, 0.5, 0], { width: 200, height: 100 }), '0,0 100,50 200,100');
  assert.equal(retentionPoints([1.5, -1], { width: 10, height: 10 }), '0,0 10,10');
});

test('retention layout: time axis in m:ss to the longest lecture, percent axis, a mark every tenth, legend entries', () => {
  const retention = Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 0.5));
  const lectures = [
    { lectureId: 'l1', title: 'Intro', durationSeconds: 100, started: 2, completed: 1, meanCoverage: 0.75, retention },
    { lectureId: 'l2', title: 'Short', durationSeconds: 50, started: 1, completed: 1, meanCoverage: 1, retention: retention.map(() => 1) },
    { lectureId: 'l3', durationSeconds: 80, started: 0, completed: 0, meanCoverage: 0, retention: retention.map(() => 0) },
  ];
  const layout = retentionLayout(lectures, { width: 480, height: 260 }, 'en-US');
  const { plot } = layout;
  assert.equal(layout.longest, 100);
  assert.deepEqual(layout.xTicks.map((t) => t.label), ['0:00', '0:30', '1:00', '1:30']);
  assert.equal(layout.xTicks[0].x, plot.x);
  assert.deepEqual(layout.yTicks.map((t) => t.label), ['0%', '25%', '50%', '75%', '100%']);
  assert.equal(layout.yTicks.at(-1)?.y, plot.y);
  const [intro, short, none] = layout.series;
  assert.equal(intro.marks.length, 11);
  assert.equal(intro.marks.at(-1)?.cx, plot.x + plot.width);
  assert.equal(intro.marks.at(-1)?.label, 'Intro at 1:40: 50% of starters still watching');
  assert.equal(intro.marks[0].cy, plot.y);
  // The shorter lecture ends half way along the axis.
  assert.equal(short.marks.at(-1)?.cx, plot.x + plot.width / 2);
  assert.equal(none.points, '');
  assert.equal(none.title, 'l3');
  assert.notEqual(intro.color, short.color);
  assert.equal(layout.empty, false);
  assert.equal(retentionLayout([lectures[2]], { width: 480, height: 260 }).empty, true);
  assert.equal(retentionLayout([], { width: 480, height: 260 }).empty, true);
});

test('funnel rows: counts and percent of the starters', () => {
  const rows = funnelRows({ started: 4, quarter: 3, half: 2, threeQuarters: 1, completed: 1 }, 'en-US');
  assert.deepEqual(rows.map((r) => [r.key, r.count, r.percent]),
    [['started', 4, '100%'], ['quarter', 3, '75%'], ['half', 2, '50%'], ['threeQuarters', 1, '25%'], ['completed', 1, '25%']]);
  assert.equal(rows[4].text, 'Completed: 1 (25% of starters)');
  assert.deepEqual(funnelRows({ started: 0, quarter: 0, half: 0, threeQuarters: 0, completed: 0 }, 'en-US').map((r) => r.share), [0, 0, 0, 0, 0]);
});

test('skill rows: mastery in percent, the threshold in words, long names shortened for the label only', () => {
  const [fractions, long] = skillRows([
    { skillId: 'fractions', name: 'Fractions', mastery: 0.8123, mastered: false, observations: 3, lastAssessed: '2026-11-20T10:00:00.000Z' },
    { skillId: 'long', name: 'Solving quadratic equations by completing the square', mastery: 0.97, mastered: true, observations: 1 },
  ], 'en-US');
  assert.equal(fractions.percent, '81%');
  assert.equal(fractions.text, 'Fractions: mastery 81%, not yet mastered (mastered from 95%), 3 answers, last assessed Nov 20, 2026');
  assert.equal(long.label, 'Solving quadratic e…');
  assert.equal(long.text, 'Solving quadratic equations by completing the square: mastery 97%, mastered, 1 answer');
});

test('heatmap cell titles', () => {
  assert.equal(dayTitle({ date: '2026-11-20', seconds: 2040 }, 'en-US'), '34 minutes on Nov 20, 2026');
  assert.equal(dayTitle({ date: '2026-11-21', seconds: 10 }, 'en-US'), '1 minute on Nov 21, 2026');
  assert.equal(dayTitle({ date: '2026-11-22', seconds: 0 }, 'en-US'), '0 minutes on Nov 22, 2026');
});

test('heatmap layout: weeks from Monday, month labels over their first full column, Mon/Wed/Fri, summary, empty state', () => {
  // 2026-01-01 is a Thursday: three blank slots before it in the first column.
  const days = Array.from({ length: 90 }, (_, i) => {
    const date = new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
    return { date, seconds: i === 10 ? 600 : i === 40 ? 1200 : 0, level: i === 10 ? 1 : i === 40 ? 4 : 0 };
  });
  const layout = heatmapLayout(days, 'en-US');
  assert.deepEqual([layout.cells[0].column, layout.cells[0].row], [0, 3]);
  assert.deepEqual([layout.cells[4].column, layout.cells[4].row], [1, 0]);
  // January is labelled at the first column; February 1 is a Sunday, so February starts at the next column.
  assert.deepEqual(layout.months.map((m) => [m.month, m.label, m.column]), [['2026-01', 'Jan', 0], ['2026-02', 'Feb', 5], ['2026-03', 'Mar', 9]]);
  assert.deepEqual(layout.weekdays.map((d) => d.label), ['Mon', 'Wed', 'Fri']);
  assert.deepEqual(heatmapLayout(days, 'de-DE').weekdays.map((d) => d.label), ['Mo', 'Mi', 'Fr']);
  assert.equal(layout.summary, '30 minutes of learning on 2 days in the last 90 days');
  assert.equal(layout.cells[40].level, 4);
  assert.equal(layout.cells[40].title, '20 minutes on Feb 10, 2026');
  assert.equal(layout.empty, false);
  assert.equal(heatmapLayout(days.map((d) => ({ ...d, seconds: 0, level: 0 })), 'en-US').empty, true);
  // A month whose first column would sit right before the next label is left out rather than overlap it.
  const late = heatmapLayout(days.slice(25), 'en-US');
  assert.deepEqual(late.months.map((m) => m.month), ['2026-02', '2026-03']);
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
