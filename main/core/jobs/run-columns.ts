import type { RunStatus } from '../model/run.js';
import { runStatus } from '../model/run.js';
import type { FileSig } from './folder-scanner.js';
import type { RunSummary } from './run-summary.js';
import { Interner, OWN_ID, detailsKey } from './run-details.js';
import type { RunDetails } from './run-details.js';
import {
  ID_BYTES,
  UUID,
  UUID_LENGTH,
  compareUuid,
  putUuidAscii,
  putUuidString,
  uuidText,
  writeUuidAscii,
} from './run-id-bytes.js';

export const STATUSES: readonly RunStatus[] = runStatus.options;
export const statusCode = new Map(STATUSES.map((s, i) => [s, i]));
/** A removed row, until the next compaction. */
export const DEAD = 255;

type Column = Float64Array | Int32Array | Int16Array | Uint32Array | Uint16Array | Uint8Array;
/** A column of codes: 16 bits a row until a code needs more, then 32 (see #putCode). */
type Codes = Uint16Array | Uint32Array;

/** The column with room for `cap` rows, its values kept. */
function grown<T extends Column>(a: T, cap: number): T {
  const b = new (a.constructor as new (length: number) => T)(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
  return b;
}

/** startedAt, scheduledFor, endedAt, heartbeatAt. */
export type Times = [number | null, number | null, number | null, number | null];

/** One row's values as pushCoded() takes them: codes of this RunColumns' interners. */
export interface CodedRow {
  at: number;
  /** startedAt, scheduledFor, endedAt, heartbeatAt; NaN for null. */
  times: Float64Array;
  /** NaN: unknown. */
  mtimeMs: number;
  size: number;
  taskId: number;
  /** 0 for null, else 1 + the session's code. */
  session: number;
  details: number;
  status: number;
}
const MTIME_UNIT = 4096;
const MTIME_UNKNOWN = -0x80000000;
/** Markers that fit either width of the times column; a delta equal to one is kept wide. */
const NULL_TIME = -0x8000;
const WIDE = -0x7fff;
const timeAt = (times: ArrayLike<number | null>, f: number): number | null => {
  const t = times[f]!;
  return t === null || Number.isNaN(t) ? null : t;
};
/** A side map's entries under their rows' new numbers, without the dropped rows'. */
function renumbered<T>(byRow: Map<number, T>, map: Int32Array): Map<number, T> {
  const out = new Map<number, T>();
  for (const [row, value] of byRow) if (map[row]! >= 0) out.set(map[row]!, value);
  return out;
}

/** Growth of a full column: small, since every column of every row pays for the spare room. */
const GROWTH = 1.25;

/**
 * Every run of the history as rows of typed arrays: about fifty bytes a run, outside the
 * garbage-collected heap, instead of a summary object, its key and the map entries holding it
 * (about a kilobyte). Rows are appended; a removed row is marked DEAD until compact().
 * A summary object is made only when a reader asks for one.
 */
export class RunColumns {
  /** Rows in use, dead ones included. */
  length = 0;
  /** The instant a row is ordered by (runTime(), else when it was found). */
  at = new Float64Array(0);
  /**
   * startedAt, scheduledFor, endedAt and heartbeatAt as whole milliseconds from `at`, four per
   * row (NULL_TIME for null): 16 bits each while every run's times lie within 32 s of its `at`,
   * 32 bits for all rows from the first that does not. A row whose times do not fit even then
   * (fractions, or weeks apart) keeps them in #wide instead, marked WIDE.
   */
  times: Int16Array | Int32Array = new Int16Array(0);
  #wide = new Map<number, Times>();
  /**
   * The run file's mtime when it was read or written (see fileSig()): in 1/4096 ms from `at`
   * (MTIME_UNKNOWN: read it again), the grid every mtime from 2004 on lies on, while each
   * fits (within 524 s of its `at`); as it is for all rows (NaN: unknown) from the first that
   * does not.
   */
  fileMtime: Int32Array | Float64Array = new Int32Array(0);
  fileSize = new Uint32Array(0);
  folder: Codes = new Uint16Array(0);
  taskId: Codes = new Uint16Array(0);
  /** 0 for null, else 1 + the session's code. */
  session: Codes = new Uint16Array(0);
  details: Codes = new Uint16Array(0);
  status = new Uint8Array(0);
  /**
   * Run ids, 16 bytes a row: row r's id is the UUID whose bytes are ids[16r, 16r + 16), written
   * as the canonical lowercase 36 characters (what the app makes: a third of the bytes of its
   * text). Any other id is kept as it is in #oddIds, and its 16 bytes are zero.
   */
  ids = new Uint8Array(0);
  #oddIds = new Map<number, string>();

  readonly taskIds = new Interner<string>((v) => v);
  readonly sessions = new Interner<string>((v) => v);
  readonly detail = new Interner<RunDetails>(detailsKey);

  runId(row: number): string {
    const odd = this.#oddIds.size > 0 ? this.#oddIds.get(row) : undefined;
    if (odd !== undefined) return odd;
    return uuidText(this.ids, row * ID_BYTES);
  }

  /**
   * Compares row's run id with `id` as strings compare (the sign), character by character from
   * the bytes: a lowercase hex digit's order is its value's, and the dashes sit at the same places.
   */
  compareId(row: number, id: string): number {
    const odd = this.#oddIds.size > 0 ? this.#oddIds.get(row) : undefined;
    if (odd !== undefined) return odd < id ? -1 : odd > id ? 1 : 0;
    return compareUuid(this.ids, row * ID_BYTES, id);
  }

  /** Appends a row; returns its number. */
  push(folder: number, s: RunSummary, at: number, mtimeMs: number, size: number): number {
    const row = this.length;
    this.#ensure(row + 1);
    this.length++;
    if (UUID.test(s.runId)) putUuidString(s.runId, this.ids, row * ID_BYTES);
    else this.#oddIds.set(row, s.runId);
    this.#putCode('folder', row, folder);
    this.set(row, s, at, mtimeMs, size);
    return row;
  }

  /** Overwrites a row's summary fields (its run id and folder stay). */
  set(row: number, s: RunSummary, at: number, mtimeMs: number, size: number): void {
    this.at[row] = at;
    this.#setTimes(row, at, [s.startedAt, s.scheduledFor, s.endedAt, s.heartbeatAt]);
    this.setFileSig(row, Number.isNaN(mtimeMs) ? null : { mtimeMs, size });
    this.#putCode('taskId', row, this.taskIds.code(s.taskId));
    this.#putCode('session', row, s.sessionId === null ? 0 : 1 + this.sessions.code(s.sessionId));
    this.#putCode(
      'details',
      row,
      this.detail.code({
        trigger: s.trigger,
        attempt: s.attempt,
        firstRunId: s.firstRunId === s.runId ? OWN_ID : s.firstRunId,
        exitCode: s.exitCode,
        httpStatus: s.httpStatus,
        error: s.error,
        fromCache: s.fromCache,
      }),
    );
    this.status[row] = statusCode.get(s.status)!;
  }

  /** `times` (startedAt, scheduledFor, endedAt, heartbeatAt) with null or NaN for none. */
  #setTimes(row: number, at: number, times: ArrayLike<number | null>): void {
    this.#wide.delete(row);
    let wide = false;
    let big = false;
    for (let f = 0; f < 4; f++) {
      const time = timeAt(times, f);
      if (time === null) continue;
      const delta = time - at;
      if (!Number.isInteger(delta) || Math.abs(delta) >= 0x7fff0000) wide = true;
      else if (delta === NULL_TIME || delta === WIDE) wide = true;
      else if (delta < NULL_TIME || delta > 0x7fff) big = true;
    }
    if (wide) {
      this.#wide.set(row, [0, 1, 2, 3].map((f) => timeAt(times, f)) as Times);
      this.times.fill(WIDE, row * 4, row * 4 + 4);
      return;
    }
    if (big && this.times instanceof Int16Array) this.times = Int32Array.from(this.times);
    for (let f = 0; f < 4; f++) {
      const time = timeAt(times, f);
      this.times[row * 4 + f] = time === null ? NULL_TIME : time - at;
    }
  }

  /** Most histories have fewer than 65,536 tasks, sessions and detail tuples: 2 bytes a code. */
  #putCode(name: 'folder' | 'taskId' | 'session' | 'details', row: number, code: number): void {
    if (code > 0xffff && this[name] instanceof Uint16Array)
      this[name] = Uint32Array.from(this[name]);
    this[name][row] = code;
  }

  /** The run file's stat when its summary was read or written; undefined: read it again. */
  fileSig(row: number): FileSig | undefined {
    const mtime = this.fileMtime[row]!;
    const size = this.fileSize[row]!;
    if (this.fileMtime instanceof Float64Array)
      return Number.isNaN(mtime) ? undefined : { mtimeMs: mtime, size };
    return mtime === MTIME_UNKNOWN
      ? undefined
      : { mtimeMs: this.at[row]! + mtime / MTIME_UNIT, size };
  }

  /** Notes the run file's stat (null: unknown); call after the row's `at` is set. */
  setFileSig(row: number, sig: FileSig | null): void {
    this.fileSize[row] = sig?.size ?? 0;
    if (this.fileMtime instanceof Int32Array) {
      if (!sig) {
        this.fileMtime[row] = MTIME_UNKNOWN;
        return;
      }
      const at = this.at[row]!;
      const units = (sig.mtimeMs - at) * MTIME_UNIT;
      // Kept only where it reads back as the very same number, the one a new stat is compared with.
      if (Math.abs(units) < 0x7fffffff && at + Math.round(units) / MTIME_UNIT === sig.mtimeMs) {
        this.fileMtime[row] = Math.round(units);
        return;
      }
      this.#widenMtimes();
    }
    this.fileMtime[row] = sig?.mtimeMs ?? NaN;
  }

  /** Forgets every file's stat: each is read again. */
  forgetFileSigs(): void {
    this.fileMtime.fill(this.fileMtime instanceof Int32Array ? MTIME_UNKNOWN : NaN);
  }

  #widenMtimes(): void {
    const mtimes = new Float64Array(this.fileMtime.length);
    for (let row = 0; row < this.length; row++) mtimes[row] = this.fileSig(row)?.mtimeMs ?? NaN;
    this.fileMtime = mtimes;
  }

  /**
   * Appends a row whose values are already coded by this object's interners and statusCode:
   * the run index file loads 100,000 rows this way, without a summary object (or a details
   * key) per row. The run id is bytes [from, to) of `ids` (ASCII).
   */
  pushCoded(folder: number, ids: Uint8Array, from: number, to: number, v: CodedRow): number {
    const row = this.length;
    this.#ensure(row + 1);
    this.length++;
    if (!putUuidAscii(ids, from, to, this.ids, row * ID_BYTES))
      this.#oddIds.set(
        row,
        Buffer.from(ids.buffer, ids.byteOffset + from, to - from).toString('latin1'),
      );
    this.#putCode('folder', row, folder);
    this.at[row] = v.at;
    this.#setTimes(row, v.at, v.times);
    this.setFileSig(row, Number.isNaN(v.mtimeMs) ? null : { mtimeMs: v.mtimeMs, size: v.size });
    this.#putCode('taskId', row, v.taskId);
    this.#putCode('session', row, v.session);
    this.#putCode('details', row, v.details);
    this.status[row] = v.status;
    return row;
  }

  /** The bytes every row's run id takes as text (what writeIdText() writes for all rows). */
  idTextBytes(): number {
    let odd = 0;
    for (const id of this.#oddIds.values()) odd += id.length;
    return (this.length - this.#oddIds.size) * UUID_LENGTH + odd;
  }

  /** Writes the row's run id as ASCII into `out` at `at`; returns how many bytes. */
  writeIdText(row: number, out: Uint8Array, at: number): number {
    const odd = this.#oddIds.size > 0 ? this.#oddIds.get(row) : undefined;
    if (odd !== undefined) {
      for (let i = 0; i < odd.length; i++) out[at + i] = odd.charCodeAt(i);
      return odd.length;
    }
    writeUuidAscii(this.ids, row * ID_BYTES, out, at);
    return UUID_LENGTH;
  }

  /** Makes room for `rows` rows at once (a bulk load). */
  reserve(rows: number): void {
    this.#ensure(rows);
  }

  /** startedAt, scheduledFor, endedAt and heartbeatAt of a row. */
  timesOf(row: number): Times {
    return this.#times(row);
  }

  statusOf(row: number): RunStatus {
    return STATUSES[this.status[row]!]!;
  }

  /** The row as the summary readers get. */
  summary(row: number, place: { project: string; group: string; name: string }): RunSummary {
    const d = this.detail.value(this.details[row]!);
    const [startedAt, scheduledFor, endedAt, heartbeatAt] = this.#times(row);
    const session = this.session[row]!;
    const runId = this.runId(row);
    return {
      runId,
      taskId: this.taskIds.value(this.taskId[row]!),
      project: place.project,
      group: place.group,
      name: place.name,
      sessionId: session === 0 ? null : this.sessions.value(session - 1),
      status: this.statusOf(row),
      trigger: d.trigger,
      scheduledFor,
      startedAt,
      endedAt,
      heartbeatAt,
      attempt: d.attempt,
      firstRunId: d.firstRunId === OWN_ID ? runId : d.firstRunId,
      exitCode: d.exitCode,
      httpStatus: d.httpStatus,
      error: d.error,
      fromCache: d.fromCache,
      durationMs: startedAt !== null && endedAt !== null ? Math.max(0, endedAt - startedAt) : null,
    };
  }

  #times(row: number): Times {
    const wide = this.#wide.get(row);
    if (wide) return wide;
    const at = this.at[row]!;
    const t = (f: number) => {
      const delta = this.times[row * 4 + f]!;
      return delta === NULL_TIME ? null : at + delta;
    };
    return [t(0), t(1), t(2), t(3)];
  }

  /** Keeps only rows `keep` accepts, in order; returns old row number → new (-1 when dropped). */
  compact(keep: (row: number) => boolean): Int32Array {
    const map = new Int32Array(this.length).fill(-1);
    let n = 0;
    for (let row = 0; row < this.length; row++) {
      if (!keep(row)) continue;
      map[row] = n;
      this.ids.copyWithin(n * ID_BYTES, row * ID_BYTES, (row + 1) * ID_BYTES);
      for (const column of this.#numberColumns()) column[n] = column[row]!;
      this.times.copyWithin(n * 4, row * 4, row * 4 + 4);
      n++;
    }
    // Side maps are rebuilt: a dropped row's entry must not stay on for the row taking its number.
    this.#wide = renumbered(this.#wide, map);
    this.#oddIds = renumbered(this.#oddIds, map);
    this.length = n;
    return map;
  }

  #numberColumns(): Column[] {
    return [
      this.at,
      this.fileMtime,
      this.fileSize,
      this.folder,
      this.taskId,
      this.session,
      this.details,
      this.status,
    ];
  }

  #ensure(rows: number): void {
    if (rows <= this.status.length) return;
    const cap = Math.max(1024, Math.ceil(rows * GROWTH));
    this.at = grown(this.at, cap);
    this.times = grown(this.times, cap * 4);
    this.fileMtime = grown(this.fileMtime, cap);
    this.fileSize = grown(this.fileSize, cap);
    this.folder = grown(this.folder, cap);
    this.taskId = grown(this.taskId, cap);
    this.session = grown(this.session, cap);
    this.details = grown(this.details, cap);
    this.status = grown(this.status, cap);
    this.ids = grown(this.ids, cap * ID_BYTES);
  }
}
