/** A job taken before its due instant, until it runs. `done()` may be called more than once. */
/** The jobs one BullMQ worker holds; it takes that many more than its run slots. */
export interface HoldCount {
  change(by: number): void;
}

export interface HeldTick {
  /** Resolves at the due instant, never before it (on this machine's clock). */
  until(): Promise<void>;
  done(): void;
}

/**
 * When a worker's runs may start. Jobs are handed to the workers a little before their due
 * instant, so BullMQ's fetch, lock and script round trips are paid before the instant, not after
 * it; each is held here until its instant, exactly (a timer may fire a millisecond early: it is
 * checked against the clock and waits again). A held job does not take one of the worker's run
 * slots: `hold` tells the BullMQ worker that took it how many it holds, so it takes that many
 * more jobs. Every run, held before or not, then takes one of `concurrency` slots.
 */
export class RunGate {
  readonly #concurrency: number;
  readonly #instants = new Map<number, Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
  }

  /**
   * Counts the job as held by `taker` at once (synchronously: BullMQ asks for its next job as
   * soon as the processor returns its promise) when its instant is still ahead.
   */
  hold(due: number, taker: HoldCount): HeldTick {
    if (due <= Date.now()) return { until: () => Promise.resolve(), done: () => undefined };
    taker.change(1);
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      taker.change(-1);
    };
    return {
      until: async () => {
        await this.#at(due);
        done();
      },
      done,
    };
  }

  /** One promise per instant: the thousand ticks due at once share one timer. */
  #at(due: number): Promise<void> {
    let at = this.#instants.get(due);
    if (at === undefined) {
      at = new Promise<void>((resolveAt) => {
        const check = () => {
          const left = due - Date.now();
          if (left > 0) setTimeout(check, left);
          else {
            this.#instants.delete(due);
            resolveAt();
          }
        };
        check();
      });
      this.#instants.set(due, at);
    }
    return at;
  }

  /** Waits for a run slot; the function given back frees it (once). */
  async slot(): Promise<() => void> {
    if (this.#running >= this.#concurrency) {
      await new Promise<void>((resolveSlot) => this.#waiting.push(resolveSlot));
    } else this.#running++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next in line, so the count stays right.
      if (next !== undefined) next();
      else this.#running--;
    };
  }
}
