// The SDK as a player team gets it: `npm pack`, installed from the tarball into a scratch project, imported by
// name, and its declarations checked by a TypeScript consumer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const npm = (cwd, ...args) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the packed SDK installs, imports by name and type-checks in a consumer', { timeout: 120_000 }, (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'lp-sdk-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  // prepack (the declarations) prints its progress before npm's JSON.
  const output = npm(root, 'pack', '--json', '--pack-destination', scratch);
  const [packed] = JSON.parse(output.slice(output.indexOf('[\n')));
  const files = packed.files.map((/** @type {{path: string}} */ f) => f.path);
  assert.ok(files.includes('src/learnprogress.js'));
  assert.ok(files.includes('dist/types/learnprogress.d.ts'));
  assert.ok(files.includes('dist/types/openapi.d.ts'));
  assert.ok(files.includes('README.md'));
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('pages/')), `packed too much: ${files}`);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(manifest.private, undefined);
  assert.equal(manifest.version.split('.')[0], '1', 'the major version is the API version (v1)');

  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(scratch, 'install', '--no-audit', '--no-fund', '--offline', join(scratch, packed.filename));

  const imported = execFileSync(process.execPath, ['--input-type=module', '-e',
    "const sdk = await import('@learnprogress/player'); console.log(Object.keys(sdk).sort().join(','));"],
    { cwd: scratch, encoding: 'utf8' }).trim().split(',');
  for (const name of ['createTracker', 'createClient', 'createMediaAdapter', 'renderHeatmap', 'ProblemError'])
    assert.ok(imported.includes(name), `${name} missing from ${imported}`);

  writeFileSync(join(scratch, 'consumer.ts'), `
import { createClient, createTracker } from '@learnprogress/player';
const client = createClient({ baseUrl: 'https://progress.example.com', getToken: () => 't' });
export async function percent(courseId: string): Promise<number> {
  const record = await client.progress(courseId);
  return record.completionPercentage;
}
export const make = (media: HTMLMediaElement) => createTracker({ baseUrl: '', getToken: () => 't', courseId: 'c', lectureId: 'l', media });
`);
  writeFileSync(join(scratch, 'bad.ts'), `
import { createClient } from '@learnprogress/player';
const client = createClient({ baseUrl: '', getToken: () => 't' });
export const wrong = async () => (await client.progress('c')).completionPercent;
`);
  const tsc = (file) => execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom,dom.iterable',
    '--skipLibCheck', file], { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  tsc('consumer.ts');
  assert.throws(() => tsc('bad.ts'), (e) => /completionPercent/.test(String(e.stdout)));
});
