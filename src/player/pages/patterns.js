// When the learner studies (peak hours and weekdays) and what to do next, on the dashboard.
import { element, lectureUrl } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** @typedef {{hours: number[], weekdays: number[], peakHours: number[], peakDays: string[], sessions: {count: number, meanSeconds: number, medianSeconds: number}, consistency: number}} Patterns */
/** @typedef {{kind: string, reason: string, courseId: string | null, lectureId: string | null, position: number | null, estimatedDate: string | null}} NextStep */

/**
 * Bars of one series, heights in proportion to its largest value.
 * @param {number[]} values
 * @param {{width: number, height: number}} size
 * @returns {{x: number, y: number, width: number, height: number, value: number}[]}
 */
export function bars(values, size) {
  const most = Math.max(0, ...values);
  const slot = values.length ? size.width / values.length : 0;
  return values.map((value, i) => {
    const height = most > 0 ? (value / most) * size.height : 0;
    return { x: round(i * slot + slot * 0.15), y: round(size.height - height), width: round(slot * 0.7), height: round(height), value };
  });
}

/** "10:00–11:00" @param {number} hour */
export const hourLabel = (hour) => `${String(hour).padStart(2, '0')}:00–${String((hour + 1) % 24).padStart(2, '0')}:00`;

/** Minutes as read aloud: "0 min", "12 min", "1 h 05 min". @param {number} seconds */
export function minutes(seconds) {
  const total = Math.round(seconds / 60);
  return total >= 60 ? `${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')} min` : `${total} min`;
}

/** One sentence for screen readers and everyone: peaks, sessions and consistency. @param {Patterns} p */
export function summary(p) {
  if (p.peakHours.length === 0) return 'No playing in the last 90 days yet.';
  const days = p.peakDays.map((d) => d[0].toUpperCase() + d.slice(1)).join(', ');
  return `You learn most at ${p.peakHours.map(hourLabel).join(', ')} and on ${days}. ` +
    `${p.sessions.count} sessions, typically ${minutes(p.sessions.medianSeconds)}; ` +
    `active in ${Math.round(p.consistency * 100)} % of weeks.`;
}

/** @param {number} x */
const round = (x) => Math.round(x * 100) / 100;

/**
 * An SVG bar chart with a title per bar and peaks marked; an image to assistive technology, labelled by its caption.
 * @param {Document} doc
 * @param {number[]} values seconds
 * @param {string[]} labels one per value
 * @param {boolean[]} peaks one per value
 * @param {{label: string, attribute: string, keys: string[]}} options
 */
function chart(doc, values, labels, peaks, options) {
  // Scaled by its viewBox to the card's width (the pages' chart class), from a phone to a desktop.
  const size = { width: values.length <= 7 ? 336 : 384, height: 80 };
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size.width} ${size.height + 14}`);
  svg.setAttribute('class', 'lp-chart lp-patterns');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', options.label);
  const title = doc.createElementNS(SVG, 'title');
  title.textContent = options.label;
  svg.append(title);
  for (const [i, bar] of bars(values, size).entries()) {
    const rect = doc.createElementNS(SVG, 'rect');
    for (const [name, value] of Object.entries({ x: bar.x, y: bar.y, width: bar.width, height: Math.max(bar.height, 0.5) })) rect.setAttribute(name, String(value));
    rect.setAttribute('fill', peaks[i] ? '#216e39' : '#40c463');
    rect.setAttribute(`data-${options.attribute}`, options.keys[i]);
    rect.setAttribute('data-seconds', String(bar.value));
    if (peaks[i]) rect.setAttribute('data-peak', 'true');
    const tip = doc.createElementNS(SVG, 'title');
    tip.textContent = `${labels[i]}: ${minutes(bar.value)}${peaks[i] ? ' (peak)' : ''}`;
    rect.append(tip);
    svg.append(rect);
    if (values.length <= 7 || i % 6 === 0) {
      const text = doc.createElementNS(SVG, 'text');
      text.setAttribute('x', String(round(bar.x + bar.width / 2)));
      text.setAttribute('y', String(size.height + 11));
      text.setAttribute('font-size', '8');
      text.setAttribute('text-anchor', 'middle');
      text.setAttribute('aria-hidden', 'true');
      text.textContent = values.length <= 7 ? labels[i].slice(0, 3) : String(i).padStart(2, '0');
      svg.append(text);
    }
  }
  return svg;
}

/**
 * Fills the section: the hour-of-day and weekday charts of the last 90 days, their summary, and the next steps.
 * @param {HTMLElement} el
 * @param {(options?: {refresh?: boolean}) => Promise<string | null>} getToken
 * @param {string | null} learner for the lecture links
 */
export async function renderPatterns(el, getToken, learner) {
  const get = async (/** @type {string} */ path) => {
    const token = await getToken();
    const response = await fetch(`/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  const [/** @type {Patterns} */ patterns, /** @type {{items: NextStep[]}} */ next] = await Promise.all([get('/stats/patterns?days=90'), get('/me/next')]);
  const doc = el.ownerDocument;
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const hourChart = chart(doc, patterns.hours, hours.map(hourLabel), hours.map((h) => patterns.peakHours.includes(h)),
    { label: 'Time played per hour of the day, last 90 days', attribute: 'hour', keys: hours.map(String) });
  const dayNames = DAYS.map((d) => d[0].toUpperCase() + d.slice(1));
  const dayChart = chart(doc, patterns.weekdays, dayNames, DAYS.map((d) => patterns.peakDays.includes(d)),
    { label: 'Time played per weekday, last 90 days', attribute: 'weekday', keys: DAYS });
  hourChart.setAttribute('id', 'patterns-hours');
  dayChart.setAttribute('id', 'patterns-weekdays');

  const steps = element('ol', undefined, { id: 'next-steps' });
  for (const step of next.items) {
    const item = element('li', undefined, { 'data-kind': step.kind });
    if (step.courseId && step.lectureId) item.append(element('a', step.reason, { href: lectureUrl(step.courseId, step.lectureId, learner) }));
    else item.append(step.reason);
    if (step.estimatedDate) item.append(' ', element('time', `(by ${step.estimatedDate})`, { datetime: step.estimatedDate }));
    steps.append(item);
  }
  if (next.items.length === 0) steps.append(element('li', 'Pick a course to start.'));

  el.replaceChildren(
    element('p', summary(patterns), { id: 'patterns-summary' }),
    element('h3', 'By hour of the day'), hourChart,
    element('h3', 'By weekday'), dayChart,
    element('h3', 'Next steps'), steps);
  el.setAttribute('data-loaded', 'true');
}
