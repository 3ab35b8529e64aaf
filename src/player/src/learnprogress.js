// @learnprogress/player: the browser SDK of LearnProgress. Standard ES modules, no dependencies.
export { createTracker } from './tracker.js';
export { createClient } from './client.js';
export { createMediaAdapter } from './media.js';
export { renderHeatmap, heatmapLevels, dayTitle } from './heatmap.js';
export { renderSyncIndicator, describeSync } from './indicator.js';
export { ProblemError } from './http.js';
export { openStore, memoryStore, webStorageStore } from './store.js';
export { retryAfterMs } from './sync.js';
