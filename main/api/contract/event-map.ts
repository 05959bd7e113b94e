import type { RunSummary } from '../../core/jobs/run-summary.js';
import type { SchedulerStatus } from './app-channels.js';
import type { UpdateStatus } from './settings-channels.js';

/** Events pushed from main to the renderer, with their payloads. */
export interface EventMap {
  'run:started': RunSummary;
  'run:finished': RunSummary;
  'task:changed': { taskId: string; deleted: boolean };
  'scheduler:state': SchedulerStatus;
  'history:changed': { reason: string };
  /** How far a long import or export has come. */
  'transfer:progress': {
    operationId: string | null;
    operation: 'import' | 'export';
    done: number;
    total: number;
  };
  /** Something the user should know: a file moved aside, an insecure vault, a disk error. */
  notice: { level: 'info' | 'warning' | 'error'; message: string };
  /** An alert was raised or an incident opened or closed. */
  'alerts:changed': { openIncidents: number };
  /** The updater's status changed (checking, downloading, ready, failed). */
  'updates:state': UpdateStatus;
}
