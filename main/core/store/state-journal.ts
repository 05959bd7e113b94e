import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { z } from 'zod';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { atomicWrite, atomicWriteSync } from '../fs/atomic-write.js';
import { fileGate } from '../fs/fd-gate.js';
import { moveAside } from '../fs/move-aside.js';
import { idSchema } from '../model/names.js';

/** What the engine remembers about a task between triggers (its TaskStateStore). */
export interface TaskBookkeepingState {
  lastDueAt: number | null;
  cycles: number;
}

/** The bookkeeping the engine updates after each trigger. */
export interface TaskBookkeeping {
  lastDueAt?: number | null;
  cycles?: number;
}

/** Applies an update to a task's bookkeeping, refusing values the engine never writes. */
export function applyBookkeeping(current: TaskBookkeepingState, update: TaskBookkeeping): void {
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
}

const stateLine = z.union([
  z
    .object({
      id: idSchema,
      lastDueAt: z.number().int().nullable(),
      cycles: z.number().int().min(0),
    })
    .strict(),
  z.object({ id: idSchema, deleted: z.literal(true) }).strict(),
]);

/** What opening found wrong with the journal; the app shows it to the user. */
export interface StateJournalRecovery {
  file: string;
  movedTo: string;
  reason: string;
}

export interface StateJournalOptions {
  /** Usually <dataDir>/task-state.jsonl. */
  path: string;
  clock: Clock;
  logger: Logger;
  /** Gather changes this long (ms) before appending them; 0 appends each at once. */
  delayMs: number;
  /** Rewrite the journal with one line per task once it grows past this (bytes). Default 1 MiB. */
  compactBytes?: number;
  /** The tasks that exist: lines about others (deleted while the journal lagged) are dropped. */
  keep: ReadonlySet<string>;
}

/**
 * Task bookkeeping (lastDueAt, cycles) as an append-only journal of JSON lines, so a busy
 * schedule appends a few bytes a second instead of rewriting config.json. Opening reads it
 * (the last line per task wins) and compacts it to one line per task; a line that is not valid
 * moves the file aside (kept) and says so, keeping what the good lines said. It also compacts
 * itself whenever it grows past `compactBytes`.
 */
export class StateJournal {
  readonly path: string;
  /** Set when the journal held a bad line at open. */
  readonly recovery: StateJournalRecovery | null;
  readonly #states = new Map<string, TaskBookkeepingState>();
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #delayMs: number;
  readonly #compactBytes: number;
  #buffer: string[] = [];
  #timer: TimerHandle | null = null;
  #bytes = 0;
  /** Whether the file is there: a failed first append removes the file it created. */
  #exists = false;
  /** Appends and compactions, one at a time and in order. */
  #io: Promise<void> = Promise.resolve();

  constructor(options: StateJournalOptions) {
    this.path = options.path;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#delayMs = options.delayMs;
    this.#compactBytes = options.compactBytes ?? 2 ** 20;
    this.recovery = this.#load(options.keep);
  }

  get(id: string): TaskBookkeepingState | undefined {
    return this.#states.get(id);
  }

  set(id: string, state: TaskBookkeepingState): void {
    this.#states.set(id, state);
    this.#queue(JSON.stringify({ id, lastDueAt: state.lastDueAt, cycles: state.cycles }));
  }

  delete(id: string): void {
    if (!this.#states.delete(id)) return;
    this.#queue(JSON.stringify({ id, deleted: true }));
  }

  /** Appends what is gathered and resolves once it is on disk (fsync'd). */
  flush(): Promise<void> {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    if (this.#buffer.length > 0) {
      const text = `${this.#buffer.join('\n')}\n`;
      this.#buffer = [];
      this.#io = this.#io.then(() => this.#append(text));
      if (this.#bytes > this.#compactBytes) this.#io = this.#io.then(() => this.#compact());
    }
    return this.#io;
  }

  /** Appends what is gathered before returning: for close() and a delay of 0. */
  flushSync(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    if (this.#buffer.length === 0) return;
    const text = `${this.#buffer.join('\n')}\n`;
    this.#buffer = [];
    const fd = openSync(this.path, 'a', 0o600);
    try {
      appendFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#bytes += Buffer.byteLength(text);
  }

  #queue(line: string): void {
    this.#buffer.push(line);
    if (this.#delayMs === 0) {
      this.flushSync();
      return;
    }
    this.#timer ??= this.#clock.setTimer(() => {
      this.#timer = null;
      this.flush().catch((error: unknown) =>
        this.#logger.error(
          `TaskStore: could not save task bookkeeping to ${this.path}; will try again`,
          error,
        ),
      );
    }, this.#delayMs);
  }

  async #append(text: string): Promise<void> {
    await fileGate.run(async () => {
      const handle = await open(this.path, 'a', 0o600);
      try {
        await handle.write(text);
        await handle.datasync();
      } catch (error) {
        // A full disk may take part of the write: cut it back so the journal stays whole lines.
        await handle.truncate(this.#bytes).catch(() => undefined);
        if (!this.#exists) await unlink(this.path).catch(() => undefined);
        throw error;
      } finally {
        await handle.close();
      }
    });
    this.#bytes += Buffer.byteLength(text);
    this.#exists = true;
  }

  #snapshot(): string {
    let text = '';
    for (const [id, s] of this.#states)
      text += `${JSON.stringify({ id, lastDueAt: s.lastDueAt, cycles: s.cycles })}\n`;
    return text;
  }

  async #compact(): Promise<void> {
    // Lines gathered after this point are appended after the rename, to the new file.
    const text = this.#snapshot();
    await atomicWrite(this.path, text, { mode: 0o600 });
    this.#bytes = Buffer.byteLength(text);
  }

  /** Reads the journal, moves a damaged one aside, and compacts it. */
  #load(keep: ReadonlySet<string>): StateJournalRecovery | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const lines = text.split('\n');
    // The last line without its newline was cut short by a crash mid-append: never fsync'd.
    const torn = lines.pop();
    let bad: string | null = null;
    for (const [i, line] of lines.entries()) {
      const parsed = parseStateLine(line);
      if (typeof parsed === 'string') bad ??= `line ${i + 1} ${parsed}`;
      else if ('deleted' in parsed) this.#states.delete(parsed.id);
      else this.#states.set(parsed.id, { lastDueAt: parsed.lastDueAt, cycles: parsed.cycles });
    }
    if (torn) this.#logger.info(`TaskStore: ignored a half-written last line in ${this.path}`);
    let recovery: StateJournalRecovery | null = null;
    if (bad !== null) {
      const movedTo = moveAside(this.path, this.#clock.now());
      recovery = { file: this.path, movedTo, reason: bad };
      this.#logger.warn(
        `TaskStore: ${this.path} ${bad}; it was moved to ${movedTo} (kept), and the other lines were used`,
      );
    }
    for (const id of [...this.#states.keys()]) if (!keep.has(id)) this.#states.delete(id);
    const snapshot = this.#snapshot();
    atomicWriteSync(this.path, snapshot, { mode: 0o600 });
    this.#bytes = Buffer.byteLength(snapshot);
    this.#exists = true;
    return recovery;
  }
}

function parseStateLine(line: string): z.output<typeof stateLine> | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'is not JSON';
  }
  const parsed = stateLine.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `is not a task's bookkeeping (${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'})`;
}
