import type { ActiveRun } from './active-run.js';
import type { RegisteredTask } from './task-registry.js';

/**
 * The one order in which runs start: higher priority first, then the earlier due time (a run
 * with none last). Returns a negative number when (pa, sa) goes first.
 */
export function compareRank(pa: number, sa: number | null, pb: number, sb: number | null): number {
  if (pa !== pb) return pb - pa;
  const da = sa ?? Number.POSITIVE_INFINITY;
  const db = sb ?? Number.POSITIVE_INFINITY;
  return da < db ? -1 : da > db ? 1 : 0;
}

/** Waiting runs in start order; equal rank keeps arrival order. */
function runsBefore<T>(a: ActiveRun<T>, b: ActiveRun<T>): boolean {
  const c = compareRank(
    a.task.def.priority,
    a.record.scheduledFor,
    b.task.def.priority,
    b.record.scheduledFor,
  );
  return c !== 0 ? c < 0 : a.seq < b.seq;
}

/** What a task's overlap policy says about a new, not forced, trigger. */
export type Admission =
  | { kind: 'wait' }
  /** The run is written 'skipped' with this reason, a sentence for a person. */
  | { kind: 'skip'; reason: string }
  /** The task's running runs end 'canceled' and this one waits for a slot. */
  | { kind: 'replace' };

/** Applies the task's overlap policy (skip | queue | parallel | replace) to a new trigger. */
export function admission<TAction>(task: RegisteredTask<TAction>): Admission {
  const { overlap, maxConcurrent } = task.def;
  const busy = task.running + task.waiting > 0;
  if (overlap === 'skip' && busy) {
    return {
      kind: 'skip',
      reason: 'Skipped: the previous run was still running (overlap policy: skip).',
    };
  }
  if (overlap === 'queue' && busy && task.queuedByPolicy >= 1) {
    return {
      kind: 'skip',
      reason: 'Skipped: a run was already queued behind the running one (overlap policy: queue).',
    };
  }
  if (
    overlap === 'parallel' &&
    task.running >= maxConcurrent &&
    task.queuedByPolicy >= maxConcurrent
  ) {
    return {
      kind: 'skip',
      reason: `Skipped: ${maxConcurrent} runs were running and ${maxConcurrent} queued (overlap policy: parallel).`,
    };
  }
  return overlap === 'replace' ? { kind: 'replace' } : { kind: 'wait' };
}

/** Runs waiting for a slot, in start order. */
export class RunQueue<TAction> {
  readonly #waiting: ActiveRun<TAction>[] = [];

  get length(): number {
    return this.#waiting.length;
  }

  /** A copy, safe to iterate while runs leave the queue. */
  snapshot(): ActiveRun<TAction>[] {
    return [...this.#waiting];
  }

  add(run: ActiveRun<TAction>): void {
    const waiting = this.#waiting;
    let i = waiting.length;
    while (i > 0 && runsBefore(run, waiting[i - 1] as ActiveRun<TAction>)) i--;
    if (i === waiting.length) waiting.push(run);
    else waiting.splice(i, 0, run);
  }

  remove(run: ActiveRun<TAction>): void {
    const i = this.#waiting.indexOf(run);
    if (i >= 0) this.#waiting.splice(i, 1);
  }

  /**
   * Starts, in start order, the runs that may start now: while `free()` says a global slot is
   * left, each run whose task is under its own limit (maxConcurrent with 'parallel', else 1).
   * A run leaves the queue before it starts: an in-process action runs inside `start` and may
   * add or cancel runs itself.
   */
  startReady(free: () => boolean, start: (run: ActiveRun<TAction>) => void): void {
    const waiting = this.#waiting;
    for (let i = 0; i < waiting.length && free();) {
      const run = waiting[i] as ActiveRun<TAction>;
      const def = run.task.def;
      const limit = def.overlap === 'parallel' ? def.maxConcurrent : 1;
      if (run.task.running < limit) {
        // shift() at the head is O(1) in V8; splice(0, 1) moves every waiting run.
        if (i === 0) waiting.shift();
        else waiting.splice(i, 1);
        start(run);
      } else i++;
    }
  }

  /** Runs still waiting whose 'queued' record is not written yet; marks them written. */
  *unannounced(): Generator<ActiveRun<TAction>> {
    for (const run of this.#waiting) {
      if (!run.queuedWritten) {
        run.queuedWritten = true;
        yield run;
      }
    }
  }
}
