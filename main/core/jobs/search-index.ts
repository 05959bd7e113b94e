import { Index } from 'flexsearch';
import type { RunSummary } from './run-summary.js';

/**
 * The full-text index of runs' output and errors, on FlexSearch: each run's words map to a
 * small number per run, so 100,000 runs with output cost tens of megabytes of heap, not the
 * hundreds a document store would (bench/search-child.js measures it). The text itself is
 * never kept: hits are shown from the record on disk. A run with neither output nor error
 * costs nothing here (most scheduled runs are silent); task names are matched per task, not
 * per run (RunSearch).
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

  /** Adds or replaces run `key`: its summary and the text to find it by; no text, no entry. */
  put(key: string, run: RunSummary, text: string): void {
    if (!/[\p{L}\p{N}]/u.test(text)) return this.remove(key);
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

  /** The runs whose text holds every one of `words` (already normalised) that `accept` takes. */
  runsWithAll(words: readonly string[], accept: (run: RunSummary) => boolean): RunSummary[] {
    if (this.size === 0 || words.length === 0) return [];
    const runs: RunSummary[] = [];
    for (const id of this.#index.search(words.join(' '), { limit: this.size }) as number[]) {
      const run = this.#runOf.get(id);
      if (run !== undefined && accept(run)) runs.push(run);
    }
    return runs;
  }
}
