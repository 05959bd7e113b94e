import type { Job, RepeatOptions } from 'bullmq';
import type { TickData } from './cluster-payloads.js';
import { decodeTiming, handOverStrategy } from './cluster-schedule.js';

/** Enough for every job a worker can hold between taking it and running it. */
const REMEMBERED = 10_000;

function keyOf(name: string, count: number | undefined): string {
  return `${name}\u0000${count ?? 0}`;
}

/** The repeat options BullMQ keeps on a scheduler's job (its JobsOptions type leaves them out). */
function repeatOf(job: Job): RepeatOptions | undefined {
  return (job.opts as { repeat?: RepeatOptions }).repeat;
}

/** How early the scheduler's jobs are handed to the workers (ms; 0 for older schedulers). */
export function leadOf(job: Job): number {
  return decodeTiming(repeatOf(job)?.pattern)?.leadMs ?? 0;
}

/**
 * The due instant of a job: the one it carries (catch-ups, extra instants, Run now), the first
 * due instant the controller wrote for a scheduler's first job, or, for the jobs workers plan,
 * the job's time plus the scheduler's lead (handOverStrategy never lets BullMQ move that time).
 */
export function dueOf(job: Job, data: TickData): number {
  if (data.scheduledFor !== undefined && data.scheduledFor !== null) return data.scheduledFor;
  const planned = job.opts.prevMillis ?? job.timestamp;
  const count = repeatOf(job)?.count;
  if (count === undefined || count <= 1) return data.firstDue ?? planned;
  return planned + leadOf(job);
}

/**
 * Where a scheduler tick's own account of due instants ends. When a worker takes a scheduler's
 * job, BullMQ plans the next job from the clock a moment later (after the job was marked taken,
 * `processedOn`). A tick planned only up to `processedOn` left out an instant falling in between:
 * neither run nor recorded missed (the 48 ticks of 60,000 lost in the cluster bench). So the
 * worker's repeatStrategy notes the moment BullMQ asked it, per job (scheduler id and iteration),
 * and the tick accounts for the instants up to that moment plus the scheduler's lead (the next
 * job is handed that much before its instant, so the ones up to there are this job's): some of
 * them may still be ahead.
 */
export class TickBoundary {
  readonly #asked = new Map<string, number>();

  /** BullMQ's `repeatStrategy` for the worker: Crontray's next time, noting when it was asked. */
  readonly strategy = (millis: number, opts: RepeatOptions, name?: string): number | undefined => {
    const next = handOverStrategy(millis, opts);
    if (name !== undefined) {
      this.#asked.set(keyOf(name, opts.count), millis);
      if (this.#asked.size > REMEMBERED) {
        const oldest = this.#asked.keys().next().value;
        if (oldest !== undefined) this.#asked.delete(oldest);
      }
    }
    return next;
  };

  /**
   * The last instant this job accounts for, once (it is forgotten as it is read): the moment the
   * next job of its scheduler was planned from, plus the lead; undefined when this worker did not
   * plan it (then `processedOn` plus the lead is the best known).
   */
  take(job: Job): number | undefined {
    const key = keyOf(job.name, repeatOf(job)?.count);
    const at = this.#asked.get(key);
    this.#asked.delete(key);
    return at === undefined ? undefined : at + leadOf(job);
  }
}
