import { authorizedFetch, subjectOf } from './http.js';

/** @typedef {import('./types.js').Ping} Ping */
/** @typedef {import('./types.js').QueuedPing} QueuedPing */
/** @typedef {import('./types.js').PingStore} PingStore */
/** @typedef {import('./types.js').SyncState} SyncState */
/** @typedef {import('./types.js').Clock} Clock */
/** @typedef {import('./types.js').GetToken} GetToken */
/** @template {keyof import('./types.js').ApiPaths} P @template {'get' | 'post' | 'put'} [M='get'] @typedef {import('./types.js').ApiJson<P, M>} ApiJson */
/** @template {keyof import('./types.js').ApiPaths} P @typedef {import('./types.js').ApiBody<P>} ApiBody */
/** @typedef {import('./clock.js').ServerClock} ServerClock */
/** @typedef {import('./emitter.js').Emitter<string>} Emitter */

export const MAX_BATCH = 100;
// Browsers give all keepalive bodies of a page 64 KiB together; stay under it with room for another sender.
export const MAX_KEEPALIVE_BYTES = 60 * 1024;
// The server refuses pings older than 30 days; keep a margin for the clock and the time on the wire.
export const MAX_AGE_MS = 30 * 24 * 3600 * 1000 - 3600 * 1000;

/**
 * @typedef {object} SyncOptions
 * @property {string} baseUrl
 * @property {GetToken} getToken
 * @property {Promise<PingStore>} store
 * @property {Clock} clock
 * @property {ServerClock} serverClock
 * @property {Emitter} emitter
 * @property {typeof fetch} fetch
 * @property {((url: string, init: RequestInit & {activateAfter?: number}) => unknown) | null} [fetchLater]
 * @property {() => number} [random]
 * @property {LockManager | null} [locks]
 * @property {{postMessage(message: any): void, onmessage: ((event: MessageEvent) => void) | null, close(): void} | null} [channel]
 * @property {boolean} [online]
 * @property {string} [name]          names the lock and channel; the same as the queue's
 * @property {number} [backoffBaseMs]
 * @property {number} [backoffMaxMs]
 */

/**
 * Delivers queued pings: one tab at a time drains the origin's queue in batches, removes a ping only on a 2xx,
 * and waits as the server asks (Retry-After) or backs off with full jitter.
 * @param {SyncOptions} o
 */
export function createSync(o) {
  const random = o.random ?? Math.random;
  const name = o.name ?? 'learnprogress';
  const baseMs = o.backoffBaseMs ?? 1000;
  const maxMs = o.backoffMaxMs ?? 60_000;
  const tab = `${o.clock.wallNow().toString(36)}${Math.floor(random() * 1e9).toString(36)}`;
  /** @type {SyncState} */
  const state = { pending: 0, lastSyncedAt: null, error: null, retryInMs: 0, online: o.online ?? true };
  /** Pings this tab queued and has not seen acknowledged: what page hide can still send without reading the store. */
  /** @type {Map<string, QueuedPing>} */
  const own = new Map();
  /** @type {string | null} */
  let sub = null;
  /** @type {string | null} */
  let lastToken = null;
  let seq = 0;
  let attempt = 0;
  let retryAt = 0;
  /** @type {unknown} */
  let retryTimer = null;
  /** @type {Promise<void> | null} */
  let running = null;
  let rerun = false;
  let destroyed = false;
  let firstDrain = true;
  /** Store writes in flight: a drain starts after them, so a ping queued just before a flush goes with it. */
  /** @type {Promise<unknown>} */
  let writes = Promise.resolve();

  /** @param {{refresh?: boolean}} [options] */
  const getToken = async (options) => {
    const token = (await o.getToken(options)) ?? null;
    lastToken = token;
    sub = subjectOf(token);
    return token;
  };
  const ctx = {
    baseUrl: o.baseUrl,
    getToken,
    fetch: o.fetch,
    wallNow: () => o.clock.wallNow(),
    onResponse: (/** @type {Response} */ response, /** @type {number} */ sent) =>
      o.serverClock.observe(response.headers.get('Date'), sent, o.clock.wallNow()),
  };

  if (o.channel) {
    o.channel.onmessage = (event) => {
      const message = event.data;
      if (message?.type === 'flush' && running) rerun = true;
      if (message?.type === 'state') {
        if (message.lastSyncedAt && (!state.lastSyncedAt || message.lastSyncedAt > state.lastSyncedAt))
          state.lastSyncedAt = message.lastSyncedAt;
        void refreshPending();
      }
    };
  }

  function publish() {
    o.emitter.emit('state', { ...state });
  }

  async function refreshPending() {
    const store = await o.store;
    state.pending = (await store.list()).filter((i) => i.sub === sub).length;
    publish();
  }

  function broadcast() {
    o.channel?.postMessage({ type: 'state', lastSyncedAt: state.lastSyncedAt });
  }

  /** @param {Ping} ping */
  async function enqueue(ping) {
    if (destroyed) return;
    const id = `${String(Math.round(ping.clientTs)).padStart(15, '0')}-${tab}-${String(seq++).padStart(6, '0')}`;
    /** @type {QueuedPing} */
    const item = { id, sub, tab, ping };
    // Known at once, before the store's write completes, so a page hide right now still sends it.
    own.set(id, item);
    state.pending += 1;
    o.emitter.emit('queued', { ping, pending: state.pending });
    publish();
    const write = o.store.then((store) => store.add([item]));
    writes = Promise.all([writes, write]).catch(() => {});
    await write;
    broadcast();
  }

  function canSend() {
    return !destroyed && state.online && o.clock.now() >= retryAt;
  }

  /** Sends what is queued, unless offline or waiting out a refusal. */
  function flush() {
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      do {
        rerun = false;
        await drainGuarded();
      } while (rerun && canSend());
    })().finally(() => { running = null; });
    return running;
  }

  async function drainGuarded() {
    await writes;
    if (!sub && !lastToken) {
      try { await getToken(); } catch { /* no token yet: the send below reports it */ }
    }
    if (canSend()) {
      if (o.locks) {
        // Exactly one tab drains the shared queue; a tab that finds the lock taken asks the holder to look again.
        await o.locks.request(`${name}:drain`, { ifAvailable: true }, async (lock) => {
          if (lock) await drain(false);
          else o.channel?.postMessage({ type: 'flush' });
        });
      } else {
        // Without Web Locks tabs cannot agree who drains, so each sends its own pings (and, once, what an earlier
        // page left); a duplicate that still slips through changes nothing on the server.
        await drain(!firstDrain);
      }
      firstDrain = false;
    }
    await refreshPending();
    broadcast();
  }

  /** @param {boolean} ownOnly */
  async function drain(ownOnly) {
    const store = await o.store;
    for (;;) {
      if (!canSend()) return;
      let items = (await store.list()).filter((i) => i.sub === sub && (!ownOnly || own.has(i.id)));
      const oldest = o.serverClock.now() - MAX_AGE_MS;
      const expired = items.filter((i) => i.ping.clientTs < oldest);
      if (expired.length) {
        await forget(expired);
        o.emitter.emit('error', { reason: 'expired', pings: expired.map((i) => i.ping) });
        items = items.filter((i) => i.ping.clientTs >= oldest);
      }
      if (!items.length) return;
      if ((await sendBatch(items.slice(0, MAX_BATCH))) !== 'sent') return;
    }
  }

  /** @param {QueuedPing[]} items */
  async function forget(items) {
    const store = await o.store;
    await store.remove(items.map((i) => i.id));
    for (const i of items) own.delete(i.id);
  }

  /**
   * @param {QueuedPing[]} batch
   * @returns {Promise<'sent' | 'wait'>}
   */
  async function sendBatch(batch) {
    /** @type {Response} */
    let response;
    try {
      response = await authorizedFetch(ctx, '/api/v1/progress/batch', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(/** @satisfies {ApiBody<'/api/v1/progress/batch'>} */ ({ pings: batch.map((i) => i.ping) })),
      });
    } catch {
      return backoff('network');
    }
    const status = response.status;
    if (response.ok) {
      /** @type {ApiJson<'/api/v1/progress/batch', 'post'> | null} */
      const body = await response.json().catch(() => null);
      const rejected = Array.isArray(body?.rejected) ? body.rejected : [];
      await forget(batch);
      for (const r of rejected)
        o.emitter.emit('error', { reason: 'rejected', status, ping: batch[r.index]?.ping, errors: r.errors });
      attempt = 0;
      state.error = null;
      state.retryInMs = 0;
      state.lastSyncedAt = o.serverClock.now();
      o.emitter.emit('sync', { accepted: body?.accepted ?? batch.length - rejected.length, rejected: rejected.length });
      return 'sent';
    }
    if (status === 401) {
      // authorizedFetch already asked for a fresh token once.
      o.emitter.emit('authError', { status });
      return backoff('auth');
    }
    if (status === 413 && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      if ((await sendBatch(batch.slice(0, half))) !== 'sent') return 'wait';
      return sendBatch(batch.slice(half));
    }
    if (status === 429 || status === 503) {
      const wait = retryAfterMs(response.headers.get('Retry-After'), response.headers.get('Date')) ?? nextBackoff();
      if (status === 429) o.emitter.emit('rateLimited', { retryInMs: wait });
      return schedule(wait, status === 429 ? 'rateLimited' : 'server');
    }
    if (status >= 500 || status === 408) return backoff('server');
    // Any other 4xx is the request's own fault: sent again it would fail again, forever.
    const problem = await response.json().catch(() => null);
    await forget(batch);
    o.emitter.emit('error', { reason: 'invalid', status, problem, pings: batch.map((i) => i.ping) });
    return 'sent';
  }

  function nextBackoff() {
    attempt += 1;
    // Full jitter: a crowd of clients that failed together does not come back together.
    const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    return Math.max(50, Math.round(random() * ceiling));
  }

  /** @param {string} error */
  function backoff(error) {
    return schedule(nextBackoff(), error);
  }

  /**
   * @param {number} wait
   * @param {string} error
   * @returns {'wait'}
   */
  function schedule(wait, error) {
    state.error = error;
    state.retryInMs = wait;
    retryAt = o.clock.now() + wait;
    if (retryTimer !== null) o.clock.clearTimeout(retryTimer);
    retryTimer = o.clock.setTimeout(() => {
      retryTimer = null;
      state.retryInMs = 0;
      void flush();
    }, wait);
    publish();
    return 'wait';
  }

  /**
   * The page is going away: send this tab's unacknowledged pings in one request the browser finishes on its own.
   * Synchronous on purpose: nothing awaited here is guaranteed to run. The pings stay queued, so if this send is
   * lost the next page load sends them again (a duplicate changes nothing on the server).
   * @returns {'fetchLater' | 'keepalive' | null}
   */
  function sendOnPageHide() {
    if (destroyed || !lastToken) return null;
    const items = [...own.values()].filter((i) => i.sub === sub).sort((a, b) => (a.id < b.id ? -1 : 1));
    /** @type {QueuedPing[]} */
    const chosen = [];
    let size = 16;
    // Newest first: the final position matters most.
    for (let k = items.length - 1; k >= 0 && chosen.length < MAX_BATCH; k--) {
      const bytes = JSON.stringify(items[k].ping).length + 1;
      if (size + bytes > MAX_KEEPALIVE_BYTES) break;
      size += bytes;
      chosen.unshift(items[k]);
    }
    if (!chosen.length) return null;
    const url = `${o.baseUrl}/api/v1/progress/batch`;
    const init = {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${lastToken}` },
      body: JSON.stringify({ pings: chosen.map((i) => i.ping) }),
    };
    if (o.fetchLater) {
      try {
        o.fetchLater(url, { ...init, activateAfter: 0 });
        return 'fetchLater';
      } catch {
        // Over the deferred-fetch quota, or not allowed here: keepalive below.
      }
    }
    o.fetch(url, { ...init, keepalive: true })
      .then((response) => { if (response.ok) return forget(chosen); })
      .catch(() => {});
    return 'keepalive';
  }

  /** @param {boolean} online */
  function setOnline(online) {
    if (state.online === online) return;
    state.online = online;
    o.emitter.emit(online ? 'online' : 'offline', {});
    publish();
    if (online) {
      // A network backoff was a guess about the connection, which is back; a server's Retry-After still holds.
      if (state.error === 'network') {
        retryAt = 0;
        state.retryInMs = 0;
        if (retryTimer !== null) o.clock.clearTimeout(retryTimer);
        retryTimer = null;
      }
      void flush();
    }
  }

  function destroy() {
    destroyed = true;
    if (retryTimer !== null) o.clock.clearTimeout(retryTimer);
    o.channel?.close();
  }

  return {
    enqueue,
    flush,
    sendOnPageHide,
    setOnline,
    destroy,
    getToken,
    refreshPending,
    request: (/** @type {string} */ path, /** @type {RequestInit} */ init = {}) => authorizedFetch(ctx, path, init),
    get state() { return { ...state }; },
    get sub() { return sub; },
  };
}

/**
 * Retry-After in milliseconds: whole seconds, or an HTTP date read against the server's own `Date`.
 * @param {string | null} value
 * @param {string | null} date
 * @returns {number | null}
 */
export function retryAfterMs(value, date) {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  const now = date ? Date.parse(date) : NaN;
  if (Number.isNaN(at) || Number.isNaN(now)) return null;
  return Math.max(0, at - now);
}
