import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ProblemError } from '../src/learnprogress.js';

function recordingFetch(answer = () => new Response('{"ok":true}', { status: 200 })) {
  /** @type {{url: string, method: string, auth: string | null, body: string | null}[]} */
  const calls = [];
  const fetch = async (url, init = {}) => {
    calls.push({ url, method: init.method ?? 'GET', auth: new Headers(init.headers).get('Authorization'), body: init.body ?? null });
    return answer();
  };
  return { calls, fetch };
}

test('routes are filled from their OpenAPI names: path parameters escaped, the rest in the query', async () => {
  const { calls, fetch } = recordingFetch();
  const client = createClient({ baseUrl: 'https://api.example/', getToken: () => 't1', fetch });
  await client.progress('c 1/x');
  await client.heatmap(30);
  await client.weekly();
  await client.setTimeZone('Europe/Paris');
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [
    ['GET', 'https://api.example/api/v1/progress/c%201%2Fx'],
    ['GET', 'https://api.example/api/v1/progress/heatmap/data?days=30'],
    ['GET', 'https://api.example/api/v1/stats/weekly?weeks=12'],
    ['PUT', 'https://api.example/api/v1/me/settings'],
  ]);
  assert.equal(calls[3].body, '{"timeZone":"Europe/Paris"}');
  assert.ok(calls.every((c) => c.auth === 'Bearer t1'));
});

test('a problem answer is a ProblemError with its status and fields', async () => {
  const problem = { title: 'One or more validation errors occurred.', status: 400, errors: { timeZone: ['Unknown zone.'] } };
  const { fetch } = recordingFetch(() => new Response(JSON.stringify(problem), { status: 400 }));
  const client = createClient({ baseUrl: 'https://api.example', getToken: () => 't1', fetch });
  await assert.rejects(client.setTimeZone('Mars/Olympus'), (e) => e instanceof ProblemError && e.status === 400 && e.problem.errors.timeZone[0] === 'Unknown zone.');
});
