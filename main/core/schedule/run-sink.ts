import type { RunRecord } from '../model/run.js';

/**
 * Where run records go (the run-record writer in the app). Each run is written 'running' first
 * (or 'queued' when it must wait), then once more in its final state; skipped and missed runs
 * are written once. A sink that throws or rejects is logged and never stops the engine.
 */
export interface RunSink {
  write(record: RunRecord): Promise<void> | void;
}

/** Keeps nothing: the default sink. */
export const nullRunSink: RunSink = { write() {} };

/** Keeps the last `capacity` records written (default 1000), for tests and small embedders. */
export class MemoryRunSink implements RunSink {
  readonly #capacity: number;
  #records: RunRecord[] = [];

  constructor(capacity = 1000) {
    this.#capacity = Math.max(1, capacity);
  }

  write(record: RunRecord): void {
    this.#records.push({ ...record });
    if (this.#records.length > this.#capacity)
      this.#records.splice(0, this.#records.length - this.#capacity);
  }

  /** Every kept record, oldest first, one entry per write. */
  records(): RunRecord[] {
    return [...this.#records];
  }

  /** The latest write of each run, in the order the runs were first written. */
  finalRecords(): RunRecord[] {
    const byRun = new Map<string, RunRecord>();
    for (const r of this.#records) {
      byRun.delete(r.runId);
      byRun.set(r.runId, r);
    }
    return [...byRun.values()].sort(
      (a, b) => this.#firstIndex(a.runId) - this.#firstIndex(b.runId),
    );
  }

  clear(): void {
    this.#records = [];
  }

  #firstIndex(runId: string): number {
    return this.#records.findIndex((r) => r.runId === runId);
  }
}
