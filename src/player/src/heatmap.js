// The daily heatmap, drawn like a contribution graph: a column per week from Monday, a row per weekday, month labels
// above, Mon/Wed/Fri beside, a Less→More legend below, the day's time in a <title> and an aria-label per cell.
import { attachTooltip, count, emptyNote, markable, node, rovingFocus, swatch } from './charts.js';
import { formatDay, formatMinutes } from './format.js';

/** @typedef {{date: string, count?: number, seconds: number, level?: number}} Day */

const CELL = 11;
const STEP = 13;
const LEFT = 30;
const TOP = 16;
export const COLORS = ['#ebedf0', '#9be9a8', '#40c463', '#30a14e', '#216e39'];

/**
 * "34 minutes on Nov 20, 2026": minutes rounded, at least "1 minute" for any time at all, the day in the viewer's locale.
 * @param {Day} day
 * @param {string | string[]} [locale]
 */
export function dayTitle(day, locale) {
  return `${formatMinutes(day.seconds)} on ${formatDay(day.date, locale)}`;
}

/**
 * Monday = 0. Dates are calendar days, so they are read in UTC to stay clear of the viewer's zone.
 * @param {string} date
 */
const weekday = (date) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/**
 * Everything the heatmap draws: a cell per day, a month label over the first column of each month (dropped when
 * the next one follows within two columns), weekday labels on Monday, Wednesday and Friday, the size of the SVG.
 * @param {Day[]} days oldest first
 * @param {string | string[]} [locale]
 */
export function heatmapLayout(days, locale) {
  const lead = days.length ? weekday(days[0].date) : 0;
  const columns = Math.ceil((lead + days.length) / 7);
  const cells = days.map((day, i) => {
    const slot = lead + i;
    const column = Math.floor(slot / 7);
    const row = slot % 7;
    // Levels (0–4, quartiles after trimming outliers) are decided by the service, beside the figures they come from.
    const level = Math.min(4, Math.max(0, day.level ?? 0));
    return { day, column, row, level, x: LEFT + column * STEP, y: TOP + row * STEP, title: dayTitle(day, locale) };
  });
  /** @type {{column: number, month: string, label: string, x: number}[]} */
  let months = [];
  for (const cell of cells) {
    const month = cell.day.date.slice(0, 7);
    if (months.at(-1)?.month === month) continue;
    // A month starts in the column of its first day, unless that day is not the column's first: then the next one.
    const column = cell.row === 0 || cell === cells[0] ? cell.column : cell.column + 1;
    if (column >= columns || months.some((m) => m.column === column)) continue;
    months.push({ column, month, label: formatDay(`${month}-01`, locale, { month: 'short' }), x: LEFT + column * STEP });
  }
  months = months.filter((m, i) => !(months[i + 1] && months[i + 1].column - m.column < 3));
  const weekdays = [0, 2, 4].map((row) => ({
    row,
    // 2024-01-01 was a Monday.
    label: formatDay(`2024-01-0${row + 1}`, locale, { weekday: 'short' }),
    y: TOP + row * STEP + CELL - 1,
  }));
  const active = days.filter((d) => d.seconds > 0);
  const seconds = active.reduce((sum, d) => sum + d.seconds, 0);
  return {
    cells,
    months,
    weekdays,
    width: LEFT + columns * STEP,
    height: TOP + 7 * STEP,
    summary: `${formatMinutes(seconds)} of learning on ${count(active.length, 'day')} in the last ${count(days.length, 'day')}`,
    empty: active.length === 0,
  };
}

/**
 * Draws the days (oldest first, as `/progress/heatmap/data` answers, each with its `level`) as an SVG with month
 * and weekday labels, a summary line above and a Less→More legend below. The latest day takes the tab stop; the
 * arrow keys move by day (up/down) and by week (left/right).
 * @param {HTMLElement} el the heatmap replaces its content
 * @param {Day[]} days
 * @param {{locale?: string | string[]}} [options]
 * @returns {SVGSVGElement | null} null for the empty state without days
 */
export function renderHeatmap(el, days, options = {}) {
  const doc = el.ownerDocument;
  if (days.length === 0) {
    el.replaceChildren(emptyNote(doc, 'No days to show yet.'));
    return null;
  }
  const layout = heatmapLayout(days, options.locale);
  const svg = /** @type {SVGSVGElement} */ (node(doc, 'svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'group',
    'aria-label': `Daily learning time: ${layout.summary}. Arrow keys move between days.`, 'font-size': 10, class: 'lp-chart lp-heatmap' }));
  for (const month of layout.months) svg.append(node(doc, 'text', { x: month.x, y: 10, class: 'lp-tick lp-month', 'data-month': month.month }, month.label));
  for (const day of layout.weekdays) svg.append(node(doc, 'text', { x: LEFT - 4, y: day.y, 'text-anchor': 'end', class: 'lp-tick lp-weekday' }, day.label));
  const marks = layout.cells.map((cell) => {
    const rect = node(doc, 'rect', { x: cell.x, y: cell.y, width: CELL, height: CELL, rx: 2, fill: COLORS[cell.level],
      'data-date': cell.day.date, 'data-level': cell.level, 'data-seconds': cell.day.seconds });
    markable(rect, cell.title);
    svg.append(rect);
    return rect;
  });
  rovingFocus(marks, { ArrowRight: 7, ArrowLeft: -7, ArrowDown: 1, ArrowUp: -1 }, marks.length - 1);

  const summary = doc.createElement('p');
  summary.className = 'lp-summary';
  summary.textContent = layout.summary;
  const scroller = doc.createElement('div');
  scroller.className = 'lp-scroll';
  scroller.append(svg);
  const legend = doc.createElement('p');
  legend.className = 'lp-legend lp-heatmap-legend';
  legend.append(doc.createTextNode('Less'));
  COLORS.forEach((color, level) => {
    const key = swatch(doc, color, 'box');
    key.setAttribute('data-level', String(level));
    legend.append(key);
  });
  legend.append(doc.createTextNode('More'));
  /** @type {Element[]} */
  const parts = [summary, scroller, legend];
  if (layout.empty) parts.push(emptyNote(doc, 'No learning time in this period yet: play a lecture to fill in your first day.'));
  el.replaceChildren(...parts);
  attachTooltip(el);
  // The latest days are the ones a learner looks for: on a narrow screen keep them in view, until the learner scrolls.
  scroller.scrollLeft = scroller.scrollWidth;
  const view = doc.defaultView;
  if (view && 'ResizeObserver' in view) {
    const follow = new view.ResizeObserver(() => { scroller.scrollLeft = scroller.scrollWidth; });
    follow.observe(scroller);
    for (const type of ['pointerdown', 'wheel', 'touchstart', 'keydown']) scroller.addEventListener(type, () => follow.disconnect(), { once: true });
  }
  return svg;
}
