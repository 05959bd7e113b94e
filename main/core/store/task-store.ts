import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { storedTask } from '../model/task.js';
import type { StoredTask } from '../model/task.js';
import { configFileSchema, describeIssues, settingsSchema } from './config-schema.js';
import type { ConfigFile, Settings, SettingsPatch } from './config-schema.js';
import { compareVersions, configMigrations, CONFIG_VERSION } from './config-migrations.js';
import type { ConfigMigration } from './config-migrations.js';
import { prepareConfigFile } from './config-recovery.js';
import type { ConfigRecovery } from './config-recovery.js';
import { removeLeftoverTempFiles, writeFileAtomicSync } from './config-backup.js';

export type { ConfigRecovery } from './config-recovery.js';
export type { ConfigMigration } from './config-migrations.js';
export type { Settings, SettingsPatch } from './config-schema.js';
export { settingsSchema, DEFAULT_SETTINGS } from './config-schema.js';

/** A task as given to putTask(): the stored shape before defaults are applied. */
export type StoredTaskInput = z.input<typeof storedTask>;

/** The bookkeeping the engine updates after each trigger. */
export interface TaskBookkeeping {
  lastDueAt?: number | null;
  cycles?: number;
}

export interface TaskStoreOptions {
  /** Holds config.json and its backup config.json.bak; created if missing. */
  dataDir: string;
  /** Times for moved-aside names and the bookkeeping timer. Default: systemClock. */
  clock?: Clock;
  /** Default: silentLogger. */
  logger?: Logger;
  /**
   * Bookkeeping updates (lastDueAt, cycles) are gathered for this long and written together,
   * so a busy schedule does not rewrite config.json on every trigger; a crash loses at most this
   * window. 0 writes each update at once. Default 1000.
   */
  bookkeepingDelayMs?: number;
  /** config.json's migration steps. Default: the built-in list (tests add their own). */
  migrations?: readonly ConfigMigration[];
}

type ConfData = Record<string, unknown>;

/**
 * Settings and task definitions (never actions: those live encrypted in the vault) in
 * `<dataDir>/config.json`, through conf: atomic writes, a recorded format version and
 * migrations. Every successful write is copied to config.json.bak; a config.json that does not
 * parse or validate is moved aside (kept) and the store starts from that backup, or empty, and
 * says so in `recovery`. All operations are synchronous, like conf.
 */
export class TaskStore {
  /** Set when config.json was bad (or missing with a backup) at open; null otherwise. */
  readonly recovery: ConfigRecovery | null;
  /** Full path of config.json. */
  readonly path: string;
  /** Full path of the last-good backup. */
  readonly backupPath: string;

  readonly #conf: Conf<ConfData>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #bookkeepingDelayMs: number;
  #data: ConfigFile;
  /** conf's own bookkeeping (the migration version), written back untouched. */
  readonly #internal: unknown;
  #flushTimer: TimerHandle | null = null;
  #dirty = false;

  constructor(options: TaskStoreOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#bookkeepingDelayMs = options.bookkeepingDelayMs ?? 1000;
    const migrations = options.migrations ?? configMigrations;
    this.path = join(options.dataDir, 'config.json');
    this.backupPath = `${this.path}.bak`;

    const leftovers = removeLeftoverTempFiles(options.dataDir);
    if (leftovers.length > 0) {
      this.#logger.info(
        `TaskStore: removed ${leftovers.length} temp file(s) left by an interrupted write: ${leftovers.join(', ')}`,
      );
    }
    // A brand-new file has nothing to migrate; saying it was migrated would only confuse.
    const existed = existsSync(this.path);
    this.recovery = prepareConfigFile({
      path: this.path,
      backupPath: this.backupPath,
      migrations,
      nowMs: this.#clock.now(),
      logger: this.#logger,
    });

    const projectVersion = migrations.reduce(
      (max, m) => (compareVersions(m.version, max) > 0 ? m.version : max),
      CONFIG_VERSION,
    );
    try {
      this.#conf = new Conf<ConfData>({
        cwd: options.dataDir,
        configName: 'config',
        projectVersion,
        migrations: Object.fromEntries(
          migrations.map((step) => [
            step.version,
            (conf: Conf<ConfData>) => {
              const data = conf.store;
              step.migrate(data);
              conf.store = data;
              const message = `TaskStore: migrated config.json to ${step.version}: ${step.description}`;
              if (existed) this.#logger.info(message);
              else this.#logger.debug(message);
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
        `TaskStore: cannot open ${this.path} (${(error as Error).message}); ` +
          'make sure the data folder exists and is writable, or choose another data folder',
        { cause: error },
      );
    }

    const raw = this.#conf.store;
    const parsed = configFileSchema.safeParse(raw);
    if (!parsed.success) {
      // prepareConfigFile checked the same file through the same migrations, so this means a
      // migration behaves differently on conf's copy: a bug to fix, not a file to move aside.
      throw new Error(
        `TaskStore: ${this.path} does not match the schema after migration: ${describeIssues(parsed.error)}`,
      );
    }
    this.#data = parsed.data;
    this.#internal = raw.__internal__;
    this.#refreshBackup();
  }

  /** A copy of the task, or undefined. */
  getTask(id: string): StoredTask | undefined {
    const task = this.#data.tasks[id];
    return task ? structuredClone(task) : undefined;
  }

  /** True when a task with this id is stored; cheaper than getTask(), which copies it. */
  hasTask(id: string): boolean {
    return Object.hasOwn(this.#data.tasks, id);
  }

  /** The task's bookkeeping alone, without copying the whole task; undefined when there is none. */
  getBookkeeping(id: string): { lastDueAt: number | null; cycles: number } | undefined {
    const task = this.#data.tasks[id];
    return task ? { lastDueAt: task.lastDueAt, cycles: task.cycles } : undefined;
  }

  /** How many tasks are stored, without copying them. */
  taskCount(): number {
    return Object.keys(this.#data.tasks).length;
  }

  /** Copies of every task, in the order they were first stored. */
  listTasks(): StoredTask[] {
    return Object.values(this.#data.tasks).map((task) => structuredClone(task));
  }

  /** Validates and stores a task (new or replacing the one with its id); returns it with defaults applied. */
  putTask(input: StoredTaskInput): StoredTask {
    if (typeof input === 'object' && input !== null && 'action' in input) {
      throw new Error(
        'TaskStore: a stored task has no action; keep the action in the vault and put the task without it',
      );
    }
    const result = storedTask.safeParse(input);
    if (!result.success) {
      throw new Error(`TaskStore: task is not valid: ${describeIssues(result.error)}`);
    }
    const task = result.data;
    this.#commit({ ...this.#data, tasks: { ...this.#data.tasks, [task.id]: task } });
    return structuredClone(task);
  }

  /** Removes a task; false when there was none with that id. */
  deleteTask(id: string): boolean {
    if (!Object.hasOwn(this.#data.tasks, id)) return false;
    const tasks = { ...this.#data.tasks };
    delete tasks[id];
    this.#commit({ ...this.#data, tasks });
    return true;
  }

  /**
   * Records a task's last due time and cycle count. Seen at once by getTask(); written with the
   * next write or within `bookkeepingDelayMs`.
   */
  updateBookkeeping(id: string, update: TaskBookkeeping): void {
    const task = this.#data.tasks[id];
    if (!task) throw new Error(`TaskStore: no task with id '${id}'; it may have been deleted`);
    if (update.lastDueAt !== undefined) {
      if (update.lastDueAt !== null && !Number.isFinite(update.lastDueAt)) {
        throw new Error(
          `TaskStore: lastDueAt ${update.lastDueAt} must be epoch milliseconds or null`,
        );
      }
      task.lastDueAt = update.lastDueAt;
    }
    if (update.cycles !== undefined) {
      if (!Number.isInteger(update.cycles) || update.cycles < 0) {
        throw new Error(`TaskStore: cycles ${update.cycles} must be a whole number of 0 or more`);
      }
      task.cycles = update.cycles;
    }
    this.#dirty = true;
    if (this.#bookkeepingDelayMs === 0) {
      this.flush();
    } else if (this.#flushTimer === null) {
      this.#flushTimer = this.#clock.setTimer(() => {
        this.#flushTimer = null;
        try {
          this.flush();
        } catch (error) {
          this.#logger.error(
            `TaskStore: could not save task bookkeeping: ${(error as Error).message}`,
            error,
          );
        }
      }, this.#bookkeepingDelayMs);
    }
  }

  /** Writes pending bookkeeping now. */
  flush(): void {
    if (this.#dirty) this.#commit(this.#data);
  }

  /** A copy of the settings. */
  getSettings(): Settings {
    return structuredClone(this.#data.settings);
  }

  /** Validates and stores a change to some settings; returns all settings after it. */
  setSettings(patch: SettingsPatch): Settings {
    const merged = {
      ...this.#data.settings,
      ...patch,
      retention: { ...this.#data.settings.retention, ...patch.retention },
    };
    const result = settingsSchema.safeParse(merged);
    if (!result.success)
      throw new Error(`TaskStore: settings are not valid: ${describeIssues(result.error)}`);
    this.#commit({ ...this.#data, settings: result.data });
    return this.getSettings();
  }

  /** Writes pending bookkeeping and stops the bookkeeping timer. */
  close(): void {
    if (this.#flushTimer !== null) this.#clock.clearTimer(this.#flushTimer);
    this.#flushTimer = null;
    this.flush();
  }

  /** Writes `next` through conf (atomic) and, once that succeeded, keeps it in memory and as the backup. */
  #commit(next: ConfigFile): void {
    const file: ConfData = { settings: next.settings, tasks: next.tasks };
    if (this.#internal !== undefined) file.__internal__ = this.#internal;
    // Setting the whole store never reads config.json first, so a file damaged on disk while we
    // run cannot block or corrupt the write.
    try {
      this.#conf.store = file;
    } catch (error) {
      throw new Error(
        `TaskStore: could not save ${this.path} (${(error as Error).message}); the change was not kept. ` +
          'Free some disk space or make the data folder writable, then try again',
        { cause: error },
      );
    }
    this.#data = next;
    this.#dirty = false;
    this.#refreshBackup();
  }

  /** Copies config.json, just written or just validated, to the backup. */
  #refreshBackup(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return; // nothing written yet: a new, empty store
    }
    try {
      writeFileAtomicSync(this.backupPath, text);
    } catch (error) {
      this.#logger.warn(
        `TaskStore: could not update the backup ${this.backupPath}: ${(error as Error).message}`,
      );
    }
  }
}
