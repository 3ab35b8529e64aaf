// Shared set-up of the end-to-end tests: the real API process (embedded mode), Debian's Chromium driven by
// Playwright, a player page on another origin, and the API's own answers to assert against.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
const require = createRequire(join(root, 'src', 'player', 'package.json'));
/** @type {import('playwright-core')} */
const playwright = require('playwright-core');

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifacts = join(root, 'artifacts', 'browser');
const apiDir = join(root, 'src', 'LearnProgress.Api', 'bin', 'Release', 'net10.0');

/** Why the browser tests cannot run here, or null. Under CI=true a missing Chromium is a failure, not a skip. */
export function skipReason() {
  if (existsSync(chromiumPath)) return null;
  const reason = `no Chromium at ${chromiumPath} (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(reason);
  return reason;
}

/** A port the OS says is free now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value; fails with the last value after `timeoutMs`. */
export async function until(probe, { timeoutMs = 10_000, everyMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
    await sleep(everyMs);
  }
}

/**
 * Starts the Release build of the API in Development, embedded mode, on its own port and data directory.
 * @param {Record<string, string>} [env] extra configuration, e.g. RateLimiting__PingBurst
 * @param {{corsOrigin?: string}} [options]
 */
export async function startApi(env = {}, options = {}) {
  const dll = join(apiDir, 'LearnProgress.Api.dll');
  if (!existsSync(dll)) throw new Error(`${dll} missing: dotnet build src/LearnProgress.Api -c Release`);
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'lp-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn('dotnet', [dll], {
    // appsettings*.json are read from the working directory.
    cwd: apiDir,
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: 'Development',
      ASPNETCORE_URLS: base,
      Storage__DataDirectory: data,
      // Page loads and dev tokens are anonymous requests from one address.
      RateLimiting__AnonymousPerMinute: '100000',
      ...(options.corsOrigin ? { Cors__AllowedOrigins__0: options.corsOrigin } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => { log = (log + d).slice(-20_000); });
  child.stderr.on('data', (d) => { log = (log + d).slice(-20_000); });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${log}`);
      return (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200;
    }, { timeoutMs: 60_000, everyMs: 250, what: 'API ready' });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const admin = await devToken(base, 'e2e-admin', { admin: true });
  return {
    base,
    admin,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** @param {string} base @param {string} sub */
export async function devToken(base, sub, { admin = false, lifetimeSeconds } = {}) {
  const query = new URLSearchParams({ sub, admin: String(admin) });
  if (lifetimeSeconds !== undefined) query.set('lifetimeSeconds', String(lifetimeSeconds));
  const response = await fetch(`${base}/dev/token?${query}`);
  if (!response.ok) throw new Error(`dev token: ${response.status}`);
  return (await response.json()).token;
}

/** Calls the API; returns {status, body, headers}. */
export async function call(base, token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

let unique = 0;
/** Ids no other test uses. */
export function uniqueId(prefix) {
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${(unique++).toString(36)}`;
}

/** A course with lectures of the demo clip's length (20 s) unless told, created through the admin API. */
export async function createCourse(api, lectures = ['l1'], durationSeconds = 20) {
  const courseId = uniqueId('c');
  const created = await call(api.base, api.admin, 'POST', '/api/v1/courses', { id: courseId, title: `Course ${courseId}` });
  if (created.status !== 201) throw new Error(`create course: ${created.status} ${JSON.stringify(created.body)}`);
  for (const id of lectures) {
    const put = await call(api.base, api.admin, 'PUT', `/api/v1/courses/${courseId}/lectures/${id}`, { title: `Lecture ${id}`, durationSeconds });
    if (put.status !== 201) throw new Error(`put lecture: ${put.status}`);
  }
  return courseId;
}

/** A learner's view of the server, read through the API. */
export function learnerApi(api, token) {
  const get = async (path) => {
    const r = await call(api.base, token, 'GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    progress: (courseId) => get(`/api/v1/progress/${courseId}`),
    lecture: async (courseId, lectureId) => (await get(`/api/v1/progress/${courseId}`)).lectures?.[lectureId] ?? null,
    heatmap: (days = 2) => get(`/api/v1/progress/heatmap/data?days=${days}`),
    today: async () => (await get('/api/v1/progress/heatmap/data?days=1'))[0],
    stats: () => get('/api/v1/stats/student'),
  };
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** Serves tests/browser/harness as a player page on its own origin (http://localhost:<port>), as an integrator would. */
export async function startHarness() {
  const port = await freePort();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = join(here, 'harness', path === '/' ? 'index.html' : path.slice(1));
    if (!file.startsWith(join(here, 'harness')) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    // no-cache, not no-store: no-store would keep the page out of the back-forward cache.
    response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://localhost:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

// Flags Playwright adds that hide what real users get: no back-forward cache, no throttling of background tabs.
const realisticFlags = [
  '--disable-back-forward-cache',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];

/**
 * Opens a page and collects its script errors and CSP violations (console errors other than a missing favicon), so a
 * test can assert there were none.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url)) problems.push(`console: ${m.text()}`); });
  await page.goto(url);
  return { page, problems };
}

/**
 * Debian's Chromium with a new empty profile. `realistic` keeps the back-forward cache and background throttling on.
 * @param {{realistic?: boolean}} [options]
 */
export async function launch({ realistic = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'lp-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    ignoreDefaultArgs: realistic ? realisticFlags : [],
    viewport: { width: 1100, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Records every ping batch a page sends (bodies, status, times) as the browser saw it.
 * @param {import('playwright-core').Page} page
 */
export function recordBatches(page, label = 'page') {
  const batches = [];
  page.on('request', (request) => {
    if (!request.url().endsWith('/api/v1/progress/batch') || request.method() !== 'POST') return;
    const entry = { label, at: Date.now(), pings: JSON.parse(request.postData() ?? '{}').pings ?? [], status: null, retryAfter: null, answeredAt: null };
    batches.push(entry);
    request.response().then((response) => {
      if (!response) return;
      entry.status = response.status();
      entry.answeredAt = Date.now();
      entry.retryAfter = response.headers()['retry-after'] ?? null;
    }).catch(() => {});
  });
  return batches;
}

/**
 * Opens the harness player for a learner and waits until the tracker has resumed.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function openPlayer(context, harness, api, params) {
  const page = await context.newPage();
  const query = new URLSearchParams({ api: api.base, ...params });
  await page.goto(`${harness.origin}/?${query}`);
  await page.waitForFunction(() => window.lp?.tracker?.ready === true, null, { timeout: 15_000 });
  return page;
}

/** Plays the harness video for about `ms` of wall time, then returns its position. */
export async function playFor(page, ms) {
  await page.evaluate(() => window.lp.video.play());
  await sleep(ms);
  return page.evaluate(() => window.lp.video.currentTime);
}

export function ensureArtifacts() {
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}
