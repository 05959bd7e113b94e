import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { configFileSchema, describeIssues } from './config-schema.js';
import { pendingMigrations, recordedVersion } from './config-migrations.js';
import type { ConfigMigration } from './config-migrations.js';
import { moveAside } from '../fs/move-aside.js';
import { atomicWriteSync } from '../fs/atomic-write.js';

/** What the store did about a bad or missing config.json; the app shows it to the user. */
export interface ConfigRecovery {
  /** The config file that was bad. */
  file: string;
  /** Where the bad file was moved (kept, never deleted); null when it was missing. */
  movedTo: string | null;
  /** The backup the store started from; null when it started empty. */
  restoredFrom: string | null;
  /** What was wrong, in words a user can act on. */
  reason: string;
}

type Candidate =
  { state: 'missing' } | { state: 'bad'; reason: string } | { state: 'good'; text: string };

/**
 * Reads a config file the way the store will use it: parse, apply pending migrations to a copy,
 * validate. Nothing on disk changes.
 */
export function checkConfigFile(path: string, migrations: readonly ConfigMigration[]): Candidate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'bad', reason: `cannot be read (${(error as Error).message})` };
  }
  if (text.trim() === '') return { state: 'bad', reason: 'is empty' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { state: 'bad', reason: `is not valid JSON (${(error as Error).message})` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      state: 'bad',
      reason: `holds ${Array.isArray(data) ? 'a list' : String(data)}, not settings and tasks`,
    };
  }
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const step of pendingMigrations(migrations, recordedVersion(copy))) {
    try {
      step.migrate(copy);
    } catch (error) {
      return {
        state: 'bad',
        reason: `cannot be migrated to ${step.version} (${(error as Error).message})`,
      };
    }
  }
  const result = configFileSchema.safeParse(copy);
  if (!result.success)
    return { state: 'bad', reason: `does not match the schema: ${describeIssues(result.error)}` };
  return { state: 'good', text };
}

export interface PrepareConfigOptions {
  path: string;
  backupPath: string;
  migrations: readonly ConfigMigration[];
  nowMs: number;
  logger: Logger;
}

/**
 * Makes sure config.json is one the store can open before conf touches it: a file that does not
 * parse or validate is moved aside and replaced by the last good backup if that one is good,
 * else the store starts empty. A bad backup is moved aside too, so the next backup cannot
 * overwrite it. Returns what was done, or null when config.json was fine (or new).
 */
export function prepareConfigFile(options: PrepareConfigOptions): ConfigRecovery | null {
  const { path, backupPath, migrations, nowMs, logger } = options;
  const main = checkConfigFile(path, migrations);
  if (main.state === 'good') return null;
  const backup = checkConfigFile(backupPath, migrations);
  if (main.state === 'missing' && backup.state !== 'good') return null;

  const movedTo = main.state === 'bad' ? moveAside(path, nowMs) : null;
  let reason = main.state === 'bad' ? `${path} ${main.reason}` : `${path} was missing`;
  let restoredFrom: string | null = null;
  if (backup.state === 'good') {
    atomicWriteSync(path, backup.text, { mode: 0o600 });
    restoredFrom = backupPath;
  } else if (backup.state === 'bad') {
    const backupMovedTo = moveAside(backupPath, nowMs);
    reason += `; the backup ${backupPath} ${backup.reason} and was moved to ${backupMovedTo}`;
  }
  const recovery: ConfigRecovery = { file: path, movedTo, restoredFrom, reason };
  logger.warn(
    `TaskStore: ${reason}. ${movedTo ? `The file was moved to ${movedTo} (kept). ` : ''}` +
      (restoredFrom
        ? `Started from the last good backup ${restoredFrom}.`
        : 'No good backup was found, so Crontray starts with no tasks and default settings.'),
  );
  return recovery;
}
