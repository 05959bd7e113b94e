/**
 * A counting semaphore: at most `size` holders at once, the rest wait in order. Waiting can be
 * abandoned through an AbortSignal (a queued run that is canceled never starts).
 */
export class WorkerSlots {
  readonly size: number;
  #busy = 0;
  readonly #waiting: { grant: () => void }[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`WorkerSlots: size ${size} is not a positive integer; pass at least 1`);
    }
    this.size = size;
  }

  get busy(): number {
    return this.#busy;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const release = (): void => {
      this.#busy--;
      this.#waiting.shift()?.grant();
    };
    const once = (): (() => void) => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        release();
      };
    };
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#busy < this.size) {
      this.#busy++;
      return Promise.resolve(once());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#busy++;
          resolve(once());
        },
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }
}
