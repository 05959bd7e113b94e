export interface GroupWriterOptions<S> {
  /** The state to write now; read when a write starts, so it includes every change so far. */
  current: () => S;
  /** Writes it durably (fsync'd) or throws. */
  write: (state: S) => Promise<void>;
  /** After a failed write, before the waiters hear of it: undo what was not written. */
  onFailure?: (error: unknown) => void;
}

/**
 * Group commit for a whole-file store (config.json, vault.json). Changes apply in memory and
 * call touch(); one write runs at a time and writes the newest state, so every change made
 * while a write is in flight shares the next one: a burst of 1,000 changes costs a few dozen
 * writes, and each caller still hears "saved" only after the fsync that covered its change.
 */
export class GroupWriter<S> {
  readonly #o: GroupWriterOptions<S>;
  /** Bumped by every change; #savedGen is the newest one on disk. */
  #gen = 0;
  #savedGen = 0;
  #waiters: { gen: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #loop: Promise<void> | null = null;

  constructor(options: GroupWriterOptions<S>) {
    this.#o = options;
  }

  /** Records that the state changed and has it written with the next group. */
  touch(): void {
    this.#gen++;
    this.#loop ??= this.#run();
  }

  /**
   * Resolves once every change so far is on disk; rejects with the write's error when the
   * group that held them failed (onFailure has run by then).
   */
  saved(): Promise<void> {
    if (this.#gen === this.#savedGen) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.#waiters.push({ gen: this.#gen, resolve, reject }),
    );
  }

  /** Resolves when no write is running or due; never rejects. */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  /**
   * #loop is cleared before the last waiters are told (their callbacks run later), so a change
   * they make next starts a new loop instead of being left behind by this one.
   */
  async #run(): Promise<void> {
    // One turn of the event loop first, so changes made together share the write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.#savedGen !== this.#gen) {
      const gen = this.#gen;
      try {
        await this.#o.write(this.#o.current());
      } catch (error) {
        // Everything not on disk is undone, and everyone waiting for one of those changes is told.
        this.#gen = this.#savedGen;
        this.#loop = null;
        this.#o.onFailure?.(error);
        for (const w of this.#waiters.splice(0)) w.reject(error);
        return;
      }
      this.#savedGen = gen;
      const done = this.#waiters.filter((w) => w.gen <= gen);
      this.#waiters = this.#waiters.filter((w) => w.gen > gen);
      if (this.#savedGen === this.#gen) this.#loop = null;
      for (const w of done) w.resolve();
      if (this.#loop === null) return;
    }
    this.#loop = null;
  }
}
