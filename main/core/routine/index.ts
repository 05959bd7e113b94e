export { RoutineScheduler } from './routine-scheduler.js';
export type {
  RoutineSchedulerOptions,
  RoutineRunOptions,
  SessionRecord,
} from './routine-scheduler.js';
export { SessionLedger, summarizeSession } from './session-ledger.js';
export type {
  SessionLedgerOptions,
  LedgerNotice,
  LedgerListOptions,
  LedgerPage,
} from './session-ledger.js';
export type { LedgerSession, RunCounts } from './session-ledger-lines.js';
