import type { Queue } from 'bullmq';
import type { RunRecordInput } from '../store/run-records.js';
import { clusterRunId } from './catch-up-plan.js';
import type { ResultBatch } from './cluster-payloads.js';

/** At most this many records share one results job. */
const MAX_RECORDS = 100;
/** And at most about this many bytes of output and errors (records carry bounded output). */
const MAX_BYTES = 1024 * 1024;

interface Pending {
  record: RunRecordInput;
  resolve(): void;
  reject(error: unknown): void;
}

type Output = RunRecordInput['stdout'];

/** Roughly what a record weighs once serialized: its texts plus the fixed fields. */
function weight(record: RunRecordInput): number {
  const text = (o: Output) => (o ? o.head.length + o.tail.length : 0);
  return 512 + text(record.stdout) + text(record.stderr) + (record.error?.length ?? 0);
}

/**
 * Hands finished records to the results queue, several to one job when they come together.
 * One job per record cost a BullMQ script on the worker and another on the controller for each
 * run, a third of the Redis work of a no-op tick. Records are never held back to wait for company:
 * the first goes out on the next turn of the event loop, and those that arrive while an add is in
 * flight go together in the next one. `send` resolves once the record is in Redis, so a job is
 * only marked done after its record is safe (at-least-once holds: a worker killed before that
 * leaves the job to be retried).
 */
export class ResultBatcher {
  readonly #results: Queue;
  readonly #worker: string;
  readonly #queue: string;
  #pending: Pending[] = [];
  #flushing = false;

  constructor(results: Queue, worker: string, queue: string) {
    this.#results = results;
    this.#worker = worker;
    this.#queue = queue;
  }

  send(record: RunRecordInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ record, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#take();
      const message: ResultBatch = {
        v: 2,
        worker: this.#worker,
        queue: this.#queue,
        records: batch.map((p) => p.record),
      };
      try {
        await this.#results.add('results', message, {
          // Named by its runs: the same batch added twice is one job (and the controller writes
          // each record by its run id anyway).
          jobId: clusterRunId('batch', ...message.records.map((r) => r.runId)),
          removeOnComplete: true,
          removeOnFail: 1000,
        });
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.#flushing = false;
  }

  #take(): Pending[] {
    let bytes = 0;
    let n = 0;
    while (n < this.#pending.length && n < MAX_RECORDS) {
      bytes += weight((this.#pending[n] as Pending).record);
      if (n > 0 && bytes > MAX_BYTES) break;
      n++;
    }
    return this.#pending.splice(0, n);
  }
}
