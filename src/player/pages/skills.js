import { renderSkillChart } from '/sdk/learnprogress.js';
import { element } from './common.js';

/**
 * The dashboard's skill chart: mastery per skill from `GET /me/skills`, the mastered threshold marked. A failure
 * shows in the chart's place and leaves the rest of the dashboard alone.
 * @param {{skills: () => Promise<any>}} client
 * @param {HTMLElement | null} el
 */
export async function showSkills(client, el) {
  if (!el) return;
  try {
    renderSkillChart(el, await client.skills());
  } catch (error) {
    el.replaceChildren(element('p', `Could not load skills: ${error instanceof Error ? error.message : error}`, { class: 'lp-empty', role: 'alert' }));
  }
}
