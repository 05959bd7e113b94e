import type { RunRecord } from '../model/run.js';

/** What the engine tells its host (the service forwards these to the UI as contract events). */
export type EngineEvent =
  | { type: 'run:started'; run: RunRecord }
  /** Every final record: succeeded, failed, timed-out, canceled, and the skipped and missed ones. */
  | { type: 'run:finished'; run: RunRecord }
  /** A task was added, changed, enabled, disabled, removed, or finished its schedule. */
  | { type: 'task:changed'; taskId: string }
  | { type: 'scheduler:state'; running: boolean };
