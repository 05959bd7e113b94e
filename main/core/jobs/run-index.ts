import type { FileSig } from './folder-scanner.js';
import { DEAD, RunColumns, statusCode } from './run-columns.js';
import type { Page, Position, RunFilter } from './run-filter.js';
import { decodeCursor, encodeCursor, rowMatcher } from './run-filter.js';
import type { PickFrom, Picked } from './run-pick.js';
import { pickRows } from './run-pick.js';
import type { RunSummary } from './run-summary.js';
import { runTime } from './run-summary.js';
import { TaskFolders } from './task-folders.js';
import type { StoredRuns } from './stored-runs.js';
import { restoreRuns, storeRuns } from './stored-runs.js';

export type { Page, RunFilter } from './run-filter.js';

/** One run given to the index. `key` is its path under the status folder: 'project/group/name/runId.json'. */
export interface IndexEntry {
  key: string;
  /** The task folder part of the key: 'project/group/name'. */
  task: string;
  at: number;
  summary: RunSummary;
  /** The file's stat when this summary was read or written; absent: unknown, read it again. */
  sig?: FileSig;
}

/** Compaction waits for this many removed rows, and for them to be a quarter of all. */
const COMPACT_AFTER = 4096;

/**
 * Every run, in columns (RunColumns: about fifty bytes a run, off the garbage-collected
 * heap), with a time order kept as row numbers so a page is a walk from a binary-searched start
 * rather than a sort per query. The order runs oldest first, equal times by the larger key
 * first, so its reverse is what callers see (newest first, equal times by key) and a new run
 * is usually an append. Summaries are made when a reader asks for them.
 */
export class RunIndex {
  readonly #rows = new RunColumns();
  readonly #folders = new TaskFolders();
  /** Live rows, oldest first (see #earlier). */
  #order = new Int32Array(1024);
  #live = 0;
  #dead = 0;
  /** Bumped on every change; totals computed for a filter stay valid until it moves. */
  #version = 0;
  #totals = new Map<string, number>();
  #totalsVersion = -1;

  get size(): number {
    return this.#live;
  }

  has(key: string): boolean {
    return this.#rowOf(key) !== undefined;
  }

  get(key: string): RunSummary | undefined {
    const row = this.#rowOf(key);
    return row === undefined ? undefined : this.#summary(row);
  }

  /** The stat the run's file had when its summary was read or written; undefined when unknown. */
  sigOf(key: string): FileSig | undefined {
    const row = this.#rowOf(key);
    return row === undefined ? undefined : this.#rows.fileSig(row);
  }

  /** Notes the file's stat for a run in the index (or forgets it with null: read it again). */
  setSig(key: string, sig: FileSig | null): void {
    const row = this.#rowOf(key);
    if (row !== undefined) this.#rows.setFileSig(row, sig);
  }

  /** Forgets every file's stat: each is read again on the next scan that lists its folder. */
  forgetSigs(): void {
    this.#rows.forgetFileSigs();
  }

  /** Every entry, newest first, made one at a time. */
  *newest(): Generator<IndexEntry> {
    for (let i = this.#live - 1; i >= 0; i--) yield this.#entry(this.#order[i]!);
  }

  /**
   * The runs of `folders` ('project/group/name', in this order) as the run index file keeps
   * them, less the runs `skip` names and those whose file stat is unknown (their folders'
   * places are in `partial`).
   */
  stored(
    folders: readonly string[],
    skip: Iterable<string>,
  ): { runs: StoredRuns; partial: Set<number> } {
    const skipRows = new Set<number>();
    for (const key of skip) {
      const row = this.#rowOf(key);
      if (row !== undefined) skipRows.add(row);
    }
    const order = this.#order.subarray(0, this.#live);
    return storeRuns(this.#rows, this.#folders, order, folders, skipRows);
  }

  /** Loads what stored() gave (checked by the file's reader) into an index that holds nothing yet. */
  restore(folders: readonly string[], runs: StoredRuns): void {
    this.#version++;
    const order = restoreRuns(this.#rows, this.#folders, folders, runs);
    for (const folder of this.#folders.all()) folder.version = this.#version;
    this.#order = new Int32Array(Math.max(1024, Math.ceil(order.length * 1.25)));
    this.#order.set(order);
    this.#live = order.length;
  }

  /** Runs that are not over (queued or running), as entries. */
  unfinished(): IndexEntry[] {
    const out: IndexEntry[] = [];
    const queued = statusCode.get('queued')!;
    const running = statusCode.get('running')!;
    for (let i = this.#live - 1; i >= 0; i--) {
      const row = this.#order[i]!;
      const s = this.#rows.status[row]!;
      if (s === queued || s === running) out.push(this.#entry(row));
    }
    return out;
  }

  /** The run ids of one task folder ('project/group/name'). */
  runIdsOf(task: string): string[] {
    const folder = this.#folders.find(task);
    if (!folder) return [];
    const out: string[] = [];
    for (let i = 0; i < folder.n; i++) out.push(this.#rows.runId(folder.rows[i]!));
    return out;
  }

  /** The runs of `from` that pass `filter`, as one page newest first (search's hits). */
  pick(from: PickFrom, filter: RunFilter, page: { offset: number; limit: number }): Picked {
    return pickRows(this.#rows, this.#folders, from, filter, page);
  }

  /** Every run of one task folder, as summaries, in no particular order. */
  runsOf(task: string): RunSummary[] {
    const folder = this.#folders.find(task);
    if (!folder) return [];
    const out: RunSummary[] = [];
    for (let i = 0; i < folder.n; i++) out.push(this.#rows.summary(folder.rows[i]!, folder));
    return out;
  }

  /** The newest run of a task folder that `match` accepts, newest by time then key. */
  latestOf(task: string, match: (run: RunSummary) => boolean): RunSummary | undefined {
    const folder = this.#folders.find(task);
    if (!folder) return undefined;
    let best: { row: number; run: RunSummary } | undefined;
    // Rows are in run id order, close to random in time: few beat the best so far.
    for (let i = 0; i < folder.n; i++) {
      const row = folder.rows[i]!;
      if (best && !this.#earlier(best.row, row)) continue;
      const run = this.#rows.summary(row, folder);
      if (match(run)) best = { row, run };
    }
    return best?.run;
  }

  /** Task folders ('project/group/name') with runs in the index. */
  *tasks(): Generator<string> {
    for (const folder of this.#folders.all()) if (folder.n > 0) yield folder.rel;
  }

  /** Moves whenever a run of the task folder ('project/group/name') is added, changed or removed. */
  taskVersion(task: string): number {
    return this.#folders.find(task)?.version ?? 0;
  }

  /** Applies a batch: removals, then upserts. A big batch is ordered with one sort at its end. */
  apply(upserts: readonly IndexEntry[], removals: readonly string[]): void {
    this.#version++;
    const bulk = upserts.length + removals.length > 512;
    for (const key of removals) this.#remove(key, bulk);
    for (const entry of upserts) {
      const folder = this.#folders.get(entry.task);
      folder.version = this.#version;
      const runId = entry.key.slice(entry.task.length + 1, -'.json'.length);
      const mtime = entry.sig?.mtimeMs ?? NaN;
      const size = entry.sig?.size ?? 0;
      const found = this.#folders.search(folder, runId, this.#rows);
      if (found.row !== undefined) {
        const row = found.row;
        const moved = this.#rows.at[row] !== entry.at;
        if (moved && !bulk) this.#unorder(row);
        this.#rows.set(row, entry.summary, entry.at, mtime, size);
        if (moved && !bulk) this.#insertOrdered(row);
        continue;
      }
      const row = this.#rows.push(folder.id, entry.summary, entry.at, mtime, size);
      this.#folders.insert(folder, found.at, row);
      if (bulk) this.#live++;
      else this.#insertOrdered(row);
    }
    if (bulk) this.#resort();
    if (this.#dead >= COMPACT_AFTER && this.#dead * 4 >= this.#rows.length) this.#compact();
  }

  #remove(key: string, bulk: boolean): void {
    const found = this.#folders.locate(key, this.#rows);
    if (!found) return;
    found.folder.version = this.#version;
    if (bulk) this.#live--;
    else this.#unorder(found.row);
    this.#folders.removeAt(found.folder, found.at);
    this.#rows.status[found.row] = DEAD;
    this.#dead++;
  }

  #rowOf(key: string): number | undefined {
    return this.#folders.locate(key, this.#rows)?.row;
  }

  #keyOf(row: number): string {
    return `${this.#folders.byId(this.#rows.folder[row]!).rel}/${this.#rows.runId(row)}.json`;
  }

  #summary(row: number): RunSummary {
    return this.#rows.summary(row, this.#folders.byId(this.#rows.folder[row]!));
  }

  #entry(row: number): IndexEntry {
    const folder = this.#folders.byId(this.#rows.folder[row]!);
    const summary = this.#rows.summary(row, folder);
    return {
      key: `${folder.rel}/${summary.runId}.json`,
      task: folder.rel,
      at: this.#rows.at[row]!,
      summary,
    };
  }

  /** Storage order: earlier time first; for equal times the larger key first. */
  #earlier(a: number, b: number): boolean {
    const ta = this.#rows.at[a]!;
    const tb = this.#rows.at[b]!;
    return ta < tb || (ta === tb && this.#keyOf(a) > this.#keyOf(b));
  }

  #earlierThan(row: number, pos: Position): boolean {
    const t = this.#rows.at[row]!;
    return t < pos.at || (t === pos.at && this.#keyOf(row) > pos.key);
  }

  /** First place in the order whose row is not earlier than `pos` (or row `pos`). */
  #lowerBound(pos: Position | number): number {
    let lo = 0;
    let hi = this.#live;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const row = this.#order[mid]!;
      const before =
        typeof pos === 'number' ? this.#earlier(row, pos) : this.#earlierThan(row, pos);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Places a row that is not in the order yet. */
  #insertOrdered(row: number): void {
    if (this.#live === this.#order.length) {
      const grown = new Int32Array(Math.ceil(this.#live * 1.25));
      grown.set(this.#order);
      this.#order = grown;
    }
    const last = this.#live === 0 ? undefined : this.#order[this.#live - 1];
    const at = last === undefined || this.#earlier(last, row) ? this.#live : this.#lowerBound(row);
    this.#order.copyWithin(at + 1, at, this.#live);
    this.#order[at] = row;
    this.#live++;
  }

  /** Takes a row out of the order. */
  #unorder(row: number): void {
    let at = this.#lowerBound(row);
    if (this.#order[at] !== row) at = this.#order.subarray(0, this.#live).indexOf(row);
    if (at < 0) return;
    this.#order.copyWithin(at, at + 1, this.#live);
    this.#live--;
  }

  /** After a bulk batch: the order rebuilt from the live rows with one sort. */
  #resort(): void {
    const rows: number[] = [];
    for (let row = 0; row < this.#rows.length; row++)
      if (this.#rows.status[row] !== DEAD) rows.push(row);
    rows.sort((a, b) => (this.#earlier(a, b) ? -1 : this.#earlier(b, a) ? 1 : 0));
    this.#order = new Int32Array(Math.max(1024, Math.ceil(rows.length * 1.25)));
    this.#order.set(rows);
    this.#live = rows.length;
  }

  #compact(): void {
    const map = this.#rows.compact((row) => this.#rows.status[row] !== DEAD);
    for (let i = 0; i < this.#live; i++) this.#order[i] = map[this.#order[i]!]!;
    this.#folders.renumber(map);
    this.#dead = 0;
  }

  /** One page of runs matching `filter`, newest first. */
  query(filter: RunFilter = {}): Page<RunSummary> {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
    const matches = rowMatcher(filter, this.#rows, this.#folders);
    // The time window is a contiguous slice of the order, walked from its newest end.
    // An empty key sorts after every real key at the same time, so these bounds take whole instants.
    const top =
      (filter.to === undefined ? this.#live : this.#lowerBound({ at: filter.to, key: '' })) - 1;
    const bottom =
      filter.from === undefined ? 0 : this.#lowerBound({ at: filter.from - 1, key: '' });
    const cursor = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    // The page starts just past the cursor's run: the newest run earlier than it.
    const start = cursor ? Math.min(top, this.#lowerBound(cursor) - 1) : top;

    // Later pages reuse the total counted for the first one, so paging stays a short walk.
    if (this.#totalsVersion !== this.#version) {
      this.#totals.clear();
      this.#totalsVersion = this.#version;
    }
    const totalKey = JSON.stringify([
      filter.project,
      filter.group,
      filter.name,
      filter.taskId,
      filter.sessionId,
      filter.status,
      filter.from,
      filter.to,
    ]);
    const knownTotal = this.#totals.get(totalKey);
    const items: RunSummary[] = [];
    let total = 0;
    let last: number | undefined;
    let more = false;
    for (let i = knownTotal === undefined ? top : start; i >= bottom; i--) {
      const row = this.#order[i]!;
      if (!matches(row)) continue;
      total++;
      if (i > start) continue;
      if (items.length < limit) {
        items.push(this.#summary(row));
        last = row;
      } else {
        more = true;
        if (knownTotal !== undefined) break;
      }
    }
    if (knownTotal === undefined) this.#totals.set(totalKey, total);
    else total = knownTotal;
    const nextCursor =
      more && last !== undefined
        ? encodeCursor({ at: this.#rows.at[last]!, key: this.#keyOf(last) })
        : null;
    return { items, nextCursor, total };
  }
}

export function entryFor(
  key: string,
  summary: RunSummary,
  fallbackTime: number,
  sig?: FileSig,
): IndexEntry {
  const at = runTime(summary) || fallbackTime;
  const entry: IndexEntry = { key, task: key.slice(0, key.lastIndexOf('/')), at, summary };
  if (sig) entry.sig = sig;
  return entry;
}
