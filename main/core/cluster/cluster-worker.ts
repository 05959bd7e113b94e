import { hostname } from 'node:os';
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ActionDispatcher } from '../actions/action-runner.js';
import type { ActionRunner } from '../actions/runner.js';
import type { Action } from '../model/action.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import {
  CLUSTER_PREFIX,
  RESULTS_QUEUE,
  bullQueueName,
  checkRedis,
  connectRedis,
  queueNameSchema,
  redactRedisUrl,
} from './cluster-connection.js';
import { HOLD_CHANNEL, HoldFollower } from './cluster-hold.js';
import type { ClusterKey } from './cluster-key.js';
import { tickData } from './cluster-payloads.js';
import type { WorkerHeartbeat } from './cluster-payloads.js';
import { crontrayRepeatStrategy } from './cluster-schedule.js';
import { TickBoundary } from './tick-boundary.js';
import { processTick, retryDelay } from './tick-processor.js';
import type { TickProcessorParts } from './tick-processor.js';
import { ResultBatcher } from './result-batcher.js';
import { RunGate } from './run-gate.js';
import { TaskLocks } from './task-lock.js';

/** Redis keys the controller and workers share (all under the hash-tag prefix). */
export const KEY_ID_KEY = `${CLUSTER_PREFIX}:cluster-key-id`;
export const WORKERS_KEY = `${CLUSTER_PREFIX}:workers`;
export const CANCEL_CHANNEL = `${CLUSTER_PREFIX}:cancel`;

/** BullMQ workers per worker process at most (fewer for fewer run slots). */
const TAKERS = 8;

export interface ClusterWorkerOptions {
  redisUrl: string;
  /** The cluster queue this worker serves. */
  queue: string;
  /** Runs at once. Default 1. */
  concurrency?: number;
  key: ClusterKey;
  /** Shown in run records and the controller's status. Default host:pid. */
  name?: string;
  /** Default an ActionDispatcher: the same shell, HTTP and script runners as on the desktop. */
  runner?: ActionRunner<Action>;
  logger?: Logger;
  /** BullMQ's job lock: a run whose worker stops renewing it is retried after this. Default 30,000. */
  lockDurationMs?: number;
  /** How often stalled runs are looked for. Default 30,000. */
  stalledIntervalMs?: number;
  /** The per-task overlap lock's lease. Default 15,000. */
  leaseMs?: number;
  /** How often this worker says it is alive. Default 5,000. */
  heartbeatMs?: number;
  /**
   * Jobs taken before their due instant and held until it, beyond the run slots. Default 1,000:
   * a thousand tasks due at the same second are all in hand before it.
   */
  maxHeld?: number;
}

/**
 * `crontray worker`: serves one cluster queue. It refuses to start with a cluster key other
 * than the controller's (and stops when a job shows one), so it never runs what it cannot read.
 */
export class ClusterWorker {
  readonly name: string;
  readonly queue: string;
  readonly #options: ClusterWorkerOptions;
  readonly #logger: Logger;
  readonly #runner: ActionRunner<Action>;
  readonly #startedAt = Date.now();
  readonly #runs = new Map<string, { taskId: string; controller: AbortController }>();
  readonly #boundary = new TickBoundary();
  readonly #hold: HoldFollower;
  #redis: Redis | null = null;
  #subscriber: Redis | null = null;
  #workers: Worker[] = [];
  #results: Queue | null = null;
  #tasks: Queue | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #refused: string | null = null;
  #refusedListeners: ((message: string) => void)[] = [];

  constructor(options: ClusterWorkerOptions) {
    const queue = queueNameSchema.safeParse(options.queue);
    if (!queue.success) {
      throw new Error(`Cluster worker: ${queue.error.issues[0]?.message ?? 'bad queue name'}`);
    }
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
      throw new Error(
        `Cluster worker: concurrency ${concurrency} must be a whole number from 1 to 1000`,
      );
    }
    this.queue = queue.data;
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    this.#options = { ...options, concurrency };
    this.#logger = options.logger ?? silentLogger;
    this.#runner = options.runner ?? new ActionDispatcher({ logger: this.#logger });
    this.#hold = new HoldFollower((message) => this.#logger.warn(message));
  }

  /** Why this worker stopped serving, or null. */
  get refused(): string | null {
    return this.#refused;
  }

  /** Called once if the worker refuses to go on (the wrong cluster key). */
  onRefused(listener: (message: string) => void): void {
    this.#refusedListeners.push(listener);
  }

  /** Connects, checks Redis and the key, then takes jobs. Throws a sentence when it cannot. */
  async start(): Promise<void> {
    const url = this.#options.redisUrl;
    const redis = connectRedis(url, { connectionName: `crontray-worker:${this.name}` });
    this.#redis = redis;
    redis.on('error', (error: Error) =>
      this.#logger.debug(`Cluster worker: Redis: ${error.message}`),
    );
    await checkRedis(redis, url);
    const published = await redis.get(KEY_ID_KEY);
    if (published !== null && published !== this.#options.key.id) {
      const message = `Cluster worker ${this.name}: refused: this worker's cluster key (id ${this.#options.key.id}) is not the controller's (id ${published}); copy cluster.key from the controller's data folder (or set CRONTRAY_CLUSTER_KEY to its contents)`;
      this.#refused = message;
      await this.#writeHeartbeat().catch(() => undefined);
      await this.#closeConnections();
      throw new Error(message);
    }
    if (published === null) {
      this.#logger.warn(
        `Cluster worker: no controller has used ${redactRedisUrl(url)} yet; waiting for tasks`,
      );
    }
    await this.#hold.refresh(redis);
    const connection = { connection: redis, prefix: CLUSTER_PREFIX };
    const results = new Queue(RESULTS_QUEUE, connection);
    const tasks = new Queue(bullQueueName(this.queue), {
      ...connection,
      settings: { repeatStrategy: crontrayRepeatStrategy },
    });
    this.#results = results;
    this.#tasks = tasks;
    await this.#subscribeCancels();
    this.#workers = this.#takers(connection, this.#parts(redis, results, tasks));
    for (const worker of this.#workers) await worker.waitUntilReady();
    await this.#writeHeartbeat();
    this.#heartbeat = setInterval(() => {
      this.#writeHeartbeat().catch(() => undefined);
      this.#hold.refresh(redis).catch(() => undefined);
    }, this.#options.heartbeatMs ?? 5000);
    this.#logger.info(
      `Cluster worker ${this.name}: serving queue ${this.queue} on ${redactRedisUrl(url)} with concurrency ${this.#options.concurrency ?? 1}`,
    );
  }

  /**
   * The BullMQ workers taking this queue's jobs, sharing the run slots. A BullMQ worker takes
   * one job at a time (a script to take it, one to plan its scheduler's next), and a job taken
   * early completes only after its instant, so a thousand ticks due together were still being
   * taken one by one well after their instant. Several takers take them side by side; each is
   * let take as many more jobs as it holds (up to its share of `maxHeld`).
   */
  #takers(
    connection: { connection: Redis; prefix: string },
    parts: Omit<TickProcessorParts, 'taker'>,
  ): Worker[] {
    const concurrency = this.#options.concurrency ?? 1;
    const count = Math.min(TAKERS, concurrency);
    const slots = Math.ceil(concurrency / count);
    const maxHeld = Math.ceil((this.#options.maxHeld ?? 1000) / count);
    return Array.from({ length: count }, () => {
      let held = 0;
      const worker: Worker = this.#takeJobs(connection, slots, {
        ...parts,
        taker: {
          change: (by: number) => {
            held += by;
            worker.concurrency = slots + Math.min(held, maxHeld);
          },
        },
      });
      return worker;
    });
  }

  /** One BullMQ worker on this queue: runs each job through processTick with Crontray's backoff. */
  #takeJobs(
    connection: { connection: Redis; prefix: string },
    concurrency: number,
    parts: TickProcessorParts,
  ): Worker {
    const worker = new Worker(
      bullQueueName(this.queue),
      (job: Job, _token?: string, signal?: AbortSignal) => processTick(parts, job, signal),
      {
        ...connection,
        name: this.name,
        concurrency,
        lockDuration: this.#options.lockDurationMs ?? 30_000,
        stalledInterval: this.#options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 1,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 1000 },
        settings: {
          repeatStrategy: this.#boundary.strategy,
          backoffStrategy: (attemptsMade, _type, _err, job) => {
            const data = tickData.safeParse(job?.data);
            return data.success ? retryDelay(data.data, attemptsMade) : 1000;
          },
        },
      },
    );
    worker.on('error', (error: Error) => this.#logger.warn(`Cluster worker: ${error.message}`));
    worker.on('failed', (job, error) =>
      this.#logger.debug(`Cluster worker: job ${job?.id ?? '?'} failed: ${error.message}`),
    );
    return worker;
  }

  #parts(redis: Redis, results: Queue, tasks: Queue): Omit<TickProcessorParts, 'taker'> {
    return {
      gate: new RunGate(this.#options.concurrency ?? 1),
      hold: this.#hold,
      worker: this.name,
      queue: this.queue,
      key: this.#options.key,
      runner: this.#runner,
      locks: new TaskLocks(redis, this.#options.leaseMs),
      boundary: this.#boundary,
      results: new ResultBatcher(results, this.name, this.queue),
      tasks,
      logger: this.#logger,
      onWrongKey: (message: string) => this.#refuse(message),
      registerRun: (taskId: string, jobId: string, controller: AbortController) => {
        this.#runs.set(jobId, { taskId, controller });
        return () => this.#runs.delete(jobId);
      },
      requestCancel: async (taskId: string, jobId: string) => {
        await redis.publish(CANCEL_CHANNEL, JSON.stringify({ taskId, jobId }));
      },
    };
  }

  async #subscribeCancels(): Promise<void> {
    const subscriber = (this.#redis as Redis).duplicate();
    this.#subscriber = subscriber;
    subscriber.on('error', () => undefined);
    await subscriber.subscribe(CANCEL_CHANNEL, HOLD_CHANNEL);
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === HOLD_CHANNEL) {
        this.#hold.refresh(this.#redis as Redis).catch(() => undefined);
        return;
      }
      let request: { taskId?: unknown; jobId?: unknown };
      try {
        request = JSON.parse(text) as { taskId?: unknown; jobId?: unknown };
      } catch {
        return;
      }
      for (const [jobId, run] of this.#runs) {
        if (run.taskId === request.taskId && jobId !== request.jobId) {
          run.controller.abort(new Error('replaced by a newer run (overlap policy replace)'));
        }
      }
    });
  }

  #refuse(message: string): void {
    if (this.#refused !== null) return;
    this.#refused = message;
    this.#logger.error(message);
    for (const listener of this.#refusedListeners) listener(message);
    for (const worker of this.#workers) worker.close(true).catch(() => undefined);
  }

  async #writeHeartbeat(): Promise<void> {
    const beat: WorkerHeartbeat = {
      name: this.name,
      queue: this.queue,
      concurrency: this.#options.concurrency ?? 1,
      host: hostname(),
      pid: process.pid,
      startedAt: this.#startedAt,
      heartbeatAt: Date.now(),
      running: this.#runs.size,
      keyId: this.#options.key.id,
      refused: this.#refused,
    };
    await this.#redis?.hset(WORKERS_KEY, this.name, JSON.stringify(beat));
  }

  /** Stops taking jobs, lets runs in flight finish (or stops them with `force`), then disconnects. */
  async close(force = false): Promise<void> {
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    if (force)
      for (const run of this.#runs.values())
        run.controller.abort(new Error('the worker is stopping'));
    await Promise.all(this.#workers.map((worker) => worker.close(force)));
    if (this.#refused === null) await this.#redis?.hdel(WORKERS_KEY, this.name).catch(() => 0);
    await this.#results?.close();
    await this.#tasks?.close();
    await this.#closeConnections();
  }

  async #closeConnections(): Promise<void> {
    this.#subscriber?.disconnect();
    this.#subscriber = null;
    if (this.#redis !== null && this.#redis.status !== 'end')
      await this.#redis.quit().catch(() => undefined);
  }
}
