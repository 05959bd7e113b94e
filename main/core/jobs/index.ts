export { JobCache } from './job-cache.js';
export type { JobCacheOptions, JobCacheStart, JobChange } from './job-cache-options.js';
export type { RunFilter, Page } from './run-index.js';
export type { RunSummary } from './run-summary.js';
export type { DashboardStats, ProjectSummary, RunTotals } from './job-stats.js';
export type { UnreadableFile } from './folder-scanner.js';
export type { WatchStrategy } from './folder-watcher.js';
export type { RunKey } from '../store/run-record-files.js';
