import { z } from 'zod';
import { moveAside } from '../fs/move-aside.js';
import type { Cipher } from '../store/cipher.js';
import { readSealedJson, writeSealedJson } from '../store/sealed-file.js';
import type { TimeSource } from '../time/clock.js';
import {
  DEFAULT_ALERT_SETTINGS,
  DEFAULT_TASK_ALERTS,
  alertSettings,
  taskAlerts,
} from './alert-config.js';
import type { AlertSettings, TaskAlerts } from './alert-config.js';

const plain = z.object({
  settings: alertSettings,
  tasks: z.record(z.string(), taskAlerts),
});

/**
 * Alert settings and each task's alert settings, in <dataDir>/alerts/config.json, encrypted
 * whole with the vault's cipher: webhook URLs, headers, SMTP passwords and ping URLs are secrets.
 * A file that cannot be decrypted or read is moved aside (kept) and the defaults are used.
 */
export class AlertConfigStore {
  readonly #path: string;
  readonly #cipher: Cipher;
  readonly #clock: TimeSource;
  #settings: AlertSettings = DEFAULT_ALERT_SETTINGS;
  #tasks = new Map<string, TaskAlerts>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { path: string; cipher: Cipher; clock: TimeSource }) {
    this.#path = options.path;
    this.#cipher = options.cipher;
    this.#clock = options.clock;
  }

  /** Null, or a sentence for the user about a file that could not be used. */
  async load(): Promise<string | null> {
    try {
      const inner = await readSealedJson(this.#path, this.#cipher, plain);
      if (inner === null) return null;
      this.#settings = inner.settings;
      this.#tasks = new Map(Object.entries(inner.tasks));
      return null;
    } catch (error) {
      const movedTo = moveAside(this.#path, this.#clock.now());
      const why = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
      return `Alerts: the alert settings could not be read (${why}); the file was moved to ${movedTo} (kept) and the defaults are used. Set up the alert channels again.`;
    }
  }

  settings(): AlertSettings {
    return this.#settings;
  }

  /** A task's alert settings; the defaults when it has none. */
  task(taskId: string): TaskAlerts {
    return this.#tasks.get(taskId) ?? DEFAULT_TASK_ALERTS;
  }

  hasTask(taskId: string): boolean {
    return this.#tasks.has(taskId);
  }

  allTasks(): IterableIterator<TaskAlerts> {
    return this.#tasks.values();
  }

  setSettings(next: AlertSettings): Promise<void> {
    return this.#save(next, this.#tasks);
  }

  /** Null removes the task's own settings (it follows the defaults again). */
  setTask(taskId: string, next: TaskAlerts | null): Promise<void> {
    const tasks = new Map(this.#tasks);
    if (next === null) tasks.delete(taskId);
    else tasks.set(taskId, next);
    return this.#save(this.#settings, tasks);
  }

  /** Memory changes only once the file is written, so a failed write leaves both as they were. */
  #save(settings: AlertSettings, tasks: Map<string, TaskAlerts>): Promise<void> {
    const run = this.#queue
      .catch(() => undefined)
      .then(async () => {
        await writeSealedJson(this.#path, this.#cipher, {
          settings,
          tasks: Object.fromEntries(tasks),
        });
        this.#settings = settings;
        this.#tasks = tasks;
      });
    this.#queue = run;
    return run;
  }
}
