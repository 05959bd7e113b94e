import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { recordingLogger } from '../../support/recording-logger.js';
import { MemoryRunSink } from '../../../main/core/schedule/run-sink.js';
import {
  TaskScheduler,
  type TaskSchedulerOptions,
} from '../../../main/core/schedule/task-scheduler.js';
import type { EngineEvent } from '../../../main/core/schedule/engine-event.js';
import type { InProcessAction } from '../../../main/core/schedule/in-process-runner.js';

export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0); // a Monday, 08:00 UTC
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** A scheduler on a virtual clock with a memory sink, an event list and readable ids. */
export function makeScheduler<TAction = InProcessAction>(
  options: Partial<TaskSchedulerOptions<TAction>> & { startMs?: number } = {},
) {
  const clock = new VirtualClock(options.startMs ?? T0);
  const sink = new MemoryRunSink(100_000);
  const events: EngineEvent[] = [];
  const logger = recordingLogger();
  let n = 0;
  const scheduler = new TaskScheduler<TAction>({
    clock,
    sink,
    logger,
    onEvent: (e) => events.push(e),
    newId: () => `id${++n}`,
    ...options,
  });
  /** Final records of runs, oldest first. */
  const finals = () => sink.finalRecords();
  const statuses = () => finals().map((r) => `${r.trigger}:${r.status}`);
  return { clock, sink, events, logger, scheduler, finals, statuses };
}

/** A promise with its resolver, to hold an action open. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
