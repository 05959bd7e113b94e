import type { RunStatus, RunTrigger } from '../model/run.js';
import { runStatus } from '../model/run.js';
import type { RunSummary } from './run-summary.js';

/** The values a column holds once each, by a small number per row: ids, sessions, errors repeat. */
export class Interner<T> {
  readonly #codes = new Map<string, number>();
  readonly #values: T[] = [];

  constructor(private readonly keyOf: (value: T) => string) {}

  code(value: T): number {
    const key = this.keyOf(value);
    let code = this.#codes.get(key);
    if (code === undefined) {
      code = this.#values.length;
      this.#codes.set(key, code);
      this.#values.push(value);
    }
    return code;
  }

  /** The code of `value` if any row ever held it (filters ask before walking). */
  find(value: T): number | undefined {
    return this.#codes.get(this.keyOf(value));
  }

  value(code: number): T {
    return this.#values[code]!;
  }
}

/** The summary fields that are the same for most runs of a task, kept as one coded tuple. */
export interface RunDetails {
  trigger: RunTrigger;
  attempt: number;
  firstRunId: string | null;
  exitCode: number | null;
  httpStatus: number | null;
  error: string | null;
  fromCache: boolean;
}

export const detailsKey = (d: RunDetails): string =>
  JSON.stringify([
    d.trigger,
    d.attempt,
    d.firstRunId,
    d.exitCode,
    d.httpStatus,
    d.error,
    d.fromCache,
  ]);

/**
 * firstRunId as details hold it when it is the run's own id, as for every first attempt: runs
 * then share their details instead of each run making its own. Never an id (ids are letters,
 * digits, '_' and '-').
 */
export const OWN_ID = '\u0000';

export const STATUSES: readonly RunStatus[] = runStatus.options;
export const statusCode = new Map(STATUSES.map((s, i) => [s, i]));
/** A removed row, until the next compaction. */
export const DEAD = 255;

const grownF64 = (a: Float64Array, cap: number) => {
  const b = new Float64Array(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
  return b;
};
const grownU32 = (a: Uint32Array, cap: number) => {
  const b = new Uint32Array(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
  return b;
};
const grownU8 = (a: Uint8Array, cap: number) => {
  const b = new Uint8Array(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
  return b;
};

const grownI32 = (a: Int32Array, cap: number) => {
  const b = new Int32Array(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
  return b;
};

/** startedAt, scheduledFor, endedAt, heartbeatAt. */
export type Times = [number | null, number | null, number | null, number | null];
const NULL_TIME = -0x80000000;
const WIDE = -0x7fffffff;

/** One row's values as pushCoded() takes them: codes of this RunColumns' interners. */
export interface CodedRow {
  at: number;
  /** startedAt, scheduledFor, endedAt, heartbeatAt; NaN for null. */
  times: Float64Array;
  mtimeMs: number;
  size: number;
  taskId: number;
  /** 0 for null, else 1 + the session's code. */
  session: number;
  details: number;
  status: number;
}
/** Growth of a full column: small, since every column of every row pays for the spare room. */
const GROWTH = 1.25;

/**
 * Every run of the history as rows of typed arrays: about a hundred bytes a run, outside the
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
   * row (NULL_TIME for null): half the bytes of four doubles. A row whose times do not fit
   * (fractions, or weeks apart) keeps them in #wide instead, marked WIDE.
   */
  times = new Int32Array(0);
  readonly #wide = new Map<number, Times>();
  /** The run file's mtime and size when it was read or written (NaN: read it again). */
  fileMtime = new Float64Array(0);
  fileSize = new Uint32Array(0);
  folder = new Uint32Array(0);
  taskId = new Uint32Array(0);
  /** 0 for null, else 1 + the session's code. */
  session = new Uint32Array(0);
  details = new Uint32Array(0);
  status = new Uint8Array(0);
  /** Run ids as ASCII bytes; row r's id is ids[idStart[r], idStart[r + 1]). */
  ids = new Uint8Array(0);
  idStart = new Uint32Array(1);

  readonly taskIds = new Interner<string>((v) => v);
  readonly sessions = new Interner<string>((v) => v);
  readonly detail = new Interner<RunDetails>(detailsKey);

  runId(row: number): string {
    return Buffer.from(
      this.ids.buffer,
      this.idStart[row],
      this.idStart[row + 1]! - this.idStart[row]!,
    ).toString('latin1');
  }

  /** Compares row's run id with `id` as strings compare. */
  compareId(row: number, id: string): number {
    const from = this.idStart[row]!;
    const n = this.idStart[row + 1]! - from;
    const m = Math.min(n, id.length);
    for (let i = 0; i < m; i++) {
      const d = this.ids[from + i]! - id.charCodeAt(i);
      if (d !== 0) return d;
    }
    return n - id.length;
  }

  /** Appends a row; returns its number. */
  push(folder: number, s: RunSummary, at: number, mtimeMs: number, size: number): number {
    const row = this.length;
    this.#ensure(row + 1, s.runId.length);
    this.length++;
    const start = this.idStart[row]!;
    this.ids.set(Buffer.from(s.runId, 'latin1'), start);
    this.idStart[row + 1] = start + s.runId.length;
    this.folder[row] = folder;
    this.set(row, s, at, mtimeMs, size);
    return row;
  }

  /** Overwrites a row's summary fields (its run id and folder stay). */
  set(row: number, s: RunSummary, at: number, mtimeMs: number, size: number): void {
    this.#setTimes(row, at, [s.startedAt, s.scheduledFor, s.endedAt, s.heartbeatAt]);
    this.fileMtime[row] = mtimeMs;
    this.fileSize[row] = size;
    this.taskId[row] = this.taskIds.code(s.taskId);
    this.session[row] = s.sessionId === null ? 0 : 1 + this.sessions.code(s.sessionId);
    this.details[row] = this.detail.code({
      trigger: s.trigger,
      attempt: s.attempt,
      firstRunId: s.firstRunId === s.runId ? OWN_ID : s.firstRunId,
      exitCode: s.exitCode,
      httpStatus: s.httpStatus,
      error: s.error,
      fromCache: s.fromCache,
    });
    this.status[row] = statusCode.get(s.status)!;
  }

  /**
   * Appends a row whose values are already coded by this object's interners and statusCode:
   * the run index file loads 100,000 rows this way, without a summary object (or a details
   * key) per row. The run id is bytes [from, to) of `ids` (ASCII).
   */
  pushCoded(folder: number, ids: Uint8Array, from: number, to: number, v: CodedRow): number {
    const row = this.length;
    this.#ensure(row + 1, to - from);
    this.length++;
    const start = this.idStart[row]!;
    // A loop, not set(subarray): a view per row costs more than copying its ten bytes.
    for (let i = from; i < to; i++) this.ids[start + i - from] = ids[i]!;
    this.idStart[row + 1] = start + to - from;
    this.folder[row] = folder;
    this.#setTimes(row, v.at, v.times);
    this.fileMtime[row] = v.mtimeMs;
    this.fileSize[row] = v.size;
    this.taskId[row] = v.taskId;
    this.session[row] = v.session;
    this.details[row] = v.details;
    this.status[row] = v.status;
    return row;
  }

  /** Makes room for `rows` rows and `idBytes` more bytes of run ids at once (a bulk load). */
  reserve(rows: number, idBytes: number): void {
    this.#ensure(rows, idBytes);
  }

  /** startedAt, scheduledFor, endedAt and heartbeatAt of a row. */
  timesOf(row: number): Times {
    return this.#times(row);
  }

  /** `times` as Times, or as a Float64Array with NaN for null (no boxed number per time). */
  #setTimes(row: number, at: number, times: Times | Float64Array): void {
    this.at[row] = at;
    this.#wide.delete(row);
    for (let f = 0; f < 4; f++) {
      const value = times[f]!;
      const time = value === null || Number.isNaN(value) ? null : value;
      const delta = time === null ? NULL_TIME : time - at;
      if (time !== null && !(Number.isInteger(delta) && Math.abs(delta) < 0x7fff0000)) {
        const t = (f: number) => (Number.isNaN(times[f]) ? null : times[f]!);
        this.#wide.set(row, [t(0), t(1), t(2), t(3)]);
        this.times.fill(WIDE, row * 4, row * 4 + 4);
        return;
      }
      this.times[row * 4 + f] = delta;
    }
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
    let idAt = 0;
    for (let row = 0; row < this.length; row++) {
      if (!keep(row)) continue;
      map[row] = n;
      const from = this.idStart[row]!;
      const to = this.idStart[row + 1]!;
      this.ids.copyWithin(idAt, from, to);
      this.idStart[n] = idAt;
      idAt += to - from;
      for (const column of this.#numberColumns()) column[n] = column[row]!;
      this.times.copyWithin(n * 4, row * 4, row * 4 + 4);
      const wide = this.#wide.get(row);
      this.#wide.delete(row);
      if (wide) this.#wide.set(n, wide);
      n++;
    }
    this.idStart[n] = idAt;
    this.length = n;
    return map;
  }

  #numberColumns(): (Float64Array | Uint32Array | Uint8Array)[] {
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

  #ensure(rows: number, idBytes: number): void {
    const used = this.idStart[this.length]!;
    if (used + idBytes > this.ids.length)
      this.ids = grownU8(this.ids, Math.max(1024, Math.ceil((used + idBytes) * GROWTH)));
    if (rows <= this.status.length) return;
    const cap = Math.max(1024, Math.ceil(rows * GROWTH));
    this.at = grownF64(this.at, cap);
    this.times = grownI32(this.times, cap * 4);
    this.fileMtime = grownF64(this.fileMtime, cap);
    this.fileSize = grownU32(this.fileSize, cap);
    this.folder = grownU32(this.folder, cap);
    this.taskId = grownU32(this.taskId, cap);
    this.session = grownU32(this.session, cap);
    this.details = grownU32(this.details, cap);
    this.status = grownU8(this.status, cap);
    this.idStart = grownU32(this.idStart, cap + 1);
  }
}
