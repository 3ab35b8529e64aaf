import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { connectLive, expired, hubUrl } from '../src/live.js';
import { FakeClock, FakeSocket, settle, WALL0 } from './fakes.js';

const RS = '\x1e';

/** A JWT-shaped token expiring at `exp` (epoch seconds), numbered so tests can tell tokens apart. */
function jwt(n, exp) {
  const payload = Buffer.from(JSON.stringify({ sub: 'ada', n, ...(exp !== undefined ? { exp } : {}) })).toString('base64url');
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.sig`;
}

function setUp({ tokenLifetimeMs } = {}) {
  const clock = new FakeClock();
  FakeSocket.reset(clock);
  const tokens = [];
  let n = 0;
  const getToken = (o = {}) => {
    tokens.push(!!o.refresh);
    if (o.refresh || n === 0) n += 1;
    const exp = tokenLifetimeMs !== undefined ? Math.floor((clock.wallNow() + tokenLifetimeMs) / 1000) : undefined;
    return jwt(n, exp);
  };
  const messages = [];
  const states = [];
  const live = connectLive({
    baseUrl: 'https://api.example/', getToken, clock, random: () => 0.5, WebSocket: FakeSocket,
    onMessage: (target, args) => messages.push({ target, args }),
    onState: (detail) => states.push(detail),
  });
  return { clock, live, messages, states, tokens };
}

beforeEach(() => FakeSocket.reset());

test('the hub address: ws or wss, the token in the query', () => {
  assert.equal(hubUrl('https://api.example/', 'a.b.c'), 'wss://api.example/hubs/progress?access_token=a.b.c');
  assert.equal(hubUrl('http://127.0.0.1:5006/base', null), 'ws://127.0.0.1:5006/base/hubs/progress');
});

test('handshake, then invocations framed by the record separator, whole or split across frames', async () => {
  const { live, messages, states } = setUp();
  await settle();
  const ws = FakeSocket.last;
  assert.equal(ws.url, `wss://api.example/hubs/progress?access_token=${ws.token}`);
  ws.open();
  assert.deepEqual(ws.sent, [`{"protocol":"json","version":1}${RS}`]);
  assert.equal(live.state, 'connecting');
  ws.receive(`{}${RS}`);
  assert.equal(live.state, 'connected');
  assert.deepEqual(states.at(-1), { state: 'connected', reconnected: false });

  const one = JSON.stringify({ type: 1, target: 'progressUpdated', arguments: [{ position: 1 }] });
  const two = JSON.stringify({ type: 1, target: 'lectureCompleted', arguments: [{ lectureId: 'l1' }] });
  ws.receive(`${one}${RS}{"type":6}${RS}${two.slice(0, 10)}`);
  assert.equal(messages.length, 1);
  ws.receive(`${two.slice(10)}${RS}`);
  ws.receive(new Uint8Array([1, 2, 3])); // binary frames are not the JSON protocol's
  assert.deepEqual(messages, [
    { target: 'progressUpdated', args: [{ position: 1 }] },
    { target: 'lectureCompleted', args: [{ lectureId: 'l1' }] },
  ]);
});

test('a handshake the server refuses closes for good', async () => {
  const { clock, live, states } = setUp();
  await settle();
  FakeSocket.last.open();
  FakeSocket.last.receive(`{"error":"The protocol 'json' is not supported."}${RS}`);
  assert.equal(live.state, 'closed');
  assert.match(states.at(-1).error, /not supported/);
  assert.equal(FakeSocket.last.closedByClient, 1000);
  await clock.advance(120_000);
  assert.equal(FakeSocket.made.length, 1, 'no reconnection');
});

test('pings the server every 15 s; 30 s of silence from it drops the connection and reconnects', async () => {
  const { clock, live } = setUp();
  await settle();
  const ws = FakeSocket.last;
  ws.accept();
  ws.sent = [];
  await clock.advance(15_000);
  assert.deepEqual(ws.sent, [`{"type":6}${RS}`]);
  ws.receive(`{"type":6}${RS}`); // the server's keep-alive
  await clock.advance(15_000);
  ws.receive(`{"type":6}${RS}`);
  await clock.advance(15_000);
  assert.equal(ws.sent.length, 3);
  assert.equal(live.state, 'connected');
  // Now the server falls silent.
  await clock.advance(30_000);
  assert.equal(ws.closedByClient, 1000);
  assert.equal(FakeSocket.made.length, 2, 'reconnected');
});

test('reconnects with backoff: 0, 2, 10, 30 s (jittered, capped); a connection that lasted starts over', async () => {
  const { clock, live, states } = setUp();
  await settle();
  for (let i = 0; i < 5; i++) {
    FakeSocket.last.refuse();
    await clock.advance(60_000);
  }
  // random() = 0.5: each wait is 3/4 of its step; each refusal comes 60 s into its wait.
  assert.deepEqual(FakeSocket.made.map((s) => s.at), [0, 0, 61_500, 127_500, 202_500, 262_500]);
  assert.deepEqual(states.filter((s) => s.state === 'waiting').map((s) => s.retryInMs), [0, 1500, 7500, 22_500, 22_500]);

  // Up for a minute, then closed by the server: at once again.
  FakeSocket.last.accept();
  await clock.advance(20_000, () => FakeSocket.last.receive(`{"type":6}${RS}`));
  const before = FakeSocket.made.length;
  FakeSocket.last.receive(`{"type":7,"allowReconnect":true}${RS}`);
  assert.equal(live.state, 'waiting');
  assert.equal(states.at(-1).retryInMs, 0);
  await clock.advance(0);
  assert.equal(FakeSocket.made.length, before + 1);
  FakeSocket.last.accept();
  assert.deepEqual(states.at(-1), { state: 'connected', reconnected: true });
});

test('an upgrade that fails before the handshake gets a fresh token, once per run of failures', async () => {
  const { clock, tokens } = setUp();
  await settle();
  assert.deepEqual(tokens, [false]);
  FakeSocket.last.refuse(); // a 401 on the upgrade looks like any failure
  await clock.advance(0);
  assert.deepEqual(tokens, [false, true]);
  assert.notEqual(FakeSocket.made[1].token, FakeSocket.made[0].token);
  FakeSocket.last.refuse(); // still failing (offline?): no further refresh
  await clock.advance(2000);
  assert.deepEqual(tokens, [false, true, false]);
  FakeSocket.last.accept();
  await clock.advance(20_000, () => FakeSocket.last.receive(`{"type":6}${RS}`));
  FakeSocket.last.serverClose(1006);
  await clock.advance(0);
  FakeSocket.last.refuse();
  await clock.advance(2000);
  assert.deepEqual(tokens, [false, true, false, false, true], 'a new run of failures may refresh again');
});

test('a close when the token has expired reconnects with a fresh token', async () => {
  const { clock, tokens } = setUp({ tokenLifetimeMs: 60_000 });
  await settle();
  FakeSocket.last.accept();
  await clock.advance(60_000, () => FakeSocket.last.receive(`{"type":6}${RS}`));
  // The server closes a connection whose token expired (CloseOnAuthenticationExpiration).
  FakeSocket.last.receive(`{"type":7,"allowReconnect":true}${RS}`);
  await clock.advance(0);
  assert.deepEqual(tokens, [false, true]);
  assert.equal(FakeSocket.made.length, 2);
  assert.ok(!expired(FakeSocket.last.token, WALL0 + clock.now()));
});

test('a token provider that throws is retried with backoff', async () => {
  const clock = new FakeClock();
  FakeSocket.reset(clock);
  let calls = 0;
  const live = connectLive({
    baseUrl: 'https://api.example', clock, random: () => 0.5, WebSocket: FakeSocket, onMessage: () => {},
    getToken: () => { calls += 1; if (calls < 3) throw new Error('signed out'); return jwt(1); },
  });
  await settle();
  assert.equal(FakeSocket.made.length, 0);
  await clock.advance(2000);
  assert.equal(FakeSocket.made.length, 1);
  FakeSocket.last.accept();
  assert.equal(live.state, 'connected');
});

test('close() stops for good; suspend() waits for retryNow()', async () => {
  const { clock, live } = setUp();
  await settle();
  FakeSocket.last.accept();
  live.suspend();
  assert.equal(live.state, 'suspended');
  assert.equal(FakeSocket.last.closedByClient, 1000);
  await clock.advance(60_000);
  assert.equal(FakeSocket.made.length, 1);
  live.retryNow();
  await settle();
  assert.equal(FakeSocket.made.length, 2);
  FakeSocket.last.accept();
  live.close();
  assert.equal(live.state, 'closed');
  assert.equal(FakeSocket.last.closedByClient, 1000);
  FakeSocket.last.serverClose(1006);
  live.retryNow();
  await clock.advance(120_000);
  assert.equal(FakeSocket.made.length, 2);
});
