import type { RunColumns } from './run-columns.js';
import type { RunFilter } from './run-filter.js';
import { rowMatcher } from './run-filter.js';
import type { RunSummary } from './run-summary.js';
import type { TaskFolders } from './task-folders.js';

/** Which runs to choose from: single runs by key, and task folders whose every run counts. */
export interface PickFrom {
  keys: Iterable<string>;
  folders: Iterable<string>;
}

export interface Picked {
  /** The page's runs, newest first, equal times by key. */
  items: RunSummary[];
  /** How many runs matched in all. */
  total: number;
}

/**
 * The runs of `from` that pass `filter` (its time window included), as one page. Search hands
 * tens of thousands of keys here: they are matched and ordered as rows of the columns, and
 * summaries are made for the page alone.
 */
export function pickRows(
  rows: RunColumns,
  folders: TaskFolders,
  from: PickFrom,
  filter: RunFilter,
  page: { offset: number; limit: number },
): Picked {
  const matches = rowMatcher(filter, rows, folders);
  const lo = filter.from ?? -Infinity;
  const hi = filter.to ?? Infinity;
  const found: number[] = [];
  const take = (row: number) => {
    const at = rows.at[row]!;
    if (at >= lo && at <= hi && matches(row)) found.push(row);
  };
  for (const key of from.keys) {
    const found = folders.locate(key, rows);
    if (found) take(found.row);
  }
  for (const rel of from.folders) {
    const folder = folders.find(rel);
    if (folder) for (let i = 0; i < folder.n; i++) take(folder.rows[i]!);
  }
  const keyOf = (row: number) => `${folders.byId(rows.folder[row]!).rel}/${rows.runId(row)}`;
  found.sort((a, b) => rows.at[b]! - rows.at[a]! || (keyOf(a) < keyOf(b) ? -1 : 1));
  const items = found
    .slice(page.offset, page.offset + page.limit)
    .map((row) => rows.summary(row, folders.byId(rows.folder[row]!)));
  return { items, total: found.length };
}
