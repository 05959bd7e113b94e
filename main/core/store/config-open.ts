import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { Logger } from '../log/logger.js';
import { atomicWriteSync } from '../fs/atomic-write.js';
import { configFileSchema, describeIssues } from './config-schema.js';
import type { ConfigFile } from './config-schema.js';
import { compareVersions, CONFIG_VERSION } from './config-migrations.js';
import type { ConfigMigration } from './config-migrations.js';
import { prepareConfigFile } from './config-recovery.js';
import type { ConfigRecovery } from './config-recovery.js';
import { removeLeftoverTempFiles } from './config-temp-files.js';
import { CONFIG_JOURNAL_NAME, foldConfigJournal } from './config-journal.js';

type ConfData = Record<string, unknown>;

export interface OpenConfigOptions {
  dataDir: string;
  /** config.json's full path. */
  path: string;
  backupPath: string;
  migrations: readonly ConfigMigration[];
  nowMs: number;
  logger: Logger;
}

export interface OpenedConfig {
  data: ConfigFile;
  /** conf's own bookkeeping (the migration version), to be written back untouched. */
  internal: unknown;
  recovery: ConfigRecovery | null;
  /** The format version config.json is at now. */
  version: string;
}

/**
 * Opening config.json, in order: temp files a crash left are removed, a bad file is moved aside
 * (the backup used), the change journal is folded in, conf runs the migrations, the result is
 * validated, and the backup refreshed.
 */
export function openConfigFile(options: OpenConfigOptions): OpenedConfig {
  const { migrations } = options;
  const leftovers = removeLeftoverTempFiles(options.dataDir);
  if (leftovers.length > 0) {
    options.logger.info(
      `TaskStore: removed ${leftovers.length} temp file(s) left by an interrupted write: ${leftovers.join(', ')}`,
    );
  }
  // A brand-new file has nothing to migrate; saying it was migrated would only confuse.
  const existed = existsSync(options.path);
  const recovery = prepareConfigFile({
    path: options.path,
    backupPath: options.backupPath,
    migrations,
    nowMs: options.nowMs,
    logger: options.logger,
  });
  foldConfigJournal({
    configPath: options.path,
    journalPath: join(options.dataDir, CONFIG_JOURNAL_NAME),
    nowMs: options.nowMs,
    logger: options.logger,
  });

  const projectVersion = migrations.reduce(
    (max, m) => (compareVersions(m.version, max) > 0 ? m.version : max),
    CONFIG_VERSION,
  );
  const conf = openConf(options, projectVersion, existed);
  const raw = conf.store;
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    // prepareConfigFile checked the same file through the same migrations, so this means a
    // migration behaves differently on conf's copy: a bug to fix, not a file to move aside.
    throw new Error(
      `TaskStore: ${options.path} does not match the schema after migration: ${describeIssues(parsed.error)}`,
    );
  }
  refreshBackup(options.path, options.backupPath, options.logger);
  return { data: parsed.data, internal: raw.__internal__, recovery, version: projectVersion };
}

/** conf over config.json, running the migrations it has not had yet. */
function openConf(
  options: OpenConfigOptions,
  projectVersion: string,
  existed: boolean,
): Conf<ConfData> {
  try {
    return new Conf<ConfData>({
      cwd: options.dataDir,
      configName: 'config',
      projectVersion,
      migrations: Object.fromEntries(
        options.migrations.map((step) => [
          step.version,
          (conf: Conf<ConfData>) => {
            const data = conf.store;
            step.migrate(data);
            conf.store = data;
            const message = `TaskStore: migrated config.json to ${step.version}: ${step.description}`;
            if (existed) options.logger.info(message);
            else options.logger.debug(message);
          },
        ]),
      ),
      // Never let conf reset a bad file: prepareConfigFile has already moved it aside.
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      watch: false,
    });
  } catch (error) {
    throw new Error(
      `TaskStore: cannot open ${options.path} (${(error as Error).message}); ` +
        'make sure the data folder exists and is writable, or choose another data folder',
      { cause: error },
    );
  }
}

/** Copies config.json, just validated at open, to the backup. */
function refreshBackup(path: string, backupPath: string, logger: Logger): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return; // nothing written yet: a new, empty store
  }
  try {
    atomicWriteSync(backupPath, text, { mode: 0o600 });
  } catch (error) {
    logger.warn(
      `TaskStore: could not update the backup ${backupPath}: ${(error as Error).message}`,
    );
  }
}
