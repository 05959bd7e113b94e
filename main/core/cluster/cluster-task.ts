import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Action } from '../model/action.js';
import type { StoredTask } from '../model/task.js';
import type { ClusterKey } from './cluster-key.js';
import type { TickData } from './cluster-payloads.js';
import { clusterScheduleProblem, encodeTiming } from './cluster-schedule.js';

/** A task the controller puts on a cluster queue, with its action in clear (it encrypts it). */
export interface ClusterTaskDefinition {
  task: StoredTask;
  queue: string;
  action: Action;
}

/** What goes into Redis for one task: the scheduler's pattern, its job template and fingerprint. */
export interface SchedulerSpec {
  id: string;
  queue: string;
  pattern: string;
  data: TickData;
  opts: JobsOptions;
}

/**
 * Fingerprint of everything that shapes a task's runs, action included (hashed, never stored).
 * The ciphertext changes on every encryption (random nonce), so it cannot be compared itself.
 */
export function definitionFingerprint(
  def: ClusterTaskDefinition,
  keyId: string,
  graceMs: number,
  leadMs = 0,
): string {
  const { task } = def;
  const shape = {
    queue: def.queue,
    keyId,
    graceMs,
    ...(leadMs > 0 ? { leadMs } : {}),
    action: def.action,
    project: task.project,
    group: task.group,
    name: task.name,
    schedule: task.schedule,
    timezone: task.timezone ?? null,
    createdAt: task.createdAt,
    timeoutMs: task.timeoutMs,
    overlap: task.overlap,
    maxConcurrent: task.maxConcurrent,
    catchUp: task.catchUp,
    retry: [task.maxRetries, task.retryDelayMs, task.backoffFactor, task.retryMaxDelayMs],
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 32);
}

/**
 * Builds the scheduler for a task; throws a sentence when the task cannot run on a cluster.
 * `leadMs`: how long before each due instant its job is handed to the workers.
 */
export async function schedulerSpec(
  def: ClusterTaskDefinition,
  key: ClusterKey,
  graceMs: number,
  leadMs = 0,
): Promise<SchedulerSpec> {
  const { task } = def;
  const problem = clusterScheduleProblem(task.schedule);
  if (problem !== null) throw new Error(`Cluster: task '${task.name}': ${problem}`);
  const timezone = task.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const data: TickData = {
    v: 1,
    taskId: task.id,
    project: task.project,
    group: task.group,
    name: task.name,
    fingerprint: definitionFingerprint(def, key.id, graceMs, leadMs),
    keyId: key.id,
    action: await key.encrypt(JSON.stringify(def.action)),
    schedule: task.schedule,
    timezone,
    createdAt: task.createdAt,
    timeoutMs: task.timeoutMs,
    overlap: task.overlap,
    maxConcurrent: task.maxConcurrent,
    catchUp: task.catchUp,
    retry: {
      maxRetries: task.maxRetries,
      retryDelayMs: task.retryDelayMs,
      backoffFactor: task.backoffFactor,
      retryMaxDelayMs: task.retryMaxDelayMs,
    },
    graceMs,
  };
  return {
    id: task.id,
    queue: def.queue,
    pattern: encodeTiming({
      schedule: task.schedule,
      timezone,
      createdAt: task.createdAt,
      ...(leadMs > 0 ? { leadMs } : {}),
    }),
    data,
    opts: {
      attempts: task.maxRetries + 1,
      backoff: { type: 'crontray', delay: task.retryDelayMs },
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 100 },
    },
  };
}
