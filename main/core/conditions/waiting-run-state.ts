import { z } from 'zod';
import { runTrigger } from '../model/run.js';

/**
 * A run waiting for its task's conditions, as a host keeps it across a restart
 * (`<dataDir>/conditions/waiting.json` in the app). Validated when read back: the file is input.
 */
export const waitingRunState = z.object({
  taskId: z.string().min(1).max(64),
  trigger: runTrigger,
  /** The due time the run stands for. */
  scheduledFor: z.number().nullable(),
  /** Catch-ups wait for a slot instead of being skipped by the overlap policy. */
  forced: z.boolean().default(false),
  /** After this the run is recorded 'missed'. */
  deadlineAt: z.number(),
  since: z.number(),
  /** "waiting for AC power"; null while its first check was under way. */
  waitingFor: z.string().max(2048).nullable(),
});

export const waitingRunsFile = z.object({
  version: z.literal(1),
  runs: z.array(waitingRunState).max(100_000),
});

export type WaitingRunState = z.output<typeof waitingRunState>;
export type WaitingRunsFile = z.output<typeof waitingRunsFile>;
