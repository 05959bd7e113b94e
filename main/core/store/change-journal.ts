import { readFileSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { fileGate } from '../fs/fd-gate.js';
import { moveAside } from '../fs/move-aside.js';

/** What reading a change journal found: the whole lines, parsed, and what was wrong. */
export interface JournalContents {
  /** Every line up to the first damaged one, parsed as JSON. */
  lines: unknown[];
  /** A last line without its newline: the crash came mid-append, before the fsync that answers. */
  torn: boolean;
  /** Where the journal was moved when a whole line was not JSON (kept for the user); null if none. */
  movedTo: string | null;
  /** What was wrong with that line, as words; null if nothing. */
  reason: string | null;
}

/**
 * Reads a change journal; a missing file is an empty one. A whole line that is not JSON means
 * the file was damaged outside Crontray: it is moved aside (kept, never deleted) and the lines
 * before it are used.
 */
export function readChangeJournal(path: string, nowMs: number): JournalContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { lines: [], torn: false, movedTo: null, reason: null };
    throw error;
  }
  const raw = text.split('\n');
  const torn = (raw.pop() ?? '') !== '';
  const lines: unknown[] = [];
  for (const [i, line] of raw.entries()) {
    try {
      lines.push(JSON.parse(line));
    } catch {
      const movedTo = moveAside(path, nowMs);
      return { lines, torn, movedTo, reason: `line ${i + 1} is not JSON` };
    }
  }
  return { lines, torn, movedTo: null, reason: null };
}

/** Removes a journal whose changes are now in the whole file (sync, for opening). */
export function removeChangeJournalSync(path: string): void {
  rmSync(path, { force: true });
}

/**
 * The append-only side of a whole-file store (config.json, vault.json): each group of changes
 * is a few JSON lines appended and fsync'd, so an answered change is durable without rewriting
 * the whole file, which costs as much as the file is long and made 1,000 creates take seconds.
 * The store folds the journal into its file when it opens and when it closes, and whenever the
 * journal passes `compactBytes`. Appends run one at a time (the store's GroupWriter sees to it).
 */
export class ChangeJournal {
  readonly path: string;
  readonly #mode: number;
  readonly #header: string;
  #bytes = 0;
  #handle: FileHandle | null = null;
  /** Counts appends, so the idle close can tell whether another one came meanwhile. */
  #appends = 0;

  /**
   * `header` is the first line of a new journal (the format version its lines are written in),
   * so a journal left by an older version is read as that version.
   */
  constructor(options: { path: string; header: object; mode?: number }) {
    this.path = options.path;
    this.#mode = options.mode ?? 0o600;
    this.#header = `${JSON.stringify(options.header)}\n`;
  }

  /** Bytes appended since the journal was last emptied. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Appends whole lines (each ending in a newline) and resolves once they are fsync'd. In a
   * burst the file stays open from one append to the next (one descriptor per store, outside the
   * shared gate, which bounds the short-lived ones): opening it for every group cost more than
   * the write. Once no append follows within a turn of the event loop it is closed, so an idle
   * store holds no file open for writing (a data folder can then be remounted read-only).
   */
  async append(lines: string): Promise<void> {
    const text = this.#bytes === 0 ? this.#header + lines : lines;
    this.#appends++;
    const handle = (this.#handle ??= await fileGate.run(() =>
      open(this.path, this.#bytes === 0 ? 'w' : 'a', this.#mode),
    ));
    try {
      // writeFile, not write: one write() call may take only part of the text on a full disk.
      await handle.writeFile(text);
      await handle.datasync();
    } catch (error) {
      // A full disk may take part of the write: cut it back so the journal stays whole lines.
      await handle.truncate(this.#bytes).catch(() => undefined);
      await this.#close();
      throw error;
    }
    this.#bytes += Buffer.byteLength(text);
    const mine = this.#appends;
    setImmediate(() => {
      if (this.#appends === mine) void this.#close();
    });
  }

  /** Empties the journal once the whole file holds everything in it. */
  async clear(): Promise<void> {
    await this.#close();
    await rm(this.path, { force: true });
    this.#bytes = 0;
  }

  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }
}
