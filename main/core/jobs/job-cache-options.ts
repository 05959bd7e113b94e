import type { Clock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import type { RunKey } from '../store/run-record-files.js';
import type { WatchStrategy } from './folder-watcher.js';
import type { RunSummary } from './run-summary.js';

export interface JobCacheOptions {
  /** The run-record folder, usually <dataDir>/jobs. Created if missing. */
  statusDir: string;
  /** 'polling' (default) re-stats on a timer; 'watch' also reacts to file-system events at once. */
  mode?: 'polling' | 'watch';
  /** Time between background scans, ms. In watch mode this is the safety net for missed events. Default 10,000. */
  pollIntervalMs?: number;
  /**
   * Every Nth poll re-stats every file instead of only folders that changed, to catch programs
   * that rewrite files in place (no folder mtime change). Default 6 (once a minute at 10 s).
   */
  fullScanEvery?: number;
  /** A 'running' record whose heartbeat (else start) is older than this is stale, not running. Default 90,000. */
  staleAfterMs?: number;
  /** Watch mode: how long to gather events before scanning, ms. Default 50. */
  watchDebounceMs?: number;
  /** Watch mode: how to watch. Default 'auto' (see WatchStrategy). */
  watchStrategy?: WatchStrategy;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
  /** Told about every batch of changes, e.g. to push history:changed to the UI. */
  onChange?: (change: JobChange) => void;
  /**
   * Keep the run index in this file between runs (e.g. <dataDir>/jobs/.index/runs.bin):
   * start() then loads it and lists only folders that changed, instead of reading every run
   * file, and a full check follows in the background. Default: none, start() reads everything.
   */
  indexFile?: string;
  /** With indexFile: how long after start() the background full check begins, ms. Default 1,000. */
  verifyDelayMs?: number;
  /** With indexFile: how often the file is written again when the history changed, ms. Default 300,000. */
  indexSaveMs?: number;
}

/** How start() got the history into memory. */
export interface JobCacheStart {
  /**
   * 'index': from the index file, then only folders that changed since it was written;
   * 'scan': every run file was read (no index file, or one from another version or set aside).
   */
  from: 'index' | 'scan';
  /** The index file could not be used: why, and where it was kept. */
  indexSetAside?: { reason: string; movedTo: string };
}

export interface JobChange {
  reason: 'scan' | 'delete';
  added: RunSummary[];
  updated: RunSummary[];
  removed: RunKey[];
}

export function keyOf(k: RunKey): string {
  return `${k.project}/${k.group}/${k.name}/${k.runId}.json`;
}

export function runKeyOf(key: string): RunKey {
  const [project = '', group = '', name = '', file = ''] = key.split('/');
  return { project, group, name, runId: file.replace(/\.json$/, '') };
}
