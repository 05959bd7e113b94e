import { z } from 'zod';
import { idSchema } from '../model/names.js';
import { runRecord, runTrigger } from '../model/run.js';
import { scheduleSchema } from '../model/schedule.js';
import { catchUpPolicy, overlapPolicy } from '../model/task.js';

/**
 * Everything that crosses Redis is read back through these schemas: another version of Crontray,
 * a hand-made job or a damaged key must end in a clear error, never in a run with guessed fields.
 */

/** What a worker needs to run one tick of a task. The action is AES-256-GCM ciphertext. */
export const tickData = z.object({
  v: z.literal(1),
  taskId: idSchema,
  project: z.string().min(1).max(64),
  group: z.string().min(1).max(64),
  name: z.string().min(1).max(64),
  /** Changes whenever anything below changes; the controller upserts only on a new one. */
  fingerprint: z.string().min(1).max(64),
  /** Id of the cluster key the action was encrypted with. */
  keyId: z.string().min(1).max(16),
  action: z
    .string()
    .min(1)
    .max(4 * 1024 * 1024),
  schedule: scheduleSchema,
  timezone: z.string().max(64).nullable(),
  createdAt: z.number(),
  timeoutMs: z.number().int().min(0),
  overlap: overlapPolicy,
  maxConcurrent: z.number().int().min(1).max(100),
  catchUp: z.object({
    policy: catchUpPolicy,
    cap: z.number().int().min(1).max(1000),
    deadlineMs: z.number().int().min(0),
  }),
  retry: z.object({
    maxRetries: z.number().int().min(0).max(100),
    retryDelayMs: z.number().int().min(0),
    backoffFactor: z.number().min(1).max(10),
    retryMaxDelayMs: z.number().int().min(0),
  }),
  /** A due time handled later than this (ms) counts as missed and goes through catch-up. */
  graceMs: z.number().int().min(0),
  /** Set on jobs added by hand (Run now) and for catch-up runs; scheduler ticks leave it out. */
  trigger: runTrigger.optional(),
  scheduledFor: z.number().nullable().optional(),
  /**
   * The due instant of a scheduler's first job, set by the controller: that job may be handed
   * early or at once, so its time in Redis does not tell the instant (later jobs' times do).
   */
  firstDue: z.number().nullable().optional(),
});

/** A finished (or starting) run a worker hands back to the controller. */
export const resultMessage = z.object({
  v: z.literal(1),
  /** The worker's name (host:pid unless given). */
  worker: z.string().min(1).max(128),
  queue: z.string().min(1).max(64),
  record: runRecord,
});

/** Finished runs a worker hands back together (workers before batching sent one per job, v 1). */
export const resultBatch = z.object({
  v: z.literal(2),
  worker: z.string().min(1).max(128),
  queue: z.string().min(1).max(64),
  records: z.array(runRecord).min(1).max(100),
});

/** Either shape the results queue may hold. */
export const resultsJob = z.discriminatedUnion('v', [resultMessage, resultBatch]);

/** What a worker writes to the workers hash every few seconds. */
export const workerHeartbeat = z.object({
  name: z.string().min(1).max(128),
  queue: z.string().min(1).max(64),
  concurrency: z.number().int().min(1),
  host: z.string().max(256),
  pid: z.number().int(),
  startedAt: z.number(),
  heartbeatAt: z.number(),
  running: z.number().int().min(0),
  keyId: z.string().max(16),
  /** Set when the worker stopped serving, with why (e.g. the wrong cluster key). */
  refused: z.string().max(1024).nullable().default(null),
});

export type TickData = z.output<typeof tickData>;
export type ResultMessage = z.output<typeof resultMessage>;
export type ResultBatch = z.input<typeof resultBatch>;
export type WorkerHeartbeat = z.output<typeof workerHeartbeat>;

/** "data.schedule.kind: Invalid input" for the first problem, so logs name the bad field. */
export function firstIssue(error: z.ZodError, root: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${root}: invalid`;
  return `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`;
}
