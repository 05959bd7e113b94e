import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import type { Clock } from '../time/clock.js';
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
import { removeLeftoverTempFiles } from './config-temp-files.js';
import { atomicWrite, atomicWriteSync } from '../fs/atomic-write.js';
import { StateJournal } from './state-journal.js';
import { GroupWriter } from '../fs/group-writer.js';
import type { StateJournalRecovery } from './state-journal.js';

export type { ConfigRecovery } from './config-recovery.js';
export type { StateJournalRecovery } from './state-journal.js';
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
   * Bookkeeping updates (lastDueAt, cycles) are gathered for this long and appended together to
   * the state journal (task-state.jsonl); a crash loses at most this window. 0 appends each
   * update at once. Default 1000.
   */
  bookkeepingDelayMs?: number;
  /** config.json's migration steps. Default: the built-in list (tests add their own). */
  migrations?: readonly ConfigMigration[];
}

type ConfData = Record<string, unknown>;

interface Undo {
  tasks: Map<string, StoredTask | undefined>;
  settings: Settings | undefined;
}

const newUndo = (): Undo => ({ tasks: new Map(), settings: undefined });

/**
 * Settings and task definitions (never actions: those live encrypted in the vault) in
 * `<dataDir>/config.json`, opened through conf (a recorded format version and migrations).
 * A config.json that does not parse or validate is moved aside (kept) and the store starts
 * from the backup config.json.bak, or empty, and says so in `recovery`.
 *
 * Changes apply in memory at once and are written in groups: every change made while one
 * write is in flight goes into the next, so 1,000 creates cost a few dozen writes, not 1,000.
 * `saved()` resolves once everything changed so far is durable (config.json fsync'd and
 * renamed, then copied to the backup); when a write fails, every change not yet durable is
 * undone and each caller waiting in `saved()` gets the error. Bookkeeping goes to the state
 * journal instead (see StateJournal).
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
  /**
   * What each changed task (or the settings) was before the changes not yet on disk, oldest
   * first wins: a failed write puts these back. `#writingUndo` covers the write in flight.
   */
  #undo: Undo = newUndo();
  #writingUndo: Undo = newUndo();
  readonly #writer: GroupWriter<string>;
  /** The backup copy of the last write, still in flight. */
  #backup: Promise<void> = Promise.resolve();
  readonly #journal: StateJournal;
  /** Set when the state journal held a bad line at open. */
  readonly journalRecovery: StateJournalRecovery | null;

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
    this.#writer = new GroupWriter({
      current: () => this.#startWrite(),
      write: (text) => this.#write(text),
      onFailure: () => this.#undoUnsaved(),
    });
    this.#internal = raw.__internal__;
    this.#refreshBackup();
    this.#journal = new StateJournal({
      path: join(options.dataDir, 'task-state.jsonl'),
      clock: this.#clock,
      logger: this.#logger,
      delayMs: this.#bookkeepingDelayMs,
      keep: new Set(Object.keys(this.#data.tasks)),
    });
    this.journalRecovery = this.#journal.recovery;
  }

  /** A copy of the task, or undefined. */
  getTask(id: string): StoredTask | undefined {
    const task = this.#data.tasks[id];
    return task ? this.#copy(task) : undefined;
  }

  /** A copy of the first task `match` accepts; `match` sees the stored object and must not change it. */
  findTask(match: (task: Readonly<StoredTask>) => boolean): StoredTask | undefined {
    for (const task of Object.values(this.#data.tasks)) if (match(task)) return this.#copy(task);
    return undefined;
  }

  /** True when a task with this id is stored; cheaper than getTask(), which copies it. */
  hasTask(id: string): boolean {
    return Object.hasOwn(this.#data.tasks, id);
  }

  /** The task's bookkeeping alone, without copying the whole task; undefined when there is none. */
  getBookkeeping(id: string): { lastDueAt: number | null; cycles: number } | undefined {
    const task = this.#data.tasks[id];
    if (!task) return undefined;
    const state = this.#journal.get(id);
    return state ? { ...state } : { lastDueAt: task.lastDueAt, cycles: task.cycles };
  }

  /** How many tasks are stored, without copying them. */
  taskCount(): number {
    return Object.keys(this.#data.tasks).length;
  }

  /** Copies of every task, in the order they were first stored. */
  listTasks(): StoredTask[] {
    return Object.values(this.#data.tasks).map((task) => this.#copy(task));
  }

  /**
   * Every task as stored, without copies, for read-only passes over many tasks (tasks:list):
   * the objects must not be changed. Bookkeeping is not included (see getBookkeeping()).
   */
  viewTasks(): readonly Readonly<StoredTask>[] {
    return Object.values(this.#data.tasks);
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
    this.#remember(task.id);
    this.#data.tasks[task.id] = task;
    this.#writer.touch();
    // config.json now holds this bookkeeping too; the journal needs a line only if it disagrees.
    const state = this.#journal.get(task.id);
    if (state && (state.lastDueAt !== task.lastDueAt || state.cycles !== task.cycles))
      this.#journal.set(task.id, { lastDueAt: task.lastDueAt, cycles: task.cycles });
    return structuredClone(task);
  }

  /** Removes a task; false when there was none with that id. */
  deleteTask(id: string): boolean {
    if (!Object.hasOwn(this.#data.tasks, id)) return false;
    this.#remember(id);
    delete this.#data.tasks[id];
    this.#writer.touch();
    this.#journal.delete(id);
    return true;
  }

  /**
   * Records a task's last due time and cycle count. Seen at once by getTask(); appended to the
   * state journal within `bookkeepingDelayMs`.
   */
  updateBookkeeping(id: string, update: TaskBookkeeping): void {
    const current = this.getBookkeeping(id);
    if (!current) throw new Error(`TaskStore: no task with id '${id}'; it may have been deleted`);
    if (update.lastDueAt !== undefined) {
      if (update.lastDueAt !== null && !Number.isFinite(update.lastDueAt)) {
        throw new Error(
          `TaskStore: lastDueAt ${update.lastDueAt} must be epoch milliseconds or null`,
        );
      }
      current.lastDueAt = update.lastDueAt;
    }
    if (update.cycles !== undefined) {
      if (!Number.isInteger(update.cycles) || update.cycles < 0) {
        throw new Error(`TaskStore: cycles ${update.cycles} must be a whole number of 0 or more`);
      }
      current.cycles = update.cycles;
    }
    this.#journal.set(id, current);
  }

  /** Appends pending bookkeeping now and resolves once it is on disk. */
  flush(): Promise<void> {
    return this.#journal.flush();
  }

  /**
   * Resolves once every change made so far is on disk (config.json fsync'd); rejects with the
   * write's error when it could not be saved, in which case the change was undone.
   */
  saved(): Promise<void> {
    return this.#writer.saved();
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
    this.#undo.settings ??= this.#data.settings;
    this.#data.settings = result.data;
    this.#writer.touch();
    return this.getSettings();
  }

  /** Waits for pending writes and appends pending bookkeeping. */
  async close(): Promise<void> {
    await this.#writer.idle();
    await this.#backup;
    this.#journal.flushSync();
  }

  #copy(task: StoredTask): StoredTask {
    const copy = structuredClone(task);
    const state = this.#journal.get(task.id);
    if (state) {
      copy.lastDueAt = state.lastDueAt;
      copy.cycles = state.cycles;
    }
    return copy;
  }

  /** Keeps what a task was before its first change since the last write, for #undoUnsaved(). */
  #remember(id: string): void {
    if (!this.#undo.tasks.has(id)) this.#undo.tasks.set(id, this.#data.tasks[id]);
  }

  /** The text the next write puts on disk: every change so far. */
  #startWrite(): string {
    for (const [id, task] of this.#undo.tasks)
      if (!this.#writingUndo.tasks.has(id)) this.#writingUndo.tasks.set(id, task);
    this.#writingUndo.settings ??= this.#undo.settings;
    this.#undo = newUndo();
    const file: ConfData = { settings: this.#data.settings, tasks: this.#data.tasks };
    if (this.#internal !== undefined) file.__internal__ = this.#internal;
    return JSON.stringify(file, undefined, '\t');
  }

  /** A write failed: every change not on disk is undone (its callers hear of it in saved()). */
  #undoUnsaved(): void {
    for (const undo of [this.#undo, this.#writingUndo]) {
      for (const [id, task] of undo.tasks) {
        if (task) this.#data.tasks[id] = task;
        else delete this.#data.tasks[id];
      }
      if (undo.settings) this.#data.settings = undo.settings;
    }
    this.#undo = newUndo();
    this.#writingUndo = newUndo();
  }

  /** config.json (atomic, fsync'd), then the same text as the backup once that succeeded. */
  async #write(text: string): Promise<void> {
    await this.#backup;
    try {
      await atomicWrite(this.path, text, { mode: 0o600 });
    } catch (error) {
      throw new Error(
        `TaskStore: could not save ${this.path} (${(error as Error).message}); the change was not kept. ` +
          'Free some disk space or make the data folder writable, then try again',
        { cause: error },
      );
    }
    this.#writingUndo = newUndo();
    // The backup is a copy, never a hard link: an editor that saves in place would change both.
    // It is not what makes the change durable, so it goes without an fsync of its own and
    // without holding up the callers; the next write waits for it.
    this.#backup = atomicWrite(this.backupPath, text, { mode: 0o600, durable: false }).catch(
      (error: unknown) =>
        this.#logger.warn(
          `TaskStore: could not update the backup ${this.backupPath}: ${(error as Error).message}`,
        ),
    );
  }

  /** Copies config.json, just validated at open, to the backup. */
  #refreshBackup(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return; // nothing written yet: a new, empty store
    }
    try {
      atomicWriteSync(this.backupPath, text, { mode: 0o600 });
    } catch (error) {
      this.#logger.warn(
        `TaskStore: could not update the backup ${this.backupPath}: ${(error as Error).message}`,
      );
    }
  }
}
