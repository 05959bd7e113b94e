import { z } from 'zod';
import { idSchema, projectName, groupName, taskName } from '../../core/model/names.js';
import { instant } from '../../core/model/schedule.js';
import { runStatus } from '../../core/model/run.js';
import type { RunRecord } from '../../core/model/run.js';
import type { LedgerSession } from '../../core/routine/session-ledger-lines.js';
import type { RunSummary } from '../../core/jobs/run-summary.js';
import type { Page } from '../../core/jobs/run-index.js';
import type { DashboardStats as JobDashboardStats } from '../../core/jobs/job-stats.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';
import { empty } from './request-parts.js';

/** A session of the scheduler, as the ledger keeps it (its summary line is left out). */
export type SessionView = Omit<LedgerSession, 'summary'>;

export type { RunSummary, Page };

/** What the dashboard shows; JobCache computes it from the run index. */
export type DashboardStats = Omit<JobDashboardStats, 'perProject'>;

export interface CacheEntry {
  name: string;
  sizeBytes: number;
  modifiedAt: number;
  ageMs: number;
}

const runKey = z
  .object({ project: projectName, group: groupName, name: taskName, runId: idSchema })
  .strict();

/** The history's filters; search takes them too. */
export const runFilter = z
  .object({
    taskId: idSchema.optional(),
    project: projectName.optional(),
    group: groupName.optional(),
    status: runStatus.optional(),
    from: instant('from').optional(),
    to: instant('to').optional(),
    sessionId: idSchema.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(256).optional(),
  })
  .strict();

/** Sessions, runs and the dashboard from the run index; the disk caches. */
export const historyChannels = {
  'history:sessions': channel<Page<SessionView>>()(
    z
      .object({
        limit: z.number().int().min(1).max(1000).default(50),
        cursor: z.string().max(256).optional(),
      })
      .strict(),
  ),
  'history:runs': channel<Page<RunSummary>>()(runFilter),
  'history:run': channel<RunRecord>()(runKey),
  'history:stats': channel<DashboardStats>()(empty),
  'history:delete': channel<{ deleted: true }>()(runKey),

  'cache:list': channel<CacheEntry[]>()(empty),
  'cache:clear': channel<{ removed: number }>()(
    z
      .object({ name: z.string().max(256).optional() })
      .strict()
      .optional(),
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
