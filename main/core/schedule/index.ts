export {
  TaskScheduler,
  type TaskSchedulerOptions,
  type TaskInputBase,
  type CronTaskInput,
  type IntervalTaskInput,
  type RoutineTaskInput,
  type OnceTaskInput,
  type ScheduleTaskInput,
  type TaskPatch,
  type TaskInfo,
  type RunTicket,
} from './task-scheduler.js';
export type { EngineEvent } from './engine-event.js';
export { SchedulerError, type SchedulerErrorCode } from './scheduler-error.js';
export { SCHEDULER_DEFAULTS } from './scheduler-options.js';
export type { InstantInput } from './task-inputs.js';
export { type RunSink, nullRunSink, MemoryRunSink } from './run-sink.js';
export { type TaskState, type TaskStateStore, MemoryTaskStateStore } from './task-state.js';
export { inProcessRunner, type InProcessAction } from './in-process-runner.js';
export { nextRunTimes, type NextRunTimesOptions } from './schedule-times.js';
export { dstTransitions, type DstTransition } from './dst-transitions.js';
export { utcOffsetMinutes } from './tz-offset.js';
export { CronCache, type DayMatch } from './cron-cache.js';
export { NextRunHeap, type HeapNode } from './next-run-heap.js';
export { defaultFingerprint } from './action-fingerprint.js';
export { type TriggerWindows } from './trigger-plan.js';
export { quietSpans, quietAt, describeQuietWindow, type QuietSpan } from './quiet-windows.js';
