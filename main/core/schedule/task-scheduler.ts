import type { Logger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import type { TaskDefinitionInput } from '../model/task.js';
import { type Clock, systemClock } from '../time/clock.js';
import { CronCache } from './cron-cache.js';
import { DueHandler, type SchedulerNode } from './due-handler.js';
import type { EngineEvent } from './engine-event.js';
import type { InProcessAction } from './in-process-runner.js';
import { LastResult } from './last-result.js';
import { NextRunHeap } from './next-run-heap.js';
import { RetryChain } from './retry-chain.js';
import { ABORT_REASON, RunLifecycle } from './run-lifecycle.js';
import { RunQueue } from './run-queue.js';
import { RunRecorder } from './run-recorder.js';
import { TRIGGER, triggerOf } from './run-trigger.js';
import { errorText } from './scheduler-error.js';
import { resolveOptions, type TaskSchedulerOptions, wholeAtLeastOne } from './scheduler-options.js';
import type {
  CronTaskInput,
  IntervalTaskInput,
  OnceTaskInput,
  RoutineTaskInput,
  RunTicket,
  ScheduleTaskInput,
  TaskInfo,
  TaskPatch,
} from './task-inputs.js';
import { cronInput, intervalInput, onceInput, routineInput } from './task-inputs.js';
import { type RegisteredTask, TaskRegistry, taskInfo } from './task-registry.js';
import { type TriggerWindows, definitionRuns, triggerWindows } from './trigger-plan.js';
import { WakeTimer } from './wake-timer.js';
import { TaskChanges } from './task-changes.js';
import { WAKE_LATE_MS, eventTriggers } from './task-events.js';
import type { TriggerEvent } from '../model/triggers.js';
import type { ConditionGate } from '../conditions/condition-gate.js';
import { engineGate, waitingRunsOf } from '../conditions/engine-gate.js';
import type { WaitingRunState } from '../conditions/waiting-run-state.js';
import { ChainAdmission } from './chain-admission.js';
import { type ChainStart, TaskChains } from './task-chains.js';

export type { TaskSchedulerOptions } from './scheduler-options.js';
export type * from './task-inputs.js';

/**
 * The scheduling engine: cron, interval, routine and once tasks on one timer, with overlap,
 * retry, timeout, concurrency and catch-up policies. A facade over small units (registry, due
 * planner, wake timer, run queue, run lifecycle, retry chain); see README.md beside this file.
 */
export class TaskScheduler<TAction = InProcessAction> {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onEvent: ((event: EngineEvent) => void) | undefined;
  readonly #heap = new NextRunHeap<SchedulerNode<TAction>>();
  readonly #registry: TaskRegistry<TAction>;
  readonly #lastResult = new LastResult();
  readonly #retries: RetryChain<TAction>;
  readonly #queue = new RunQueue<TAction>();
  readonly #lifecycle: RunLifecycle<TAction>;
  readonly #due: DueHandler<TAction>;
  readonly #timer: WakeTimer;
  /** Holds runs of tasks with conditions (see core/conditions); null without a provider. */
  readonly #gate: ConditionGate<RegisteredTask<TAction>> | null;
  readonly #chains = new TaskChains<TAction>();
  readonly #admission: ChainAdmission<TAction>;
  readonly #changes: TaskChanges<TAction>;
  #started = false;
  /** The "when Crontray starts" event fires on the first start only, not after a pause. */
  #startedOnce = false;
  #stoppedAt: number | null = null;
  #warnedDelayMs = false;

  constructor(options: TaskSchedulerOptions<TAction> = {}) {
    const o = resolveOptions(options);
    this.#clock = o.clock;
    this.#logger = o.logger;
    this.#onEvent = o.onEvent;
    const emit = (event: EngineEvent): void => this.#emit(event);
    const cache = new CronCache(o.cronCacheSize);
    this.#registry = new TaskRegistry<TAction>({ ...o, cache });
    this.#retries = new RetryChain<TAction>(this.#heap);
    const recorder = new RunRecorder<TAction>({ ...o, emit });
    this.#lifecycle = new RunLifecycle<TAction>({
      ...o,
      heap: this.#heap,
      recorder,
      queue: this.#queue,
      retries: this.#retries,
      lastResult: this.#lastResult,
      emit,
      hasListener: o.onEvent !== undefined,
      routineIdle: (task, endedAt) => this.#due.routineIdle(task, endedAt),
      rearm: () => this.#arm(),
      chainsAfter: (record, now) => this.#chains.startsAfter(record, now, o.newId),
      admitChained: (t) => this.#admission.admit(t),
    });
    const gateParts = { lifecycle: this.#lifecycle, recorder, rearm: () => this.#arm(), emit };
    this.#gate = engineGate(o, gateParts);
    this.#admission = new ChainAdmission<TAction>({
      ...{ clock: o.clock, recorder, lifecycle: this.#lifecycle, chains: o.chains },
      gate: () => this.#gate,
      started: () => (this.#lifecycle.pump(), this.#arm()),
    });
    this.#due = new DueHandler<TAction>({
      ...o,
      cache,
      heap: this.#heap,
      registry: this.#registry,
      recorder,
      lifecycle: this.#lifecycle,
      retries: this.#retries,
      planner: o,
      emit,
      gate: this.#gate,
    });
    // Only the real clock can be waited on to the millisecond (see WakeTimer).
    const precise = o.clock === systemClock;
    this.#timer = new WakeTimer(o.clock, o.maxSleepMs, () => this.#tick(false), o.logger, precise);
    this.#changes = new TaskChanges<TAction>({
      ...{ clock: o.clock, registry: this.#registry, chains: this.#chains, due: this.#due },
      ...{ heap: this.#heap, gate: this.#gate, lastResult: this.#lastResult },
      lifecycle: this.#lifecycle,
      changed: (taskId) => this.#changed(taskId),
      info: (task) => this.#info(task),
    });
  }

  scheduleCron(input: CronTaskInput<TAction>): Promise<string> {
    return this.schedule(cronInput(input));
  }

  scheduleInterval(input: IntervalTaskInput<TAction>): Promise<string> {
    return this.schedule(intervalInput(input));
  }

  scheduleRoutine(input: RoutineTaskInput<TAction>): Promise<string> {
    return this.schedule(
      routineInput(input, (message) => {
        if (this.#warnedDelayMs) return;
        this.#warnedDelayMs = true;
        this.#logger.warn(`TaskScheduler: ${message}`);
      }),
    );
  }

  scheduleOnce(input: OnceTaskInput<TAction>): Promise<string> {
    return this.schedule(onceInput(input));
  }

  /**
   * Registers a task. Idempotent by definition: the same name, project, group, schedule, zone and
   * action give back the existing task's id.
   */
  schedule(input: ScheduleTaskInput<TAction>): Promise<string> {
    return this.#changes.schedule(input);
  }

  /** Removes a task; its running runs finish. Returns false for an unknown id. */
  unschedule(id: string): Promise<boolean> {
    return this.#changes.unschedule(id);
  }

  enable(id: string): Promise<void> {
    return this.#changes.enable(id);
  }

  disable(id: string): Promise<void> {
    return this.#changes.disable(id);
  }

  /**
   * Changes a task at once: the next due time is worked out again from now when the schedule or
   * zone changed; running runs keep the settings they started with.
   */
  update(id: string, patch: TaskPatch<TAction>): Promise<TaskInfo<TAction>> {
    return this.#changes.update(id, patch);
  }

  get(id: string): TaskInfo<TAction> | undefined {
    const task = this.#registry.get(id);
    return task ? this.#info(task) : undefined;
  }

  list(): TaskInfo<TAction>[] {
    return Array.from(this.#registry.values(), (t) => this.#info(t));
  }

  /**
   * The next `count` due instants of a task (by id) or of a definition not registered. Routines
   * are shown as if each run took no time.
   */
  nextRuns(idOrDefinition: string | TaskDefinitionInput, count = 5): number[] {
    const now = this.#clock.now();
    if (typeof idOrDefinition !== 'string') {
      const def = this.#registry.parse(idOrDefinition, now);
      const { cache } = this.#due.timing({ def, triggers: null } as RegisteredTask<TAction>);
      return definitionRuns(def, cache, now, count);
    }
    const task = this.#registry.require(idOrDefinition);
    if (!task.def.enabled || !this.#heap.has(task)) return [];
    return this.#due.upcoming(task, count);
  }

  /** A task's quiet spans in [fromMs, toMs) and random delay, as data (e.g. for a timeline). */
  triggerWindows(id: string, fromMs: number, toMs: number): TriggerWindows {
    return triggerWindows(this.#registry.require(id).triggers?.plan, fromMs, toMs);
  }

  /** A chained run kept from before a restart, not started yet: see RunLifecycle.resumeChain. */
  resumeChain(start: ChainStart): boolean {
    const task = this.#registry.get(start.child.taskId);
    const resumed = this.#lifecycle.resumeChain(task, start, this.#clock.now());
    this.#arm();
    return resumed;
  }

  // ---------------------------------------------------------------- running

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
      for (const task of this.#registry.values())
        if (this.#heap.has(task)) this.#due.place(task, now);
    }
    this.#stoppedAt = null;
    this.#timer.reset(now);
    this.#emit({ type: 'scheduler:state', running: true });
    if (!this.#startedOnce) this.#fire('start', now);
    this.#startedOnce = true;
    this.#tick(false);
    this.#gate?.start();
    this.#admission.resume();
  }

  /** How many runs may run at once (Settings), applied now: no restart needed. */
  setGlobalConcurrency(slots: number): void {
    wholeAtLeastOne('globalConcurrency', slots);
    this.#lifecycle.setGlobalConcurrency(slots);
  }

  /**
   * Stops arming. Runs waiting for a slot are canceled; running runs finish (or are canceled with
   * `cancelRunning`). Resolves when no run is left.
   */
  async stop(options: { cancelRunning?: boolean } = {}): Promise<void> {
    if (this.#started) {
      this.#started = false;
      this.#stoppedAt = this.#clock.now();
      this.#timer.clear();
      this.#gate?.stop();
      this.#admission.hold();
      this.#lifecycle.cancelWaiting(ABORT_REASON.stopped);
      this.#emit({ type: 'scheduler:state', running: false });
    }
    const running = [...this.#lifecycle.active.values()];
    if (options.cancelRunning)
      for (const run of running) this.#lifecycle.abort(run, 'canceled', ABORT_REASON.stopped);
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
   * The host says the machine woke (Electron's powerMonitor 'resume'): "after the machine wakes"
   * tasks run at once, instead of when the late timer notices (within 30 s), and only once: the
   * late timer is dropped. Then what fell due meanwhile is handled, as runPending does.
   */
  async wake(): Promise<RunRecord[]> {
    if (this.#started) {
      this.#timer.clear();
      this.#fire('wake', this.#clock.now());
    }
    return this.runPending();
  }

  /**
   * Runs a task now through the same path as a scheduled run (overlap policy, concurrency,
   * retries, timeout, records), with trigger 'manual'. With a result cache policy, a result
   * younger than `toleranceSeconds` (default the policy's) is returned instead, marked fromCache.
   */
  async runNow(id: string, options: { toleranceSeconds?: number } = {}): Promise<RunTicket> {
    const task = this.#registry.require(id);
    const now = this.#clock.now();
    const manual = triggerOf(task, TRIGGER.manual, now);
    const policy = task.def.resultCache;
    const memo = this.#lastResult.recall(id, policy, now, options.toleranceSeconds);
    if (memo) {
      const run = this.#lifecycle.fromMemo(manual, memo, now);
      return { runId: run.record.runId, done: run.done };
    }
    const run = this.#lifecycle.submit(manual);
    this.#lifecycle.pump();
    this.#arm();
    return { runId: run.record.runId, done: run.done };
  }

  /**
   * Gives a task with a result cache policy its last successful run, e.g. read back from the run
   * records after a restart, so Run now can answer from it as it would have before. Ignored for
   * tasks without the policy, for records that did not succeed, and when a newer one is known.
   */
  rememberResult(id: string, record: RunRecord): void {
    const task = this.#registry.require(id);
    if (!task.def.resultCache || record.status !== 'succeeded' || record.endedAt === null) return;
    const known = this.#lastResult.endedAt(id);
    if (known !== null && known >= record.endedAt) return;
    this.#lastResult.remember(id, record.endedAt, { ...record });
  }

  /**
   * Cancels a run and the retries of its chain not started yet. A waiting run ends 'canceled' at
   * once; a running one is aborted and ends with what its runner reports (normally 'canceled').
   * `runId` may also be a finished attempt whose retry is pending. False when nothing was canceled.
   */
  cancel(runId: string): boolean {
    if (!this.#lifecycle.cancel(runId)) return false;
    this.#arm();
    return true;
  }

  /** Gives back runs that waited for conditions (`onWaitingChange`'s last list) before start(). */
  resumeWaiting(runs: readonly WaitingRunState[]): void {
    this.#gate?.resume(waitingRunsOf(runs, this.#registry));
  }

  /** One wake: notices clock jumps, handles what is due, starts what may start, re-arms. */
  #tick(manual: boolean): ReturnType<DueHandler<TAction>['handle']> {
    const now = this.#clock.now();
    const notice = this.#timer.notice(now, !manual);
    if (notice?.kind === 'back') this.#due.clockWentBack(now);
    else if (notice?.kind === 'late' && notice.byMs >= WAKE_LATE_MS) {
      this.#fire('wake', now);
      this.#gate?.recheck();
    }
    const created = this.#due.handle(now, this.#started || manual, !manual);
    this.#lifecycle.pump();
    this.#arm();
    return created;
  }

  /** Submits a run of each task that starts on this event; the next pump starts them. */
  #fire(event: TriggerEvent, now: number): void {
    for (const t of eventTriggers(this.#registry.values(), event, now))
      if (!this.#gate?.takes(t)) this.#lifecycle.submit(t);
  }

  /** Arms the one timer for the earliest due node, or only runs' deadlines while stopped. */
  #arm(): void {
    const lifecycle = this.#lifecycle;
    if (this.#started) {
      this.#timer.arm(this.#heap.peek()?.dueAt ?? Number.POSITIVE_INFINITY);
    } else if (lifecycle.runningCount > 0 || lifecycle.abortingCount > 0) {
      // Stopped, but running runs still need their timeouts, and aborted ones their wait bound.
      this.#timer.arm(this.#due.earliestDeadline());
    } else this.#timer.arm(null);
  }

  #info(task: RegisteredTask<TAction>): TaskInfo<TAction> {
    const nextDueAt = this.#heap.has(task) ? task.dueAt : null;
    return taskInfo(task, nextDueAt, this.#gate?.waitingFor(task.id) ?? null);
  }

  /** A task changed: tell the host and re-arm. */
  #changed(taskId: string): void {
    this.#emit({ type: 'task:changed', taskId });
    this.#arm();
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
