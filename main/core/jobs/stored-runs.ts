import type { RunStatus } from '../model/run.js';
import type { CodedRow, RunColumns } from './run-columns.js';
import type { RunDetails } from './run-details.js';
import { STATUSES, statusCode } from './run-columns.js';
import type { TaskFolders } from './task-folders.js';

/**
 * The history as the run index file keeps it: plain columns, task folder after task folder
 * (each folder's runs in run id order, as TaskFolders keeps them), and the time order as row
 * numbers. Loading is then a copy of columns, not 100,000 summaries to make, code and sort.
 * The task folders themselves are the file's list (`folders` below: 'project/group/name').
 */
export interface StoredRuns {
  /** How many runs each task folder of the file's list holds (its rows follow one another). */
  folderRuns: Uint32Array;
  /** The instant each run is ordered by (RunIndex's `at`). */
  at: Float64Array;
  /** startedAt, scheduledFor, endedAt and heartbeatAt, four per run; NaN for null. */
  times: Float64Array;
  /** The run file's stat when its summary was read. */
  fileMtime: Float64Array;
  fileSize: Float64Array;
  /** Place in taskIds. */
  taskId: Uint32Array;
  taskIds: string[];
  /** 0 for null, else 1 + place in sessions. */
  session: Uint32Array;
  sessions: string[];
  /** Place in detailList. */
  details: Uint32Array;
  detailList: RunDetails[];
  /** Place in statuses. */
  status: Uint8Array;
  statuses: RunStatus[];
  /** Run ids as ASCII bytes: run r's id is ids[idStart[r], idStart[r + 1]). */
  idStart: Uint32Array;
  ids: Uint8Array;
  /** Every run's row, oldest first (equal times: the larger key first). */
  order: Uint32Array;
}

/** A column's values by the codes of a RunColumns interner, made file places in first-seen order. */
class Places<T> {
  readonly list: T[] = [];
  readonly #byCode: number[] = [];

  place(code: number, value: (code: number) => T): number {
    let at = this.#byCode[code];
    if (at === undefined) {
      at = this.#byCode[code] = this.list.length;
      this.list.push(value(code));
    }
    return at;
  }
}

/**
 * The runs of `fileFolders` ('project/group/name', in the file's order) as StoredRuns. A run
 * listed in `skip` (a row number) or without a file stat is left out: its folder's place is in
 * `partial`, to be listed again on the next start.
 */
export function storeRuns(
  rows: RunColumns,
  folders: TaskFolders,
  order: Int32Array,
  fileFolders: readonly string[],
  skip: ReadonlySet<number>,
): { runs: StoredRuns; partial: Set<number> } {
  const cap = order.length;
  const runs: StoredRuns = {
    folderRuns: new Uint32Array(fileFolders.length),
    at: new Float64Array(cap),
    times: new Float64Array(cap * 4),
    fileMtime: new Float64Array(cap),
    fileSize: new Float64Array(cap),
    taskId: new Uint32Array(cap),
    taskIds: [],
    session: new Uint32Array(cap),
    sessions: [],
    details: new Uint32Array(cap),
    detailList: [],
    status: new Uint8Array(cap),
    statuses: [...STATUSES],
    idStart: new Uint32Array(cap + 1),
    ids: new Uint8Array(rows.idTextBytes()),
    order: new Uint32Array(cap),
  };
  const taskIds = new Places<string>();
  const sessions = new Places<string>();
  const details = new Places<RunDetails>();
  const partial = new Set<number>();
  const newRow = new Int32Array(rows.length).fill(-1);
  let n = 0;
  fileFolders.forEach((rel, place) => {
    const folder = folders.find(rel);
    for (let i = 0; i < (folder?.n ?? 0); i++) {
      const row = folder!.rows[i]!;
      const sig = rows.fileSig(row);
      if (skip.has(row) || sig === undefined) {
        partial.add(place);
        continue;
      }
      newRow[row] = n;
      runs.folderRuns[place] = runs.folderRuns[place]! + 1;
      copyRow(rows, row, runs, n);
      runs.fileMtime[n] = sig.mtimeMs;
      runs.fileSize[n] = sig.size;
      runs.taskId[n] = taskIds.place(rows.taskId[row]!, (c) => rows.taskIds.value(c));
      const session = rows.session[row]!;
      runs.session[n] =
        session === 0 ? 0 : 1 + sessions.place(session - 1, (c) => rows.sessions.value(c));
      runs.details[n] = details.place(rows.details[row]!, (c) => rows.detail.value(c));
      n++;
    }
  });
  let k = 0;
  for (const row of order) if (newRow[row]! >= 0) runs.order[k++] = newRow[row]!;
  runs.taskIds = taskIds.list;
  runs.sessions = sessions.list;
  runs.detailList = details.list;
  return { runs: trimmed(runs, n), partial };
}

/** Row `row` of `rows` into run `n` of `runs`: the columns that need no coding. */
function copyRow(rows: RunColumns, row: number, runs: StoredRuns, n: number): void {
  runs.at[n] = rows.at[row]!;
  const times = rows.timesOf(row);
  for (let f = 0; f < 4; f++) runs.times[n * 4 + f] = times[f] ?? NaN;
  runs.status[n] = rows.status[row]!;
  const start = runs.idStart[n]!;
  runs.idStart[n + 1] = start + rows.writeIdText(row, runs.ids, start);
}

/** `runs` cut to its first `n` runs. */
function trimmed(runs: StoredRuns, n: number): StoredRuns {
  return {
    ...runs,
    at: runs.at.subarray(0, n),
    times: runs.times.subarray(0, n * 4),
    fileMtime: runs.fileMtime.subarray(0, n),
    fileSize: runs.fileSize.subarray(0, n),
    taskId: runs.taskId.subarray(0, n),
    session: runs.session.subarray(0, n),
    details: runs.details.subarray(0, n),
    status: runs.status.subarray(0, n),
    idStart: runs.idStart.subarray(0, n + 1),
    ids: runs.ids.subarray(0, runs.idStart[n]),
    order: runs.order.subarray(0, n),
  };
}

/**
 * Appends StoredRuns (checked by the file's reader: places in range, ids in order, a whole time
 * order) to rows and folders that hold nothing yet. Returns the time order as their row numbers.
 */
export function restoreRuns(
  rows: RunColumns,
  folders: TaskFolders,
  fileFolders: readonly string[],
  runs: StoredRuns,
): Int32Array {
  if (rows.length !== 0) throw new Error('RunIndex: restore() needs an empty index');
  const n = runs.order.length;
  rows.reserve(n);
  const taskIds = runs.taskIds.map((v) => rows.taskIds.code(v));
  const sessions = runs.sessions.map((v) => 1 + rows.sessions.code(v));
  const details = runs.detailList.map((v) => rows.detail.code(v));
  const statuses = runs.statuses.map((v) => statusCode.get(v)!);
  const v: CodedRow = {
    ...{ at: 0, times: new Float64Array(4), mtimeMs: 0, size: 0 },
    ...{ taskId: 0, session: 0, details: 0, status: 0 },
  };
  let r = 0;
  fileFolders.forEach((rel, place) => {
    const count = runs.folderRuns[place]!;
    if (count === 0) return;
    const folder = folders.get(rel);
    if (folder.n === 0) folder.rows = new Int32Array(count);
    for (const end = r + count; r < end; r++) {
      v.at = runs.at[r]!;
      for (let f = 0; f < 4; f++) v.times[f] = runs.times[r * 4 + f]!;
      v.mtimeMs = runs.fileMtime[r]!;
      v.size = runs.fileSize[r]!;
      v.taskId = taskIds[runs.taskId[r]!]!;
      const session = runs.session[r]!;
      v.session = session === 0 ? 0 : sessions[session - 1]!;
      v.details = details[runs.details[r]!]!;
      v.status = statuses[runs.status[r]!]!;
      const row = rows.pushCoded(folder.id, runs.ids, runs.idStart[r]!, runs.idStart[r + 1]!, v);
      folders.insert(folder, folder.n, row);
    }
  });
  return new Int32Array(runs.order);
}
