// @learnprogress/player: the browser SDK of LearnProgress. Standard ES modules, no dependencies.
export { createTracker } from './tracker.js';
export { createClient } from './client.js';
export { createMediaAdapter } from './media.js';
export { renderHeatmap, dayTitle, heatmapLayout } from './heatmap.js';
export {
  renderWeeklyChart, renderRetention, renderRetentionChart, renderFunnel, renderSkillChart, weeklyBars, weekTitle, weeklyLayout,
  retentionPoints, retentionLayout, funnelRows, skillRows, niceTicks, timeTicks, MASTERED_AT,
} from './charts.js';
export { formatClock, formatDay, formatDateTime, formatMinutes, formatPercent, parseInstant } from './format.js';
export { renderSyncIndicator, describeSync } from './indicator.js';
export { ProblemError } from './http.js';
export { openStore, memoryStore, webStorageStore } from './store.js';
export { retryAfterMs } from './sync.js';
