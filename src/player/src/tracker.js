import { ServerClock, systemClock } from './clock.js';
import { Emitter } from './emitter.js';
import { readJson } from './http.js';
import { connectLive } from './live.js';
import { createMediaAdapter, isMediaElement } from './media.js';
import { openStore } from './store.js';
import { createSync } from './sync.js';

/** @typedef {import('./types.js').Ping} Ping */
/** @typedef {import('./types.js').PlayerAdapter} PlayerAdapter */
/** @typedef {import('./types.js').Clock} Clock */
/** @typedef {import('./types.js').GetToken} GetToken */
/** @template {keyof import('./types.js').ApiPaths} P @typedef {import('./types.js').ApiJson<P>} ApiJson */
/** @typedef {import('./types.js').PingStore} PingStore */
/** @typedef {import('./types.js').SyncState} SyncState */
/** @typedef {import('./live.js').LiveState} LiveState */
/** @typedef {'sync'|'queued'|'rateLimited'|'offline'|'online'|'authError'|'error'|'complete'|'resumed'|'state'|'remote'|'live'|'achievement'} TrackerEvent */

/**
 * The hub's `progressUpdated`: the lecture's merged state after another tab's or device's ping.
 * @typedef {object} RemoteProgress
 * @property {string} courseId
 * @property {string} lectureId
 * @property {number} position
 * @property {number} furthest
 * @property {number} coverage
 * @property {boolean} completed
 * @property {number} updatedAt              client time of the ping that set the position (epoch ms)
 * @property {string | null} originSessionId the playback session that sent it; null for a read after reconnecting
 */

/**
 * @typedef {object} TrackerOptions
 * @property {string} baseUrl                    the API's origin (and path base), e.g. https://progress.example.com
 * @property {GetToken} getToken                 a bearer token for the learner; `{refresh: true}` asks for a new one
 * @property {string} courseId
 * @property {string} lectureId
 * @property {HTMLMediaElement | PlayerAdapter} media
 * @property {number} [heartbeatMs]              a ping every this long while playing (5000)
 * @property {number} [flushIntervalMs]          queued pings are sent at most this often while playing (5000)
 * @property {number} [durationSeconds]         the lecture's length in the catalog; read from the API when not given
 * @property {number} [restartWithinSeconds]     a saved position this close to the end starts over (5)
 * @property {boolean} [resume]                  seek to the saved position (true)
 * @property {string} [queueName]                the persistent queue, shared by the origin's tabs ('learnprogress')
 * @property {boolean} [live]                    listen to the hub (`/hubs/progress`): while paused, follow the learner's
 *                                               other tabs and devices on this lecture (false)
 * @property {object} [env]                      injected for tests; defaults are the browser's
 * @property {Clock} [env.clock]
 * @property {typeof fetch} [env.fetch]
 * @property {PingStore | Promise<PingStore>} [env.store]
 * @property {() => number} [env.random]
 * @property {LockManager | null} [env.locks]
 * @property {any} [env.channel]
 * @property {any} [env.fetchLater]
 * @property {EventTarget | null} [env.window]
 * @property {Document | null} [env.document]
 * @property {() => boolean} [env.onLine]
 * @property {() => string} [env.newId]
 * @property {(new (url: string) => import('./live.js').SocketLike) | null} [env.WebSocket]
 */

/**
 * Attaches to a player and saves the learner's progress: a ping per heartbeat while playing, and at once on
 * pause, seek, rate change, end, hide and page hide; persistent queue, retries, offline replay, one draining tab.
 * @param {TrackerOptions} options
 */
export function createTracker(options) {
  const { courseId, lectureId } = options;
  const env = options.env ?? {};
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const flushIntervalMs = options.flushIntervalMs ?? 5000;
  const restartWithin = options.restartWithinSeconds ?? 5;
  const queueName = options.queueName ?? 'learnprogress';
  const clock = env.clock ?? systemClock();
  const win = env.window !== undefined ? env.window : globalThis.window ?? null;
  const doc = env.document !== undefined ? env.document : globalThis.document ?? null;
  const nav = /** @type {Navigator | undefined} */ (globalThis.navigator);
  const onLine = env.onLine ?? (() => nav?.onLine ?? true);
  const newId = env.newId ?? (() => globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 32));
  const player = isMediaElement(options.media) ? createMediaAdapter(options.media) : /** @type {PlayerAdapter} */ (options.media);

  /** @type {Emitter<TrackerEvent>} */
  const emitter = new Emitter();
  const serverClock = new ServerClock(clock);
  const channel = env.channel !== undefined ? env.channel
    : typeof BroadcastChannel === 'function' ? new BroadcastChannel(`${queueName}:state`) : null;
  const fetchLater = env.fetchLater !== undefined ? env.fetchLater
    : typeof (/** @type {any} */ (globalThis).fetchLater) === 'function' ? /** @type {any} */ (globalThis).fetchLater : null;
  const store = Promise.resolve(env.store ?? openStore(queueName));
  const sync = createSync({
    baseUrl,
    getToken: options.getToken,
    store,
    clock,
    serverClock,
    emitter: /** @type {any} */ (emitter),
    fetch: env.fetch ?? globalThis.fetch.bind(globalThis),
    fetchLater,
    random: env.random,
    locks: env.locks !== undefined ? env.locks : nav?.locks ?? null,
    channel,
    online: onLine(),
    name: queueName,
  });

  // Nothing is reported before the resume seek has landed: a ping at 0:00 would overwrite the saved position.
  let ready = options.resume === false;
  /** @type {number | null} */
  let resumeTarget = null;
  /** The open segment: playback from `pos` began at server time `ts` (monotonic `mono`). */
  /** @type {{pos: number, ts: number, mono: number} | null} */
  let segment = null;
  let lastPosition = 0;
  let lastTs = 0;
  let sessionId = newId();
  let lastFlushMono = -Infinity;
  /** A ping was queued since the last flush. */
  let unsent = false;
  /** @type {unknown} */
  let beat = null;
  let destroyed = false;
  /** @type {(() => void)[]} */
  const detach = [];
  /** The newest `updatedAt` of the lecture this tracker knows besides its own pings (`lastTs`): read or pushed. */
  let knownUpdatedAt = 0;
  /** A push that came before the resume seek landed, applied once it has. */
  /** @type {RemoteProgress | null} */
  let pendingRemote = null;
  /** Where a seek made for a push goes: the seek events it causes are not reported (the server has the position). */
  /** @type {number | null} */
  let remoteSeek = null;
  /** Whether the seek under way is the one made for a push (and not the learner's own, made meanwhile). */
  const forRemote = () => remoteSeek !== null && Math.abs(player.position() - remoteSeek) < 0.05;
  /** A `complete` was emitted: a pushed completion does not repeat it. */
  let completeEmitted = false;

  /** The catalog's length of the lecture: the server refuses a position beyond it, and files often run a few ms longer. */
  /** @type {number | null} */
  let catalogDuration = options.durationSeconds ?? null;
  const duration = () => {
    const d = player.duration();
    const media = Number.isFinite(d) && d > 0 ? d : null;
    return media !== null && catalogDuration !== null ? Math.min(media, catalogDuration) : media ?? catalogDuration;
  };
  const position = () => {
    const d = duration();
    const p = Math.max(0, player.position());
    return d !== null ? Math.min(p, d) : p;
  };

  /** A client time after every earlier one of this tracker, so the last ping is always the resume position. */
  const stamp = (/** @type {number} */ ts) => (lastTs = Math.max(Math.round(ts), lastTs + 1));

  function openSegment() {
    lastPosition = position();
    segment = { pos: lastPosition, ts: stamp(serverClock.now()), mono: clock.now() };
    scheduleBeat();
  }

  /**
   * Reports playback up to `at` and closes the segment; `reopen` starts the next one from there.
   * @param {number} at
   * @param {boolean} reopen
   */
  function report(at, reopen) {
    if (!ready || destroyed) return;
    const mono = clock.now();
    /** @type {Ping} */
    let ping;
    if (segment) {
      const ts = stamp(segment.ts + (mono - segment.mono));
      // Played from segment.pos to `at`; a position behind the start means a jump we did not see: claim nothing.
      const start = at >= segment.pos ? segment.pos : at;
      ping = { ...base(at), clientTs: ts, segmentStart: round(start), segmentStartTs: segment.ts };
    } else {
      const ts = stamp(serverClock.now());
      ping = { ...base(at), clientTs: ts, segmentStart: round(at), segmentStartTs: ts };
    }
    lastPosition = at;
    segment = reopen ? { pos: at, ts: ping.clientTs, mono } : null;
    unsent = true;
    void sync.enqueue(ping);
  }

  /** @param {number} at */
  function base(at) {
    const d = duration();
    /** @type {Ping} */
    const ping = { courseId, lectureId, watchTime: round(d !== null ? Math.min(at, d) : at), clientTs: 0, sessionId };
    if (d !== null) ping.duration = round(d);
    return ping;
  }

  function scheduleBeat() {
    if (beat !== null || destroyed) return;
    // Polled finer than the heartbeat, so a late timer (background tabs) costs little precision.
    beat = clock.setTimeout(() => {
      beat = null;
      if (!segment || destroyed) return;
      heartbeat();
      scheduleBeat();
    }, Math.min(1000, heartbeatMs));
  }

  function heartbeat() {
    if (!segment) return;
    const mono = clock.now();
    if (mono - segment.mono >= heartbeatMs) report(position(), !player.paused());
    // Batches: what the heartbeats queued goes out at most once per flush interval.
    if (unsent && mono - lastFlushMono >= flushIntervalMs) void flushNow();
  }

  function flushNow() {
    lastFlushMono = clock.now();
    unsent = false;
    return sync.flush();
  }

  /** Saves at once: cut the open segment (keeping it open while playing) and send. */
  function saveNow() {
    if (segment) report(position(), !player.paused());
    return flushNow();
  }

  const handlers = {
    playing() {
      if (!ready || segment) return;
      sessionId = newId();
      openSegment();
    },
    timeupdate() {
      if (!ready) return;
      if (segment) {
        lastPosition = position();
        heartbeat();
      }
    },
    pause() {
      if (!ready) return;
      report(position(), false);
      void flushNow();
    },
    seeking() {
      if (!ready || forRemote()) return;
      // The position has already moved: the segment ends where playback was last seen.
      if (segment) report(lastPosition, false);
    },
    seeked() {
      if (!ready) {
        if (resumeTarget !== null) finishResume();
        return;
      }
      const remote = forRemote();
      remoteSeek = null;
      if (remote) {
        lastPosition = position();
        if (!player.paused() && !segment) openSegment();
        return;
      }
      // Saves the new position at once (a zero-length segment claims no footage).
      report(position(), false);
      if (!player.paused()) openSegment();
      void flushNow();
    },
    ratechange() {
      if (!ready || !segment) return;
      report(position(), true);
      void flushNow();
    },
    ended() {
      if (!ready) return;
      report(duration() ?? position(), false);
      // Completion by footage played is the server's decision: ask once the end is saved.
      void flushNow().then(checkCompleted);
    },
  };
  for (const [type, handler] of Object.entries(handlers))
    detach.push(player.on(/** @type {import('./types.js').PlayerEvent} */ (type), handler));

  /** @param {EventTarget | null} target @param {string} type @param {(event: any) => void} handler */
  const listen = (target, type, handler) => {
    if (!target) return;
    target.addEventListener(type, handler);
    detach.push(() => target.removeEventListener(type, handler));
  };
  // Hidden is the last moment a page is sure to get on mobile; pagehide covers closing and the back-forward cache.
  // Never `unload`: it breaks the back-forward cache and browsers do not promise to run it.
  listen(doc, 'visibilitychange', () => {
    if (doc?.visibilityState === 'hidden') void saveNow();
  });
  listen(win, 'pagehide', () => {
    if (segment) report(position(), !player.paused());
    sync.sendOnPageHide();
  });
  listen(win, 'online', () => sync.setOnline(true));
  listen(win, 'offline', () => sync.setOnline(false));

  async function resume() {
    /** @type {number | null} */
    let saved = null;
    const course = encodeURIComponent(courseId);
    const lengthKnown = catalogDuration !== null ? Promise.resolve() : sync.request(`/api/v1/courses/${course}`)
      .then(readJson)
      .then((/** @type {ApiJson<'/api/v1/courses/{courseId}'> | null} */ c) => {
        const lecture = c?.lectures?.find((l) => l.id === lectureId);
        if (typeof lecture?.durationSeconds === 'number') catalogDuration = lecture.durationSeconds;
      })
      .catch(() => { /* unknown: the media's own duration is used */ });
    try {
      /** @type {ApiJson<'/api/v1/progress/{courseId}'> | null} */
      const progress = await readJson(await sync.request(`/api/v1/progress/${course}`));
      const lecture = progress?.lectures?.[lectureId];
      saved = typeof lecture?.position === 'number' ? lecture.position : progress?.watchTimes?.[lectureId] ?? null;
      if (typeof lecture?.updatedAt === 'number') knownUpdatedAt = Math.max(knownUpdatedAt, lecture.updatedAt);
    } catch {
      // Offline or refused: the newest ping still queued here is the best saved position there is.
    }
    const queued = (await (await store).list())
      .filter((i) => i.sub === sync.sub && i.ping.courseId === courseId && i.ping.lectureId === lectureId);
    if (queued.length) saved = queued[queued.length - 1].ping.watchTime;
    await lengthKnown;
    if (destroyed) return;
    if (!player.hasMetadata()) await new Promise((resolve) => {
      const off = player.on('loadedmetadata', () => { off(); resolve(undefined); });
    });
    const d = duration();
    const startOver = d !== null && saved !== null && saved >= d - restartWithin;
    if (saved !== null && saved > 0 && !startOver && Math.abs(player.position() - saved) > 0.5) {
      resumeTarget = saved;
      player.seek(saved);
      // A seek that never lands (a broken source) must not block saving for good.
      clock.setTimeout(() => { if (!ready) finishResume(); }, 5000);
    } else {
      finishResume();
    }
  }

  async function checkCompleted() {
    if (destroyed || sync.state.pending > 0) return;
    try {
      const progress = await readJson(await sync.request(`/api/v1/progress/${encodeURIComponent(courseId)}`));
      if (progress?.lectures?.[lectureId]?.completed) emitComplete('coverage');
    } catch {
      // Unknown for now; the next read of the course shows it.
    }
  }

  function finishResume() {
    if (ready || destroyed) return;
    ready = true;
    const at = resumeTarget ?? position();
    resumeTarget = null;
    emitter.emit('resumed', { position: at });
    if (!player.paused()) {
      sessionId = newId();
      openSegment();
    }
    const pushed = pendingRemote;
    pendingRemote = null;
    if (pushed && pushed.updatedAt >= knownUpdatedAt) applyRemote(pushed);
  }

  /** @param {'coverage'|'mark'|'push'} by */
  function emitComplete(by) {
    completeEmitted = true;
    emitter.emit('complete', { courseId, lectureId, by });
  }

  /**
   * Another tab or device moved this lecture: a paused player follows it, a playing one only hears of it.
   * Its own echo (by session, or no newer than its own last ping) changes nothing.
   * @param {RemoteProgress} p
   */
  function onRemoteProgress(p) {
    if (destroyed || p?.courseId !== courseId || p.lectureId !== lectureId || typeof p.position !== 'number') return;
    if (p.originSessionId && p.originSessionId === sessionId) return;
    if (!(typeof p.updatedAt === 'number' && p.updatedAt > Math.max(knownUpdatedAt, lastTs))) return;
    knownUpdatedAt = p.updatedAt;
    if (!ready) {
      pendingRemote = p;
      return;
    }
    applyRemote(p);
  }

  /** @param {RemoteProgress} p */
  function applyRemote(p) {
    const d = duration();
    const target = d !== null ? Math.min(p.position, d) : p.position;
    const seek = player.paused() && player.hasMetadata() && Math.abs(player.position() - target) > 0.5;
    if (seek) {
      remoteSeek = target;
      player.seek(target);
      // A seek that never reports landing must not hide the learner's own next seek.
      clock.setTimeout(() => { if (remoteSeek === target) remoteSeek = null; }, 5000);
    }
    emitter.emit('remote', { ...p, seeked: seek });
  }

  /** After a reconnection pushes may have been missed: the server's state is read once instead. */
  async function catchUp() {
    try {
      const progress = await readJson(await sync.request(`/api/v1/progress/${encodeURIComponent(courseId)}`));
      const lecture = progress?.lectures?.[lectureId];
      if (lecture) onRemoteProgress({ ...lecture, courseId, lectureId, originSessionId: null });
    } catch {
      // The next push brings it.
    }
  }

  /** @type {(new (url: string) => import('./live.js').SocketLike) | null} */
  const Socket = env.WebSocket !== undefined ? env.WebSocket : typeof WebSocket === 'function' ? /** @type {any} */ (WebSocket) : null;
  const live = options.live && Socket ? connectLive({
    baseUrl,
    getToken: options.getToken,
    clock,
    wallNow: () => serverClock.now(),
    random: env.random,
    WebSocket: Socket,
    onState(detail) {
      if (detail.state === 'connected' && detail.reconnected) void catchUp();
      emitter.emit('live', detail);
    },
    onMessage(target, args) {
      const data = /** @type {any} */ (args[0]);
      if (target === 'progressUpdated') onRemoteProgress(data);
      else if (target === 'lectureCompleted') {
        if (data?.courseId === courseId && data?.lectureId === lectureId && !completeEmitted && !destroyed) emitComplete('push');
      } else if (target === 'achievementAwarded') emitter.emit('achievement', data);
    },
  }) : null;
  if (live) {
    listen(win, 'online', () => live.retryNow());
    // An open WebSocket keeps a page out of the back-forward cache: closed on the way in, opened again on restore.
    listen(win, 'pagehide', () => live.suspend());
    listen(win, 'pageshow', (event) => { if (event.persisted) live.retryNow(); });
    listen(doc, 'visibilitychange', () => { if (doc?.visibilityState === 'visible') live.retryNow(); });
  }

  if (!ready) void resume();
  else if (!player.paused()) openSegment();
  // Whatever an earlier page left (closed mid-send, crashed, discarded: `document.wasDiscarded`) goes out now.
  void flushNow();

  return {
    /** @returns {SyncState} */
    get state() { return sync.state; },
    /** @param {TrackerEvent} type @param {(detail: any) => void} handler */
    on: (type, handler) => emitter.on(type, handler),
    /** @param {TrackerEvent} type @param {(detail: any) => void} handler */
    off: (type, handler) => emitter.off(type, handler),
    /** Reports the current position and sends everything queued. */
    flush: () => saveNow(),
    /** Marks the lecture complete (written through at once by the server). */
    async markComplete() {
      await saveNow();
      await readJson(await sync.request('/api/v1/progress/complete', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ courseId, lectureId }),
      }));
      emitComplete('mark');
    },
    /** Whether pings are being reported (false until the resume seek has landed). */
    get ready() { return ready; },
    /** The hub connection: 'off' without the `live` option, else a {@link LiveState}. */
    /** @returns {LiveState | 'off'} */
    get live() { return live?.state ?? 'off'; },
    destroy() {
      if (destroyed) return;
      if (segment) report(position(), false);
      void flushNow().finally(() => sync.destroy());
      destroyed = true;
      if (beat !== null) clock.clearTimeout(beat);
      live?.close();
      for (const off of detach) off();
    },
  };
}

/** @param {number} seconds */
function round(seconds) {
  return Math.round(seconds * 1000) / 1000;
}
