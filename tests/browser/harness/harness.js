// A video player on another origin, embedding the SDK the way the README shows. Query: api, course, lecture,
// learner, heartbeat, flush, firstTokenLifetime (seconds; negative = an expired token first), queue, fetchLater=off,
// live=on (listen to the hub).
const params = new URLSearchParams(location.search);
const api = params.get('api');
const learner = params.get('learner');
const { createTracker, renderSyncIndicator } = await import(`${api}/sdk/learnprogress.js`);

const lp = {
  events: [],
  tokenRequests: [],
  // 'fresh': valid tokens; 'expired': every token is already expired (a provider that keeps failing).
  tokenMode: 'fresh',
  firstLifetime: params.get('firstTokenLifetime'),
  token: null,
  video: document.getElementById('video'),
  tracker: null,
};
window.lp = lp;

async function mint(lifetimeSeconds) {
  const query = new URLSearchParams({ sub: learner });
  if (lifetimeSeconds !== null && lifetimeSeconds !== undefined) query.set('lifetimeSeconds', String(lifetimeSeconds));
  const response = await fetch(`${api}/dev/token?${query}`);
  return (await response.json()).token;
}

// Like a real provider: one token at a time, shared by concurrent callers, replaced when a refresh is asked.
function getToken(options = {}) {
  lp.tokenRequests.push({ at: Date.now(), refresh: !!options.refresh });
  if (lp.token && !options.refresh) return lp.token;
  const lifetime = lp.tokenMode === 'expired' ? -120 : lp.firstLifetime;
  lp.firstLifetime = null;
  lp.token = mint(lifetime);
  return lp.token;
}

// Every ping batch this tab sends, timed in the browser (epoch ms, comparable across tabs).
lp.sends = [];
const realFetch = window.fetch.bind(window);
window.fetch = async (url, init) => {
  if (!String(url).endsWith('/api/v1/progress/batch')) return realFetch(url, init);
  const send = { start: performance.timeOrigin + performance.now(), end: null, pings: JSON.parse(init.body).pings.length };
  lp.sends.push(send);
  try { return await realFetch(url, init); } finally { send.end = performance.timeOrigin + performance.now(); }
};
// fetchLater=off plays a browser without it, so the page hide goes out as a keepalive fetch.
if (params.get('fetchLater') === 'off') window.fetchLater = undefined;
lp.video.src = `${api}/learn/demo.webm`;
addEventListener('pagehide', (event) => lp.events.push({ type: 'pagehide', persisted: event.persisted, at: Date.now() }));
addEventListener('pageshow', (event) => lp.events.push({ type: 'pageshow', persisted: event.persisted, at: Date.now() }));

const options = {
  baseUrl: api,
  getToken,
  courseId: params.get('course'),
  lectureId: params.get('lecture'),
  media: lp.video,
  queueName: params.get('queue') ?? `lp-${learner}`,
};
if (params.get('heartbeat')) options.heartbeatMs = Number(params.get('heartbeat'));
if (params.get('flush')) options.flushIntervalMs = Number(params.get('flush'));
if (params.get('live') === 'on') options.live = true;
// Every seek of the video, and whether it was playing then.
lp.seekings = [];
lp.video.addEventListener('seeking', () => lp.seekings.push({ at: Date.now(), to: lp.video.currentTime, paused: lp.video.paused }));
lp.tracker = createTracker(options);
for (const type of ['sync', 'queued', 'rateLimited', 'offline', 'online', 'authError', 'error', 'complete', 'resumed', 'remote', 'live'])
  lp.tracker.on(type, (detail) => lp.events.push({ type, at: Date.now(), detail: JSON.parse(JSON.stringify(detail ?? {})) }));
renderSyncIndicator(document.getElementById('sync'), lp.tracker);
