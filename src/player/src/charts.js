// Charts of the learner's and the instructor's pages, drawn as SVG by hand (no library, nothing inline that a strict
// Content-Security-Policy would refuse: presentation attributes and CSSOM only). Each chart has axes with units,
// value labels, a legend where series need one, a <title> per mark for the pointer, an aria-label per mark for
// screen readers, one tab stop with the arrow keys moving between marks (the focused mark's value shows in a
// tooltip), an empty state, and a viewBox so it scales with its container. Layouts are pure functions (tested
// without a DOM); the render functions only turn them into elements.
import { formatClock, formatDay, formatMinutes, formatPercent, minutesOf } from './format.js';

/** @typedef {{weekStart: string, seconds: number, activeDays: number, lecturesCompleted: number}} Week */
/** @typedef {{lectureId: string, durationSeconds: number, started: number, completed: number, meanCoverage: number, retention: number[]}} LectureAnalytics */
/** @typedef {LectureAnalytics & {title?: string}} RetentionSeries */
/** @typedef {{started: number, quarter: number, half: number, threeQuarters: number, completed: number}} Funnel */
/** @typedef {{skillId: string, name: string, mastery: number, mastered: boolean, observations: number, lastAssessed?: string | null, trend?: number | null}} SkillMastery */
/** @typedef {{x: number, y: number, width: number, height: number}} Box */
/** @typedef {{locale?: string | string[]}} ChartOptions */

export const SVG = 'http://www.w3.org/2000/svg';
export const TEXT = '#57606a';
export const GRID = '#d8dee4';
export const FONT = 11;
/** Okabe–Ito colours: told apart with the common colour-vision deficiencies. */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];
/** BKT mastery from which a skill counts as mastered (the service's rule). */
export const MASTERED_AT = 0.95;

/**
 * Round axis ticks from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of ten, about `count` of them.
 * @param {number} max
 * @param {number} [count]
 * @param {{integer?: boolean}} [options] integer: steps of at least 1
 * @returns {number[]}
 */
export function niceTicks(max, count = 4, { integer = false } = {}) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks = [];
  for (let k = 0; k * step < max + step * 1e-9; k++) ticks.push(round(k * step));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(round(ticks.length * step));
  return ticks;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800];

/**
 * Ticks of a time axis from 0 to `duration` seconds at a clock-friendly step (5 s, 15 s, 1 min, 5 min…), at most
 * `count` steps.
 * @param {number} duration
 * @param {number} [count]
 * @returns {number[]}
 */
export function timeTicks(duration, count = 5) {
  if (!(duration > 0)) return [0];
  const step = TIME_STEPS.find((s) => duration / s <= count) ?? Math.ceil(duration / count / 3600) * 3600;
  const ticks = [];
  for (let t = 0; t <= duration + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/**
 * Bar geometry of weeks (oldest first): one slot per week, heights in proportion to `most` seconds (the busiest
 * week unless told, e.g. the top of the axis).
 * @param {Week[]} weeks
 * @param {{width: number, height: number}} size
 * @param {number} [most]
 * @returns {{x: number, y: number, width: number, height: number, week: Week}[]}
 */
export function weeklyBars(weeks, size, most = Math.max(0, ...weeks.map((w) => w.seconds))) {
  const slot = weeks.length ? size.width / weeks.length : 0;
  return weeks.map((week, i) => {
    const height = most > 0 ? (Math.min(week.seconds, most) / most) * size.height : 0;
    return { x: i * slot + slot * 0.1, y: size.height - height, width: slot * 0.8, height, week };
  });
}

/**
 * "Week of Nov 16, 2026: 1 h 05 min, 3 active days, 2 lectures completed".
 * @param {Week} week
 * @param {string | string[]} [locale]
 */
export function weekTitle(week, locale) {
  return `Week of ${formatDay(week.weekStart, locale)}: ${formatMinutes(week.seconds)}, ` +
    `${count(week.activeDays, 'active day')}, ${count(week.lecturesCompleted, 'lecture')} completed`;
}

/**
 * Everything the weekly chart draws: the plot box, the minute ticks of the y axis, a bar per week with its value,
 * and the week labels (every week, or every n-th counting back from the latest when slots are narrow).
 * @param {Week[]} weeks oldest first
 * @param {{width: number, height: number}} size
 * @param {string | string[]} [locale]
 */
export function weeklyLayout(weeks, size, locale) {
  const plot = { x: 40, y: 20, width: size.width - 48, height: size.height - 48 };
  const most = Math.max(0, ...weeks.map((w) => minutesOf(w.seconds)));
  const ticks = most > 0 ? niceTicks(most, 4, { integer: true }) : [0, 30, 60];
  const top = ticks.at(-1) ?? 1;
  const slot = weeks.length ? plot.width / weeks.length : 0;
  const stride = slot > 0 ? Math.max(1, Math.ceil(44 / slot)) : 1;
  const bars = weeklyBars(weeks, plot, top * 60).map((bar, i) => ({
    ...bar,
    x: round(plot.x + bar.x),
    y: round(plot.y + bar.y),
    width: round(bar.width),
    height: round(bar.height),
    minutes: minutesOf(bar.week.seconds),
    title: weekTitle(bar.week, locale),
    label: (weeks.length - 1 - i) % stride === 0 ? formatDay(bar.week.weekStart, locale, { month: 'short', day: 'numeric' }) : null,
  }));
  return {
    plot,
    ticks: ticks.map((value) => ({ value, y: round(plot.y + plot.height - (value / top) * plot.height) })),
    bars,
    empty: weeks.every((w) => !(w.seconds > 0)),
  };
}

/**
 * The points of a retention curve: share of starters (0–1) at each percent of the lecture, left to right.
 * @param {number[]} retention
 * @param {{width: number, height: number}} size
 * @returns {string} an SVG polyline's points
 */
export function retentionPoints(retention, size) {
  const step = retention.length > 1 ? size.width / (retention.length - 1) : 0;
  return retention.map((share, i) => `${round(i * step)},${round(size.height - clamp01(share) * size.height)}`).join(' ');
}

/**
 * Everything the retention chart draws. The x axis is time into the lecture (m:ss) up to the longest lecture drawn;
 * each curve spans its own lecture's length. The y axis is the percent of the lecture's starters still watching.
 * Lectures nobody started are in the legend but have no curve.
 * @param {RetentionSeries[]} lectures
 * @param {{width: number, height: number}} size
 * @param {string | string[]} [locale]
 */
export function retentionLayout(lectures, size, locale) {
  const plot = { x: 44, y: 22, width: size.width - 60, height: size.height - 62 };
  const drawn = lectures.filter((l) => l.started > 0 && l.retention.length > 0 && l.durationSeconds > 0);
  const longest = Math.max(0, ...drawn.map((l) => l.durationSeconds));
  const x = (/** @type {number} */ t) => round(plot.x + (longest > 0 ? t / longest : 0) * plot.width);
  const y = (/** @type {number} */ share) => round(plot.y + (1 - clamp01(share)) * plot.height);
  const series = lectures.map((lecture, index) => {
    const title = lecture.title ?? lecture.lectureId;
    const color = PALETTE[index % PALETTE.length];
    if (!drawn.includes(lecture)) return { lecture, title, color, points: '', marks: [] };
    const n = lecture.retention.length;
    const at = (/** @type {number} */ i) => (n > 1 ? i / (n - 1) : 0) * lecture.durationSeconds;
    const points = lecture.retention.map((share, i) => `${x(at(i))},${y(share)}`).join(' ');
    // A mark every tenth of the lecture, for the pointer, the keyboard and screen readers.
    const indices = [...new Set(Array.from({ length: 11 }, (_, k) => Math.round((k * (n - 1)) / 10)))];
    const marks = indices.map((i) => ({
      index: i,
      seconds: round(at(i)),
      share: lecture.retention[i],
      cx: x(at(i)),
      cy: y(lecture.retention[i]),
      label: `${title} at ${formatClock(at(i))}: ${formatPercent(clamp01(lecture.retention[i]), locale)} of starters still watching`,
    }));
    return { lecture, title, color, points, marks };
  });
  return {
    plot,
    longest,
    xTicks: timeTicks(longest, 6).map((t) => ({ value: t, label: formatClock(t), x: x(t) })),
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((share) => ({ value: share, label: formatPercent(share, locale), y: y(share) })),
    series,
    empty: drawn.length === 0,
  };
}

/**
 * The funnel's steps with their share of the starters (0 when nobody started).
 * @param {Funnel} funnel
 * @param {string | string[]} [locale]
 */
export function funnelRows(funnel, locale) {
  const steps = /** @type {const} */ ([['started', 'Started'], ['quarter', 'Watched 25 %'], ['half', 'Watched 50 %'],
    ['threeQuarters', 'Watched 75 %'], ['completed', 'Completed']]);
  return steps.map(([key, label]) => {
    const value = funnel[key] ?? 0;
    const share = funnel.started > 0 ? value / funnel.started : 0;
    return { key, label, count: value, share, percent: formatPercent(share, locale), text: `${label}: ${value} (${formatPercent(share, locale)} of starters)` };
  });
}

/**
 * The skill chart's rows: mastery as a share of the axis, whether the threshold is reached, and the words for it.
 * @param {SkillMastery[]} skills
 * @param {string | string[]} [locale]
 * @param {number} [threshold]
 */
export function skillRows(skills, locale, threshold = MASTERED_AT) {
  return skills.map((skill) => {
    const mastery = clamp01(skill.mastery);
    const state = skill.mastered ? 'mastered' : `not yet mastered (mastered from ${formatPercent(threshold, locale)})`;
    const last = skill.lastAssessed ? `, last assessed ${formatDay(skill.lastAssessed.slice(0, 10), locale)}` : '';
    return {
      skill,
      mastery,
      percent: formatPercent(mastery, locale),
      label: skill.name.length > 20 ? `${skill.name.slice(0, 19)}…` : skill.name,
      text: `${skill.name}: mastery ${formatPercent(mastery, locale)}, ${state}, ${count(skill.observations, 'answer')}${last}`,
    };
  });
}

/**
 * Draws weekly learning time: a y axis in minutes with gridlines, a bar per week with its minutes above it, week
 * labels below. An empty state says so instead of a chart of nothing.
 * @param {HTMLElement} el the chart replaces its content
 * @param {Week[]} weeks oldest first, as `/stats/weekly` answers
 * @param {ChartOptions} [options]
 */
export function renderWeeklyChart(el, weeks, options = {}) {
  const doc = el.ownerDocument;
  if (weeks.length === 0) return showEmpty(el, 'No weeks to show yet.');
  const size = { width: 480, height: 220 };
  const layout = weeklyLayout(weeks, size, options.locale);
  const svg = chartSvg(doc, size, 'Minutes of learning per week, oldest first. Arrow keys move between weeks.');
  svg.classList.add('lp-weekly');
  svg.append(node(doc, 'text', { x: layout.plot.x - 6, y: 10, 'text-anchor': 'end', class: 'lp-axis-title' }, 'min'));
  for (const tick of layout.ticks) {
    svg.append(node(doc, 'line', { x1: layout.plot.x, x2: layout.plot.x + layout.plot.width, y1: tick.y, y2: tick.y, stroke: GRID, class: 'lp-grid' }),
      node(doc, 'text', { x: layout.plot.x - 6, y: tick.y + 4, 'text-anchor': 'end', class: 'lp-tick', 'data-axis': 'y' }, String(tick.value)));
  }
  const marks = [];
  for (const bar of layout.bars) {
    const center = round(bar.x + bar.width / 2);
    // A zero week keeps a sliver so it can be pointed at and focused.
    const rect = node(doc, 'rect', { x: bar.x, y: Math.min(bar.y, layout.plot.y + layout.plot.height - 1), width: bar.width,
      height: Math.max(1, bar.height), rx: 2, fill: '#40c463', 'data-week': bar.week.weekStart, 'data-seconds': bar.week.seconds });
    markable(rect, bar.title);
    marks.push(rect);
    svg.append(rect);
    if (bar.minutes > 0) svg.append(node(doc, 'text', { x: center, y: bar.y - 4, 'text-anchor': 'middle', class: 'lp-value', 'aria-hidden': 'true' }, String(bar.minutes)));
    if (bar.label) svg.append(node(doc, 'text', { x: center, y: layout.plot.y + layout.plot.height + 16, 'text-anchor': 'middle', class: 'lp-tick', 'data-label-week': bar.week.weekStart }, bar.label));
  }
  svg.append(node(doc, 'line', { x1: layout.plot.x, x2: layout.plot.x + layout.plot.width, y1: layout.plot.y + layout.plot.height,
    y2: layout.plot.y + layout.plot.height, stroke: TEXT, class: 'lp-axis' }));
  rovingFocus(marks, { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1 }, marks.length - 1);
  /** @type {Element[]} */
  const parts = [svg];
  if (layout.empty) parts.push(emptyNote(doc, 'No learning time in these weeks yet.'));
  el.replaceChildren(...parts);
  attachTooltip(el);
  return svg;
}

/**
 * Draws the audience retention of a course's lectures, one curve per lecture, with a legend per lecture: x axis
 * time into the lecture (m:ss), y axis percent of the lecture's starters still watching.
 * @param {HTMLElement} el the chart replaces its content
 * @param {RetentionSeries[]} lectures as the course analytics answer them, with `title` for the legend
 * @param {ChartOptions} [options]
 */
export function renderRetentionChart(el, lectures, options = {}) {
  const doc = el.ownerDocument;
  const size = { width: 480, height: 260 };
  const layout = retentionLayout(lectures, size, options.locale);
  if (layout.empty) return showEmpty(el, lectures.length ? 'No one has started a lecture of this course yet.' : 'This course has no lectures yet.');
  const { plot } = layout;
  const svg = chartSvg(doc, size, 'Audience retention: percent of starters still watching, by time into the lecture. Arrow keys move along a curve, up and down between lectures.');
  svg.classList.add('lp-retention');
  svg.append(node(doc, 'text', { x: 4, y: 12, class: 'lp-axis-title' }, '% of starters'));
  for (const tick of layout.yTicks) {
    svg.append(node(doc, 'line', { x1: plot.x, x2: plot.x + plot.width, y1: tick.y, y2: tick.y, stroke: GRID, class: 'lp-grid' }),
      node(doc, 'text', { x: plot.x - 6, y: tick.y + 4, 'text-anchor': 'end', class: 'lp-tick', 'data-axis': 'y' }, tick.label));
  }
  const bottom = plot.y + plot.height;
  for (const tick of layout.xTicks) {
    svg.append(node(doc, 'line', { x1: tick.x, x2: tick.x, y1: bottom, y2: bottom + 4, stroke: TEXT }),
      node(doc, 'text', { x: tick.x, y: bottom + 16, 'text-anchor': 'middle', class: 'lp-tick', 'data-axis': 'x', 'data-seconds': tick.value }, tick.label));
  }
  svg.append(node(doc, 'line', { x1: plot.x, x2: plot.x + plot.width, y1: bottom, y2: bottom, stroke: TEXT, class: 'lp-axis' }),
    node(doc, 'line', { x1: plot.x, x2: plot.x, y1: plot.y, y2: bottom, stroke: TEXT, class: 'lp-axis' }),
    node(doc, 'text', { x: plot.x + plot.width / 2, y: size.height - 6, 'text-anchor': 'middle', class: 'lp-axis-title' }, 'Time into the lecture (m:ss)'));
  const plotBox = node(doc, 'g', { class: 'lp-plot', 'data-x': plot.x, 'data-y': plot.y, 'data-width': plot.width, 'data-height': plot.height, 'data-longest': layout.longest });
  svg.append(plotBox);
  /** @type {Element[][]} */
  const rows = [];
  for (const series of layout.series) {
    if (!series.points) continue;
    const group = node(doc, 'g', { 'data-lecture': series.lecture.lectureId });
    const curve = node(doc, 'polyline', { points: series.points, fill: 'none', stroke: series.color, 'stroke-width': 2,
      'stroke-linejoin': 'round', 'data-lecture': series.lecture.lectureId, 'data-duration': series.lecture.durationSeconds });
    curve.append(node(doc, 'title', {}, `${series.title}: ${series.lecture.started} started, ${series.lecture.completed} completed`));
    group.append(curve);
    const row = series.marks.map((mark) => {
      const dot = node(doc, 'circle', { cx: mark.cx, cy: mark.cy, r: 3.5, fill: '#fff', stroke: series.color, 'stroke-width': 2,
        'data-percent': mark.index, 'data-seconds': mark.seconds, 'data-share': mark.share });
      markable(dot, mark.label);
      group.append(dot);
      return dot;
    });
    rows.push(row);
    plotBox.append(group);
  }
  rovingGrid(rows);
  const legend = doc.createElement('ul');
  legend.className = 'lp-legend';
  for (const series of layout.series) {
    const item = doc.createElement('li');
    item.setAttribute('data-lecture', series.lecture.lectureId);
    const words = series.points
      ? `${series.title} — ${series.lecture.started} started, ${series.lecture.completed} completed`
      : `${series.title} — nobody started it yet`;
    item.append(swatch(doc, series.points ? series.color : GRID, 'line'), doc.createTextNode(words));
    legend.append(item);
  }
  el.replaceChildren(svg, legend);
  attachTooltip(el);
  return svg;
}

/**
 * Draws one lecture's audience retention (a chart of one series).
 * @param {HTMLElement} el
 * @param {RetentionSeries} lecture
 * @param {ChartOptions} [options]
 */
export function renderRetention(el, lecture, options = {}) {
  return renderRetentionChart(el, [lecture], options);
}

/**
 * Draws the course funnel as horizontal bars: how many learners started, reached 25, 50 and 75 % and completed,
 * each with its count and its percent of the starters.
 * @param {HTMLElement} el
 * @param {Funnel} funnel
 * @param {ChartOptions} [options]
 */
export function renderFunnel(el, funnel, options = {}) {
  const doc = el.ownerDocument;
  const rows = funnelRows(funnel, options.locale);
  const rowHeight = 30;
  const size = { width: 480, height: rows.length * rowHeight + 8 };
  const plot = { x: 100, width: 290 };
  const svg = chartSvg(doc, size, 'Course funnel: learners at each step, with their percent of the starters. Arrow keys move between steps.');
  svg.classList.add('lp-funnel');
  const marks = rows.map((row, i) => {
    const y = 4 + i * rowHeight;
    const group = node(doc, 'g', { 'data-step': row.key, 'data-count': row.count, 'data-share': round(row.share) });
    const width = round(row.share * plot.width);
    const bar = node(doc, 'rect', { x: plot.x, y: y + 4, width: Math.max(1, width), height: rowHeight - 10, rx: 2, fill: i === rows.length - 1 ? '#1a7f37' : '#0969da' });
    markable(bar, row.text);
    group.append(
      node(doc, 'text', { x: plot.x - 8, y: y + rowHeight / 2 + 4, 'text-anchor': 'end', class: 'lp-tick' }, row.label),
      node(doc, 'rect', { x: plot.x, y: y + 4, width: plot.width, height: rowHeight - 10, rx: 2, fill: '#eaeef2' }),
      bar,
      node(doc, 'text', { x: plot.x + plot.width + 8, y: y + rowHeight / 2 + 4, class: 'lp-value', 'aria-hidden': 'true' }, `${row.count} · ${row.percent}`));
    svg.append(group);
    return bar;
  });
  rovingFocus(marks, { ArrowDown: 1, ArrowUp: -1, ArrowRight: 1, ArrowLeft: -1 }, 0);
  /** @type {Element[]} */
  const parts = [svg];
  if (!(funnel.started > 0)) parts.push(emptyNote(doc, 'No one has started this course yet.'));
  el.replaceChildren(...parts);
  attachTooltip(el);
  return svg;
}

/**
 * Draws mastery per skill as horizontal bars on a 0–100 % axis, with the mastered threshold marked and a legend.
 * @param {HTMLElement} el
 * @param {SkillMastery[]} skills as `GET /me/skills` answers
 * @param {ChartOptions & {threshold?: number}} [options]
 */
export function renderSkillChart(el, skills, options = {}) {
  const doc = el.ownerDocument;
  const threshold = options.threshold ?? MASTERED_AT;
  if (skills.length === 0) return showEmpty(el, 'No skills assessed yet: take a quiz to see your mastery of each skill.');
  const rows = skillRows(skills, options.locale, threshold);
  const rowHeight = 28;
  const plot = { x: 160, y: 22, width: 260, height: rows.length * rowHeight };
  const size = { width: 480, height: plot.y + plot.height + 24 };
  const x = (/** @type {number} */ share) => round(plot.x + share * plot.width);
  const svg = chartSvg(doc, size, 'Mastery per skill, from 0 to 100 %. Arrow keys move between skills.');
  svg.classList.add('lp-skills');
  const bottom = plot.y + plot.height;
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(node(doc, 'line', { x1: x(share), x2: x(share), y1: plot.y, y2: bottom, stroke: GRID, class: 'lp-grid' }),
      node(doc, 'text', { x: x(share), y: bottom + 16, 'text-anchor': 'middle', class: 'lp-tick', 'data-axis': 'x' }, formatPercent(share, options.locale)));
  }
  const marks = rows.map((row, i) => {
    const y = plot.y + i * rowHeight;
    const group = node(doc, 'g', { 'data-skill': row.skill.skillId, 'data-mastery': row.skill.mastery, 'data-mastered': String(row.skill.mastered) });
    const bar = node(doc, 'rect', { x: plot.x, y: y + 5, width: Math.max(1, round(row.mastery * plot.width)), height: rowHeight - 10, rx: 2,
      fill: row.skill.mastered ? '#1a7f37' : '#0969da' });
    markable(bar, row.text);
    group.append(
      node(doc, 'text', { x: plot.x - 8, y: y + rowHeight / 2 + 4, 'text-anchor': 'end', class: 'lp-tick lp-skill-name' }, row.label),
      bar,
      node(doc, 'text', { x: plot.x + plot.width + 8, y: y + rowHeight / 2 + 4, class: 'lp-value', 'aria-hidden': 'true' }, row.percent));
    svg.append(group);
    return bar;
  });
  svg.append(
    node(doc, 'line', { x1: x(threshold), x2: x(threshold), y1: plot.y - 6, y2: bottom, stroke: '#cf222e', 'stroke-width': 1.5,
      'stroke-dasharray': '4 3', class: 'lp-threshold', 'data-threshold': threshold }),
    node(doc, 'text', { x: x(threshold), y: plot.y - 10, 'text-anchor': 'end', class: 'lp-tick lp-threshold-label' }, `Mastered from ${formatPercent(threshold, options.locale)}`),
    node(doc, 'line', { x1: plot.x, x2: plot.x, y1: plot.y, y2: bottom, stroke: TEXT, class: 'lp-axis' }));
  rovingFocus(marks, { ArrowDown: 1, ArrowUp: -1, ArrowRight: 1, ArrowLeft: -1 }, 0);
  const legend = doc.createElement('ul');
  legend.className = 'lp-legend';
  for (const [color, shape, words] of /** @type {const} */ ([['#1a7f37', 'box', 'Mastered'], ['#0969da', 'box', 'Learning'],
    ['#cf222e', 'dash', `Mastery threshold (${formatPercent(threshold, options.locale)})`]])) {
    const item = doc.createElement('li');
    item.append(swatch(doc, color, shape), doc.createTextNode(words));
    legend.append(item);
  }
  el.replaceChildren(svg, legend);
  attachTooltip(el);
  return svg;
}

/**
 * An SVG element with attributes (numbers written as they are) and an optional text.
 * @param {Document} doc
 * @param {string} name
 * @param {Record<string, string | number>} [attributes]
 * @param {string} [text]
 * @returns {SVGElement}
 */
export function node(doc, name, attributes = {}, text) {
  const el = /** @type {SVGElement} */ (doc.createElementNS(SVG, name));
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A chart's root: scaled by its viewBox, a group named for screen readers (its marks carry the values).
 * @param {Document} doc
 * @param {{width: number, height: number}} size
 * @param {string} label
 */
export function chartSvg(doc, size, label) {
  const svg = /** @type {SVGSVGElement} */ (node(doc, 'svg', { viewBox: `0 0 ${size.width} ${size.height}`, role: 'group',
    'aria-label': label, 'font-size': FONT, class: 'lp-chart' }));
  svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
  return svg;
}

/**
 * Makes a mark readable: a <title> for the pointer, an aria-label for screen readers, the text for the tooltip.
 * @param {Element} mark
 * @param {string} text
 */
export function markable(mark, text) {
  mark.setAttribute('role', 'img');
  mark.setAttribute('aria-label', text);
  mark.setAttribute('data-tip', text);
  mark.setAttribute('tabindex', '-1');
  mark.setAttribute('class', `${mark.getAttribute('class') ?? ''} lp-mark`.trim());
  mark.append(node(mark.ownerDocument, 'title', {}, text));
}

/**
 * One tab stop for a list of marks: the arrow keys (offsets per key) move focus, Home and End jump to the ends.
 * @param {Element[]} marks
 * @param {Record<string, number>} keys
 * @param {number} start the mark that takes the tab stop
 */
export function rovingFocus(marks, keys, start) {
  if (marks.length === 0) return;
  marks[Math.min(Math.max(0, start), marks.length - 1)].setAttribute('tabindex', '0');
  marks.forEach((mark, i) => mark.addEventListener('keydown', (event) => {
    const key = /** @type {KeyboardEvent} */ (event).key;
    const target = key === 'Home' ? 0 : key === 'End' ? marks.length - 1 : key in keys ? i + keys[key] : null;
    if (target === null) return;
    event.preventDefault();
    moveFocus(mark, marks[Math.min(Math.max(0, target), marks.length - 1)]);
  }));
}

/**
 * One tab stop for rows of marks (curves): left and right along a row, up and down to the same place on another.
 * @param {Element[][]} rows
 */
function rovingGrid(rows) {
  const filled = rows.filter((r) => r.length > 0);
  if (filled.length === 0) return;
  filled[0][0].setAttribute('tabindex', '0');
  filled.forEach((row, r) => row.forEach((mark, i) => mark.addEventListener('keydown', (event) => {
    const key = /** @type {KeyboardEvent} */ (event).key;
    /** @type {[number, number] | null} */
    const to = key === 'ArrowRight' ? [r, i + 1] : key === 'ArrowLeft' ? [r, i - 1] : key === 'ArrowUp' ? [r - 1, i]
      : key === 'ArrowDown' ? [r + 1, i] : key === 'Home' ? [r, 0] : key === 'End' ? [r, row.length - 1] : null;
    if (!to) return;
    event.preventDefault();
    const targetRow = filled[Math.min(Math.max(0, to[0]), filled.length - 1)];
    moveFocus(mark, targetRow[Math.min(Math.max(0, to[1]), targetRow.length - 1)]);
  })));
}

/** @param {Element} from @param {Element} to */
function moveFocus(from, to) {
  if (from === to) return;
  from.setAttribute('tabindex', '-1');
  to.setAttribute('tabindex', '0');
  /** @type {HTMLElement} */ (/** @type {unknown} */ (to)).focus();
}

/**
 * Shows the focused mark's text in a tooltip inside `host` (positioned through the CSSOM, which a strict
 * style-src allows); Escape hides it.
 * @param {HTMLElement} host
 */
export function attachTooltip(host) {
  const doc = host.ownerDocument;
  const view = doc.defaultView;
  if (view && view.getComputedStyle(host).position === 'static') host.style.position = 'relative';
  const tip = doc.createElement('div');
  tip.className = 'lp-tooltip';
  tip.setAttribute('role', 'tooltip');
  tip.setAttribute('aria-hidden', 'true');
  tip.hidden = true;
  Object.assign(tip.style, { position: 'absolute', pointerEvents: 'none', zIndex: '1', left: '0', top: '0', maxWidth: '18rem' });
  host.append(tip);
  host.addEventListener('focusin', (event) => {
    const mark = /** @type {Element} */ (event.target).closest?.('[data-tip]');
    if (!mark) return;
    tip.textContent = mark.getAttribute('data-tip');
    // Measured at the left edge (where it may take the host's whole width), then centred over the mark inside the host.
    tip.style.left = '0';
    tip.hidden = false;
    const box = host.getBoundingClientRect();
    const at = mark.getBoundingClientRect();
    const left = Math.min(Math.max(0, at.left + at.width / 2 - box.left - tip.offsetWidth / 2), Math.max(0, host.clientWidth - tip.offsetWidth));
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(0, at.top - box.top - tip.offsetHeight - 6)}px`;
  });
  view?.addEventListener('resize', () => { tip.hidden = true; });
  host.addEventListener('focusout', () => { tip.hidden = true; });
  host.addEventListener('keydown', (event) => { if (/** @type {KeyboardEvent} */ (event).key === 'Escape') tip.hidden = true; });
}

/**
 * A small legend key: a box, a line or a dashed line in `color`.
 * @param {Document} doc
 * @param {string} color
 * @param {'box' | 'line' | 'dash'} shape
 */
export function swatch(doc, color, shape) {
  const svg = node(doc, 'svg', { viewBox: '0 0 16 10', width: 16, height: 10, class: 'lp-swatch', 'aria-hidden': 'true' });
  svg.append(shape === 'box'
    ? node(doc, 'rect', { x: 1, y: 0, width: 10, height: 10, rx: 2, fill: color })
    : node(doc, 'line', { x1: 0, x2: 16, y1: 5, y2: 5, stroke: color, 'stroke-width': 2.5, ...(shape === 'dash' ? { 'stroke-dasharray': '4 3' } : {}) }));
  return svg;
}

/** @param {Document} doc @param {string} text */
export function emptyNote(doc, text) {
  const p = doc.createElement('p');
  p.className = 'lp-empty';
  p.textContent = text;
  return p;
}

/** @param {HTMLElement} el @param {string} text */
function showEmpty(el, text) {
  el.replaceChildren(emptyNote(el.ownerDocument, text));
  return null;
}

/** "1 active day", "3 active days". @param {number} n @param {string} word */
export function count(n, word) {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

/** @param {number} x */
const round = (x) => Math.round(x * 100) / 100;
/** @param {number} share */
const clamp01 = (share) => Math.min(1, Math.max(0, share));
