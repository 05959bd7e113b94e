import type { RunStatus } from '../model/run.js';
import type { RunColumns } from './run-columns.js';
import { statusCode } from './run-columns.js';
import type { TaskFolder, TaskFolders } from './task-folders.js';

/** What listAllJobs filters on; every field is optional. */
export interface RunFilter {
  project?: string;
  group?: string;
  name?: string;
  taskId?: string;
  sessionId?: string;
  status?: RunStatus | RunStatus[];
  /** Runs at or after this instant (epoch ms, by start time, else due time). */
  from?: number;
  /** Runs at or before this instant. */
  to?: number;
  /** Page size. Default 100, at most 1000. */
  limit?: number;
  /** From a previous page's nextCursor. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** How many runs match the filter in all. */
  total: number;
}

/** A place in the index's order: a run's time and key. */
export interface Position {
  at: number;
  key: string;
}

/** The filter as a test on row numbers: codes compared, no summary made. */
export function rowMatcher(
  filter: RunFilter,
  rows: RunColumns,
  taskFolders: TaskFolders,
): (row: number) => boolean {
  const never = () => false;
  let folders: Set<number> | null = null;
  if (filter.project !== undefined || filter.group !== undefined || filter.name !== undefined) {
    folders = new Set(
      taskFolders
        .all()
        .filter(
          (f: TaskFolder) =>
            (filter.project === undefined || f.project === filter.project) &&
            (filter.group === undefined || f.group === filter.group) &&
            (filter.name === undefined || f.name === filter.name),
        )
        .map((f) => f.id),
    );
  }
  let taskId: number | undefined;
  if (filter.taskId !== undefined) {
    taskId = rows.taskIds.find(filter.taskId);
    if (taskId === undefined) return never;
  }
  let session: number | undefined;
  if (filter.sessionId !== undefined) {
    const code = rows.sessions.find(filter.sessionId);
    if (code === undefined) return never;
    session = code + 1;
  }
  const statuses =
    filter.status === undefined
      ? null
      : new Set(
          (Array.isArray(filter.status) ? filter.status : [filter.status]).map((s) =>
            statusCode.get(s),
          ),
        );
  return (row) =>
    (folders === null || folders.has(rows.folder[row]!)) &&
    (taskId === undefined || rows.taskId[row] === taskId) &&
    (session === undefined || rows.session[row] === session) &&
    (statuses === null || statuses.has(rows.status[row]));
}

export function encodeCursor(entry: Position): string {
  return Buffer.from(JSON.stringify([entry.at, entry.key])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const [at, key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'number' && typeof key === 'string') return { at, key };
  } catch {
    // Falls through to the error below.
  }
  throw new RangeError(
    'JobCache: cursor is not one this cache issued; pass nextCursor from the previous page unchanged',
  );
}
