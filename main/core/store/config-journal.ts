import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { atomicWriteSync } from '../fs/atomic-write.js';
import type { StoredTask } from '../model/task.js';
import type { Settings } from './config-schema.js';
import { readChangeJournal, removeChangeJournalSync } from './change-journal.js';

/** config.json's change journal, beside it in the data folder. */
export const CONFIG_JOURNAL_NAME = 'config-changes.jsonl';

const FORMAT = 'crontray-config-changes';

/** The first line of a new journal: the config format its lines are written in. */
export function configJournalHeader(version: string): object {
  return { format: FORMAT, version };
}

/** The journal lines for a group of changes: each changed task whole (or its deletion), and the settings if they changed. */
export function configChangeLines(
  tasks: Iterable<string>,
  current: (id: string) => StoredTask | undefined,
  settings: Settings | undefined,
): string {
  let text = '';
  for (const id of tasks) {
    const task = current(id);
    text += `${JSON.stringify(task ? { task } : { deleted: id })}\n`;
  }
  if (settings) text += `${JSON.stringify({ settings })}\n`;
  return text;
}

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Applies one journal line to config.json's parsed content; false for a line it does not know. */
function applyLine(file: Raw, line: unknown): boolean {
  if (!isObject(line)) return false;
  const tasks = isObject(file.tasks) ? file.tasks : (file.tasks = {});
  if (isObject(line.task) && typeof line.task.id === 'string') tasks[line.task.id] = line.task;
  else if (typeof line.deleted === 'string') delete tasks[line.deleted];
  else if (isObject(line.settings)) file.settings = line.settings;
  else return false;
  return true;
}

export interface FoldConfigJournalOptions {
  configPath: string;
  journalPath: string;
  nowMs: number;
  logger: Logger;
}

/**
 * Opening: puts the changes a journal holds (saved, but not yet in config.json when the app
 * stopped or was killed) into config.json, fsync'd, and removes the journal. Runs before the
 * migrations, since the journal's lines are in the format config.json was in when they were
 * written. Replaying a line config.json already holds changes nothing, so a crash in the middle
 * of this is harmless. Returns how many changes were applied.
 */
export function foldConfigJournal(options: FoldConfigJournalOptions): number {
  const { configPath, journalPath, logger } = options;
  const journal = readChangeJournal(journalPath, options.nowMs);
  if (journal.reason !== null) {
    logger.warn(
      `TaskStore: ${journalPath} ${journal.reason}; it was moved to ${journal.movedTo} (kept), and the changes before that line were used`,
    );
  }
  const [header, ...lines] = journal.lines;
  if (!isObject(header) || header.format !== FORMAT) {
    if (journal.lines.length > 0)
      logger.warn(`TaskStore: ${journalPath} does not start with its format line; it was ignored`);
    if (journal.movedTo === null) removeChangeJournalSync(journalPath);
    return 0;
  }
  // A journal with no config.json beside it: every task was created since the file last existed.
  const file: Raw = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, 'utf8')) as Raw)
    : { __internal__: { migrations: { version: String(header.version) } } };
  let applied = 0;
  for (const line of lines) if (applyLine(file, line)) applied++;
  if (applied > 0)
    atomicWriteSync(configPath, JSON.stringify(file, undefined, '\t'), { mode: 0o600 });
  if (journal.movedTo === null) removeChangeJournalSync(journalPath);
  if (applied > 0)
    logger.info(`TaskStore: ${applied} saved change(s) from ${journalPath} put into config.json`);
  return applied;
}
