import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { atomicWrite, removeAtomicTempFiles } from '../fs/atomic-write.js';
import { fileGate } from '../fs/fd-gate.js';
import { moveAside } from '../fs/move-aside.js';
import { groupName, projectName, taskName } from '../model/names.js';
import { runRecord } from '../model/run.js';
import { TimeSlicer } from '../store/run-record-files.js';
import type { FileSig, KnownFolder } from './folder-scanner.js';
import type { IndexEntry } from './run-index.js';
import type { RunSummary } from './run-summary.js';
import { runTime, toSummary } from './run-summary.js';

const FORMAT = 'crontray-run-index';
const VERSION = 1;

/** Summary fields kept as they are: times, different for nearly every run. */
const PLAIN = ['scheduledFor', 'startedAt', 'endedAt', 'heartbeatAt'] as const;
/**
 * Summary fields kept as a list of the values a chunk holds and, per run, the place of its
 * value there: they repeat (a task's id, a status), and small whole numbers cost nothing to
 * read back where 100,000 strings would.
 */
const CODED = [
  'taskId',
  'sessionId',
  'status',
  'trigger',
  'attempt',
  'firstRunId',
  'exitCode',
  'httpStatus',
  'error',
  'fromCache',
] as const;
const FIELDS = [...PLAIN, ...CODED] satisfies readonly (keyof RunSummary)[];

const headerLine = z
  .object({
    format: z.literal(FORMAT),
    version: z.number().int(),
    fields: z.array(z.string()),
    savedAt: z.number(),
    folders: z.number().int().min(0),
    runs: z.number().int().min(0),
    chunks: z.number().int().min(0),
  })
  .strict();

const trailerLine = z
  .object({ end: z.literal(true), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();

/**
 * A column of 100,000 values checked in one loop: zod's per-element parsers cost more than
 * the rest of loading put together. The coded columns' few distinct values go through the
 * record's own schemas (below).
 */
const column = <T>(what: string, ok: (v: unknown) => boolean) =>
  z.custom<T[]>((v) => Array.isArray(v) && v.every(ok), `must be a list of ${what}`);
const isTime = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const places = column<number>('whole numbers', (v) => Number.isInteger(v) && (v as number) >= 0);
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const coded = <T extends z.ZodType>(values: T) => z.tuple([z.array(values), places]);
const s = runRecord.shape;
/** A chunk of runs, one column per field (see PLAIN and CODED for the order). */
const chunkLine = z.tuple([
  places, // the run's task folder, by its place in the folders line
  column<string>('run ids', (v) => typeof v === 'string' && ID.test(v)), // as idSchema
  column<number>('times', (v) => typeof v === 'number' && Number.isFinite(v)), // mtimeMs when read
  places, // the file's size
  column<number | null>('times or null', isTime), // scheduledFor
  column<number | null>('times or null', isTime), // startedAt
  column<number | null>('times or null', isTime), // endedAt
  column<number | null>('times or null', isTime), // heartbeatAt
  coded(s.taskId),
  coded(s.sessionId),
  coded(s.status),
  coded(s.trigger),
  coded(s.attempt),
  coded(s.firstRunId),
  coded(s.exitCode),
  coded(s.httpStatus),
  coded(s.error),
  coded(s.fromCache),
]);
type Chunk = z.output<typeof chunkLine>;

/** [project, group, name, folder mtimeMs, list it again on load] per task folder. */
const foldersLine = z.array(z.tuple([projectName, groupName, taskName, z.number(), z.boolean()]));

/** Runs per line: a line is parsed and checked at once, and start-up yields between lines. */
const CHUNK = 4096;

/** What load() found. */
export type LoadedIndex =
  | {
      kind: 'loaded';
      folders: KnownFolder[];
      /** Oldest first, each with its file's stat when read. */
      entries: IndexEntry[];
    }
  | { kind: 'missing' }
  /** Written by another version of Crontray: rebuilt without a word, as a cache would be. */
  | { kind: 'outdated' }
  | { kind: 'set-aside'; reason: string; movedTo: string };

/** Thrown inside load() for a file that is not a whole index as save() writes it. */
class Damaged extends Error {}

/** The value of coded column `c` for run `i`; a place outside the list means a damaged file. */
function valueAt<T>(column: [T[], number[]], i: number): T {
  const at = column[1][i]!;
  if (at >= column[0].length) throw new Damaged('a run refers to a value its chunk does not hold');
  return column[0][at]!;
}

function summaryOf(place: readonly string[], c: Chunk, i: number): RunSummary {
  const [project = '', group = '', name = ''] = place;
  return toSummary({
    runId: c[1][i]!,
    project,
    group,
    name,
    scheduledFor: c[4][i]!,
    startedAt: c[5][i]!,
    endedAt: c[6][i]!,
    heartbeatAt: c[7][i]!,
    taskId: valueAt(c[8], i),
    sessionId: valueAt(c[9], i),
    status: valueAt(c[10], i),
    trigger: valueAt(c[11], i),
    attempt: valueAt(c[12], i),
    firstRunId: valueAt(c[13], i),
    exitCode: valueAt(c[14], i),
    httpStatus: valueAt(c[15], i),
    error: valueAt(c[16], i),
    fromCache: valueAt(c[17], i),
  });
}

/** Gathers one chunk's columns as save() writes them. */
class ChunkWriter {
  rows = 0;
  readonly #plain: unknown[][] = [[], [], [], [], [], [], [], []];
  readonly #coded = CODED.map(() => ({ places: new Map<unknown, number>(), list: [] as number[] }));

  add(folder: number, summary: RunSummary, sig: FileSig): void {
    this.rows++;
    const cells = [folder, summary.runId, sig.mtimeMs, sig.size, ...PLAIN.map((f) => summary[f])];
    cells.forEach((cell, i) => this.#plain[i]!.push(cell));
    CODED.forEach((field, i) => {
      const column = this.#coded[i]!;
      const value = summary[field];
      let at = column.places.get(value);
      if (at === undefined) column.places.set(value, (at = column.places.size));
      column.list.push(at);
    });
  }

  toJson(): string {
    const coded = this.#coded.map((c) => [[...c.places.keys()], c.list]);
    return JSON.stringify([...this.#plain, ...coded]);
  }
}

/**
 * The run index kept on disk between runs, so start-up reads one file instead of every run
 * record. It is a cache: the run files stay the truth. A JSON-lines file: a header, one line
 * per task folder (its mtime and, per run, the file's stat when read and the summary), and a
 * trailer with the sha256 of everything before it, so a torn or damaged file is recognised and
 * set aside (kept) instead of trusted. Written atomically without an fsync: after a power cut
 * the older file (or none) is used and verified like any other.
 */
export class RunIndexFile {
  constructor(
    readonly path: string,
    private readonly now: () => number,
  ) {}

  async load(): Promise<LoadedIndex> {
    await removeAtomicTempFiles(dirname(this.path));
    let bytes: Buffer;
    try {
      bytes = await fileGate.run(() => readFile(this.path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      return this.#setAside(`it cannot be read: ${(error as Error).message}`);
    }
    try {
      return await parseIndex(bytes);
    } catch (error) {
      if (!(error instanceof Damaged)) throw error;
      return this.#setAside(error.message);
    }
  }

  /**
   * Writes `entries` (the index, oldest first) with the stat each file had when read
   * (`entry.sig`, unless `mustRead` says it is to be read again), and the task folders as the
   * scanner knows them. A run without a stat is left out and its folder marked to be listed.
   */
  async save(
    folders: Iterable<KnownFolder>,
    entries: Iterable<IndexEntry>,
    mustRead: (key: string) => boolean,
  ): Promise<void> {
    const slicer = new TimeSlicer();
    const place = new Map<string, number>();
    const folderRows: [string, string, string, number, boolean][] = [];
    for (const folder of folders) {
      place.set(folder.rel, folderRows.length);
      const [project = '', group = '', name = ''] = folder.rel.split('/');
      folderRows.push([project, group, name, folder.mtimeMs, folder.confirm]);
    }
    const lines: string[] = [];
    let chunk = new ChunkWriter();
    let runs = 0;
    for (const entry of entries) {
      await slicer.maybeYield();
      const at = place.get(entry.task);
      const sig = mustRead(entry.key) ? undefined : entry.sig;
      if (at === undefined || sig === undefined) {
        if (at !== undefined) folderRows[at]![4] = true;
        continue;
      }
      chunk.add(at, entry.summary, sig);
      runs++;
      if (chunk.rows === CHUNK) {
        lines.push(chunk.toJson());
        chunk = new ChunkWriter();
      }
    }
    if (chunk.rows > 0) lines.push(chunk.toJson());
    const header = JSON.stringify({
      format: FORMAT,
      version: VERSION,
      fields: FIELDS,
      savedAt: this.now(),
      folders: folderRows.length,
      runs,
      chunks: lines.length,
    });
    const body = Buffer.from(`${[header, JSON.stringify(folderRows), ...lines].join('\n')}\n`);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await atomicWrite(
      this.path,
      Buffer.concat([body, Buffer.from(`${JSON.stringify({ end: true, sha256 })}\n`)]),
      { durable: false },
    );
  }

  #setAside(reason: string): LoadedIndex {
    try {
      return { kind: 'set-aside', reason, movedTo: moveAside(this.path, this.now()) };
    } catch (error) {
      // Left in place, it is overwritten by the next save: a cache, never the only copy.
      return { kind: 'set-aside', reason, movedTo: `(not moved: ${(error as Error).message})` };
    }
  }
}

/** The header, folders line and chunks of a whole file whose checksum holds. */
function splitIndex(bytes: Buffer): { header: z.output<typeof headerLine>; lines: string[] } {
  const NL = 0x0a;
  if (bytes.length === 0 || bytes[bytes.length - 1] !== NL)
    throw new Damaged('it is cut short (no end line)');
  const trailerStart = bytes.lastIndexOf(NL, bytes.length - 2) + 1;
  const trailer = trailerLine.safeParse(
    parseJson(bytes.subarray(trailerStart, bytes.length - 1).toString('utf8')),
  );
  if (!trailer.success) throw new Damaged('it is cut short (no end line)');
  const body = bytes.subarray(0, trailerStart);
  if (createHash('sha256').update(body).digest('hex') !== trailer.data.sha256)
    throw new Damaged('its checksum does not match its content');
  const lines = body.toString('utf8').split('\n');
  lines.pop();
  const header = headerLine.safeParse(parseJson(lines[0] ?? ''));
  if (!header.success) throw new Damaged('its first line is not an index header');
  return { header: header.data, lines };
}

async function parseIndex(bytes: Buffer): Promise<LoadedIndex> {
  const { header, lines } = splitIndex(bytes);
  if (header.version !== VERSION || header.fields.join() !== FIELDS.join())
    return { kind: 'outdated' };
  if (lines.length !== header.chunks + 2)
    throw new Damaged(
      `it has ${lines.length - 2} chunks of runs, its header says ${header.chunks}`,
    );
  const listed = foldersLine.safeParse(parseJson(lines[1] ?? ''));
  if (!listed.success || listed.data.length !== header.folders)
    throw new Damaged('its list of task folders is invalid');
  const folderPlaces = listed.data.map(([project, group, name]) => [project, group, name]);
  const folders = listed.data.map(([project, group, name, mtimeMs, confirm]) => ({
    rel: `${project}/${group}/${name}`,
    mtimeMs,
    confirm,
  }));
  const slicer = new TimeSlicer();
  const entries: IndexEntry[] = [];
  for (let line = 2; line < lines.length; line++) {
    await slicer.maybeYield();
    const parsed = chunkLine.safeParse(parseJson(lines[line]!));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Damaged(
        `line ${line + 1} is invalid at ${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    const c = parsed.data;
    const n = c[0].length;
    const lengths = c.map((column, i) => (i < 8 ? column.length : (column[1] as number[]).length));
    if (lengths.some((length) => length !== n))
      throw new Damaged(`line ${line + 1} has columns of different lengths`);
    for (let i = 0; i < n; i++) {
      const folder = folders[c[0][i]!];
      if (!folder) throw new Damaged(`line ${line + 1} names a task folder it does not list`);
      const summary = summaryOf(folderPlaces[c[0][i]!]!, c, i);
      entries.push({
        key: `${folder.rel}/${c[1][i]!}.json`,
        task: folder.rel,
        at: runTime(summary) || Math.round(c[2][i]!),
        summary,
        sig: { mtimeMs: c[2][i]!, size: c[3][i]! },
      });
    }
  }
  if (entries.length !== header.runs)
    throw new Damaged(`it holds ${entries.length} runs, its header says ${header.runs}`);
  return { kind: 'loaded', folders, entries };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
