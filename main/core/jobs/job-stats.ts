import type { RunStatus } from '../model/run.js';
import type { IndexEntry } from './run-index.js';
import type { RunSummary } from './run-summary.js';

/** Totals for a set of runs. */
export interface RunTotals {
  total: number;
  counts: Partial<Record<RunStatus, number>>;
  /** succeeded / (succeeded + failed + timed-out + interrupted); null when none of those exist. */
  successRate: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

export interface ProjectSummary extends RunTotals {
  project: string;
  groups: number;
  tasks: number;
  running: number;
  /** Newest run's time, epoch ms. */
  lastRunAt: number | null;
}

export interface DashboardStats extends RunTotals {
  failuresLast24h: RunSummary[];
  /** Per task, the durations of its latest finished runs, oldest first (for a chart). */
  durations: {
    taskId: string;
    name: string;
    points: { at: number; durationMs: number; status: RunStatus }[];
  }[];
  unreadableFiles: string[];
  perProject: Record<string, RunTotals>;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

class TotalsBuilder {
  total = 0;
  counts: Partial<Record<RunStatus, number>> = {};
  durations: number[] = [];

  add(s: RunSummary): void {
    this.total++;
    this.counts[s.status] = (this.counts[s.status] ?? 0) + 1;
    if (s.durationMs !== null && s.status !== 'running' && s.status !== 'queued')
      this.durations.push(s.durationMs);
  }

  build(): RunTotals {
    const c = this.counts;
    const ok = c.succeeded ?? 0;
    const judged = ok + (c.failed ?? 0) + (c['timed-out'] ?? 0) + (c.interrupted ?? 0);
    const sorted = this.durations.sort((a, b) => a - b);
    return {
      total: this.total,
      counts: { ...c },
      successRate: judged === 0 ? null : ok / judged,
      p50DurationMs: percentile(sorted, 50),
      p95DurationMs: percentile(sorted, 95),
    };
  }
}

/** Per-project summaries from the index, in project name order. */
export function projectSummaries(entries: Iterable<IndexEntry>): ProjectSummary[] {
  const byProject = new Map<
    string,
    {
      totals: TotalsBuilder;
      groups: Set<string>;
      tasks: Set<string>;
      running: number;
      last: number | null;
    }
  >();
  for (const e of entries) {
    const s = e.summary;
    let p = byProject.get(s.project);
    if (!p) {
      p = {
        totals: new TotalsBuilder(),
        groups: new Set(),
        tasks: new Set(),
        running: 0,
        last: null,
      };
      byProject.set(s.project, p);
    }
    p.totals.add(s);
    p.groups.add(s.group);
    p.tasks.add(e.task);
    if (s.status === 'running') p.running++;
    // Entries arrive newest first, so the first one seen is the latest.
    p.last ??= e.at;
  }
  return [...byProject.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, p]) => ({
      project,
      groups: p.groups.size,
      tasks: p.tasks.size,
      running: p.running,
      lastRunAt: p.last,
      ...p.totals.build(),
    }));
}

/** Everything the dashboard shows, in one pass over the (newest-first) index. */
export function dashboardStats(
  entries: Iterable<IndexEntry>,
  options: { now: number; unreadableFiles: string[]; pointsPerTask?: number },
): DashboardStats {
  const pointsPerTask = options.pointsPerTask ?? 50;
  const all = new TotalsBuilder();
  const perProject = new Map<string, TotalsBuilder>();
  const failuresLast24h: RunSummary[] = [];
  const since = options.now - 24 * 3600_000;
  const perTask = new Map<string, DashboardStats['durations'][number]>();
  for (const e of entries) {
    const s = e.summary;
    all.add(s);
    let p = perProject.get(s.project);
    if (!p) perProject.set(s.project, (p = new TotalsBuilder()));
    p.add(s);
    if (
      (s.status === 'failed' || s.status === 'timed-out') &&
      e.at >= since &&
      failuresLast24h.length < 50
    ) {
      failuresLast24h.push(s);
    }
    if (s.durationMs !== null && s.status !== 'running') {
      let t = perTask.get(s.taskId);
      if (!t) perTask.set(s.taskId, (t = { taskId: s.taskId, name: s.name, points: [] }));
      if (t.points.length < pointsPerTask)
        t.points.push({ at: e.at, durationMs: s.durationMs, status: s.status });
    }
  }
  for (const t of perTask.values()) t.points.reverse();
  return {
    ...all.build(),
    failuresLast24h,
    durations: [...perTask.values()],
    unreadableFiles: options.unreadableFiles,
    perProject: Object.fromEntries([...perProject.entries()].map(([k, b]) => [k, b.build()])),
  };
}

/** Runs 'running' with a heartbeat (else start) at or after `cutoff`, in the order given. */
export function runningRuns(unfinished: Iterable<IndexEntry>, cutoff: number): RunSummary[] {
  const out: RunSummary[] = [];
  for (const { summary: s } of unfinished)
    if (s.status === 'running' && (s.heartbeatAt ?? s.startedAt ?? 0) >= cutoff) out.push(s);
  return out;
}

/** The first `limit` runs of `newest` (newest first) from `since` on. */
export function recentRuns(
  newest: Iterable<IndexEntry>,
  since: number,
  limit: number,
): RunSummary[] {
  const out: RunSummary[] = [];
  for (const e of newest) {
    if (e.at < since || out.length >= limit) break;
    out.push(e.summary);
  }
  return out;
}
