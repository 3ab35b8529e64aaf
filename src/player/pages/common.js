import { createClient } from '/sdk/learnprogress.js';

/** @typedef {{devTokens: boolean, courses: string[], video: string, learners: string[]}} PagesConfig */

/** @returns {Promise<PagesConfig>} */
export async function loadConfig() {
  const response = await fetch('/learn/config.json');
  if (!response.ok) throw new Error(`config: HTTP ${response.status}`);
  return response.json();
}

/**
 * Where the pages get a learner's token. In Development from /dev/token, for the learner picked in the header
 * (?learner= or the last pick). Elsewhere the embedding site hands it over in the fragment (#token=...), which never
 * reaches a server log; it is kept in memory only.
 * @param {PagesConfig} config
 * @returns {{learner: string | null, getToken: (options?: {refresh?: boolean}) => Promise<string | null>}}
 */
export function tokenSource(config) {
  if (!config.devTokens) {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get('token');
    if (token) history.replaceState(null, '', location.pathname + location.search);
    return { learner: null, getToken: async () => token };
  }
  const params = new URLSearchParams(location.search);
  const learner = params.get('learner') ?? localStorage.getItem('learnprogress:learner') ?? config.learners[0] ?? 'dev-learner';
  localStorage.setItem('learnprogress:learner', learner);
  setUpPicker(config, learner);
  /** @type {Promise<string | null> | null} */
  let cached = null;
  const mint = async () => {
    const response = await fetch(`/dev/token?sub=${encodeURIComponent(learner)}`);
    if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
    return (await response.json()).token;
  };
  return {
    learner,
    getToken: (options) => {
      if (!cached || options?.refresh) cached = mint().catch((error) => { cached = null; throw error; });
      return cached;
    },
  };
}

/** @param {PagesConfig} config @param {string} learner */
function setUpPicker(config, learner) {
  const picker = document.getElementById('learner-picker');
  const select = /** @type {HTMLSelectElement | null} */ (document.getElementById('learner'));
  if (!picker || !select) return;
  for (const name of new Set([...config.learners, learner])) select.add(new Option(name, name, false, name === learner));
  picker.hidden = false;
  select.addEventListener('change', () => {
    localStorage.setItem('learnprogress:learner', select.value);
    const url = new URL(location.href);
    url.searchParams.set('learner', select.value);
    location.assign(url);
  });
}

/** @param {PagesConfig} config */
export function clientFor(config) {
  const tokens = tokenSource(config);
  return { ...tokens, client: createClient({ baseUrl: location.origin, getToken: tokens.getToken }) };
}

/** @param {string} text */
export function showMessage(text) {
  const el = document.getElementById('message');
  if (!el) return;
  el.textContent = text;
  el.hidden = false;
}

/**
 * "1 h 05 min", the same in every locale.
 * @param {number} seconds
 */
export function formatDuration(seconds) {
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  return h ? `${h} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
}

/**
 * An element with text; never innerHTML, so course titles cannot inject markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [text]
 * @param {Record<string, string>} [attributes]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, text, attributes = {}) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

/** @param {string} course @param {string} lecture @param {string | null} learner */
export function lectureUrl(course, lecture, learner) {
  const params = new URLSearchParams({ course, lecture });
  if (learner) params.set('learner', learner);
  return `/learn/?${params}`;
}
