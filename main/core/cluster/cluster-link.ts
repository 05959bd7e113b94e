import type { Logger } from '../log/logger.js';
import type { StoredTask } from '../model/task.js';
import type { VaultGetResult } from '../store/vault.js';
import { RedisUnfitError, redactRedisUrl } from './cluster-connection.js';
import { ClusterController } from './cluster-controller.js';
import type { ClusterHold } from './cluster-hold.js';
import { ClusterKey } from './cluster-key.js';
import type { ClusterStatus } from './cluster-status.js';
import type { ClusterTaskDefinition } from './cluster-task.js';
import type { ClusterRunSink } from './results-consumer.js';

export interface ClusterLinkOptions {
  dataDir: string;
  redisUrl: string;
  /** The task store: config.json is the truth about what runs on the cluster. */
  tasks: { listTasks(): StoredTask[]; getTask(id: string): StoredTask | undefined };
  vault: { get(taskId: string): Promise<VaultGetResult> };
  sink: ClusterRunSink;
  logger: Logger;
  /** Says something to the user (a task that cannot go on the cluster, the cluster lost...). */
  notice: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** Told when the status snapshot changes (the tray and window refresh). */
  onChange?: () => void;
  /** Read for CRONTRAY_CLUSTER_KEY. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The global "Do not run until …" window with its sentence (null: none). Default none. */
  hold?: () => ClusterHold | null;
}

/** The first retry of a failed start waits this long; each next one twice as long, up to 30 s. */
const FIRST_RETRY_MS = 1000;
/** How often the status snapshot (workers, queue depth) is refreshed while connected. */
const STATUS_EVERY_MS = 5000;

/**
 * The service's side of the cluster: feeds the controller the stored tasks whose "Run on" is a
 * cluster queue, follows every change, keeps a status snapshot for the tray and window, and
 * keeps trying (with backoff) when Redis is not there: a desktop must start without it.
 */
export class ClusterLink {
  readonly #options: ClusterLinkOptions;
  #controller: ClusterController | null = null;
  #snapshot: ClusterStatus;
  #retry: NodeJS.Timeout | null = null;
  #refresh: NodeJS.Timeout | null = null;
  #retryMs = FIRST_RETRY_MS;
  #closed = false;

  constructor(options: ClusterLinkOptions) {
    this.#options = options;
    this.#snapshot = {
      url: redactRedisUrl(options.redisUrl),
      connected: false,
      error: 'connecting',
      trouble: null,
      workers: [],
      queues: [],
      warnings: [],
    };
  }

  /** The latest status; never waits for Redis. */
  get status(): ClusterStatus {
    return this.#snapshot;
  }

  /** Starts the controller; never throws (a failure is shown and retried). */
  async start(): Promise<void> {
    const o = this.#options;
    const key = await ClusterKey.forController(o.dataDir, o.env);
    this.#controller = new ClusterController({
      redisUrl: o.redisUrl,
      key,
      sink: o.sink,
      logger: o.logger,
      onStatusChange: (connected, error, unfit) => {
        if (!connected && !this.#closed) {
          const why = error?.replace(/^Cluster: /, '') ?? 'connection lost';
          if (unfit) o.notice('error', `Cluster not started: ${why}.`);
          else o.notice('warning', `The cluster is unreachable: ${why}. Reconnecting.`);
        }
        void this.#refreshStatus();
      },
    });
    await this.#controller.setHold(o.hold?.() ?? null);
    this.#refresh = setInterval(() => void this.#refreshStatus(), STATUS_EVERY_MS);
    this.#refresh.unref();
    await this.#tryStart();
  }

  async #tryStart(): Promise<void> {
    const controller = this.#controller;
    if (controller === null || this.#closed) return;
    try {
      await controller.start(await this.#definitions());
      this.#retryMs = FIRST_RETRY_MS;
      this.#options.notice(
        'info',
        `Cluster: connected to ${redactRedisUrl(this.#options.redisUrl)}.`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const trouble = error instanceof RedisUnfitError ? 'unfit' : 'unreachable';
      this.#snapshot = { ...this.#snapshot, connected: false, error: message, trouble };
      this.#options.logger.warn(`${message} (retrying in ${this.#retryMs / 1000} s)`);
      this.#retry = setTimeout(() => void this.#tryStart(), this.#retryMs);
      this.#retry.unref();
      this.#retryMs = Math.min(30_000, this.#retryMs * 2);
    }
    await this.#refreshStatus();
  }

  async #definitions(): Promise<ClusterTaskDefinition[]> {
    const out: ClusterTaskDefinition[] = [];
    for (const task of this.#options.tasks.listTasks()) {
      const def = await this.#definition(task);
      if (def !== null && task.enabled) out.push(def);
    }
    return out;
  }

  async #definition(task: StoredTask): Promise<ClusterTaskDefinition | null> {
    if (task.runOn.kind !== 'cluster') return null;
    const got = await this.#options.vault.get(task.id);
    if (!got.ok) {
      this.#options.notice(
        'warning',
        `Task '${task.name}' stays off the cluster: its action cannot be read (${got.reason}).`,
      );
      return null;
    }
    return { task, queue: task.runOn.queue, action: got.action };
  }

  /** After any change to a task (or its deletion): put it on, update it, or take it off. */
  async taskChanged(taskId: string): Promise<void> {
    const controller = this.#controller;
    if (controller === null) return;
    const task = this.#options.tasks.getTask(taskId);
    const def = task === undefined ? null : await this.#definition(task);
    try {
      if (def === null || !def.task.enabled) await controller.remove(taskId);
      else await controller.upsert(def);
    } catch (error) {
      this.#options.notice('error', error instanceof Error ? error.message : String(error));
    }
    void this.#refreshStatus();
  }

  /** The "Do not run until …" was set, cleared or ended: the workers follow at once. */
  async holdChanged(): Promise<void> {
    await this.#controller?.setHold(this.#options.hold?.() ?? null);
  }

  /** Run now for a cluster task: one job on its queue. */
  async runNow(taskId: string): Promise<string> {
    if (this.#controller === null || !this.#controller.connected) {
      throw new Error(
        `Cluster: not connected (${this.#snapshot.error ?? 'starting'}); try again when the cluster is back`,
      );
    }
    return this.#controller.runNow(taskId);
  }

  async #refreshStatus(): Promise<void> {
    const controller = this.#controller;
    if (controller === null) return;
    try {
      const next = await controller.status();
      const before = JSON.stringify(this.#snapshot);
      this.#snapshot =
        next.connected || this.#snapshot.error === null
          ? next
          : { ...next, error: next.error ?? this.#snapshot.error };
      if (JSON.stringify(this.#snapshot) !== before) this.#options.onChange?.();
    } catch {
      // Redis went away between two reads: the next change of connection refreshes again.
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    if (this.#refresh !== null) clearInterval(this.#refresh);
    await this.#controller?.close();
  }
}
