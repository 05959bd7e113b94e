import type { RunRecord, RunStatus } from '../model/run.js';

/**
 * What JobCache keeps in memory per run: the record without its output (which can be kilobytes
 * per run; 100,000 runs would not fit), plus the duration. readRun() loads the full record.
 */
export type RunSummary = Omit<RunRecord, 'stdout' | 'stderr'> & { durationMs: number | null };

/** A record without its output: what a summary is made from (a record from disk, or a row of the index file). */
export type SummarySource = Omit<RunRecord, 'stdout' | 'stderr'>;

export function toSummary(r: SummarySource): RunSummary {
  // Spelled out rather than spread: one object shape for 100,000 summaries keeps filters fast.
  return {
    runId: r.runId,
    taskId: r.taskId,
    project: r.project,
    group: r.group,
    name: r.name,
    sessionId: r.sessionId,
    status: r.status,
    trigger: r.trigger,
    scheduledFor: r.scheduledFor,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    heartbeatAt: r.heartbeatAt,
    attempt: r.attempt,
    firstRunId: r.firstRunId,
    exitCode: r.exitCode,
    httpStatus: r.httpStatus,
    error: r.error,
    fromCache: r.fromCache,
    durationMs:
      r.startedAt !== null && r.endedAt !== null ? Math.max(0, r.endedAt - r.startedAt) : null,
  };
}

/** The instant a run is ordered by: when it started, else when it was due, else when it ended. */
export function runTime(r: {
  startedAt: number | null;
  scheduledFor: number | null;
  endedAt: number | null;
}): number {
  return r.startedAt ?? r.scheduledFor ?? r.endedAt ?? 0;
}

/** Statuses of runs that are not over yet. */
export const UNFINISHED: ReadonlySet<RunStatus> = new Set(['queued', 'running']);
