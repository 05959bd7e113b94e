import { createHash } from 'node:crypto';
import { z } from 'zod';
import { groupName, projectName, taskName } from '../model/names.js';
import { runRecord } from '../model/run.js';
import { TimeSlicer } from '../store/run-record-files.js';
import type { KnownFolder } from './folder-scanner.js';
import type { IndexEntry } from './run-index.js';
import type { RunSummary } from './run-summary.js';
import { runTime, toSummary } from './run-summary.js';
import { DamagedIndex } from './run-index-codec.js';

/**
 * Reads the run index of Crontray before the binary format (run-index-codec.ts), so a user who
 * upgrades keeps the index they had: it is read once, and the next save writes the new format.
 * Nothing writes this format any more.
 */
const FORMAT = 'crontray-run-index';
const VERSION = 1;

/** Summary fields kept as they are: times, different for nearly every run. */
export const PLAIN = ['scheduledFor', 'startedAt', 'endedAt', 'heartbeatAt'] as const;
/**
 * Summary fields kept as a list of the values a chunk holds and, per run, the place of its
 * value there: they repeat (a task's id, a status), and small whole numbers cost nothing to
 * read back where 100,000 strings would.
 */
export const CODED = [
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

/** The value of coded column `c` for run `i`; a place outside the list means a damaged file. */
function valueAt<T>(column: [T[], number[]], i: number): T {
  const at = column[1][i]!;
  if (at >= column[0].length)
    throw new DamagedIndex('a run refers to a value its chunk does not hold');
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

/** The header, folders line and chunks of a whole file whose checksum holds. */
function splitIndex(bytes: Buffer): { header: z.output<typeof headerLine>; lines: string[] } {
  const NL = 0x0a;
  if (bytes.length === 0 || bytes[bytes.length - 1] !== NL)
    throw new DamagedIndex('it is cut short (no end line)');
  const trailerStart = bytes.lastIndexOf(NL, bytes.length - 2) + 1;
  const trailer = trailerLine.safeParse(
    parseJson(bytes.subarray(trailerStart, bytes.length - 1).toString('utf8')),
  );
  if (!trailer.success) throw new DamagedIndex('it is cut short (no end line)');
  const body = bytes.subarray(0, trailerStart);
  if (createHash('sha256').update(body).digest('hex') !== trailer.data.sha256)
    throw new DamagedIndex('its checksum does not match its content');
  const lines = body.toString('utf8').split('\n');
  lines.pop();
  const header = headerLine.safeParse(parseJson(lines[0] ?? ''));
  if (!header.success) throw new DamagedIndex('its first line is not an index header');
  return { header: header.data, lines };
}

/**
 * The folders and runs of an index file as Crontray wrote it before version 2 (JSON lines:
 * a header, the task folders, chunks of runs as columns, a sha256 trailer); 'outdated' for
 * a version this one cannot read. Throws DamagedIndex when it is not whole.
 */
export async function parseLegacyIndex(
  bytes: Buffer,
): Promise<{ folders: KnownFolder[]; entries: IndexEntry[] } | 'outdated'> {
  const { header, lines } = splitIndex(bytes);
  if (header.version !== VERSION || header.fields.join() !== FIELDS.join()) return 'outdated';
  if (lines.length !== header.chunks + 2)
    throw new DamagedIndex(
      `it has ${lines.length - 2} chunks of runs, its header says ${header.chunks}`,
    );
  const listed = foldersLine.safeParse(parseJson(lines[1] ?? ''));
  if (!listed.success || listed.data.length !== header.folders)
    throw new DamagedIndex('its list of task folders is invalid');
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
      throw new DamagedIndex(
        `line ${line + 1} is invalid at ${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    const c = parsed.data;
    const n = c[0].length;
    const lengths = c.map((column, i) => (i < 8 ? column.length : (column[1] as number[]).length));
    if (lengths.some((length) => length !== n))
      throw new DamagedIndex(`line ${line + 1} has columns of different lengths`);
    for (let i = 0; i < n; i++) {
      const folder = folders[c[0][i]!];
      if (!folder) throw new DamagedIndex(`line ${line + 1} names a task folder it does not list`);
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
    throw new DamagedIndex(`it holds ${entries.length} runs, its header says ${header.runs}`);
  return { folders, entries };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
