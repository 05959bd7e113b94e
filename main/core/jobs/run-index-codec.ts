import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { z } from 'zod';
import { groupName, projectName, taskName } from '../model/names.js';
import { runRecord, runStatus } from '../model/run.js';
import type { RunDetails } from './run-details.js';
import type { KnownFolder } from './folder-scanner.js';
import type { StoredRuns } from './stored-runs.js';

/** A file that is not a whole run index as encodeIndex() writes it: set aside, never trusted. */
export class DamagedIndex extends Error {}

const FORMAT = 'crontray-run-index';
const VERSION = 2;
/** The first bytes of every binary index file (the JSON-lines format of version 1 starts with '{'). */
export const MAGIC = Buffer.from('crontray-runidx\n', 'latin1');
const SHA256_BYTES = 32;

const s = runRecord.shape;
const headerSchema = z
  .object({
    format: z.literal(FORMAT),
    version: z.number().int(),
    /** The byte order of the columns: a file from a machine of the other kind is rebuilt. */
    endian: z.enum(['LE', 'BE']),
    savedAt: z.number(),
    runs: z.number().int().min(0),
    idBytes: z.number().int().min(0),
    /** [project, group, name, folder mtimeMs, list it again on load, runs in the file]. */
    folders: z.array(
      z.tuple([projectName, groupName, taskName, z.number(), z.boolean(), z.number().int().min(0)]),
    ),
    taskIds: z.array(s.taskId),
    sessions: z.array(z.string().max(64)),
    /** RunDetails as [trigger, attempt, firstRunId, exitCode, httpStatus, error, fromCache]. */
    details: z.array(
      z.tuple([s.trigger, s.attempt, s.firstRunId, s.exitCode, s.httpStatus, s.error, s.fromCache]),
    ),
    statuses: z.array(runStatus),
  })
  .strict();
type Header = z.output<typeof headerSchema>;

type ColumnName = Exclude<
  keyof StoredRuns,
  'folderRuns' | 'taskIds' | 'sessions' | 'detailList' | 'statuses'
>;
type Typed = Float64ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

/** The columns after the header, in file order, each at a multiple of 8 bytes. */
function layout(runs: number, idBytes: number): [ColumnName, Typed, number][] {
  return [
    ['at', Float64Array, runs],
    ['times', Float64Array, runs * 4],
    ['fileMtime', Float64Array, runs],
    ['fileSize', Float64Array, runs],
    ['taskId', Uint32Array, runs],
    ['session', Uint32Array, runs],
    ['details', Uint32Array, runs],
    ['order', Uint32Array, runs],
    ['idStart', Uint32Array, runs + 1],
    ['status', Uint8Array, runs],
    ['ids', Uint8Array, idBytes],
  ];
}

const aligned = (offset: number) => Math.ceil(offset / 8) * 8;

/**
 * The binary run index: MAGIC, the header's length (u32, little-endian) and the header as JSON
 * (counts, the task folders, and the few distinct task ids, sessions, details and statuses the
 * columns refer to by place), then the columns as the machine holds them, then the sha256 of
 * everything before it. Loading is a checksum, one JSON.parse and typed-array views.
 */
export function encodeIndex(
  folders: readonly KnownFolder[],
  runs: StoredRuns,
  now: number,
): Buffer {
  const header: Header = {
    format: FORMAT,
    version: VERSION,
    endian: endianness(),
    savedAt: now,
    runs: runs.order.length,
    idBytes: runs.ids.length,
    folders: folders.map((f, i) => {
      const [project = '', group = '', name = ''] = f.rel.split('/');
      return [project, group, name, f.mtimeMs, f.confirm, runs.folderRuns[i]!];
    }),
    taskIds: runs.taskIds,
    sessions: runs.sessions,
    details: runs.detailList.map((d) => [
      ...[d.trigger, d.attempt, d.firstRunId, d.exitCode, d.httpStatus],
      ...[d.error, d.fromCache],
    ]) as Header['details'],
    statuses: runs.statuses,
  };
  const head = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  const parts: Uint8Array[] = [MAGIC, length, head];
  let offset = MAGIC.length + 4 + head.length;
  for (const [name] of layout(header.runs, header.idBytes)) {
    parts.push(Buffer.alloc(aligned(offset) - offset));
    const column = runs[name];
    parts.push(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    offset = aligned(offset) + column.byteLength;
  }
  // Hashed part by part, so the file is put together once (not the body, then body and hash).
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  parts.push(hash.digest());
  return Buffer.concat(parts);
}

/** The folders and runs of a binary index file, checked; 'outdated' when another version wrote it. */
export function decodeIndex(
  file: Buffer,
): { folders: KnownFolder[]; runs: StoredRuns } | 'outdated' {
  // Typed arrays need their element size's alignment: a fresh copy is aligned.
  const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(new Uint8Array(file));
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new DamagedIndex('it does not start as a run index does');
  const headEnd = MAGIC.length + 4 + bytes.readUInt32LE(MAGIC.length);
  const raw = headEnd <= bytes.length ? parseJson(bytes.subarray(MAGIC.length + 4, headEnd)) : null;
  const head = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Header>;
  const body = bytes.subarray(0, Math.max(0, bytes.length - SHA256_BYTES));
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length))) {
    const cut = headEnd > bytes.length || columnsEnd(head, headEnd) + SHA256_BYTES > bytes.length;
    throw new DamagedIndex(cut ? 'it is cut short' : 'its checksum does not match its content');
  }
  if (head.format === FORMAT && (head.version !== VERSION || head.endian !== endianness()))
    return 'outdated';
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success || columnsEnd(parsed.data, headEnd) !== body.length)
    throw new DamagedIndex('its header is invalid');
  const header = parsed.data;
  const columns = new Map<ColumnName, Float64Array | Uint32Array | Uint8Array>();
  let offset = headEnd;
  for (const [name, Type, length] of layout(header.runs, header.idBytes)) {
    offset = aligned(offset);
    columns.set(name, new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length));
    offset += length * Type.BYTES_PER_ELEMENT;
  }
  const runs = {
    ...(Object.fromEntries(columns) as Pick<StoredRuns, ColumnName>),
    folderRuns: Uint32Array.from(header.folders, (f) => f[5]),
    taskIds: header.taskIds,
    sessions: header.sessions,
    detailList: header.details.map(detailsOf),
    statuses: header.statuses,
  };
  const folders = header.folders.map(([project, group, name, mtimeMs, confirm]) => ({
    rel: `${project}/${group}/${name}`,
    mtimeMs,
    confirm,
  }));
  checkRuns(folders, runs);
  return { folders, runs };
}

/** Where the columns a header describes end (NaN when it does not say how many runs). */
function columnsEnd(header: Partial<Header>, headEnd: number): number {
  let offset = headEnd;
  for (const [, Type, length] of layout(Number(header.runs), Number(header.idBytes)))
    offset = aligned(offset) + length * Type.BYTES_PER_ELEMENT;
  return offset;
}

function detailsOf(d: Header['details'][number]): RunDetails {
  const [trigger, attempt, firstRunId, exitCode, httpStatus, error, fromCache] = d;
  return { trigger, attempt, firstRunId, exitCode, httpStatus, error, fromCache };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** What a run id's bytes may be (idSchema). */
const ID_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')
  ID_BYTE[c.charCodeAt(0)] = 1;

/**
 * Every place in range, every run id well formed and in order within its folder, and the
 * time order a whole permutation in order: what RunIndex assumes of the rows it is given.
 */
function checkRuns(folders: readonly KnownFolder[], runs: StoredRuns): void {
  const n = runs.order.length;
  const bad = (what: string) => new DamagedIndex(`its runs are invalid (${what})`);
  if (runs.folderRuns.reduce((a, b) => a + b, 0) !== n) throw bad('folder counts');
  if (runs.idStart[0] !== 0 || runs.idStart[n] !== runs.ids.length) throw bad('run ids');
  for (let r = 0; r < n; r++) {
    if (!Number.isFinite(runs.at[r]!) || !Number.isFinite(runs.fileMtime[r]!)) throw bad('times');
    if (!(Number.isInteger(runs.fileSize[r]!) && runs.fileSize[r]! >= 0)) throw bad('sizes');
    for (let f = r * 4; f < r * 4 + 4; f++)
      if (Math.abs(runs.times[f]!) === Infinity) throw bad('times');
    if (
      runs.taskId[r]! >= runs.taskIds.length ||
      runs.session[r]! > runs.sessions.length ||
      runs.details[r]! >= runs.detailList.length ||
      runs.status[r]! >= runs.statuses.length
    )
      throw bad('places');
    const length = runs.idStart[r + 1]! - runs.idStart[r]!;
    if (!(length >= 1 && length <= 64)) throw bad('run ids');
  }
  for (let i = 0; i < runs.ids.length; i++) if (ID_BYTE[runs.ids[i]!] !== 1) throw bad('run ids');
  const folderOf = checkIdOrder(runs);
  checkTimeOrder(runs, (r) => `${folders[folderOf[r]!]!.rel}/${idOf(runs, r)}.json`);
}

function idOf(runs: StoredRuns, r: number): string {
  return Buffer.from(
    runs.ids.buffer,
    runs.ids.byteOffset + runs.idStart[r]!,
    runs.idStart[r + 1]! - runs.idStart[r]!,
  ).toString('latin1');
}

/** Run ids strictly ascending within each folder (as TaskFolders searches them); returns each run's folder. */
function checkIdOrder(runs: StoredRuns): Uint32Array {
  const folderOf = new Uint32Array(runs.order.length);
  let r = 0;
  runs.folderRuns.forEach((count, place) => {
    folderOf.fill(place, r, r + count);
    for (let end = r + count, first = r; r < end; r++)
      if (r > first && compareIds(runs, r - 1, r) >= 0)
        throw new DamagedIndex('its runs are invalid (run id order)');
  });
  return folderOf;
}

/** Run a's id against run b's, as strings compare (ids are ASCII). */
function compareIds(runs: StoredRuns, a: number, b: number): number {
  const { ids, idStart } = runs;
  const la = idStart[a + 1]! - idStart[a]!;
  const lb = idStart[b + 1]! - idStart[b]!;
  for (let i = 0; i < Math.min(la, lb); i++) {
    const d = ids[idStart[a]! + i]! - ids[idStart[b]! + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Each run once, oldest first, equal times by the larger key first (RunIndex's order). */
function checkTimeOrder(runs: StoredRuns, keyOf: (r: number) => string): void {
  const n = runs.order.length;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = runs.order[i]!;
    if (r >= n || seen[r] === 1) throw new DamagedIndex('its runs are invalid (time order)');
    seen[r] = 1;
    if (i === 0) continue;
    const p = runs.order[i - 1]!;
    const a = runs.at[p]!;
    const b = runs.at[r]!;
    if (a > b || (a === b && keyOf(p) <= keyOf(r)))
      throw new DamagedIndex('its runs are invalid (time order)');
  }
}
