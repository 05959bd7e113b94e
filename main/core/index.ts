// The core's one export list: everything needed to use Crontray's engine as a library.

export { TaskScheduler, SchedulerError, SCHEDULER_DEFAULTS } from './schedule/index.js';
export type {
  TaskSchedulerOptions,
  TaskInputBase,
  CronTaskInput,
  IntervalTaskInput,
  RoutineTaskInput,
  OnceTaskInput,
  ScheduleTaskInput,
  TaskPatch,
  TaskInfo,
  RunTicket,
  InstantInput,
  SchedulerErrorCode,
  EngineEvent,
  RunSink,
  TaskState,
  TaskStateStore,
  InProcessAction,
  NextRunTimesOptions,
  DstTransition,
} from './schedule/index.js';
export {
  MemoryRunSink,
  MemoryTaskStateStore,
  nextRunTimes,
  dstTransitions,
} from './schedule/index.js';

export { RoutineScheduler, SessionLedger } from './routine/index.js';
export type {
  RoutineSchedulerOptions,
  RoutineRunOptions,
  SessionRecord,
  LedgerSession,
} from './routine/index.js';

export { CacheMemory, Cache, CacheDirectory, v8Codec, jsonCodec } from './cache/index.js';
export type {
  CacheMemoryOptions,
  CacheOptions,
  GetOptions,
  Codec,
  Saver,
  Reader,
} from './cache/index.js';

export { JobCache } from './jobs/index.js';
export type {
  JobCacheOptions,
  JobChange,
  RunFilter,
  DashboardStats,
  ProjectSummary,
} from './jobs/index.js';

export { TaskStore } from './store/task-store.js';
export { RunRecordWriter } from './store/run-records.js';
export { RetentionSweeper } from './store/retention.js';
export {
  Vault,
  AesGcmCipher,
  PlaintextCipher,
  maskAction,
  mergeActionUpdate,
} from './store/vault.js';
export type { Cipher } from './store/vault.js';

export {
  ActionDispatcher,
  ShellRunner,
  HttpRunner,
  ScriptRunner,
  Redactor,
} from './actions/index.js';
export type { ActionRunner, RunContext, RunOutcome } from './actions/index.js';

export { systemClock } from './time/clock.js';
export type { Clock, TimeSource, TimerHandle } from './time/clock.js';
export { VirtualClock } from './time/virtual-clock.js';
export type { Logger } from './log/logger.js';
export { silentLogger, consoleLogger } from './log/logger.js';

export { CrontrayService } from './service/service.js';
export type { ServiceOptions } from './service/service.js';

export type { RunRecord, RunStatus, RunTrigger } from './model/run.js';
export type { Schedule, ScheduleInput } from './model/schedule.js';
export type { Action, ActionInput } from './model/action.js';
export type { TaskDefinition, StoredTask } from './model/task.js';
