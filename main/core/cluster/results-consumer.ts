import { QueueEvents, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import { runRecord, runTrigger } from '../model/run.js';
import type { RunRecordInput } from '../store/run-records.js';
import { clusterRunId } from './catch-up-plan.js';
import { CLUSTER_PREFIX, RESULTS_QUEUE, bullQueueName } from './cluster-connection.js';
import { firstIssue, resultsJob } from './cluster-payloads.js';

/** Where cluster runs end up: the same writer local runs use. */
export interface ClusterRunSink {
  write(record: RunRecord): void | Promise<void>;
}

/** Fills a record's defaults (the sink takes complete records) and writes it. */
export async function writeRecord(sink: ClusterRunSink, input: RunRecordInput): Promise<RunRecord> {
  const record = runRecord.parse(input);
  await sink.write(record);
  return record;
}

/** What a worker reports through job progress when a run starts. */
const progressData = z.object({
  runId: z.string().min(1).max(64),
  startedAt: z.number(),
  worker: z.string().min(1).max(128),
  attempt: z.number().int().min(1),
  trigger: runTrigger,
  scheduledFor: z.number().nullable(),
  taskId: z.string().min(1).max(64),
  /** The first attempt's run id (retries); older workers leave it out. */
  firstRunId: z.string().min(1).max(64).nullable().optional(),
});

/** The part of a task a 'running' record needs, looked up by task id. */
export type TaskNames = (
  taskId: string,
) => { project: string; group: string; name: string } | undefined;

/** How many finished run ids are remembered, so a late 'started' never overwrites a final record. */
const FINISHED_MEMORY = 10_000;

/**
 * BullMQ's results-queue pattern: workers add each finished record to one queue and only the
 * controller consumes it, writing each record by its run id (a record delivered twice lands in
 * the same file). Results wait in Redis while the controller is away, so it catches up on start.
 * Starts come through QueueEvents as live progress and are written as 'running' records.
 */
export class ResultsConsumer {
  readonly #redis: Redis;
  readonly #sink: ClusterRunSink;
  readonly #names: TaskNames;
  readonly #logger: Logger;
  readonly #onRecord: (record: RunRecordInput) => void;
  #worker: Worker | null = null;
  readonly #events = new Map<string, { events: QueueEvents; connection: Redis }>();
  readonly #finished = new Set<string>();
  /** The latest 'running' record per BullMQ job, to close it when its worker died. */
  readonly #live = new Map<string, RunRecordInput>();
  /** The BullMQ job of each live run, so a finished run leaves #live without a scan. */
  readonly #liveJob = new Map<string, string>();

  constructor(
    redis: Redis,
    sink: ClusterRunSink,
    names: TaskNames,
    logger: Logger,
    onRecord: (record: RunRecordInput) => void,
  ) {
    this.#redis = redis;
    this.#sink = sink;
    this.#names = names;
    this.#logger = logger;
    this.#onRecord = onRecord;
  }

  async start(): Promise<void> {
    this.#worker = new Worker(RESULTS_QUEUE, (job: Job) => this.#consume(job), {
      connection: this.#redis,
      prefix: CLUSTER_PREFIX,
      concurrency: 16,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    this.#worker.on('error', (error: Error) =>
      this.#logger.debug(`Cluster: results: ${error.message}`),
    );
    await this.#worker.waitUntilReady();
  }

  /** Follows a task queue's progress events (idempotent). */
  async watchQueue(queue: string): Promise<void> {
    if (this.#events.has(queue)) return;
    // QueueEvents blocks on its connection (XREAD), so it gets one of its own.
    const connection = this.#redis.duplicate();
    connection.on('error', () => undefined);
    const events = new QueueEvents(bullQueueName(queue), { connection, prefix: CLUSTER_PREFIX });
    this.#events.set(queue, { events, connection });
    events.on('error', (error: Error) =>
      this.#logger.debug(`Cluster: events of ${queue}: ${error.message}`),
    );
    events.on('progress', ({ jobId, data }) => {
      this.#started(jobId, data).catch((error: unknown) =>
        this.#logger.warn(`Cluster: could not record a started run: ${String(error)}`),
      );
    });
    await events.waitUntilReady();
  }

  async #consume(job: Job): Promise<void> {
    const parsed = resultsJob.safeParse(job.data);
    if (!parsed.success) {
      const message = `Cluster: a result on the results queue is not a Crontray run record (${firstIssue(parsed.error, 'result')}); it was kept in Redis's failed list, not written`;
      this.#logger.warn(message);
      throw new Error(message);
    }
    const { worker } = parsed.data;
    const records = parsed.data.v === 1 ? [parsed.data.record] : parsed.data.records;
    for (const each of records) {
      const record: RunRecord = { ...each, worker };
      this.#remember(record.runId);
      await this.#sink.write(record);
      this.#onRecord(record);
    }
  }

  async #started(jobId: string, data: unknown): Promise<void> {
    const parsed = progressData.safeParse(data);
    if (!parsed.success) return; // progress of a job that is not Crontray's: nothing to show
    const p = parsed.data;
    const names = this.#names(p.taskId);
    if (names === undefined) return;
    const before = this.#live.get(jobId);
    if (before !== undefined && before.runId !== p.runId && !this.#finished.has(before.runId)) {
      // The same job started again elsewhere: the worker of the earlier attempt stopped mid-run.
      const interrupted: RunRecordInput = {
        ...before,
        status: 'interrupted',
        endedAt: p.startedAt,
        error: `Worker ${before.worker ?? '?'} stopped during this run (killed or cut off); the run was retried on ${p.worker} as attempt ${p.attempt}.`,
      };
      this.#remember(before.runId);
      await writeRecord(this.#sink, interrupted);
      this.#onRecord(interrupted);
    }
    if (this.#finished.has(p.runId)) return;
    const record: RunRecordInput = {
      runId: p.runId,
      taskId: p.taskId,
      ...names,
      status: 'running',
      trigger: p.trigger,
      scheduledFor: p.scheduledFor,
      startedAt: p.startedAt,
      endedAt: null,
      attempt: p.attempt,
      firstRunId: p.attempt > 1 ? (p.firstRunId ?? clusterRunId(jobId, 1)) : null,
      worker: p.worker,
    };
    const previous = this.#live.get(jobId);
    if (previous !== undefined) this.#liveJob.delete(previous.runId);
    this.#live.set(jobId, record);
    this.#liveJob.set(p.runId, jobId);
    await writeRecord(this.#sink, record);
    this.#onRecord(record);
  }

  #remember(runId: string): void {
    this.#finished.add(runId);
    if (this.#finished.size > FINISHED_MEMORY) {
      const oldest = this.#finished.values().next().value;
      if (oldest !== undefined) this.#finished.delete(oldest);
    }
    const jobId = this.#liveJob.get(runId);
    if (jobId !== undefined) {
      this.#liveJob.delete(runId);
      if (this.#live.get(jobId)?.runId === runId) this.#live.delete(jobId);
    }
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    for (const { events, connection } of this.#events.values()) {
      await events.close();
      connection.disconnect();
    }
    this.#events.clear();
  }
}
