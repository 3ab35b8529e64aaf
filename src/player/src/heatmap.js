/** @typedef {{date: string, count?: number, seconds: number}} Day */

const SVG = 'http://www.w3.org/2000/svg';
const CELL = 11;
const GAP = 2;
const COLORS = ['#ebedf0', '#9be9a8', '#40c463', '#30a14e', '#216e39'];

/**
 * A level 0–4 per day: 0 for no time, then quartiles of the days with time. Quartiles are taken after capping
 * outliers (above Q3 + 1.5 IQR), so one marathon day does not push every ordinary day down to level 1.
 * @param {Day[]} days
 * @returns {number[]}
 */
export function heatmapLevels(days) {
  const active = days.map((d) => d.seconds).filter((s) => s > 0).sort((a, b) => a - b);
  if (!active.length) return days.map(() => 0);
  const fence = quantile(active, 0.75) + 1.5 * (quantile(active, 0.75) - quantile(active, 0.25));
  const trimmed = active.map((s) => Math.min(s, fence));
  const q = [quantile(trimmed, 0.25), quantile(trimmed, 0.5), quantile(trimmed, 0.75)];
  return days.map((d) => (d.seconds <= 0 ? 0 : d.seconds <= q[0] ? 1 : d.seconds <= q[1] ? 2 : d.seconds <= q[2] ? 3 : 4));
}

/** @param {number[]} sorted @param {number} p */
function quantile(sorted, p) {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * "34 min on 2026-11-20": minutes rounded, at least "1 min" for any time at all.
 * @param {Day} day
 */
export function dayTitle(day) {
  const minutes = day.seconds > 0 ? Math.max(1, Math.round(day.seconds / 60)) : 0;
  return `${minutes} min on ${day.date}`;
}

/**
 * Draws the days (oldest first, as `/progress/heatmap/data` answers) as an SVG: a column per week starting on
 * Monday, a row per weekday.
 * @param {Element} el   the SVG replaces its content
 * @param {Day[]} days
 * @returns {SVGSVGElement}
 */
export function renderHeatmap(el, days) {
  const doc = el.ownerDocument;
  const levels = heatmapLevels(days);
  // Monday = 0; dates are calendar days, so read them in UTC to stay clear of the viewer's zone.
  const weekday = (/** @type {string} */ date) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  const lead = days.length ? weekday(days[0].date) : 0;
  const weeks = Math.ceil((lead + days.length) / 7);
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${weeks * (CELL + GAP)} ${7 * (CELL + GAP)}`);
  svg.setAttribute('width', String(weeks * (CELL + GAP)));
  svg.setAttribute('height', String(7 * (CELL + GAP)));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Daily learning time');
  svg.classList.add('lp-heatmap');
  days.forEach((day, i) => {
    const slot = lead + i;
    const rect = doc.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(Math.floor(slot / 7) * (CELL + GAP)));
    rect.setAttribute('y', String((slot % 7) * (CELL + GAP)));
    rect.setAttribute('width', String(CELL));
    rect.setAttribute('height', String(CELL));
    rect.setAttribute('rx', '2');
    rect.setAttribute('fill', COLORS[levels[i]]);
    rect.setAttribute('data-date', day.date);
    rect.setAttribute('data-level', String(levels[i]));
    const title = doc.createElementNS(SVG, 'title');
    title.textContent = dayTitle(day);
    rect.appendChild(title);
    svg.appendChild(rect);
  });
  el.replaceChildren(svg);
  return svg;
}
