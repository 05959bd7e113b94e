import type { RunStatus } from '../model/run.js';
import type { RunSummary } from './run-summary.js';
import { runTime } from './run-summary.js';

/** One run in the index. `key` is its path under the status folder: 'project/group/name/runId.json'. */
export interface IndexEntry {
  key: string;
  /** The task folder part of the key: 'project/group/name'. */
  task: string;
  at: number;
  summary: RunSummary;
}

/** What listAllJobs filters on; every field is optional. */
export interface RunFilter {
  project?: string;
  group?: string;
  name?: string;
  taskId?: string;
  sessionId?: string;
  status?: RunStatus | RunStatus[];
  /** Runs at or after this instant (epoch ms, by start time, else due time). */
  from?: number;
  /** Runs at or before this instant. */
  to?: number;
  /** Page size. Default 100, at most 1000. */
  limit?: number;
  /** From a previous page's nextCursor. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** How many runs match the filter in all. */
  total: number;
}

/**
 * Storage order: oldest first, and for equal times the larger key first, so the reverse is the
 * order callers see (newest first, equal times by key) and a new run is usually an append.
 */
function earlier(a: { at: number; key: string }, b: { at: number; key: string }): boolean {
  return a.at < b.at || (a.at === b.at && a.key > b.key);
}

/**
 * Every run, kept sorted so a page is a walk from a binary-searched start rather than a sort
 * per query. The array runs oldest first: runs arrive roughly in time order, so inserting one
 * (or replacing a 'running' record with its final state) touches the tail instead of shifting
 * the whole array. Big batches (the first scan) rebuild with one sort.
 */
export class RunIndex {
  readonly #byKey = new Map<string, IndexEntry>();
  readonly #byTask = new Map<string, Set<string>>();
  /** Oldest first (see earlier()). */
  #sorted: IndexEntry[] = [];
  /** all()'s newest-first copy, built on demand and dropped on every change. */
  #newestFirst: IndexEntry[] | null = null;
  /** Bumped on every change; totals computed for a filter stay valid until it moves. */
  #version = 0;
  #totals = new Map<string, number>();
  #totalsVersion = -1;
  /** The index version at each task folder's last change: never reset, so never mistaken for an older one. */
  readonly #taskVersions = new Map<string, number>();

  get size(): number {
    return this.#byKey.size;
  }

  get(key: string): IndexEntry | undefined {
    return this.#byKey.get(key);
  }

  /** Every entry, newest first. */
  all(): readonly IndexEntry[] {
    this.#newestFirst ??= this.#sorted.slice().reverse();
    return this.#newestFirst;
  }

  keysOfTask(task: string): ReadonlySet<string> {
    return this.#byTask.get(task) ?? new Set();
  }

  tasks(): IterableIterator<string> {
    return this.#byTask.keys();
  }

  /** Moves whenever a run of the task folder ('project/group/name') is added, changed or removed. */
  taskVersion(task: string): number {
    return this.#taskVersions.get(task) ?? 0;
  }

  /** Every entry, oldest first: the order the run index file keeps, so load() need not sort. */
  oldestFirst(): readonly IndexEntry[] {
    return this.#sorted;
  }

  /**
   * Fills an empty index with `entries` (from the run index file), oldest first as
   * oldestFirst() gave them: a start-up then takes 100,000 runs without a sort. Entries out of
   * order or repeated are put right, at the cost of that sort.
   */
  load(entries: IndexEntry[]): void {
    if (this.#byKey.size > 0) return this.apply(entries, []);
    this.#version++;
    this.#newestFirst = null;
    let ordered = true;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (i > 0 && !earlier(entries[i - 1]!, entry)) ordered = false;
      this.#byKey.set(entry.key, entry);
      let keys = this.#byTask.get(entry.task);
      if (!keys) {
        this.#byTask.set(entry.task, (keys = new Set()));
        this.#taskVersions.set(entry.task, this.#version);
      }
      keys.add(entry.key);
    }
    this.#sorted =
      ordered && this.#byKey.size === entries.length
        ? entries
        : [...this.#byKey.values()].sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0));
  }

  /** Applies a batch: upserts then removals. */
  apply(upserts: IndexEntry[], removals: string[]): void {
    this.#version++;
    this.#newestFirst = null;
    const bulk = upserts.length + removals.length > 512;
    for (const key of removals) this.#remove(key, bulk);
    for (const entry of upserts) {
      this.#taskVersions.set(entry.task, this.#version);
      if (this.#byKey.has(entry.key)) this.#remove(entry.key, bulk);
      this.#byKey.set(entry.key, entry);
      let keys = this.#byTask.get(entry.task);
      if (!keys) this.#byTask.set(entry.task, (keys = new Set()));
      keys.add(entry.key);
      if (bulk) continue;
      const last = this.#sorted[this.#sorted.length - 1];
      if (last === undefined || earlier(last, entry)) this.#sorted.push(entry);
      else this.#sorted.splice(this.#lowerBound(entry), 0, entry);
    }
    if (bulk)
      this.#sorted = [...this.#byKey.values()].sort((a, b) =>
        earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0,
      );
  }

  #remove(key: string, bulk: boolean): void {
    const entry = this.#byKey.get(key);
    if (!entry) return;
    this.#taskVersions.set(entry.task, this.#version);
    this.#byKey.delete(key);
    const keys = this.#byTask.get(entry.task);
    keys?.delete(key);
    if (keys?.size === 0) this.#byTask.delete(entry.task);
    if (bulk) return;
    const i = this.#lowerBound(entry);
    if (this.#sorted[i] === entry) this.#sorted.splice(i, 1);
    else this.#sorted = this.#sorted.filter((e) => e !== entry);
  }

  /** First position (oldest first) whose entry is not earlier than `pos`. */
  #lowerBound(pos: { at: number; key: string }): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (earlier(this.#sorted[mid]!, pos)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One page of runs matching `filter`, newest first. */
  query(filter: RunFilter = {}): Page<RunSummary> {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
    const statuses =
      filter.status === undefined
        ? null
        : new Set(Array.isArray(filter.status) ? filter.status : [filter.status]);
    const matches = (s: RunSummary) =>
      (filter.project === undefined || s.project === filter.project) &&
      (filter.group === undefined || s.group === filter.group) &&
      (filter.name === undefined || s.name === filter.name) &&
      (filter.taskId === undefined || s.taskId === filter.taskId) &&
      (filter.sessionId === undefined || s.sessionId === filter.sessionId) &&
      (statuses === null || statuses.has(s.status));

    // The time window is a contiguous slice of the sorted array, walked from its newest end.
    // An empty key sorts after every real key at the same time, so these bounds take whole instants.
    const top =
      (filter.to === undefined
        ? this.#sorted.length
        : this.#lowerBound({ at: filter.to, key: '' })) - 1;
    const bottom =
      filter.from === undefined ? 0 : this.#lowerBound({ at: filter.from - 1, key: '' });
    const cursor = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    // The page starts just past the cursor's entry: the newest entry earlier than it.
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
    let last: IndexEntry | undefined;
    let more = false;
    for (let i = knownTotal === undefined ? top : start; i >= bottom; i--) {
      const entry = this.#sorted[i]!;
      if (!matches(entry.summary)) continue;
      total++;
      if (i > start) continue;
      if (items.length < limit) {
        items.push(entry.summary);
        last = entry;
      } else {
        more = true;
        if (knownTotal !== undefined) break;
      }
    }
    if (knownTotal === undefined) this.#totals.set(totalKey, total);
    else total = knownTotal;
    return { items, nextCursor: more && last ? encodeCursor(last) : null, total };
  }
}

function encodeCursor(entry: { at: number; key: string }): string {
  return Buffer.from(JSON.stringify([entry.at, entry.key])).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; key: string } {
  try {
    const [at, key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'number' && typeof key === 'string') return { at, key };
  } catch {
    // Falls through to the error below.
  }
  throw new RangeError(
    'JobCache: cursor is not one this cache issued; pass nextCursor from the previous page unchanged',
  );
}

export function entryFor(key: string, summary: RunSummary, fallbackTime: number): IndexEntry {
  const at = runTime(summary) || fallbackTime;
  return { key, task: key.slice(0, key.lastIndexOf('/')), at, summary };
}
