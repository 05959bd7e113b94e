import { Index } from 'flexsearch';
import type { RunSummary } from './run-summary.js';

/**
 * The full-text index of runs, on FlexSearch: each run's words map to a small number per run,
 * so 100,000 runs with output cost tens of megabytes of heap, not the hundreds a document
 * store would (bench/search-child.js measures it). The text itself is never kept: hits are
 * shown from the record on disk.
 */
export class SearchIndex {
  // 'strict' indexes whole words (no prefixes, which multiply memory); resolution 3 keeps
  // only a coarse relevance, enough to order hits that are then sorted newest first anyway.
  readonly #index = new Index({ tokenize: 'strict', resolution: 3 });
  readonly #idOf = new Map<string, number>();
  /** The run each number stands for, so a hit needs no lookup by key. */
  readonly #runOf = new Map<number, RunSummary>();
  #nextId = 1;

  get size(): number {
    return this.#idOf.size;
  }

  has(key: string): boolean {
    return this.#idOf.has(key);
  }

  /** Adds or replaces run `key`: its summary and the text to find it by. */
  put(key: string, run: RunSummary, text: string): void {
    const known = this.#idOf.get(key);
    if (known !== undefined) {
      this.#runOf.set(known, run);
      this.#index.update(known, text);
      return;
    }
    const id = this.#nextId++;
    this.#idOf.set(key, id);
    this.#runOf.set(id, run);
    this.#index.add(id, text);
  }

  remove(key: string): void {
    const id = this.#idOf.get(key);
    if (id === undefined) return;
    this.#index.remove(id);
    this.#idOf.delete(key);
    this.#runOf.delete(id);
  }

  /** Every run containing all of the query's words that `accept` takes. */
  search(query: string, accept: (run: RunSummary) => boolean): RunSummary[] {
    if (this.size === 0) return [];
    const ids = this.#index.search(query, { limit: this.size }) as number[];
    const runs: RunSummary[] = [];
    for (const id of ids) {
      const run = this.#runOf.get(id);
      if (run !== undefined && accept(run)) runs.push(run);
    }
    return runs;
  }
}
