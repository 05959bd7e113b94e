import type { Job, RepeatOptions } from 'bullmq';
import { crontrayRepeatStrategy } from './cluster-schedule.js';

/** Enough for every job a worker can hold between taking it and running it. */
const REMEMBERED = 10_000;

function keyOf(name: string, count: number | undefined): string {
  return `${name}\u0000${count ?? 0}`;
}

/**
 * Where a scheduler tick's own account of due instants ends. When a worker takes a scheduler's
 * job, BullMQ plans the next job from the clock a moment later (after the job was marked taken,
 * `processedOn`), as the first instant after that moment. A tick planned only up to
 * `processedOn` left out an instant falling in between: neither run nor recorded missed (the
 * 48 ticks of 60,000 lost in the cluster bench). So the worker's repeatStrategy notes the moment
 * BullMQ asked it, per job (scheduler id and iteration), and the tick plans up to that moment:
 * the instants up to it are this job's, those after it belong to the next one.
 */
export class TickBoundary {
  readonly #asked = new Map<string, number>();

  /** BullMQ's `repeatStrategy` for the worker: Crontray's next time, noting when it was asked. */
  readonly strategy = (millis: number, opts: RepeatOptions, name?: string): number | undefined => {
    const next = crontrayRepeatStrategy(millis, opts);
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
   * The moment the next job of this job's scheduler was planned from, once (it is forgotten as
   * it is read); undefined when this worker did not plan it (then `processedOn` is the best known).
   */
  take(job: Job): number | undefined {
    // BullMQ hands the strategy `job.opts.repeat`, which its JobsOptions type leaves out.
    const repeat = (job.opts as { repeat?: RepeatOptions }).repeat;
    const key = keyOf(job.name, repeat?.count);
    const at = this.#asked.get(key);
    this.#asked.delete(key);
    return at;
  }
}
