import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { atomicWrite, atomicWriteWhenFree, removeAtomicTempFiles } from '../fs/atomic-write.js';
import type { RunRecord } from '../model/run.js';
import { FINAL_STATUSES, runRecord } from '../model/run.js';
import type { z } from 'zod';
import {
  checkRunKey,
  listRunFiles,
  listTaskDirs,
  readRunRecordFile,
  runRecordPath,
  TimeSlicer,
} from './run-record-files.js';
import { join } from 'node:path';
import { moveAside } from '../fs/move-aside.js';
import { RunJournal } from './run-journal.js';

/** A run record as a caller may hand it over: defaults (heartbeatAt, attempt, ...) are filled in. */
export type RunRecordInput = z.input<typeof runRecord>;

export interface RunRecordWriterOptions {
  /** Usually <dataDir>/jobs. */
  jobsDir: string;
  /** Drives heartbeats and the times markInterrupted writes. Default: the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
  /**
   * While a record is 'running', rewrite its heartbeatAt this often (ms), so a reader can tell a
   * long run from a crashed writer. 0 turns heartbeats off. Default 30,000.
   */
  heartbeatMs?: number;
  /**
   * Commit final records in groups through a journal here (one fsync per group, see
   * RunJournal) instead of one fsync per record. Default: none, each final record is fsync'd.
   */
  journalDir?: string;
}

/** An unreadable run record that recover() renamed out of the way. */
export interface SetAsideRecord {
  path: string;
  /** Where it is now: `<path>.corrupt-<time>`, beside it. */
  movedTo: string;
  /** What was wrong with it. */
  reason: string;
}

/** What recover() found on start. */
export interface RunRecordRecovery {
  /** Records left 'running' by a crash, now 'interrupted'. */
  interrupted: RunRecord[];
  /** Records that could not be read, now kept aside. */
  setAside: SetAsideRecord[];
}

/** A 'queued' or 'running' write that has not started yet: a newer state replaces its record. */
interface WaitingWrite {
  record: RunRecord;
  done: Promise<void>;
}

interface LiveRun {
  latest: RunRecord;
  /** Writes of one run land in order, so a late heartbeat can never overwrite the final state. */
  chain: Promise<void>;
  timer: TimerHandle | undefined;
  waiting: WaitingWrite | undefined;
}

/**
 * Writes one JSON file per run, atomically, at <jobsDir>/<project>/<group>/<name>/<runId>.json:
 * 'running' first, then the final state. It is the engine's RunSink.
 */
export class RunRecordWriter {
  readonly jobsDir: string;
  readonly heartbeatMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #live = new Map<string, LiveRun>();
  readonly #journal: RunJournal | null;

  constructor(options: RunRecordWriterOptions) {
    this.jobsDir = options.jobsDir;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.#journal = options.journalDir
      ? new RunJournal({ dir: options.journalDir, jobsDir: this.jobsDir, logger: this.#logger })
      : null;
    if (!(Number.isFinite(this.heartbeatMs) && this.heartbeatMs >= 0)) {
      throw new RangeError(
        `RunRecordWriter: heartbeatMs must be >= 0 (got ${this.heartbeatMs}); 0 turns heartbeats off`,
      );
    }
  }

  /** Where a run's record lives; throws when project, group, name or runId cannot be a path segment. */
  pathFor(key: { project: string; group: string; name: string; runId: string }): string {
    checkRunKey('RunRecordWriter', key);
    return runRecordPath(this.jobsDir, key);
  }

  /**
   * Validates and writes a record. A 'running' record starts heartbeats; a final one stops
   * them. Resolves once the file is on disk.
   */
  async write(input: RunRecordInput): Promise<void> {
    const parsed = runRecord.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(
        `RunRecordWriter: record is invalid at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'unknown'}`,
      );
    }
    const record = parsed.data;
    const path = this.pathFor(record);
    const live = this.#live.get(path) ?? {
      latest: record,
      chain: Promise.resolve(),
      timer: undefined,
      waiting: undefined,
    };
    live.latest = record;
    this.#live.set(path, live);
    const done = this.#enqueue(path, live, record);
    if (FINAL_STATUSES.has(record.status)) {
      this.#stopHeartbeat(live);
      // Forget the run once its final write lands, unless a newer write (a retry reusing the id) took over.
      void done.then(
        () => this.#forgetIfSettled(path, live),
        () => this.#forgetIfSettled(path, live),
      );
    } else if (record.status === 'running' && this.heartbeatMs > 0 && live.timer === undefined) {
      this.#armHeartbeat(path, live);
    }
    return done;
  }

  /**
   * After a crash, records left 'running' are marked 'interrupted'. Their endedAt is the last
   * sign of life (heartbeat, else start), so durations do not swallow the time the app was
   * down. Call once on start, before the engine writes. Returns the records it rewrote.
   */
  async markInterrupted(): Promise<RunRecord[]> {
    return (await this.#scan(false)).interrupted;
  }

  /**
   * markInterrupted() plus: a record that cannot be read (empty, cut short, not JSON, not a run
   * record) is renamed to `<runId>.json.corrupt-<time>` beside it, kept for the user, so history
   * stops tripping over it and the caller can say which file it was. Call once on start.
   */
  async recover(): Promise<RunRecordRecovery> {
    await this.replayJournal();
    return this.#scan(true);
  }

  /**
   * The first half of recover(): rewrites the final records the journal committed and the
   * disk lost. Call once on start, before anything reads the folder.
   */
  async replayJournal(): Promise<void> {
    await this.#journal?.replay();
  }

  /**
   * The second half of recover() for a caller that already knows which files need a look
   * (JobCache, from its run index): `runFiles` left 'running' are marked interrupted, unreadable
   * ones are moved aside, and temp files in `tempFolders` are removed. Call once on start.
   */
  async recoverFiles(runFiles: string[], tempFolders: string[]): Promise<RunRecordRecovery> {
    const found: RunRecordRecovery = { interrupted: [], setAside: [] };
    for (const dir of tempFolders) await removeAtomicTempFiles(dir);
    for (const path of runFiles) await this.#recoverFile(path, true, found);
    this.#reportInterrupted(found);
    return found;
  }

  async #scan(setAside: boolean): Promise<RunRecordRecovery> {
    const slicer = new TimeSlicer();
    const found: RunRecordRecovery = { interrupted: [], setAside: [] };
    for (const task of listTaskDirs(this.jobsDir)) {
      if (setAside) await removeAtomicTempFiles(task.dir);
      for (const file of listRunFiles(task.dir)) {
        await slicer.maybeYield();
        await this.#recoverFile(join(task.dir, file), setAside, found);
      }
    }
    this.#reportInterrupted(found);
    return found;
  }

  async #recoverFile(path: string, setAside: boolean, found: RunRecordRecovery): Promise<void> {
    let record: RunRecord;
    try {
      record = readRunRecordFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (setAside && !this.#live.has(path)) this.#setAside(path, error, found.setAside);
      return;
    }
    if (record.status !== 'running' || this.#live.has(path)) return;
    const interrupted: RunRecord = {
      ...record,
      status: 'interrupted',
      endedAt: record.heartbeatAt ?? record.startedAt ?? this.#clock.now(),
      error:
        record.error ??
        'RunRecordWriter: Crontray stopped while this run was in progress (found on the next start)',
    };
    try {
      await atomicWrite(path, JSON.stringify(interrupted, null, 2));
      found.interrupted.push(interrupted);
    } catch (error) {
      this.#logger.error(`RunRecordWriter: could not mark ${path} interrupted`, error);
    }
  }

  #reportInterrupted(found: RunRecordRecovery): void {
    if (found.interrupted.length > 0)
      this.#logger.info(
        `RunRecordWriter: marked ${found.interrupted.length} unfinished run(s) interrupted`,
      );
  }

  #setAside(path: string, error: unknown, into: SetAsideRecord[]): void {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      const movedTo = moveAside(path, this.#clock.now());
      into.push({ path, movedTo, reason });
      this.#logger.warn(`RunRecordWriter: ${reason}; moved it to ${movedTo} (kept)`);
    } catch (moveError) {
      this.#logger.error(`RunRecordWriter: could not move the unreadable ${path} aside`, moveError);
    }
  }

  /** Runs currently heartbeating, for diagnostics and tests. */
  liveRuns(): number {
    let n = 0;
    for (const live of this.#live.values()) if (live.timer !== undefined) n++;
    return n;
  }

  /** Stops every heartbeat and waits for pending writes: call on quit, before the process exits. */
  async close(): Promise<void> {
    const chains = [...this.#live.values()].map((live) => {
      this.#stopHeartbeat(live);
      return live.chain;
    });
    await Promise.all(chains);
    await this.#journal?.close();
  }

  /**
   * Queues a write behind the run's earlier ones. A record that is not final stays replaceable
   * until its write gets a descriptor: a newer state arriving meanwhile takes its place. A run
   * that ends at once (most do) is so written once, final, instead of twice; and when the disk
   * falls behind (1,000 runs due in one second, most of them 'queued' for a slot a few ms),
   * a run's 'queued' and 'running' states waiting for it are never written, only the newest.
   * Every caller's promise settles with the write that carried its state, earlier callers first.
   */
  #enqueue(path: string, live: LiveRun, record: RunRecord): Promise<void> {
    if (live.waiting) {
      live.waiting.record = record;
      const { done } = live.waiting;
      if (FINAL_STATUSES.has(record.status)) live.waiting = undefined;
      return done;
    }
    const final = FINAL_STATUSES.has(record.status);
    const slot: WaitingWrite = { record, done: Promise.resolve() };
    const write = live.chain.then(() =>
      final ? this.#writeFinal(path, slot.record) : this.#writeWaiting(path, live, slot),
    );
    slot.done = write;
    // Only a write still waiting can be replaced; a final one is never replaced, so a finished
    // run's record is on disk before anything newer (a retry reusing its id) overwrites it.
    if (!final) live.waiting = slot;
    live.chain = write.catch(() => undefined);
    return write;
  }

  /**
   * A 'queued' or 'running' record need not survive a power cut (after a crash it would only be
   * marked interrupted), so it is written without an fsync, and its text is made only once the
   * write has a descriptor. If the run ended meanwhile, its final record goes the final way.
   */
  async #writeWaiting(path: string, live: LiveRun, slot: WaitingWrite): Promise<void> {
    // One turn first: a run that ends at once replaces its 'running' state before any I/O.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const written = await atomicWriteWhenFree(
      path,
      () => {
        if (live.waiting === slot) live.waiting = undefined;
        return FINAL_STATUSES.has(slot.record.status) ? null : JSON.stringify(slot.record, null, 2);
      },
      { durable: false },
    );
    if (!written) await this.#writeFinal(path, slot.record);
  }

  /** A final record must survive a power cut: the journal's group commit, else its own fsync. */
  #writeFinal(path: string, record: RunRecord): Promise<void> {
    const text = JSON.stringify(record, null, 2);
    if (this.#journal) return this.#journal.commit(path, text);
    return atomicWrite(path, text);
  }

  #armHeartbeat(path: string, live: LiveRun): void {
    live.timer = this.#clock.setTimer(() => {
      live.timer = undefined;
      if (live.latest.status !== 'running' || this.#live.get(path) !== live) return;
      live.latest = { ...live.latest, heartbeatAt: this.#clock.now() };
      this.#enqueue(path, live, live.latest).catch((error: unknown) => {
        this.#logger.warn(
          `RunRecordWriter: heartbeat write to ${path} failed; will try again`,
          error,
        );
      });
      this.#armHeartbeat(path, live);
    }, this.heartbeatMs);
  }

  #stopHeartbeat(live: LiveRun): void {
    if (live.timer !== undefined) this.#clock.clearTimer(live.timer);
    live.timer = undefined;
  }

  #forgetIfSettled(path: string, live: LiveRun): void {
    if (this.#live.get(path) === live && FINAL_STATUSES.has(live.latest.status))
      this.#live.delete(path);
  }
}
