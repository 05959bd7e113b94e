import type { TaskView } from '../../../../main/api/contract.js';
import type { RunStatus } from '../../../../main/core/model/run.js';

export interface TaskFilter {
  /** '' means any. */
  project: string;
  group: string;
  /** A last-run status, 'never' (no run yet), 'disabled', or '' for any. */
  status: RunStatus | 'never' | 'disabled' | '';
}

export const NO_FILTER: TaskFilter = { project: '', group: '', status: '' };

export function matchesFilter(task: TaskView, filter: TaskFilter): boolean {
  if (filter.project && task.project !== filter.project) return false;
  if (filter.group && task.group !== filter.group) return false;
  if (filter.status === 'never') return task.lastRun === null;
  if (filter.status === 'disabled') return !task.enabled;
  if (filter.status) return task.lastRun?.status === filter.status;
  return true;
}

/** The distinct values of a field, sorted, for the filter menus. */
export function distinct(tasks: readonly TaskView[], pick: (t: TaskView) => string): string[] {
  return [...new Set(tasks.map(pick))].sort((a, b) => a.localeCompare(b));
}
