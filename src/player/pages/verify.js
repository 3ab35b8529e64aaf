// The public page behind a credential's link: what the service's verification says of the stored credential.
// No token: the credential, its keys and its status list are public.

/** @type {Record<string, string>} */
const verdicts = {
  active: 'Valid credential',
  revoked: 'Revoked',
  expired: 'Expired',
  'not-yet-valid': 'Not valid yet',
  invalid: 'Invalid credential',
};

/** @param {string} id @param {string} text */
function set(id, text) {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

/** @param {unknown} value */
const text = (value) => (typeof value === 'string' ? value : '');

async function main() {
  const credentialId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
  const verdict = /** @type {HTMLElement} */ (document.getElementById('verdict'));
  const response = await fetch(`/api/v1/credentials/${encodeURIComponent(credentialId)}`, { headers: { Accept: 'application/json' } });
  if (response.status === 404) {
    verdict.textContent = 'No such credential';
    verdict.dataset.status = 'unknown';
    return;
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const { credential, verification } = await response.json();
  verdict.textContent = verdicts[verification.status] ?? verification.status;
  verdict.dataset.status = verification.status;
  verdict.dataset.valid = String(verification.valid);
  const achievement = verification.achievement ?? {};
  set('achievement-name', text(achievement.name));
  set('achievement-description', text(achievement.description));
  set('criteria', text(achievement.criteria?.narrative));
  set('issuer', text(verification.issuer?.name));
  set('valid-from', text(verification.validFrom));
  set('valid-until', text(verification.validUntil) || 'no end');
  set('credential-id', text(verification.credentialId));
  set('jwt', credential);
  const reasons = /** @type {HTMLElement} */ (document.getElementById('reasons'));
  for (const reason of verification.reasons ?? []) {
    const item = document.createElement('li');
    item.textContent = reason;
    reasons.append(item);
  }
  /** @type {HTMLElement} */ (document.getElementById('credential')).hidden = false;
}

main()
  .catch((error) => {
    const message = /** @type {HTMLElement} */ (document.getElementById('message'));
    message.textContent = `Could not verify: ${error instanceof Error ? error.message : error}`;
    message.hidden = false;
  })
  .finally(() => document.body.setAttribute('data-loaded', 'true'));
