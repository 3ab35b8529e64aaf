/** @typedef {import('./types.js').SyncState} SyncState */

/**
 * The words for a sync state; times as HH:MM:SS (24 h) whatever the viewer's locale.
 * @param {SyncState} s
 */
export function describeSync(s) {
  if (s.error === 'auth') return { state: 'auth', text: `Sign-in expired – ${s.pending} not saved` };
  if (!s.online) return { state: 'offline', text: `Offline – ${s.pending} waiting` };
  if (s.retryInMs > 0)
    return { state: 'retrying', text: `${s.pending} waiting – retry in ${Math.ceil(s.retryInMs / 1000)} s` };
  if (s.pending > 0) return { state: 'saving', text: `Saving ${s.pending}…` };
  if (s.lastSyncedAt) return { state: 'saved', text: `Saved ${new Date(s.lastSyncedAt).toISOString().slice(11, 19)} UTC` };
  return { state: 'idle', text: 'Nothing to save yet' };
}

/**
 * Keeps `el` showing the tracker's sync state (text, plus `data-state` for styling).
 * @param {Element} el
 * @param {{state: SyncState, on(type: 'state', handler: (s: SyncState) => void): () => void}} tracker
 * @returns {() => void} stops updating
 */
export function renderSyncIndicator(el, tracker) {
  const draw = (/** @type {SyncState} */ s) => {
    const { state, text } = describeSync(s);
    el.textContent = text;
    el.setAttribute('data-state', state);
    el.setAttribute('data-pending', String(s.pending));
  };
  draw(tracker.state);
  el.setAttribute('role', 'status');
  return tracker.on('state', draw);
}
