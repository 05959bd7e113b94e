import type { Logger } from '../log/logger.js';
import type { TaskConditions } from '../model/conditions.js';
import type { Trigger } from '../schedule/run-trigger.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { UnmetCondition } from './condition-check.js';
import { checkConditions, waitingText } from './condition-check.js';
import { conditionPhrases, durationText } from './condition-words.js';
import type { SystemConditions } from './system-conditions.js';

/**
 * Waiting runs are re-checked at most this often by the timer. Power and network changes end a
 * wait at once through the provider's events; the timer is for what has no event (idle time,
 * a URL) and for providers without events.
 */
export const RECHECK_MS = 60_000;

/** What the gate needs of a task. */
export interface GatedTask {
  readonly id: string;
  readonly def: { readonly name: string; readonly conditions?: TaskConditions };
}

/** What the gate does with a run once its conditions are decided. */
export interface GateHost<TTask> {
  /** The conditions hold: the run goes on to the run queue (overlap policy and all). */
  start(trigger: Trigger<TTask>): void;
  /** Written 'skipped' with the reason (a chained run keeps its run id and parent). */
  skip(trigger: Trigger<TTask>, reason: string): void;
  /** Written 'missed' with the reason. */
  miss(trigger: Trigger<TTask>, reason: string): void;
  /** A task's waiting state changed (the tasks list shows it). */
  changed(taskId: string): void;
}

/** A run waiting for its task's conditions, as kept across a restart. */
export interface WaitingRun<TTask> {
  trigger: Trigger<TTask>;
  /** After this the run is recorded 'missed'. */
  deadlineAt: number;
  /** When it started waiting. */
  since: number;
  /** "waiting for AC power"; null while its first check is under way. */
  waitingFor: string | null;
}

interface Entry<TTask> extends WaitingRun<TTask> {
  unmet: UnmetCondition[] | null;
  checking: boolean;
  /** A change came while a check was under way: its answer may be stale, so check again. */
  again: boolean;
  done: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Holds runs of tasks with conditions until the conditions hold: skips them (policy 'skip'),
 * lets them wait until a change event or the once-a-minute re-check finds the conditions met,
 * or records them 'missed' at their deadline. One run of a task waits at a time: a later due
 * time takes the place of a waiting one (which is recorded 'skipped', saying so).
 */
export class ConditionGate<TTask extends GatedTask> {
  readonly #entries = new Set<Entry<TTask>>();
  readonly #waiting = new Map<string, Entry<TTask>>();
  #active = false;
  #unsubscribe: (() => void) | null = null;
  #timer: TimerHandle | null = null;
  #lastRecheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      provider: SystemConditions;
      host: GateHost<TTask>;
      /** Told the waiting runs after each change, to keep them across a restart. */
      onWaitingChange?: (runs: WaitingRun<TTask>[]) => void;
    },
  ) {}

  /** Runs are only decided while the scheduler runs; stopped, they keep waiting. */
  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#unsubscribe = this.deps.provider.onChange(() => this.recheck());
    this.recheck();
  }

  stop(): void {
    this.#active = false;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#clearTimer();
  }

  /** A due run of a task with conditions: checked now, then started, skipped or kept waiting. */
  offer(trigger: Trigger<TTask>): void {
    const c = trigger.task.def.conditions;
    if (c === undefined) {
      this.deps.host.start(trigger);
      return;
    }
    const now = this.deps.clock.now();
    const wait = c.policy === 'wait' ? c.deadlineMs : 0;
    const entry: Entry<TTask> = {
      trigger,
      deadlineAt: (trigger.scheduledFor ?? now) + wait,
      since: now,
      waitingFor: null,
      unmet: null,
      checking: false,
      again: false,
      done: false,
    };
    const older = this.#waiting.get(trigger.task.id);
    if (older) this.#replace(older, entry);
    this.#entries.add(entry);
    this.#persist();
    void this.#check(entry);
  }

  /** Offers the run when its task has conditions; false leaves it to the caller. */
  takes(trigger: Trigger<TTask>): boolean {
    if (trigger.task.def.conditions === undefined) return false;
    this.offer(trigger);
    return true;
  }

  /** Runs restored after a restart; they are checked when the scheduler starts. */
  resume(runs: readonly WaitingRun<TTask>[]): void {
    for (const run of runs) {
      if (run.trigger.task.def.conditions === undefined) continue;
      const entry: Entry<TTask> = { ...run, unmet: [], checking: false, again: false, done: false };
      const older = this.#waiting.get(run.trigger.task.id);
      if (older) this.#finish(older);
      this.#entries.add(entry);
      this.#waiting.set(run.trigger.task.id, entry);
    }
    this.#persist();
    if (this.#active) this.recheck();
  }

  /** What a task's run waits for, or null. */
  waitingFor(taskId: string): string | null {
    return this.#waiting.get(taskId)?.waitingFor ?? null;
  }

  /** Every run not decided yet (waiting, or at its first check). */
  waiting(): WaitingRun<TTask>[] {
    return [...this.#entries].map(({ trigger, deadlineAt, since, waitingFor }) => ({
      trigger,
      deadlineAt,
      since,
      waitingFor,
    }));
  }

  /** The task was removed, disabled or changed: its runs stop waiting, with no record. */
  forget(taskId: string): void {
    let any = false;
    for (const entry of this.#entries) {
      if (entry.trigger.task.id !== taskId) continue;
      this.#finish(entry);
      any = true;
    }
    if (!any) return;
    this.#persist();
    this.deps.host.changed(taskId);
  }

  /** Checks every waiting run again now (a change event, a wake). */
  recheck(): void {
    if (!this.#active) return;
    this.#lastRecheck = this.deps.clock.now();
    const checks = [...this.#entries].map((entry) => this.#check(entry));
    if (checks.length === 0) this.#arm();
    else void Promise.all(checks).then(() => this.#arm());
  }

  async #check(entry: Entry<TTask>): Promise<void> {
    const c = entry.trigger.task.def.conditions;
    if (entry.done || !this.#active || c === undefined) return;
    if (entry.checking) {
      entry.again = true;
      return;
    }
    entry.checking = true;
    const { unmet } = await checkConditions(this.deps.provider, c);
    entry.checking = false;
    if (entry.done || !this.#active) return;
    if (entry.again) {
      entry.again = false;
      await this.#check(entry);
      return;
    }
    this.#decide(entry, c, unmet);
  }

  #decide(entry: Entry<TTask>, c: TaskConditions, unmet: UnmetCondition[]): void {
    const { host, clock } = this.deps;
    const { task, scheduledFor } = entry.trigger;
    const due = scheduledFor === null ? '' : `due at ${iso(scheduledFor)}; `;
    if (unmet.length === 0) {
      this.#finish(entry);
      this.#settled(task.id);
      host.start(entry.trigger);
      return;
    }
    const readings = unmet.map((u) => u.reading).join('; ');
    if (c.policy === 'skip') {
      this.#finish(entry);
      this.#settled(task.id);
      const rule = conditionPhrases(c).join('; ');
      host.skip(entry.trigger, `Skipped: ${readings} (${due}this task runs ${rule}).`);
      return;
    }
    if (clock.now() >= entry.deadlineAt) {
      this.#finish(entry);
      this.#settled(task.id);
      const why = unmet.map((u) => u.atDeadline).join('; ');
      const waited = durationText(Math.max(0, entry.deadlineAt - (scheduledFor ?? entry.since)));
      host.miss(
        entry.trigger,
        `Missed: ${why} (${due}it waited ${waited} for ${unmet.map((u) => u.waitingFor).join(' and ')}; ${readings}).`,
      );
      return;
    }
    const known = entry.waitingFor;
    entry.unmet = unmet;
    entry.waitingFor = waitingText(unmet);
    const older = this.#waiting.get(task.id);
    if (older !== undefined && older !== entry) this.#replace(older, entry);
    this.#waiting.set(task.id, entry);
    if (known !== entry.waitingFor) {
      this.#persist();
      host.changed(task.id);
    }
    this.#arm();
  }

  /** A later run of the task takes the place of the one waiting. */
  #replace(older: Entry<TTask>, newer: Entry<TTask>): void {
    this.#finish(older);
    const at = newer.trigger.scheduledFor;
    const what = older.waitingFor ?? 'its conditions';
    this.deps.host.skip(
      older.trigger,
      `Skipped: it was ${what} when the run due at ${at === null ? 'a later time' : iso(at)} took its place (one run of a task waits at a time).`,
    );
  }

  #finish(entry: Entry<TTask>): void {
    entry.done = true;
    this.#entries.delete(entry);
    const id = entry.trigger.task.id;
    if (this.#waiting.get(id) === entry) this.#waiting.delete(id);
  }

  /** A run was decided: the list forgets it, and the tasks list stops showing it waiting. */
  #settled(taskId: string): void {
    this.#persist();
    this.deps.host.changed(taskId);
  }

  /** One timer: the earliest deadline, or the next once-a-minute re-check. */
  #arm(): void {
    this.#clearTimer();
    if (!this.#active || this.#waiting.size === 0) return;
    let at = this.#lastRecheck + RECHECK_MS;
    for (const entry of this.#waiting.values()) if (entry.deadlineAt < at) at = entry.deadlineAt;
    const clock = this.deps.clock;
    this.#timer = clock.setTimer(
      () => {
        this.#timer = null;
        this.recheck();
      },
      Math.max(0, at - clock.now()),
    );
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.deps.clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  #persist(): void {
    const save = this.deps.onWaitingChange;
    if (!save) return;
    try {
      save(this.waiting());
    } catch (error) {
      this.deps.logger.error(
        `TaskScheduler: saving the runs that wait for conditions failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
