import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import type { TimeSource } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { atomicWrite } from '../fs/atomic-write.js';
import { idSchema } from '../model/names.js';
import type { RunOutcome } from '../actions/runner.js';

export interface ResultCacheOptions {
  /** Usually <dataDir>/cache/results. */
  dir: string;
  /** Default: the system clock. */
  clock?: TimeSource;
  /** Default: silent. */
  logger?: Logger;
}

/** A task's result cache policy, as in the task definition's `resultCache`. */
export interface ResultCachePolicy {
  /** A result older than this is never reused. */
  expireMs: number;
  /**
   * For Run now: reuse only a result at most this many seconds old. 0 always reruns.
   * Omitted: any result younger than expireMs is reused (a scheduled run's view).
   */
  toleranceSeconds?: number;
}

export interface CachedResult {
  outcome: RunOutcome;
  /** When the run that produced it ended, epoch ms. */
  storedAt: number;
  ageMs: number;
}

interface StoredResult {
  version: 1;
  storedAt: number;
  outcome: RunOutcome;
}

/**
 * The last successful outcome of each task, on disk, so "Run now" with a tolerance can answer
 * from it instead of running the action again. Only successes are stored: a failure is always
 * worth a retry.
 */
export class ResultCache {
  readonly dir: string;
  readonly #clock: TimeSource;
  readonly #logger: Logger;

  constructor(options: ResultCacheOptions) {
    this.dir = options.dir;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The cached outcome when it is young enough under `policy`, else null (and the caller runs the task). */
  async get(taskId: string, policy: ResultCachePolicy): Promise<CachedResult | null> {
    const path = this.#pathFor(taskId);
    let stored: StoredResult;
    try {
      stored = deserialize(await readFile(path)) as StoredResult;
      if (stored?.version !== 1 || typeof stored.storedAt !== 'number')
        throw new Error('unknown format');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.warn(
          `ResultCache: ignoring unreadable result file ${path}; the task will run`,
          error,
        );
      }
      return null;
    }
    const ageMs = this.#clock.now() - stored.storedAt;
    if (ageMs < 0 || ageMs > policy.expireMs) return null;
    const tolerance = policy.toleranceSeconds;
    if (tolerance !== undefined && (tolerance <= 0 || ageMs > tolerance * 1000)) return null;
    return { outcome: stored.outcome, storedAt: stored.storedAt, ageMs };
  }

  /** Stores a succeeded outcome as the task's latest result; other outcomes are ignored. Returns whether it was stored. */
  async put(taskId: string, outcome: RunOutcome): Promise<boolean> {
    const path = this.#pathFor(taskId);
    if (outcome.status !== 'succeeded') return false;
    const storedAt = this.#clock.now();
    let data: Buffer;
    try {
      data = serialize({ version: 1, storedAt, outcome } satisfies StoredResult);
    } catch (error) {
      // Functions and class instances cannot be serialized; the rest of the outcome still can.
      this.#logger.warn(
        `ResultCache: task ${taskId}'s result value cannot be stored; caching the run without it`,
        error,
      );
      data = serialize({
        version: 1,
        storedAt,
        outcome: { ...outcome, value: undefined },
      } satisfies StoredResult);
    }
    await atomicWrite(path, data);
    return true;
  }

  /** Forgets a task's cached result (the task changed or was deleted). */
  async invalidate(taskId: string): Promise<void> {
    await rm(this.#pathFor(taskId), { force: true });
  }

  #pathFor(taskId: string): string {
    if (!idSchema.safeParse(taskId).success) {
      throw new RangeError(`ResultCache: task id '${taskId}' must be 1-64 letters, digits, _ or -`);
    }
    return join(this.dir, `${taskId}.v8`);
  }
}
