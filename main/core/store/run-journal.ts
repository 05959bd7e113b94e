import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Logger } from '../log/logger.js';
import { atomicWrite } from '../fs/atomic-write.js';
import { fileGate } from '../fs/fd-gate.js';

export interface RunJournalOptions {
  /** Where the segments live, e.g. <dataDir>/journal. Created on the first commit. */
  dir: string;
  /** The run-record folder the journaled paths are relative to. */
  jobsDir: string;
  logger: Logger;
  /** Records appended with one write and one fsync, at most. Default 1,000. */
  maxBatch?: number;
  /** A segment is closed once it is this big (bytes) or this old (ms). Default 4 MiB / 5 s. */
  segmentBytes?: number;
  segmentMs?: number;
  /**
   * A closed segment is deleted this long after it closed (ms), once the record files it
   * covers have been fsync'd: by then the kernel has usually written them back already, which
   * makes that fsync cheap. Default 10 s.
   */
  checkpointAfterMs?: number;
}

/** Its journal line is made only when its batch is appended: a backlog holds the text once. */
interface Pending {
  path: string;
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Segment {
  path: string;
  bytes: number;
  openedAt: number;
  /**
   * Writes of the record files it covers (after the append, without fsync) still in flight.
   * Which files it covers, its own lines say: the checkpoint reads them back rather than keep
   * the paths in memory (at 1,000 runs a second, 15,000 of them live until their checkpoint).
   */
  writes: Set<Promise<void>>;
}

const SEGMENT = /^runs-(\d{8})\.jsonl$/;
/**
 * fsyncs in flight during a checkpoint. Few: the files were written back by then, so each is
 * quick, and the checkpoint is background work that must not take the descriptors and I/O
 * threads the next run records wait for (with 32, it held half of the shared gate's 64).
 */
const CHECKPOINT_PARALLEL = 4;

/**
 * Group commit for final run records. Records that finish while one append is in flight are
 * appended together as JSON lines to a segment file with one write and one fsync: that is the
 * moment a record is durable. Each record's own file is then written atomically without an
 * fsync of its own. After a crash, replay() rewrites any file the journal has and the disk
 * lost; a closed segment is deleted once the files it covers have been fsync'd.
 */
export class RunJournal {
  readonly dir: string;
  readonly #jobsDir: string;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  readonly #segmentBytes: number;
  readonly #segmentMs: number;
  readonly #checkpointAfterMs: number;
  #pending: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #segment: Segment | null = null;
  #nextSeq = 1;
  readonly #retired: { segment: Segment; closedAt: number }[] = [];
  #checkpointTimer: ReturnType<typeof setTimeout> | null = null;
  #checkpointing: Promise<void> = Promise.resolve();

  constructor(options: RunJournalOptions) {
    this.dir = options.dir;
    this.#jobsDir = options.jobsDir;
    this.#logger = options.logger;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#segmentBytes = options.segmentBytes ?? 4 * 2 ** 20;
    this.#segmentMs = options.segmentMs ?? 5_000;
    this.#checkpointAfterMs = options.checkpointAfterMs ?? 10_000;
  }

  /**
   * Call once on start, before the first commit: rewrites every record the segments left by a
   * crash hold and the disk does not (missing, cut short, or older), then deletes the segments.
   * Returns how many files it rewrote.
   */
  async replay(): Promise<number> {
    const segments = listSegments(this.dir);
    const latest = new Map<string, string>();
    for (const name of segments)
      for (const entry of entries(readFileSync(join(this.dir, name), 'utf8')))
        latest.set(entry.p, entry.t);
    let rewritten = 0;
    for (const [rel, text] of latest) {
      const path = this.#pathOf(rel);
      const onDisk = await fileGate.run(() => readFile(path, 'utf8')).catch(() => null);
      if (onDisk === text) continue;
      await atomicWrite(path, text);
      rewritten++;
    }
    for (const name of segments) await unlink(join(this.dir, name));
    const last = segments.at(-1);
    this.#nextSeq = last ? Number(SEGMENT.exec(last)?.[1]) + 1 : 1;
    if (rewritten > 0)
      this.#logger.info(
        `RunJournal: restored ${rewritten} run record(s) that were committed but not yet on disk`,
      );
    return rewritten;
  }

  /** Resolves once `text` is durable (journaled) and readable at `path` (renamed into place). */
  commit(path: string, text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ path, text, resolve, reject });
      this.#flushing ??= this.#flushLoop();
    });
  }

  /** Flushes, waits for every file write, fsyncs what the segments cover and deletes them. */
  async close(): Promise<void> {
    await this.#flushing;
    if (this.#checkpointTimer) clearTimeout(this.#checkpointTimer);
    this.#checkpointTimer = null;
    await this.#retire();
    await this.#checkpointing;
    await this.#checkpoint(Number.POSITIVE_INFINITY);
  }

  /** Clears #flushing in the same turn as it finds nothing pending, so no commit is left behind. */
  async #flushLoop(): Promise<void> {
    // One turn of the event loop first, so records finishing together share the fsync.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      let segment: Segment;
      try {
        segment = await this.#append(batch);
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      for (const p of batch) {
        const write = atomicWrite(p.path, p.text, { durable: false }).then(p.resolve, p.reject);
        segment.writes.add(write);
        void write.finally(() => segment.writes.delete(write));
      }
      if (segment.bytes >= this.#segmentBytes || Date.now() - segment.openedAt >= this.#segmentMs)
        await this.#retire().catch((error: unknown) =>
          this.#logger.warn('RunJournal: could not close a segment', error),
        );
    }
    this.#flushing = null;
  }

  /**
   * Opened, appended, fsync'd and closed per batch: nothing stays open between batches (a
   * descriptor held for writing would, for one, keep the data folder from being remounted).
   */
  async #append(batch: Pending[]): Promise<Segment> {
    const segment = (this.#segment ??= await this.#newSegment());
    const text = `${batch.map((p) => this.#line(p)).join('\n')}\n`;
    // Ahead of the record files waiting for a descriptor: this one write makes the whole batch
    // durable, and the batch's own files are only written after it.
    await fileGate.run(
      async () => {
        const handle = await open(segment.path, 'a', 0o600);
        try {
          await handle.write(text);
          await handle.datasync();
        } catch (error) {
          // A full disk may take part of the write: cut it back so the segment stays whole lines.
          await handle.truncate(segment.bytes).catch(() => undefined);
          if (segment.bytes === 0) await unlink(segment.path).catch(() => undefined);
          throw error;
        } finally {
          await handle.close();
        }
      },
      { first: true },
    );
    segment.bytes += Buffer.byteLength(text);
    return segment;
  }

  #line(p: Pending): string {
    return JSON.stringify({ p: relative(this.#jobsDir, p.path).split(sep).join('/'), t: p.text });
  }

  async #newSegment(): Promise<Segment> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `runs-${String(this.#nextSeq++).padStart(8, '0')}.jsonl`);
    return { path, bytes: 0, openedAt: Date.now(), writes: new Set() };
  }

  async #retire(): Promise<void> {
    const segment = this.#segment;
    if (!segment) return;
    this.#segment = null;
    if (segment.bytes === 0) return;
    this.#retired.push({ segment, closedAt: Date.now() });
    this.#armCheckpoint();
  }

  #armCheckpoint(): void {
    this.#checkpointTimer ??= setTimeout(() => {
      this.#checkpointTimer = null;
      this.#checkpointing = this.#checkpointing
        .then(() => this.#checkpoint(Date.now() - this.#checkpointAfterMs))
        .catch((error: unknown) =>
          this.#logger.warn('RunJournal: checkpoint failed; will try again', error),
        );
    }, this.#checkpointAfterMs);
    this.#checkpointTimer.unref();
  }

  #pathOf(rel: string): string {
    return join(this.#jobsDir, ...rel.split('/'));
  }

  /** Deletes every retired segment closed before `closedBefore`, after fsyncing its files. */
  async #checkpoint(closedBefore: number): Promise<void> {
    while (this.#retired.length > 0 && this.#retired[0]!.closedAt <= closedBefore) {
      const { segment } = this.#retired[0]!;
      await Promise.all(segment.writes);
      const files = await coveredFiles(segment.path);
      let next = 0;
      const worker = async () => {
        while (next < files.length) await syncFile(this.#pathOf(files[next++]!));
      };
      await Promise.all(Array.from({ length: CHECKPOINT_PARALLEL }, worker));
      await unlink(segment.path).catch(() => undefined);
      this.#retired.shift();
    }
    if (this.#retired.length > 0 && closedBefore !== Number.POSITIVE_INFINITY)
      this.#armCheckpoint();
  }
}

/** fsync a file written earlier; one that is gone (retention, a delete) needs nothing. */
async function syncFile(path: string): Promise<void> {
  await fileGate.run(async () => {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  });
}

function listSegments(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => SEGMENT.test(n))
      .sort();
  } catch {
    return [];
  }
}

/** The record files (relative) a segment's lines name, once each; none when it is gone. */
async function coveredFiles(segmentPath: string): Promise<string[]> {
  const text = await fileGate
    .run(() => readFile(segmentPath, 'utf8'))
    .catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    });
  return [...new Set(Array.from(entries(text), (e) => e.p))];
}

/** A segment's entries; a line a crash cut short was never acknowledged (its run was not done). */
function* entries(segmentText: string): Generator<{ p: string; t: string }> {
  for (const line of segmentText.split('\n')) {
    const entry = parseLine(line);
    if (entry && !entry.p.split('/').includes('..')) yield entry;
  }
}

function parseLine(line: string): { p: string; t: string } | null {
  if (line === '') return null;
  try {
    const value = JSON.parse(line) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { p?: unknown }).p === 'string' &&
      typeof (value as { t?: unknown }).t === 'string'
    )
      return value as { p: string; t: string };
  } catch {
    // cut short by a crash: never acknowledged
  }
  return null;
}
