// The weekly goal ring and the learner's weekly board on the dashboard. Everything is built with DOM calls and SVG
// presentation attributes, so the page's strict CSP (no inline scripts or styles) holds.
import { element } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const RADIUS = 52;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * @typedef {{goalMinutes: number, goalLectures: number, minutes: number, lectures: number, met: boolean,
 *   minutesLeft: number, lecturesLeft: number, daysLeft: number | null}} WeekGoal
 * @typedef {{rank: number, displayName: string, minutes: number}} BoardEntry
 * @typedef {{week: string, courseId: string | null, entries: BoardEntry[], me: {rank: number | null, minutes: number} | null}} WeeklyBoard
 */

/**
 * How full the ring is, 0 to 1: the mean of the shares of the targets that are set, each capped at 1; a met goal is full.
 * @param {WeekGoal} goal
 */
export function ringShare(goal) {
  if (goal.met) return 1;
  const shares = [];
  if (goal.goalMinutes > 0) shares.push(Math.min(1, goal.minutes / goal.goalMinutes));
  if (goal.goalLectures > 0) shares.push(Math.min(1, goal.lectures / goal.goalLectures));
  return shares.length === 0 ? 0 : shares.reduce((a, b) => a + b, 0) / shares.length;
}

/**
 * The sentence the ring stands for, for screen readers and the caption alike.
 * @param {WeekGoal} goal
 */
export function goalText(goal) {
  const parts = [];
  if (goal.goalMinutes > 0) parts.push(`${goal.minutes} of ${goal.goalMinutes} minutes`);
  if (goal.goalLectures > 0) parts.push(`${goal.lectures} of ${goal.goalLectures} lectures`);
  const status = goal.met ? 'goal met' : goal.daysLeft === null ? 'not met' : `${goal.daysLeft} ${goal.daysLeft === 1 ? 'day' : 'days'} left`;
  return `This week: ${parts.join(', ')}; ${status}.`;
}

/** @param {string} name @param {Record<string, string>} attributes */
function svg(name, attributes) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  return el;
}

/** @param {HTMLElement} container @param {WeekGoal | null} goal */
export function renderGoalRing(container, goal) {
  container.replaceChildren();
  if (!goal) {
    container.append(element('p', 'No weekly goal set.', { id: 'goal-summary', 'data-goal': 'none' }));
    return;
  }
  const share = ringShare(goal);
  const text = goalText(goal);
  const ring = svg('svg', { viewBox: '0 0 120 120', width: '120', height: '120', role: 'img', 'aria-label': text, id: 'goal-ring',
    'data-share': share.toFixed(3), 'data-met': String(goal.met) });
  const title = svg('title', {});
  title.textContent = text;
  ring.append(title,
    svg('circle', { cx: '60', cy: '60', r: String(RADIUS), fill: 'none', stroke: '#e5e7eb', 'stroke-width': '12' }),
    svg('circle', { cx: '60', cy: '60', r: String(RADIUS), fill: 'none', stroke: goal.met ? '#16a34a' : '#2563eb', 'stroke-width': '12',
      'stroke-linecap': 'round', 'stroke-dasharray': `${(share * CIRCUMFERENCE).toFixed(2)} ${CIRCUMFERENCE.toFixed(2)}`,
      transform: 'rotate(-90 60 60)', class: 'goal-progress' }));
  const label = svg('text', { x: '60', y: '66', 'text-anchor': 'middle', 'font-size': '20', 'aria-hidden': 'true' });
  label.textContent = `${Math.round(share * 100)} %`;
  ring.append(label);
  container.append(ring, element('p', text, {
    id: 'goal-summary', 'data-minutes': String(goal.minutes), 'data-lectures': String(goal.lectures),
    'data-minutes-left': String(goal.minutesLeft), 'data-lectures-left': String(goal.lecturesLeft), 'data-days-left': String(goal.daysLeft ?? ''),
  }));
}

/** @param {HTMLElement} container @param {WeeklyBoard} board */
export function renderBoard(container, board) {
  container.replaceChildren();
  if (!board.me) {
    container.append(element('p', 'You are not on the weekly leaderboard. Join it in your settings to see it here.', { id: 'board-me', 'data-joined': 'false' }));
    return;
  }
  const list = element('ol', undefined, { id: 'board-entries', 'aria-label': `Leaderboard, week of ${board.week}` });
  for (const entry of board.entries)
    list.append(element('li', `${entry.displayName}: ${entry.minutes} min`, { 'data-rank': String(entry.rank), 'data-minutes': String(entry.minutes) }));
  const me = board.me.rank === null ? 'You have no minutes on the board this week yet.' : `Your rank: ${board.me.rank} with ${board.me.minutes} min.`;
  container.append(list, element('p', me, { id: 'board-me', 'data-joined': 'true', 'data-rank': String(board.me.rank ?? ''), 'data-minutes': String(board.me.minutes) }));
}

/**
 * Fills #goals and #board from /stats/weekly and /leaderboards/weekly.
 * @param {{weekly: (weeks?: number) => Promise<any>, weeklyBoard: (courseId?: string) => Promise<any>}} client
 */
export async function renderGoals(client) {
  const goals = document.getElementById('goals');
  const board = document.getElementById('board');
  if (!goals || !board) return;
  const [weeks, standing] = await Promise.all([client.weekly(1), client.weeklyBoard()]);
  renderGoalRing(goals, /** @type {WeekGoal | null} */ (weeks.at(-1)?.goal ?? null));
  renderBoard(board, standing);
  goals.setAttribute('data-loaded', 'true');
}
