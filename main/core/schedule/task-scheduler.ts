import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ActionRunner, RunContext, RunOutcome } from '../actions/runner.js';
import { timeoutReason } from '../actions/run-signal.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunRecord, RunStatus, RunTrigger } from '../model/run.js';
import { idSchema } from '../model/names.js';
import type { taskPolicies, TaskDefinition, TaskDefinitionInput } from '../model/task.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import { defaultFingerprint } from './action-fingerprint.js';
import { CronCache } from './cron-cache.js';
import type { EngineEvent } from './engine-event.js';
import { inProcessRunner } from './in-process-runner.js';
import type { InProcessAction } from './in-process-runner.js';
import type { HeapNode } from './next-run-heap.js';
import { NextRunHeap } from './next-run-heap.js';
import type { RunSink } from './run-sink.js';
import { nullRunSink } from './run-sink.js';
import type { TimingContext } from './schedule-times.js';
import { dueInstants, nextDueAfter, nextRunTimes } from './schedule-times.js';
import type { TaskState, TaskStateStore } from './task-state.js';
import { parseTaskDefinition, scheduleKey } from './task-validation.js';

/** Options of {@link TaskScheduler}. */
export interface TaskSchedulerOptions<TAction> {
  /** Time and the one timer; default systemClock. Tests pass a VirtualClock. */
  clock?: Clock;
  /** Default silentLogger. */
  logger?: Logger;
  /** Runs actions; default the in-process runner (an action is a function, its return value the outcome's value). */
  runner?: ActionRunner<TAction>;
  /** Receives every run record; default keeps nothing. */
  sink?: RunSink;
  /** Engine events for the host; a throwing listener is logged. Default none. */
  onEvent?: (event: EngineEvent) => void;
  /** Runs allowed at once across all tasks; default 8. */
  globalConcurrency?: number;
  /**
   * Longest the timer ever waits, in ms; default 30 000. Timers do not advance while a machine
   * sleeps, so a short cap is what notices a resume or a wall-clock jump in time.
   */
  maxSleepMs?: number;
  /** Makes task and run ids; default crypto.randomUUID. */
  newId?: () => string;
  /** Identifies an action for idempotent registration; default: functions by identity, data by content. */
  fingerprint?: (action: TAction) => string;
  /** Persisted per-task bookkeeping (lastDueAt, cycles) for missed-run detection; default none. */
  state?: TaskStateStore;
  /**
   * A due time handled later than this (ms) counts as missed and goes through the task's catch-up
   * policy: the machine slept, the app was closed or the clock jumped. Default 5000.
   */
  lateGraceMs?: number;
  /** Missed runs written one by one per task and wake-up; the rest share one record. Default 1000. */
  missedRecordLimit?: number;
  /** Parsed cron patterns kept for reuse (about 80 KB each, only as many as are in use); default 256. */
  cronCacheSize?: number;
  /** The current session's id for run records; default none. */
  sessionId?: () => string | null;
}

type PoliciesInput = Partial<z.input<typeof taskPolicies>>;

/** Fields shared by every registration call. */
export type TaskInputBase<TAction> = PoliciesInput & {
  name: string;
  /** Default 'default'. */
  project?: string;
  /** Default 'default'. */
  group?: string;
  /** IANA zone; default the machine's zone. */
  timezone?: string;
  action: TAction;
};

export type CronTaskInput<TAction> = TaskInputBase<TAction> & {
  pattern: string;
  /** How day-of-month and day-of-week combine when both are set; default 'or' (classic cron). */
  dayMatch?: 'or' | 'and';
};

export type IntervalTaskInput<TAction> = TaskInputBase<TAction> & {
  everyMs: number;
  /** First run; default registration time + everyMs. */
  startAt?: number | string;
  maxCycles?: number;
  until?: number | string;
};

export type RoutineTaskInput<TAction> = TaskInputBase<TAction> & {
  delayMs: number;
  maxCycles?: number;
  until?: number | string;
};

export type OnceTaskInput<TAction> = TaskInputBase<TAction> & { at: number | string };

/** The generic registration: a task definition plus its action, and when restoring, its identity and bookkeeping. */
export type ScheduleTaskInput<TAction> = TaskDefinitionInput & {
  action: TAction;
  /** Keep this id (a store restoring its tasks); default a new one. */
  id?: string;
  /** Restored bookkeeping; default from the state store, else none. */
  lastDueAt?: number | null;
  cycles?: number;
  /** When the task was created; anchors intervals without startAt and missed runs. Default now. */
  createdAt?: number;
};

/** A change to a task; the schedule is replaced whole. */
export type TaskPatch<TAction> = Partial<TaskDefinitionInput> & { action?: TAction };

/** What `get` and `list` tell about a task. */
export interface TaskInfo<TAction> {
  id: string;
  definition: TaskDefinition;
  action: TAction;
  createdAt: number;
  lastDueAt: number | null;
  cycles: number;
  /** The next scheduled due time, null when none (disabled, finished, or a routine mid-run). */
  nextDueAt: number | null;
  running: number;
  queued: number;
}

/** A started manual run: its id at once, its final record when it ends. */
export interface RunTicket {
  runId: string;
  done: Promise<RunRecord>;
}

const TIMEOUT_PRIORITY = 1000;
/**
 * How long an aborted run's runner gets to report its outcome (partial output, exact status)
 * before the record is finished without it: the runners' kill grace period (2000 ms) plus a margin.
 */
const ABORT_WAIT_MS = 3000;
/** A timer firing this much off its expected time means the machine slept or the clock jumped. */
const JUMP_TOLERANCE_MS = 2000;

class Task<TAction> implements HeapNode {
  readonly kind = 'task';
  dueAt = 0;
  priority: number;
  seq = 0;
  heapIndex = -1;
  running = 0;
  /** Runs waiting for a slot; `queuedByPolicy` counts those a skip/queue/parallel policy admitted. */
  waiting = 0;
  queuedByPolicy = 0;
  removed = false;
  lastSuccess: { at: number; record: RunRecord } | null = null;
  /** The earliest and latest due times handled in this process. */
  handledFrom: number | null = null;
  handledThrough: number | null = null;
  /**
   * Set when the clock went back: next runs are worked out from the new time, but the due times
   * in this window were handled already and are not handled a second time.
   */
  repeat: { from: number; through: number } | null = null;

  constructor(
    readonly id: string,
    public def: TaskDefinition,
    public action: TAction,
    public key: string,
    readonly createdAt: number,
    public lastDueAt: number | null,
    public cycles: number,
  ) {
    this.priority = def.priority;
  }
}

interface RetryNode<TAction> extends HeapNode {
  kind: 'retry';
  task: Task<TAction>;
  attempt: number;
  firstRunId: string;
  /** The failed attempt this retry follows. */
  afterRunId: string;
}

interface TimeoutNode<TAction> extends HeapNode {
  kind: 'timeout';
  run: Run<TAction>;
}

/** The last moment an aborted run's runner may report before its record is finished without it. */
interface AbortWaitNode<TAction> extends HeapNode {
  kind: 'abort-wait';
  run: Run<TAction>;
}

type Node<TAction> =
  Task<TAction> | RetryNode<TAction> | TimeoutNode<TAction> | AbortWaitNode<TAction>;

interface Trigger<TAction> {
  task: Task<TAction>;
  trigger: RunTrigger;
  scheduledFor: number | null;
  attempt: number;
  firstRunId: string | null;
  /** Catch-ups and retries wait for a slot instead of being skipped by the overlap policy. */
  forced: boolean;
}

class Run<TAction> {
  /** 'aborting': aborted while running; its slot is free, its record waits for the runner's outcome. */
  state: 'waiting' | 'running' | 'aborting' | 'done' = 'waiting';
  controller: AbortController | null = null;
  /** Why the run was aborted, for a signal made after the abort. */
  abortReason: unknown = undefined;
  timeout: TimeoutNode<TAction> | null = null;
  /** Set while aborting: the status and error the record gets if the runner does not report in time. */
  abort: { status: 'canceled' | 'timed-out'; error: string; wait: AbortWaitNode<TAction> } | null =
    null;
  /** Canceled (by the user, a replace, a stop): no retry follows, whatever the runner reports. */
  noRetry = false;
  /** The timeout it started with (the task may change while it runs). */
  timeoutMs = 0;
  queuedWritten = false;
  byPolicy = false;
  writes: Promise<void> = Promise.resolve();
  readonly done: Promise<RunRecord>;
  resolve!: (record: RunRecord) => void;
  readonly seq: number;

  constructor(
    readonly task: Task<TAction>,
    readonly record: RunRecord,
    readonly forced: boolean,
    seq: number,
  ) {
    this.seq = seq;
    this.done = new Promise<RunRecord>((resolve) => {
      this.resolve = resolve;
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Orders waiting runs: higher priority first, then earlier due time, then arrival. */
function runsBefore<T>(a: Run<T>, b: Run<T>): boolean {
  if (a.task.def.priority !== b.task.def.priority) return a.task.def.priority > b.task.def.priority;
  const da = a.record.scheduledFor ?? Number.POSITIVE_INFINITY;
  const db = b.record.scheduledFor ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db;
  return a.seq < b.seq;
}

/**
 * The scheduling engine: cron, interval, routine and once tasks on one timer, with overlap,
 * retry, timeout, concurrency and catch-up policies. See README.md beside this file.
 */
export class TaskScheduler<TAction = InProcessAction> {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #runner: ActionRunner<TAction>;
  readonly #sink: RunSink;
  readonly #onEvent: ((event: EngineEvent) => void) | undefined;
  readonly #globalConcurrency: number;
  readonly #maxSleepMs: number;
  readonly #newId: () => string;
  readonly #fingerprint: (action: TAction) => string;
  readonly #state: TaskStateStore | undefined;
  readonly #lateGraceMs: number;
  readonly #missedRecordLimit: number;
  readonly #sessionId: () => string | null;
  readonly #cache: CronCache;

  readonly #tasks = new Map<string, Task<TAction>>();
  readonly #byKey = new Map<string, Task<TAction>>();
  readonly #heap = new NextRunHeap<Node<TAction>>();
  readonly #active = new Map<string, Run<TAction>>();
  /** Pending retries by the first run of their chain (one at a time per chain). */
  readonly #retries = new Map<string, RetryNode<TAction>>();
  #waiting: Run<TAction>[] = [];
  #runningCount = 0;
  #abortingCount = 0;
  #runSeq = 0;

  #started = false;
  #stoppedAt: number | null = null;
  #timer: TimerHandle | null = null;
  #armedWakeAt = 0;
  #lastTickAt: number | null = null;

  constructor(options: TaskSchedulerOptions<TAction> = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#runner = options.runner ?? inProcessRunner;
    this.#sink = options.sink ?? nullRunSink;
    this.#onEvent = options.onEvent;
    this.#globalConcurrency = options.globalConcurrency ?? 8;
    this.#maxSleepMs = options.maxSleepMs ?? 30_000;
    this.#newId = options.newId ?? randomUUID;
    this.#fingerprint = options.fingerprint ?? defaultFingerprint;
    this.#state = options.state;
    this.#lateGraceMs = options.lateGraceMs ?? 5000;
    this.#missedRecordLimit = options.missedRecordLimit ?? 1000;
    this.#sessionId = options.sessionId ?? (() => null);
    this.#cache = new CronCache(options.cronCacheSize ?? 256);
    if (!Number.isInteger(this.#globalConcurrency) || this.#globalConcurrency < 1) {
      throw new Error(
        `TaskScheduler: globalConcurrency ${this.#globalConcurrency} must be a whole number of at least 1`,
      );
    }
    if (!(this.#maxSleepMs >= 10)) {
      throw new Error(`TaskScheduler: maxSleepMs ${this.#maxSleepMs} must be at least 10 ms`);
    }
    if (!Number.isInteger(this.#missedRecordLimit) || this.#missedRecordLimit < 1) {
      throw new Error(
        `TaskScheduler: missedRecordLimit ${this.#missedRecordLimit} must be a whole number of at least 1`,
      );
    }
  }

  // ---------------------------------------------------------------- registration

  scheduleCron(input: CronTaskInput<TAction>): Promise<string> {
    const { pattern, dayMatch, ...rest } = input;
    return this.schedule({
      ...rest,
      schedule: { kind: 'cron', pattern, dayMatch: dayMatch ?? 'or' },
    });
  }

  scheduleInterval(input: IntervalTaskInput<TAction>): Promise<string> {
    const { everyMs, startAt, maxCycles, until, ...rest } = input;
    return this.schedule({
      ...rest,
      schedule: { kind: 'interval', everyMs, startAt, maxCycles, until },
    });
  }

  scheduleRoutine(input: RoutineTaskInput<TAction>): Promise<string> {
    const { delayMs, maxCycles, until, ...rest } = input;
    return this.schedule({ ...rest, schedule: { kind: 'routine', delayMs, maxCycles, until } });
  }

  scheduleOnce(input: OnceTaskInput<TAction>): Promise<string> {
    const { at, ...rest } = input;
    return this.schedule({ ...rest, schedule: { kind: 'once', at } });
  }

  /**
   * Registers a task. Idempotent by definition: the same name, project, group, schedule, zone and
   * action give back the existing task's id.
   */
  async schedule(input: ScheduleTaskInput<TAction>): Promise<string> {
    return this.#register(input);
  }

  #register(input: ScheduleTaskInput<TAction>): string {
    const { action, id: givenId, lastDueAt, cycles, createdAt, ...defInput } = input;
    if (action === undefined || action === null)
      throw new Error('TaskScheduler: action is required');
    const now = this.#clock.now();
    const def = parseTaskDefinition(defInput, this.#cache, now);
    const key = this.#keyOf(def, action);
    const existing = this.#byKey.get(key);
    if (existing) return existing.id;
    if (givenId !== undefined) {
      const idCheck = idSchema.safeParse(givenId);
      if (!idCheck.success)
        throw new Error(`TaskScheduler: id '${givenId}': ${idCheck.error.issues[0]?.message}`);
      const other = this.#tasks.get(givenId);
      if (other)
        throw new Error(
          `TaskScheduler: id '${givenId}' is already used by task '${other.def.name}'`,
        );
    }
    const id = givenId ?? this.#newId();
    const saved: TaskState | undefined =
      lastDueAt !== undefined || cycles !== undefined
        ? { lastDueAt: lastDueAt ?? null, cycles: cycles ?? 0 }
        : this.#state?.get(id);
    const restoring = givenId !== undefined || saved !== undefined;
    if (def.schedule.kind === 'once' && !restoring && def.schedule.at <= now) {
      throw new Error(
        `TaskScheduler: schedule.at ${iso(def.schedule.at)} is in the past; choose a time after now`,
      );
    }
    const task = new Task<TAction>(
      id,
      def,
      action,
      key,
      createdAt ?? now,
      saved?.lastDueAt ?? null,
      saved?.cycles ?? 0,
    );
    if (
      def.schedule.kind === 'once' &&
      task.lastDueAt !== null &&
      task.lastDueAt >= def.schedule.at
    ) {
      task.def = { ...def, enabled: false };
    }
    this.#tasks.set(id, task);
    this.#byKey.set(key, task);
    // Instants after the anchor are due: after the last one handled, else after creation.
    this.#plan(
      task,
      task.lastDueAt ?? (createdAt !== undefined ? createdAt : this.#freshAnchor(def, now)),
    );
    this.#emit({ type: 'task:changed', taskId: id });
    this.#arm();
    return id;
  }

  /**
   * Due instants strictly after this are a new (or re-enabled) task's: a cron task registered on
   * a matching second waits for the next one, but an interval whose startAt is now runs now.
   */
  #freshAnchor(def: TaskDefinition, now: number): number {
    const s = def.schedule;
    return s.kind === 'interval' && s.startAt === now ? now - 1 : now;
  }

  #keyOf(def: TaskDefinition, action: TAction): string {
    return [
      def.project,
      def.group,
      def.name,
      scheduleKey(def.schedule),
      def.timezone ?? '',
      this.#fingerprint(action),
    ].join('\u0000');
  }

  /** Removes a task; its running runs finish. Returns false for an unknown id. */
  async unschedule(id: string): Promise<boolean> {
    const task = this.#tasks.get(id);
    if (!task) return false;
    task.removed = true;
    this.#heap.remove(task);
    this.#tasks.delete(id);
    this.#byKey.delete(task.key);
    for (const run of [...this.#waiting])
      if (run.task === task)
        this.#finish(run, { status: 'canceled', error: 'TaskScheduler: the task was removed' });
    if (this.#state?.delete) this.#persist(() => this.#state?.delete?.(id));
    this.#emit({ type: 'task:changed', taskId: id });
    this.#arm();
    return true;
  }

  async enable(id: string): Promise<void> {
    const task = this.#require(id);
    if (task.def.enabled) return;
    task.def = { ...task.def, enabled: true };
    this.#plan(task, this.#freshAnchor(task.def, this.#clock.now()));
    this.#emit({ type: 'task:changed', taskId: id });
    this.#arm();
  }

  async disable(id: string): Promise<void> {
    const task = this.#require(id);
    if (!task.def.enabled) return;
    task.def = { ...task.def, enabled: false };
    this.#heap.remove(task);
    this.#emit({ type: 'task:changed', taskId: id });
    this.#arm();
  }

  /**
   * Changes a task at once: the next due time is worked out again from now when the schedule or
   * zone changed; running runs keep the settings they started with.
   */
  async update(id: string, patch: TaskPatch<TAction>): Promise<TaskInfo<TAction>> {
    const task = this.#require(id);
    const { action, ...defPatch } = patch;
    const now = this.#clock.now();
    const merged: TaskDefinitionInput = { ...task.def, ...defPatch };
    const def = parseTaskDefinition(merged, this.#cache, now);
    const nextAction = action === undefined ? task.action : action;
    const key = this.#keyOf(def, nextAction);
    const other = this.#byKey.get(key);
    if (other && other !== task) {
      throw new Error(
        `TaskScheduler: task '${other.id}' already has this name, schedule and action; change one of them`,
      );
    }
    const timingChanged =
      scheduleKey(def.schedule) !== scheduleKey(task.def.schedule) ||
      def.timezone !== task.def.timezone;
    this.#byKey.delete(task.key);
    task.def = def;
    task.action = nextAction;
    task.key = key;
    task.priority = def.priority;
    this.#byKey.set(key, task);
    if (timingChanged) {
      task.cycles = 0;
      this.#plan(task, this.#freshAnchor(def, now));
    } else if (!def.enabled) {
      this.#heap.remove(task);
    } else if (this.#heap.has(task)) {
      this.#heap.push(task);
    } else if (task.running === 0 && task.waiting === 0) {
      this.#plan(task, this.#freshAnchor(def, now));
    }
    this.#emit({ type: 'task:changed', taskId: id });
    this.#arm();
    return this.#info(task);
  }

  get(id: string): TaskInfo<TAction> | undefined {
    const task = this.#tasks.get(id);
    return task ? this.#info(task) : undefined;
  }

  list(): TaskInfo<TAction>[] {
    return [...this.#tasks.values()].map((t) => this.#info(t));
  }

  /**
   * The next `count` due instants of a task (by id) or of a definition not registered. Routines
   * are shown as if each run took no time.
   */
  nextRuns(idOrDefinition: string | TaskDefinitionInput, count = 5): number[] {
    const now = this.#clock.now();
    if (typeof idOrDefinition !== 'string') {
      const def = parseTaskDefinition(idOrDefinition, this.#cache, now);
      return nextRunTimes(def.schedule, {
        timezone: def.timezone,
        count,
        fromMs: now,
        cache: this.#cache,
      });
    }
    const task = this.#require(idOrDefinition);
    if (!task.def.enabled || !this.#heap.has(task)) return [];
    const s = task.def.schedule;
    const out = [task.dueAt];
    if (s.kind === 'routine') {
      for (let i = 1; i < count; i++) out.push(task.dueAt + i * s.delayMs);
      return out.slice(0, Math.max(0, count));
    }
    const ctx = this.#timing(task);
    const left =
      s.kind === 'interval' && s.maxCycles !== undefined ? s.maxCycles - task.cycles : count;
    while (out.length < Math.min(count, left)) {
      const at = nextDueAfter(s, ctx, out[out.length - 1] as number);
      if (at === null) break;
      out.push(at);
    }
    return out.slice(0, Math.max(0, count));
  }

  #require(id: string): Task<TAction> {
    const task = this.#tasks.get(id);
    if (!task)
      throw new Error(`TaskScheduler: no task with id '${id}'; list() shows the registered ones`);
    return task;
  }

  #info(task: Task<TAction>): TaskInfo<TAction> {
    return {
      id: task.id,
      definition: task.def,
      action: task.action,
      createdAt: task.createdAt,
      lastDueAt: task.lastDueAt,
      cycles: task.cycles,
      nextDueAt: this.#heap.has(task) ? task.dueAt : null,
      running: task.running,
      queued: task.waiting,
    };
  }

  #timing(task: Task<TAction>): TimingContext {
    return { cache: this.#cache, timezone: task.def.timezone, createdAt: task.createdAt };
  }

  /** Puts the task in the heap at its first due time after `afterMs`, or takes it out when there is none. */
  #plan(task: Task<TAction>, afterMs: number): void {
    const s = task.def.schedule;
    let at: number | null;
    if (!task.def.enabled || task.removed) at = null;
    else if (s.kind === 'routine') {
      at = Math.max(afterMs, this.#clock.now());
      if (
        (s.until !== undefined && at > s.until) ||
        (s.maxCycles !== undefined && task.cycles >= s.maxCycles)
      )
        at = null;
    } else if (s.kind === 'interval' && s.maxCycles !== undefined && task.cycles >= s.maxCycles)
      at = null;
    else at = nextDueAfter(s, this.#timing(task), afterMs);
    if (at === null) {
      this.#heap.remove(task);
      return;
    }
    task.dueAt = at;
    task.priority = task.def.priority;
    this.#heap.push(task);
  }

  // ---------------------------------------------------------------- lifecycle

  get running(): boolean {
    return this.#started;
  }

  /**
   * Starts arming the timer. Runs missed since each task's last due time (app closed, machine
   * asleep) are worked out now and handled by the catch-up policies. After a stop(), the time
   * stopped is a pause: nothing from it is run or recorded as missed.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const now = this.#clock.now();
    if (this.#stoppedAt !== null) {
      for (const task of this.#tasks.values()) if (this.#heap.has(task)) this.#plan(task, now);
    }
    this.#stoppedAt = null;
    this.#lastTickAt = now;
    // Not a timer wake: nothing was armed, so nothing can be late.
    this.#armedWakeAt = now;
    this.#emit({ type: 'scheduler:state', running: true });
    this.#tick(false);
  }

  /**
   * Stops arming. Runs waiting for a slot are canceled; running runs finish (or are canceled with
   * `cancelRunning`). Resolves when no run is left.
   */
  async stop(options: { cancelRunning?: boolean } = {}): Promise<void> {
    if (this.#started) {
      this.#started = false;
      this.#stoppedAt = this.#clock.now();
      this.#clearTimer();
      for (const run of [...this.#waiting])
        this.#finish(run, { status: 'canceled', error: 'TaskScheduler: the scheduler stopped' });
      this.#emit({ type: 'scheduler:state', running: false });
    }
    const running = [...this.#active.values()];
    if (options.cancelRunning)
      for (const run of running)
        this.#abort(run, 'canceled', 'TaskScheduler: the scheduler stopped');
    this.#arm();
    await Promise.all(running.map(async (r) => (await r.done, r.writes)));
  }

  /**
   * Handles everything due at the clock's current time, as a timer wake would, and resolves with
   * the final records of what it triggered (seed 002's test mode). Works whether or not started.
   */
  async runPending(): Promise<RunRecord[]> {
    const runs = this.#tick(true);
    const records = await Promise.all(runs.map((r) => r.done));
    await Promise.all(runs.map((r) => r.writes));
    return records;
  }

  /**
   * Runs a task now through the same path as a scheduled run (overlap policy, concurrency,
   * retries, timeout, records), with trigger 'manual'. With a result cache policy, a result
   * younger than `toleranceSeconds` (default the policy's) is returned instead, marked fromCache.
   */
  async runNow(id: string, options: { toleranceSeconds?: number } = {}): Promise<RunTicket> {
    const task = this.#require(id);
    const now = this.#clock.now();
    const cachePolicy = task.def.resultCache;
    const manual = {
      task,
      trigger: 'manual',
      scheduledFor: now,
      attempt: 1,
      firstRunId: null,
      forced: false,
    } as const;
    if (cachePolicy && task.lastSuccess) {
      const tolerance = (options.toleranceSeconds ?? cachePolicy.toleranceSeconds) * 1000;
      const age = now - task.lastSuccess.at;
      if (age <= tolerance && age <= cachePolicy.expireMs) {
        const run = this.#newRun(manual);
        Object.assign(run.record, {
          ...task.lastSuccess.record,
          runId: run.record.runId,
          firstRunId: run.record.runId,
          trigger: 'manual',
          scheduledFor: now,
          startedAt: now,
          endedAt: now,
          heartbeatAt: null,
          attempt: 1,
          sessionId: run.record.sessionId,
          fromCache: true,
        } satisfies Partial<RunRecord>);
        this.#settle(run, 'succeeded');
        return { runId: run.record.runId, done: run.done };
      }
    }
    const run = this.#submit(manual);
    this.#pump();
    this.#arm();
    return { runId: run.record.runId, done: run.done };
  }

  /**
   * Gives a task with a result cache policy its last successful run, e.g. read back from the run
   * records after a restart, so Run now can answer from it as it would have before. Ignored for
   * tasks without the policy, for records that did not succeed, and when a newer one is known.
   */
  rememberResult(id: string, record: RunRecord): void {
    const task = this.#require(id);
    if (!task.def.resultCache || record.status !== 'succeeded' || record.endedAt === null) return;
    if (task.lastSuccess && task.lastSuccess.at >= record.endedAt) return;
    task.lastSuccess = { at: record.endedAt, record: { ...record } };
  }

  /**
   * Cancels a run and the retries of its chain not started yet. A waiting run ends 'canceled' at
   * once; a running one is aborted and ends with what its runner reports (normally 'canceled').
   * `runId` may also be a finished attempt whose retry is pending. False when nothing was canceled.
   */
  cancel(runId: string): boolean {
    let canceled = false;
    let chain: string | null = null;
    const run = this.#active.get(runId);
    if (run && (run.state === 'waiting' || run.state === 'running')) {
      chain = run.record.firstRunId ?? runId;
      this.#abort(run, 'canceled', 'TaskScheduler: canceled');
      canceled = true;
    }
    for (const [first, retry] of this.#retries) {
      if (first === chain || first === runId || retry.afterRunId === runId) {
        chain = first;
        this.#heap.remove(retry);
        this.#retries.delete(first);
        canceled = true;
      }
    }
    if (chain !== null) {
      for (const other of [...this.#waiting]) {
        if (other.record.trigger === 'retry' && other.record.firstRunId === chain) {
          this.#abort(other, 'canceled', 'TaskScheduler: canceled');
          canceled = true;
        }
      }
    }
    if (!canceled) return false;
    this.#pump();
    this.#arm();
    return true;
  }

  // ---------------------------------------------------------------- the one timer

  readonly #onTimer = (): void => {
    this.#timer = null;
    this.#tick(false);
  };

  #clearTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  /**
   * Arms the one timer for the earliest due node, never further than maxSleepMs. An armed timer
   * that is already early enough is kept (a spurious wake is cheap, re-arming 100 000 times while
   * tasks are registered is not).
   */
  #arm(): void {
    const now = this.#clock.now();
    let wakeAt: number | null;
    if (this.#started) {
      wakeAt = Math.min(
        this.#heap.peek()?.dueAt ?? Number.POSITIVE_INFINITY,
        now + this.#maxSleepMs,
      );
    } else if (this.#runningCount > 0 || this.#abortingCount > 0) {
      // Stopped, but running runs still need their timeouts, and aborted ones their wait bound.
      let earliest = Number.POSITIVE_INFINITY;
      for (const node of this.#heap.values())
        if ((node.kind === 'timeout' || node.kind === 'abort-wait') && node.dueAt < earliest)
          earliest = node.dueAt;
      wakeAt = Math.min(earliest, now + this.#maxSleepMs);
    } else wakeAt = null;
    if (wakeAt === null) {
      this.#clearTimer();
      return;
    }
    wakeAt = Math.max(wakeAt, now);
    if (this.#timer !== null && this.#armedWakeAt <= wakeAt) return;
    this.#clearTimer();
    this.#armedWakeAt = wakeAt;
    this.#timer = this.#clock.setTimer(this.#onTimer, wakeAt - now);
  }

  #noticeJump(now: number, fromTimer: boolean): void {
    if (this.#lastTickAt !== null && now < this.#lastTickAt - JUMP_TOLERANCE_MS) {
      this.#logger.warn(
        `TaskScheduler: the clock went back from ${iso(this.#lastTickAt)} to ${iso(now)}; next runs are worked out again from now`,
      );
      for (const task of this.#tasks.values()) {
        if (!this.#heap.has(task) || task.def.schedule.kind === 'routine') continue;
        const { handledFrom, handledThrough } = task;
        task.repeat =
          handledFrom !== null && handledThrough !== null && handledThrough > now
            ? { from: Math.max(now, handledFrom), through: handledThrough }
            : null;
        this.#plan(task, now);
      }
    } else if (fromTimer && now > this.#armedWakeAt + JUMP_TOLERANCE_MS) {
      this.#logger.info(
        `TaskScheduler: woke ${now - this.#armedWakeAt} ms late (machine asleep or clock moved forward); handling missed runs`,
      );
    }
    this.#lastTickAt = now;
  }

  /** Handles every node due now; returns the runs it created (including skipped and missed ones). */
  #tick(manual: boolean): Run<TAction>[] {
    const now = this.#clock.now();
    this.#noticeJump(now, !manual);
    const scheduling = this.#started || manual;
    const triggers: Trigger<TAction>[] = [];
    const created: Run<TAction>[] = [];
    const deferred: Node<TAction>[] = [];
    for (;;) {
      const node = this.#heap.peek();
      if (!node || node.dueAt > now) break;
      this.#heap.pop();
      if (node.kind === 'timeout') {
        this.#abort(
          node.run,
          'timed-out',
          `TaskScheduler: timed out after ${node.run.timeoutMs} ms`,
        );
      } else if (node.kind === 'abort-wait') {
        const { run } = node;
        this.#logger.warn(
          `TaskScheduler: run ${run.record.runId} of task '${run.task.def.name}' was aborted but its runner did not report within ${ABORT_WAIT_MS} ms; its record ends without output`,
        );
        this.#finish(run, {
          status: run.abort?.status ?? 'canceled',
          error: run.abort?.error ?? null,
        });
      } else if (!scheduling) {
        deferred.push(node);
      } else if (node.kind === 'retry') {
        if (this.#retries.get(node.firstRunId) === node) this.#retries.delete(node.firstRunId);
        if (!node.task.removed) {
          triggers.push({
            task: node.task,
            trigger: 'retry',
            scheduledFor: node.dueAt,
            attempt: node.attempt,
            firstRunId: node.firstRunId,
            forced: true,
          });
        }
      } else {
        try {
          this.#handleDue(node, now, triggers, created);
        } catch (error) {
          this.#logger.error(
            `TaskScheduler: task '${node.def.name}' could not be scheduled: ${errorText(error)}`,
          );
        }
      }
    }
    for (const node of deferred) this.#heap.push(node);
    triggers.sort((a, b) =>
      a.task.def.priority !== b.task.def.priority
        ? b.task.def.priority - a.task.def.priority
        : (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0),
    );
    for (const t of triggers) created.push(this.#submit(t));
    this.#pump();
    this.#arm();
    return created;
  }

  /** A task fell due: decide what runs, what is missed, and when it is due next. */
  #handleDue(
    task: Task<TAction>,
    now: number,
    triggers: Trigger<TAction>[],
    created: Run<TAction>[],
  ): void {
    const s = task.def.schedule;
    if (s.kind === 'routine') {
      // Fixed delay: the next due time is set when this run ends.
      task.lastDueAt = task.dueAt;
      task.cycles++;
      this.#saveState(task);
      triggers.push({
        task,
        trigger: 'schedule',
        scheduledFor: task.dueAt,
        attempt: 1,
        firstRunId: null,
        forced: false,
      });
      return;
    }
    const ctx = this.#timing(task);
    const repeat = task.repeat;
    if (repeat !== null && task.dueAt > repeat.through) task.repeat = null;
    else if (repeat !== null && task.dueAt >= repeat.from) {
      // The clock went back: this due time was handled before; go on after the last one handled.
      task.repeat = null;
      const after = nextDueAfter(s, ctx, repeat.through);
      if (after === null) {
        this.#emit({ type: 'task:changed', taskId: task.id });
        return;
      }
      task.dueAt = after;
      if (after > now) {
        this.#heap.push(task);
        return;
      }
    }
    const first = task.dueAt;
    let next = nextDueAfter(s, ctx, first);
    let onTime: number | null = null;
    let toRun: number[] = [];
    let latest = first;
    if (next === null || next > now) {
      // The common case: one instant due.
      if (now - first <= this.#lateGraceMs) onTime = first;
      else toRun = this.#catchUps(task, [first], now);
      // The common case, one instant on time, has nothing to record as missed.
      if (onTime === null) this.#recordMissed(task, [first], onTime, toRun, null, now, created);
    } else {
      const cap = task.def.catchUp.cap;
      const due = dueInstants(s, ctx, first, now, this.#missedRecordLimit, cap + 1);
      latest = due.tail[due.tail.length - 1] ?? first;
      const candidates = [...due.tail];
      if (now - latest <= this.#lateGraceMs) onTime = candidates.pop() ?? null;
      // With 'latest', an on-time run is the most recent one: it covers the missed ones.
      toRun =
        onTime !== null && task.def.catchUp.policy === 'latest'
          ? []
          : this.#catchUps(task, candidates, now);
      const overflow =
        due.total > due.listed.length
          ? { total: due.total, exact: due.exact, listed: due.listed.length }
          : null;
      this.#recordMissed(task, due.listed, onTime, toRun, overflow, now, created);
      next = nextDueAfter(s, ctx, latest);
    }
    if (s.kind === 'interval' && s.maxCycles !== undefined) {
      const left = s.maxCycles - task.cycles;
      if (onTime !== null && left <= 0) onTime = null;
      toRun = toRun.slice(Math.max(0, toRun.length - (left - (onTime === null ? 0 : 1))));
    }
    for (const at of toRun) {
      triggers.push({
        task,
        trigger: 'catch-up',
        scheduledFor: at,
        attempt: 1,
        firstRunId: null,
        forced: true,
      });
    }
    if (onTime !== null) {
      triggers.push({
        task,
        trigger: 'schedule',
        scheduledFor: onTime,
        attempt: 1,
        firstRunId: null,
        // Behind its own catch-ups it waits for them rather than being skipped by the overlap policy.
        forced: toRun.length > 0,
      });
    }
    task.cycles += toRun.length + (onTime === null ? 0 : 1);
    task.lastDueAt = latest;
    task.handledFrom = Math.min(task.handledFrom ?? first, first);
    task.handledThrough = Math.max(task.handledThrough ?? latest, latest);
    this.#saveState(task);
    if (s.kind === 'once') {
      task.def = { ...task.def, enabled: false };
      this.#emit({ type: 'task:changed', taskId: task.id });
      return;
    }
    const finished =
      next === null ||
      (s.kind === 'interval' && s.maxCycles !== undefined && task.cycles >= s.maxCycles);
    if (finished) {
      this.#emit({ type: 'task:changed', taskId: task.id });
      return;
    }
    task.dueAt = next as number;
    this.#heap.push(task);
  }

  /** Which of the missed instants (ascending) the catch-up policy runs. */
  #catchUps(task: Task<TAction>, missed: number[], now: number): number[] {
    const { policy, cap, deadlineMs } = task.def.catchUp;
    const inTime = (at: number): boolean => deadlineMs === 0 || now - at <= deadlineMs;
    if (policy === 'none' || missed.length === 0) return [];
    if (policy === 'latest') {
      const last = missed[missed.length - 1] as number;
      return inTime(last) ? [last] : [];
    }
    return missed.filter(inTime).slice(-cap);
  }

  /** Writes a 'missed' record for each listed instant that neither runs nor is on time, and one for the rest. */
  #recordMissed(
    task: Task<TAction>,
    listed: number[],
    onTime: number | null,
    toRun: number[],
    overflow: { total: number; exact: boolean; listed: number } | null,
    now: number,
    created: Run<TAction>[],
  ): void {
    const running = new Set(toRun);
    const reason = `catch-up policy '${task.def.catchUp.policy}'`;
    let lastMissed: number | null = null;
    for (const at of listed) {
      if (at === onTime || running.has(at)) continue;
      lastMissed = at;
      created.push(
        this.#missed(
          task,
          at,
          `TaskScheduler: missed: due ${iso(at)}, noticed ${iso(now)} (${reason})`,
        ),
      );
    }
    if (overflow) {
      const unlisted =
        overflow.total -
        overflow.listed -
        toRun.filter((t) => !listed.includes(t)).length -
        (onTime !== null && !listed.includes(onTime) ? 1 : 0);
      if (unlisted > 0) {
        const after = lastMissed ?? listed[listed.length - 1] ?? task.dueAt;
        created.push(
          this.#missed(
            task,
            null,
            `TaskScheduler: ${overflow.exact ? '' : 'at least '}${unlisted} more runs due after ${iso(after)} up to ${iso(now)} were missed (${reason}); they are counted here, not listed one by one`,
          ),
        );
      }
    }
    if (lastMissed !== null || overflow) {
      this.#logger.warn(
        `TaskScheduler: task '${task.def.name}' missed runs while the scheduler was not running (${reason})`,
      );
    }
  }

  #missed(task: Task<TAction>, scheduledFor: number | null, error: string): Run<TAction> {
    const run = this.#newRun({
      task,
      trigger: 'schedule',
      scheduledFor,
      attempt: 1,
      firstRunId: null,
      forced: false,
    });
    run.record.error = error;
    this.#settle(run, 'missed');
    return run;
  }

  #saveState(task: Task<TAction>): void {
    const store = this.#state;
    if (!store) return;
    const state: TaskState = { lastDueAt: task.lastDueAt, cycles: task.cycles };
    this.#persist(() => store.set(task.id, state));
  }

  #persist(write: () => Promise<void> | void): void {
    const fail = (error: unknown): void =>
      this.#logger.error(`TaskScheduler: saving task state failed: ${errorText(error)}`);
    try {
      const result = write();
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  // ---------------------------------------------------------------- runs

  #newRun(t: Trigger<TAction>): Run<TAction> {
    const runId = this.#newId();
    const { def } = t.task;
    const record: RunRecord = {
      runId,
      taskId: t.task.id,
      project: def.project,
      group: def.group,
      name: def.name,
      sessionId: this.#sessionId(),
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
    return new Run(t.task, record, t.forced, ++this.#runSeq);
  }

  /** Applies the overlap policy to a trigger: the run waits for a slot, or is skipped. */
  #submit(t: Trigger<TAction>): Run<TAction> {
    const run = this.#newRun(t);
    const task = t.task;
    if (!t.forced) {
      const { overlap, maxConcurrent } = task.def;
      let skip: string | null = null;
      if (overlap === 'skip' && task.running + task.waiting > 0) {
        skip = 'the previous run is still running (overlap: skip)';
      } else if (
        overlap === 'queue' &&
        task.running + task.waiting > 0 &&
        task.queuedByPolicy >= 1
      ) {
        skip = 'a run is already queued behind the running one (overlap: queue)';
      } else if (
        overlap === 'parallel' &&
        task.running >= maxConcurrent &&
        task.queuedByPolicy >= maxConcurrent
      ) {
        skip = `${maxConcurrent} runs are running and ${maxConcurrent} queued (overlap: parallel)`;
      } else if (overlap === 'replace') {
        for (const other of [...this.#active.values()]) {
          if (other.task === task)
            this.#abort(
              other,
              'canceled',
              `TaskScheduler: replaced by run ${run.record.runId} (overlap: replace)`,
            );
        }
      }
      if (skip !== null) {
        run.record.error = `TaskScheduler: skipped: ${skip}`;
        this.#settle(run, 'skipped');
        return run;
      }
      run.byPolicy = true;
      task.queuedByPolicy++;
    }
    task.waiting++;
    this.#active.set(run.record.runId, run);
    let i = this.#waiting.length;
    while (i > 0 && runsBefore(run, this.#waiting[i - 1] as Run<TAction>)) i--;
    this.#waiting.splice(i, 0, run);
    return run;
  }

  /** Starts waiting runs while slots are free: higher priority first, then earlier due time. */
  #pump(): void {
    for (let i = 0; i < this.#waiting.length && this.#runningCount < this.#globalConcurrency;) {
      const run = this.#waiting[i] as Run<TAction>;
      const limit = run.task.def.overlap === 'parallel' ? run.task.def.maxConcurrent : 1;
      if (run.task.running < limit) {
        this.#waiting.splice(i, 1);
        this.#start(run);
      } else i++;
    }
    for (const run of this.#waiting) {
      if (!run.queuedWritten) {
        run.queuedWritten = true;
        this.#write(run);
      }
    }
  }

  #start(run: Run<TAction>): void {
    const task = run.task;
    const now = this.#clock.now();
    task.waiting--;
    if (run.byPolicy) task.queuedByPolicy--;
    task.running++;
    this.#runningCount++;
    run.state = 'running';
    Object.assign(run.record, {
      status: 'running',
      startedAt: now,
      heartbeatAt: now,
    } satisfies Partial<RunRecord>);
    this.#write(run);
    if (this.#onEvent) this.#emit({ type: 'run:started', run: { ...run.record } });
    const timeoutMs = task.def.timeoutMs;
    run.timeoutMs = timeoutMs;
    if (timeoutMs > 0) {
      run.timeout = {
        kind: 'timeout',
        run,
        dueAt: now + timeoutMs,
        priority: TIMEOUT_PRIORITY,
        seq: 0,
        heapIndex: -1,
      };
      this.#heap.push(run.timeout);
    }
    const context: RunContext = {
      runId: run.record.runId,
      taskId: task.id,
      attempt: run.record.attempt,
      trigger: run.record.trigger,
      // Made on first use: an AbortController and its EventTarget cost ~10 us, which 1000 runs
      // started in the same second would pay although most actions never look at the signal.
      get signal(): AbortSignal {
        if (!run.controller) {
          run.controller = new AbortController();
          if (run.abortReason !== undefined) run.controller.abort(run.abortReason);
        }
        return run.controller.signal;
      },
      timeoutMs,
    };
    let outcome: Promise<RunOutcome>;
    try {
      outcome = Promise.resolve(this.#runner.run(task.action, context));
    } catch (error) {
      outcome = Promise.resolve({ status: 'failed', error: errorText(error) });
    }
    outcome.then(
      (o) => this.#finish(run, o),
      (error: unknown) => this.#finish(run, { status: 'failed', error: errorText(error) }),
    );
  }

  /**
   * Aborts a run. A waiting run ends at once. A running run gives up its slot at once, its signal
   * is aborted (a TimeoutError reason for timeouts, which runners report as 'timed-out'), and its
   * record waits for the runner's outcome, so partial output and the runner's own status are kept;
   * after ABORT_WAIT_MS without one, the record ends with `status` and no output.
   */
  #abort(run: Run<TAction>, status: 'canceled' | 'timed-out', reason: string): void {
    if (run.state === 'done' || run.state === 'aborting') return;
    if (status === 'canceled') run.noRetry = true;
    if (run.state === 'waiting') {
      this.#finish(run, { status, error: reason });
      return;
    }
    this.#release(run);
    const wait: AbortWaitNode<TAction> = {
      kind: 'abort-wait',
      run,
      dueAt: this.#clock.now() + ABORT_WAIT_MS,
      priority: TIMEOUT_PRIORITY,
      seq: 0,
      heapIndex: -1,
    };
    run.state = 'aborting';
    run.abort = { status, error: reason, wait };
    this.#abortingCount++;
    this.#heap.push(wait);
    run.abortReason = status === 'timed-out' ? timeoutReason(run.timeoutMs) : new Error(reason);
    run.controller?.abort(run.abortReason);
  }

  /** Gives back a running run's slot and drops its timeout. */
  #release(run: Run<TAction>): void {
    run.task.running--;
    this.#runningCount--;
    if (run.timeout) this.#heap.remove(run.timeout);
  }

  /** A run ended: the runner reported, a waiting run was dropped, or an aborted run's wait ran out. */
  #finish(run: Run<TAction>, reported: RunOutcome): void {
    if (run.state === 'done') return;
    const task = run.task;
    const wasRunning = run.state !== 'waiting';
    let outcome = reported;
    if (run.state === 'running') this.#release(run);
    else if (run.state === 'aborting' && run.abort) {
      this.#heap.remove(run.abort.wait);
      this.#abortingCount--;
      outcome = { ...reported, error: reported.error ?? run.abort.error };
    } else if (run.state === 'waiting') {
      task.waiting--;
      if (run.byPolicy) task.queuedByPolicy--;
      const i = this.#waiting.indexOf(run);
      if (i >= 0) this.#waiting.splice(i, 1);
    }
    this.#active.delete(run.record.runId);
    Object.assign(run.record, {
      exitCode: outcome.exitCode ?? null,
      httpStatus: outcome.httpStatus ?? null,
      stdout: outcome.stdout ?? null,
      stderr: outcome.stderr ?? null,
      error: outcome.error ?? null,
    } satisfies Partial<RunRecord>);
    const now = this.#clock.now();
    if (outcome.status === 'failed') {
      this.#logger.warn(
        `TaskScheduler: task '${task.def.name}' run ${run.record.runId} failed: ${outcome.error ?? 'no message'}`,
      );
    }
    if (outcome.status === 'succeeded' && task.def.resultCache)
      task.lastSuccess = { at: now, record: run.record };
    this.#settle(run, outcome.status);
    if (!wasRunning || task.removed) {
      this.#pump();
      this.#arm();
      return;
    }
    const { maxRetries, retryDelayMs, backoffFactor, retryMaxDelayMs } = task.def;
    if (
      (outcome.status === 'failed' || outcome.status === 'timed-out') &&
      run.record.attempt <= maxRetries &&
      !run.noRetry
    ) {
      const attempt = run.record.attempt;
      const delay = Math.min(retryDelayMs * backoffFactor ** (attempt - 1), retryMaxDelayMs);
      const retry: RetryNode<TAction> = {
        kind: 'retry',
        task,
        attempt: attempt + 1,
        firstRunId: run.record.firstRunId ?? run.record.runId,
        afterRunId: run.record.runId,
        dueAt: now + delay,
        priority: task.def.priority,
        seq: 0,
        heapIndex: -1,
      };
      this.#retries.set(retry.firstRunId, retry);
      this.#heap.push(retry);
    }
    const s = task.def.schedule;
    if (s.kind === 'routine' && task.running === 0 && task.waiting === 0 && !this.#heap.has(task)) {
      this.#plan(task, now + s.delayMs);
      if (!this.#heap.has(task)) this.#emit({ type: 'task:changed', taskId: task.id });
    }
    this.#pump();
    this.#arm();
  }

  /** Gives a run its final status, writes it, tells the host and resolves its `done`. */
  #settle(run: Run<TAction>, status: RunStatus): void {
    const now = this.#clock.now();
    run.state = 'done';
    run.record.status = status;
    run.record.endedAt ??= now;
    if (status === 'running' || status === 'queued') return;
    this.#write(run);
    const snapshot = { ...run.record };
    this.#emit({ type: 'run:finished', run: snapshot });
    run.resolve(snapshot);
  }

  /** Writes the run's record as it is now, after its earlier writes, never throwing. */
  #write(run: Run<TAction>): void {
    const snapshot = { ...run.record };
    run.writes = run.writes.then(async () => {
      try {
        await this.#sink.write(snapshot);
      } catch (error) {
        this.#logger.error(
          `TaskScheduler: writing run record ${snapshot.runId} failed: ${errorText(error)}`,
        );
      }
    });
  }

  #emit(event: EngineEvent): void {
    if (!this.#onEvent) return;
    try {
      this.#onEvent(event);
    } catch (error) {
      this.#logger.error(
        `TaskScheduler: an onEvent listener threw on ${event.type}: ${errorText(error)}`,
      );
    }
  }
}
