import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { redactRedisUrl, redisMemoryProblem } from './cluster-connection.js';
import { workerHeartbeat } from './cluster-payloads.js';
import { WORKERS_KEY } from './cluster-worker.js';

/** A worker is taken for gone when it has not said it is alive for this long (3 heartbeats). */
export const WORKER_SILENT_MS = 15_000;

export interface ClusterWorkerView {
  name: string;
  queue: string;
  host: string;
  pid: number;
  concurrency: number;
  running: number;
  heartbeatAt: number;
  alive: boolean;
  /** Why it stopped serving (e.g. the wrong cluster key), or null. */
  refused: string | null;
}

export interface ClusterQueueView {
  name: string;
  /** Cluster tasks on this queue. */
  tasks: number;
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  /** Workers alive on this queue. */
  workers: number;
}

/** What the GUI's cluster panel and the tray show. */
export interface ClusterStatus {
  /** The Redis URL with its password hidden. */
  url: string;
  connected: boolean;
  /** Why it is not connected, or why Redis cannot be used (a sentence), or null. */
  error: string | null;
  /**
   * What kind of trouble `error` is: Redis cannot be reached, or it answers but Crontray cannot
   * use it (it may evict keys, or it is full and refuses writes: a setting to change there).
   */
  trouble: 'unreachable' | 'unfit' | null;
  workers: ClusterWorkerView[];
  queues: ClusterQueueView[];
  /** Sentences for the user: a queue no worker serves, a worker that refused, ... */
  warnings: string[];
}

export interface StatusSources {
  redis: Redis | null;
  url: string;
  connected: boolean;
  error: string | null;
  /** The controller could not start because Redis is unfit (see RedisUnfitError). */
  unfit?: boolean;
  queues: { name: string; queue: Queue | null; tasks: number }[];
  now?: number;
}

/** Reads workers and queue depths; while Redis is away it answers with what it knows and why. */
export async function readClusterStatus(s: StatusSources): Promise<ClusterStatus> {
  const now = s.now ?? Date.now();
  const status: ClusterStatus = {
    url: redactRedisUrl(s.url),
    connected: s.connected,
    error: s.error,
    trouble: null,
    workers: [],
    queues: [],
    warnings: [],
  };
  if (!s.connected || s.redis === null) {
    const why = s.error?.replace(/^Cluster: /, '') ?? null;
    status.trouble = s.unfit === true ? 'unfit' : 'unreachable';
    status.warnings.push(
      s.unfit === true && why !== null
        ? `${why}. Tasks on this computer run as usual; cluster tasks are recorded missed until it is fixed.`
        : `The cluster is unreachable${why !== null ? `: ${why}` : ''}. Tasks on this computer run as usual; cluster tasks are recorded missed until it is back.`,
    );
    return status;
  }
  // Checked on every refresh: a policy changed with CONFIG SET, or a Redis that filled up since.
  const memory = redisMemoryProblem(await s.redis.info('memory'), s.url);
  if (memory !== null) {
    status.trouble = 'unfit';
    status.error = memory;
    status.warnings.push(`${memory}.`);
  }
  for (const worker of await readWorkers(s.redis, now)) {
    status.workers.push(worker);
    if (worker.refused !== null && now - worker.heartbeatAt < 24 * 3600_000)
      status.warnings.push(worker.refused);
  }
  status.workers.sort((a, b) => a.name.localeCompare(b.name));
  for (const q of s.queues) {
    const counts = q.queue
      ? await q.queue.getJobCounts('waiting', 'delayed', 'active', 'failed')
      : {};
    const workers = status.workers.filter((w) => w.alive && w.queue === q.name).length;
    status.queues.push({
      name: q.name,
      tasks: q.tasks,
      waiting: counts.waiting ?? 0,
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      failed: counts.failed ?? 0,
      workers,
    });
    if (workers === 0 && q.tasks > 0) {
      status.warnings.push(
        `No worker serves queue '${q.name}' (${q.tasks} task(s) wait there): start one with: crontray worker --redis <URL> --queue ${q.name}`,
      );
    }
  }
  return status;
}

/** Every worker's last heartbeat; an entry that is not one (another tool's, a torn write) is left out. */
async function readWorkers(redis: Redis, now: number): Promise<ClusterStatus['workers']> {
  const workers: ClusterStatus['workers'] = [];
  for (const text of Object.values(await redis.hgetall(WORKERS_KEY))) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const beat = workerHeartbeat.safeParse(json);
    if (!beat.success) continue;
    const b = beat.data;
    workers.push({
      name: b.name,
      queue: b.queue,
      host: b.host,
      pid: b.pid,
      concurrency: b.concurrency,
      running: b.running,
      heartbeatAt: b.heartbeatAt,
      alive: b.refused === null && now - b.heartbeatAt < WORKER_SILENT_MS,
      refused: b.refused,
    });
  }
  return workers;
}
