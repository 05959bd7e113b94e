import type { ConditionGate } from '../conditions/condition-gate.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { describeQuietWindow } from './quiet-windows.js';
import type { RunLifecycle } from './run-lifecycle.js';
import type { RunRecorder } from './run-recorder.js';
import type { Trigger } from './run-trigger.js';
import type { ChainJournal } from './task-chains.js';
import type { RegisteredTask } from './task-registry.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export interface ChainAdmissionDeps<TAction> {
  clock: Clock;
  recorder: RunRecorder<TAction>;
  lifecycle: RunLifecycle<TAction>;
  /** The conditions gate (made after the lifecycle, so asked for when needed); null: none. */
  gate: () => ConditionGate<RegisteredTask<TAction>> | null;
  chains: ChainJournal;
  /** A deferred run was submitted: start what may start and re-arm. */
  started: () => void;
}

/**
 * Where a chained run goes once its parent ended: the child's own quiet windows and conditions
 * apply to it as to any other run. Inside a quiet window it is written 'skipped' naming the
 * window, or waits for the window's end (the child's quiet policy); a child with conditions hands
 * it to the gate, which starts, skips or keeps it waiting by the child's conditions policy. A
 * deferred run stays in the chain journal until its record is written, so a restart during the
 * window starts it (or defers it again) once.
 */
export class ChainAdmission<TAction> {
  /** Runs waiting for a quiet window's end, by their timer. */
  readonly #deferred = new Map<TimerHandle, Trigger<RegisteredTask<TAction>>>();
  /** Deferred runs taken off their timers while the scheduler is stopped. */
  #held: Trigger<RegisteredTask<TAction>>[] = [];

  constructor(private readonly deps: ChainAdmissionDeps<TAction>) {}

  /** Submits the run (the caller pumps), records it skipped, defers it, or gives it to the gate. */
  admit(t: Trigger<RegisteredTask<TAction>>): void {
    const { clock, recorder, lifecycle } = this.deps;
    const plan = t.task.triggers?.plan;
    const now = clock.now();
    const quiet = plan?.quietAt(now) ?? null;
    if (plan !== undefined && quiet !== null) {
      const after = t.chain ? `after '${t.chain.parent.name}' (run ${t.chain.parent.runId})` : '';
      if (plan.quietPolicy === 'skip') {
        const reason = `Skipped: the run ${after} came at ${iso(now)}, inside the ${describeQuietWindow(quiet.window)} (until ${iso(quiet.to)}).`;
        recorder.notRun(t, 'skipped', reason, 'quiet-window');
        return;
      }
      this.#defer(t, quiet.to - now);
      return;
    }
    const gate = t.task.def.conditions === undefined ? null : this.deps.gate();
    if (gate !== null) gate.offer(t);
    else lifecycle.submit(t);
  }

  /** Waits for the window's end, then decides again (another window may follow at once). */
  #defer(t: Trigger<RegisteredTask<TAction>>, ms: number): void {
    const timer = this.deps.clock.setTimer(
      () => {
        this.#deferred.delete(timer);
        if (this.#again(t)) this.deps.started();
      },
      Math.max(0, ms),
    );
    this.#deferred.set(timer, t);
  }

  /**
   * The scheduler stopped: deferred runs leave their timers (a stopped app holds no timer open)
   * and stay in the journal; `resume` decides them again.
   */
  hold(): void {
    for (const [timer, t] of this.#deferred) {
      this.deps.clock.clearTimer(timer);
      this.#held.push(t);
    }
    this.#deferred.clear();
  }

  /** The scheduler started again: each held run is decided again at the current time. */
  resume(): void {
    const held = this.#held;
    this.#held = [];
    let any = false;
    for (const t of held) any = this.#again(t) || any;
    if (any) this.deps.started();
  }

  /** A deferred run decided again; false when its task is gone or disabled (it is dropped). */
  #again(t: Trigger<RegisteredTask<TAction>>): boolean {
    if (t.task.removed || !t.task.def.enabled) {
      // As after a restart: a chained run of a task gone or disabled is dropped.
      if (t.chain) void this.deps.chains.done(t.chain.child.runId).catch(() => undefined);
      return false;
    }
    this.admit(t);
    return true;
  }
}
