/** @typedef {{weekStart: string, seconds: number, activeDays: number, lecturesCompleted: number}} Week */
/** @typedef {{lectureId: string, durationSeconds: number, started: number, completed: number, meanCoverage: number, retention: number[]}} LectureAnalytics */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Bar geometry of weeks (oldest first): one bar per week, heights in proportion to the busiest week.
 * @param {Week[]} weeks
 * @param {{width: number, height: number}} size
 * @returns {{x: number, y: number, width: number, height: number, week: Week}[]}
 */
export function weeklyBars(weeks, size) {
  const most = Math.max(0, ...weeks.map((w) => w.seconds));
  const slot = weeks.length ? size.width / weeks.length : 0;
  return weeks.map((week, i) => {
    const height = most > 0 ? (week.seconds / most) * size.height : 0;
    return { x: i * slot + slot * 0.1, y: size.height - height, width: slot * 0.8, height, week };
  });
}

/**
 * "Week of 2026-11-16: 1 h 05 min, 3 active days, 2 lectures completed".
 * @param {Week} week
 */
export function weekTitle(week) {
  const minutes = Math.round(week.seconds / 60);
  const time = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
  return `Week of ${week.weekStart}: ${time}, ${week.activeDays} active days, ${week.lecturesCompleted} lectures completed`;
}

/**
 * The points of a retention curve: share of starters (0–1) at each percent of the lecture, left to right.
 * @param {number[]} retention
 * @param {{width: number, height: number}} size
 * @returns {string} an SVG polyline's points
 */
export function retentionPoints(retention, size) {
  const step = retention.length > 1 ? size.width / (retention.length - 1) : 0;
  return retention.map((share, i) => `${round(i * step)},${round(size.height - Math.min(1, Math.max(0, share)) * size.height)}`).join(' ');
}

/** @param {number} x */
const round = (x) => Math.round(x * 100) / 100;

/**
 * Draws weekly learning time as SVG bars, with a title per bar.
 * @param {Element} el the SVG replaces its content
 * @param {Week[]} weeks oldest first, as `/stats/weekly` answers
 */
export function renderWeeklyChart(el, weeks) {
  const size = { width: Math.max(120, weeks.length * 24), height: 80 };
  const svg = svgElement(el.ownerDocument, size, 'Weekly learning time');
  svg.classList.add('lp-weekly');
  for (const bar of weeklyBars(weeks, size)) {
    const rect = el.ownerDocument.createElementNS(SVG, 'rect');
    for (const [name, value] of Object.entries({ x: bar.x, y: bar.y, width: bar.width, height: bar.height })) rect.setAttribute(name, String(round(value)));
    rect.setAttribute('fill', '#40c463');
    rect.setAttribute('data-week', bar.week.weekStart);
    rect.setAttribute('data-seconds', String(bar.week.seconds));
    const title = el.ownerDocument.createElementNS(SVG, 'title');
    title.textContent = weekTitle(bar.week);
    rect.appendChild(title);
    svg.appendChild(rect);
  }
  el.replaceChildren(svg);
  return svg;
}

/**
 * Draws one lecture's audience-retention curve: the share of starters who played each percent of it.
 * @param {Element} el the SVG replaces its content
 * @param {LectureAnalytics} lecture
 */
export function renderRetention(el, lecture) {
  const size = { width: 300, height: 100 };
  const svg = svgElement(el.ownerDocument, size, `Audience retention of ${lecture.lectureId}`);
  svg.classList.add('lp-retention');
  const axis = el.ownerDocument.createElementNS(SVG, 'polyline');
  axis.setAttribute('points', `0,0 0,${size.height} ${size.width},${size.height}`);
  axis.setAttribute('fill', 'none');
  axis.setAttribute('stroke', '#999');
  const curve = el.ownerDocument.createElementNS(SVG, 'polyline');
  curve.setAttribute('points', retentionPoints(lecture.retention, size));
  curve.setAttribute('fill', 'none');
  curve.setAttribute('stroke', '#216e39');
  curve.setAttribute('stroke-width', '2');
  curve.setAttribute('data-lecture', lecture.lectureId);
  const title = el.ownerDocument.createElementNS(SVG, 'title');
  title.textContent = `${lecture.lectureId}: ${lecture.started} started, ${lecture.completed} completed`;
  curve.appendChild(title);
  svg.append(axis, curve);
  el.replaceChildren(svg);
  return svg;
}

/** @param {Document} doc @param {{width: number, height: number}} size @param {string} label */
function svgElement(doc, size, label) {
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  svg.setAttribute('width', String(size.width));
  svg.setAttribute('height', String(size.height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  return svg;
}
