import { z } from 'zod';

export const runStatus = z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed-out',
  'skipped',
  'missed',
  'canceled',
  'interrupted',
]);
/**
 * 'startup': a task's "when Crontray starts" event; 'wake': its "after the machine wakes";
 * 'chain': it runs after another task's run ("after task A").
 */
export const runTrigger = z.enum([
  'schedule',
  'manual',
  'catch-up',
  'retry',
  'startup',
  'wake',
  'chain',
]);

/**
 * Why a run was recorded 'skipped': its task's overlap policy, its conditions (policy 'skip', or
 * a later due time took the place of a waiting run), its quiet window, or the global "Do not
 * run until …".
 */
export const skipReason = z.enum(['overlap', 'conditions', 'quiet-window', 'do-not-run-until']);

/** A run of a task, by the keys the history finds it with. */
export const runRef = z.object({
  runId: z.string().min(1).max(64),
  taskId: z.string().min(1).max(64),
  project: z.string().min(1).max(64),
  group: z.string().min(1).max(64),
  name: z.string().min(1).max(64),
});

/** One stream's output, bounded: the first and last bytes, and whether anything was dropped. */
export const boundedOutput = z.object({
  head: z.string(),
  tail: z.string(),
  truncated: z.boolean(),
  totalBytes: z.number().int().min(0),
});

/**
 * One execution of a task, as written to <dataDir>/jobs/<project>/<group>/<task>/<runId>.json.
 * Times are epoch milliseconds.
 */
export const runRecord = z.object({
  runId: z.string().min(1).max(64),
  taskId: z.string().min(1).max(64),
  project: z.string().min(1).max(64),
  group: z.string().min(1).max(64),
  name: z.string().min(1).max(64),
  sessionId: z.string().max(64).nullable().default(null),
  status: runStatus,
  trigger: runTrigger,
  scheduledFor: z.number().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Updated while 'running' so a crashed writer can be told from a long run. */
  heartbeatAt: z.number().nullable().default(null),
  attempt: z.number().int().min(1).default(1),
  /** The first attempt's runId, for retries. */
  firstRunId: z.string().max(64).nullable().default(null),
  exitCode: z.number().int().nullable().default(null),
  httpStatus: z.number().int().nullable().default(null),
  stdout: boundedOutput.nullable().default(null),
  stderr: boundedOutput.nullable().default(null),
  error: z.string().max(16_384).nullable().default(null),
  /** True when Run now returned a cached result instead of running the action. */
  fromCache: z.boolean().default(false),
  /** The output rule that decided the status (alerts), e.g. "failure pattern /ERROR/ matched". */
  rule: z.string().max(512).optional(),
  /** The cluster worker that ran it (host:pid unless named); absent for runs on this computer. */
  worker: z.string().max(128).optional(),
  /** A run started by a chain (trigger 'chain'): the parent run it ran after. Absent otherwise. */
  parent: runRef.optional(),
  /** The runs this run's end started through chains ("after task A"). Absent when none. */
  chained: z.array(runRef).max(20).optional(),
  /** Why a 'skipped' run was skipped; absent on other runs and on records from before it was kept. */
  skipReason: skipReason.optional(),
});

export type RunStatus = z.output<typeof runStatus>;
export type RunTrigger = z.output<typeof runTrigger>;
export type SkipReason = z.output<typeof skipReason>;
export type BoundedOutput = z.output<typeof boundedOutput>;
export type RunRecord = z.output<typeof runRecord>;
export type RunRef = z.output<typeof runRef>;

/** Statuses after which a run will not change again: all but queued and running. */
export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set(
  runStatus.options.filter((s) => s !== 'queued' && s !== 'running'),
);
