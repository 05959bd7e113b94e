import type { TaskCreateInput } from '../model/task.js';

/**
 * What an import will do with one line of a crontab or one task of a bundle:
 * - task: becomes a new task;
 * - exists: a task of that name is already there (an earlier import), so it is left as it is;
 * - env: an environment line, applied to the tasks below it;
 * - note: a comment that becomes the notes of the task below it;
 * - skipped: not imported, and `message` says why.
 */
export type ImportOutcome = 'task' | 'exists' | 'env' | 'note' | 'skipped';

export interface ImportRow {
  /** 1-based line of the crontab; null for a bundle's tasks. */
  line: number | null;
  /** The line as written, or the task's name for a bundle. */
  text: string;
  outcome: ImportOutcome;
  /** A sentence for the user: what will be created, or why the line is not imported. */
  message: string;
  /** The task's name for 'task' and 'exists' rows. */
  name: string | null;
}

export interface ImportDraft {
  /** Index of its row in `rows`. */
  row: number;
  task: TaskCreateInput & { name: string };
  /** A bundle task's id where it was exported: chain links to it follow its new id. */
  sourceId?: string;
}

export interface ImportPlan {
  rows: ImportRow[];
  drafts: ImportDraft[];
}
