import type { RunStatus } from '../model/run.js';
import type { JobCache } from './job-cache.js';
import { runTime } from './run-summary.js';

/** A past run as the timeline draws it: a bar from start to end (or a mark when it never ran). */
export interface TimelinePastRun {
  runId: string;
  taskId: string;
  project: string;
  group: string;
  name: string;
  status: RunStatus;
  /** When it started, else when it was due (skipped and missed runs never start). */
  at: number;
  /** When it ended; null while it runs or when it never started. */
  endedAt: number | null;
  scheduledFor: number | null;
  durationMs: number | null;
}

/**
 * The runs of [from, to] from the history index, oldest first, at most `cap` (the newest are
 * kept when there are more, since those are the ones a person usually looks for).
 */
export function pastRuns(
  jobs: JobCache,
  from: number,
  to: number,
  cap: number,
): { runs: TimelinePastRun[]; truncated: boolean } {
  const runs: TimelinePastRun[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = jobs.listAllJobs({ from, to, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const s of page.items) {
      if (runs.length >= cap) {
        truncated = true;
        break;
      }
      runs.push({
        runId: s.runId,
        taskId: s.taskId,
        project: s.project,
        group: s.group,
        name: s.name,
        status: s.status,
        at: runTime(s),
        endedAt: s.startedAt === null ? null : s.endedAt,
        scheduledFor: s.scheduledFor,
        durationMs: s.durationMs,
      });
    }
    cursor = truncated ? undefined : (page.nextCursor ?? undefined);
  } while (cursor);
  return { runs: runs.reverse(), truncated };
}
