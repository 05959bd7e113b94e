import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunRecordInput } from '../store/run-records.js';
import {
  CLUSTER_PREFIX,
  RedisUnfitError,
  bullQueueName,
  checkRedis,
  connectRedis,
  describeRedisError,
  queueNameSchema,
  redactRedisUrl,
} from './cluster-connection.js';
import type { ClusterKey } from './cluster-key.js';
import { tickData } from './cluster-payloads.js';
import { clusterRunId } from './catch-up-plan.js';
import { publishHold } from './cluster-hold.js';
import type { ClusterHold } from './cluster-hold.js';
import {
  clusterScheduleProblem,
  crontrayRepeatStrategy,
  decodeTiming,
  nextTickAfter,
} from './cluster-schedule.js';
import { readClusterStatus } from './cluster-status.js';
import type { ClusterStatus } from './cluster-status.js';
import type { ClusterTaskDefinition } from './cluster-task.js';
import { definitionFingerprint, schedulerSpec } from './cluster-task.js';
import { KEY_ID_KEY } from './cluster-worker.js';
import { MissedWhileDown } from './missed-while-down.js';
import { dueOf } from './tick-boundary.js';
import { ResultsConsumer } from './results-consumer.js';
import type { ClusterRunSink } from './results-consumer.js';

/** The queues the controller has ever put schedulers on, so reconcile finds them all. */
const QUEUES_KEY = `${CLUSTER_PREFIX}:queues`;

/**
 * The last instant a scheduler's jobs already handed out account for (0 for a new one). Its
 * pending job, which rewriting it replaces, stands for the instant after: a job handed early and
 * held by a worker runs its instant, so the rewritten scheduler must start after it, not run it
 * a second time.
 */
async function coveredBefore(queue: Queue, id: string): Promise<number> {
  const current = await queue.getJobScheduler(id);
  if (current?.next === undefined || current.next === null) return 0;
  const pending = await queue.getJob(`repeat:${id}:${current.next}`);
  const data = tickData.safeParse(pending?.data);
  if (pending !== undefined && data.success) return dueOf(pending, data.data) - 1;
  return current.next + (decodeTiming(current.pattern ?? undefined)?.leadMs ?? 0) - 1;
}

export interface ClusterControllerOptions {
  redisUrl: string;
  key: ClusterKey;
  /** Where run records go: the desktop's run-record writer. */
  sink: ClusterRunSink;
  logger?: Logger;
  /** A tick taken later than this (ms) counts as missed. Default 2,000. */
  graceMs?: number;
  /**
   * How long before its due instant each tick is handed to the workers, which hold it until the
   * instant: BullMQ's round trips are paid before it, not after. Default 500; 0 hands it at the
   * instant.
   */
  handOverMs?: number;
  /** Told about every record written and every change of connection. */
  onRecord?: (record: RunRecordInput) => void;
  /** `unfit`: Redis answered but cannot be used (it may evict keys, or it is full). */
  onStatusChange?: (connected: boolean, error: string | null, unfit: boolean) => void;
}

/**
 * The only writer of BullMQ job schedulers. config.json is the truth: `sync()` makes Redis match
 * the tasks it is given (on start and on every reconnect, since Redis may have come back empty),
 * and a scheduler is written only when its definition's fingerprint changed, never on every
 * start, which keeps clear of BullMQ's reported races between concurrent upserts.
 */
export class ClusterController {
  readonly #options: ClusterControllerOptions;
  readonly #logger: Logger;
  readonly #graceMs: number;
  readonly #leadMs: number;
  readonly #desired = new Map<string, ClusterTaskDefinition>();
  readonly #queues = new Map<string, Queue>();
  #redis: Redis | null = null;
  #results: ResultsConsumer | null = null;
  #missed: MissedWhileDown | null = null;
  #connected = false;
  #lastError: string | null = null;
  /** The last start failed because Redis is unfit, not unreachable. */
  #unfit = false;
  #syncing: Promise<void> = Promise.resolve();
  #closed = false;
  #hold: ClusterHold | null = null;

  constructor(options: ClusterControllerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#graceMs = options.graceMs ?? 2000;
    this.#leadMs = options.handOverMs ?? 500;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Connects, checks Redis (refusing an evicting one), publishes the key id, starts consuming. */
  async start(tasks: ClusterTaskDefinition[] = []): Promise<void> {
    const url = this.#options.redisUrl;
    for (const def of tasks) if (def.task.enabled) this.#desired.set(def.task.id, def);
    this.#missed ??= new MissedWhileDown(
      this.#options.sink,
      () => [...this.#desired.values()],
      this.#graceMs,
      this.#logger,
      (r) => this.#options.onRecord?.(r),
      () => this.#hold,
    );
    const redis = connectRedis(url, { connectionName: 'crontray-controller' });
    this.#redis = redis;
    redis.on('error', (error: Error) => {
      const message = describeRedisError(error, url);
      if (message !== this.#lastError) this.#logger.warn(`Cluster: ${message}`);
      this.#lastError = message;
    });
    try {
      await checkRedis(redis, url);
    } catch (error) {
      this.#redis = null;
      redis.disconnect();
      this.#unfit = error instanceof RedisUnfitError;
      // Unreachable at start is the same as lost later: its tasks' due times are recorded missed.
      this.#setConnected(false, error instanceof Error ? error.message : String(error));
      this.#missed.start();
      throw error;
    }
    this.#unfit = false;
    await redis.set(KEY_ID_KEY, this.#options.key.id);
    this.#results = new ResultsConsumer(
      redis,
      this.#options.sink,
      (id) => this.#desired.get(id)?.task,
      this.#logger,
      (r) => this.#options.onRecord?.(r),
    );
    await this.#results.start();
    this.#setConnected(true, null);
    redis.on('close', () =>
      this.#setConnected(
        false,
        this.#lastError ?? `Redis at ${redactRedisUrl(url)} closed the connection`,
      ),
    );
    redis.on('ready', () => {
      if (this.#closed) return;
      this.#setConnected(true, null);
      // Redis may have restarted empty: put back everything config.json defines.
      void this.#queueSync(async () => {
        await redis.set(KEY_ID_KEY, this.#options.key.id);
        await publishHold(redis, this.#hold);
        await this.#reconcile();
      });
    });
    await this.#queueSync(async () => {
      await publishHold(redis, this.#hold);
      await this.#reconcile();
    });
    this.#logger.info(
      `Cluster: connected to ${redactRedisUrl(url)}; ${this.#desired.size} cluster task(s)`,
    );
  }

  #setConnected(connected: boolean, error: string | null): void {
    if (this.#connected === connected && error === this.#lastError) return;
    this.#connected = connected;
    if (error !== null) this.#lastError = error;
    if (connected) this.#lastError = null;
    if (connected) this.#missed?.stop();
    else if (!this.#closed) this.#missed?.start();
    this.#options.onStatusChange?.(connected, this.#lastError, !connected && this.#unfit);
  }

  /** Runs sync steps one after another, so two changes never write the same scheduler at once. */
  #queueSync(step: () => Promise<void>): Promise<void> {
    // Not connected yet: the desired set is updated and reconcile on connect writes it.
    const next = this.#syncing
      .then(() => (this.#redis === null ? undefined : step()))
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.#logger.warn(
          `Cluster: could not bring Redis up to date (it is retried on reconnect): ${message}`,
        );
      });
    this.#syncing = next;
    return next;
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new Queue(bullQueueName(name), {
        connection: this.#redis as Redis,
        prefix: CLUSTER_PREFIX,
        settings: { repeatStrategy: crontrayRepeatStrategy },
      });
      queue.on('error', (error: Error) =>
        this.#logger.debug(`Cluster: queue ${name}: ${error.message}`),
      );
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** Makes Redis hold exactly the schedulers of the desired tasks. */
  async #reconcile(): Promise<void> {
    const redis = this.#redis as Redis;
    const known = new Set(await redis.smembers(QUEUES_KEY));
    for (const def of this.#desired.values()) known.add(def.queue);
    for (const name of known) {
      if (!queueNameSchema.safeParse(name).success) continue;
      const queue = this.#queue(name);
      await this.#results?.watchQueue(name);
      const present = new Map<string, string | undefined>();
      for (const s of await queue.getJobSchedulers(0, -1)) {
        const data = tickData.safeParse(s.template?.data);
        present.set(s.key, data.success ? data.data.fingerprint : undefined);
      }
      for (const [id, fingerprint] of present) {
        const def = this.#desired.get(id);
        if (def === undefined || def.queue !== name) await queue.removeJobScheduler(id);
        else if (fingerprint === this.#fingerprint(def))
          this.#logger.debug(`Cluster: ${id} unchanged`);
        else await this.#write(def);
      }
      for (const def of this.#desired.values()) {
        if (def.queue === name && !present.has(def.task.id)) await this.#write(def);
      }
    }
  }

  #fingerprint(def: ClusterTaskDefinition): string {
    return definitionFingerprint(def, this.#options.key.id, this.#graceMs, this.#leadMs);
  }

  async #write(def: ClusterTaskDefinition): Promise<void> {
    let spec;
    try {
      spec = await schedulerSpec(def, this.#options.key, this.#graceMs, this.#leadMs);
    } catch (error) {
      this.#logger.warn(error instanceof Error ? error.message : String(error));
      return;
    }
    await (this.#redis as Redis).sadd(QUEUES_KEY, spec.queue);
    await this.#results?.watchQueue(spec.queue);
    const queue = this.#queue(spec.queue);
    const timing = decodeTiming(spec.pattern);
    const from = Math.max(Date.now(), await coveredBefore(queue, spec.id));
    spec.data.firstDue = timing === null ? null : nextTickAfter(timing, from);
    await queue.upsertJobScheduler(
      spec.id,
      { pattern: spec.pattern },
      { name: spec.id, data: spec.data, opts: spec.opts },
    );
  }

  /**
   * Puts a task on its cluster queue, or updates it (only when its definition changed), or takes
   * it off when it is disabled. Throws a sentence for a queue name or schedule that cannot work.
   */
  async upsert(def: ClusterTaskDefinition): Promise<void> {
    const queue = queueNameSchema.safeParse(def.queue);
    if (!queue.success)
      throw new Error(`Cluster: ${queue.error.issues[0]?.message ?? 'bad queue name'}`);
    const problem = clusterScheduleProblem(def.task.schedule);
    if (problem !== null) throw new Error(`Cluster: task '${def.task.name}': ${problem}`);
    if (!def.task.enabled) return this.remove(def.task.id);
    const before = this.#desired.get(def.task.id);
    this.#desired.set(def.task.id, def);
    if (before !== undefined && this.#fingerprint(before) === this.#fingerprint(def)) return;
    await this.#queueSync(async () => {
      if (before !== undefined && before.queue !== def.queue) {
        await this.#queue(before.queue).removeJobScheduler(def.task.id);
      }
      await this.#write(def);
    });
  }

  /** Takes a task off the cluster (disabled, deleted or moved to this computer). */
  async remove(taskId: string): Promise<void> {
    const before = this.#desired.get(taskId);
    this.#desired.delete(taskId);
    if (before === undefined) return;
    await this.#queueSync(async () => {
      await this.#queue(before.queue).removeJobScheduler(taskId);
    });
  }

  /** Replaces the whole set (e.g. after config.json was reloaded) and reconciles. */
  async sync(tasks: ClusterTaskDefinition[]): Promise<void> {
    this.#desired.clear();
    for (const def of tasks) if (def.task.enabled) this.#desired.set(def.task.id, def);
    await this.#queueSync(() => this.#reconcile());
  }

  /**
   * The desktop's "Do not run until …" window (null: none), kept by the service in its data
   * folder: written to Redis now and on every connect, and applied by every worker at each run.
   */
  async setHold(hold: ClusterHold | null): Promise<void> {
    this.#hold = hold;
    await this.#queueSync(() => publishHold(this.#redis as Redis, this.#hold));
  }

  /** Run now: one job on the task's queue, outside its schedule. Returns the run's id. */
  async runNow(taskId: string, now = Date.now()): Promise<string> {
    const def = this.#desired.get(taskId);
    if (def === undefined) throw new Error(`Cluster: task ${taskId} is not on a cluster queue`);
    const spec = await schedulerSpec(def, this.#options.key, this.#graceMs);
    const jobId = `manual-${clusterRunId(taskId, now, Math.random())}`;
    await this.#queue(def.queue).add(
      taskId,
      { ...spec.data, trigger: 'manual', scheduledFor: now },
      { ...spec.opts, jobId },
    );
    return clusterRunId(jobId, 1);
  }

  async status(): Promise<ClusterStatus> {
    const queues = new Set([...this.#desired.values()].map((d) => d.queue));
    const redis = this.#connected ? this.#redis : null;
    return readClusterStatus({
      redis,
      url: this.#options.redisUrl,
      connected: this.#connected,
      error: this.#lastError,
      unfit: !this.#connected && this.#unfit,
      queues: [...queues].map((name) => ({
        name,
        queue: redis === null ? null : this.#queue(name),
        tasks: [...this.#desired.values()].filter((d) => d.queue === name).length,
      })),
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#missed?.stop();
    await this.#syncing;
    await this.#results?.close();
    for (const queue of this.#queues.values()) await queue.close();
    this.#queues.clear();
    if (this.#redis !== null && this.#redis.status !== 'end')
      await this.#redis.quit().catch(() => this.#redis?.disconnect());
  }
}
