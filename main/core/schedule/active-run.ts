import type { RunContext } from '../actions/runner.js';
import type { RunRecord, RunTrigger } from '../model/run.js';
import type { HeapNode } from './next-run-heap.js';
import type { RegisteredTask } from './task-registry.js';
import type { Trigger } from './run-trigger.js';
import type { ChainStart } from './task-chains.js';

/** Heap priority of a run's deadlines (timeout, abort wait): before any task due at the same ms. */
export const DEADLINE_PRIORITY = 1000;

/** A run's deadline in the scheduler's heap: its timeout, or the end of its abort wait. */
export interface RunDeadline<TAction> extends HeapNode {
  kind: 'timeout' | 'abort-wait';
  run: ActiveRun<TAction>;
}

/** One run from the moment it is triggered until its final record is written. */
export class ActiveRun<TAction> {
  /** 'aborting': aborted while running; its slot is free, its record waits for the runner's outcome. */
  state: 'waiting' | 'running' | 'aborting' | 'done' = 'waiting';
  controller: AbortController | null = null;
  /** Why the run was aborted, for a signal made after the abort. */
  abortReason: unknown = undefined;
  timeout: RunDeadline<TAction> | null = null;
  /** Set while aborting: the status and error the record gets if the runner does not report in time. */
  abort: { status: 'canceled' | 'timed-out'; error: string; wait: RunDeadline<TAction> } | null =
    null;
  /** Canceled (by the user, a replace, a stop): no retry follows, whatever the runner reports. */
  noRetry = false;
  /** The timeout it started with (the task may change while it runs). */
  timeoutMs = 0;
  queuedWritten = false;
  byPolicy = false;
  writes: Promise<void> = Promise.resolve();
  /** The parent run of a chained run (its action is told about it); null for others. */
  chain: ChainStart | null = null;
  /**
   * `done` is made when first asked for: of 1,000 runs started in one second, few are awaited
   * (Run now, a stop), and a promise with its resolver per run was garbage for the rest.
   */
  #done: Promise<RunRecord> | null = null;
  #resolveDone: ((record: RunRecord) => void) | null = null;
  #final: RunRecord | null = null;

  constructor(
    readonly task: RegisteredTask<TAction>,
    readonly record: RunRecord,
    readonly forced: boolean,
    /** Arrival order, the last tie-breaker between waiting runs. */
    readonly seq: number,
  ) {}

  /** Resolves with the run's final record. */
  get done(): Promise<RunRecord> {
    if (this.#done === null) {
      const final = this.#final;
      this.#done =
        final !== null
          ? Promise.resolve(final)
          : new Promise<RunRecord>((resolve) => {
              this.#resolveDone = resolve;
            });
    }
    return this.#done;
  }

  /** The final record, once: `done` resolves with it. */
  resolve(record: RunRecord): void {
    if (this.#final !== null) return;
    this.#final = record;
    this.#resolveDone?.(record);
  }

  /** A deadline node for this run, due at `dueAt`. */
  deadline(kind: RunDeadline<TAction>['kind'], dueAt: number): RunDeadline<TAction> {
    return { kind, run: this, dueAt, priority: DEADLINE_PRIORITY, seq: 0, heapIndex: -1 };
  }
}

/** A new run's record: 'queued', nothing known yet but what triggered it. */
export function newRunRecord<TAction>(
  t: Trigger<RegisteredTask<TAction>>,
  runId: string,
  sessionId: string | null,
): RunRecord {
  const { def } = t.task;
  return {
    runId,
    taskId: t.task.id,
    project: def.project,
    group: def.group,
    name: def.name,
    sessionId,
    status: 'queued',
    trigger: t.trigger,
    scheduledFor: t.scheduledFor,
    startedAt: null,
    endedAt: null,
    heartbeatAt: null,
    attempt: t.attempt,
    firstRunId: t.firstRunId ?? runId,
    exitCode: null,
    httpStatus: null,
    stdout: null,
    stderr: null,
    error: null,
    fromCache: false,
  };
}

/**
 * What an action is told about its run. A class, so 1,000 runs started in one second share one
 * getter on the prototype instead of each context defining its own (1.8 us a run, profiled).
 * The signal is made on first use: an AbortController and its EventTarget cost ~10 us, which
 * most actions never look at.
 */
export class ActiveRunContext<TAction> implements RunContext {
  readonly runId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly trigger: RunTrigger;
  readonly timeoutMs: number;
  readonly #run: ActiveRun<TAction>;

  constructor(run: ActiveRun<TAction>) {
    const record = run.record;
    this.runId = record.runId;
    this.taskId = run.task.id;
    this.attempt = record.attempt;
    this.trigger = record.trigger;
    this.timeoutMs = run.timeoutMs;
    this.#run = run;
  }

  get signal(): AbortSignal {
    const run = this.#run;
    if (!run.controller) {
      run.controller = new AbortController();
      if (run.abortReason !== undefined) run.controller.abort(run.abortReason);
    }
    return run.controller.signal;
  }
}
