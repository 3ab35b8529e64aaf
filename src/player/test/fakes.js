// Test doubles for the SDK's injected environment: a clock that moves only when told, a player, and an API
// that records requests and answers as a test scripts it.
import { memoryStore } from '../src/store.js';

export const WALL0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** Lets promise chains run to completion. */
export async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock {
  constructor() {
    this.t = 0;
    this.wallOffset = 0;
    this.seq = 0;
    /** @type {Map<number, {at: number, fn: () => void}>} */
    this.timers = new Map();
  }
  now() { return this.t; }
  wallNow() { return WALL0 + this.t + this.wallOffset; }
  setTimeout(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(id) { this.timers.delete(id); }
  /** Moves time on, firing due timers in order and letting their promises settle; `onStep` sees each instant. */
  async advance(ms, onStep = () => {}) {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      onStep(next[1].at - this.t);
      this.t = next[1].at;
      this.timers.delete(next[0]);
      next[1].fn();
      await settle();
    }
    onStep(end - this.t);
    this.t = end;
    await settle();
  }
}

/** A player whose position moves with the fake clock while it plays. */
export class FakePlayer {
  constructor(clock, { duration = 100, metadata = true } = {}) {
    this.clock = clock;
    this.pos = 0;
    this.dur = duration;
    this.isPaused = true;
    this.rate = 1;
    this.meta = metadata;
    /** @type {Map<string, Set<() => void>>} */
    this.handlers = new Map();
    this.seeks = [];
  }
  position() { return this.pos; }
  duration() { return this.meta ? this.dur : NaN; }
  paused() { return this.isPaused; }
  hasMetadata() { return this.meta; }
  seek(seconds) { this.seeks.push(seconds); this.seekTo(seconds); }
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }
  emit(type) { for (const h of [...(this.handlers.get(type) ?? [])]) h(); }
  loadMetadata() { this.meta = true; this.emit('loadedmetadata'); }
  play() { this.isPaused = false; this.emit('playing'); }
  pause() { this.isPaused = true; this.emit('pause'); }
  seekTo(seconds) { this.emit('seeking'); this.pos = seconds; this.emit('seeked'); }
  setRate(rate) { this.rate = rate; this.emit('ratechange'); }
  /** Plays on for `ms` of clock time, with a timeupdate every 250 ms like a browser. */
  async run(ms) {
    for (let done = 0; done < ms; done += 250) {
      const step = Math.min(250, ms - done);
      await this.clock.advance(step, (dt) => {
        if (!this.isPaused) this.pos = Math.min(this.dur, this.pos + (dt / 1000) * this.rate);
      });
      if (!this.isPaused) this.emit('timeupdate');
      if (!this.isPaused && this.pos >= this.dur) { this.isPaused = true; this.emit('pause'); this.emit('ended'); }
    }
  }
}

/**
 * An API: GETs answer from `state`, batches go to `onBatch` (default: all accepted). Every request is recorded
 * with the clock time it was made.
 */
export class FakeApi {
  constructor(clock) {
    this.clock = clock;
    this.requests = [];
    this.saved = null;         // {position} of the lecture, or null
    this.lectureDuration = 100;
    this.serverAhead = 0;      // ms the server's clock is ahead of the device's
    this.onBatch = (pings) => json(200, { accepted: pings.length, rejected: [] });
    this.fetch = this.fetch.bind(this);
    this.offline = false;
  }
  async fetch(url, init = {}) {
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const headers = new Headers(init.headers);
    const body = init.body ? JSON.parse(init.body) : null;
    const entry = { at: this.clock.now(), method: init.method ?? 'GET', path, auth: headers.get('Authorization'), body, keepalive: !!init.keepalive };
    this.requests.push(entry);
    if (this.offline) throw new TypeError('Failed to fetch');
    const response = await this.answer(entry);
    response.headers.set('Date', new Date(this.clock.wallNow() - this.clock.wallOffset + this.serverAhead).toUTCString());
    return response;
  }
  answer(entry) {
    if (entry.path.startsWith('/api/v1/progress/batch')) return this.onBatch(entry.body.pings, entry);
    if (entry.path.startsWith('/api/v1/courses/'))
      return json(200, { id: 'c', title: 'C', totalLectures: 1, lectures: [{ id: 'l1', title: 'L', durationSeconds: this.lectureDuration }] });
    if (entry.path.startsWith('/api/v1/progress/complete')) return json(200, { message: 'completed' });
    if (entry.path.startsWith('/api/v1/progress/'))
      return json(200, { courseId: 'c', lectures: this.saved ? { l1: { ...this.saved } } : {} });
    return json(404, { title: 'Not Found' });
  }
  batches() { return this.requests.filter((r) => r.path === '/api/v1/progress/batch'); }
  pings() { return this.batches().flatMap((r) => r.body.pings); }
}

export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A JWT-shaped token for `sub` (the SDK reads only its payload). */
export function tokenFor(sub, n = 0) {
  const payload = Buffer.from(JSON.stringify({ sub, n })).toString('base64url');
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.sig`;
}

/** Web Locks as browsers grant them: exclusive, and `ifAvailable` gives null instead of waiting. */
export function fakeLocks() {
  const held = new Set();
  return {
    async request(name, options, callback) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try { return await callback({ name, mode: 'exclusive' }); } finally { held.delete(name); }
    },
  };
}

/** Everything createTracker needs, faked; override any part. */
export function environment(overrides = {}) {
  const clock = new FakeClock();
  const api = new FakeApi(clock);
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  let ids = 0;
  return {
    clock, api, window, document,
    store: memoryStore(),
    env: {
      clock, fetch: api.fetch, window, document, locks: fakeLocks(), channel: null, fetchLater: null,
      random: () => 0.5, onLine: () => true, newId: () => `s${++ids}`, ...overrides,
    },
  };
}

/**
 * A WebSocket the test plays the server of: `open()`, `receive(text)`, `serverClose(code)`. Every socket made is
 * in `FakeSocket.made` (reset it per test with `FakeSocket.reset()`), with the time it was made on `clock`.
 */
export class FakeSocket {
  /** @type {FakeSocket[]} */
  static made = [];
  /** @type {FakeClock | null} */
  static clock = null;
  static reset(clock = null) { FakeSocket.made = []; FakeSocket.clock = clock; }
  static get last() { return FakeSocket.made.at(-1); }
  constructor(url) {
    this.url = url;
    this.at = FakeSocket.clock?.now() ?? 0;
    this.readyState = 0;
    this.sent = [];
    this.closedByClient = null;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    FakeSocket.made.push(this);
  }
  get token() { return new URL(this.url).searchParams.get('access_token'); }
  send(data) { this.sent.push(data); }
  close(code) { this.closedByClient = code ?? 1005; this.readyState = 3; }
  open() { this.readyState = 1; this.onopen?.({}); }
  receive(text) { this.onmessage?.({ data: text }); }
  /** Opens and answers the handshake. */
  accept() { this.open(); this.receive('{}\x1e'); }
  /** A refused upgrade (a 401 looks the same): error then close 1006, never opened. */
  refuse() { this.readyState = 3; this.onerror?.({}); this.onclose?.({ code: 1006 }); }
  serverClose(code = 1000) { this.readyState = 3; this.onclose?.({ code }); }
  push(target, ...args) { this.receive(JSON.stringify({ type: 1, target, arguments: args }) + '\x1e'); }
}
