// End to end: a credential issued by the API verifies with the jose library against the published JWKS, and the
// public page /verify/{id} shows in Chromium what the verification API says, before and after a revocation.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, createCourse, devToken, ensureArtifacts, launch, openPage, root, skipReason, startApi, uniqueId } from './lib.mjs';

const require = createRequire(join(root, 'src', 'player', 'package.json'));
/** @type {import('jose')} */
const jose = require('jose');

const skip = skipReason();

describe('credentials', { skip: skip ?? false }, () => {
  let api, browser;

  before(async () => {
    // Development without configured keys: the service makes its own signing key in the data directory.
    api = await startApi();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** A page that fails the test on any script error or CSP violation. */
  async function open(url) {
    const opened = await openPage(browser.context, url);
    await opened.page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    return opened;
  }

  /** A certification needing quiz q1 at 100 %, and a learner who scored it. */
  async function eligibleLearner() {
    const course = await createCourse(api, ['l1']);
    const skill = uniqueId('s');
    const cert = uniqueId('cert');
    assert.equal((await call(api.base, api.admin, 'PUT', `/api/v1/skills/${skill}`, { name: 'Skill' })).status, 201);
    assert.equal((await call(api.base, api.admin, 'PUT', `/api/v1/courses/${course}/quizzes/q1`, {
      title: 'Quiz', passPercent: 50, items: [{ itemId: 'i1', maxPoints: 1, skills: [skill] }],
    })).status, 201);
    assert.equal((await call(api.base, api.admin, 'PUT', `/api/v1/certifications/${cert}`, {
      title: `Certified ${cert}`, description: 'Passed the quiz.', criteria: 'Score 100 % on quiz q1.',
      requirements: { quizzes: [{ courseId: course, quizId: 'q1', minPercent: 100 }] }, validForDays: 365,
    })).status, 201);
    const learner = uniqueId('u');
    const token = await devToken(api.base, learner);
    const now = Date.now();
    assert.equal((await call(api.base, token, 'POST', '/api/v1/attempts', {
      attemptId: uniqueId('a'), courseId: course, quizId: 'q1', startedAt: now - 60_000, submittedAt: now - 1_000,
      items: [{ itemId: 'i1', points: 1 }],
    })).status, 200);
    return { cert, learner, token };
  }

  test('an issued credential verifies with jose against the published JWKS', async () => {
    const { cert, token } = await eligibleLearner();
    const issued = await call(api.base, token, 'POST', `/api/v1/me/certifications/${cert}/credential`);
    assert.equal(issued.status, 201);

    const keys = jose.createRemoteJWKSet(new URL(`${api.base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jose.jwtVerify(issued.body.credential, keys, { typ: 'vc+jwt', algorithms: ['ES256'] });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.ok(protectedHeader.kid);
    assert.deepEqual(payload.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(payload.id, `urn:uuid:${issued.body.credentialId}`);
    assert.equal(/** @type {any} */ (payload.credentialSubject).achievement.name, `Certified ${cert}`);

    // A changed payload under the same signature fails in jose as it does in the API.
    const [header, body, signature] = issued.body.credential.split('.');
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString('utf8').replace('Certified', 'Master')).toString('base64url');
    await assert.rejects(jose.jwtVerify(`${header}.${forged}.${signature}`, keys), /signature verification failed/);
    const anonymous = await fetch(`${api.base}/api/v1/credentials/verify`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential: `${header}.${forged}.${signature}` }),
    });
    assert.equal((await anonymous.json()).valid, false);
  });

  test('the verify page shows what the API says, and revoked once revoked', async () => {
    const { cert, token } = await eligibleLearner();
    const issued = await call(api.base, token, 'POST', `/api/v1/me/certifications/${cert}/credential`);
    const id = issued.body.credentialId;
    const stored = async () => (await (await fetch(`${api.base}/api/v1/credentials/${id}`)).json()).verification;

    const { page, problems } = await open(`${api.base}/verify/${id}`);
    const before = await stored();
    assert.equal(before.status, 'active');
    assert.equal(await page.getAttribute('#verdict', 'data-status'), before.status);
    assert.equal(await page.textContent('#verdict'), 'Valid credential');
    assert.equal(await page.textContent('#achievement-name'), before.achievement.name);
    assert.equal(await page.textContent('#criteria'), 'Score 100 % on quiz q1.');
    assert.equal(await page.textContent('#valid-until'), before.validUntil);
    assert.equal(await page.textContent('#jwt'), issued.body.credential);
    await page.screenshot({ path: join(ensureArtifacts(), 'verify-valid.png'), fullPage: true });

    assert.equal((await call(api.base, api.admin, 'POST', `/api/v1/admin/credentials/${id}/revoke`)).status, 200);
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    const after = await stored();
    assert.equal(after.status, 'revoked');
    assert.equal(await page.getAttribute('#verdict', 'data-status'), 'revoked');
    assert.equal(await page.textContent('#verdict'), 'Revoked');
    assert.match(await page.textContent('#reasons'), /revoked/);
    await page.screenshot({ path: join(ensureArtifacts(), 'verify-revoked.png'), fullPage: true });
    assert.deepEqual(problems, []);

    const unknown = await open(`${api.base}/verify/${crypto.randomUUID()}`);
    assert.equal(await unknown.page.getAttribute('#verdict', 'data-status'), 'unknown');
  });

  test('the dashboard lists certification progress and issues the credential of an eligible learner', async () => {
    const { cert, learner } = await eligibleLearner();
    const { page, problems } = await open(`${api.base}/learn/dashboard?learner=${learner}`);
    await page.waitForSelector('#certifications[data-loaded="true"]');
    const item = page.locator(`[data-certification="${cert}"]`);
    assert.equal(await item.getAttribute('data-eligible'), 'true');
    assert.match(await item.locator('.requirements').textContent(), /✓ Quiz q1/);

    await page.screenshot({ path: join(ensureArtifacts(), 'dashboard-certifications.png'), fullPage: true });
    await item.locator('button.issue').click();
    const link = item.locator('a.credential-link');
    await link.waitFor();
    const mine = await call(api.base, await devToken(api.base, learner), 'GET', '/api/v1/me/certifications');
    const held = mine.body.find((c) => c.certificationId === cert).credential;
    assert.equal(await link.getAttribute('href'), `/verify/${held.credentialId}`);
    await link.click();
    await page.waitForSelector('body[data-loaded="true"]');
    assert.equal(await page.getAttribute('#verdict', 'data-status'), 'active');
    assert.deepEqual(problems, []);
  });
});
