import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import { TimeSlicer } from '../store/run-record-files.js';
import type { JobCache } from './job-cache.js';
import type { JobChange } from './job-cache-options.js';
import { keyOf } from './job-cache-options.js';
import type { RunFilter } from './run-index.js';
import type { PickFrom, Picked } from './run-pick.js';
import type { RunSummary } from './run-summary.js';
import { SearchIndex } from './search-index.js';
import type { SearchSnippet } from './search-text.js';
import { queryWords, searchableFields, snippetsFor } from './search-text.js';

/** A search: words that must all occur, and the history's usual filters. */
export interface SearchRequest extends Omit<RunFilter, 'cursor' | 'limit' | 'name'> {
  query: string;
  /** Hits per page. Default 50. */
  limit?: number;
  /** Hits to pass over (the pages before). Default 0. */
  offset?: number;
}

export interface SearchHit {
  run: RunSummary;
  /** Where the words were found, with them marked. */
  snippets: SearchSnippet[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** How many runs match in all. */
  total: number;
  /** While the index is still being built: how far it got. Null once every run is in it. */
  indexing: { indexed: number; total: number } | null;
}

export interface RunSearchOptions {
  jobs: JobCache;
  logger?: Logger;
}

/** Records read at once while building: enough to keep the disk busy, few enough to yield often. */
const READ_BATCH = 32;

/**
 * Full-text search over the history. The index is built in the background after start(), a
 * few milliseconds at a time, so the app answers at once and search says how far it got;
 * afterwards it follows JobCache's changes, and records this process writes arrive through
 * take() without waiting for a scan.
 */
export class RunSearch {
  readonly #jobs: JobCache;
  readonly #logger: Logger;
  readonly #index = new SearchIndex();
  /** Each task folder's name words ('project/group/name'), worked out once: folders never rename. */
  readonly #nameWords = new Map<string, ReadonlySet<string>>();
  /** Runs read or taken so far: the progress shown while the index is built. */
  #processed = 0;
  /** Runs to read (again) into the index. */
  readonly #queue = new Set<string>();
  #unsubscribe: (() => void) | null = null;
  #draining: Promise<void> | null = null;
  #stopped = true;
  #built = false;
  /** Where the walk through the history's runs (newest first) got to; null once it is done. */
  #listing: { cursor: string | undefined } | null = null;

  constructor(options: RunSearchOptions) {
    this.#jobs = options.jobs;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Begins building in the background; returns at once. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.#jobs.onChange((change) => this.#follow(change));
    this.#listing = { cursor: undefined };
    this.#drain();
  }

  /** Stops following the history and waits for the batch being read. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#draining;
  }

  /** Resolves once every run known so far is in the index (tests, the bench). */
  async whenIndexed(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** A record this process has just written: searchable at once. */
  take(record: RunRecord): void {
    if (this.#stopped) return;
    const key = keyOf(record);
    this.#queue.delete(key);
    if (this.#summaryOf(key)) this.#index.put(key, textOf(record));
    this.#processed++;
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const words = queryWords(request.query);
    const { items: page, total }: Picked =
      words.length === 0
        ? { items: [], total: 0 }
        : this.#jobs.pickRuns(this.#matching(words), filterOf(request), {
            offset: request.offset ?? 0,
            limit: request.limit ?? 50,
          });
    const hits = await Promise.all(
      page.map(async (run): Promise<SearchHit> => {
        const record = await this.#jobs
          .readRun(run.project, run.group, run.name, run.runId)
          .catch(() => null);
        return { run, snippets: record ? snippetsFor(record, words) : [] };
      }),
    );
    const known = this.#jobs.listAllJobs({ limit: 1 }).total;
    return {
      hits,
      total,
      indexing:
        this.#built && this.#queue.size === 0
          ? null
          : { indexed: Math.min(this.#processed, known), total: known },
    };
  }

  /**
   * The runs in which every word occurs in the output, the error or the task's name. Task
   * folders are grouped by the words their names lack; a folder lacking none gives all its
   * runs, the others give the runs whose text holds all the words they lack (one FlexSearch
   * query per group, which intersects the words itself).
   */
  #matching(words: string[]): PickFrom {
    const groups = new Map<string, { lacking: string[]; folders: Set<string> }>();
    for (const folder of this.#jobs.taskFolders()) {
      const named = this.#wordsOfFolder(folder);
      const lacking = words.filter((word) => !named.has(word));
      const id = lacking.join(' ');
      const group = groups.get(id) ?? { lacking, folders: new Set<string>() };
      group.folders.add(folder);
      groups.set(id, group);
    }
    const keys: string[] = [];
    const whole: string[] = [];
    for (const { lacking, folders } of groups.values()) {
      if (lacking.length === 0) {
        whole.push(...folders);
        continue;
      }
      // The usual case, no task named with any of the words, needs no folder check.
      for (const key of this.#index.keysWithAll(lacking))
        if (groups.size === 1 || folders.has(key.slice(0, key.lastIndexOf('/')))) keys.push(key);
    }
    return { keys, folders: whole };
  }

  #wordsOfFolder(folder: string): ReadonlySet<string> {
    let words = this.#nameWords.get(folder);
    if (!words)
      this.#nameWords.set(folder, (words = new Set(queryWords(folder.replaceAll('/', ' ')))));
    return words;
  }

  #summaryOf(key: string): RunSummary | undefined {
    const [project = '', group = '', name = '', file = ''] = key.split('/');
    return this.#jobs.getJob(project, group, name, file.slice(0, -'.json'.length));
  }

  /**
   * Runs found by a scan. The scan no longer reports records this process wrote (JobCache.put
   * notes their files' stat), so take() and this do not overlap but in the rare scan that reads
   * a file before put() is told of it: that file is then read twice.
   */
  #follow(change: JobChange): void {
    for (const run of [...change.added, ...change.updated]) this.#queue.add(keyOf(run));
    for (const removed of change.removed) {
      const key = keyOf(removed);
      this.#queue.delete(key);
      this.#index.remove(key);
    }
    this.#drain();
  }

  #drain(): void {
    if (this.#draining || this.#stopped) return;
    this.#draining = this.#readQueued()
      .catch((error: unknown) =>
        this.#logger.error(
          'Search: building the index stopped; it resumes at the next change',
          error,
        ),
      )
      .finally(() => {
        this.#draining = null;
        if ((this.#queue.size > 0 || this.#listing) && !this.#stopped) this.#drain();
      });
  }

  async #readQueued(): Promise<void> {
    const slicer = new TimeSlicer(8);
    // The first batch waits a turn: start() is called as the app opens, and the app serves first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while ((this.#queue.size > 0 || this.#listing) && !this.#stopped) {
      if (this.#queue.size < READ_BATCH && this.#listing) this.#listNextPage(this.#listing);
      const batch = [...take(this.#queue, READ_BATCH)];
      const records = await Promise.all(
        batch.map(async (key) => {
          const run = this.#summaryOf(key);
          if (!run) return null;
          return this.#jobs.readRun(run.project, run.group, run.name, run.runId).catch(() => null);
        }),
      );
      batch.forEach((key, i) => {
        const record = records[i];
        if (record && this.#summaryOf(key)) this.#index.put(key, textOf(record));
        else this.#index.remove(key);
      });
      this.#processed += batch.length;
      await slicer.maybeYield();
    }
    if (this.#queue.size === 0 && !this.#listing) this.#built = true;
  }

  /** Queues the next thousand runs of the history, newest first, so recent runs come first. */
  #listNextPage(listing: { cursor: string | undefined }): void {
    const { cursor } = listing;
    const page = this.#jobs.listAllJobs({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const run of page.items) if (!this.#index.has(keyOf(run))) this.#queue.add(keyOf(run));
    listing.cursor = page.nextCursor ?? undefined;
    if (page.nextCursor === null) this.#listing = null;
  }
}

/** Takes up to `n` items out of a set, oldest first. */
function* take(set: Set<string>, n: number): Generator<string> {
  for (const key of set) {
    if (n-- <= 0) return;
    set.delete(key);
    yield key;
  }
}

/** What a run is found by besides its task's name: its output and its error. */
function textOf(record: RunRecord): string {
  const f = searchableFields(record);
  return `${f.output}\n${f.error}`;
}

/** The request's filters as the history's (search has no task-name filter: names are words). */
function filterOf(request: SearchRequest): RunFilter {
  const { project, group, taskId, sessionId, status, from, to } = request;
  return { project, group, taskId, sessionId, status, from, to };
}
