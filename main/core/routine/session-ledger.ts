import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimeSource } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunStatus } from '../model/run.js';
import { moveAside } from '../fs/move-aside.js';
import { atomicWrite } from '../fs/atomic-write.js';
import { openSession, parseLedger } from './session-ledger-lines.js';
import type { LedgerLine, LedgerSession, RunCounts } from './session-ledger-lines.js';

export interface SessionLedgerOptions {
  /** The ledger's folder, normally `<dataDir>/sessions`; created if missing. */
  dir: string;
  /** Default: systemClock. */
  clock?: TimeSource;
  /** Default: silentLogger. */
  logger?: Logger;
  /** A new file is started at the next open() once the current one is this big. Default: 5 MiB. */
  maxFileBytes?: number;
}

/** Something the ledger found and fixed while loading; also logged as a warning. */
export interface LedgerNotice {
  kind: 'torn-line' | 'moved-aside' | 'interrupted';
  file: string;
  message: string;
  /** For 'moved-aside': where the bad file now is. */
  movedTo?: string;
  /** For 'interrupted': the session that was closed. */
  sessionId?: string;
}

export interface LedgerListOptions {
  /** Sessions per page, newest first. Default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

export interface LedgerPage {
  sessions: LedgerSession[];
  /** Pass to list() for the next (older) page; null when there is none. */
  nextCursor: string | null;
}

const FILE_PATTERN = /^ledger-(\d{6})\.jsonl$/;
const fileName = (seq: number): string => `ledger-${String(seq).padStart(6, '0')}.jsonl`;

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** "42 cycles; 40 succeeded, 2 failed; 1.5 h; ended: stopped" */
export function summarizeSession(
  cycles: number,
  counts: RunCounts,
  durationMs: number,
  reason: string,
): string {
  const runs = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return `${cycles} cycle(s); ${runs === '' ? 'no runs' : runs}; ${formatDuration(durationMs)}; ended: ${reason}`;
}

/**
 * The task scheduler's sessions, kept as an append-only JSON-lines file per period under
 * `<dataDir>/sessions` (`ledger-000001.jsonl`, ...): an 'open' line when a session starts,
 * optional 'progress' lines, and an 'end' line with its cycles, run counts by status, duration,
 * reason and summary. Each append is fsynced. Load with {@link SessionLedger.load}.
 */
export class SessionLedger {
  /** What load() found and fixed: torn last lines, files moved aside, sessions closed as interrupted. */
  readonly notices: LedgerNotice[] = [];

  readonly #dir: string;
  readonly #clock: TimeSource;
  readonly #logger: Logger;
  readonly #maxFileBytes: number;
  #seq = 1;
  /** Sessions of the current file, oldest first; older files are read on demand by list(). */
  #sessions: LedgerSession[] = [];
  #current: LedgerSession | null = null;
  #needsNewline = false;
  #appends: Promise<void> = Promise.resolve();
  readonly #olderFiles = new Map<number, LedgerSession[]>();

  private constructor(options: SessionLedgerOptions) {
    this.#dir = options.dir;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#maxFileBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
  }

  /**
   * Reads the ledger, repairing what a crash or a bad disk left: a torn last line is cut off,
   * an unreadable file is moved aside (kept) and a new one started, and a session with no end
   * line is closed as 'interrupted'. Every repair is in `notices` and logged as a warning.
   */
  static async load(options: SessionLedgerOptions): Promise<SessionLedger> {
    const ledger = new SessionLedger(options);
    await ledger.#load();
    return ledger;
  }

  /** The open session, or null. */
  current(): LedgerSession | null {
    return this.#current ? { ...this.#current, counts: { ...this.#current.counts } } : null;
  }

  /** Starts a session (the task scheduler's Start). */
  async open(): Promise<LedgerSession> {
    if (this.#current) {
      throw new Error(
        `SessionLedger: session ${this.#current.sessionId} is still open; close() it before opening another`,
      );
    }
    await this.#appends;
    await this.#rotateIfLarge();
    const session = openSession(randomUUID(), this.#clock.now());
    await this.#append({
      type: 'open',
      sessionId: session.sessionId,
      startedAt: session.startedAt,
    });
    this.#current = session;
    this.#sessions.push(session);
    return { ...session, counts: {} };
  }

  /**
   * Counts a finished run of the open session by its status. Returns false, counting nothing,
   * when no session is open: a Run now while the scheduler is stopped belongs to no session.
   */
  recordRun(status: RunStatus, n = 1): boolean {
    if (!this.#current) return false;
    this.#current.counts[status] = (this.#current.counts[status] ?? 0) + n;
    return true;
  }

  /** Counts scheduler cycles (wake-ups that ran something) of the open session; false when none is open. */
  recordCycle(n = 1): boolean {
    if (!this.#current) return false;
    this.#current.cycles += n;
    return true;
  }

  /**
   * Writes the open session's counts so far, so that if the app dies the session shows what it
   * did and until when. Cheap enough to call every minute or so.
   */
  async checkpoint(): Promise<void> {
    const session = this.#requireOpen('checkpoint');
    await this.#append({
      type: 'progress',
      sessionId: session.sessionId,
      at: this.#clock.now(),
      cycles: session.cycles,
      counts: { ...session.counts },
    });
  }

  /** Ends the open session (Stop, quit or a fatal error) and returns it with its summary. */
  async close(reason: string, summary?: string): Promise<LedgerSession> {
    const session = this.#requireOpen('close');
    this.#current = null;
    const endedAt = this.#clock.now();
    await this.#end(session, endedAt, reason, summary);
    return { ...session, counts: { ...session.counts } };
  }

  /** Sessions newest first, the open one included (with null end fields). */
  async list(options: LedgerListOptions = {}): Promise<LedgerPage> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new RangeError(`SessionLedger: limit ${limit} must be a whole number from 1 to 10000`);
    }
    let [seq, before] = this.#parseCursor(options.cursor ?? null);
    const sessions: LedgerSession[] = [];
    while (seq >= 1 && sessions.length < limit) {
      const inFile = await this.#sessionsOf(seq);
      let i = Math.min(before, inFile.length) - 1;
      for (; i >= 0 && sessions.length < limit; i--) {
        const s = inFile[i];
        if (s) sessions.push({ ...s, counts: { ...s.counts } });
      }
      if (sessions.length >= limit) {
        const more = i >= 0 || (await this.#hasOlder(seq));
        return { sessions, nextCursor: more ? `${seq}.${i + 1}` : null };
      }
      seq -= 1;
      before = Number.POSITIVE_INFINITY;
    }
    return { sessions, nextCursor: null };
  }

  async #load(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const seqs = await this.#fileSeqs();
    this.#seq = seqs.at(-1) ?? 1;
    const path = this.#path(this.#seq);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const parsed = parseLedger(bytes);
    if (parsed.badLines.length > 0) {
      const movedTo = moveAside(path, this.#clock.now());
      const lines = parsed.badLines.slice(0, 5).join(', ');
      const kept = parsed.sessions.length;
      // Carry the readable lines over, so one damaged line does not hide the whole history.
      if (kept > 0) await atomicWrite(path, `${parsed.goodLines.join('\n')}\n`);
      this.#notice({
        kind: 'moved-aside',
        file: path,
        movedTo,
        message:
          `SessionLedger: ${path} has unreadable line(s) ${lines}${parsed.badLines.length > 5 ? ', ...' : ''}; ` +
          `moved it to ${movedTo} (kept) and started a new ledger` +
          (kept > 0 ? ` holding the ${kept} session(s) that could still be read.` : '.'),
      });
      if (kept === 0) return;
    } else if (parsed.tornBytes > 0) {
      await truncate(path, parsed.goodBytes);
      this.#notice({
        kind: 'torn-line',
        file: path,
        message:
          `SessionLedger: the last line of ${path} was cut short (${parsed.tornBytes} bytes), ` +
          `most likely by a crash while it was written; dropped that partial line and kept the rest.`,
      });
    } else if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
      this.#needsNewline = true;
    }
    this.#sessions = parsed.sessions;
    for (const session of this.#sessions) {
      if (session.endedAt !== null) continue;
      const lastSeen = parsed.lastSeen.get(session.sessionId) ?? session.startedAt;
      const reason = 'interrupted';
      const summary =
        `${summarizeSession(session.cycles, session.counts, lastSeen - session.startedAt, reason)} ` +
        `(no end record: the app stopped without closing the session; last seen ${new Date(lastSeen).toISOString()})`;
      await this.#end(session, lastSeen, reason, summary);
      this.#notice({
        kind: 'interrupted',
        file: path,
        sessionId: session.sessionId,
        message: `SessionLedger: session ${session.sessionId} had no end record; closed it as interrupted.`,
      });
    }
  }

  async #end(
    session: LedgerSession,
    endedAt: number,
    reason: string,
    summary?: string,
  ): Promise<void> {
    const durationMs = Math.max(0, endedAt - session.startedAt);
    session.endedAt = endedAt;
    session.durationMs = durationMs;
    session.endReason = reason;
    session.summary =
      summary ?? summarizeSession(session.cycles, session.counts, durationMs, reason);
    await this.#append({
      type: 'end',
      sessionId: session.sessionId,
      endedAt,
      reason,
      cycles: session.cycles,
      counts: { ...session.counts },
      durationMs,
      summary: session.summary,
    });
  }

  #append(line: LedgerLine): Promise<void> {
    const path = this.#path(this.#seq);
    const text = `${this.#needsNewline ? '\n' : ''}${JSON.stringify(line)}\n`;
    this.#needsNewline = false;
    // Appends are chained so two lines never interleave, and each reaches the disk before the next.
    const write = this.#appends.then(async () => {
      const handle = await open(path, 'a');
      try {
        await handle.appendFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    this.#appends = write.catch(() => undefined);
    return write;
  }

  async #rotateIfLarge(): Promise<void> {
    const size = await stat(this.#path(this.#seq)).then(
      (s) => s.size,
      () => 0,
    );
    if (size < this.#maxFileBytes) return;
    this.#olderFiles.set(this.#seq, this.#sessions);
    this.#seq += 1;
    this.#sessions = [];
    this.#logger.info(
      `SessionLedger: ledger file reached ${size} bytes; continuing in ${fileName(this.#seq)}`,
    );
  }

  async #sessionsOf(seq: number): Promise<LedgerSession[]> {
    if (seq === this.#seq) return this.#sessions;
    const cached = this.#olderFiles.get(seq);
    if (cached) return cached;
    // Older files are never written again, so one read is enough; unreadable lines are skipped.
    const sessions = await readFile(this.#path(seq)).then(
      (bytes) => parseLedger(bytes).sessions,
      () => [],
    );
    this.#olderFiles.set(seq, sessions);
    return sessions;
  }

  async #hasOlder(seq: number): Promise<boolean> {
    for (let s = seq - 1; s >= 1; s--) if ((await this.#sessionsOf(s)).length > 0) return true;
    return false;
  }

  #parseCursor(cursor: string | null): [number, number] {
    if (cursor === null) return [this.#seq, Number.POSITIVE_INFINITY];
    const match = /^(\d{1,6})\.(\d{1,9})$/.exec(cursor);
    if (!match)
      throw new Error(
        `SessionLedger: cursor '${cursor}' is not one list() returned; start again without a cursor`,
      );
    return [Number(match[1]), Number(match[2])];
  }

  async #fileSeqs(): Promise<number[]> {
    const names = await readdir(this.#dir);
    return names
      .map((name) => FILE_PATTERN.exec(name)?.[1])
      .filter((seq): seq is string => seq !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  #requireOpen(what: string): LedgerSession {
    if (!this.#current)
      throw new Error(`SessionLedger: ${what}() needs an open session; call open() first`);
    return this.#current;
  }

  #notice(notice: LedgerNotice): void {
    this.notices.push(notice);
    this.#logger.warn(notice.message);
  }

  #path(seq: number): string {
    return join(this.#dir, fileName(seq));
  }
}
