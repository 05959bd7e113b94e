import { join } from 'node:path';
import type { z } from 'zod';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { storedTask } from '../model/task.js';
import type { StoredTask } from '../model/task.js';
import { describeIssues, settingsSchema } from './config-schema.js';
import type { ConfigFile, Settings, SettingsPatch } from './config-schema.js';
import { configMigrations } from './config-migrations.js';
import type { ConfigMigration } from './config-migrations.js';
import type { ConfigRecovery } from './config-recovery.js';
import { atomicWrite } from '../fs/atomic-write.js';
import { ChangeJournal } from './change-journal.js';
import { CONFIG_JOURNAL_NAME, configChangeLines, configJournalHeader } from './config-journal.js';
import { openConfigFile } from './config-open.js';
import { applyBookkeeping, StateJournal } from './state-journal.js';
import { GroupWriter } from '../fs/group-writer.js';
import { TaskNameIndex } from './task-name-index.js';
import type { StateJournalRecovery, TaskBookkeeping } from './state-journal.js';

export type { ConfigRecovery } from './config-recovery.js';
export type { StateJournalRecovery } from './state-journal.js';
export type { ConfigMigration } from './config-migrations.js';
export type { Settings, SettingsPatch } from './config-schema.js';
export { settingsSchema, DEFAULT_SETTINGS } from './config-schema.js';

/** A task as given to putTask(): the stored shape before defaults are applied. */
export type StoredTaskInput = z.input<typeof storedTask>;

export type { TaskBookkeeping } from './state-journal.js';

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
  /**
   * Changes are appended to config-changes.jsonl; once it grows past this many bytes, config.json
   * is rewritten with everything and the journal emptied. Default 1 MiB.
   */
  compactBytes?: number;
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
 * Changes apply in memory at once and are saved in groups: every change made while one save is
 * in flight goes into the next. A save appends the changed tasks to config-changes.jsonl and
 * fsyncs it, a few hundred bytes whatever the number of tasks; config.json itself (and its
 * backup) is rewritten with everything when the journal passes `compactBytes`, on close, and on
 * the next open after a crash. `saved()` resolves once everything changed so far is durable;
 * when a save fails, every change not yet durable is undone and each caller waiting in
 * `saved()` gets the error. Bookkeeping goes to the state journal instead (see StateJournal).
 */
export class TaskStore {
  /** Set when config.json was bad (or missing with a backup) at open; null otherwise. */
  readonly recovery: ConfigRecovery | null;
  /** Full path of config.json. */
  readonly path: string;
  /** Full path of the last-good backup. */
  readonly backupPath: string;

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
  readonly #changes: ChangeJournal;
  /** Rebuilt from #data after a failed save puts old tasks back (rare), else kept up to date. */
  #names: TaskNameIndex | null = null;
  readonly #compactBytes: number;
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
    this.#compactBytes = options.compactBytes ?? 2 ** 20;
    this.path = join(options.dataDir, 'config.json');
    this.backupPath = `${this.path}.bak`;

    const opened = openConfigFile({
      dataDir: options.dataDir,
      path: this.path,
      backupPath: this.backupPath,
      migrations,
      nowMs: this.#clock.now(),
      logger: this.#logger,
    });
    this.recovery = opened.recovery;
    this.#data = opened.data;
    const journalPath = join(options.dataDir, CONFIG_JOURNAL_NAME);
    this.#changes = new ChangeJournal({
      path: journalPath,
      header: configJournalHeader(opened.version),
    });
    this.#writer = new GroupWriter({
      current: () => this.#startWrite(),
      write: (text) => this.#write(text),
      onFailure: () => this.#undoUnsaved(),
    });
    this.#internal = opened.internal;
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

  /** A copy of a task (other than `exceptId`) with this name in this project and group, or undefined. */
  findByName(
    name: { name: string; project: string; group: string },
    exceptId?: string,
  ): StoredTask | undefined {
    this.#names ??= new TaskNameIndex(Object.values(this.#data.tasks));
    for (const id of this.#names.find(name)) {
      const task = this.#data.tasks[id];
      if (task && id !== exceptId) return this.#copy(task);
    }
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
    const previous = this.#data.tasks[task.id];
    if (previous) this.#names?.remove(previous);
    this.#names?.add(task);
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
    const task = this.#data.tasks[id];
    if (!task || !Object.hasOwn(this.#data.tasks, id)) return false;
    this.#remember(id);
    this.#names?.remove(task);
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
    applyBookkeeping(current, update);
    this.#journal.set(id, current);
  }

  /** Appends pending bookkeeping now and resolves once it is on disk. */
  flush(): Promise<void> {
    return this.#journal.flush();
  }

  /**
   * Resolves once every change made so far is on disk (its journal line fsync'd); rejects with the
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

  /** Waits for pending writes, puts every change in config.json, and appends pending bookkeeping. */
  async close(): Promise<void> {
    await this.#writer.idle();
    if (this.#changes.bytes > 0) await this.#compact();
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

  /** The journal lines the next save appends: every change since the last one. */
  #startWrite(): string {
    for (const [id, task] of this.#undo.tasks)
      if (!this.#writingUndo.tasks.has(id)) this.#writingUndo.tasks.set(id, task);
    this.#writingUndo.settings ??= this.#undo.settings;
    const { tasks, settings } = this.#undo;
    this.#undo = newUndo();
    return configChangeLines(
      tasks.keys(),
      (id) => this.#data.tasks[id],
      settings === undefined ? undefined : this.#data.settings,
    );
  }

  /**
   * config.json as it is on disk counting the journal: what is in memory, less the changes made
   * since the save in flight began (#undo), which are not durable yet.
   */
  #durableText(): string {
    const tasks = { ...this.#data.tasks };
    for (const [id, task] of this.#undo.tasks) {
      if (task) tasks[id] = task;
      else delete tasks[id];
    }
    const file: ConfData = { settings: this.#undo.settings ?? this.#data.settings, tasks };
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
    this.#names = null;
  }

  /** Appends a group's lines to the journal (fsync'd); rewrites config.json once the journal is long. */
  async #write(lines: string): Promise<void> {
    try {
      await this.#changes.append(lines);
    } catch (error) {
      throw new Error(
        `TaskStore: could not save to ${this.#changes.path} (${(error as Error).message}); the change was not kept. ` +
          'Free some disk space or make the data folder writable, then try again',
        { cause: error },
      );
    }
    this.#writingUndo = newUndo();
    if (this.#changes.bytes > this.#compactBytes) await this.#compact();
  }

  /**
   * config.json (atomic, fsync'd) with everything durable, then the journal emptied, then the
   * same text as the backup. A failure here loses nothing: the journal still holds the changes.
   */
  async #compact(): Promise<void> {
    const text = this.#durableText();
    await this.#backup;
    try {
      await atomicWrite(this.path, text, { mode: 0o600 });
      await this.#changes.clear();
    } catch (error) {
      this.#logger.warn(
        `TaskStore: could not rewrite ${this.path} (${(error as Error).message}); the changes stay in ${this.#changes.path} and are put into it later`,
      );
      return;
    }
    // The backup is a copy, never a hard link: an editor that saves in place would change both.
    // It is not what makes the change durable, so it goes without an fsync of its own and
    // without holding up the callers; the next rewrite waits for it.
    this.#backup = atomicWrite(this.backupPath, text, { mode: 0o600, durable: false }).catch(
      (error: unknown) =>
        this.#logger.warn(
          `TaskStore: could not update the backup ${this.backupPath}: ${(error as Error).message}`,
        ),
    );
  }
}
