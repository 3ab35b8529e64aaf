import { systemClock } from './clock.js';

/** @typedef {import('./types.js').Clock} Clock */
/** @typedef {import('./types.js').GetToken} GetToken */

/**
 * Where the connection stands: `connecting` (getting a token, opening, handshaking), `connected` (handshake done),
 * `waiting` (closed, the next attempt is scheduled), `suspended` (closed while the page is hidden in the
 * back-forward cache), `closed` (for good: `close()` or a handshake the server refused).
 * @typedef {'connecting'|'connected'|'waiting'|'suspended'|'closed'} LiveState
 */

/**
 * @typedef {object} LiveStateDetail
 * @property {LiveState} state
 * @property {boolean} [reconnected]   on `connected`: an earlier connection of this client had been up
 * @property {number} [retryInMs]      on `waiting`
 * @property {string} [error]          why the last connection ended, when the server or the client said so
 */

/**
 * The part of a browser WebSocket this client uses; injected for tests.
 * @typedef {object} SocketLike
 * @property {number} readyState
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {((event: any) => void) | null} onopen
 * @property {((event: {data: unknown}) => void) | null} onmessage
 * @property {((event: {code?: number, reason?: string}) => void) | null} onclose
 * @property {((event: any) => void) | null} onerror
 */

/**
 * @typedef {object} LiveOptions
 * @property {string} baseUrl                         the API's origin (and path base)
 * @property {GetToken} getToken
 * @property {(target: string, args: unknown[]) => void} onMessage   every invocation the hub sends
 * @property {(detail: LiveStateDetail) => void} [onState]
 * @property {Clock} [clock]
 * @property {() => number} [wallNow]                 epoch ms on the server's clock, to tell an expired token (the clock's wallNow)
 * @property {() => number} [random]
 * @property {new (url: string) => SocketLike} [WebSocket]
 * @property {number[]} [delaysMs]                    waits before reconnecting, by failures in a row ([0, 2000, 10000, 30000], the last repeats)
 * @property {number} [pingMs]                        a ping to the server this often, under its 30 s client timeout (15000)
 * @property {number} [timeoutMs]                     nothing heard for this long (the server pings every 15 s) drops the connection (30000)
 * @property {number} [stableMs]                      a connection up this long resets the backoff (15000)
 */

export const HUB_PATH = '/hubs/progress';
const RS = '\x1e';
const OPEN = 1;

/**
 * Listens to the progress hub with the minimal SignalR JSON protocol over a WebSocket, without negotiation and
 * without a SignalR library: handshake, invocations (type 1), pings (6) both ways, close (7). Browsers cannot
 * set headers on a WebSocket, so the token goes in the query (the server takes it there on the hub path only).
 * Reconnects after any close with jittered backoff; a fresh token is asked for when the last one has expired or
 * when an attempt failed before the handshake (a browser hides the upgrade's 401), once per run of failures.
 * @param {LiveOptions} o
 */
export function connectLive(o) {
  const clock = o.clock ?? systemClock();
  const wallNow = o.wallNow ?? (() => clock.wallNow());
  const random = o.random ?? Math.random;
  const Socket = o.WebSocket ?? /** @type {new (url: string) => SocketLike} */ (/** @type {unknown} */ (globalThis.WebSocket));
  const delays = o.delaysMs ?? [0, 2000, 10_000, 30_000];
  const pingMs = o.pingMs ?? 15_000;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const stableMs = o.stableMs ?? 15_000;

  /** @type {LiveState} */
  let state = 'connecting';
  /** @type {SocketLike | null} */
  let socket = null;
  /** @type {unknown} */
  let retryTimer = null;
  /** @type {unknown} */
  let beatTimer = null;
  /** Connections in a row that failed or did not last: indexes `delays`. */
  let failures = 0;
  let refreshNext = false;
  let refreshedSinceConnected = false;
  let everConnected = false;
  /** @type {string | null} */
  let token = null;
  /** Bumped by every attempt and every close, so a token arriving for an abandoned attempt is dropped. */
  let generation = 0;

  /** @param {LiveStateDetail} detail */
  function setState(detail) {
    state = detail.state;
    try {
      o.onState?.(detail);
    } catch (error) {
      queueMicrotask(() => { throw error; });
    }
  }

  async function attempt() {
    retryTimer = null;
    const mine = ++generation;
    setState({ state: 'connecting' });
    const refresh = refreshNext || expired(token, wallNow());
    refreshNext = false;
    try {
      token = (await o.getToken(refresh ? { refresh: true } : {})) ?? null;
    } catch {
      if (mine === generation) retry({ handshaken: false, error: 'token' });
      return;
    }
    if (mine !== generation) return;
    if (refresh) refreshedSinceConnected = true;
    /** @type {SocketLike} */
    let ws;
    try {
      ws = new Socket(hubUrl(o.baseUrl, token));
    } catch (error) {
      retry({ handshaken: false, error: String(error) });
      return;
    }
    socket = ws;
    let buffer = '';
    let handshaken = false;
    let openedAt = 0;
    let heardAt = clock.now();

    const end = (/** @type {{error?: string, fatal?: boolean}} */ why = {}) => {
      if (socket !== ws) return;
      drop();
      if (why.fatal) {
        setState({ state: 'closed', error: why.error });
        return;
      }
      if (handshaken && clock.now() - openedAt >= stableMs) failures = 0;
      retry({ handshaken, error: why.error });
    };

    const beat = () => {
      beatTimer = null;
      if (socket !== ws) return;
      // Timers of a hidden page run late, so the silence is measured, not assumed from the timer.
      if (clock.now() - heardAt > timeoutMs) {
        end({ error: 'timeout' });
        return;
      }
      send(ws, { type: 6 });
      beatTimer = clock.setTimeout(beat, pingMs);
    };

    ws.onopen = () => send(ws, { protocol: 'json', version: 1 });
    ws.onerror = () => { /* a close follows */ };
    ws.onclose = (event) => end({ error: event?.code && event.code !== 1000 ? `closed ${event.code}` : undefined });
    ws.onmessage = (event) => {
      if (socket !== ws || typeof event.data !== 'string') return;
      heardAt = clock.now();
      buffer += event.data;
      const records = buffer.split(RS);
      buffer = records.pop() ?? '';
      for (const record of records) {
        if (socket !== ws) return;
        /** @type {any} */
        let message;
        try {
          message = JSON.parse(record);
        } catch {
          end({ error: 'bad message' });
          return;
        }
        if (!handshaken) {
          // The handshake's answer: `{}`, or `{"error": ...}` when the server refuses the protocol (no retry helps).
          if (message?.error) {
            end({ error: String(message.error), fatal: true });
            return;
          }
          handshaken = true;
          openedAt = clock.now();
          refreshedSinceConnected = false;
          setState({ state: 'connected', reconnected: everConnected });
          everConnected = true;
          beatTimer = clock.setTimeout(beat, pingMs);
          continue;
        }
        if (message?.type === 1 && typeof message.target === 'string') {
          try {
            o.onMessage(message.target, Array.isArray(message.arguments) ? message.arguments : []);
          } catch (error) {
            queueMicrotask(() => { throw error; });
          }
        } else if (message?.type === 7) {
          // The server closes on shutdown and when the token expires (with allowReconnect); either way try again.
          end({ error: message.error ? String(message.error) : undefined });
          return;
        }
        // 6 (ping) only proves the connection alive; nothing else is sent to a client that calls no methods.
      }
    };
  }

  /** @param {{handshaken: boolean, error?: string}} why */
  function retry(why) {
    if (state === 'closed' || state === 'suspended') return;
    // Browsers do not show why an upgrade failed: it may have been the token's 401.
    if (!why.handshaken && !refreshedSinceConnected) refreshNext = true;
    const base = delays[Math.min(failures, delays.length - 1)] ?? 0;
    failures += 1;
    const wait = Math.round(base * (0.5 + 0.5 * random()));
    retryTimer = clock.setTimeout(() => void attempt(), wait);
    setState({ state: 'waiting', retryInMs: wait, error: why.error });
  }

  /** Forgets the current socket (closing it) and the timers. */
  function drop() {
    generation += 1;
    if (retryTimer !== null) clock.clearTimeout(retryTimer);
    if (beatTimer !== null) clock.clearTimeout(beatTimer);
    retryTimer = beatTimer = null;
    const ws = socket;
    socket = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(1000);
    } catch {
      // Already closing.
    }
  }

  // After the caller has attached its listeners, unless it has closed meanwhile.
  const first = generation;
  queueMicrotask(() => { if (generation === first) void attempt(); });

  return {
    /** @returns {LiveState} */
    get state() { return state; },
    /** Tries at once when waiting for the next attempt (back online, page shown again). */
    retryNow() {
      if (state !== 'waiting' && state !== 'suspended') return;
      drop();
      void attempt();
    },
    /** Closes the connection without reconnecting until `retryNow()`: a page entering the back-forward cache. */
    suspend() {
      if (state === 'closed' || state === 'suspended') return;
      drop();
      setState({ state: 'suspended' });
    },
    /** Closes for good. */
    close() {
      if (state === 'closed') return;
      drop();
      setState({ state: 'closed' });
    },
  };
}

/** @param {SocketLike} ws @param {object} message */
function send(ws, message) {
  if (ws.readyState !== OPEN) return;
  try {
    ws.send(JSON.stringify(message) + RS);
  } catch {
    // Closing: the close event follows.
  }
}

/**
 * The hub's WebSocket address with the token in the query.
 * @param {string} baseUrl @param {string | null} token
 */
export function hubUrl(baseUrl, token) {
  const url = new URL(baseUrl.replace(/\/+$/, '') + HUB_PATH, globalThis.location?.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('access_token', token);
  return url.href;
}

/**
 * Whether a JWT's `exp` has passed (or passes within 5 s). Read without checking the token, as the server checks it;
 * an opaque token is taken as current.
 * @param {string | null} token @param {number} now epoch ms
 */
export function expired(token, now) {
  const part = token?.split('.')[1];
  if (!part) return false;
  try {
    const exp = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='))).exp;
    return typeof exp === 'number' && exp * 1000 <= now + 5000;
  } catch {
    return false;
  }
}
