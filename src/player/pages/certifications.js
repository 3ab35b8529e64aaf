// The dashboard's certification section: progress towards each certification, what is still missing, the estimated
// date at the learner's pace, and the credential once earned (issued on request, then linked to its public page).
import { element } from './common.js';

/**
 * @typedef {{kind: string, courseId: string | null, quizId: string | null, skillId: string | null, required: number, current: number, met: boolean}} Requirement
 * @typedef {{credentialId: string, validFrom: string, validUntil: string | null, verifyUrl: string}} Held
 * @typedef {{certificationId: string, title: string, description: string, requirements: Requirement[], progress: number, eligible: boolean, estimatedDate: string | null, credential: Held | null}} MyCertification
 */

/** @param {Requirement} r */
function describe(r) {
  if (r.kind === 'course') return `Course ${r.courseId}: ${r.current} % of ${r.required} % completed`;
  if (r.kind === 'quiz') return `Quiz ${r.quizId} (${r.courseId}): best ${r.current} % of ${r.required} %`;
  return `Skill ${r.skillId}: mastery ${r.current.toFixed(2)} of ${r.required.toFixed(2)}`;
}

/**
 * @param {(options?: {refresh?: boolean}) => Promise<string | null>} getToken
 * @param {string} path @param {string} [method]
 */
async function call(getToken, path, method = 'GET') {
  const token = await getToken();
  const response = await fetch(path, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

/**
 * Fills #certifications; its own failures stay in the section.
 * @param {(options?: {refresh?: boolean}) => Promise<string | null>} getToken
 */
export async function renderCertifications(getToken) {
  const section = document.getElementById('certifications');
  const list = document.getElementById('certification-list');
  if (!section || !list) return;
  try {
    const { status, body } = await call(getToken, '/api/v1/me/certifications');
    if (status !== 200) throw new Error(`HTTP ${status}`);
    list.replaceChildren();
    for (const cert of /** @type {MyCertification[]} */ (body)) list.append(item(cert, getToken));
    if (body.length === 0) list.append(element('li', 'No certifications are offered yet.'));
  } catch (error) {
    list.replaceChildren(element('li', `Could not load certifications: ${error instanceof Error ? error.message : error}`));
  } finally {
    section.setAttribute('data-loaded', 'true');
  }
}

/** @param {MyCertification} cert @param {(options?: {refresh?: boolean}) => Promise<string | null>} getToken */
function item(cert, getToken) {
  const percent = Math.round(cert.progress * 100);
  const li = element('li', undefined, { 'data-certification': cert.certificationId, 'data-eligible': String(cert.eligible) });
  li.append(element('strong', cert.title), ' ', element('progress', undefined, { max: '100', value: String(percent) }),
    element('span', ` ${percent} %`, { class: 'percent' }));
  const requirements = element('ul', undefined, { class: 'requirements' });
  for (const r of cert.requirements)
    requirements.append(element('li', `${r.met ? '✓' : '○'} ${describe(r)}`, { 'data-met': String(r.met) }));
  li.append(requirements);
  if (cert.credential) {
    li.append(element('a', 'View your credential', { href: new URL(cert.credential.verifyUrl).pathname, class: 'credential-link' }));
  } else if (cert.eligible) {
    const button = element('button', 'Get your credential', { type: 'button', class: 'issue' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      const { status, body } = await call(getToken, `/api/v1/me/certifications/${encodeURIComponent(cert.certificationId)}/credential`, 'POST');
      if (status === 200 || status === 201) {
        button.replaceWith(element('a', 'View your credential', { href: new URL(body.verifyUrl).pathname, class: 'credential-link' }));
      } else {
        button.disabled = false;
        button.after(element('span', ` Could not issue: ${body?.title ?? `HTTP ${status}`}`, { class: 'error' }));
      }
    });
    li.append(button);
  } else {
    li.append(element('span', cert.estimatedDate ? `eligible by ${cert.estimatedDate} at your recent pace` : 'no estimate yet',
      { class: 'estimate', 'data-estimate': cert.estimatedDate ?? '' }));
  }
  return li;
}
