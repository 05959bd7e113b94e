/**
 * How many files the core's own file I/O may hold open at once. A Linux desktop session's soft
 * limit is 1,024 descriptors and macOS's 256; sockets, the HTTP server, Electron and child
 * processes need the rest.
 */
export const DEFAULT_MAX_OPEN_FILES = 64;

/** Errors that mean "too many open files" (this process, or the whole system): wait and retry. */
export function isFdExhaustion(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

const RETRY_FIRST_MS = 5;
const RETRY_MAX_MS = 500;

/**
 * A counting semaphore for file descriptors. Every async open in the core (run records, config,
 * vault, journals, caches) goes through `run()`, so a burst of 1,000 writes holds at most `limit`
 * descriptors and queues the rest instead of opening them all at once. When the OS still says
 * EMFILE or ENFILE (another part of the process, or another process, holds the rest), the
 * operation waits and tries again rather than failing: a run record is never lost to it.
 */
export class FdGate {
  #limit: number;
  #inUse = 0;
  #peak = 0;
  #retries = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit = DEFAULT_MAX_OPEN_FILES) {
    this.#limit = checkLimit(limit);
  }

  /** Descriptors in use now, the most ever held, and how often EMFILE/ENFILE made us wait. */
  stats(): { inUse: number; peak: number; waiting: number; retries: number; limit: number } {
    return {
      inUse: this.#inUse,
      peak: this.#peak,
      waiting: this.#waiting.length,
      retries: this.#retries,
      limit: this.#limit,
    };
  }

  setLimit(limit: number): void {
    this.#limit = checkLimit(limit);
    this.#wakeWaiters();
  }

  /**
   * Runs `work` (which opens at most one descriptor and closes it before it settles) once a
   * slot is free; retries it while the OS reports descriptor exhaustion. Other errors pass.
   * `first` puts it ahead of the operations already waiting: for one that many others wait
   * for, such as the journal append that makes a thousand run records durable at once.
   */
  async run<T>(work: () => Promise<T>, options: { first?: boolean } = {}): Promise<T> {
    await this.#acquire(options.first ?? false);
    try {
      for (let delay = RETRY_FIRST_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
        try {
          return await work();
        } catch (error) {
          if (!isFdExhaustion(error)) throw error;
          this.#retries++;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    } finally {
      this.#release();
    }
  }

  /** `first`: ahead of every waiting operation (one that many others wait for). */
  #acquire(first: boolean): Promise<void> {
    if (this.#inUse < this.#limit) {
      this.#take();
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      first ? this.#waiting.unshift(resolve) : this.#waiting.push(resolve),
    );
  }

  #take(): void {
    this.#inUse++;
    if (this.#inUse > this.#peak) this.#peak = this.#inUse;
  }

  #release(): void {
    this.#inUse--;
    this.#wakeWaiters();
  }

  #wakeWaiters(): void {
    while (this.#inUse < this.#limit && this.#waiting.length > 0) {
      this.#take();
      this.#waiting.shift()?.();
    }
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`FdGate: limit must be a whole number of 1 or more (got ${limit})`);
  }
  return limit;
}

/** The one gate the whole core shares: descriptors are a per-process resource. */
export const fileGate = new FdGate();
